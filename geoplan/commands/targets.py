"""`geoplan targets`: the 2027 municipal targets against actual figures (gap, required growth, status)."""

from __future__ import annotations

import argparse
import json
import math
import os
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..intensity import targets as T
from ..store import actuals_from_store, default_workspace_path, open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("targets", help="plan targets vs actual figures (gap, required growth, status)",
                       description="The municipal plan targets (data/targets.csv rows named in "
                                   "config/targets_tracking.yaml, and the 2027 targets of 渝府办发〔2023〕72号 …) "
                                   "tracked against actuals: the workspace's (as entered on the Plan targets "
                                   "page), then --actuals (which wins per indicator and year). The red/amber/green "
                                   "rule is geoplan's own (config/targets_tracking.yaml).")
    p.add_argument("--actuals", help="CSV with columns indicator, year, value, unit")
    p.add_argument("--store", help="workspace .gpkg path or postgresql:// URL (default: GEOPLAN_STORE, "
                                   "GEOPLAN_WORKSPACE, else the user's workspace)")
    p.add_argument("--no-workspace", action="store_true", help="ignore the workspace's actual figures")
    p.add_argument("--save", action="store_true", help="store the --actuals figures in the workspace")
    p.add_argument("--workspace", action="store_true",
                   help="read the workspace's actuals (the default whenever a workspace exists; kept for scripts)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.set_defaults(handler=run)


def compute(args: argparse.Namespace) -> pd.DataFrame:
    """The tracking table of the workspace's actuals and ``--actuals`` (that one wins per indicator, year)."""
    given = None
    if args.actuals:
        try:
            given = pd.read_csv(args.actuals)
        except (OSError, pd.errors.ParserError) as exc:
            raise InputError(f"cannot read the table ({exc})", file=args.actuals) from None
        given = T.read_actuals(given, file=args.actuals)
    stored = None
    store_url = getattr(args, "store", None) or os.environ.get("GEOPLAN_STORE")
    save = given is not None and getattr(args, "save", False)
    # a read-only run does not create a workspace that does not exist yet
    absent = store_url is None and not default_workspace_path().exists() and not save
    if not getattr(args, "no_workspace", False) and not absent:
        store = open_store(store_url)
        try:
            if save:
                for r in given.itertuples():
                    store.set_actual(r.indicator, int(r.year), float(r.value), str(r.unit or ""),
                                     f"geoplan targets --actuals {Path(args.actuals).name}")
            stored = actuals_from_store(store)
        finally:
            store.close()
    return T.track_targets(T.merge_actuals(stored, given))


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
        cols = ["target_id", "indicator_zh", "target", "unit", "target_year", "latest_year", "actual", "gap",
                "required_growth_pct", "status", "doc_number"]
        with pd.option_context("display.max_columns", None, "display.width", 200):
            print(r[cols].to_string(index=False, float_format=lambda v: f"{v:,.3g}"))
        print(f"\nstatus rule (geoplan's own, not policy): {rule['statement_en']}")
    return 0
