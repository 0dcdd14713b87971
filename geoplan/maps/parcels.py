"""A parcel layer a browser can open: the shortlist as vectors, every other parcel in one image.

10⁶ parcel polygons as GeoJSON are hundreds of MB, far more than a browser tab renders. Here the
whole layer becomes one server-side rendered PNG (a density overview: each pixel coloured by how
many parcels have their vertex mean in it), placed with a Leaflet image overlay, and only the
shortlist (the ranked parcels of a site query, at most a few thousand) is sent as vectors with a
tooltip. The image is built with numpy (vertex means, ``bincount``) and a stdlib PNG encoder, in
well under a second for 10⁶ parcels (``benchmarks/app_render.py --parcels``).
"""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Sequence

import folium
import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer

from ..crs import WGS84
from ..errors import CRSError, InputError
from ..i18n import t
from .base import display_datum
from .symbols import HIGHLIGHT

__all__ = ["add_parcel_layer", "overview_png", "parcel_positions"]

_R = 6378137.0  # Web Mercator sphere: Leaflet stretches an image overlay linearly in EPSG:3857
OVERVIEW_RGB = (70, 90, 160)  # one hue; opacity grows with the number of parcels in a pixel
MAX_SHORTLIST = 5000


def parcel_positions(gdf: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """lon/lat (WGS84) of each parcel's vertex mean; only these points are projected.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame(geometry=[shapely.box(106.0, 29.0, 106.2, 29.2)], crs=4326)
    >>> [round(float(v[0]), 6) for v in parcel_positions(g)]
    [106.1, 29.1]
    """
    if gdf.crs is None:
        raise CRSError("the parcel layer has no CRS; set one (e.g. EPSG:4326)")
    geoms = np.asarray(gdf.geometry.values)
    counts = shapely.get_num_coordinates(geoms)
    coords = shapely.get_coordinates(geoms)
    n = len(geoms)
    gidx = np.repeat(np.arange(n), counts)
    x = np.bincount(gidx, weights=coords[:, 0], minlength=n)
    y = np.bincount(gidx, weights=coords[:, 1], minlength=n)
    # a single-ring polygon repeats its first vertex at the end: leave that copy out of the mean
    ring = (shapely.get_type_id(geoms) == 3) & (shapely.get_num_interior_rings(geoms) == 0) & (counts > 1)
    last = (np.cumsum(counts) - 1)[ring]
    x[ring] -= coords[last, 0]
    y[ring] -= coords[last, 1]
    k = (counts - ring).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        x, y = x / k, y / k  # no vertices: NaN
    if not gdf.crs.equals(WGS84):
        x, y = Transformer.from_crs(gdf.crs, WGS84, always_xy=True).transform(x, y)
    return np.asarray(x, float), np.asarray(y, float)


def _png(rgba: np.ndarray) -> bytes:
    """A PNG file of an (h × w × 4) uint8 array (stdlib zlib, no imaging library)."""
    h, w, _ = rgba.shape
    raw = np.concatenate([np.zeros((h, 1), np.uint8), rgba.reshape(h, w * 4)], axis=1).tobytes()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def overview_png(lon: np.ndarray, lat: np.ndarray, width: int = 1600,
                 bounds: Sequence[float] | None = None) -> tuple[bytes, list[list[float]]]:
    """The density overview of points as a PNG, and its Leaflet bounds ``[[lat0, lon0], [lat1, lon1]]``.

    Pixels are square in Web Mercator (what Leaflet shows); a pixel's opacity is
    ``0.25 + 0.75 · log(1 + count) / log(1 + max count)``, empty pixels are transparent.

    Parameters
    ----------
    lon, lat : numpy.ndarray
        WGS84 degrees (NaN rows are skipped).
    width : int, default 1600
        Image width in pixels; the height follows from the extent.
    bounds : (lon0, lat0, lon1, lat1), optional
        Default: the points' extent.

    Returns
    -------
    (bytes, list)

    Examples
    --------
    >>> import numpy as np
    >>> png, b = overview_png(np.array([106.0, 107.0]), np.array([29.0, 30.0]), width=10)
    >>> png[:4] == b"\\x89PNG", b
    (True, [[29.0, 106.0], [30.0, 107.0]])
    """
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    lon, lat = lon[ok], lat[ok]
    if bounds is None:
        if not len(lon):
            raise InputError("no parcel has a position to draw")
        bounds = (lon.min(), lat.min(), lon.max(), lat.max())
    x0, y0, x1, y1 = (float(v) for v in bounds)
    if not (x1 > x0 and y1 > y0):
        x1, y1 = max(x1, x0 + 1e-6), max(y1, y0 + 1e-6)
    merc = lambda la: _R * np.log(np.tan(np.pi / 4 + np.radians(la) / 2))
    my0, my1 = float(merc(y0)), float(merc(y1))
    width = int(width)
    mx_span = _R * np.radians(x1 - x0)
    height = max(1, int(round(width * (my1 - my0) / mx_span)))
    col = np.clip(((lon - x0) / (x1 - x0) * width).astype(np.int64), 0, width - 1)
    row = np.clip(((my1 - merc(lat)) / (my1 - my0) * height).astype(np.int64), 0, height - 1)
    count = np.bincount(row * width + col, minlength=width * height).reshape(height, width)
    rgba = np.zeros((height, width, 4), np.uint8)
    rgba[..., :3] = OVERVIEW_RGB
    top = count.max() if count.size else 0
    if top > 0:
        a = np.where(count > 0, 0.25 + 0.75 * np.log1p(count) / np.log1p(top), 0.0)
        rgba[..., 3] = np.round(a * 255).astype(np.uint8)
    return _png(rgba), [[y0, x0], [y1, x1]]


def add_parcel_layer(m: folium.Map, parcels: gpd.GeoDataFrame, shortlist: gpd.GeoDataFrame | None = None,
                     *, tiles: str = "none", lang: str = "zh", id_col: str = "parcel_id",
                     width: int = 1600) -> dict:
    """Add all parcels as one overview image and the shortlist as vector polygons to ``m``.

    Parameters
    ----------
    m : folium.Map
    parcels : geopandas.GeoDataFrame
        The whole layer (any CRS; only vertex means are projected).
    shortlist : geopandas.GeoDataFrame, optional
        The parcels to draw as vectors (e.g. a site query's ranked rows), at most 5,000.
    tiles : str, default "none"
        The map's tiles; AMap (GCJ-02) tiles are not supported for the overview and raise.
    lang : {"zh", "en"}
    id_col : str
        The shortlist's id column, shown in the tooltip.
    width : int
        Overview width in pixels.

    Returns
    -------
    dict
        ``n_parcels``, ``n_shortlist``, ``png_bytes``, ``bounds``.

    Raises
    ------
    InputError
        For AMap tiles or a shortlist over 5,000 rows.
    """
    if display_datum(tiles) != "wgs84":
        raise InputError("the parcel overview is drawn in WGS84; choose tiles other than AMap (GCJ-02)")
    lon, lat = parcel_positions(parcels)
    png, bounds = overview_png(lon, lat, width=width)
    url = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    folium.raster_layers.ImageOverlay(url, bounds=bounds, name=t("parcels_overview_layer", lang),
                                      opacity=0.9, interactive=False, zindex=2).add_to(m)
    n_short = 0
    if shortlist is not None and len(shortlist):
        if len(shortlist) > MAX_SHORTLIST:
            raise InputError(f"a shortlist of {len(shortlist):,} parcels is too many to draw as vectors; "
                             f"at most {MAX_SHORTLIST:,}")
        s = shortlist.to_crs(WGS84)
        s = gpd.GeoDataFrame({"id": s[id_col].astype(str).to_numpy() if id_col in s else
                              np.arange(1, len(s) + 1).astype(str)}, geometry=s.geometry.values, crs=WGS84)
        s["geometry"] = shapely.set_precision(s.geometry.to_numpy(), 1e-6)
        folium.GeoJson(s, name=t("parcels_shortlist_layer", lang),
                       style_function=lambda _f: {"color": HIGHLIGHT, "weight": 2, "fillOpacity": 0.35},
                       tooltip=folium.GeoJsonTooltip(["id"], aliases=[t("parcels_id", lang)]),
                       ).add_to(m)
        n_short = len(s)
    return {"n_parcels": int(len(parcels)), "n_shortlist": n_short, "png_bytes": len(png), "bounds": bounds}
