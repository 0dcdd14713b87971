"""CRS constants and conversions (WGS84 ↔ GCJ-02 ↔ BD-09; metric and equal-area projections).

GCJ-02 ("Mars coordinates", used by AMap/Tencent) and BD-09 (Baidu) are not real CRSs: they are
WGS84 lon/lat with a deliberate, non-linear offset of a few hundred metres. geoplan treats them as
*pseudo-CRSs* and converts them to WGS84 with the functions below. Inside China the offset is
applied; outside the usual rough China bounding box (lon 72.004–137.8347 E, lat 0.8293–55.8271 N,
the test used by every public implementation) it is not, so such points pass through unchanged.

All conversion functions are vectorised: they take and return numpy arrays (lon, lat) in degrees.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import shapely
from pyproj import CRS, Transformer

from .errors import CRSError

if TYPE_CHECKING:  # geopandas is only needed by the GeoDataFrame helpers
    import geopandas as gpd

WGS84 = CRS.from_epsg(4326)
CGCS2000 = CRS.from_epsg(4490)
# Albers equal-area tuned for China (standard parallels 25°N / 47°N), for areas.
CHINA_ALBERS = CRS.from_proj4(
    "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
)
# Transverse Mercator on GRS80 centred on 107°E (between Chengdu and Chongqing), k=1, for distances.
# Scale factor k ≈ 1 + (Δλ·cos φ)²/2: ≤ 0.11 % for 104–110 °E (Chengdu–Wanzhou–Xiushan),
# ≤ 0.2 % for 103–111 °E, 0.36 % at the far western corner of REGION_BBOX (101.5 °E, 27.5 °N).
REGION_METRIC = CRS.from_proj4(
    "+proj=tmerc +lat_0=0 +lon_0=107 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs"
)


@lru_cache(maxsize=32)
def transformer(src: CRS, dst: CRS) -> Transformer:
    """The lon/lat-ordered (``always_xy``) transformer from ``src`` to ``dst``, built once per pair.

    Building a PROJ transformer costs 70–170 ms (loaded 2-core machine), more than projecting 10⁵
    points; pyproj ≥ 3.1 transformers are thread-safe, so one per CRS pair is shared.

    Parameters
    ----------
    src, dst : pyproj.CRS
        Source and target CRS (hashable; equal CRSs share one entry).

    Returns
    -------
    pyproj.Transformer
        ``Transformer.from_crs(src, dst, always_xy=True)``.
    """
    return Transformer.from_crs(src, dst, always_xy=True)

# Chengdu–Chongqing region (lon_min, lat_min, lon_max, lat_max), used to catch a wrong CRS or
# swapped lat/lon on import.
REGION_BBOX = (101.5, 27.5, 110.5, 32.5)

# Rough China bounding box inside which the GCJ-02 offset applies.
CHINA_BBOX = (72.004, 0.8293, 137.8347, 55.8271)

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by the GCJ-02 algorithm
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = np.pi * 3000.0 / 180.0

PSEUDO_CRS = ("gcj02", "bd09")
_CONVERTIBLE = ("wgs84", "gcj02", "bd09")


def _arrays(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if lon.shape != lat.shape:
        raise CRSError(f"lon and lat have different shapes {lon.shape} and {lat.shape}")
    return lon, lat


def in_china(lon, lat) -> np.ndarray:
    """True where the point lies in the rough China box in which GCJ-02 applies the offset."""
    lon, lat = _arrays(lon, lat)
    x0, y0, x1, y1 = CHINA_BBOX
    return (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)


def _gcj_offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 offset (dlon, dlat) in degrees at WGS84 (lon, lat); zero outside China."""
    x = lon - 105.0
    y = lat - 35.0
    sx = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    tlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx + common
            + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    tlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx + common
            + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    radlat = np.radians(lat)
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = tlat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = tlon * 180.0 / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    inside = in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 → GCJ-02 (the published forward algorithm; identity outside China)."""
    lon, lat = _arrays(lon, lat)
    dlon, dlat = _gcj_offset(lon, lat)
    return lon + dlon, lat + dlat


def _invert(forward: Callable, lon: np.ndarray, lat: np.ndarray, start: tuple[np.ndarray, np.ndarray],
            tol: float = 1e-10, max_iter: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Solve forward(x) = (lon, lat) by fixed-point iteration from ``start``.

    The offsets vary slowly (their derivative is ~1e-3 or less), so each step gains about three
    digits; 1e-10° is ~1e-5 m.
    """
    x, y = start
    for _ in range(max_iter):
        fx, fy = forward(x, y)
        ex, ey = fx - lon, fy - lat
        x, y = x - ex, y - ey
        if np.all(np.abs(ex) < tol) and np.all(np.abs(ey) < tol):  # nan-free arrays only
            break
    return x, y


def gcj02_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 → WGS84 by iterating the forward transform (error well below 1 cm; identity outside China)."""
    lon, lat = _arrays(lon, lat)
    dlon, dlat = _gcj_offset(lon, lat)
    return _invert(wgs84_to_gcj02, lon, lat, (lon - dlon, lat - dlat))


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 → BD-09 (Baidu's published formula)."""
    x, y = _arrays(lon, lat)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 → GCJ-02: the usual closed-form approximation, refined by iteration to < 1 mm."""
    lon, lat = _arrays(lon, lat)
    x, y = lon - 0.0065, lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return _invert(gcj02_to_bd09, lon, lat, (z * np.cos(theta), z * np.sin(theta)))


def wgs84_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 → BD-09 (via GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 → WGS84 (via GCJ-02)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


_CONVERTERS: dict[tuple[str, str], Callable] = {
    ("wgs84", "gcj02"): wgs84_to_gcj02,
    ("gcj02", "wgs84"): gcj02_to_wgs84,
    ("gcj02", "bd09"): gcj02_to_bd09,
    ("bd09", "gcj02"): bd09_to_gcj02,
    ("wgs84", "bd09"): wgs84_to_bd09,
    ("bd09", "wgs84"): bd09_to_wgs84,
}


def converter(src: str, dst: str) -> Callable | None:
    """The vectorised (lon, lat) → (lon, lat) function for src → dst; None when src == dst."""
    src, dst = src.lower(), dst.lower()
    for name in (src, dst):
        if name not in _CONVERTIBLE:
            raise CRSError(f"unknown coordinate system '{name}': expected one of {', '.join(_CONVERTIBLE)}")
    if src == dst:
        return None
    return _CONVERTERS[(src, dst)]


def convert_geometries(geoms, src: str, dst: str):
    """Convert shapely geometries (one, or an array of them) between wgs84, gcj02 and bd09.

    Works for every geometry type (points, lines, polygons, multi-parts, collections); the
    geometry structure is kept, only coordinates change. Returns the same kind of input.
    """
    func = converter(src, dst)
    if func is None:
        return geoms

    def _xy(coords: np.ndarray) -> np.ndarray:
        x, y = func(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, _xy)


def convert_gdf(gdf: gpd.GeoDataFrame, src: str, dst: str) -> gpd.GeoDataFrame:
    """A copy of ``gdf`` whose (lon/lat) geometries are converted from src to dst (wgs84/gcj02/bd09)."""
    if gdf.crs is not None and not gdf.crs.is_geographic:
        raise CRSError(f"GCJ-02/BD-09 conversion needs lon/lat coordinates, the data is in {gdf.crs.name}")
    out = gdf.copy()
    out[out.geometry.name] = convert_geometries(np.asarray(gdf.geometry.values), src, dst)
    if out.crs is None:
        out = out.set_crs(WGS84)
    return out


# --- Gauss–Krüger zones -----------------------------------------------------------------------

GK3_ZONES = range(25, 46)  # CGCS2000 3-degree zones 25 (CM 75°E) … 45 (CM 135°E)


def gk3_crs(zone_or_cm: int, prefixed: bool) -> CRS:
    """CGCS2000 3-degree Gauss–Krüger CRS for a zone number (25–45) or central meridian (75–135, ×3).

    ``prefixed=True``: eastings carry the zone number (e.g. 36 500 000 m at CM 108°E),
    EPSG:4513–4533; ``prefixed=False``: false easting 500 000 m, EPSG:4534–4554.
    Chongqing spans zones 35/36/37 (CM 105/108/111°E).
    """
    v = int(zone_or_cm)
    if v in GK3_ZONES:
        zone = v
    elif 75 <= v <= 135 and v % 3 == 0:
        zone = v // 3
    else:
        raise CRSError(
            f"'{zone_or_cm}' is neither a 3-degree Gauss–Krüger zone (25–45) nor a central meridian "
            "(75–135, a multiple of 3)"
        )
    return CRS.from_epsg((4513 if prefixed else 4534) + zone - 25)


def detect_gk_prefixed(x_values) -> int | None:
    """The zone number when eastings carry a 3-degree zone prefix (e.g. 35 512 345.6 → 35), else None.

    All finite values must share one prefix in 25–45 and lie within ±350 km of the false easting.
    """
    x = np.asarray(x_values, dtype=float).ravel()
    x = x[np.isfinite(x)]
    if x.size == 0:
        return None
    prefix = np.floor(x / 1e6)
    if not np.all(prefix == prefix[0]) or int(prefix[0]) not in GK3_ZONES:
        return None
    rest = x - prefix * 1e6
    if np.any(np.abs(rest - 500_000.0) > 350_000.0):
        return None
    return int(prefix[0])


# --- parsing user-given CRS names -------------------------------------------------------------

@dataclass(frozen=True)
class ParsedCRS:
    """A CRS named by a user. ``offset`` is 'gcj02' / 'bd09' for pseudo-CRSs (WGS84 + offset)."""

    name: str
    crs: CRS
    offset: str | None = None

    @property
    def is_pseudo(self) -> bool:
        """True for GCJ-02 and BD-09, which are offsets of WGS84 rather than CRSs."""
        return self.offset is not None

    @property
    def is_geographic(self) -> bool:
        """True for lon/lat CRSs (WGS84, CGCS2000 and the pseudo-CRSs)."""
        return bool(self.crs.is_geographic)


_ALIASES = {
    "wgs84": ("wgs84", WGS84, None), "wgs-84": ("wgs84", WGS84, None), "wgs 84": ("wgs84", WGS84, None),
    "cgcs2000": ("cgcs2000", CGCS2000, None),
    "gcj02": ("gcj02", WGS84, "gcj02"), "gcj-02": ("gcj02", WGS84, "gcj02"), "gcj": ("gcj02", WGS84, "gcj02"),
    "amap": ("gcj02", WGS84, "gcj02"),
    "bd09": ("bd09", WGS84, "bd09"), "bd-09": ("bd09", WGS84, "bd09"), "bd09ll": ("bd09", WGS84, "bd09"),
    "baidu": ("bd09", WGS84, "bd09"),
    "region_metric": ("region_metric", REGION_METRIC, None),
    "china_albers": ("china_albers", CHINA_ALBERS, None),
}
_GK_RE = re.compile(r"^gk3\s*:\s*(\d+)$")
_EPSG_RE = re.compile(r"^epsg\s*:\s*(\d+)$")

_HELP = ("expected wgs84, cgcs2000, gcj02, bd09, EPSG:<code>, gk3:<zone 25–45> (zone-prefixed eastings) "
         "or gk3:<central meridian 75–135> (eastings without prefix)")


def parse_crs(text: str) -> ParsedCRS:
    """Parse a CRS name: 'wgs84', 'cgcs2000', 'gcj02', 'bd09', 'EPSG:4547', 'gk3:35', 'gk3:108' …

    ``gk3:<zone>`` means zone-prefixed eastings (EPSG:4513–4533); ``gk3:<CM>`` means eastings
    without prefix (EPSG:4534–4554). Raises CRSError for anything else.
    """
    if not isinstance(text, str) or not text.strip():
        raise CRSError(f"empty coordinate system name: {_HELP}")
    key = text.strip().lower()
    if key in _ALIASES:
        name, crs, offset = _ALIASES[key]
        return ParsedCRS(name, crs, offset)
    m = _GK_RE.match(key)
    if m:
        v = int(m.group(1))
        crs = gk3_crs(v, prefixed=v in GK3_ZONES)
        return ParsedCRS(f"EPSG:{crs.to_epsg()}", crs)
    m = _EPSG_RE.match(key)
    if m:
        code = int(m.group(1))
        if code == 4326:
            return ParsedCRS("wgs84", WGS84)
        if code == 4490:
            return ParsedCRS("cgcs2000", CGCS2000)
        try:
            crs = CRS.from_epsg(code)
        except Exception:  # pyproj raises CRSError of its own; give ours with a plain message
            raise CRSError(f"EPSG:{code} is not a known EPSG coordinate system") from None
        return ParsedCRS(f"EPSG:{code}", crs)
    raise CRSError(f"unknown coordinate system '{text}': {_HELP}")


# --- region checks and metric helpers -----------------------------------------------------------

def check_in_region(lon, lat) -> np.ndarray:
    """True where (lon, lat) lies inside REGION_BBOX (the Chengdu–Chongqing region).

    Import uses it to report a wrong CRS or swapped lat/lon (swapped points fall far outside).
    """
    lon, lat = _arrays(lon, lat)
    x0, y0, x1, y1 = REGION_BBOX
    return (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)


def to_metric(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``gdf`` projected to REGION_METRIC (metres; for distances and buffers)."""
    if gdf.crs is None:
        raise CRSError("the GeoDataFrame has no CRS; set it (WGS84 lon/lat?) before projecting")
    return gdf.to_crs(REGION_METRIC)


def area_km2(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Polygon areas in km², computed in the CHINA_ALBERS equal-area projection."""
    if gdf.crs is None:
        raise CRSError("the GeoDataFrame has no CRS; set it (WGS84 lon/lat?) before measuring areas")
    return shapely.area(np.asarray(gdf.to_crs(CHINA_ALBERS).geometry.values)) / 1e6
