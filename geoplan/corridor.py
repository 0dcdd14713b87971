"""Proximity to the Chengdu–Chongqing axes: straight-line distance, band and chainage.

Distances are planar in ``geoplan.crs.REGION_METRIC`` (transverse Mercator at 107°E, k = 1), which
stays within 0.2 % of the geodesic distance over Chongqing and the corridors (tests check it against
``pyproj.Geod``). Chainage is the position of the nearest point along an axis, in km from its
Chongqing end (the catalogue stores the lines Chengdu end first); every label says "from the Chongqing end".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .crs import REGION_METRIC, WGS84, transformer
from .data import catalog
from .distance import polyline_distances, polyline_nearest
from .errors import CRSError, InputError

DEFAULT_BANDS_KM = (10.0, 30.0, 60.0)
METHOD = "straight_line"


def corridor_lines(corridors: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """The axes in ``REGION_METRIC`` (metres), Chengdu end first, with ``length_km``."""
    if corridors is None:  # the catalogue's axes: built and projected once per data generation
        return _catalog_lines(catalog.generation()).copy()
    return _metric_lines(corridors)


def _metric_lines(corridors: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = corridors.to_crs(REGION_METRIC)
    out["length_km"] = shapely.length(out.geometry.values) / 1000.0
    return out


@lru_cache(maxsize=2)
def _catalog_lines(_generation: int) -> gpd.GeoDataFrame:
    return _metric_lines(catalog.corridors())


@dataclass(frozen=True)
class _Axes:
    """What the distance functions need of the axes: ids, metric vertices, lengths, and the frame of names."""

    ids: list[str]
    coords: list[np.ndarray]  # vertices in REGION_METRIC, Chengdu end first
    length_km: np.ndarray
    names: pd.DataFrame  # corridor_id, corridor_zh, corridor_en, …


def _axes(corridors: gpd.GeoDataFrame | None) -> _Axes:
    """The catalogue's axes once per data generation; a caller's axes without building a GeoDataFrame."""
    if corridors is None:
        return _catalog_axes(catalog.generation())
    crs = corridors.crs  # (each geopandas .crs / .geometry access costs tens of µs)
    if crs is None:
        raise CRSError("the corridors have no CRS; set one (e.g. EPSG:4326)")
    geoms = np.asarray(corridors.geometry.values)
    if shapely.has_z(geoms).any():  # rare: let geopandas project x, y, z
        return _axes_of(_metric_lines(corridors))
    if not crs.is_exact_same(REGION_METRIC):  # the vertices, projected as to_crs projects them
        xy = shapely.get_coordinates(geoms)
        x, y = transformer(crs, REGION_METRIC).transform(xy[:, 0], xy[:, 1])
        geoms = shapely.set_coordinates(geoms.copy(), np.column_stack([x, y]))
    return _Axes(list(corridors["corridor_id"]), [shapely.get_coordinates(g) for g in geoms],
                 shapely.length(geoms) / 1000.0, corridors)


@lru_cache(maxsize=2)
def _catalog_axes(generation: int) -> _Axes:
    return _axes_of(_catalog_lines(generation))


def _axes_of(lines: gpd.GeoDataFrame) -> _Axes:
    return _Axes(list(lines["corridor_id"]), _line_coords(lines), lines["length_km"].to_numpy(float), lines)


def band_labels(bands_km: Sequence[float] = DEFAULT_BANDS_KM) -> list[tuple[str, str, str]]:
    """(code, zh, en) of each band: ≤b0, b0–b1, …, >bn (km)."""
    b = [float(x) for x in bands_km]
    if not b or any(x <= 0 for x in b) or any(b[i] >= b[i + 1] for i in range(len(b) - 1)):
        raise InputError(f"bands must be increasing positive km values, got {list(bands_km)}")
    fmt = lambda x: f"{x:g}"
    out = [(f"0-{fmt(b[0])}", f"≤{fmt(b[0])}公里", f"≤{fmt(b[0])} km")]
    for lo, hi in zip(b[:-1], b[1:]):
        out.append((f"{fmt(lo)}-{fmt(hi)}", f"{fmt(lo)}–{fmt(hi)}公里", f"{fmt(lo)}–{fmt(hi)} km"))
    out.append((f">{fmt(b[-1])}", f">{fmt(b[-1])}公里", f">{fmt(b[-1])} km"))
    return out


def assign_band(dist_km: np.ndarray, bands_km: Sequence[float] = DEFAULT_BANDS_KM
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Band code, zh and en label for each distance (upper bounds inclusive: 10 km is ≤10)."""
    labels = band_labels(bands_km)
    idx = np.searchsorted(np.asarray(bands_km, float), np.asarray(dist_km, float), side="left")
    codes, zh, en = (np.array([lab[i] for lab in labels], dtype=object) for i in range(3))
    return codes[idx], zh[idx], en[idx]


def _checked_geoms(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """The geometries of ``gdf``; an error for a layer without CRS or a missing/empty geometry."""
    if gdf.crs is None:
        raise CRSError("input has no CRS; set one (e.g. EPSG:4326) before measuring distances")
    geoms = np.asarray(gdf.geometry.values)
    bad = np.flatnonzero(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if len(bad):
        raise InputError("geometry is missing or empty", row=int(bad[0]) + 1, field="geometry")
    return geoms


def distance_matrix(gdf: gpd.GeoDataFrame, lines: gpd.GeoDataFrame) -> np.ndarray:
    """Km from every geometry of ``gdf`` to each axis of ``lines`` (as from :func:`corridor_lines`).

    Polygons measure from their nearest edge; touching or crossing an axis is 0. A layer without a
    CRS, or with a missing/empty geometry, raises an error naming the row. Computed by
    :func:`geoplan.distance.polyline_distances` from the projected vertices (no projected polygons
    are built); the values are bit-identical to ``shapely.distance`` of the projected geometries.
    """
    return _km(gdf, _line_coords(lines))


def distance_chainage(gdf: gpd.GeoDataFrame, lines: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """:func:`distance_matrix` and the chainage (km from each axis' Chongqing end) of the nearest point.

    The nearest point comes from the same exact minimum as the distance
    (:func:`geoplan.distance.polyline_nearest`: no projected polygons are built); the rows GEOS
    decides use ``shortest_line`` + ``line_locate_point``, as all rows did before. Within 1 mm of
    the GEOS result (tests), except that where two points of an axis are equally near, either is
    reported.
    """
    return _km_chainage(gdf, _line_coords(lines), lines["length_km"].to_numpy(float))


def _km(gdf: gpd.GeoDataFrame, coords: list[np.ndarray]) -> np.ndarray:
    geoms = _checked_geoms(gdf)
    if not coords:
        return np.empty((len(geoms), 0))
    dist, _refined = polyline_distances(geoms, gdf.crs, REGION_METRIC, coords)
    return dist / 1000.0


def _km_chainage(gdf: gpd.GeoDataFrame, coords: list[np.ndarray], length_km: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    geoms = _checked_geoms(gdf)
    if not coords:
        return np.empty((len(geoms), 0)), np.empty((len(geoms), 0))
    dist, along, _refined = polyline_nearest(geoms, gdf.crs, REGION_METRIC, coords)
    return dist / 1000.0, length_km - along / 1000.0  # from the Chongqing end


def _line_coords(lines: gpd.GeoDataFrame) -> list[np.ndarray]:
    return [shapely.get_coordinates(line) for line in lines.geometry.values]


def axis_distances(gdf: gpd.GeoDataFrame, corridors: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """``dist_km_<ID>`` per axis, ``nearest_corridor`` and ``nearest_km``: the distances of
    :func:`corridor_proximity` without chainage, bands and labels (the cheap part at 10⁶ rows).
    """
    axes = _axes(corridors)
    ids = axes.ids
    dist = _km(gdf, axes.coords)
    cols = {f"dist_km_{c}": dist[:, j] for j, c in enumerate(ids)}
    k = np.argmin(dist, axis=1)
    cols["nearest_corridor"] = np.array(ids, dtype=object)[k]
    cols["nearest_km"] = dist[np.arange(len(dist)), k]
    return pd.DataFrame(cols, index=gdf.index)


def corridor_proximity(gdf: gpd.GeoDataFrame, bands_km: Sequence[float] = DEFAULT_BANDS_KM,
                       corridors: gpd.GeoDataFrame | None = None, chainage: bool = True) -> gpd.GeoDataFrame:
    """Distance (km) of every geometry to each Chengdu–Chongqing axis and to the nearest one.

    Adds ``dist_km_<ID>`` and ``chainage_km_<ID>`` per axis, ``nearest_corridor`` (+ ``_zh``/``_en``),
    ``nearest_km``, ``nearest_chainage_km``, ``band``/``band_zh``/``band_en`` and ``method``.
    Polygons measure from their nearest edge; a geometry touching or crossing an axis is at 0.
    Distances are straight lines in a transverse Mercator on 107° E (≤ 0.2 % scale error).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Any geometries with a CRS.
    bands_km : sequence of float, default (10, 30, 60)
        Upper edges of the distance bands.
    corridors : geopandas.GeoDataFrame, optional
        Axes to measure to (default: the embedded three).
    chainage : bool, default True
        ``False`` skips the linear referencing (the nearest point's position along each axis, found
        with the distances: a small share of the time).

    Returns
    -------
    geopandas.GeoDataFrame

    Raises
    ------
    CRSError
        When ``gdf`` has no CRS.

    Examples
    --------
    >>> import geopandas as gpd, geoplan as gp
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"name": ["铜梁"]}, geometry=[Point(106.05, 29.85)], crs=4326)
    >>> gp.corridor_proximity(g)["nearest_corridor"].iloc[0]
    'CY_MID'
    """
    axes = _axes(corridors)
    ids = axes.ids
    if chainage:
        dist, chain = _km_chainage(gdf, axes.coords, axes.length_km)
    else:
        dist, chain = _km(gdf, axes.coords), None
    cols: dict[str, object] = {}
    for j, cid in enumerate(ids):
        cols[f"dist_km_{cid}"] = dist[:, j]
        if chain is not None:
            cols[f"chainage_km_{cid}"] = chain[:, j]
    rows = np.arange(len(gdf))
    k = np.argmin(dist, axis=1) if len(ids) else np.zeros(len(gdf), int)
    zh = dict(zip(ids, axes.names["corridor_zh"]))
    en = dict(zip(ids, axes.names["corridor_en"]))
    cols["nearest_corridor"] = np.array(ids, dtype=object)[k]
    cols["nearest_corridor_zh"] = np.array([zh[c] for c in ids], dtype=object)[k]
    cols["nearest_corridor_en"] = np.array([en[c] for c in ids], dtype=object)[k]
    cols["nearest_km"] = dist[rows, k]
    if chain is not None:
        cols["nearest_chainage_km"] = chain[rows, k]
    cols["band"], cols["band_zh"], cols["band_en"] = assign_band(cols["nearest_km"], bands_km)
    cols["method"] = METHOD
    return _with_columns(gdf, cols)


def _with_columns(gdf: gpd.GeoDataFrame, cols: dict[str, object]) -> gpd.GeoDataFrame:
    """A copy of ``gdf`` with ``cols`` set, as ``out[name] = value`` one by one would make it, but with
    the new columns added in one step (15 single inserts cost ~3 ms whatever the number of rows).
    """
    if gdf.columns.isin(list(cols)).any() or not gdf.columns.is_unique:  # replacing columns: in place, one by one
        out = gdf.copy()
        for name, value in cols.items():
            out[name] = value
        return out
    return pd.concat([gdf, pd.DataFrame(cols, index=gdf.index)], axis=1).__finalize__(gdf)  # attrs, flags


def points_gdf(lon: Sequence[float], lat: Sequence[float], **columns) -> gpd.GeoDataFrame:
    """Points in WGS84 with extra columns (a convenience for callers and tests)."""
    return gpd.GeoDataFrame(pd.DataFrame(columns), geometry=shapely.points(np.asarray(lon, float),
                            np.asarray(lat, float)), crs=WGS84)


def segment_distance(x: np.ndarray, y: np.ndarray, coords: np.ndarray) -> np.ndarray:
    """Planar distance from points (x, y) to a polyline with vertices ``coords`` (n × 2), vectorised.

    Used by the raster surfaces, where millions of cell centres meet a line of a few dozen
    segments: numpy over segments beats building point geometries.
    """
    best = np.full(np.shape(x), np.inf)
    for (ax, ay), (bx, by) in zip(coords[:-1], coords[1:]):
        dx, dy = bx - ax, by - ay
        L2 = dx * dx + dy * dy
        px, py = x - ax, y - ay
        if L2 == 0:
            d2 = px * px + py * py
        else:
            t = np.clip((px * dx + py * dy) / L2, 0.0, 1.0)
            ex, ey = px - t * dx, py - t * dy
            d2 = ex * ex + ey * ey
        np.minimum(best, d2, out=best)
    return np.sqrt(best)


SEAT_ARTEFACT_KM = 2.0  # corridor nodes are placed at city/district centres (±2 km, data/corridors.csv)


def seat_artefacts(res) -> np.ndarray:
    """True where a point located only at its district seat lies < 2 km from an axis: the axis nodes sit at
    the same seats, so such a distance (0.1–0.4 km in practice) is an artefact of two approximations.
    """
    if "location_precision" not in res or "nearest_km" not in res:
        return np.zeros(len(res), dtype=bool)
    seat = np.asarray(res["location_precision"].astype(str) == "district_seat")
    return seat & (np.asarray(res["nearest_km"], dtype=float) < SEAT_ARTEFACT_KM)

