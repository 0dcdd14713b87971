"""标准地 floors: read a park × industry floors table and compare rows with it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError

FLOOR_METRICS = {"investment_per_mu": "investment_per_mu_min", "tax_per_mu": "tax_per_mu_min",
                 "output_per_mu": "output_per_mu_min"}


def read_floors(path) -> pd.DataFrame:
    """A 标准地 floors table (park_id, industry_id or ``*``, ``<metric>_min`` in 万元/亩)."""
    try:
        f = pd.read_csv(path, comment="#", dtype={"park_id": str, "industry_id": str})
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, IsADirectoryError) as exc:
        raise InputError(f"cannot read the floors table ({type(exc).__name__}); save it as UTF-8 CSV",
                         file=str(path)) from None
    need = {"park_id", "industry_id"}
    if not need <= set(f.columns):
        raise InputError(f"floors table needs columns {sorted(need)}", file=str(path))
    for c in FLOOR_METRICS.values():
        if c in f:
            num = pd.to_numeric(f[c], errors="coerce")
            bad = num.isna() & f[c].notna()
            if bad.any():
                r = int(np.flatnonzero(bad.to_numpy())[0])
                raise InputError(f"'{str(f[c].iloc[r])[:40]}' is not a number (万元/亩; leave empty for no floor)",
                                 file=str(path), row=r + 1, field=c)
            f[c] = num
    dup = f.duplicated(["park_id", "industry_id"])
    if dup.any():
        raise InputError("duplicate park_id × industry_id", file=str(path), row=int(np.flatnonzero(dup)[0]) + 1)
    return f


def check_floors(df: pd.DataFrame, floors: pd.DataFrame, park_col: str = "park_id",
                 industry_col: str = "industry_id") -> pd.DataFrame:
    """Compare each row's metrics with its park × industry 标准地 floor (``*`` = any industry).

    Adds ``floor_<metric>`` and ``floor_<metric>_pass`` (True/False; empty where the metric or the
    floor is missing) and ``floor_status`` (pass / fail / no_floor / no_data).
    """
    out = df.copy()
    ind = out[industry_col].astype("string").fillna("") if industry_col in out else pd.Series(
        "", index=out.index, dtype="string")
    park = out[park_col].astype("string").fillna("")
    f = floors.set_index(["park_id", "industry_id"])
    status = pd.Series("no_floor", index=out.index, dtype=object)
    any_fail = pd.Series(False, index=out.index)
    any_check = pd.Series(False, index=out.index)
    for metric, col in FLOOR_METRICS.items():
        if col not in floors:
            continue
        exact = pd.Series(list(zip(park, ind)), index=out.index).map(f[col].to_dict())
        wild = park.map(f[col].xs("*", level="industry_id").to_dict()
                        if "*" in f.index.get_level_values(1) else {})
        floor = exact.astype(float).fillna(wild.astype(float))
        out[f"floor_{metric}"] = floor
        checked = floor.notna() & out[metric].notna()
        passed = (out[metric] >= floor).where(checked)
        out[f"floor_{metric}_pass"] = passed.astype("boolean")
        any_check |= checked
        any_fail |= checked & (out[metric] < floor)
        status[floor.notna() & ~checked & (status == "no_floor")] = "no_data"
    status[any_check] = "pass"
    status[any_fail] = "fail"
    out["floor_status"] = status
    return out
