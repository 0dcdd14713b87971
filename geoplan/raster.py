"""Raster surfaces as GeoTIFF (rasterio): distance to the corridors, rasterised intensity, slope mask.

Grids are square cells in ``RASTER_CRS`` (CGCS2000 / 3-degree Gauss–Krüger CM 108°E, EPSG:4545, so
every file carries an EPSG code). Distances are computed in ``geoplan.crs.REGION_METRIC`` — the
same CRS as the vector ``corridor_proximity`` — by transforming cell centres block by block, so the
raster and the vector measure agree to float precision and memory stays at one block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from pyproj import CRS, Transformer
from rasterio.features import geometry_mask, rasterize
from rasterio.transform import from_origin
from rasterio.warp import (
    Resampling,
    calculate_default_transform,
    reproject,
    transform_bounds,
)
from rasterio.windows import Window
from tqdm import tqdm

from .corridor import corridor_lines, segment_distance
from .crs import REGION_METRIC, WGS84
from .data import catalog
from .errors import DataError, InputError

RASTER_CRS = CRS.from_epsg(4545)  # CGCS2000 / 3-degree Gauss-Kruger CM 108E
NODATA_F32 = -9999.0
NODATA_U8 = 255
DEFAULT_SLOPE_DEG = 25.0
GTIFF = dict(driver="GTiff", tiled=True, blockxsize=256, blockysize=256, compress="deflate")


@dataclass(frozen=True)
class Grid:
    """A north-up grid: ``width`` × ``height`` cells of ``res`` metres from (``left``, ``top``)."""

    left: float
    top: float
    res: float
    width: int
    height: int
    crs: CRS = RASTER_CRS

    @property
    def transform(self):
        """The affine transform of the grid (cell edges, north up)."""
        return from_origin(self.left, self.top, self.res, self.res)

    def centres(self, row0: int, nrows: int) -> tuple[np.ndarray, np.ndarray]:
        """Cell-centre coordinates (x, y) of rows ``row0 … row0+nrows-1``, in the grid CRS."""
        x = self.left + (np.arange(self.width) + 0.5) * self.res
        y = self.top - (np.arange(row0, row0 + nrows) + 0.5) * self.res
        return np.meshgrid(x, y)


def chongqing_area() -> gpd.GeoDataFrame:
    """The 38 district polygons (WGS84), the default extent and mask."""

    return catalog.districts()


def make_grid(res_m: float = 100.0, bbox: Sequence[float] | None = None, crs: CRS = RASTER_CRS) -> Grid:
    """A grid at ``res_m`` covering ``bbox`` (lon_min, lat_min, lon_max, lat_max, WGS84) or Chongqing."""
    if not res_m > 0:
        raise InputError(f"resolution must be > 0 m, got {res_m}")
    if bbox is None:
        bbox = tuple(chongqing_area().total_bounds)
    x0, y0, x1, y1 = (float(v) for v in bbox)
    if not (x0 < x1 and y0 < y1 and -180 <= x0 and x1 <= 180 and -90 <= y0 and y1 <= 90):
        raise InputError(f"bbox must be lon_min,lat_min,lon_max,lat_max in degrees, got {list(bbox)}")
    l, b, r, t = transform_bounds(WGS84, crs, x0, y0, x1, y1, densify_pts=51)  # noqa: E741 - left, bottom …
    left, top = np.floor(l / res_m) * res_m, np.ceil(t / res_m) * res_m
    width = int(np.ceil((r - left) / res_m))
    height = int(np.ceil((top - b) / res_m))
    return Grid(left, top, float(res_m), width, height, crs)


def _blocks(grid: Grid, block_rows: int) -> list[tuple[int, int]]:
    return [(r, min(block_rows, grid.height - r)) for r in range(0, grid.height, block_rows)]


def _progress(items: list, enabled: bool | Callable[[float, str], None], desc: str) -> Iterable:
    """``items`` as they are, with a tqdm bar (``True``) or reporting ``enabled(fraction, desc)`` (a callable)."""
    if callable(enabled):
        return _reporting(items, enabled, desc)
    if not enabled:
        return items

    return tqdm(items, desc=desc, unit="block")


def _reporting(items: list, report: Callable[[float, str], None], desc: str) -> Iterator:
    n = max(len(items), 1)
    for i, item in enumerate(items):
        report(i / n, desc)
        yield item
    report(1.0, desc)


def _area_geoms(grid: Grid, area: gpd.GeoDataFrame | None) -> list | None:
    if area is None:
        return None
    # GeoJSON-like dicts once: rasterio would rebuild them from shapely for every block
    return [g.__geo_interface__ for g in area.to_crs(grid.crs).geometry.values]


def _lattice(size: int, step: int) -> np.ndarray:
    idx = np.arange(0, size, step)
    return idx if idx[-1] == size - 1 else np.r_[idx, size - 1]


def _interp_axis(values: np.ndarray, knots: np.ndarray, size: int, axis: int) -> np.ndarray:
    """Linear interpolation of ``values`` given at integer ``knots`` to 0 … size-1 along ``axis``."""
    pos = np.arange(size)
    i0 = np.clip(np.searchsorted(knots, pos, side="right") - 1, 0, max(len(knots) - 2, 0))
    if len(knots) == 1:
        return np.repeat(values, size, axis=axis)
    w = (pos - knots[i0]) / (knots[i0 + 1] - knots[i0])
    a, b = np.take(values, i0, axis=axis), np.take(values, i0 + 1, axis=axis)
    shape = [1, 1]
    shape[axis] = size
    return a + (b - a) * w.reshape(shape)


def metric_centres(to_metric: Transformer, grid: Grid, row0: int, nrows: int,
                   lattice_m: float = 2000.0) -> tuple[np.ndarray, np.ndarray]:
    """Cell centres of a block in ``REGION_METRIC``: exact on a lattice every ``lattice_m`` metres,
    bilinear in between.

    The map between two transverse Mercator grids on one ellipsoid is smooth (second derivatives
    about 1/R), so bilinear interpolation over 2 km is off by < 0.1 m (tests check it), and it is
    several times faster than projecting millions of points.
    """
    step = max(1, int(lattice_m // grid.res))
    cols, rows = _lattice(grid.width, step), _lattice(nrows, step)
    cx = grid.left + (cols + 0.5) * grid.res
    cy = grid.top - (row0 + rows + 0.5) * grid.res
    X, Y = np.meshgrid(cx, cy)
    mx, my = (np.asarray(v) for v in to_metric.transform(X, Y))
    if step == 1:
        return mx, my
    out = []
    for v in (mx, my):
        v = _interp_axis(v, cols, grid.width, axis=1)
        out.append(_interp_axis(v, rows, nrows, axis=0))
    return out[0], out[1]


def distance_raster(out: str | Path, res_m: float = 100.0, bbox: Sequence[float] | None = None,
                    corridor_id: str | None = None, mask_to_chongqing: bool | None = None,
                    corridors: gpd.GeoDataFrame | None = None, block_rows: int = 256,
                    progress: bool | Callable[[float, str], None] = False) -> dict:
    """Write a float32 GeoTIFF of straight-line distance (km) to the nearest axis.

    Parameters
    ----------
    out : str or path-like
        The GeoTIFF to write (EPSG:4545, CGCS2000 3° Gauss–Krüger CM 108° E).
    res_m : float, default 100
        Cell size in metres.
    bbox : sequence of float, optional
        (lon0, lat0, lon1, lat1); default Chongqing's extent.
    corridor_id : str, optional
        Distance to this axis only.
    mask_to_chongqing : bool, optional
        Cells outside Chongqing are nodata (default: when no ``bbox`` is given).
    corridors : geopandas.GeoDataFrame, optional
    block_rows : int, default 256
    progress : bool or callable, default False
        ``True`` shows a progress bar on the terminal; a callable is called as
        ``progress(fraction, "distance")`` after each block (for an app's progress bar).

    Returns
    -------
    dict
        ``path``, ``width``, ``height``, ``res_m``, ``crs`` and ``nodata``.

    Examples
    --------
    >>> import tempfile, pathlib, geoplan as gp
    >>> info = gp.distance_raster(pathlib.Path(tempfile.mkdtemp()) / "d.tif", res_m=5000)
    >>> info["crs"], info["nodata"]
    ('EPSG:4545', -9999.0)
    """
    lines = corridor_lines(corridors)
    if corridor_id is not None:
        if corridor_id not in set(lines["corridor_id"]):
            raise InputError(f"corridor {corridor_id!r} is not one of {list(lines['corridor_id'])}")
        lines = lines[lines["corridor_id"] == corridor_id]
    coords = [np.asarray(shapely.get_coordinates(g)) for g in lines.geometry.values]
    grid = make_grid(res_m, bbox)
    mask_to_chongqing = bbox is None if mask_to_chongqing is None else mask_to_chongqing
    area = _area_geoms(grid, chongqing_area()) if mask_to_chongqing else None
    to_metric = Transformer.from_crs(grid.crs, REGION_METRIC, always_xy=True)
    profile = dict(GTIFF, width=grid.width, height=grid.height, count=1, dtype="float32",
                   crs=grid.crs, transform=grid.transform, nodata=NODATA_F32)
    with rasterio.open(out, "w", **profile) as dst:
        for row0, n in _progress(_blocks(grid, block_rows), progress, "distance"):
            x, y = grid.centres(row0, n)
            block = np.full(x.shape, NODATA_F32, dtype=np.float32)
            inside = np.ones(x.shape, bool)
            if area is not None:
                win_t = rasterio.windows.transform(Window(0, row0, grid.width, n), grid.transform)
                inside = geometry_mask(area, out_shape=x.shape, transform=win_t, invert=True)
            if inside.any():
                mx, my = metric_centres(to_metric, grid, row0, n)
                mx, my = mx[inside], my[inside]
                d = np.full(mx.shape, np.inf)
                for c in coords:
                    np.minimum(d, segment_distance(mx, my, c), out=d)
                block[inside] = (d / 1000.0).astype(np.float32)
            dst.write(block, 1, window=Window(0, row0, grid.width, n))
        dst.update_tags(units="km", quantity="straight-line distance to corridor",
                        corridor=corridor_id or "nearest of " + ";".join(lines["corridor_id"]),
                        method="straight_line, planar in tmerc lon_0=107 GRS80 (geoplan REGION_METRIC)")
        dst.set_band_description(1, "distance_km / 到成渝轴线距离(公里)")
    return {"path": str(out), "width": grid.width, "height": grid.height, "res_m": grid.res,
            "crs": grid.crs.to_string(), "nodata": NODATA_F32}


def intensity_raster(out: str | Path, gdf: gpd.GeoDataFrame, value_col: str, res_m: float = 1000.0,
                     bbox: Sequence[float] | None = None, point_radius_m: float | None = None,
                     progress: bool | Callable[[float, str], None] = False) -> dict:
    """Burn ``value_col`` of polygons (districts) or points (parks) into a float32 GeoTIFF.

    Points are buffered by ``point_radius_m`` (default: one cell) so each covers at least one cell.
    Rows with an empty value are skipped, not burnt as 0; cells without a feature are nodata.
    """
    if value_col not in gdf:
        raise InputError(f"no column '{value_col}' to rasterise")
    if gdf.crs is None:
        raise InputError("input has no CRS")
    vals = gdf[value_col].astype(float)
    use = gdf[vals.notna() & np.isfinite(vals)]
    if use.empty:
        raise InputError(f"column '{value_col}' has no numeric values to rasterise")
    grid = make_grid(res_m, bbox)
    geoms = np.asarray(use.to_crs(grid.crs).geometry.values)
    is_pt = shapely.get_type_id(geoms) == 0
    if is_pt.any():
        geoms[is_pt] = shapely.buffer(geoms[is_pt], point_radius_m or grid.res)
    shapes = list(zip(geoms, use[value_col].astype(float)))
    profile = dict(GTIFF, width=grid.width, height=grid.height, count=1, dtype="float32",
                   crs=grid.crs, transform=grid.transform, nodata=NODATA_F32)
    with rasterio.open(out, "w", **profile) as dst:
        for row0, n in _progress(_blocks(grid, 512), progress, "intensity"):
            win = Window(0, row0, grid.width, n)
            arr = rasterize(shapes, out_shape=(n, grid.width), fill=NODATA_F32,
                            transform=rasterio.windows.transform(win, grid.transform), dtype="float32")
            dst.write(arr, 1, window=win)
        dst.update_tags(value=value_col, features=str(len(shapes)))
        dst.set_band_description(1, value_col)
    return {"path": str(out), "width": grid.width, "height": grid.height, "res_m": grid.res,
            "crs": grid.crs.to_string(), "nodata": NODATA_F32, "features": len(shapes)}


def slope_degrees(dem: np.ndarray, xres: float, yres: float, nodata: float | None = None) -> np.ndarray:
    """Slope in degrees of a DEM on a metric grid (central differences, one-sided at the edges);
    a nodata cell and its neighbours get NaN.
    """
    z = dem.astype(float)
    if nodata is not None:
        z[dem == nodata] = np.nan
    dzdy, dzdx = np.gradient(z, abs(yres), abs(xres))
    s = np.degrees(np.arctan(np.hypot(dzdx, dzdy)))
    s[np.isnan(z)] = np.nan  # central differences skip the cell itself
    return s


def _read_dem_metric(dem_path: str | Path, crs: CRS = RASTER_CRS
                     ) -> tuple[np.ndarray, object, CRS, float | None]:
    """The DEM's first band on a metric grid (reprojected bilinearly when it is geographic)."""
    p = Path(dem_path)
    if not p.exists():
        raise InputError("DEM not found", file=str(p))
    with rasterio.open(p) as src:
        if src.crs is None:
            raise InputError("DEM has no CRS", file=str(p))
        src_crs = CRS.from_user_input(src.crs)
        nodata = src.nodata
        z = src.read(1).astype("float64")
        if nodata is not None:
            z[z == nodata] = np.nan
        if src_crs.is_projected and src_crs.axis_info[0].unit_name in ("metre", "meter"):
            return z, src.transform, src_crs, None
        if src_crs.is_projected:
            raise InputError(f"DEM CRS units are {src_crs.axis_info[0].unit_name}, expected metres or "
                             "degrees", file=str(p))
        dst_t, w, h = calculate_default_transform(src.crs, crs, src.width, src.height, *src.bounds)
        # square cells: use the finer of the two sizes
        res = min(abs(dst_t.a), abs(dst_t.e))
        dst_t, w, h = calculate_default_transform(src.crs, crs, src.width, src.height, *src.bounds,
                                                  resolution=res)
        dst = np.full((h, w), np.nan)
        reproject(z, dst, src_transform=src.transform, src_crs=src.crs, dst_transform=dst_t,
                  dst_crs=crs, resampling=Resampling.bilinear, src_nodata=np.nan, dst_nodata=np.nan)
        return dst, dst_t, crs, None


def slope_raster(dem_path: str | Path, out: str | Path, threshold_deg: float = DEFAULT_SLOPE_DEG,
                 degrees_out: str | Path | None = None) -> dict:
    """Write the slope-constraint mask of a DEM: 1 = slope ≤ threshold (buildable), 0 = steeper,
    255 = no data. Slope is computed on a metric grid; ``degrees_out`` also writes slope in degrees.
    """
    if not 0 < threshold_deg < 90:
        raise InputError(f"slope threshold must be between 0 and 90 degrees, got {threshold_deg}")
    z, transform, crs, _ = _read_dem_metric(dem_path)
    if transform.b != 0 or transform.d != 0:
        raise InputError("rotated DEM grids are not supported", file=str(dem_path))
    s = slope_degrees(z, transform.a, transform.e)
    mask = np.full(s.shape, NODATA_U8, dtype=np.uint8)
    ok = np.isfinite(s)
    mask[ok] = (s[ok] <= threshold_deg).astype(np.uint8)
    h, w = s.shape
    prof = dict(GTIFF, width=w, height=h, count=1, crs=crs, transform=transform)
    if w < 256 or h < 256:
        prof.update(tiled=False)
        prof.pop("blockxsize"), prof.pop("blockysize")
    with rasterio.open(out, "w", **prof, dtype="uint8", nodata=NODATA_U8) as dst:
        dst.write(mask, 1)
        dst.update_tags(threshold_deg=str(threshold_deg), meaning="1 = slope <= threshold, 0 = steeper",
                        dem=str(dem_path))
        dst.set_band_description(1, f"slope_ok (<= {threshold_deg:g}°) / 坡度≤{threshold_deg:g}°")
    if degrees_out:
        with rasterio.open(degrees_out, "w", **prof, dtype="float32", nodata=NODATA_F32) as dst:
            dst.write(np.where(ok, s, NODATA_F32).astype(np.float32), 1)
            dst.set_band_description(1, "slope_deg / 坡度(度)")
    return {"path": str(out), "width": w, "height": h, "crs": CRS.from_user_input(crs).to_string(),
            "threshold_deg": threshold_deg, "share_ok": float(mask[ok].mean()) if ok.any() else None}


def district_intensity(values: dict[int, float]) -> gpd.GeoDataFrame:
    """District polygons with a ``value`` column from adcode → value (others empty)."""
    d = chongqing_area()
    d["value"] = d["adcode"].map(values).astype(float)
    if d["value"].notna().sum() == 0:
        raise DataError("none of the given adcodes is a Chongqing district")
    return d
