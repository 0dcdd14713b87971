"""The ``geoplan`` command line: a thin dispatcher over ``geoplan.commands.*``.

Each subcommand lives in its own module with ``register(subparsers)``; the module's handler
turns GeoplanError into a one-line message and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .errors import GeoplanError
from .io.validate import terminal_text

# One module per subcommand, in the order `geoplan --help` lists them.
COMMAND_MODULES = [
    "layers",
    "export",
    "import_",
    "intensity",
    "proximity",
    "raster",
    "site_select",
    "ingest",
    "allocate",
    "brief",
    "workspace",
    "targets",
]


def build_parser() -> argparse.ArgumentParser:
    """The ``geoplan`` argument parser, one subcommand per module of ``COMMAND_MODULES``."""
    parser = argparse.ArgumentParser(
        prog="geoplan",
        description="Chongqing industrial-park planning layers and analyses (重庆产业园区规划图层与分析).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(f"geoplan.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (1 and a plain message for a GeoplanError)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except GeoplanError as exc:
        print(f"geoplan {args.command}: error: {terminal_text(str(exc))}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `geoplan … | head`
        return 0
    except OSError as exc:  # read-only or full output folder, name too long …: a message, not a traceback
        where = f" ({terminal_text(str(exc.filename))})" if exc.filename else ""
        print(f"geoplan {args.command}: error: cannot write or read a file{where}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
