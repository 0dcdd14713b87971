"""AppTest: bureau uploads on the intensity page (mapping, refusal, partial acceptance) and the targets page."""

from __future__ import annotations

from pathlib import Path

import pytest
from appserver import ROOT
from streamlit.testing.v1 import AppTest

from geoplan import store as gstore
from geoplan.i18n import column_label, t

APP = str(ROOT / "app.py")
FIX = Path(__file__).parent / "fixtures"


def _app(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.sidebar.radio(key="page").set_value(page).run()
    assert not at.exception, at.exception
    return at


def _upload(at: AppTest, name: str, data: bytes | None = None) -> AppTest:
    data = (FIX / name).read_bytes() if data is None else data
    at.file_uploader(key="int_upload").set_value((name, data, "application/octet-stream")).run()
    assert not at.exception, at.exception
    return at


def test_default_view_is_project_level():
    at = _app("page_intensity")
    assert at.selectbox(key="int_level").value == "project"
    assert "district" not in at.selectbox(key="int_level").options  # one district only: not offered


def test_no_metric_column_is_refused_naming_the_file():
    at = _upload(_app("page_intensity"), "intensity_no_metric.csv")
    msg = " ".join(e.value for e in at.error)
    assert "intensity_no_metric.csv" in msg and "地址" in msg and "联系人" in msg and "需要" in msg
    assert "/tmp" not in msg and "--" not in msg


def test_mixed_file_partially_accepted_with_download():
    at = _upload(_app("page_intensity"), "intensity_mixed.csv")
    warn = " ".join(w.value for w in at.warning)
    assert "intensity_mixed.csv" in warn and "2 行被拒绝" in warn
    rejected = next(d.value for d in at.dataframe if "原因" in d.value.columns)
    assert rejected["行号"].tolist() == [2, 4]
    assert rejected["原因"].tolist() == ["「用地面积(亩)」不是数字", "「用地面积(亩)」用地面积必须大于 0"]
    assert any(b.label == t("download_rejected", "zh") for b in at.get("download_button"))
    at.sidebar.radio(key="lang").set_value("en").run()  # the same upload, reasons in English
    assert not at.exception, at.exception
    rejected = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert rejected["reason"].tolist() == ["'用地面积(亩)' is not a number", "'用地面积(亩)': land area must be > 0"]
    assert any(b.label == t("download_rejected", "en") for b in at.get("download_button"))


def test_multiyear_upload_trend():
    at = _upload(_app("page_intensity"), "intensity_multiyear.csv")
    assert not at.error, [e.value for e in at.error]
    assert t("trend", "zh") in [h.value for h in at.subheader]
    change = t("intensity_trend_change", "zh")
    tables = [d.value for d in at.dataframe if change in d.value.columns]
    ent = next(x for x in tables if "name_zh" in x.columns).set_index("name_zh")
    park = next(x for x in tables if "park_zh" in x.columns).set_index("park_zh")
    # 甲: 500 → 720 (+44 %); 乙: 300 → 400 (+33.3 %); A园 Σ/Σ 350 → 480 (+37.14 %)
    assert ent.loc["甲", change] == pytest.approx(44.0) and ent.loc["乙", change] == pytest.approx(100 / 3)
    assert park.loc["A园", change] == pytest.approx((480 / 350 - 1) * 100)
    assert len(at.get("vega_lite_chart")) >= 2


def test_gbk_csv_mapped_and_jiangjin_scored_then_title_row_xlsx():
    at = _upload(_app("page_intensity"), "intensity_gbk.csv")
    assert not at.error
    at.selectbox(key="int_method").set_value("jiangjin_2022").run()
    score = column_label("composite_score", "zh")
    scored = next(d.value for d in at.dataframe if score in d.value.columns)
    assert scored[score].round(6).tolist()[:3] == [100.0, 40.0, 80.0]
    # the same session, another upload: an XLSX with a title row and a unit row (平方米, 亿元)
    _upload(at, "intensity_title_row.xlsx")
    assert not at.error, [e.value for e in at.error]
    assert t("using_upload", "zh") + " (intensity_title_row.xlsx)" in " ".join(c.value for c in at.caption)
    opm, grade = column_label("output_per_mu", "zh"), column_label("grade", "zh")
    rows = next(d.value for d in at.dataframe if opm in d.value.columns and grade in d.value.columns)
    assert rows[opm].iloc[0] == pytest.approx(666.0, rel=1e-5)  # 0.666 亿元 / 10 亩


def test_ambiguous_column_mapping_step():
    data = "企业名称,用地面积(亩),营业收入\n甲,10,5000\n乙,20,8000\n".encode()
    at = _upload(_app("page_intensity"), "rev.csv", data)
    assert any(t("upload_error", "zh") in e.value for e in at.error)  # only 营业收入, unit unknown: refused
    box = at.selectbox(key="int_map_col_0")
    assert "营业收入" in box.label and "表头未注明单位" in box.label
    assert "营业收入（万元）" in box.options and "（忽略此列）" in box.options
    box.set_value("revenue_wan").run()
    assert not at.exception and not at.error


def test_targets_page_entry_stored_and_status(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOPLAN_WORKSPACE", str(tmp_path / "ws.gpkg"))
    monkeypatch.delenv("GEOPLAN_STORE", raising=False)
    at = _app("page_targets")
    assert len(at.get("vega_lite_chart")) >= 3  # a chart per indicator with targets, before any actual
    for year, value in ((2022, 37.0), (2023, 38.0)):
        at.selectbox(key="tgt_ind").set_value("labour_productivity")
        at.number_input(key="tgt_year").set_value(year)
        at.number_input(key="tgt_value").set_value(value)
        at.button[0].click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
    stored = gstore.open_store(tmp_path / "ws.gpkg").actuals()
    assert sorted(zip(stored["year"], stored["value"])) == [(2022, 37.0), (2023, 38.0)]
    tbl = at.dataframe[0].value
    lp = tbl[tbl["指标"] == "全员劳动生产率"].set_index("目标年份")
    # 2027 target 50 from 37 (2022) → path 2023 = 37·(50/37)^(1/5) = 39.30; 38 ≥ 0.9·39.30 → amber
    assert "🟡" in lp.loc[2027, "状态"] and float(lp.loc[2027, "所需年均增速(%)"]) == pytest.approx(7.102, abs=1e-3)
    # an indicator without actual figures reads 未知 (unknown), never None or 0
    assert set(tbl.loc[tbl["指标"] == "研发投入强度", "实际值"]) == {"未知"}
    csv = b"indicator,year,value,unit\nrd_share_pct,2023,1.6,%\nrd_share_pct,2024,1.7,%\n"
    at.file_uploader(key="tgt_upload").set_value(("actuals.csv", csv, "text/csv")).run()
    assert not at.exception and not at.error
    tbl = at.dataframe[0].value
    assert "🟢" in tbl.set_index("指标").loc["研发投入强度", "状态"]
    at.sidebar.radio(key="lang").set_value("en").run()  # the same table with English headers and statuses
    assert not at.exception
    tbl = at.dataframe[0].value
    lp = tbl[(tbl["indicator"] == "labour productivity") & (tbl["target year"].astype(str) == "2027")]
    assert lp["status"].iloc[0] == "🟡 amber" and at.button[0].label == "Save"
