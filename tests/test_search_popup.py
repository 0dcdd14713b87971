"""The searched place's card on the map (geoplan.maps.search.search_popup_group): one ring on the place,
the same popup HTML a click shows, opened only once the group is on the map (the browser side is in
tests/test_maps_browser.py::test_search_zooms_to_the_park_and_opens_its_card)."""

from __future__ import annotations

import csv
import json
import re

import folium
import pytest
import shapely

from geoplan.data import catalog
from geoplan.data import layers as gl
from geoplan.maps.search import search_popup_group
from geoplan.paths import data_dir


@pytest.fixture(scope="module")
def frames():
    return {"districts": gl.load_layer("districts", display=True), "parks": gl.load_layer("parks"),
            "assignments": catalog.assignments(), "specs": {i: gl.layer_spec(i) for i in ("districts", "parks")}}


def _script(fg: folium.FeatureGroup) -> str:
    m = folium.Map()
    fg.add_to(m)
    return m.get_root().render()


def _park_row(park_id: str) -> dict:
    with open(data_dir() / "parks.csv", encoding="utf-8") as fh:
        return next(r for r in csv.DictReader(fh) if r["park_id"] == park_id)


def test_park_ring_at_its_csv_point_with_its_card(frames):
    row = _park_row("yongchuan_gaoxin")
    fg = search_popup_group("park", "yongchuan_gaoxin", lang="zh", **frames)
    rings = [c for c in fg._children.values() if isinstance(c, folium.CircleMarker)]
    assert len(rings) == 1
    assert rings[0].location == [round(float(row["lat"]), 5), round(float(row["lon"]), 5)]
    html = _script(fg)
    bound = re.search(r"\.bindPopup\((\".*?\"), (\{.*?\})\);", html, re.S)
    assert bound, "the popup is bound as an HTML string (no jQuery on the offline map)"
    card, opts = json.loads(bound.group(1)), json.loads(bound.group(2))
    assert card.startswith("<div class=gp><h4>永川高新技术产业开发区</h4>")
    assert opts["maxHeight"] == 380 and opts["autoPanPaddingTopLeft"] == [60, 110]
    # opened on "add" (openPopup before the group is on the map does nothing in Leaflet)
    assert html.index(".bindPopup(") < html.index('.on("add"') and "openPopup()" in html
    assert "$(`" not in html


def test_english_card_and_district_ring_inside_the_district(frames):
    d = frames["districts"]
    wz = d[d["name_zh"] == "万州区"].iloc[0]
    fg = search_popup_group("district", str(int(wz["adcode"])), lang="en", **frames)
    ring = next(c for c in fg._children.values() if isinstance(c, folium.CircleMarker))
    lat, lon = ring.location
    assert shapely.contains_xy(wz.geometry, lon, lat)
    card = json.loads(re.search(r"\.bindPopup\((\".*?\"),", _script(fg), re.S).group(1))
    assert card.startswith(f"<div class=gp><h4>{wz['name_en']}</h4>")


def test_unknown_place_gives_an_empty_group(frames):
    assert not search_popup_group("park", "no_such_park", lang="zh", **frames)._children
    assert not search_popup_group("district", "999999", lang="zh", **frames)._children
