"""Escaping checked on *decoded* map data (issue 18): folium JSON-escapes ``<`` as ``\\u003c`` in the
HTML, so a grep of the page cannot see whether geoplan escaped a name. These tests decode the GeoJSON
properties that Leaflet turns into tooltip and popup HTML, and fail when ``esc()`` is removed."""

from __future__ import annotations

import folium
import pandas as pd
import pytest

from geoplan import maps
from geoplan.data import catalog, layers

EVIL = '<script>alert(1)</script><img src=x onerror=alert(2)>'


def _geojson_props(m: folium.Map) -> list[dict]:
    out = []
    stack = [m]
    while stack:
        obj = stack.pop()
        if isinstance(obj, folium.GeoJson):
            data = obj.data if isinstance(obj.data, dict) else {}
            out += [f.get("properties", {}) for f in data.get("features", [])]
        stack.extend(getattr(obj, "_children", {}).values())
    return out


@pytest.fixture(scope="module")
def parks():
    return layers.load_layer("parks").head(3).copy()


def test_park_tooltip_name_is_escaped_in_the_geojson(parks):
    parks = parks.copy()
    parks["name_zh"] = EVIL
    m = maps.base_map()
    maps.add_parks(m, parks, layers.layer_spec("parks"), "zh", popups=False)
    names = [p["name"] for p in _geojson_props(m) if "name" in p]
    assert names and all("<script>" not in n and "<img" not in n for n in names)
    assert all(n.startswith("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img") for n in names)


def test_popup_evidence_is_escaped_in_the_geojson(parks):
    pid = parks["park_id"].iloc[0]
    rows = pd.DataFrame({"industry_zh": ["汽车"], "role_zh": ["主导"], "evidence_zh": [EVIL], "source": [EVIL + "000_a.txt"],
                         "source_line": [3], "place_type": ["park"], "place_id": [pid], "strength": ["lead"]})
    m = maps.base_map()
    maps.add_parks(m, parks, layers.layer_spec("parks"), "zh", assignments=rows)
    pops = [p["_popup"] for p in _geojson_props(m) if "_popup" in p]
    assert pops
    hit = [p for p in pops if "alert(1)" in p]
    assert hit, "the evidence did not reach the popup"
    for p in hit:
        assert "<script>" not in p and "<img src=x" not in p
        assert p.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 1  # the evidence (escaped)
        assert "000_a.txt" not in p  # popups cite plans by title, never by seed-file name (issue 11)
    # the popup's own markup stays markup: only the user text is escaped
    assert "<q>" in hit[0] and "<li>" in hit[0]


def test_district_tooltips_escaped_in_the_geojson():
    d = layers.load_layer("districts", display=True).head(2).copy()
    d["name_zh"] = EVIL
    m = maps.base_map()
    maps.add_districts(m, d, layers.layer_spec("districts"), "zh", assignments=catalog.assignments())
    names = [p["name"] for p in _geojson_props(m) if "name" in p]
    assert names and all("<script>" not in n for n in names) and any("&lt;script&gt;" in n for n in names)
