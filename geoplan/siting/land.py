"""Free land per park: an optional overrides table (CSV or frame) and the land-fit score.

The overrides table has columns ``park_id, available_land_mu, as_of, source`` (``#`` lines are
comments). ``data/examples/available_land_example.csv`` is an ILLUSTRATIVE EXAMPLE with made-up
values; it is used only when asked for (spec ``land: example``, CLI ``--example-land``, app checkbox)
and every output that uses it says "example".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..paths import data_dir

LAND_COLUMNS = ("park_id", "available_land_mu", "as_of", "source")
EXAMPLE_KEYWORD = "example"
EXAMPLE_MARK = "ILLUSTRATIVE EXAMPLE"


def example_land_path() -> Path:
    """The shipped example table (made-up values, clearly marked)."""
    return data_dir() / "examples" / "available_land_example.csv"


def read_land(source: str | Path | pd.DataFrame, *, name: str | None = None) -> pd.DataFrame:
    """Validated land overrides: one row per park_id, available_land_mu ≥ 0 (blank = unknown).

    Raises InputError naming the file (``name`` or the path), the 1-based data row and the field.
    """
    if isinstance(source, pd.DataFrame):
        df, label = source.copy(), name or "land table"
    else:
        p = example_land_path() if str(source).strip().lower() == EXAMPLE_KEYWORD else Path(source)
        label = name or p.name
        if not p.exists():
            raise InputError("land table not found (可用地表未找到)", file=label)
        df = pd.read_csv(p, dtype=str, keep_default_na=False, comment="#")
    missing = [c for c in ("park_id", "available_land_mu") if c not in df.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; expected {', '.join(LAND_COLUMNS)} "
                         f"(缺少列)", file=label)
    for c in ("as_of", "source"):
        if c not in df.columns:
            df[c] = ""
    df["park_id"] = df["park_id"].astype(str).str.strip()
    raw = df["available_land_mu"].astype(str).str.strip()
    val = pd.to_numeric(raw.replace("", None), errors="coerce")
    bad = (val.isna() & (raw != "") & (raw.str.lower() != "nan")) | (val < 0)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"expected free land in 亩 ≥ 0, got {raw.iloc[i]!r} (可用地须为不小于 0 的亩数)",
                         file=label, row=i + 1, field="available_land_mu")
    dup = df["park_id"].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(f"park {df['park_id'].iloc[i]!r} appears twice (园区重复)", file=label, row=i + 1,
                         field="park_id")
    df["available_land_mu"] = val.astype(float)
    df["source"] = df["source"].astype(str)
    df["as_of"] = df["as_of"].astype(str)
    return df[list(LAND_COLUMNS)].reset_index(drop=True)


def example_mask(sources: pd.Series) -> pd.Series:
    """True where a land source (a table's ``source`` or a candidate's ``land_source``) is the example."""
    return sources.fillna("").astype(str).str.contains(EXAMPLE_MARK, case=False, regex=False)


def is_example_source(source: object) -> bool:
    """True when one land source text is the example table's (``land_source`` of a ranked row)."""
    return isinstance(source, str) and EXAMPLE_MARK.lower() in source.lower()


def is_example(table: pd.DataFrame) -> bool:
    """True when any row of the table is marked as the illustrative example."""
    return bool(example_mask(table["source"]).any())


def land_summary(table: pd.DataFrame | None) -> dict:
    """How much of a land table is example data: ``used``, ``example`` (any example row), ``n_parks``
    (rows), ``n_example`` (example rows) — so a warning can tell a mixed table from an all-example one.
    """
    if table is None:
        return {"used": False, "example": False, "n_parks": 0, "n_example": 0}
    n_ex = int(example_mask(table["source"]).sum())
    return {"used": True, "example": n_ex > 0, "n_parks": int(len(table)), "n_example": n_ex}


def apply_land(cands: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Candidates with free land from ``table`` (by park_id; a sub-zone without its own row takes
    its parent park's figure, the pool it draws on). Adds ``land_as_of`` and updates ``land_source``.
    """
    out = cands.copy()
    t = table.set_index("park_id")
    label = (t["source"].where(t["source"] != "", "land table") + np.where(t["as_of"] != "", " (" + t["as_of"] + ")", ""))
    own = out["park_id"].where(out["park_id"].isin(t.index))
    via_parent = own.isna() & out["parent_park_id"].isin(t.index)
    key = own.where(~via_parent, out["parent_park_id"])
    hit = key.notna().to_numpy()
    if "land_as_of" not in out:
        out["land_as_of"] = ""
    out.loc[hit, "available_land_mu"] = key[hit].map(t["available_land_mu"]).to_numpy(float)
    out.loc[hit, "land_as_of"] = key[hit].map(t["as_of"]).to_numpy()
    src = key[hit].map(label).to_numpy(object)
    par = via_parent[hit].to_numpy()
    out.loc[hit, "land_source"] = np.where(par, src + " — parent park's figure", src)
    return out


def land_fit(available_mu: np.ndarray, need_mu: float, cfg: dict) -> np.ndarray:
    """Land-fit score (0–1) of each park's free land for a project of ``need_mu`` 亩.

    r = free / need: 0 below 1 (the gate fails anyway); tight_score at r = 1 rising linearly to 1 at
    tight_ratio; 1 up to loose_ratio; loose_ratio / r beyond; unknown_score when the land is unknown.
    """
    a = np.asarray(available_mu, float)
    r = a / float(need_mu)
    t, ts, lo = float(cfg["tight_ratio"]), float(cfg["tight_score"]), float(cfg["loose_ratio"])
    with np.errstate(divide="ignore", invalid="ignore"):
        rising = ts + (1 - ts) * (r - 1) / (t - 1) if t > 1 else np.ones_like(r)
        s = np.where(r < 1, 0.0, np.where(r < t, rising, np.where(r <= lo, 1.0, lo / r)))
    return np.where(np.isnan(a), float(cfg["unknown_score"]), s)
