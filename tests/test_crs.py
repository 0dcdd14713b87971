"""geoplan.crs: GCJ-02/BD-09 conversions, Gauss–Krüger zones, CRS parsing, metric projections."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import CRS, Geod, Transformer

from geoplan import crs
from geoplan.errors import CRSError

GEOD = Geod(ellps="WGS84")

# Published reference pair: Beijing railway station, WGS84 vs GCJ-02 (lat, lon).
BJS_WGS84 = (116.42079, 39.90105)
BJS_GCJ02 = (116.42703, 39.90245)

# A grid covering mainland China (the area where the GCJ-02 offset applies).
_LON, _LAT = np.meshgrid(np.linspace(73.5, 135.0, 125), np.linspace(18.0, 53.5, 72))

CHENGDU = (104.066, 30.657)
WANZHOU = (108.408, 30.808)
XIUSHAN = (109.007, 28.448)
CHONGQING = (106.551, 29.563)
CHENGKOU = (108.664, 31.948)


def _metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    return np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def test_reference_pair_forward_and_back():
    gx, gy = crs.wgs84_to_gcj02(*BJS_WGS84)
    assert _metres(gx, gy, *BJS_GCJ02) < 3.0
    wx, wy = crs.gcj02_to_wgs84(*BJS_GCJ02)
    assert _metres(wx, wy, *BJS_WGS84) < 3.0
    # the offset itself is hundreds of metres, so the test above is not trivially passed by identity
    assert _metres(*BJS_WGS84, *BJS_GCJ02) > 400


@pytest.mark.parametrize("fwd, back", [
    (crs.wgs84_to_gcj02, crs.gcj02_to_wgs84),
    (crs.gcj02_to_bd09, crs.bd09_to_gcj02),
    (crs.wgs84_to_bd09, crs.bd09_to_wgs84),
])
def test_round_trips_below_one_metre_over_china(fwd, back):
    x, y = fwd(_LON, _LAT)
    assert _metres(_LON, _LAT, x, y).min() > 10  # every point really moved
    rx, ry = back(x, y)
    err = _metres(_LON, _LAT, rx, ry)
    assert err.max() < 1.0, f"max round-trip error {err.max():.3g} m"


def test_inverse_is_the_inverse_of_the_published_forward():
    # gcj02_to_wgs84 applied to arbitrary GCJ points must map back onto them with the forward formula
    x, y = crs.gcj02_to_wgs84(_LON, _LAT)
    fx, fy = crs.wgs84_to_gcj02(x, y)
    assert _metres(_LON, _LAT, fx, fy).max() < 0.01


def test_offset_not_applied_outside_china():
    lon = np.array([-0.1276, 139.69, 151.2])
    lat = np.array([51.507, 35.69, -33.87])
    for f in (crs.wgs84_to_gcj02, crs.gcj02_to_wgs84):
        x, y = f(lon, lat)
        np.testing.assert_array_equal(x, lon)
        np.testing.assert_array_equal(y, lat)
    assert crs.in_china(106.5, 29.5) and not crs.in_china(139.69, 35.69)


def test_vectorised_shapes_are_kept():
    x, y = crs.wgs84_to_gcj02(_LON, _LAT)
    assert x.shape == y.shape == _LON.shape
    sx, sy = crs.gcj02_to_wgs84(106.5, 29.5)
    assert np.ndim(sx) == 0 and np.ndim(sy) == 0
    with pytest.raises(CRSError):
        crs.wgs84_to_gcj02(np.zeros(3), np.zeros(4))


def test_convert_polygon_and_mixed_geometries():
    shell = [(106.0, 29.0), (107.0, 29.0), (107.0, 30.0), (106.0, 30.0), (106.0, 29.0)]
    hole = [(106.4, 29.4), (106.6, 29.4), (106.6, 29.6), (106.4, 29.4)]
    poly = shapely.Polygon(shell, [hole])
    out = crs.convert_geometries(poly, "wgs84", "gcj02")
    assert out.geom_type == "Polygon" and len(out.interiors) == 1
    got = shapely.get_coordinates(out)
    ex, ey = crs.wgs84_to_gcj02(*shapely.get_coordinates(poly).T)
    np.testing.assert_allclose(got, np.column_stack([ex, ey]), rtol=0, atol=1e-12)
    back = crs.convert_geometries(out, "gcj02", "wgs84")
    assert _metres(*shapely.get_coordinates(back).T, *shapely.get_coordinates(poly).T).max() < 1.0

    mixed = np.array([shapely.Point(106.5, 29.5), shapely.LineString([(106, 29), (107, 30)]),
                      shapely.MultiPolygon([poly]), None], dtype=object)
    conv = crs.convert_geometries(mixed, "bd09", "wgs84")
    assert list(shapely.get_type_id(conv)) == list(shapely.get_type_id(mixed))
    assert not shapely.equals(conv[0], mixed[0])
    assert crs.convert_geometries(poly, "wgs84", "wgs84") is poly
    with pytest.raises(CRSError):
        crs.convert_geometries(poly, "wgs84", "utm")


def test_convert_gdf_returns_a_converted_copy():
    gdf = gpd.GeoDataFrame({"a": [1, 2]}, geometry=[shapely.Point(106.5, 29.5), shapely.Point(108.4, 30.8)],
                           crs=crs.WGS84)
    out = crs.convert_gdf(gdf, "gcj02", "wgs84")
    assert out is not gdf and list(out["a"]) == [1, 2]
    assert gdf.geometry.iloc[0].x == 106.5  # original untouched
    d = _metres(gdf.geometry.x.to_numpy(), gdf.geometry.y.to_numpy(),
                out.geometry.x.to_numpy(), out.geometry.y.to_numpy())
    assert np.all((d > 100) & (d < 1000))
    with pytest.raises(CRSError):
        crs.convert_gdf(gdf.to_crs(crs.REGION_METRIC), "gcj02", "wgs84")


@pytest.mark.parametrize("arg, prefixed, epsg, cm", [
    (35, True, 4523, 105), (36, True, 4524, 108), (37, True, 4525, 111),
    (105, False, 4544, 105), (108, False, 4545, 108), (111, False, 4546, 111),
    (36, False, 4545, 108), (108, True, 4524, 108), (25, True, 4513, 75), (135, False, 4554, 135),
])
def test_gk3_epsg_codes(arg, prefixed, epsg, cm):
    c = crs.gk3_crs(arg, prefixed=prefixed)
    assert c.to_epsg() == epsg
    assert f"{cm}E" in c.name or f"zone {cm // 3}" in c.name
    params = {p.name: p.value for p in c.coordinate_operation.params}
    assert params["Longitude of natural origin"] == cm
    assert params["False easting"] == (cm // 3 * 1e6 + 5e5 if prefixed else 5e5)


@pytest.mark.parametrize("bad", [24, 46, 100, 74, 138])
def test_gk3_rejects_unknown_zone(bad):
    with pytest.raises(CRSError):
        crs.gk3_crs(bad, prefixed=True)


def test_detect_prefixed_eastings_on_projected_chongqing_points():
    lon = np.array([105.6, 106.05, 106.55, 106.3])  # Rongchang … Yuzhong: zone 35 (CM 105)
    lat = np.array([29.4, 29.85, 29.56, 29.3])
    x35, _ = Transformer.from_crs(crs.WGS84, crs.gk3_crs(35, True), always_xy=True).transform(lon, lat)
    assert np.all((x35 > 35e6) & (x35 < 36e6))
    assert crs.detect_gk_prefixed(x35) == 35
    x37, _ = Transformer.from_crs(crs.WGS84, crs.gk3_crs(37, True), always_xy=True).transform(109.9, 31.07)
    assert crs.detect_gk_prefixed([x37]) == 37
    xnp, _ = Transformer.from_crs(crs.WGS84, crs.gk3_crs(105, False), always_xy=True).transform(lon, lat)
    assert crs.detect_gk_prefixed(xnp) is None  # no prefix
    assert crs.detect_gk_prefixed(np.concatenate([x35, [x37]])) is None  # mixed zones
    assert crs.detect_gk_prefixed(lon) is None  # degrees
    assert crs.detect_gk_prefixed([]) is None


@pytest.mark.parametrize("text, epsg, pseudo", [
    ("wgs84", 4326, False), ("WGS84", 4326, False), ("cgcs2000", 4490, False), ("EPSG:4326", 4326, False),
    ("gcj02", 4326, True), ("GCJ-02", 4326, True), ("bd09", 4326, True),
    ("EPSG:4547", 4547, False), ("epsg: 4545", 4545, False), ("gk3:35", 4523, False),
    ("gk3:108", 4545, False), ("GK3:37", 4525, False),
])
def test_parse_crs(text, epsg, pseudo):
    p = crs.parse_crs(text)
    assert p.crs.to_epsg() == epsg
    assert p.is_pseudo is pseudo
    if pseudo:
        assert p.offset in crs.PSEUDO_CRS and p.name == p.offset


@pytest.mark.parametrize("text", ["", "   ", "utm", "EPSG:99999", "gk3:50", "gk3:x", "wgs 85"])
def test_parse_crs_errors_are_plain(text):
    with pytest.raises(CRSError) as exc:
        crs.parse_crs(text)
    assert "expected" in str(exc.value) or "not a known" in str(exc.value) or "neither" in str(exc.value)


@pytest.mark.parametrize("a, b", [(CHENGDU, WANZHOU), (CHENGDU, XIUSHAN), (CHONGQING, CHENGKOU),
                                  ((101.6, 27.6), (110.4, 32.4))])
def test_region_metric_distance_matches_geodesic(a, b):
    t = Transformer.from_crs(crs.WGS84, crs.REGION_METRIC, always_xy=True)
    (x1, x2), (y1, y2) = t.transform([a[0], b[0]], [a[1], b[1]])
    planar = float(np.hypot(x2 - x1, y2 - y1))
    geodesic = float(_metres(*a, *b))
    assert abs(planar / geodesic - 1) < 0.005


def test_region_metric_scale_within_documented_bounds():
    t = Transformer.from_crs(crs.WGS84, crs.REGION_METRIC, always_xy=True)
    lon = np.linspace(104.0, 110.0, 25)
    lat = np.full_like(lon, 29.5)
    x, y = t.transform(lon, lat)
    x2, y2 = t.transform(lon, lat + 0.01)
    scale = np.hypot(x2 - x, y2 - y) / _metres(lon, lat, lon, lat + 0.01)
    assert np.abs(scale - 1).max() < 0.0011  # ≤ 0.11 % over 104–110 °E (documented in crs.py)


def test_check_in_region():
    lon = np.array([106.55, 104.07, 29.56, 116.4])
    lat = np.array([29.56, 30.66, 106.55, 39.9])  # third: swapped lat/lon; fourth: Beijing
    np.testing.assert_array_equal(crs.check_in_region(lon, lat), [True, True, False, False])


def test_area_and_metric_helpers():
    box = shapely.box(106.0, 29.0, 107.0, 30.0)
    gdf = gpd.GeoDataFrame(geometry=[box], crs=crs.WGS84)
    geodesic = abs(GEOD.geometry_area_perimeter(box)[0]) / 1e6
    assert abs(crs.area_km2(gdf)[0] / geodesic - 1) < 1e-3
    assert crs.to_metric(gdf).crs.equals(crs.REGION_METRIC)
    with pytest.raises(CRSError):
        crs.area_km2(gpd.GeoDataFrame(geometry=[box]))


def test_transformer_is_built_once_per_crs_pair_and_projects_like_pyproj():
    a = crs.transformer(crs.WGS84, crs.REGION_METRIC)
    assert crs.transformer(CRS.from_epsg(4326), crs.REGION_METRIC) is a  # an equal CRS shares the entry
    assert crs.transformer(crs.REGION_METRIC, crs.WGS84) is not a
    # the central meridian of the tmerc (107°E) maps to the false easting 500 000 m exactly
    x, y = a.transform(107.0, 0.0)
    assert x == pytest.approx(500_000.0, abs=1e-6) and y == pytest.approx(0.0, abs=1e-6)
    lon, lat = np.array([106.55, 104.07]), np.array([29.56, 30.67])  # Chongqing, Chengdu
    ref = Transformer.from_crs(crs.WGS84, crs.REGION_METRIC, always_xy=True).transform(lon, lat)
    assert np.array_equal(np.asarray(a.transform(lon, lat)), np.asarray(ref))
