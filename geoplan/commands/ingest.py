"""`geoplan ingest PLAN --out proposals.csv`: read a plan and propose its industry → place rows for review.

Round trip: edit the ``decision`` column (accept / edit / reject) of the proposals CSV, then
`geoplan ingest --apply reviewed.csv --approved-out approved.csv` checks the reviewed rows against
the plan (evidence must still be verbatim on its line) and writes the approved assignments with
their provenance; ``--to-workspace`` also stores them in the workspace (GEOPLAN_STORE, else the
GeoPackage workspace), from where the industry map shows them. Ingesting never changes ``data/``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from .. import ingest, io, store
from ..errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="read a plan and propose industry→place rows for review (读取规划)",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("plan", nargs="?", metavar="PLAN", help="the plan (.txt, .docx, .pdf)")
    p.add_argument("--out", help="review CSV to write (proposals with an empty decision column)")
    p.add_argument("--title", default="", help="document title (文件名称), kept as provenance")
    p.add_argument("--doc-number", default="", help="document number (文号), kept as provenance")
    p.add_argument("--date", default="", help="document date (发布日期), kept as provenance")
    p.add_argument("--plan-id", default=None, help="plan id in data/assignments.csv that scopes contradictions")
    p.add_argument("--apply", metavar="REVIEWED", help="apply a reviewed CSV (needs --approved-out)")
    p.add_argument("--approved-out", help="CSV of approved assignments to write with --apply")
    p.add_argument("--to-workspace", action="store_true",
                   help="with --apply: also store the approved rows in the workspace (shown on the industry map)")
    p.add_argument("--store", default=None, help="workspace URL or GeoPackage path (default: GEOPLAN_STORE, "
                   "else GEOPLAN_WORKSPACE)")
    p.set_defaults(handler=run)


def _read_reviewed(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputError("reviewed CSV not found", file=path.name)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"not a readable CSV ({exc.__class__.__name__})", file=path.name) from exc


def _plan_for(args: argparse.Namespace, reviewed: pd.DataFrame) -> Path:
    if args.plan:
        return Path(args.plan)
    sources = sorted({s for s in reviewed.get("source", pd.Series(dtype=str)) if s})
    if len(sources) != 1:
        raise InputError("name the plan file (PLAN) so the evidence can be checked against it",
                         file=Path(args.apply).name, field="source")
    cand = Path(args.apply).parent / sources[0]
    if not cand.is_file():
        raise InputError(f"plan '{sources[0]}' not found beside the reviewed CSV; name it as PLAN",
                         file=Path(args.apply).name, field="source")
    return cand


def run(args: argparse.Namespace) -> int:
    if args.apply:
        if not args.approved_out:
            raise InputError("--apply needs --approved-out FILE for the approved rows", field="--approved-out")
        rpath = Path(args.apply)
        reviewed = _read_reviewed(rpath)
        plan = _plan_for(args, reviewed)
        lines = ingest.read_plan(plan)
        approved = ingest.apply_review(reviewed, lines, file=rpath.name)
        out = io.safe_output_path(args.approved_out)
        with io.atomic_output(out) as tmp:
            approved.to_csv(tmp, index=False, encoding="utf-8-sig")
        n_rej = int((reviewed["decision"].str.strip().str.lower() == "reject").sum())
        n_open = int((reviewed["decision"].str.strip() == "").sum())
        print(f"approved {len(approved)} row(s) → {out}; rejected {n_rej}, undecided {n_open}", file=sys.stderr)
        if args.to_workspace:
            ws = store.open_store(args.store)
            try:
                k = ws.add_approved_assignments(approved)
            finally:
                ws.close()
            print(f"stored {k} new row(s) in the workspace {ws.location} ({len(approved) - k} already there)",
                  file=sys.stderr)
        return 0
    if not args.plan or not args.out:
        raise InputError("give PLAN and --out proposals.csv (or --apply reviewed.csv --approved-out FILE)",
                         field="--out")
    plan = Path(args.plan)
    _, table = ingest.ingest_plan(plan, title=args.title, number=args.doc_number, date=args.date,
                                  plan_id=args.plan_id)
    out = io.safe_output_path(args.out)
    with io.atomic_output(out) as tmp:
        table.to_csv(tmp, index=False, encoding="utf-8-sig")
    counts = table["status"].value_counts().to_dict()
    summary = ", ".join(f"{k} {counts.get(k, 0)}" for k in ("new", "existing", "contradiction", "new_site"))
    print(f"proposed {len(table)} row(s) from {plan.name} → {out} ({summary}); set the decision column "
          "to accept/edit/reject, then run geoplan ingest --apply", file=sys.stderr)
    return 0
