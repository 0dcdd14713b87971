"""`geoplan intensity`: 亩均效益 metrics per project, or land-weighted per park/district/region."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

import pandas as pd

from .. import io
from ..intensity import grading
from .. import intensity as I
from ..siting.criteria import default_floor_path

LEVELS = ("project", "park", "district", "region", "cluster")
EXAMPLE_FLOORS = default_floor_path()


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("intensity", help="land-output intensity, 亩均效益 (default: Tongliang's 73 projects)",
                       description="Per-row 亩均 metrics and land-weighted aggregates (Σ/Σ). Without --input: "
                                   "the 73 projects of the Tongliang plan (plan guidance figures).")
    p.add_argument("--input", help="CSV/Excel table: land_mu|land_m2|land_ha|land_km2, output_yi|_wan, "
                                   "tax_wan, value_added_wan, investment_wan, employees, energy_tce, "
                                   "rd_wan, revenue_wan …, and park_id or adcode")
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
        from .. import io as gio

        df = gio.read_table(args.input, crs=args.crs)
        return df, args.input, None
    from ..data import catalog

    return catalog.tongliang_projects(), "data/tongliang_projects.csv", "plan guidance figures / 规划指导数据"


def compute(args: argparse.Namespace) -> dict[str, Any]:
    """Everything the command prints, as plain data."""
    df, src, note = _load(args)
    floors = None
    if args.floors:
        floors = I.read_floors(EXAMPLE_FLOORS if args.floors == "example" else args.floors)
    r = I.evaluate(df, args.level, scheme=args.scheme, grading_config=grading.load_config(args.grading_config),
                   floors=floors, id_col=args.id_col, land_unit=args.land_unit, money_unit=args.money_unit,
                   on_bad="exclude" if args.exclude_bad else "raise", file=src)
    t = r["table"]
    return {**r, "level": args.level, "source": src, "figures_note": note,
            "scheme": t["grade_scheme"].iloc[0] if len(t) else None}


def _clean(v: Any) -> Any:
    if v is None or v is pd.NA or (isinstance(v, float) and not math.isfinite(v)):
        return None
    if hasattr(v, "item"):
        return _clean(v.item())
    return v


def records(df: pd.DataFrame, drop: tuple[str, ...] = ("geometry",)) -> list[dict[str, Any]]:
    """JSON-safe records: NaN/NA → null, numpy scalars → Python."""
    cols = [c for c in df.columns if c not in drop]
    return [{c: _clean(v) for c, v in zip(cols, row)} for row in df[cols].itertuples(index=False)]


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
        json.dump(io.json_safe(out), sys.stdout, ensure_ascii=False, indent=1, allow_nan=False)
        print()
    elif args.format == "csv":
        io.neutralise_frame(t.drop(columns=["geometry"], errors="ignore")).to_csv(sys.stdout, index=False)
    else:
        if r["figures_note"]:
            print(f"# {r['source']}: {r['figures_note']}")
        cols = _table_cols(r["level"], t)
        print(t[cols].to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
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
            print(r["excluded"].to_string(index=False))
    return 0
