"""The one host-district rule: which district contains each feature.

A feature is represented by its centroid, or by a point on its surface when the centroid falls
outside a concave polygon (:func:`parcel_points`). :func:`host_adcodes` finds the district
containing each point with one prepared point-in-polygon test per district (``shapely.contains_xy``) over the points inside its bounding box; at 10⁶ points and the
full-resolution district polygons (~74k vertices) that is ~0.4 s, against ~15 s for an STRtree
``query(..., predicate="within")`` on the same points (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .crs import WGS84, converter, transformer
from .data import catalog
from .errors import CRSError, InputError


def host_adcodes(x: np.ndarray, y: np.ndarray, districts: gpd.GeoDataFrame | None = None) -> np.ndarray:
    """Adcode of the district containing each WGS84 point (x = lon, y = lat); -1 outside all.

    Points on a shared border go to the first district (by adcode) that contains them.
    """
    if districts is None:

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
    ``geoplan.siting.candidates`` uses for the host district.

    The points are found in the layer's own CRS and only they are projected: a parcel layer kept in
    a metric CRS is never reprojected as polygons (at 10⁶ parcels that is seconds).
    """
    if gdf.crs is None:
        raise CRSError("the parcel layer has no CRS; set one (e.g. EPSG:4326)")
    geoms = np.asarray(gdf.geometry.values)
    pts = shapely.centroid(geoms)
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    polygonal = np.isin(shapely.get_type_id(geoms), (3, 6))
    outside = polygonal & ~shapely.contains_xy(geoms, x, y)
    if outside.any():
        pos = shapely.point_on_surface(geoms[outside])
        x[outside], y[outside] = shapely.get_x(pos), shapely.get_y(pos)
    if not gdf.crs.equals(WGS84):
        x, y = transformer(gdf.crs, WGS84).transform(x, y)
        x, y = np.asarray(x, float), np.asarray(y, float)
    return x, y


def parcels_by_district(gdf: gpd.GeoDataFrame, districts: gpd.GeoDataFrame | None = None) -> pd.Series:
    """The host district adcode of every parcel (by :func:`parcel_points`), as a nullable integer Series."""
    x, y = parcel_points(gdf)
    code = host_adcodes(x, y, districts)
    return pd.Series(code, index=gdf.index, name="adcode").where(code >= 0).astype("Int64")


def place_at(lon: float, lat: float, *, datum: str = "wgs84", park_tolerance_deg: float = 0.005,
             parks: gpd.GeoDataFrame | None = None, districts: gpd.GeoDataFrame | None = None
             ) -> tuple[str, str] | None:
    """The park or district under a map click: ``("park", park_id)``, ``("district", adcode)`` or None.

    A park wins when its point is within ``park_tolerance_deg`` (about 0.5 km) of the click;
    otherwise the district containing the click. ``datum`` is the click's datum (``gcj02`` on
    AMap tiles), converted to WGS84 first.

    Examples
    --------
    >>> place_at(106.1596, 29.8234)  # on 铜梁高新区's point (蒲吕)
    ('park', 'tongliang_gaoxin')
    >>> place_at(106.1, 29.7)  # elsewhere in 铜梁
    ('district', '500151')
    >>> place_at(0.0, 0.0) is None
    True
    """
    x, y = (np.asarray([lon], float), np.asarray([lat], float))
    if datum != "wgs84":
        conv = converter(datum, "wgs84")
        if conv is None:
            raise InputError(f"unknown datum {datum!r}; expected wgs84, gcj02 or bd09")
        x, y = conv(x, y)
    pt = shapely.Point(float(x[0]), float(y[0]))
    parks = catalog.parks() if parks is None else parks
    d = shapely.distance(parks.geometry.to_numpy(), pt)
    if len(d) and np.nanmin(d) < park_tolerance_deg:
        return "park", str(parks["park_id"].iloc[int(np.nanargmin(d))])
    code = host_adcodes(np.array([pt.x]), np.array([pt.y]), districts)[0]
    return ("district", str(int(code))) if code >= 0 else None
