"""`geoplan targets`: the 2027 municipal targets against actual figures (gap, required growth, status)."""

from __future__ import annotations

import argparse
import json
import math

import pandas as pd

from ..errors import InputError
from ..intensity import targets as T
from ..store import actuals_from_store, open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("targets", help="2027 plan targets vs actual figures (gap, required growth, status)",
                       description="The 2027 municipal targets (渝府办发〔2023〕72号 …) tracked against actuals. "
                                   "The red/amber/green rule is geoplan's own (config/targets_tracking.yaml).")
    p.add_argument("--actuals", help="CSV with columns indicator, year, value, unit")
    p.add_argument("--workspace", action="store_true",
                   help="use the actuals kept in the workspace (`geoplan workspace actuals FILE.csv`)")
    p.add_argument("--store", metavar="URL", help="workspace .gpkg path or postgresql:// URL (with --workspace)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.set_defaults(handler=run)


def compute(args: argparse.Namespace) -> pd.DataFrame:
    actuals = None
    if args.actuals:
        try:
            actuals = pd.read_csv(args.actuals)
        except (OSError, pd.errors.ParserError) as exc:
            raise InputError(f"cannot read the table ({exc})", file=args.actuals) from None
        actuals = T.read_actuals(actuals, file=args.actuals)
    elif getattr(args, "workspace", False):
        s = open_store(getattr(args, "store", None))
        try:
            actuals = actuals_from_store(s)
        finally:
            s.close()
    return T.track_targets(actuals)


def run(args: argparse.Namespace) -> int:
    r = compute(args)
    rule = T.status_rule()
    if args.format == "csv":
        print(r.to_csv(index=False), end="")
    elif args.format == "json":
        recs = [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
                for row in r.to_dict(orient="records")]
        print(json.dumps({"targets": recs, "status_rule": rule}, ensure_ascii=False, indent=1, default=str))
    else:
        cols = ["indicator_zh", "target", "unit", "target_year", "latest_year", "actual", "gap",
                "required_growth_pct", "status", "doc_number"]
        with pd.option_context("display.max_columns", None, "display.width", 200):
            print(r[cols].to_string(index=False, float_format=lambda v: f"{v:,.3g}"))
        print(f"\nstatus rule (geoplan's own, not policy): {rule['statement_en']}")
    return 0
