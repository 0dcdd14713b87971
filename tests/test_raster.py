"""Raster surfaces: distance (vs the vector measure), rasterised intensity, slope mask from small DEMs."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
import rasterio
from pyproj import CRS, Transformer
from rasterio.transform import from_origin

from geoplan import corridor, raster
from geoplan.cli import main
from geoplan.crs import WGS84
from geoplan.data import catalog


def sample_cells_vs_vector(path, n: int, seed: int = 0) -> tuple[float, float]:
    """Max |raster − vector| (km) over ``n`` random valid cells, and the cell size (km)."""
    with rasterio.open(path) as src:
        assert src.crs is not None and src.crs.to_epsg() == 4545
        assert src.nodata == raster.NODATA_F32
        arr = src.read(1, masked=True)
        rows, cols = np.nonzero(~np.ma.getmaskarray(arr))
        pick = np.random.default_rng(seed).choice(len(rows), n, replace=False)
        r, c = rows[pick], cols[pick]
        xs, ys = rasterio.transform.xy(src.transform, r, c)
        lon, lat = Transformer.from_crs(src.crs, WGS84, always_xy=True).transform(xs, ys)
        vec = corridor.corridor_proximity(corridor.points_gdf(lon, lat))["nearest_km"].to_numpy()
        return float(np.max(np.abs(arr.data[r, c] - vec))), src.res[0] / 1000.0


def test_distance_raster_matches_vector_over_chongqing(tmp_path):
    out = tmp_path / "d.tif"
    info = raster.distance_raster(out, res_m=2000)
    assert info["crs"] == "EPSG:4545"
    err, cell = sample_cells_vs_vector(out, 20)
    assert err < cell
    with rasterio.open(out) as src:
        arr = src.read(1, masked=True)
        # masked to Chongqing: a corner cell in the bounding box is outside, the centre is inside
        assert arr.mask[0, 0] or arr.mask[-1, 0]
        cq = Transformer.from_crs(WGS84, src.crs, always_xy=True).transform(106.55, 29.56)
        r, c = src.index(*cq)
        assert not arr.mask[r, c] and arr[r, c] < 2.0  # Jiefangbei sits on the axes
        assert arr.min() >= 0 and arr.max() < 400


@pytest.mark.parametrize("res", [100.0, 700.0])
def test_interpolated_cell_centres_match_exact_projection(res):
    from geoplan.crs import REGION_METRIC

    g = raster.make_grid(res)
    t = Transformer.from_crs(g.crs, REGION_METRIC, always_xy=True)
    r0, n = g.height // 3, min(200, g.height // 3)
    mx, my = raster.metric_centres(t, g, r0, n)
    ex, ey = t.transform(*g.centres(r0, n))
    assert mx.shape == (n, g.width)
    assert np.abs(mx - ex).max() < 0.01 and np.abs(my - ey).max() < 0.01  # metres


@pytest.mark.slow
def test_distance_raster_100m_acceptance(tmp_path):
    out = tmp_path / "d100.tif"
    t0 = time.perf_counter()
    info = raster.distance_raster(out, res_m=100)
    elapsed = time.perf_counter() - t0
    assert info["width"] > 4000 and info["height"] > 4000
    err, cell = sample_cells_vs_vector(out, 20, seed=1)
    assert err < cell
    print(f"100 m Chongqing distance raster: {info['width']}x{info['height']} in {elapsed:.1f} s")
    assert elapsed < 60


def test_distance_raster_bbox_single_corridor(tmp_path):
    out = tmp_path / "b.tif"
    info = raster.distance_raster(out, res_m=500, bbox=(105.9, 29.6, 106.3, 29.9), corridor_id="CY_MID")
    with rasterio.open(out) as src:
        arr = src.read(1)
        assert (arr != raster.NODATA_F32).all()  # a bbox is not masked
        assert src.tags()["corridor"] == "CY_MID"
    assert info["width"] * info["height"] == arr.size
    with pytest.raises(Exception, match="not one of"):
        raster.distance_raster(out, res_m=500, bbox=(105.9, 29.6, 106.3, 29.9), corridor_id="NOPE")


def test_intensity_raster_from_districts_and_points(tmp_path):
    d = raster.district_intensity({500151: 1210.1})  # 铜梁区
    out = tmp_path / "i.tif"
    raster.intensity_raster(out, d, "value", res_m=2000)
    seat = catalog.districts().set_index("adcode").loc[500151]
    with rasterio.open(out) as src:
        arr = src.read(1)
        tx = Transformer.from_crs(WGS84, src.crs, always_xy=True)
        r, c = src.index(*tx.transform(seat["seat_lon"], seat["seat_lat"]))
        assert arr[r, c] == pytest.approx(1210.1)
        r2, c2 = src.index(*tx.transform(108.4, 30.8))  # Wanzhou: no value, nodata (not 0)
        assert arr[r2, c2] == raster.NODATA_F32
        valid = arr[arr != raster.NODATA_F32]
        # 铜梁区 ≈ 1,340 km²: about that many 4 km² cells
        assert 250 < valid.size < 420
    pts = corridor.points_gdf([106.055], [29.845], v=[5.0])
    out2 = tmp_path / "p.tif"
    info = raster.intensity_raster(out2, pts, "v", res_m=1000)
    with rasterio.open(out2) as src:
        assert (src.read(1) == 5.0).sum() >= 1 and info["features"] == 1


def _write_dem(path, z, transform, crs, nodata=None):
    with rasterio.open(path, "w", driver="GTiff", width=z.shape[1], height=z.shape[0], count=1,
                      dtype="float32", crs=crs, transform=transform, nodata=nodata) as dst:
        dst.write(z.astype("float32"), 1)


def test_slope_mask_metric_dem(tmp_path):
    res, n = 30.0, 40
    x = (np.arange(n) + 0.5) * res
    z = np.tile(x * np.tan(np.radians(30.0)), (n, 1))  # a 30° plane rising eastwards
    z[5, 5] = -9999
    dem = tmp_path / "dem.tif"
    _write_dem(dem, z, from_origin(500000, 3300000, res, res), "EPSG:4545", nodata=-9999)
    out, deg = tmp_path / "m.tif", tmp_path / "s.tif"
    info = raster.slope_raster(dem, out, threshold_deg=25, degrees_out=deg)
    with rasterio.open(deg) as src:
        s = src.read(1, masked=True)
        assert np.allclose(s[20:30, 20:30], 30.0, atol=1e-3)
        assert s.mask[5, 5]
    with rasterio.open(out) as src:
        m = src.read(1)
        assert src.nodata == raster.NODATA_U8 and src.crs.to_epsg() == 4545
        assert m[5, 5] == raster.NODATA_U8 and (m[20:30, 20:30] == 0).all()
    raster.slope_raster(dem, out, threshold_deg=35)
    with rasterio.open(out) as src:
        assert (src.read(1)[20:30, 20:30] == 1).all()
    assert info["share_ok"] == 0.0


def test_slope_geographic_dem_is_reprojected(tmp_path):
    # a DEM in lon/lat rising 10° eastwards: slope must come out ≈10°, not atan(dz / degrees)
    lon0, lat0, step, n = 106.5, 29.6, 0.0005, 60
    lon = lon0 + (np.arange(n) + 0.5) * step
    east_m = (lon - lon0) * (np.pi / 180) * 6378137 * np.cos(np.radians(lat0)) / np.sqrt(
        1 - 0.00669438 * np.sin(np.radians(lat0)) ** 2)
    z = np.tile(east_m * np.tan(np.radians(10.0)), (n, 1))
    dem = tmp_path / "geo.tif"
    _write_dem(dem, z, from_origin(lon0, lat0 + n * step, step, step), "EPSG:4326")
    deg = tmp_path / "s.tif"
    raster.slope_raster(dem, tmp_path / "m.tif", degrees_out=deg)
    with rasterio.open(deg) as src:
        assert CRS.from_user_input(src.crs).is_projected
        s = src.read(1, masked=True)
        core = s[10:-10, 10:-10].compressed()
        assert core.size > 100 and np.median(core) == pytest.approx(10.0, abs=0.3)


def test_cli_raster(tmp_path, capsys):
    out = tmp_path / "cli.tif"
    assert main(["raster", "distance", "--out", str(out), "--res", "5000", "--no-progress"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["crs"] == "EPSG:4545" and out.exists()
    out2 = tmp_path / "int.tif"
    assert main(["raster", "intensity", "--out", str(out2), "--res", "3000", "--no-progress"]) == 0
    with rasterio.open(out2) as src:
        vals = np.unique(src.read(1))
        assert vals[vals != raster.NODATA_F32] == pytest.approx([1210.1], abs=0.1)
    assert main(["raster", "slope", "--out", str(tmp_path / "s.tif")]) == 2
    assert "--dem" in capsys.readouterr().err
    assert main(["raster", "distance", "--out", str(out), "--bbox", "1,2,3"]) == 2
