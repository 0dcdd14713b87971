"""geoplan.maps: folium maps from the layer specs — escaping, symbols, payload, display datum."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geoplan import maps
from geoplan.crs import WGS84
from geoplan.data import catalog
from geoplan.errors import InputError
from geoplan.i18n import LABELS, t

EVIL = '<script>alert(1)</script><img src=x onerror=alert(2)>`${x}`\\'


@pytest.fixture(scope="module")
def frames():
    return maps.layers.default_frames()


def test_esc_neutralises_html_and_template_literals():
    s = maps.esc(EVIL)
    assert "<" not in s and ">" not in s and "`" not in s and "${" not in s and "\\" not in s
    assert maps.esc(None) == "" and maps.esc(float("nan")) == ""
    assert maps.esc("重庆 & 两江") == "重庆 &amp; 两江"


def test_industry_map_no_tiles_local_leaflet_and_payload(frames):
    m, _legend = maps.industry_map(**frames, lang="zh", tiles="none")
    html = m.get_root().render()
    # offline: no tile layer and no CDN script or stylesheet
    assert "L.tileLayer" not in html
    srcs = set(re.findall(r'(?:src|href)="([^"]+)"', html))
    assert srcs == {maps.base.LOCAL_LEAFLET_JS, maps.base.LOCAL_LEAFLET_CSS}
    assert len(html.encode()) < 1.5 * 1024 * 1024
    # every district and every park is in the map, parks by tier symbol
    assert html.count('"adcode"') >= len(frames["districts"])
    n_parks = len(frames["parks"])
    assert n_parks >= 48
    assert "geoplan-park" in html


def test_approximate_parks_are_hollow_and_noted(frames):
    parks = frames["parks"]
    spec = frames["specs"]["parks"]
    icons = maps.park_icons(parks, spec)
    assert len(icons) == len(parks)
    seat = (parks["location_precision"] == "district_seat").to_numpy()
    hollow = np.array(['fill="none"' in i["html"] and "stroke-dasharray" in i["html"] for i in icons])
    assert seat.any() and (hollow == seat).all()
    # tier symbols differ: the two flagship platforms are stars, the 36 are circles
    tiers = parks["tier"].to_numpy()
    assert all("<polygon" in i["html"] for i, tr in zip(icons, tiers) if tr == "2")
    assert all("<circle" in i["html"] for i, tr in zip(icons, tiers) if tr == "36")
    m = maps.base_map()
    maps.add_parks(m, parks, spec, "en", assignments=frames["assignments"])
    html = m.get_root().render()
    assert maps.precision_label("district_seat", "en") in html  # tooltip says it is approximate


def test_park_popup_cites_plan_sentence_and_plan_title(frames):
    a = frames["assignments"]
    row = a[a["place_type"] == "park"].iloc[0]
    park = frames["parks"].set_index("park_id").loc[row["place_id"]].to_dict()
    park["park_id"] = row["place_id"]
    rows = a[(a["place_type"] == "park") & (a["place_id"] == row["place_id"])]
    html = maps.park_popup(park, rows, "zh")
    # issue 11: a reader sees the plan's title (+ 专栏), never the seed file name (exports keep file + line)
    assert row["source"] not in html and "shared/seeds" not in html and "http" not in html
    assert "《重庆市战略性新兴产业发展“十四五”规划》" in html  # first park row: 003 L44 (西永实验室)
    assert maps.esc(maps.popups._short(row["evidence_zh"])) in html
    assert maps.esc(park["name_zh"]) in html


def test_user_text_is_escaped_in_popups_and_tooltips(frames):
    parks = frames["parks"].head(3).copy()
    parks["name_zh"] = EVIL
    rows = pd.DataFrame({"industry_zh": [EVIL], "role_zh": [EVIL], "evidence_zh": [EVIL], "source": [EVIL],
                         "source_line": [3], "place_type": ["park"], "place_id": [parks["park_id"].iloc[0]],
                         "strength": ["lead"]})
    m = maps.base_map()
    maps.add_parks(m, parks, frames["specs"]["parks"], "zh", assignments=rows)
    pts = gpd.GeoDataFrame({"name_zh": [EVIL], "v": [1.0]}, geometry=[shapely.Point(106.5, 29.5)], crs=WGS84)
    m2, _ = maps.choropleth_map(pts, "v", k=1, unit=EVIL)
    for html in (m.get_root().render(), m2.get_root().render()):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html or "\\u0026lt;script\\u0026gt;" in html


def test_amap_display_shifts_to_gcj02_only_for_amap(frames):
    d = frames["parks"].head(5)
    assert maps.to_display(d, "none") is d and maps.to_display(d, "osm") is d
    shifted = maps.to_display(d, "amap")
    dx = shapely.get_coordinates(shifted.geometry.to_numpy()) - shapely.get_coordinates(d.geometry.to_numpy())
    # GCJ-02 offset in Chongqing is a few hundred metres: ~0.002–0.01 degrees
    assert np.all(np.abs(dx) > 1e-4) and np.all(np.abs(dx) < 0.02)
    m = maps.base_map("amap")
    assert "autonavi" in m.get_root().render()


def test_tianditu_needs_a_key():
    with pytest.raises(ValueError, match="TIANDITU_KEY"):
        maps.base_map("tianditu")
    html = maps.base_map("tianditu", tianditu_key="abc").get_root().render()
    assert "tianditu.gov.cn" in html and "tk=abc" in html


def test_classify_and_legend_units():
    vals = pd.Series([1.0, 2.0, 3.0, 10.0, 20.0, np.nan])
    bins, idx = maps.classify(vals, "Quantiles", 3)
    assert len(bins) == 3 and idx[-1] == -1 and set(idx[:-1]) <= {0, 1, 2}
    assert bins[-1] == pytest.approx(20.0)
    sec = maps.class_legend(bins, vals, "亩均产值", "万元/亩", "zh")
    assert sec["title"] == "亩均产值 (万元/亩)"
    assert all("万元/亩" in label for _, label in sec["items"][:3])
    fill, _ = maps.value_fill(vals, scheme="EqualInterval", k=4)
    assert fill.iloc[-1] == maps.NO_DATA and fill.iloc[0] != fill.iloc[4]


def test_sector_counts_follow_parks_to_host_districts(frames):
    ind = catalog.industries()
    a = frames["assignments"]
    sector = ind.loc[ind["kind"] == "sector", "industry_id"].iloc[0]
    counts = maps.sector_counts(a, ind, frames["parks"], sector)
    sec_of = ind.set_index("industry_id")["sector_id"]
    direct = a[(a["industry_id"].map(sec_of) == sector) & a["place_type"].isin(["district", "park"])]
    assert counts.sum() == len(direct)
    assert set(counts.index) <= set(frames["districts"]["adcode"])


def test_band_polygons_nest_outwards(frames):
    bands = maps.band_polygons(frames["corridors"], (10.0, 30.0))
    assert list(bands["band_km"]) == [10.0, 30.0]
    a = bands.to_crs(3857).area.to_numpy()
    assert a[0] > 0 and a[1] > a[0]
    assert not shapely.intersects(bands.geometry.iloc[0].buffer(-0.001), bands.geometry.iloc[1]).item()


def test_labels_cover_precision_values(frames):
    for v in frames["parks"]["location_precision"].unique():
        assert f"prec_{v}" in LABELS
    assert t("legend", "en") == "Legend"


def test_highlight_group_draws_direct_places_strongly(frames):
    from geoplan.data import taxonomy

    rows = taxonomy.places_for_industry(taxonomy.resolve_industry("集成电路"))
    assert {"direct"} < set(rows["relation"])  # related rows too
    fg = maps.highlight_group(districts=frames["districts"], parks=frames["parks"], regions=None,
                              place_rows=rows, lang="zh")
    m = maps.base_map()
    fg.add_to(m)
    html = m.get_root().render()
    direct_parks = set(rows.loc[(rows["relation"] == "direct") & (rows["place_type"] == "park"), "place_id"])
    related_parks = set(rows.loc[(rows["relation"] != "direct") & (rows["place_type"] == "park"), "place_id"])
    assert html.count('"weight": 4') == len(direct_parks)
    assert html.count('"dashArray": "4 3"') == len(related_parks - direct_parks)


def test_popups_show_the_spec_fields_in_the_chosen_language(frames):
    spec = frames["specs"]["parks"]
    park = frames["parks"].iloc[0].drop(labels="geometry").to_dict()
    labels = {f["name"]: f for f in spec["fields"]}
    for lang in ("zh", "en"):
        html = maps.park_popup(park, None, lang, fields=spec["fields"])
        assert maps.esc(labels["membership_confidence"][lang]) in html
        assert maps.esc(maps.precision_label(park["location_precision"], lang)) in html
    d = frames["districts"].iloc[0].drop(labels="geometry").to_dict()
    html = maps.district_popup(d, None, "en", frames["specs"]["districts"]["fields"])
    assert "Area (km²)" in html and f"{d['area_km2']:,.0f}" in html


def test_inline_assets_make_a_standalone_offline_page_and_static_url_is_a_parameter():
    html = maps.base_map(assets="inline").get_root().render()
    assert not re.findall(r'<(?:script|link|img)[^>]*(?:src|href)="([^"]+)"', html)  # nothing to fetch
    assert "L.map" in html and "leaflet" in html.lower()
    other = maps.base_map(static_url="/geoplan/static").get_root().render()
    assert '/geoplan/static/leaflet/leaflet.js' in other and "/app/static" not in other
    with pytest.raises(InputError):
        maps.base_map(assets="bogus")
