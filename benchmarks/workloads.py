"""Workloads (a)–(d) as geoplan calls them, and checks that every method gives the same answer.

(a) distance of every parcel to each axis and the nearest (``geoplan.corridor.corridor_proximity``)
(b) the site query over all parcels: ``geoplan.siting.select_sites`` (full: citations, floors,
    stability) and a vectorised implementation of the simplified query of ``benchmarks.query``
    built from geoplan's parcel helpers, against which the baselines are checked
(c) land-weighted 亩均产值 of parcels per district (``geoplan.spatial.parcels_by_district`` +
    ``geoplan.intensity.aggregate``)
(d) 100 m distance-to-corridor raster over Chongqing (``geoplan.raster.distance_raster``)
"""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geoplan import spatial
from geoplan.corridor import axis_distances
from geoplan.crs import REGION_METRIC
from geoplan.siting import prefilter

from .query import INDUSTRIAL, Query


# ---------------------------------------------------------------- (a)
def a_geoplan(parcels: gpd.GeoDataFrame, corridors: gpd.GeoDataFrame) -> pd.DataFrame:
    from geoplan.corridor import corridor_proximity

    out = corridor_proximity(parcels, corridors=corridors)
    return _distance_frame(out, parcels, corridors)


def a_distances(parcels: gpd.GeoDataFrame, corridors: gpd.GeoDataFrame) -> pd.DataFrame:
    """Distances + nearest only (what the baselines compute), via geoplan.corridor.axis_distances."""
    return _distance_frame(axis_distances(parcels, corridors), parcels, corridors)


def a_refined_share(parcels: gpd.GeoDataFrame, corridors: gpd.GeoDataFrame) -> float:
    """Share of parcels whose distances GEOS computed (the kernel's bound could not decide them)."""
    from geoplan.corridor import corridor_lines
    from geoplan.distance import polyline_distances

    coords = [shapely.get_coordinates(g) for g in corridor_lines(corridors).geometry.values]
    _, refined = polyline_distances(np.asarray(parcels.geometry.values), parcels.crs, REGION_METRIC, coords)
    return len(refined) / max(len(parcels), 1)


def _distance_frame(out: pd.DataFrame, parcels: gpd.GeoDataFrame, corridors: gpd.GeoDataFrame) -> pd.DataFrame:
    """The columns every method of workload (a) is compared on."""
    res = pd.DataFrame({f"d_{c}": out[f"dist_km_{c}"].to_numpy() for c in corridors["corridor_id"]})
    res.insert(0, "parcel_id", parcels["parcel_id"].to_numpy())
    res["nearest"] = out["nearest_corridor"].to_numpy()
    res["nearest_km"] = out["nearest_km"].to_numpy()
    return res


def check_a(ref: pd.DataFrame, other: pd.DataFrame) -> str:
    """Largest distance difference (m) and share of equal nearest axes."""
    o = other.set_index("parcel_id").loc[ref["parcel_id"]]
    cols = [c for c in ref.columns if c.startswith("d_")]
    diff = np.nanmax(np.abs(ref[cols].to_numpy() - o[cols].to_numpy())) * 1000.0
    same = float(np.mean(ref["nearest"].to_numpy() == o["nearest"].to_numpy()))
    return f"max |Δd| {diff:.3g} m, nearest equal {same:.4%}"


def a_exact(ref: pd.DataFrame, parcels: gpd.GeoDataFrame, lines: gpd.GeoDataFrame) -> dict:
    """geoplan's distances against GEOS: ``shapely.distance`` of the polygons projected by
    ``GeoSeries.to_crs`` to each metric axis (what the per-row baseline does, vectorised). Largest
    |Δd| in metres and the share of parcels with the same nearest axis (ties: catalogue order)."""
    gm = np.asarray(parcels.geometry.to_crs(REGION_METRIC).values)
    ids = list(lines["corridor_id"])
    d = np.column_stack([shapely.distance(gm, g) / 1000.0 for g in lines.geometry.values])
    mine = ref[[f"d_{c}" for c in ids]].to_numpy(float)
    nearest = np.array(ids, dtype=object)[np.argmin(d, axis=1)]
    return {"max_d_m": float(np.nanmax(np.abs(mine - d))) * 1000.0,
            "nearest_equal": float(np.mean(ref["nearest"].to_numpy() == nearest)), "n": len(ref)}


@contextmanager
def count_to_crs():
    """Record every ``GeoSeries.to_crs`` / ``GeoDataFrame.to_crs`` call (class, rows) in the block."""
    calls: list[tuple[str, int]] = []
    orig = {cls: cls.to_crs for cls in (gpd.GeoSeries, gpd.GeoDataFrame)}

    def wrap(cls):
        def to_crs(self, *args, **kwargs):
            calls.append((cls.__name__, len(self)))
            return orig[cls](self, *args, **kwargs)
        return to_crs

    try:
        for cls in orig:
            cls.to_crs = wrap(cls)
        yield calls
    finally:
        for cls, fn in orig.items():
            cls.to_crs = fn


def polygon_reprojections(fn, n: int) -> dict:
    """Run ``fn()`` once and count the ``to_crs`` calls on an n-row frame (the parcel polygons) and
    on others (the 3-row axes, 38 districts)."""
    with count_to_crs() as calls:
        fn()
    return {"parcel_to_crs": sum(1 for _, k in calls if k == n),
            "other_to_crs": sum(1 for _, k in calls if k != n), "calls": calls[:20]}


# ---------------------------------------------------------------- out of core
def write_partitions(parcels: gpd.GeoDataFrame, folder: Path, parts: int = 2) -> Path:
    """The layer as ``parts`` GeoParquet files of consecutive rows (``geoplan.parcels.save_parcels``)."""
    from geoplan.parcels import save_parcels

    folder.mkdir(parents=True, exist_ok=True)
    edges = np.linspace(0, len(parcels), parts + 1).astype(int)
    for i in range(parts):
        save_parcels(parcels.iloc[edges[i]:edges[i + 1]], folder / f"part-{i}.parquet")
    return folder


def ooc_in_memory(path: Path, corridors: gpd.GeoDataFrame) -> pd.DataFrame:
    """Load the single file, then (a)'s distances in memory."""
    from geoplan.parcels import load_parcels

    return axis_distances(load_parcels(path), corridors)


def ooc_partitioned(folder: Path, corridors: gpd.GeoDataFrame) -> pd.DataFrame:
    """``geoplan.partitioned``: the dataset read lazily (one partition per file), (a)'s distances
    per partition (dask threads), computed."""
    from geoplan.partitioned import read_partitioned, run_partitioned

    ddf = read_partitioned(str(folder / "*.parquet"))
    return run_partitioned(axis_distances, ddf, corridors=corridors)


def check_ooc(ref: pd.DataFrame, other: pd.DataFrame) -> dict:
    """Bit-for-bit: every distance column and the nearest axis, row by row."""
    cols = [c for c in ref.columns if c.startswith("dist_km_")] + ["nearest_km"]
    same_d = len(ref) == len(other) and np.array_equal(ref[cols].to_numpy(float), other[cols].to_numpy(float),
                                                       equal_nan=True)
    same_n = len(ref) == len(other) and ref["nearest_corridor"].tolist() == other["nearest_corridor"].tolist()
    diff = (float(np.nanmax(np.abs(ref[cols].to_numpy(float) - other[cols].to_numpy(float)))) * 1000.0
            if len(ref) == len(other) else float("nan"))
    return {"identical": bool(same_d and same_n), "rows": len(other), "max_d_m": diff,
            "partitions": 2}


# ---------------------------------------------------------------- (b)
def b_select_sites(parcels: gpd.GeoDataFrame, q: Query, **kw) -> pd.DataFrame:
    """``select_sites`` as users call it; ``exact=True``: no prefilter and every row built before
    ranking (``build_all``), the reference the fast path must equal."""
    from geoplan.siting import select_sites

    if kw.pop("exact", False):
        kw.update(prefilter_above=None, build_all=True)
    r = select_sites(dict(q.spec), candidates=parcels, **kw)
    return r.ranked


def b_vectorised(parcels: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, lines: gpd.GeoDataFrame,
                 q: Query, prepared: bool = False) -> pd.DataFrame:
    """The simplified site query with numpy/shapely over all parcels at once.

    Cheap attribute gates first (available land, land use), then host district and distances only
    for the parcels left — what a SQL optimiser does with the same query. ``prepared``: read
    ``host_adcode`` and ``nearest_km`` from ``geoplan.parcels.prepare_parcels`` columns instead.
    """
    cand = np.flatnonzero(parcels["available_mu"].to_numpy(float) >= q.land_mu)
    cand = cand[parcels["land_use"].take(cand).isin(INDUSTRIAL).to_numpy()]
    cols = ["parcel_id", "industry_id", "output_per_mu"] + (["host_adcode", "nearest_km"] if prepared else [])
    sub = pd.DataFrame({c: parcels[c].take(cand).to_numpy() for c in cols})
    if prepared:
        host = pd.to_numeric(sub["host_adcode"]).fillna(-1).to_numpy(np.int64)
        d = sub["nearest_km"].to_numpy(float)
    else:
        part = parcels.iloc[cand]
        x, y = spatial.parcel_points(part)
        host = spatial.host_adcodes(x, y, districts)
        gm = np.asarray(part.geometry.to_crs(REGION_METRIC).values)
        d = np.full(len(part), np.inf)
        for line in lines.geometry.values:
            np.minimum(d, shapely.distance(gm, line) / 1000.0, out=d)
    ok = (d <= q.max_km) & np.isin(host, q.allowed_adcodes)
    opm = sub["output_per_mu"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = q.project_output_per_mu / opm
        s_int = np.where(opm > 0, r / (1 + r), 0.5)
    w = q.weights
    s_fit = sub["industry_id"].map(q.fit).fillna(0.0).to_numpy(float)
    s_role = pd.Series(host).map(q.role).fillna(0.0).to_numpy(float)
    score = 100.0 * (w["industry_fit"] * s_fit + w["corridor"] * np.clip(1 - d / q.scale_km, 0, 1)
                     + w["intensity"] * s_int + w["tier"] * q.tier_score
                     + w["region_role"] * s_role) / sum(w.values())
    idx = np.flatnonzero(ok)
    pid = sub["parcel_id"].to_numpy()
    if len(idx) > q.top:  # partial selection, then exact ordering of the few left
        cut = np.partition(score[idx], len(idx) - q.top)[len(idx) - q.top]
        idx = idx[score[idx] >= cut]
    order = np.lexsort((pid[idx], -score[idx]))[:q.top]
    k = idx[order]
    return pd.DataFrame({"host": host[k], "nearest_km": d[k], "eligible": True, "score": score[k],
                         "parcel_id": pid[k]})


def b_select_sites_prefiltered(prepared: gpd.GeoDataFrame, q: Query) -> pd.DataFrame:
    """``select_sites`` on the rows of a (prepared or plain) layer that can pass its cheap gates."""
    from geoplan.siting import select_sites

    return select_sites(dict(q.spec), candidates=prefilter(prepared, q.spec)).ranked


def check_ranked(ref: pd.DataFrame, other: pd.DataFrame) -> str:
    """Two select_sites rankings: same ids and scores?"""
    same = ref["cand_id"].tolist() == other["cand_id"].tolist()
    same_s = ref["score"].tolist() == other["score"].tolist()
    return (f"top-{len(ref)} {'identical ids' if same else 'ids DIFFER'}"
            f"{', identical scores' if same_s else ', scores DIFFER'} vs the exact path")


def check_b(ref: pd.DataFrame, other: pd.DataFrame) -> str:
    same = list(ref["parcel_id"]) == list(other["parcel_id"])
    diff = float(np.max(np.abs(ref["score"].to_numpy() - other["score"].to_numpy()))) if same else np.nan
    return f"top-{len(ref)} ids {'identical' if same else 'DIFFER'}, max |Δscore| {diff:.2g}"


# ---------------------------------------------------------------- (c)
def c_geoplan(parcels: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, prepared: bool = False) -> pd.DataFrame:
    """District lookup (or the prepared ``host_adcode``) + ``intensity.normalise``/``aggregate``."""
    from geoplan import intensity

    adcode = parcels["host_adcode"] if prepared else spatial.parcels_by_district(parcels, districts)
    df = pd.DataFrame({"parcel_id": parcels["parcel_id"].to_numpy(), "adcode": adcode.to_numpy(),
                       "land_mu": parcels["built_mu"].to_numpy(), "output_yi": parcels["output_yi"].to_numpy()})
    df = df[df["adcode"].notna() & (df["land_mu"] > 0)]  # vacant parcels have no built land
    norm, _ = intensity.normalise(df, id_col="parcel_id")
    agg = intensity.aggregate(norm, by="adcode", metrics=["output_per_mu"])
    return pd.DataFrame({"adcode": agg["adcode"].astype(int).to_numpy(),
                         "output_per_mu": agg["output_per_mu"].to_numpy(float),
                         "n": agg["output_per_mu_n"].to_numpy()})


def check_c(ref: pd.DataFrame, other: pd.DataFrame) -> str:
    r = ref.set_index("adcode")
    o = other.set_index("adcode").reindex(r.index)
    rel = np.nanmax(np.abs(o["output_per_mu"].to_numpy() / r["output_per_mu"].to_numpy() - 1))
    dn = int(np.nansum(np.abs(o["n"].to_numpy() - r["n"].to_numpy())))
    return f"{len(r)} districts, max rel Δ {rel:.2g}, parcels assigned differently {dn}"


# ---------------------------------------------------------------- (d)
def d_geoplan(corridors: gpd.GeoDataFrame, res_m: float = 100.0, workdir: Path | None = None) -> dict:
    from geoplan.raster import distance_raster

    wd = Path(workdir or tempfile.gettempdir())
    info = distance_raster(wd / f"bench_distance_{int(res_m)}m.tif", res_m=res_m, corridors=corridors)
    return info


def check_d(info: dict, lines: gpd.GeoDataFrame, n: int = 2000, seed: int = 1) -> str:
    """Sample valid cells of the written GeoTIFF and recompute their distance with shapely."""
    import rasterio
    from pyproj import Transformer

    with rasterio.open(info["path"]) as src:
        a = src.read(1)
        valid = np.flatnonzero(a.ravel() != src.nodata)
        rng = np.random.default_rng(seed)
        pick = rng.choice(valid, size=min(n, len(valid)), replace=False)
        r, c = np.divmod(pick, a.shape[1])
        xs, ys = rasterio.transform.xy(src.transform, r, c)
        mx, my = Transformer.from_crs(src.crs, REGION_METRIC, always_xy=True).transform(xs, ys)
    pts = shapely.points(mx, my)
    ref = np.min([shapely.distance(pts, g) for g in lines.geometry.values], axis=0) / 1000.0
    diff = np.max(np.abs(a.ravel()[pick] - ref)) * 1000.0
    return f"{info['width']}×{info['height']} cells, {len(valid):,} inside; {len(pick)} sampled: max |Δ| {diff:.2g} m"
