"""Municipal targets for land-output intensity, read from ``data/targets.csv``, and benchmarks against them."""

from __future__ import annotations

import pandas as pd

from ..data import catalog
from ..errors import DataError
from ..units import WAN_PER_MU_PER_YI_PER_KM2

TARGET_INDICATOR_ZH = "园区规模工业用地产出强度"


def municipal_output_target() -> pd.DataFrame:
    """The municipal 园区规模工业用地产出强度 targets by year, in 亿元/km² and 万元/亩, with source.

    Read from ``data/targets.csv`` (seed 000's indicator table); a table without the indicator is
    a data error, not a reason to fall back on figures in code.
    """
    t = catalog.targets()
    rows = t[t["indicator_zh"].astype(str).str.contains(TARGET_INDICATOR_ZH, regex=False)]
    if rows.empty:
        raise DataError(f"data/targets.csv has no {TARGET_INDICATOR_ZH} rows")
    years = pd.to_numeric(rows["year"], errors="coerce").astype("Int64")
    vals = pd.to_numeric(rows["value"], errors="coerce").astype(float)
    out = pd.DataFrame({"year": years, "yi_per_km2": vals,
                        "source": rows["source"] + " L" + rows["source_line"].astype(str)})
    out = out.dropna(subset=["year", "yi_per_km2"]).sort_values("year").reset_index(drop=True)
    out["wan_per_mu"] = out["yi_per_km2"] * WAN_PER_MU_PER_YI_PER_KM2
    return out


def benchmark_municipal(df: pd.DataFrame, metric: str = "output_per_mu") -> pd.DataFrame:
    """Add ``vs_target_<year>``: ``metric`` (万元/亩) divided by the municipal target of that year."""
    out = df.copy()
    for year, wan in zip(municipal_output_target()["year"], municipal_output_target()["wan_per_mu"]):
        out[f"vs_target_{int(year)}"] = out[metric] / wan
    return out
