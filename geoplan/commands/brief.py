"""`geoplan brief --spec SPEC --out brief.pdf|.docx`: rank sites for a project and write the 招商 brief."""

from __future__ import annotations

import argparse
import sys

from ..brief import write_brief
from ..i18n import LANGS
from ..io.validate import terminal_text
from ..siting import load_spec, select_sites
from ..store import existing_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("brief", help="write an investment brief (PDF or Word) for a project spec (招商简报)",
                       description="Runs the site selection of the spec and writes the top parks with their "
                                   "reasons, plan sentences, a map, land and 标准地 terms and caveats.")
    p.add_argument("--spec", required=True, help="project spec (YAML or JSON, as for `geoplan site-select`)")
    p.add_argument("--out", required=True, help="output file: .pdf or .docx")
    p.add_argument("--lang", choices=LANGS, default="zh", help="language of the brief (default zh)")
    p.add_argument("--top", type=int, default=5, help="parks to present (default 5)")
    p.add_argument("--store", metavar="URL",
                   help="workspace .gpkg path or postgresql:// URL whose free land and park polygons are used "
                        "(default: GEOPLAN_STORE, or GEOPLAN_WORKSPACE when that file exists)")
    p.add_argument("--no-workspace", action="store_true", help="ignore the workspace: embedded data only")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    spec = load_spec(args.spec)
    ws = None if args.no_workspace else existing_store(args.store)
    if ws is None:
        result = select_sites(spec)
    else:  # the ranking `geoplan site-select` and the app show: the workspace's land and polygons
        try:
            result = ws.run_site_selection(spec)
            print(f"workspace {terminal_text(ws.location)}: free land of {len(ws.land_table())} park(s) used "
                  "(--no-workspace ignores it)", file=sys.stderr)
        finally:
            ws.close()
    out = write_brief(result, args.out, lang=args.lang, top=args.top)
    print(f"wrote the brief of {min(args.top, len(result.ranked))} parks to {out}", file=sys.stderr)
    return 0
