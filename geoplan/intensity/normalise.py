"""Input columns and units → canonical columns (``land_mu``, ``<field>_wan``, counts), with bad rows reported."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import InputError
from ..units import LAND_TO_MU, MONEY_TO_WAN

# canonical money fields and the column stems accepted for them
MONEY_FIELDS: dict[str, tuple[str, ...]] = {
    "output": ("output", "annual_output", "output_value", "产值"),
    "tax": ("tax", "税收"),
    "value_added": ("value_added", "va", "增加值"),
    "investment": ("investment", "fixed_investment", "投资"),
    "rd": ("rd", "rd_spend", "研发"),
    "revenue": ("revenue", "营业收入"),
}


# non-money quantities: canonical column → accepted column names (the unit is fixed)
COUNT_FIELDS: dict[str, tuple[str, ...]] = {
    "employees": ("employees", "staff", "职工人数"),
    "energy_tce": ("energy_tce", "energy", "综合能耗"),
    "emissions_t": ("emissions_t", "emissions", "排放量"),
}


LAND_STEMS = ("land", "area", "用地面积", "占地面积")


# codes of the per-row rejection reasons (``reason_code`` = "code:column; …"); the UI translates them
REASON_DUPLICATE = "duplicate_id"
REASON_NOT_NUMBER = "not_number"
REASON_LAND_UNIT = "bad_land_unit"
REASON_LAND_NOT_POSITIVE = "land_not_positive"
REASON_NEGATIVE = "negative"
REASON_CODES = (REASON_DUPLICATE, REASON_NOT_NUMBER, REASON_LAND_UNIT, REASON_LAND_NOT_POSITIVE, REASON_NEGATIVE)


CANONICAL = ["land_mu"] + [f"{f}_wan" for f in MONEY_FIELDS] + list(COUNT_FIELDS)


def _norm(name: str) -> str:
    return re.sub(r"\s+", "", str(name)).lower()


def _find_columns(df: pd.DataFrame, stems: tuple[str, ...], units: dict[str, float]
                  ) -> tuple[list[tuple[str, float]], list[str]]:
    """Columns ``<stem>_<unit>`` (with their factor) and bare ``<stem>`` columns."""
    with_unit, bare = [], []
    for col in df.columns:
        n = _norm(col)
        for stem in stems:
            if n == stem.lower():
                bare.append(col)
            elif n.startswith(stem.lower() + "_") and n[len(stem) + 1:] in units:
                with_unit.append((col, units[n[len(stem) + 1:]]))
    return with_unit, bare


def _numeric(series: pd.Series, field: str, ids: pd.Series, file: str | None
             ) -> tuple[pd.Series, pd.Series]:
    """Numbers of a column, and a mask of non-empty cells that are not numbers."""
    if pd.api.types.is_numeric_dtype(series):
        return series.astype(float), pd.Series(False, index=series.index)
    s = series.astype("string").str.strip().str.replace(",", "", regex=False)
    empty = s.isna() | (s == "")
    num = pd.to_numeric(s.mask(empty), errors="coerce").astype(float)
    return num, (~empty & num.isna()).fillna(False).astype(bool)


def normalise(df: pd.DataFrame, *, id_col: str | None = None, land_unit: str | None = None,
              money_unit: str | None = None, on_bad: str = "raise", file: str | None = None
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Canonical columns (``land_mu``, ``<field>_wan``, counts) added to a copy of ``df``.

    Bad rows (non-numeric cells, land ≤ 0, negative counts, duplicate ids) raise ``InputError``
    naming the data row (1-based) when ``on_bad="raise"``; with ``on_bad="exclude"`` they are
    dropped and returned in the second frame with ``row``, ``id`` and ``reason``.
    """
    if on_bad not in ("raise", "exclude"):
        raise InputError(f"on_bad must be 'raise' or 'exclude', not {on_bad!r}")
    out = df.copy()
    n = len(out)
    rows = pd.Series(np.arange(1, n + 1), index=out.index)
    if id_col is None:
        id_col = next((c for c in ("id", "project_id", "enterprise_id", "parcel_id") if c in out), None)
    ids = out[id_col].astype(str) if id_col else rows.astype(str)
    reasons: dict[object, list[str]] = {}
    codes: dict[object, list[str]] = {}

    def flag(mask: pd.Series, why: str, field: str | None = None, code: str = "") -> None:
        for idx in mask[mask].index:
            if on_bad == "raise":
                raise InputError(f"{why} (id {ids[idx]})", file=file, row=int(rows[idx]), field=field)
            reasons.setdefault(idx, []).append(f"{field}: {why}" if field else why)
            codes.setdefault(idx, []).append(f"{code}:{field or ''}")

    if id_col:
        dup = out[id_col].duplicated(keep="first") & out[id_col].notna()
        flag(dup, "duplicate id", id_col, REASON_DUPLICATE)

    # land
    land_cols, land_bare = _find_columns(out, LAND_STEMS, LAND_TO_MU)
    if land_bare and land_unit is None and "land_unit" not in out:
        raise InputError(f"column '{land_bare[0]}' has no unit; name it land_mu / land_m2 / land_ha / "
                         "land_km2 or pass land_unit", file=file, field=land_bare[0])
    if len(land_cols) + len(land_bare) > 1:
        names = [c for c, _ in land_cols] + land_bare
        raise InputError(f"several land columns {names}; keep one", file=file)
    land_src = land_cols[0][0] if land_cols else (land_bare[0] if land_bare else "land")
    if land_cols:
        col, factor = land_cols[0]
        val, bad = _numeric(out[col], col, ids, file)
        flag(bad, "not a number", col, REASON_NOT_NUMBER)
        out["land_mu"] = val * factor
    elif land_bare:
        col = land_bare[0]
        val, bad = _numeric(out[col], col, ids, file)
        flag(bad, "not a number", col, REASON_NOT_NUMBER)
        if "land_unit" in out and land_unit is None:
            unit = out["land_unit"].astype("string").str.strip().str.lower()
            factor = unit.map(lambda u: LAND_TO_MU.get(u, np.nan) if isinstance(u, str) else np.nan)
            flag(val.notna() & factor.isna(), f"land_unit missing or not one of {sorted(LAND_TO_MU)}",
                 "land_unit", REASON_LAND_UNIT)
            out["land_mu"] = val * factor.astype(float)
        else:
            if _norm(land_unit) not in LAND_TO_MU:
                raise InputError(f"land unit {land_unit!r} is not one of {sorted(LAND_TO_MU)}")
            out["land_mu"] = val * LAND_TO_MU[_norm(land_unit)]
    else:
        out["land_mu"] = np.nan
    flag(out["land_mu"].notna() & (out["land_mu"] <= 0), "land area must be > 0", land_src, REASON_LAND_NOT_POSITIVE)

    # money
    for field, stems in MONEY_FIELDS.items():
        cols, bare = _find_columns(out, stems, MONEY_TO_WAN)
        if len(cols) + len(bare) > 1:
            raise InputError(f"several columns for {field}: {[c for c, _ in cols] + bare}; keep one",
                             file=file)
        if bare and money_unit is None:
            raise InputError(f"column '{bare[0]}' has no money unit; name it {field}_yi / {field}_wan / "
                             f"{field}_yuan or pass money_unit", file=file, field=bare[0])
        if cols:
            col, factor = cols[0]
        elif bare:
            if _norm(money_unit) not in MONEY_TO_WAN:
                raise InputError(f"money unit {money_unit!r} is not one of {sorted(MONEY_TO_WAN)}")
            col, factor = bare[0], MONEY_TO_WAN[_norm(money_unit)]
        else:
            out[f"{field}_wan"] = np.nan
            continue
        val, bad = _numeric(out[col], col, ids, file)
        flag(bad, "not a number", col, REASON_NOT_NUMBER)
        flag(val < 0, "must be ≥ 0 (金额不能为负)", col, REASON_NEGATIVE)
        out[f"{field}_wan"] = val * factor

    # counts (unit fixed by the name)
    for field, names in COUNT_FIELDS.items():
        cols = [c for c in out.columns if _norm(c) in {x.lower() for x in names} and c != field]
        src = field if field in out else (cols[0] if cols else None)
        if src is None:
            out[field] = np.nan
            continue
        val, bad = _numeric(out[src], src, ids, file)
        flag(bad, "not a number", src, REASON_NOT_NUMBER)
        flag(val < 0, "must be ≥ 0", src, REASON_NEGATIVE)
        out[field] = val

    excluded = pd.DataFrame({"row": [int(rows[i]) for i in reasons],
                             "id": [ids[i] for i in reasons],
                             "reason": ["; ".join(r) for r in reasons.values()],
                             "reason_code": ["; ".join(codes[i]) for i in reasons]})
    if reasons:
        out = out.drop(index=list(reasons))
    return out, excluded
