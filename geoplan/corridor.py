"""Proximity to the Chengdu–Chongqing axes: straight-line distance, band and chainage.

Distances are planar in ``geoplan.crs.REGION_METRIC`` (transverse Mercator at 107°E, k = 1), which
stays within 0.2 % of the geodesic distance over Chongqing and the corridors (tests check it against
``pyproj.Geod``). Chainage is the position of the nearest point along an axis, in km from its
Chongqing end (the catalogue stores the lines Chengdu end first); every label says "from the Chongqing end".
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .crs import REGION_METRIC, WGS84
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
    geoms = _checked_geoms(gdf)
    if not len(lines):
        return np.empty((len(geoms), 0))
    dist, _refined = polyline_distances(geoms, gdf.crs, REGION_METRIC, _line_coords(lines))
    return dist / 1000.0


def distance_chainage(gdf: gpd.GeoDataFrame, lines: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """:func:`distance_matrix` and the chainage (km from each axis' Chongqing end) of the nearest point.

    The nearest point comes from the same exact minimum as the distance
    (:func:`geoplan.distance.polyline_nearest`: no projected polygons are built); the rows GEOS
    decides use ``shortest_line`` + ``line_locate_point``, as all rows did before. Within 1 mm of
    the GEOS result (tests), except that where two points of an axis are equally near, either is
    reported.
    """
    geoms = _checked_geoms(gdf)
    if not len(lines):
        return np.empty((len(geoms), 0)), np.empty((len(geoms), 0))
    dist, along, _refined = polyline_nearest(geoms, gdf.crs, REGION_METRIC, _line_coords(lines))
    return dist / 1000.0, lines["length_km"].to_numpy(float) - along / 1000.0  # from the Chongqing end


def _line_coords(lines: gpd.GeoDataFrame) -> list[np.ndarray]:
    return [shapely.get_coordinates(line) for line in lines.geometry.values]


def axis_distances(gdf: gpd.GeoDataFrame, corridors: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """``dist_km_<ID>`` per axis, ``nearest_corridor`` and ``nearest_km``: the distances of
    :func:`corridor_proximity` without chainage, bands and labels (the cheap part at 10⁶ rows).
    """
    lines = corridor_lines(corridors)
    ids = list(lines["corridor_id"])
    dist = distance_matrix(gdf, lines)
    out = pd.DataFrame({f"dist_km_{c}": dist[:, j] for j, c in enumerate(ids)}, index=gdf.index)
    k = np.argmin(dist, axis=1)
    out["nearest_corridor"] = np.array(ids, dtype=object)[k]
    out["nearest_km"] = dist[np.arange(len(dist)), k]
    return out


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
    lines = corridor_lines(corridors)
    out = gdf.copy()
    ids = list(lines["corridor_id"])
    if chainage:
        dist, chain = distance_chainage(gdf, lines)
    else:
        dist, chain = distance_matrix(gdf, lines), None
    for j, cid in enumerate(ids):
        out[f"dist_km_{cid}"] = dist[:, j]
        if chain is not None:
            out[f"chainage_km_{cid}"] = chain[:, j]
    k = np.argmin(dist, axis=1) if len(ids) else np.zeros(len(out), int)
    zh = dict(zip(ids, lines["corridor_zh"]))
    en = dict(zip(ids, lines["corridor_en"]))
    nearest = np.array(ids, dtype=object)[k]
    out["nearest_corridor"] = nearest
    out["nearest_corridor_zh"] = [zh[c] for c in nearest]
    out["nearest_corridor_en"] = [en[c] for c in nearest]
    out["nearest_km"] = dist[np.arange(len(out)), k]
    if chain is not None:
        out["nearest_chainage_km"] = chain[np.arange(len(out)), k]
    out["band"], out["band_zh"], out["band_en"] = assign_band(out["nearest_km"].to_numpy(), bands_km)
    out["method"] = METHOD
    return out


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

