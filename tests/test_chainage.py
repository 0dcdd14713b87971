"""Chainage from the distance kernel equals GEOS's linear referencing (shortest_line + project).

``distance.polyline_nearest`` locates the nearest point on each axis from the same exact minimum as
the distance; the reference is what ``corridor_proximity`` computed before: every geometry projected,
``shapely.shortest_line`` to the axis, ``line_locate_point`` of its end on the axis. Where two points
of an axis are equally near (a genuine tie), either is right: there the test checks that the point
returned is at the minimum distance.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Transformer

from benchmarks.parcels import generate_parcels
from geoplan import corridor, distance
from geoplan.crs import REGION_METRIC, WGS84
from geoplan.data import catalog

MM_KM = 1e-6  # 1 mm in km
TIE_REL = 1e-9


@pytest.fixture(scope="module")
def axes():
    lines = corridor.corridor_lines()
    return [shapely.get_coordinates(g) for g in lines.geometry.values], lines


def _project(geoms_wgs84: np.ndarray) -> np.ndarray:
    tr = Transformer.from_crs(WGS84, REGION_METRIC, always_xy=True)
    return shapely.transform(geoms_wgs84, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))


def _geos_chainage(metric: np.ndarray, lines: gpd.GeoDataFrame) -> np.ndarray:
    """km from the Chongqing end, as corridor_proximity computed it before (GEOS on projected geometries)."""
    cols = []
    for line, length_km in zip(lines.geometry.values, lines["length_km"]):
        near = shapely.get_point(shapely.shortest_line(metric, line), 1)
        cols.append(length_km - shapely.line_locate_point(line, near) / 1000.0)
    return np.column_stack(cols)


def _chainage(geoms, crs, coords, lines, compiled=True):
    d, along, refined = distance.polyline_nearest(geoms, crs, REGION_METRIC, coords, use_compiled=compiled)
    return d, lines["length_km"].to_numpy() - along / 1000.0, refined


def _check_against_geos(metric, d, chain, lines) -> int:
    """Every chainage within 1 mm of GEOS's, or a tie whose returned point is at the minimum distance.
    Returns the number of ties."""
    ref = _geos_chainage(metric, lines)
    ties = 0
    for j, (line, length_km) in enumerate(zip(lines.geometry.values, lines["length_km"])):
        off = np.flatnonzero(~(np.abs(chain[:, j] - ref[:, j]) <= MM_KM))
        if len(off):
            ours = shapely.line_interpolate_point(line, (length_km - chain[off, j]) * 1000.0)
            theirs = shapely.line_interpolate_point(line, (length_km - ref[off, j]) * 1000.0)
            tol = TIE_REL * d[off, j] + 1e-9
            np.testing.assert_array_less(np.abs(shapely.distance(metric[off], ours) - d[off, j]), tol)
            np.testing.assert_array_less(np.abs(shapely.distance(metric[off], theirs) - d[off, j]), tol)
            ties += len(off)
    return ties


@pytest.fixture(scope="module")
def real(axes):
    """20 000 generated parcels, the embedded parks (points) and districts (large polygons, some multi)."""
    parcels = np.asarray(generate_parcels(20_000, seed=11).geometry.values)
    parks = np.asarray(catalog.parks().geometry.values)
    districts = np.asarray(catalog.districts().geometry.values)
    geoms = np.concatenate([parcels, parks, districts])
    return geoms, _project(geoms), len(parcels), len(parks)


@pytest.mark.parametrize("compiled", [True, False])
def test_chainage_matches_geos_on_parcels_parks_districts(axes, real, compiled):
    coords, lines = axes
    geoms, metric, n_parcels, n_parks = real
    d, chain, refined = _chainage(geoms, WGS84, coords, lines, compiled)
    assert np.array_equal(d, np.column_stack([shapely.distance(metric, g) for g in lines.geometry.values]))
    ties = _check_against_geos(metric, d, chain, lines)
    assert ties <= 0.001 * d.size  # ties are rare: almost every chainage is GEOS's to 1 mm
    assert np.all((chain >= -MM_KM) & (chain <= lines["length_km"].to_numpy() + MM_KM))
    # the kernel located most rows itself: points unless on an axis, parcels unless the axis may reach them
    assert len(refined) < 0.02 * len(geoms)
    parks = refined[(refined >= n_parcels) & (refined < n_parcels + n_parks)]
    assert len(parks) < n_parks / 2 and np.all(d[parks].min(axis=1) < 1e-3)  # parks at an axis node


def test_compiled_and_numpy_paths_locate_the_same_points(axes, real):
    coords, lines = axes
    geoms = real[0]
    a = distance.polyline_nearest(geoms, WGS84, REGION_METRIC, coords, use_compiled=True)
    b = distance.polyline_nearest(geoms, WGS84, REGION_METRIC, coords, use_compiled=False)
    for x, y in zip(a, b):
        assert np.array_equal(x, y)  # same distances, same points (same tie-breaking), same refined rows


def _bend(c: np.ndarray) -> tuple[int, np.ndarray, float]:
    """The interior vertex with the sharpest turn, the outward bisector there and the turn angle."""
    d = np.diff(c, axis=0)
    u = d / np.hypot(d[:, 0], d[:, 1])[:, None]
    turn = np.arccos(np.clip(np.sum(u[:-1] * u[1:], axis=1), -1, 1))
    w = int(np.argmax(turn)) + 1
    b = u[w - 1] - u[w]  # beyond segment w-1's end and before segment w's start: V is the nearest point
    return w, b / np.hypot(*b), float(turn[w - 1])


def _constructed(c: np.ndarray, end_dir: np.ndarray) -> np.ndarray:
    """Metric geometries around the main axis (vertices ``c``)."""
    w, b, turn = _bend(c)
    v = c[w]
    n = np.array([-b[1], b[0]])
    D, h = 2_000.0, 0.4 * 2_000.0 * np.tan(turn / 2)
    near_edge = [v + D * b - h * n, v + D * b + h * n]
    slab = shapely.Polygon(near_edge + [near_edge[1] + 150 * b, near_edge[0] + 150 * b])
    mid = (c[2] + c[3]) / 2
    e = c[-1] + 5_000.0 * end_dir
    return np.array([
        slab,                                                  # 0: an axis vertex (the bend) is nearest, to an edge
        shapely.Point(v + 3_000.0 * b),                        # 1: a point whose nearest axis point is the bend
        shapely.Polygon([v, v + 800 * b + 300 * n, v + 800 * b - 300 * n]),  # 2: touches the axis at the bend
        shapely.box(*(mid - 300), *(mid + 300)),               # 3: straddles the axis
        shapely.box(*(e - 100), *(e + 100)),                   # 4: beyond the shared Chongqing end
        shapely.Point(e),                                      # 5: a point beyond it
        shapely.Point(*c[-1]),                                 # 6: on the shared end vertex
        shapely.Point(mid + 1_500 * np.array([-(c[3] - c[2])[1], (c[3] - c[2])[0]]) / np.hypot(*(c[3] - c[2]))),
    ], dtype=object)                                           # 7: a point 1.5 km off a segment's middle


@pytest.mark.parametrize("compiled", [True, False])
def test_constructed_cases(axes, compiled):
    coords, lines = axes
    ids = list(lines["corridor_id"])
    jm, jc = ids.index("CY_MAIN"), ids.index("CSY")
    c = coords[jm]
    assert np.array_equal(c[-1], coords[jc][-1])  # the two axes share their Chongqing end vertex
    ud = lambda a: (a[-1] - a[-2]) / np.hypot(*(a[-1] - a[-2]))
    end_dir = ud(c) + ud(coords[jc])
    geoms = _constructed(c, end_dir / np.hypot(*end_dir))
    d, chain, refined = _chainage(geoms, REGION_METRIC, coords, lines, compiled)
    ties = _check_against_geos(geoms, d, chain, lines)
    assert ties == 0
    cum, _ = distance._measures(c)
    length = lines["length_km"].iloc[jm]
    w, _, _ = _bend(c)
    at_bend = length - cum[w] / 1000.0
    # 0, 1: the bend vertex itself (an axis vertex to the slab's edge; the point's foot clamped to it)
    assert chain[0, jm] == at_bend and chain[1, jm] == at_bend
    assert d[0, jm] == pytest.approx(2_000.0, abs=1e-6)
    # 2, 3: the axis reaches them: GEOS decides (distance 0), chainage at the contact
    assert {2, 3} <= set(refined.tolist()) and d[2, jm] == 0.0 and d[3, jm] == 0.0
    assert chain[2, jm] == pytest.approx(at_bend, abs=MM_KM)
    assert not {0, 1, 4, 5, 7} & set(refined.tolist())
    # 4, 5, 6: nearest the shared end vertex on both axes: chainage 0, equal distances
    for i in (4, 5, 6):
        assert abs(chain[i, jm]) < 1e-9 and abs(chain[i, jc]) < 1e-9
        assert d[i, jm] == d[i, jc]
    # 7: the perpendicular foot at the middle of segment 2
    assert chain[7, jm] == pytest.approx(length - (cum[2] + cum[3]) / 2000.0, abs=MM_KM)


def test_a_tie_returns_a_point_at_the_minimum(axes):
    """An edge parallel to the axis: every point of [2, 4] on it is nearest; both paths pick one."""
    line = np.array([[0.0, 0.0], [10.0, 0.0]])
    geoms = np.array([shapely.box(2, 1, 4, 2), shapely.Polygon([(5, 3), (7, 3), (6, 4)])])
    got = [distance.polyline_nearest(geoms, REGION_METRIC, REGION_METRIC, [line], use_compiled=k) for k in (True, False)]
    assert np.array_equal(got[0][1], got[1][1])
    d, along, refined = got[0]
    assert d[:, 0].tolist() == [1.0, 3.0] and len(refined) == 0
    assert 2.0 <= along[0, 0] <= 4.0 and 5.0 <= along[1, 0] <= 7.0
    for i in range(2):
        assert shapely.distance(geoms[i], shapely.Point(along[i, 0], 0.0)) == d[i, 0]


def test_corridor_proximity_chainage_columns(axes, real):
    """The public columns: chainage per axis and of the nearest axis, from the Chongqing end."""
    _, lines = axes
    geoms, metric = real[0][:3000], real[1][:3000]
    res = corridor.corridor_proximity(gpd.GeoDataFrame(geometry=geoms, crs=WGS84))
    ids = list(lines["corridor_id"])
    chain = res[[f"chainage_km_{c}" for c in ids]].to_numpy()
    d = res[[f"dist_km_{c}" for c in ids]].to_numpy() * 1000.0
    assert _check_against_geos(metric, d, chain, lines) <= 3
    k = np.array([ids.index(c) for c in res["nearest_corridor"]])
    assert np.array_equal(res["nearest_chainage_km"].to_numpy(), chain[np.arange(len(res)), k])
    pts = corridor.points_gdf([106.577 + 0.3], [29.557])  # east of the shared Chongqing end
    one = corridor.corridor_proximity(pts)
    assert one["nearest_corridor"].iloc[0] == "CY_MAIN" and abs(one["nearest_chainage_km"].iloc[0]) < 1e-9
