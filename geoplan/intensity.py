"""Land-output intensity (亩均效益): unit handling, per-row metrics, land-weighted aggregation, benchmarks.

Pure functions: a DataFrame (or GeoDataFrame) in, the same kind out. Inputs name their units in the
column name (``land_mu``, ``land_m2``, ``land_ha``, ``land_km2``; ``output_yi``, ``tax_wan``,
``investment_yuan`` …) or through the ``land_unit`` / ``money_unit`` arguments; a bare ``land`` or
``output`` column without a unit is an error, never a guess.

Aggregates are Σ numerator / Σ denominator over the rows that state both (never a mean of ratios),
and every aggregate carries its base (``<metric>_base``) and count (``<metric>_n``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import DataError, InputError

# 1 亩 = 10000/15 m² (= 666.67 m², the plans' figure); 1 km² = 1,500 亩; 1 ha = 15 亩.
M2_PER_MU = 10000.0 / 15.0
MU_PER_KM2 = 1500.0
LAND_TO_MU = {
    "mu": 1.0, "亩": 1.0,
    "m2": 1.0 / M2_PER_MU, "m²": 1.0 / M2_PER_MU, "sqm": 1.0 / M2_PER_MU, "平方米": 1.0 / M2_PER_MU,
    "ha": 15.0, "hectare": 15.0, "公顷": 15.0,
    "km2": MU_PER_KM2, "km²": MU_PER_KM2, "平方公里": MU_PER_KM2,
}
MONEY_TO_WAN = {
    "wan": 1.0, "万元": 1.0,
    "yi": 1e4, "亿元": 1e4,
    "yuan": 1e-4, "元": 1e-4,
}
# 1 亿元/km² = 10⁴ 万元 / 1,500 亩 = 6.67 万元/亩
WAN_PER_MU_PER_YI_PER_KM2 = 1e4 / MU_PER_KM2

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


@dataclass(frozen=True)
class Metric:
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

    def flag(mask: pd.Series, why: str, field: str | None = None) -> None:
        for idx in mask[mask].index:
            if on_bad == "raise":
                raise InputError(f"{why} (id {ids[idx]})", file=file, row=int(rows[idx]), field=field)
            reasons.setdefault(idx, []).append(f"{field}: {why}" if field else why)

    if id_col:
        dup = out[id_col].duplicated(keep="first") & out[id_col].notna()
        flag(dup, "duplicate id", id_col)

    # land
    land_cols, land_bare = _find_columns(out, LAND_STEMS, LAND_TO_MU)
    if land_bare and land_unit is None and "land_unit" not in out:
        raise InputError(f"column '{land_bare[0]}' has no unit; name it land_mu / land_m2 / land_ha / "
                         "land_km2 or pass land_unit", file=file, field=land_bare[0])
    if len(land_cols) + len(land_bare) > 1:
        names = [c for c, _ in land_cols] + land_bare
        raise InputError(f"several land columns {names}; keep one", file=file)
    if land_cols:
        col, factor = land_cols[0]
        val, bad = _numeric(out[col], col, ids, file)
        flag(bad, "not a number", col)
        out["land_mu"] = val * factor
    elif land_bare:
        col = land_bare[0]
        val, bad = _numeric(out[col], col, ids, file)
        flag(bad, "not a number", col)
        if "land_unit" in out and land_unit is None:
            unit = out["land_unit"].astype("string").str.strip().str.lower()
            factor = unit.map(lambda u: LAND_TO_MU.get(u, np.nan) if isinstance(u, str) else np.nan)
            flag(val.notna() & factor.isna(), f"land_unit missing or not one of {sorted(LAND_TO_MU)}",
                 "land_unit")
            out["land_mu"] = val * factor.astype(float)
        else:
            if _norm(land_unit) not in LAND_TO_MU:
                raise InputError(f"land unit {land_unit!r} is not one of {sorted(LAND_TO_MU)}")
            out["land_mu"] = val * LAND_TO_MU[_norm(land_unit)]
    else:
        out["land_mu"] = np.nan
    flag(out["land_mu"].notna() & (out["land_mu"] <= 0), "land area must be > 0", "land")

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
        flag(bad, "not a number", col)
        out[f"{field}_wan"] = val * factor

    # counts (unit fixed by the name)
    for field, names in COUNT_FIELDS.items():
        cols = [c for c in out.columns if _norm(c) in {x.lower() for x in names} and c != field]
        src = field if field in out else (cols[0] if cols else None)
        if src is None:
            out[field] = np.nan
            continue
        val, bad = _numeric(out[src], src, ids, file)
        flag(bad, "not a number", src)
        flag(val < 0, "must be ≥ 0", src)
        out[field] = val

    excluded = pd.DataFrame({"row": [int(rows[i]) for i in reasons],
                             "id": [ids[i] for i in reasons],
                             "reason": ["; ".join(r) for r in reasons.values()]})
    if reasons:
        out = out.drop(index=list(reasons))
    return out, excluded


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


def aggregate(df: pd.DataFrame, by: str | list[str] | None = None,
              metrics: list[str] | None = None) -> pd.DataFrame:
    """Land-weighted aggregates Σ numerator / Σ denominator per group (all rows when ``by`` is None).

    Each metric comes with ``<metric>_base`` (Σ denominator over contributing rows, e.g. 亩) and
    ``<metric>_n`` (number of contributing rows); ``n_rows`` and ``land_mu`` (Σ stated land) too.
    """
    metrics = list(METRICS) if metrics is None else metrics
    work = df.copy()
    keys = [by] if isinstance(by, str) else (list(by) if by else [])
    if not keys:
        work["_all"] = "all"
        keys = ["_all"]
    for k in keys:
        if k not in work:
            raise InputError(f"cannot aggregate by '{k}': no such column")
        if work[k].isna().any():
            bad = int(np.flatnonzero(work[k].isna().to_numpy())[0]) + 1
            raise InputError(f"row has no value for grouping column '{k}'", row=bad, field=k)
    cols: dict[str, pd.Series] = {}
    for name in metrics:
        m = METRICS[name]
        num = work[m.numerator].astype(float)
        den = work[m.denominator].astype(float)
        ok = num.notna() & den.notna() & (den > 0)
        work[f"_n_{name}"] = num.where(ok, 0.0)
        work[f"_d_{name}"] = den.where(ok, 0.0)
        work[f"_c_{name}"] = ok.astype(int)
    work["_land"] = work["land_mu"].astype(float).where(work["land_mu"].notna(), 0.0)
    work["_has_land"] = work["land_mu"].notna().astype(int)
    g = work.groupby(keys, sort=True, dropna=False)
    res = pd.DataFrame({"n_rows": g.size(), "land_mu": g["_land"].sum(), "n_land": g["_has_land"].sum()})
    for name in metrics:
        m = METRICS[name]
        s_num, s_den, n = g[f"_n_{name}"].sum(), g[f"_d_{name}"].sum(), g[f"_c_{name}"].sum()
        cols[name] = (s_num / s_den.where(s_den > 0) * m.scale)
        cols[f"{name}_base"] = s_den.where(n > 0)
        cols[f"{name}_n"] = n
        cols[f"{name}_sum_{m.numerator}"] = s_num.where(n > 0)
    res = pd.concat([res, pd.DataFrame(cols)], axis=1).reset_index()
    res["land_mu"] = res["land_mu"].where(res["n_land"] > 0)
    return res.drop(columns=["_all"], errors="ignore")


# ---------------------------------------------------------------- places (park → district → region)

def attach_places(df: pd.DataFrame, park_col: str | None = None) -> pd.DataFrame:
    """Add ``park_id``, ``adcode`` and ``region_id`` (一区两群) where they can be derived.

    ``park_id`` (or ``host_park_id``) → host district from the parks table; without a place key a
    GeoDataFrame is located in the district containing it; ``adcode`` → 一区两群 region (the
    districts' ``region_id``).
    """
    from . import catalog

    out = df.copy()
    park_col = park_col or next((c for c in ("park_id", "host_park_id") if c in out), None)
    if park_col and park_col != "park_id":
        out["park_id"] = out[park_col]
    if "park_id" in out and "adcode" not in out:
        p = catalog.parks()[["park_id", "host_adcode"]].drop_duplicates("park_id")
        m = dict(zip(p["park_id"], p["host_adcode"]))
        unknown = out["park_id"].notna() & ~out["park_id"].isin(list(m))
        if unknown.any():
            i = int(np.flatnonzero(unknown.to_numpy())[0])
            raise InputError(f"park_id {out['park_id'].iloc[i]!r} is not in data/parks.csv",
                             row=i + 1, field="park_id")
        out["adcode"] = out["park_id"].map(m).astype("Int64")
    if "adcode" not in out and "park_id" not in out and hasattr(out, "geometry") and out.crs is not None:
        out["adcode"] = locate_districts(out)
    if "adcode" in out and "region_id" not in out:
        raw = out["adcode"]
        codes = pd.to_numeric(raw.astype("string").str.strip().replace("", None), errors="coerce")
        regions = district_region_map()
        bad = (raw.notna() & (raw.astype("string").str.strip() != "")) & ~codes.isin(list(regions))
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"adcode {raw.iloc[i]!r} is not one of Chongqing's 38 districts",
                             row=i + 1, field="adcode")
        out["adcode"] = codes.astype("Int64")
        out["region_id"] = out["adcode"].map(regions)
    return out


YIQU_LIANGQUN = ("central_urban", "new_main_urban", "ne_three_gorges", "se_wuling")


def locate_districts(gdf) -> pd.Series:
    """The adcode of the district containing each geometry (empty outside Chongqing).

    The library's one host-district rule (``parcels.parcels_by_district``: centroid, or a point on
    the surface when the centroid falls outside a concave polygon), as site selection uses.
    """
    from .parcels import parcels_by_district

    return parcels_by_district(gdf).rename(None)


def district_region_map() -> dict[int, str]:
    """adcode → 一区两群 region id (central_urban, new_main_urban, ne_three_gorges, se_wuling).

    Taken from the districts' ``region_id``; the regions table also holds overlapping groupings
    (主城都市区, "两群") that would count a district twice.
    """
    from . import catalog

    d = catalog.districts()
    m = {int(a): r for a, r in zip(d["adcode"], d["region_id"]) if r in YIQU_LIANGQUN}
    if not m:
        raise DataError("data/boundaries/districts.geojson has no 一区两群 region_id values")
    return m


# ---------------------------------------------------------------- benchmarks

# seed 000 (渝府发〔2019〕14号) indicator table: 园区规模工业用地产出强度（亿元/平方公里）
# 85 (2019) → 86.5 (2020) → 89.5 (2022); 000_4c7d3a6e3c69ce02.txt lines 183–186, years on lines 27–29.
_SEED000_TARGET = {2019: 85.0, 2020: 86.5, 2022: 89.5}
TARGET_INDICATOR_ZH = "园区规模工业用地产出强度"


def municipal_output_target() -> pd.DataFrame:
    """The municipal 园区规模工业用地产出强度 targets by year, in 亿元/km² and 万元/亩, with source.

    Read from ``data/targets.csv``; when that table lacks the indicator the seed-000 figures are used
    and ``source`` says so.
    """
    from . import catalog

    rows = pd.DataFrame()
    try:
        t = catalog.targets()
        rows = t[t["indicator_zh"].astype(str).str.contains(TARGET_INDICATOR_ZH, regex=False)]
    except DataError:
        pass
    if len(rows):
        years = pd.to_numeric(rows["year"], errors="coerce").astype("Int64")
        vals = pd.to_numeric(rows["value"], errors="coerce").astype(float)
        out = pd.DataFrame({"year": years, "yi_per_km2": vals,
                            "source": rows["source"] + " L" + rows["source_line"].astype(str)})
    else:
        out = pd.DataFrame({"year": list(_SEED000_TARGET), "yi_per_km2": list(_SEED000_TARGET.values()),
                            "source": "000_4c7d3a6e3c69ce02.txt L183–186 (data/targets.csv lacks it)"})
    out = out.dropna(subset=["year", "yi_per_km2"]).sort_values("year").reset_index(drop=True)
    out["wan_per_mu"] = out["yi_per_km2"] * WAN_PER_MU_PER_YI_PER_KM2
    return out


def benchmark_municipal(df: pd.DataFrame, metric: str = "output_per_mu") -> pd.DataFrame:
    """Add ``vs_target_<year>``: ``metric`` (万元/亩) divided by the municipal target of that year."""
    out = df.copy()
    for year, wan in zip(municipal_output_target()["year"], municipal_output_target()["wan_per_mu"]):
        out[f"vs_target_{int(year)}"] = out[metric] / wan
    return out


FLOOR_METRICS = {"investment_per_mu": "investment_per_mu_min", "tax_per_mu": "tax_per_mu_min",
                 "output_per_mu": "output_per_mu_min"}


def read_floors(path) -> pd.DataFrame:
    """A 标准地 floors table (park_id, industry_id or ``*``, ``<metric>_min`` in 万元/亩)."""
    f = pd.read_csv(path, comment="#", dtype={"park_id": str, "industry_id": str})
    need = {"park_id", "industry_id"}
    if not need <= set(f.columns):
        raise InputError(f"floors table needs columns {sorted(need)}", file=str(path))
    for c in FLOOR_METRICS.values():
        if c in f:
            f[c] = pd.to_numeric(f[c], errors="raise")
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


# ---------------------------------------------------------------- the whole evaluation

LEVEL_KEYS = {"park": "park_id", "district": "adcode", "region": "region_id", "cluster": "cluster_zh"}


def place_names(level: str, table: pd.DataFrame) -> pd.DataFrame:
    """Add ``name_zh``/``name_en`` of the parks, districts or regions an aggregate table is keyed by."""
    from . import catalog

    out = table.copy()
    if level == "park":
        p = catalog.parks().drop_duplicates("park_id").set_index("park_id")
        out["name_zh"], out["name_en"] = out["park_id"].map(p["name_zh"]), out["park_id"].map(p["name_en"])
    elif level == "district":
        d = catalog.districts().set_index("adcode")
        code = out["adcode"].astype(int)
        out["name_zh"], out["name_en"] = code.map(d["name_zh"]), code.map(d["name_en"])
    elif level == "region":
        r = catalog.regions_table().set_index("region_id")
        out["name_zh"], out["name_en"] = out["region_id"].map(r["name_zh"]), out["region_id"].map(r["name_en"])
    return out


def evaluate(df: pd.DataFrame, level: str = "project", *, scheme: str | None = None,
             grading_config: dict | None = None, floors: pd.DataFrame | None = None,
             id_col: str | None = None, land_unit: str | None = None, money_unit: str | None = None,
             on_bad: str = "raise", file: str | None = None) -> dict[str, pd.DataFrame]:
    """Metrics, land-weighted aggregation to ``level``, municipal benchmark, grade and floors.

    ``level`` is ``project`` (one row per input row) or ``park`` / ``district`` / ``region`` /
    ``cluster``. Returns ``table`` (the graded rows or aggregates), ``rows`` (per-row metrics),
    ``total`` (Σ/Σ over everything), ``excluded`` (bad rows dropped with ``on_bad="exclude"``)
    and ``target`` (the municipal 产出强度 targets).
    """
    from . import grading

    if level != "project" and level not in LEVEL_KEYS:
        raise InputError(f"level must be project, {', '.join(LEVEL_KEYS)}; got {level!r}")
    norm, excluded = normalise(df, id_col=id_col, land_unit=land_unit, money_unit=money_unit,
                               on_bad=on_bad, file=file)
    rows = compute_metrics(norm)
    if level == "project":
        table = rows
    else:
        key = LEVEL_KEYS[level]
        if level != "cluster":
            rows = attach_places(rows)
        if key not in rows:
            raise InputError(f"level {level} needs a '{key}' column (or park_id / a geometry to derive it)",
                             file=file)
        table = place_names(level, aggregate(rows, key))
    table = grading.grade(benchmark_municipal(table), scheme, grading_config)
    if floors is not None and level in ("project", "park"):
        table = check_floors(table if "park_id" in table else attach_places(table), floors)
    return {"table": table, "rows": rows, "total": aggregate(rows), "excluded": excluded,
            "target": municipal_output_target()}
