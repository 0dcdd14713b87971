"""The fast exact corridor distances equal GEOS's, value for value, including the hard cases."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from benchmarks.parcels import generate_parcels
from geoplan import corridor, distance
from geoplan.crs import REGION_METRIC, WGS84


def _geos(geoms_wgs84: np.ndarray, lines: list[np.ndarray]) -> np.ndarray:
    tr = Transformer.from_crs(WGS84, REGION_METRIC, always_xy=True)
    m = shapely.transform(geoms_wgs84, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))
    return np.column_stack([shapely.distance(m, shapely.linestrings(lc)) for lc in lines])


@pytest.fixture(scope="module")
def axes():
    lines = corridor.corridor_lines()
    return [shapely.get_coordinates(g) for g in lines.geometry.values], lines


def _hard_cases(axes_lines) -> np.ndarray:
    """Parcels that straddle an axis, sit on a vertex, beyond the shared Chongqing end, holed, multi."""
    lines = axes_lines.to_crs(WGS84)
    main = shapely.get_coordinates(lines.geometry.values[0])
    end = main[-1]  # the Chongqing end, shared by 成渝主轴 and 成遂渝
    mid = (main[2] + main[3]) / 2
    box = lambda x, y, h=0.01: shapely.box(x - h, y - h, x + h, y + h)
    holed = shapely.Polygon(box(end[0] + 0.3, end[1] + 0.2, 0.05).exterior.coords,
                            [box(end[0] + 0.3, end[1] + 0.2, 0.02).exterior.coords])
    return np.array([
        box(*mid),                                   # crossed by the axis: GEOS decides (0)
        box(mid[0], mid[1] + 0.02, 0.002),           # 2 km off the axis: decided without GEOS
        box(*main[3], 0.002),                        # around an axis vertex
        box(end[0] + 0.2, end[1] - 0.1),             # beyond the shared end: a tie between two axes
        shapely.Point(end[0] + 0.5, end[1]),         # a point beyond the end
        shapely.Point(*end),                         # exactly on the shared end vertex
        holed,                                       # a hole: GEOS decides
        shapely.MultiPolygon([box(*mid, 0.005), box(end[0] + 1, end[1] + 1, 0.005)]),
        shapely.Polygon([(mid[0], mid[1] + 0.05), (mid[0] + 0.1, mid[1] + 0.05), (mid[0] + 0.05, mid[1] + 0.06),
                         (mid[0], mid[1] + 0.05)]),  # a sliver triangle
    ], dtype=object)


@pytest.mark.parametrize("compiled", [True, False])
def test_fast_distances_are_bit_identical_to_geos(axes, compiled):
    coords, lines = axes
    parcels = np.asarray(generate_parcels(20_000, seed=7).geometry.values)
    geoms = np.concatenate([parcels, _hard_cases(lines)])
    fast, refined = distance.polyline_distances(geoms, WGS84, REGION_METRIC, coords, use_compiled=compiled)
    exact = _geos(geoms, coords)
    assert np.array_equal(fast, exact)  # every value, to the last bit
    n = len(parcels)
    assert {n + 0, n + 6, n + 7} <= set(refined.tolist())  # crossing, holed and multi-part go to GEOS
    assert n + 1 not in set(refined.tolist()) and n + 3 not in set(refined.tolist())
    assert fast[n + 0].min() == 0.0 and fast[n + 1].min() > 0
    assert len(refined) < 0.02 * len(geoms)


def test_shared_end_vertex_ties_and_nearest_axis(axes):
    coords, lines = axes
    cases = _hard_cases(lines)
    d, _ = distance.polyline_distances(cases, WGS84, REGION_METRIC, coords)
    ids = list(lines["corridor_id"])
    j_main, j_csy = ids.index("CY_MAIN"), ids.index("CSY")
    assert d[5, j_main] == 0.0 and d[5, j_csy] == 0.0  # on the shared vertex
    assert d[4, j_main] == d[4, j_csy]  # beyond it: both distances are to that one vertex
    gdf = corridor.points_gdf([shapely.get_x(cases[4])], [shapely.get_y(cases[4])])
    assert corridor.axis_distances(gdf)["nearest_corridor"].iloc[0] == ids[min(j_main, j_csy)]  # first wins


def test_metric_input_is_not_reprojected(axes):
    coords, _ = axes
    sq = shapely.box(500_000, 3_300_000, 500_100, 3_300_100)
    d, refined = distance.polyline_distances(np.array([sq]), REGION_METRIC, REGION_METRIC, coords)
    assert np.array_equal(d[0], [shapely.distance(sq, shapely.linestrings(c)) for c in coords])
