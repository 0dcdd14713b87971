"""Site-selection gates (pass / fail / unknown / n/a) and criterion scores (0–1), vectorised.

Each function takes candidate columns as arrays and returns arrays, so 10,000 parcels cost the
same few numpy operations as 40 parks.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import corridor, intensity
from ..data import catalog
from ..errors import DataError, InputError
from ..paths import data_dir
from ._groups import adcode_ints

PASS, FAIL, UNKNOWN, NA = "pass", "fail", "unknown", "n/a"
STATUS = np.array([PASS, FAIL, UNKNOWN, NA], dtype=object)  # status by code 0–3: one shared str per status


def status(code: np.ndarray) -> np.ndarray:
    """Gate statuses (object array) from codes 0 pass, 1 fail, 2 unknown, 3 n/a: a take, not n new strings."""
    return STATUS[np.asarray(code, dtype=np.intp)]
YI_TO_WAN = 1e4


def project_metrics(land_mu: float, investment_yi: float | None, output_yi: float | None,
                    tax_wan: float | None) -> dict[str, float | None]:
    """The project's intensities in 万元/亩, named as in ``intensity.METRICS`` (None = not given)."""
    return {
        "investment_per_mu": None if investment_yi is None else investment_yi * YI_TO_WAN / land_mu,
        "output_per_mu": None if output_yi is None else output_yi * YI_TO_WAN / land_mu,
        "tax_per_mu": None if tax_wan is None else tax_wan / land_mu,
    }


def land_gate(available_mu: np.ndarray, need_mu: float) -> np.ndarray:
    """Pass when available ≥ need, fail when less, unknown when the figure is missing."""
    avail = np.asarray(available_mu, dtype=float)
    return status(np.where(np.isnan(avail), 2, np.where(avail >= need_mu, 0, 1)))


def corridor_score(dist_km: np.ndarray, scale_km: float) -> np.ndarray:
    """1 on the axis, falling linearly to 0 at ``scale_km``."""
    return np.clip(1.0 - np.asarray(dist_km, float) / scale_km, 0.0, 1.0)


def corridor_gate(dist_km: np.ndarray, margin_km: np.ndarray, max_km: float | None) -> np.ndarray:
    """Distance gate honest about location precision: within the margin of the limit → unknown."""
    d = np.asarray(dist_km, float)
    if max_km is None:
        return np.full(len(d), NA, dtype=object)
    m = np.asarray(margin_km, float)
    return status(np.where(d + m <= max_km, 0, np.where(d - m > max_km, 1, 2)))


def tier_score(tiers: pd.Series, table: dict[str, float]) -> np.ndarray:
    """Score of the park tier (2 > 10 > 36 > other); missing tier → the table's 'unknown' value."""
    t = pd.Series(tiers)
    codes, uniq = pd.factorize(t.fillna("") if isinstance(t.dtype, pd.StringDtype) else t.fillna("").astype(str))
    values = [table.get(x.strip(), table["unknown"] if x.strip() == "" else table["other"]) for x in uniq]
    return np.asarray(values, dtype=float)[codes] if len(codes) else np.zeros(0)


def intensity_score(project_output_per_mu: float | None, benchmark: np.ndarray,
                    neutral: float) -> np.ndarray:
    """R / (1 + r) with r = project 亩均产值 / benchmark; neutral where either is unknown."""
    b = np.asarray(benchmark, float)
    if project_output_per_mu is None:
        return np.full(len(b), neutral)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = project_output_per_mu / b
        s = r / (1.0 + r)
    return np.where(np.isfinite(s) & (b > 0), s, neutral)


# ---------------------------------------------------------------- 标准地 floors
def default_floor_path() -> Path:
    """The example floor table shipped in ``data/examples`` (may be absent)."""
    return data_dir() / "examples" / "standard_land_floors_example.csv"


def load_floors(path: str | Path | None) -> tuple[pd.DataFrame | None, str | None]:
    """A 标准地 floor table via ``intensity.read_floors`` (park_id, industry_id or ``*``,
    ``<metric>_min`` in 万元/亩); ``"example"`` for the illustrative table in ``data/examples``.

    None (the default) means no floors: Chongqing publishes 标准地 control values per parcel in
    出让公告, not per park × industry, so there is no policy table to apply by default.
    """
    if path is None or str(path).strip().lower() in ("", "none", "off"):
        return None, None  # no floors
    p = default_floor_path() if str(path).strip().lower() == "example" else Path(path)
    if not p.exists():
        raise InputError("floor table not found", file=str(p))
    table = intensity.read_floors(p)
    known = set(catalog.industries()["industry_id"]) | {"*"}
    bad = ~table["industry_id"].fillna("").isin(known)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"industry_id {table['industry_id'].iloc[i]!r} is not in the taxonomy "
                         "(data/industries.csv); use an id or * for any industry",
                         file=str(p), row=i + 1, field="industry_id")
    return table, str(p)


def floors_for(table: pd.DataFrame, industry_id: str, related: list[str],
               park_ids: np.ndarray) -> pd.DataFrame:
    """Per candidate, the floor of each metric: the park's row for the industry itself, else for the
    closest related industry (``related`` in order), else the park's ``*`` row. NaN = no floor.
    """
    park = pd.Series(park_ids, dtype=object).fillna("").astype(str)
    out = pd.DataFrame(index=range(len(park)))
    order = [industry_id] + [r for r in related if r != industry_id] + ["*"]
    rank = {ind: k for k, ind in enumerate(order)}
    t = table[table["industry_id"].isin(order)].copy()
    t["_rank"] = t["industry_id"].map(rank)
    t = t.sort_values("_rank").drop_duplicates("park_id", keep="first").set_index("park_id")
    for metric, col in intensity.FLOOR_METRICS.items():
        out[metric] = park.map(t[col]).astype(float).to_numpy() if col in t else np.nan
    out["floor_industry_id"] = park.map(t["industry_id"]).to_numpy() if len(t) else None
    note = (t["status"].astype(str) if "status" in t else pd.Series("", index=t.index))
    out["floor_status_note"] = park.map(note).fillna("").to_numpy() if len(t) else ""
    return out


def floors_gate(floor_values: pd.DataFrame, metrics: dict[str, float | None]
                ) -> tuple[np.ndarray, list[list[str]]]:
    """Pass / fail / unknown (floor set, project figure not given) / n/a (no floor) per candidate,
    with a short detail per indicator checked.
    """
    n = len(floor_values)
    status = np.full(n, NA, dtype=object)
    details: list[list[str]] = [[] for _ in range(n)]
    for metric in intensity.FLOOR_METRICS:
        if metric not in floor_values:
            continue
        floor = floor_values[metric].to_numpy(float)
        value = metrics.get(metric)
        has = ~np.isnan(floor)
        if value is None:
            status = np.where(has & (status != FAIL), UNKNOWN, status)
        else:
            ok = value >= floor
            status = np.where(has & ~ok, FAIL, np.where(has & ok & (status == NA), PASS, status))
        zh = intensity.METRIC_LABELS[metric][0]
        for i in np.flatnonzero(has):
            v = "not given 未提供" if value is None else f"{value:.1f}"
            details[i].append(f"{zh} {metric}: {v} vs floor ≥ {floor[i]:g} 万元/亩")
    if "floor_status_note" in floor_values:
        for i, note in enumerate(floor_values["floor_status_note"]):
            if details[i] and note:
                details[i].append(f"({note})")
    return status, details


# ---------------------------------------------------------------- 亩均产值 benchmarks


@lru_cache(maxsize=2)
def _benchmark_sources(_generation: int) -> tuple[tuple[float, str] | None, tuple[np.ndarray, float, str] | None]:
    """The query-independent benchmarks, read once per data generation: the municipal park target
    (value, label) and the Tongliang projects' land-weighted figure (host adcodes, value, label);
    None where the table is missing.
    """
    target = district = None
    try:
        t = intensity.municipal_output_target().iloc[-1]
        target = (float(t["wan_per_mu"]), "none")  # as before: a value without a label stays unlabelled
        target = (target[0], f"municipal park target 园区规模工业用地产出强度 {t['yi_per_km2']:g} 亿元/km² "
                  f"({int(t['year'])}, {t['source']})")
    except (IndexError, KeyError, DataError):
        pass
    try:
        projects = catalog.tongliang_projects()
        tl, _ = intensity.normalise(projects, id_col="project_id")
        agg = intensity.aggregate(tl, metrics=["output_per_mu"]).iloc[0]
        if np.isfinite(agg["output_per_mu"]):
            # the district hosting the plan's projects (their host parks' district, data/parks.csv)
            p = catalog.parks().drop_duplicates("park_id").set_index("park_id")["host_adcode"]
            hosts = pd.to_numeric(projects["host_park_id"].map(p), errors="coerce").dropna().astype(int)
            district = (hosts.unique(), float(agg["output_per_mu"]),
                        f"Tongliang planned projects, land-weighted ({int(agg['output_per_mu_n'])} projects, "
                        f"{agg['output_per_mu_base']:.0f} 亩; seed 004 附表2, plan guidance figures)")
    except (DataError, InputError):  # the table is optional for this benchmark
        pass
    return target, district


def intensity_benchmarks(host_adcodes: np.ndarray, own: np.ndarray | None = None
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Benchmark 亩均产值 (万元/亩) per candidate and a label saying where it comes from.

    Order: the candidate's own figure (a user layer's ``output_per_mu``) → the host district's
    planned projects (Tongliang, seed 004 附表2, land-weighted) → the municipal park target
    (园区规模工业用地产出强度, seed 000). NaN + "none" when nothing is known.
    """

    codes = adcode_ints(host_adcodes)
    n = len(codes)
    value = np.full(n, np.nan)
    label = np.full(n, "none", dtype=object)
    target, district = _benchmark_sources(catalog.generation())
    if target is not None:
        value[:], label[:] = target
    if district is not None:
        hosts, v, lab = district
        m = np.isin(codes, hosts)
        value[m] = v
        label[m] = lab
    if own is not None:
        o = np.asarray(own, float)
        m = np.isfinite(o) & (o > 0)
        value[m] = o[m]
        label[m] = "candidate's own 亩均产值 (output_per_mu column)"
    return value, label


def axis_distance(cands: gpd.GeoDataFrame, axis: str | None = None
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distance (km) to ``axis`` or to the nearest axis, that axis' id, and the distance band.

    The same lines, CRS and measure as ``corridor.corridor_proximity`` (tests check they agree),
    without its chainage, which site selection does not use. ``dist_km_<axis>`` columns (from
    ``parcels.prepare_parcels``) are reused; only rows without them are measured.
    """
    lines = corridor.corridor_lines()
    ids = list(lines["corridor_id"])
    if axis is not None:
        lines, ids = lines[lines["corridor_id"] == axis], [axis]
    have = [f"dist_km_{c}" for c in ids]
    if all(c in cands.columns for c in have):  # written by parcels.prepare_parcels: same lines and measure
        dist = np.column_stack([pd.to_numeric(cands[c], errors="coerce").to_numpy(float) for c in have])
    else:
        dist = np.full((len(cands), len(ids)), np.nan)
    redo = np.isnan(dist).any(axis=1)
    if redo.any():
        dist[redo] = corridor.distance_matrix(cands[redo], lines)
    k = np.argmin(dist, axis=1)
    d = dist[np.arange(len(dist)), k]
    return d, np.array(ids, dtype=object)[k], corridor.assign_band(d)[0]


GATES = ("gate_industry", "gate_land", "gate_floors", "gate_corridor", "gate_area", "gate_excluded")
