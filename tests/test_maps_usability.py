"""Map usability in geoplan.maps: place search, view for bounds, filter extent, labels, measure, popups."""

from __future__ import annotations

import math

import pytest

import geoplan as gp
from geoplan import maps
from geoplan.data import taxonomy


@pytest.fixture(scope="module")
def idx():
    return maps.place_index()


def test_index_holds_every_park_and_district(idx):
    assert (idx["place_type"] == "district").sum() == 38
    assert (idx["place_type"] == "park").sum() == len(gp.load_layer("parks"))


@pytest.mark.parametrize(("query", "place"), [
    ("永川", ("district", "500118")),            # 中文 without 区
    ("永川区", ("district", "500118")),
    ("Yongchuan", ("district", "500118")),        # English = pinyin for the districts
    ("yong chuan", ("district", "500118")),       # spaces ignored
    ("liangjiang", ("park", "liangjiang")),       # park id / pinyin
    ("两江新区", ("park", "liangjiang")),          # park name without 重庆
    ("重庆两江新区", ("park", "liangjiang")),
])
def test_search_finds_the_place_first(idx, query, place):
    hit = maps.search_places(query, idx).iloc[0]
    assert (hit["place_type"], hit["place_id"]) == place


def test_search_without_match_is_empty(idx):
    assert maps.search_places("zzzz-not-a-place", idx).empty
    assert maps.search_places("  ", idx).empty


def test_view_for_bounds_follows_leaflet_fit_bounds():
    # hand computed: 1° × 1° at 29–30° N in 820 × 640 px (40 px padding). Width: 256·2^z/360 px per degree
    # → z ≤ log2(820·360/256) = 10.17; height: Mercator 29→30° N is 0.02508 rad of 2π → z ≤ 9.61; zoom 9
    (lat, lon), z = maps.view_for_bounds((106.0, 29.0, 107.0, 30.0), 900, 720)
    assert z == 9 and lon == 106.5
    assert 29.5 < lat < 29.51  # the Mercator middle lies north of the arithmetic one
    # a single point: the cap
    assert maps.view_for_bounds((106.5, 29.5, 106.5, 29.5))[1] == maps.search.MAX_ZOOM
    # the whole municipality (105.3–110.2° E, 28.2–32.2° N) in 900 × 720: zoom 7 (8 would need 1254 px wide)
    assert maps.view_for_bounds((105.28, 28.16, 110.19, 32.2), 900, 720)[1] == 7


def test_filter_extent_covers_every_lit_place():
    d, p = gp.load_layer("districts"), gp.load_layer("parks")
    rows = taxonomy.places_for_industry(taxonomy.resolve_industry("新能源汽车"))
    x0, y0, x1, y1 = maps.highlight_bounds(districts=d, parks=p, regions=None, place_rows=rows)
    lit = p[p["park_id"].isin(rows.loc[rows["place_type"] == "park", "place_id"])]
    assert len(lit) > 0
    assert (lit.geometry.x >= x0).all() and (lit.geometry.x <= x1).all()
    assert (lit.geometry.y >= y0).all() and (lit.geometry.y <= y1).all()
    assert maps.highlight_bounds(districts=d, parks=p, regions=None, place_rows=rows.iloc[0:0]) is None


def test_map_carries_labels_measure_spread_and_bounded_popups():
    m, legend = gp.industry_map(lang="zh", show=("districts", "parks"))
    html = m.get_root().render()
    assert "geoplan-label-district" in html and "geoplan-label-park" in html
    assert "geoplan-measure" in html and "gpSpread" in html
    assert '"maxHeight": 380' in html and '"autoPanPaddingTopLeft"' in html
    assert "cdn" not in html.lower()  # nothing fetched at run time
    labels = maps.label_points(gp.load_layer("districts", display=True), "zh")
    assert len(labels) == 38 and all(28 < la < 33 and 105 < lo < 111 for la, lo, _ in labels)


def test_highlight_colour_is_in_the_legend():
    _, legend = gp.industry_map(lang="en", show=("districts",), extra_legend=[maps.highlight_legend("en")])
    assert maps.HIGHLIGHT in legend and "Filter result" in legend
    assert "white-space:nowrap" not in legend  # long labels wrap inside the box


def test_measure_total_is_leaflet_great_circle():
    # the JS sums L.LatLng.distanceTo (haversine, R = 6 371 000 m); pin the constant it relies on
    from pyproj import Geod

    g = Geod(ellps="WGS84")
    _, _, d = g.inv(106.55, 29.56, 105.93, 29.35)  # 渝中 → 永川, about 64 km
    hav = 2 * 6371000 * math.asin(math.sqrt(math.sin(math.radians(29.35 - 29.56) / 2) ** 2 + math.cos(
        math.radians(29.56)) * math.cos(math.radians(29.35)) * math.sin(math.radians(105.93 - 106.55) / 2) ** 2))
    assert abs(hav - d) / d < 0.005
