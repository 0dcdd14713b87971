"""`geoplan brief --spec SPEC --out brief.pdf|.docx`: rank sites for a project and write the 招商 brief."""

from __future__ import annotations

import argparse
import sys

from ..brief import write_brief
from ..i18n import LANGS
from ..siting import load_spec, select_sites


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("brief", help="write an investment brief (PDF or Word) for a project spec (招商简报)",
                       description="Runs the site selection of the spec and writes the top parks with their "
                                   "reasons, plan sentences, a map, land and 标准地 terms and caveats.")
    p.add_argument("--spec", required=True, help="project spec (YAML or JSON, as for `geoplan site-select`)")
    p.add_argument("--out", required=True, help="output file: .pdf or .docx")
    p.add_argument("--lang", choices=LANGS, default="zh", help="language of the brief (default zh)")
    p.add_argument("--top", type=int, default=5, help="parks to present (default 5)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    result = select_sites(load_spec(args.spec))
    out = write_brief(result, args.out, lang=args.lang, top=args.top)
    print(f"wrote the brief of {min(args.top, len(result.ranked))} parks to {out}", file=sys.stderr)
    return 0
