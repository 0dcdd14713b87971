"""`geoplan intensity`: 亩均效益 metrics per project, or land-weighted per park/district/region."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from .. import intensity as I
from .. import io as gio
from ..data import catalog
from ..errors import InputError
from ..intensity import grading
from ..siting.criteria import default_floor_path
from ._output import print_csv, print_json, print_table, records

LEVELS = ("project", "park", "district", "region", "cluster")
EXAMPLE_FLOORS = default_floor_path()


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("intensity", help="land-output intensity, 亩均效益 (default: Tongliang's 73 projects)",
                       description="Per-row 亩均 metrics and land-weighted aggregates (Σ/Σ). Without --input: "
                                   "the 73 projects of the Tongliang plan (plan guidance figures).")
    p.add_argument("--input", help="CSV/Excel table, a bureau's headers as on the app's intensity page "
                                   "(用地面积(亩), 工业总产值(万元), 实缴税金 …, title and unit rows, GBK) or "
                                   "geoplan's names: land_mu|land_m2|land_ha|land_km2, output_yi|_wan, tax_wan, "
                                   "value_added_wan, investment_wan, employees, energy_tce, rd_wan, revenue_wan …, "
                                   "and park_id or adcode")
    p.add_argument("--crs", help="coordinate system of lon/lat columns, if the table has them (wgs84, gcj02 …)")
    p.add_argument("--level", choices=LEVELS, default="project")
    p.add_argument("--scheme", help="grading scheme in config/grading.yaml (default: its 'default')")
    p.add_argument("--grading-config", help="another grading YAML")
    p.add_argument("--floors", help="标准地 floors table (CSV); 'example' = the shipped example table")
    p.add_argument("--id-col", help="id column (default: id / project_id / enterprise_id / parcel_id)")
    p.add_argument("--land-unit", help="unit of a bare 'land' column: mu, m2, ha, km2")
    p.add_argument("--money-unit", help="unit of bare money columns: yi, wan, yuan")
    p.add_argument("--exclude-bad", action="store_true",
                   help="drop bad rows and list them (default: stop at the first bad row)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(handler=run)


def _load(args: argparse.Namespace) -> tuple[pd.DataFrame, str, str | None]:
    if args.input:
        df = gio.read_table(args.input, crs=args.crs, negative="rows" if args.exclude_bad else "refuse")
        if args.land_unit or args.money_unit:  # the caller names the units of bare columns: no recognition
            return df, args.input, None
        return _bureau(df, args.input), args.input, None

    return catalog.tongliang_projects(), "data/tongliang_projects.csv", "plan guidance figures / 规划指导数据"


def _bureau(df: pd.DataFrame, path: str) -> pd.DataFrame:
    """A bureau's headers recognised as on the app's intensity page (title rows, unit rows, GBK);
    refused, listing the columns found and expected, when no land or metric column is recognised.
    """
    name = Path(path).name
    mapped, _, amb = I.recognise_headers(df)
    try:
        I.require_metric_columns(mapped, file=name)
    except InputError:
        mapped, _, amb = I.recognise_headers(I.read_bureau_table(Path(path).read_bytes(), name))
        I.require_metric_columns(mapped, file=name)
    for col, why in amb.items():
        print(f"{name}: column '{col}' not used ({I.explain_ambiguous(why, 'en')}); rename it with a unit, "
              "e.g. 营业收入(万元)", file=sys.stderr)
    return mapped


def compute(args: argparse.Namespace) -> dict[str, Any]:
    """Everything the command prints, as plain data."""
    df, src, note = _load(args)
    floors = None
    if args.floors:
        floors = I.read_floors(EXAMPLE_FLOORS if args.floors == "example" else args.floors)
    id_col = args.id_col
    if args.input and id_col is None and not (args.land_unit or args.money_unit):
        df, id_col = I.upload_ids(df)
    r = I.evaluate(df, args.level, scheme=args.scheme, grading_config=grading.load_config(args.grading_config),
                   floors=floors, id_col=id_col, land_unit=args.land_unit, money_unit=args.money_unit,
                   on_bad="exclude" if args.exclude_bad else "raise", file=src)
    t = r["table"]
    return {**r, "level": args.level, "source": src, "figures_note": note,
            "scheme": t["grade_scheme"].iloc[0] if len(t) else None}


SHOW = ["land_mu", "output_per_mu", "tax_per_mu", "investment_per_mu", "vs_target_2022", "grade"]


def _table_cols(level: str, t: pd.DataFrame) -> list[str]:
    head = {"project": ["project_id", "id", "name_zh", "cluster_zh"], "park": ["park_id", "name_zh"],
            "district": ["adcode", "name_zh"], "region": ["region_id", "name_zh"],
            "cluster": ["cluster_zh"]}[level]
    extra = ["n_rows", "output_per_mu_base", "output_per_mu_n"] if level != "project" else []
    cols = [c for c in head + extra + SHOW if c in t]
    # metrics that are empty everywhere are noise in a table
    return [c for c in cols if not (c in I.METRICS and t[c].isna().all())]


def run(args: argparse.Namespace) -> int:
    r = compute(args)
    t = r["table"]
    if args.format == "json":
        out = {
            "level": r["level"], "source": r["source"], "figures_note": r["figures_note"],
            "grading_scheme": r["scheme"],
            "metric_labels": {k: {"zh": v[0], "en": v[1], "unit": v[2]} for k, v in I.METRIC_LABELS.items()},
            "total": records(r["total"])[0],
            "municipal_target": records(r["target"]),
            "rows": records(t),
            "excluded": records(r["excluded"]),
        }
        print_json(out)
    elif args.format == "csv":
        print_csv(t)
    else:
        if r["figures_note"]:
            print(f"# {r['source']}: {r['figures_note']}")
        cols = _table_cols(r["level"], t)
        print_table(t[cols])
        tot = r["total"].iloc[0]
        zh, en, unit = I.METRIC_LABELS["output_per_mu"]
        if tot["output_per_mu_n"] > 0:
            print(f"\n{zh} / {en} (Σ/Σ): {tot['output_per_mu']:,.1f} {unit} over "
                  f"{tot['output_per_mu_base']:,.0f} 亩, n = {int(tot['output_per_mu_n'])} of {int(tot['n_rows'])}")
        tgt = r["target"].iloc[-1]
        print(f"municipal target {int(tgt['year'])} 园区规模工业用地产出强度: {tgt['yi_per_km2']:g} 亿元/km² "
              f"= {tgt['wan_per_mu']:.1f} 万元/亩 ({tgt['source']})")
        notes = sorted({n for n in t["grade_note"] if n}) if "grade_note" in t else []
        print(f"grading: {r['scheme']}" + (f" ({'; '.join(notes)})" if notes else ""))
        if len(r["excluded"]):
            print("\nexcluded rows / 排除的行:")
            print_table(r["excluded"])
    return 0
