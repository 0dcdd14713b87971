"""Corridor proximity: distances against pyproj.Geod, polygons, chainage, bands, CLI acceptance."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod, Transformer

from geoplan import corridor, distance
from geoplan.cli import main
from geoplan.crs import REGION_METRIC, WGS84
from geoplan.data import catalog
from geoplan.errors import CRSError, InputError

GEOD = Geod(ellps="GRS80")


def densified(line: shapely.LineString, step_m: float = 50.0) -> np.ndarray:
    """Vertices of ``line`` with geodesic intermediate points every ``step_m`` (lon/lat)."""
    cs = np.asarray(line.coords)
    parts = []
    for a, b in zip(cs[:-1], cs[1:]):
        _, _, d = GEOD.inv(a[0], a[1], b[0], b[1])
        parts.append(np.vstack([a[None, :], np.asarray(GEOD.npts(a[0], a[1], b[0], b[1], int(d // step_m)))
                                .reshape(-1, 2)]))
    return np.vstack(parts + [cs[-1:]])


def geodesic_to_line(lon: float, lat: float, dense: np.ndarray) -> float:
    _, _, d = GEOD.inv(np.full(len(dense), lon), np.full(len(dense), lat), dense[:, 0], dense[:, 1])
    return float(d.min()) / 1000.0


@pytest.fixture(scope="module")
def lines() -> gpd.GeoDataFrame:
    return catalog.corridors()


def test_three_axes_chengdu_end_first(lines):
    assert list(lines["corridor_id"]) == ["CY_MAIN", "CY_MID", "CSY"]
    for g in lines.geometry:
        x0, x1 = g.coords[0][0], g.coords[-1][0]
        assert x0 < 104.5 and x1 > 106.3  # Chengdu (≈104.07 E) first, Chongqing (≈106.5 E) last


def test_distances_within_half_percent_of_geodesic(lines):
    rng = np.random.default_rng(7)
    # random points over Chongqing and the corridor region, plus the district seats of all parks
    lon = np.r_[rng.uniform(104.0, 110.2, 120)]
    lat = np.r_[rng.uniform(28.1, 32.2, 120)]
    res = corridor.corridor_proximity(corridor.points_gdf(lon, lat))
    worst = 0.0
    for cid, line in zip(lines["corridor_id"], lines.geometry):
        dense = densified(line)
        for i in range(len(lon)):
            truth = geodesic_to_line(lon[i], lat[i], dense)
            if truth < 2.0:  # the 50 m densification step dominates very short distances
                continue
            worst = max(worst, abs(res[f"dist_km_{cid}"].iloc[i] - truth) / truth)
    assert worst < 0.005, worst


def test_known_pairs_point_and_its_nearest_point(lines):
    """The point on the axis the code reports, taken back to lon/lat: Geod distance agrees."""
    pts = corridor.points_gdf([107.0, 108.4, 105.6, 106.9], [29.0, 31.0, 29.9, 30.6])
    lm = corridor.corridor_lines()
    back = Transformer.from_crs(REGION_METRIC, WGS84, always_xy=True)
    geoms = np.asarray(pts.to_crs(REGION_METRIC).geometry.values)
    res = corridor.corridor_proximity(pts)
    for cid, line in zip(lm["corridor_id"], lm.geometry.values):
        near = shapely.get_coordinates(shapely.get_point(shapely.shortest_line(geoms, line), 1))
        nlon, nlat = back.transform(near[:, 0], near[:, 1])
        _, _, d = GEOD.inv(pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy(), nlon, nlat)
        np.testing.assert_allclose(res[f"dist_km_{cid}"].to_numpy(), d / 1000.0, rtol=0.005)


def test_polygons_nearest_edge_and_crossing_is_zero(lines):
    mid = lines.set_index("corridor_id").geometry["CY_MID"]
    on_axis = shapely.line_interpolate_point(mid, 0.5, normalized=True)
    crossing = shapely.buffer(on_axis, 0.05)  # a ~5 km disc straddling the line
    off = shapely.box(108.0, 30.5, 108.3, 30.8)  # far to the north-east
    gdf = gpd.GeoDataFrame(geometry=[crossing, off], crs=WGS84)
    res = corridor.corridor_proximity(gdf)
    assert res["dist_km_CY_MID"].iloc[0] == 0.0 and res["nearest_km"].iloc[0] == 0.0
    # the polygon's distance is that of its nearest boundary point, less than its centroid's
    ring = np.asarray(off.exterior.segmentize(0.002).coords)
    dense = densified(mid)
    truth = min(geodesic_to_line(x, y, dense) for x, y in ring[::5])
    assert res["dist_km_CY_MID"].iloc[1] == pytest.approx(truth, rel=0.005)
    cen = corridor.corridor_proximity(corridor.points_gdf([off.centroid.x], [off.centroid.y]))
    assert res["dist_km_CY_MID"].iloc[1] < cen["dist_km_CY_MID"].iloc[0]


def test_lines_crossing_and_apart(lines):
    mid = lines.set_index("corridor_id").geometry["CY_MID"]
    p = shapely.line_interpolate_point(mid, 0.3, normalized=True)
    across = shapely.LineString([(p.x - 0.1, p.y - 0.1), (p.x + 0.1, p.y + 0.1)])
    road = shapely.LineString([(108.0, 30.0), (108.0, 30.5)])
    res = corridor.corridor_proximity(gpd.GeoDataFrame(geometry=[across, road], crs=WGS84))
    assert res["dist_km_CY_MID"].iloc[0] == 0.0
    pts = np.asarray(road.segmentize(0.001).coords)
    truth = min(geodesic_to_line(x, y, densified(mid)) for x, y in pts[::10])
    assert res["dist_km_CY_MID"].iloc[1] == pytest.approx(truth, rel=0.005)


def test_chainage_from_the_chongqing_end():
    nodes = catalog.corridor_nodes().sort_values(["corridor_id", "seq"])
    for cid, grp in nodes.groupby("corridor_id"):
        lon, lat = grp["lon"].to_numpy(), grp["lat"].to_numpy()
        res = corridor.corridor_proximity(corridor.points_gdf(lon, lat))
        ch = res[f"chainage_km_{cid}"].to_numpy()
        # geodesic length from each node to the Chongqing end (last node)
        seg = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])[2] / 1000.0
        to_cq = np.r_[np.cumsum(seg[::-1])[::-1], 0.0]
        assert ch[-1] == pytest.approx(0.0, abs=1e-6)
        np.testing.assert_allclose(ch, to_cq, rtol=0.005, atol=1e-6)
        assert np.all(res[f"dist_km_{cid}"].to_numpy() < 1e-6)


def test_bands_default_and_custom():
    codes, zh, en = corridor.assign_band(np.array([0.0, 10.0, 10.01, 30.0, 59.9, 60.5]))
    assert list(codes) == ["0-10", "0-10", "10-30", "10-30", "30-60", ">60"]
    assert zh[0] == "≤10公里" and en[-1] == ">60 km"
    c2, _, _ = corridor.assign_band(np.array([4.0, 6.0]), (5,))
    assert list(c2) == ["0-5", ">5"]
    with pytest.raises(InputError, match="increasing"):
        corridor.band_labels((30, 10))


def test_bad_geometry_input():
    with pytest.raises(CRSError):
        corridor.corridor_proximity(gpd.GeoDataFrame(geometry=[shapely.Point(106, 29)]))
    gdf = gpd.GeoDataFrame(geometry=[shapely.Point(106, 29), None], crs=WGS84)
    with pytest.raises(InputError, match="row 2"):
        corridor.corridor_proximity(gdf)


def test_cli_parks_acceptance(capsys):
    assert main(["proximity", "--layer", "parks", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    parks = catalog.parks()
    assert len(rows) == len(parks)
    for r in rows:
        assert {"dist_km_CY_MAIN", "dist_km_CY_MID", "dist_km_CSY", "nearest_corridor", "nearest_km"} <= set(r)
        assert r["nearest_km"] == min(r["dist_km_CY_MAIN"], r["dist_km_CY_MID"], r["dist_km_CSY"])
        assert r["method"] == "straight_line"
    tl = [r for r in rows if r.get("park_id") == "tongliang_gaoxin"]
    assert tl, "tongliang_gaoxin missing from the parks layer"
    assert tl[0]["nearest_corridor"] == "CY_MID" and tl[0]["nearest_km"] <= 10.0


def test_cli_input_geojson(tmp_path, capsys):
    f = tmp_path / "sites.geojson"
    corridor.points_gdf([106.055, 108.4], [29.845, 30.8], site=["a", "b"]).to_file(f, driver="GeoJSON")
    assert main(["proximity", "--input", str(f), "--format", "geojson"]) == 0
    fc = json.loads(capsys.readouterr().out)
    props = [ft["properties"] for ft in fc["features"]]
    assert props[0]["nearest_corridor"] == "CY_MID" and props[0]["band"] == "0-10"
    assert props[1]["band"] == ">60"


def test_passed_corridors_give_the_catalogue_results_bit_for_bit(lines):
    """Caller axes are projected vertex by vertex (no GeoDataFrame.to_crs per call): same numbers."""
    parks = catalog.parks()
    metric = lines.to_crs(REGION_METRIC)
    ref = corridor.corridor_proximity(parks)
    for c in (lines, metric):
        axes = corridor._axes(c)
        cl = corridor.corridor_lines(c)
        assert all(np.array_equal(a, shapely.get_coordinates(g)) for a, g in zip(axes.coords, cl.geometry.values))
        assert np.array_equal(axes.length_km, cl["length_km"].to_numpy())
        pd.testing.assert_frame_equal(corridor.corridor_proximity(parks, corridors=c), ref, check_exact=True)
        pd.testing.assert_frame_equal(corridor.axis_distances(parks, c), corridor.axis_distances(parks),
                                      check_exact=True)
    with pytest.raises(CRSError):
        corridor.axis_distances(parks, gpd.GeoDataFrame(lines.drop(columns="geometry"),
                                                        geometry=list(lines.geometry.values)))


def test_proximity_columns_added_at_once_like_one_by_one():
    """attrs kept; a layer that already has the columns gets them replaced in place; input untouched."""
    parks = catalog.parks()
    parks.attrs["source"] = "catalogue"
    before = parks.copy()
    res = corridor.corridor_proximity(parks)
    assert res.attrs == {"source": "catalogue"} and isinstance(res, gpd.GeoDataFrame) and res.crs == parks.crs
    again = corridor.corridor_proximity(res)
    assert list(again.columns) == list(res.columns)
    pd.testing.assert_frame_equal(again, res, check_exact=True)
    res["dist_km_CY_MAIN"] = -1.0
    pd.testing.assert_frame_equal(parks, before)


def test_compiled_kernel_is_cached_across_processes():
    """No closure: numba's disk-cache key then holds no per-process dispatcher id (with one, every new
    process compiled the kernel again, 1.3–1.5 s CPU, and added an entry to the cache)."""
    assert distance._kernel.__closure__ is None
    one = np.array([shapely.Point(1.0, 1.0)])
    distance.polyline_distances(one, REGION_METRIC, REGION_METRIC, [np.array([[0.0, 0.0], [5.0, 0.0]])])
    if distance._compiled() is None:
        pytest.skip("numba is not installed")
    code = ("import numpy as np, shapely; from geoplan import distance; from geoplan.crs import REGION_METRIC as M; "
            "distance.polyline_distances(np.array([shapely.Point(1.0, 1.0)]), M, M, [np.array([[0., 0.], [5., 0.]])]); "
            "s = distance._compiled().stats; print(sum(s.cache_hits.values()), sum(s.cache_misses.values()))")
    root = Path(distance.__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    hits, misses = map(int, out.stdout.split())
    assert (hits, misses) == (1, 0), out.stdout  # loaded from the cache this process wrote, not compiled
