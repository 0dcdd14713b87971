"""The intensity indicators (亩均产值, 亩均税收, 亩均增加值 …) and their per-row computation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError
from .normalise import CANONICAL


@dataclass(frozen=True)
class Metric:
    """An intensity indicator: numerator / denominator × scale, with zh/en labels and unit."""

    numerator: str
    denominator: str
    scale: float
    zh: str
    en: str
    unit: str


METRICS: dict[str, Metric] = {
    "output_per_mu": Metric("output_wan", "land_mu", 1.0, "亩均产值", "output per mu", "万元/亩"),
    "tax_per_mu": Metric("tax_wan", "land_mu", 1.0, "亩均税收", "tax per mu", "万元/亩"),
    "va_per_mu": Metric("value_added_wan", "land_mu", 1.0, "亩均增加值", "value added per mu", "万元/亩"),
    "investment_per_mu": Metric("investment_wan", "land_mu", 1.0, "投资强度", "investment intensity",
                                "万元/亩"),
    "labour_productivity": Metric("value_added_wan", "employees", 1.0, "全员劳动生产率",
                                  "labour productivity", "万元/人"),
    "va_per_energy": Metric("value_added_wan", "energy_tce", 1.0, "单位能耗增加值",
                            "value added per unit energy", "万元/吨标煤"),
    "va_per_emission": Metric("value_added_wan", "emissions_t", 1.0, "单位排放增加值",
                              "value added per unit emission", "万元/吨"),
    "rd_share_pct": Metric("rd_wan", "revenue_wan", 100.0, "R&D经费占营业收入比重", "R&D share of revenue",
                           "%"),
}


# metric → (zh, en, unit), for tables and maps
METRIC_LABELS: dict[str, tuple[str, str, str]] = {k: (m.zh, m.en, m.unit) for k, m in METRICS.items()}


def compute_metrics(df: pd.DataFrame) -> pd.DataFrame:
    """Per-row metrics (columns named as in ``METRICS``) on a frame from ``normalise``.

    A metric is computed only where numerator and denominator exist and the denominator is > 0;
    elsewhere it is empty, and ``metrics_note`` says which metric had a zero denominator.
    """
    missing = [c for c in CANONICAL if c not in df]
    if missing:
        raise InputError(f"columns {missing} missing; pass the frame through intensity.normalise first")
    out = df.copy()
    notes = pd.Series("", index=out.index, dtype=object)
    for name, m in METRICS.items():
        num = out[m.numerator].to_numpy(float)
        den = out[m.denominator].to_numpy(float)
        ok = np.isfinite(num) & np.isfinite(den) & (den > 0)
        zero = np.isfinite(num) & np.isfinite(den) & (den == 0)
        val = np.full(len(out), np.nan)
        val[ok] = num[ok] / den[ok] * m.scale
        out[name] = val
        if zero.any():
            notes[zero] = notes[zero] + f"{name}: {m.denominator} is 0, not computed; "
    out["metrics_note"] = notes.str.rstrip("; ")
    return out
