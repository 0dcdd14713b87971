"""The intensity page's bureau uploads in a real browser (Debian's Chromium via Playwright).

One app server for the module. Uploads go through the page's file_uploader input (set_input_files):
a GBK CSV with bureau headers, an XLSX with a title row and a unit row, a file with no metric column
(refused with the columns found and expected), a mixed file (partially accepted; the rejection list
downloads as CSV with the reasons in the UI language) and an ambiguous column mapped in the page; then
an actual figure entered on the targets page lands in the workspace store.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd
import pytest
from appserver import CHROMIUM, CHROMIUM_ARGS, AppServer
from test_browser import SHOTS, _goto_page, _need_browser, _settle

from geoplan import store as gstore

pytestmark = pytest.mark.browser
FIX = Path(__file__).parent / "fixtures"
ALERT = "[data-testid='stAlert']"


@pytest.fixture(scope="module")
def intensity_page():
    _need_browser()
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with AppServer() as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
        page.set_default_timeout(60_000)
        page.goto(server.url)
        page.get_by_role("heading", name="产业地图").wait_for(timeout=90_000)
        _goto_page(page, "亩均效益")
        yield page
        browser.close()


def _upload(page, path: Path) -> None:
    page.locator("input[type='file']").first.set_input_files(str(path))
    page.get_by_text(path.name, exact=False).first.wait_for(timeout=60_000)
    page.wait_for_timeout(800)
    _settle(page)


def _alerts(page) -> str:
    return " ".join(page.locator(ALERT).all_inner_texts())


def test_gbk_csv_and_title_row_xlsx_are_accepted(intensity_page):
    page = intensity_page
    _upload(page, FIX / "intensity_gbk.csv")
    page.get_by_text("当前数据：上传文件 (intensity_gbk.csv)").wait_for()
    assert "上传文件有误" not in _alerts(page)
    _upload(page, FIX / "intensity_title_row.xlsx")
    page.get_by_text("当前数据：上传文件 (intensity_title_row.xlsx)").wait_for()
    assert "上传文件有误" not in _alerts(page)
    page.screenshot(path=str(SHOTS / "intensity_title_row.png"))


def test_no_metric_column_is_refused_with_found_and_expected(intensity_page):
    page = intensity_page
    _upload(page, FIX / "intensity_no_metric.csv")
    page.get_by_text("未被接受", exact=False).first.wait_for()
    msg = _alerts(page)
    assert "intensity_no_metric.csv" in msg and "地址" in msg and "联系人" in msg and "需要" in msg
    assert "/tmp" not in msg and "--" not in msg
    page.get_by_text("当前数据：铜梁规划项目", exact=False).first.wait_for()  # falls back to the default data


def test_mixed_file_rejection_list_downloads_in_chinese(intensity_page):
    page = intensity_page
    _upload(page, FIX / "intensity_mixed.csv")
    page.get_by_text("2 行被拒绝", exact=False).first.wait_for()
    with page.expect_download() as dl:
        page.get_by_role("button", name="下载被拒绝的行（CSV）").click()
    got = pd.read_csv(io.BytesIO(Path(dl.value.path()).read_bytes()), encoding="utf-8-sig")
    assert got.columns.tolist() == ["行号", "编号", "原因"]
    assert got["行号"].tolist() == [2, 4] and got["编号"].tolist() == ["坏1", "坏2"]
    assert got["原因"].tolist() == ["「用地面积(亩)」不是数字", "「用地面积(亩)」用地面积必须大于 0"]
    page.screenshot(path=str(SHOTS / "intensity_mixed.png"))


def test_ambiguous_column_mapped_in_the_page(intensity_page, tmp_path):
    page = intensity_page
    csv = tmp_path / "revenue_only.csv"
    csv.write_text("企业名称,用地面积(亩),营业收入\n甲,10,5000\n乙,20,8000\n", encoding="utf-8")
    _upload(page, csv)
    page.get_by_text("表头未注明单位", exact=False).first.wait_for()
    assert "未被接受" in _alerts(page)
    page.get_by_role("combobox", name="「营业收入」应为： (表头未注明单位)").click()
    page.get_by_role("option", name="营业收入（万元）").click()
    _settle(page)
    page.get_by_text("当前数据：上传文件 (revenue_only.csv)").wait_for()
    assert "未被接受" not in _alerts(page)


def test_targets_entry_form_saves_to_the_workspace(intensity_page):
    page = intensity_page
    _goto_page(page, "规划目标跟踪")
    page.get_by_role("combobox", name="指标").click()
    page.get_by_role("option", name="园区规模工业用地产出强度 (亿元/平方公里)").click()
    page.get_by_role("spinbutton", name="年份", exact=True).fill("2021")
    page.get_by_role("spinbutton", name="实际值", exact=True).fill("88.8")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存：园区规模工业用地产出强度", exact=False).first.wait_for()
    _settle(page)
    actuals = gstore.open_store(os.environ["GEOPLAN_WORKSPACE"]).actuals()
    got = actuals[(actuals["indicator"] == "park_output_intensity") & (actuals["year"] == 2021)]
    assert got["value"].tolist() == [88.8] and got["unit"].tolist() == ["亿元/平方公里"]
    page.screenshot(path=str(SHOTS / "targets_entry.png"))
