"""AppTest: bureau uploads on the intensity page (mapping, refusal, partial acceptance) and the targets page."""

from __future__ import annotations

from pathlib import Path

from appserver import ROOT
from streamlit.testing.v1 import AppTest

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
    assert "intensity_mixed.csv" in warn and "2" in warn
    rejected = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert rejected["row"].tolist() == [2, 4]
    assert any(b.label == t("download_rejected", "zh") for b in at.get("download_button"))


def test_gbk_csv_mapped_and_jiangjin_scored():
    at = _upload(_app("page_intensity"), "intensity_gbk.csv")
    assert not at.error
    at.selectbox(key="int_method").set_value("jiangjin_2022").run()
    scored = next(d.value for d in at.dataframe if "composite_score" in d.value.columns)
    assert scored["composite_score"].round(6).tolist()[:3] == [100.0, 40.0, 80.0]


def test_title_row_xlsx_accepted():
    at = _upload(_app("page_intensity"), "intensity_title_row.xlsx")
    assert not at.error, [e.value for e in at.error]
    assert t("using_upload", "zh") in " ".join(c.value for c in at.caption)


def test_ambiguous_column_mapping_step():
    data = "企业名称,用地面积(亩),营业收入\n甲,10,5000\n乙,20,8000\n".encode()
    at = _upload(_app("page_intensity"), "rev.csv", data)
    assert any(t("upload_error", "zh") in e.value for e in at.error)  # only 营业收入, unit unknown: refused
    at.selectbox(key="int_map_col_0").set_value("revenue_wan").run()
    assert not at.exception and not at.error


def test_targets_page_status():
    at = _app("page_targets")
    csv = b"indicator,year,value,unit\nrd_share_pct,2023,1.6,%\nrd_share_pct,2024,1.7,%\n"
    at.file_uploader(key="tgt_upload").set_value(("actuals.csv", csv, "text/csv")).run()
    assert not at.exception and not at.error
    tbl = at.dataframe[0].value
    assert "🟢" in tbl.set_index(column_label("indicator_zh", "zh")).loc["研发投入强度", column_label("status", "zh")]
