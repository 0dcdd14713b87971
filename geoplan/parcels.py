"""Parcel layers at scale: a GeoParquet fast path and vectorised parcel → district lookup.

A planning bureau's parcel layer has 10⁵–10⁶ polygons. ``load_parcels`` reads GeoParquet with
pyarrow (column selection, no parsing of unread columns) and any other format through pyogrio's Arrow
path. Measured on 10⁶ parcels (benchmarks/RESULTS.md): GeoParquet ≈ 1–2.5 s and 71 MB on disk,
GeoPackage ≈ 1.7 s and 297 MB; GeoParquet is also what dask-geopandas reads partition by partition.

``host_adcodes`` finds the district containing each point with one prepared point-in-polygon test
per district (``shapely.contains_xy``) over the points inside its bounding box; at 10⁶ points and the
full-resolution district polygons (~74k vertices) that is ~0.4 s, against ~15 s for an STRtree
``query(..., predicate="within")`` on the same points (benchmarks/RESULTS.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .crs import WGS84
from .errors import CRSError, InputError

PARQUET_SUFFIXES = (".parquet", ".geoparquet", ".pq")


def load_parcels(path: str | Path, columns: Sequence[str] | None = None,
                 bbox: tuple[float, float, float, float] | None = None) -> gpd.GeoDataFrame:
    """Read a parcel layer (GeoParquet fast path; any pyogrio format otherwise), as WGS84.

    ``columns`` selects attribute columns (geometry is always read); ``bbox`` (lon/lat) keeps the
    parcels that intersect it. Raises InputError naming the file for a missing file or column,
    CRSError when the file has no CRS.
    """
    p = Path(path)
    if not p.exists():
        raise InputError("parcel file not found", file=str(p))
    cols = list(columns) if columns is not None else None
    if p.suffix.lower() in PARQUET_SUFFIXES:
        import pyarrow.parquet as pq

        names = pq.read_schema(p).names
        _check_columns(cols, names, p)
        geom_col = _geoparquet_geometry(p)
        read_cols = None if cols is None else [c for c in cols if c != geom_col] + [geom_col]
        gdf = gpd.read_parquet(p, columns=read_cols, bbox=bbox)
    else:
        import pyogrio

        info = pyogrio.read_info(p)
        _check_columns(cols, list(info["fields"]), p)
        gdf = gpd.read_file(p, engine="pyogrio", columns=cols, bbox=bbox, use_arrow=True)
    if gdf.crs is None:
        raise CRSError("the parcel layer has no CRS; set one (e.g. EPSG:4326) when writing it",
                       file=str(p))
    if not gdf.crs.equals(WGS84):
        gdf = gdf.to_crs(WGS84)
    return gdf


def _geoparquet_geometry(p: Path) -> str:
    import json

    import pyarrow.parquet as pq

    meta = pq.read_schema(p).metadata or {}
    geo = meta.get(b"geo")
    if geo is None:
        raise InputError("not a GeoParquet file (no 'geo' metadata); write it with "
                         "GeoDataFrame.to_parquet or geoplan.parcels.save_parcels", file=str(p))
    return json.loads(geo)["primary_column"]


def _check_columns(cols: list[str] | None, names: Sequence[str], p: Path) -> None:
    if cols is None:
        return
    missing = [c for c in cols if c not in names]
    if missing:
        raise InputError(f"column(s) {missing} not in the file; it has {list(names)}",
                         file=str(p), field=missing[0])


def save_parcels(gdf: gpd.GeoDataFrame, path: str | Path) -> Path:
    """Write a parcel layer as GeoParquet (native GeoArrow geometry, zstd) for ``load_parcels``."""
    if gdf.crs is None:
        raise CRSError("the parcel layer has no CRS; set one before saving")
    p = Path(path)
    gdf.to_parquet(p, index=False, compression="zstd", geometry_encoding="geoarrow")
    return p


def host_adcodes(x: np.ndarray, y: np.ndarray, districts: gpd.GeoDataFrame | None = None) -> np.ndarray:
    """Adcode of the district containing each WGS84 point (x = lon, y = lat); -1 outside all.

    Points on a shared border go to the first district (by adcode) that contains them.
    """
    if districts is None:
        from . import catalog

        districts = catalog.districts()
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape:
        raise InputError(f"x and y have different shapes {x.shape} and {y.shape}")
    d = districts.sort_values("adcode")
    code = np.full(x.shape, -1, dtype=np.int64)
    for poly, adcode in zip(d.geometry.to_numpy(), d["adcode"].to_numpy()):
        shapely.prepare(poly)  # in place; preparing an already prepared geometry is a no-op
        x0, y0, x1, y1 = poly.bounds
        idx = np.flatnonzero((code < 0) & (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
        if idx.size:
            inside = shapely.contains_xy(poly, x[idx], y[idx])
            code[idx[inside]] = adcode
    return code


def parcel_points(gdf: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """lon/lat (WGS84) of each parcel's centroid, or of a point on its surface where the centroid
    falls outside it (concave parcels); points give their own coordinates. The same rule as
    ``geoplan.siting_candidates`` uses for the host district."""
    if gdf.crs is None:
        raise CRSError("the parcel layer has no CRS; set one (e.g. EPSG:4326)")
    g = gdf if gdf.crs.equals(WGS84) else gdf.to_crs(WGS84)
    geoms = np.asarray(g.geometry.values)
    pts = shapely.centroid(geoms)
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    polygonal = np.isin(shapely.get_type_id(geoms), (3, 6))
    outside = polygonal & ~shapely.contains_xy(geoms, x, y)
    if outside.any():
        pos = shapely.point_on_surface(geoms[outside])
        x[outside], y[outside] = shapely.get_x(pos), shapely.get_y(pos)
    return x, y


def parcels_by_district(gdf: gpd.GeoDataFrame, districts: gpd.GeoDataFrame | None = None) -> pd.Series:
    """The host district adcode of every parcel (by :func:`parcel_points`), as a nullable integer Series."""
    x, y = parcel_points(gdf)
    code = host_adcodes(x, y, districts)
    return pd.Series(code, index=gdf.index, name="adcode").where(code >= 0).astype("Int64")


# ---------------------------------------------------------------- query-independent parcel facts
def corridor_distances(gdf: gpd.GeoDataFrame, corridors: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Distance (km) of every parcel to each axis and the nearest axis: ``corridor.axis_distances``.

    The distances of ``corridor.corridor_proximity`` without chainage, bands and labels, which cost
    three times the distances themselves at 10⁶ parcels. Returns ``dist_km_<ID>`` per axis,
    ``nearest_corridor``, ``nearest_km``.
    """
    from .corridor import axis_distances

    return axis_distances(gdf, corridors)


def prepare_parcels(gdf: gpd.GeoDataFrame, districts: gpd.GeoDataFrame | None = None,
                    corridors: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """A copy with the query-independent spatial facts every analysis needs, computed once.

    Adds ``host_adcode`` (district containing :func:`parcel_points`; empty outside Chongqing) and the
    columns of :func:`corridor_distances`. Save the result with :func:`save_parcels`; analyses
    (site selection, intensity by district) then work on attributes only. ``host_adcode`` is what
    ``geoplan.siting_candidates.normalise_candidates`` reads instead of its own spatial lookup.
    """
    out = gdf.copy()
    out["host_adcode"] = parcels_by_district(gdf, districts).to_numpy()
    cd = corridor_distances(gdf, corridors)
    for c in cd.columns:
        out[c] = cd[c].to_numpy()
    return out


# ---------------------------------------------------------------- site selection over many parcels
LAND_COLUMNS = ("available_land_mu", "available_mu", "area_mu", "land_mu")  # siting_candidates' order


def prefilter(candidates: gpd.GeoDataFrame, spec) -> gpd.GeoDataFrame:
    """The rows of a parcel layer that can still pass site selection's land, area and corridor gates.

    ``geoplan.siting.select_sites`` scores every candidate, with citations and notes per row; at 10⁶
    parcels that costs tens of seconds, mostly on parcels a cheap attribute test already rules out.
    A candidate's score and gates do not depend on the other candidates, so dropping rows that
    certainly *fail* a gate leaves the ranked list (and the stability report) unchanged:

    * land: available land (the first of ``available_land_mu``, ``available_mu``, ``area_mu``,
      ``land_mu``) below ``spec.land_mu`` (unknown land is kept: its gate is "unknown", not "fail");
    * area: ``host_adcode`` known and outside ``spec.regions``/``spec.districts`` (rows with a
      ``park_id`` are kept: a park may be named directly);
    * corridor: with ``spec.max_corridor_km`` and distance columns from :func:`prepare_parcels`,
      distance minus the location-precision margin beyond the maximum.

    A layer without those columns (not prepared) gets them computed for the rows that pass the land
    test only, so the filter stays cheap; ``host_adcode`` is then added to the returned rows (the
    same lookup ``select_sites`` would do). Use ``select_sites(spec, candidates=prefilter(layer,
    spec))``; its excluded list then holds only the parcels that got past this filter.
    """
    from .siting import place_adcodes as _place_adcodes  # the gate's own resolution
    from .siting_spec import SiteSpec, siting_defaults

    if isinstance(spec, dict):
        spec = SiteSpec.from_dict(spec)
    out = candidates
    landc = next((c for c in LAND_COLUMNS if c in out.columns), None)
    if landc is not None:
        land = pd.to_numeric(out[landc], errors="coerce").to_numpy(float)
        out = out[~(land < spec.land_mu)]  # NaN compares False: unknown land stays
    names = list(spec.regions) + list(spec.districts)
    if names:
        if "host_adcode" not in out.columns:
            out = out.copy()
            out["host_adcode"] = parcels_by_district(out).to_numpy()
        codes: set[int] = set()
        for name in names:
            codes |= _place_adcodes(name)[0]
        host = pd.to_numeric(out["host_adcode"], errors="coerce")
        outside = host.notna().to_numpy() & ~host.isin(list(codes)).to_numpy()
        if "park_id" in out.columns:
            outside &= out["park_id"].fillna("").astype(str).eq("").to_numpy()
        out = out[~outside]
    if spec.max_corridor_km is not None and len(out):
        margins = siting_defaults()["corridor"]["precision_margin_km"]
        if "location_precision" in out.columns:
            m = out["location_precision"].map(margins).fillna(0).to_numpy(float)
        else:  # what normalise_candidates assigns: polygons "geometry", points "user_point"
            polygonal = np.isin(shapely.get_type_id(np.asarray(out.geometry.values)), (3, 6))
            m = np.where(polygonal, float(margins.get("geometry", 0)), float(margins.get("user_point", 0)))
        dcol = f"dist_km_{spec.axis}" if spec.axis else "nearest_km"
        d = (out[dcol] if dcol in out.columns else corridor_distances(out)[dcol]).to_numpy(float)
        out = out[~(d - m > spec.max_corridor_km)]
    return out
