"""Map usability and the brief in Debian's Chromium (Playwright), one app server for the module:
search → zoom → card, filter → zoom to results, popups inside the map, crowded markers clickable,
compare three places, the 招商 brief PDF downloaded from the site-selection page."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import docx
import pytest
from appserver import CHROMIUM, CHROMIUM_ARGS, ROOT, AppServer
from test_browser import FRAME_SEL, _goto_page, _map_frame, _need_browser, _settle

from geoplan.data import catalog

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("GEOPLAN_TEST_OUTPUT", ROOT / "test-output")) / "screenshots"

MAP_STATE = """() => { const k = Object.keys(window).find(k => k.startsWith('map_') && window[k].getZoom);
  const m = window[k]; const c = m.getCenter(); return {zoom: m.getZoom(), lat: c.lat, lng: c.lng}; }"""

SET_VIEW = """() => {{ const k = Object.keys(window).find(k => k.startsWith('map_') && window[k].getZoom);
  window[k].setView([{lat}, {lon}], {zoom}, {{animate: false}}); }}"""


@pytest.fixture(scope="module")
def app():
    _need_browser()
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with AppServer() as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1500, "height": 1200}, accept_downloads=True)
        # 1200 px: the 720 px map fits without scrolling the page (Playwright clicks inside a scrolled
        # iframe land off target)
        page.set_default_timeout(60_000)
        page.goto(server.url)
        page.get_by_role("heading", name="产业地图").wait_for(timeout=90_000)
        _settle(page)
        yield server, page
        browser.close()


def _frame(page):
    """The map's iframe as a Frame (evaluate, wait_for_function), once its park markers are drawn."""
    _map_frame(page).locator(".geoplan-park").first.wait_for(timeout=60_000)
    return page.locator(FRAME_SEL).first.element_handle().content_frame()


def _wait_view(frame, pred: str, timeout: int = 30_000) -> dict:
    frame.wait_for_function(f"() => {{ const s = ({MAP_STATE})(); return {pred}; }}", timeout=timeout)
    return frame.evaluate(MAP_STATE)


def _box_inside(inner: dict, outer: dict, tol: float = 1.0) -> bool:
    return (inner["x"] >= outer["x"] - tol and inner["y"] >= outer["y"] - tol
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + tol
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + tol)


def _overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def test_search_zooms_to_the_park_and_opens_its_card(app):
    server, page = app
    frame = _frame(page)
    assert frame.evaluate(MAP_STATE)["zoom"] == 7  # the whole municipality first
    page.get_by_label("查找园区或区县", exact=False).fill("永川")
    page.keyboard.press("Enter")
    _settle(page)
    # several matches (the district and its parks): pick the hi-tech zone
    page.get_by_label("匹配结果").click()
    page.get_by_role("option", name="永川高新技术产业开发区", exact=False).click()
    _settle(page)
    frame = _frame(page)
    s = _wait_view(frame, "s.zoom >= 11")
    # its card opens on the map as well (the same popup as a click on its marker)
    popup = frame.locator(".leaflet-popup-content h4")
    popup.wait_for(timeout=30_000)
    assert popup.inner_text() == "永川高新技术产业开发区"
    page.wait_for_timeout(800)  # the popup's auto-pan (vertical only: the card is narrower than the map)
    s = frame.evaluate(MAP_STATE)
    # centred on the park's point in data/parks.csv, zoom capped at 12 (a single point); the popup's
    # auto-pan moves the map down by at most its height, so the point stays within the map
    with open(ROOT / "data" / "parks.csv", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["park_id"] == "yongchuan_gaoxin")
    lon, lat = float(row["lon"]), float(row["lat"])
    # (1e-2° east–west: the auto-pan may also shift the map sideways by a few pixels, ~0.001° at zoom 12)
    assert s["zoom"] == 12 and abs(s["lng"] - lon) < 1e-2 and -1e-3 < s["lat"] - lat < 0.09, (s, lon, lat)
    box = frame.locator(".leaflet-popup").bounding_box()
    assert box["y"] >= 0, "the card's title is not cut off at the top of the map"
    page.get_by_text("所选地点", exact=False).first.wait_for(timeout=30_000)
    assert page.get_by_text("永川高新技术产业开发区", exact=False).count() >= 1
    page.screenshot(path=str(SHOTS / "maps_search_card.png"))
    page.get_by_label("查找园区或区县", exact=False).fill("")
    page.keyboard.press("Enter")
    _settle(page)


def test_filter_zooms_to_the_results_and_the_legend_shows_the_highlight(app):
    server, page = app
    page.get_by_label("按产业筛选", exact=False).first.fill("新能源汽车")
    page.keyboard.press("Enter")
    _settle(page)
    frame = _frame(page)
    # the lit places span 105.29–107.72 E, 28.45–30.44 N (districts and parks of the plans' NEV rows):
    # in a 900 × 720 px map that is zoom 8 (zoom 9 would need 256·2⁹·2.43/360 + 80 = 964 px wide), centred near 106.5 E
    s = _wait_view(frame, "s.zoom === 8")
    assert abs(s["lng"] - 106.5) < 0.05 and 29.3 < s["lat"] < 29.6, s
    legend = page.locator(".geoplan-legend").first.inner_html()
    assert "筛选结果" in legend and "#f1c40f" in legend.lower()
    page.get_by_label("按产业筛选", exact=False).first.fill("")
    page.keyboard.press("Enter")
    _settle(page)


def test_popup_fits_inside_the_map_clear_of_the_controls(app):
    server, page = app
    frame = _frame(page)
    frame.evaluate(SET_VIEW.format(lat=30.05, lon=107.9, zoom=7))
    page.wait_for_timeout(800)
    container = frame.locator(".leaflet-container").first.bounding_box()
    parks = frame.locator(".geoplan-park")
    # the first parks (两江新区, 高新区 … with the longest cards) and the ones near the top edge, where a
    # popup must pan the map down rather than run out of it
    order = sorted(range(parks.count()), key=lambda i: parks.nth(i).bounding_box()["y"])
    tried = 0
    for i in list(range(4)) + order[:4]:
        b = parks.nth(i).bounding_box()
        if not _box_inside(b, container):
            continue
        tried += 1
        parks.nth(i).click(force=True)
        frame.locator(".leaflet-popup").first.wait_for(timeout=10_000)
        page.wait_for_timeout(600)  # auto-pan
        box = frame.locator(".leaflet-popup").first.bounding_box()
        assert _box_inside(box, container), (i, box, container)
        for ctl in (".leaflet-control-zoom", ".geoplan-measure"):
            assert not _overlap(frame.locator(ctl).first.bounding_box(), box), (i, ctl)
        content = frame.locator(".leaflet-popup-content").first
        assert content.evaluate("e => e.scrollHeight <= 380 || getComputedStyle(e).overflowY === 'auto'")
        frame.locator(".leaflet-popup-close-button").first.click()
        frame.evaluate(SET_VIEW.format(lat=30.05, lon=107.9, zoom=7))
        page.wait_for_timeout(500)
    assert tried >= 6
    assert container["height"] >= 700


def test_central_city_markers_are_each_clickable(app):
    server, page = app
    frame = _frame(page)
    frame.evaluate(SET_VIEW.format(lat=29.56, lon=106.55, zoom=10))
    page.wait_for_timeout(800)
    # every park symbol inside the view is the top element at its own centre (nothing stacked over it)
    covered = frame.evaluate("""() => {
      const c = document.querySelector('.leaflet-container').getBoundingClientRect(); let n = 0; const bad = [];
      document.querySelectorAll('.geoplan-park').forEach(el => {
        const r = el.getBoundingClientRect(); const x = r.left + r.width / 2, y = r.top + r.height / 2;
        if (x < c.left + 60 || x > c.right - 10 || y < c.top + 10 || y > c.bottom - 10) return;
        n += 1; const top = document.elementFromPoint(x, y);
        if (!(top && (top === el || el.contains(top)))) bad.push(el.innerHTML.slice(0, 40));
      }); return {n: n, bad: bad}; }""")
    assert covered["n"] >= 15, covered
    assert covered["bad"] == [], covered
    # labels appear at this zoom (district names)
    assert frame.locator(".geoplan-label-district").count() == 38
    page.screenshot(path=str(SHOTS / "maps_central_city.png"))


def test_compare_three_places(app, tmp_path):
    import pandas as pd

    server, page = app
    _goto_page(page, "园区对比")
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=60_000)
    page.locator("[data-testid='stVegaLiteChart'], .vega-embed").first.wait_for(timeout=60_000)
    page.screenshot(path=str(SHOTS / "maps_compare.png"))
    # the grid is drawn on a canvas: read what the page offers through its Excel download
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="下载对比表（Excel）").click()
    path = tmp_path / "compare.xlsx"
    dl.value.save_as(path)
    table = pd.read_excel(path, sheet_name="compare", index_col=0)
    assert list(table.columns) == ["重庆铜梁高新技术产业开发区", "重庆两江新区", "永川区"]
    assert table.loc["可用地（亩）"].tolist() == ["未知"] * 3
    assert table.loc["距成渝主轴（公里）", "永川区"] in (0, "0.0")  # the main axis crosses 永川区


def test_brief_pdf_from_the_site_selection_page(app, tmp_path):
    from pypdf import PdfReader

    server, page = app
    _goto_page(page, "项目选址")
    page.get_by_role("button", name="开始选址").click()
    page.get_by_text("候选排序", exact=False).first.wait_for(timeout=90_000)
    _settle(page)
    # map and ranking side by side: the map's left edge is left of the ranking table, tops level
    fbox = page.locator(FRAME_SEL).first.bounding_box()
    tbox = page.locator("[data-testid='stDataFrame']").first.bounding_box()
    assert fbox["x"] + fbox["width"] <= tbox["x"] + 2 and abs(fbox["y"] - tbox["y"]) < 80, (fbox, tbox)
    btn = page.get_by_role("button", name="下载招商简报 PDF")
    btn.wait_for(timeout=120_000)
    with page.expect_download(timeout=120_000) as dl:
        btn.click()
    path = tmp_path / "brief.pdf"
    dl.value.save_as(path)
    data = path.read_bytes()
    assert data[:5] == b"%PDF-"
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    # the default query (新能源汽车, 300 亩) ranks the 两江新区 among the top parks; its plans are cited by title
    assert "两江新区" in text, text[:500]
    assert "《" in text and "规划" in text
    page.screenshot(path=str(SHOTS / "maps_siting_layout.png"))


def test_brief_docx_from_the_site_selection_page(app, tmp_path):
    """The Word brief downloaded from the page (issue 15), opened with python-docx: one heading per
    recommended park, each a park's Chinese name from data/parks.csv, and plan titles cited."""
    server, page = app
    _goto_page(page, "项目选址")
    if not page.get_by_role("button", name="下载招商简报 Word").count():
        page.get_by_role("button", name="开始选址").click()
    btn = page.get_by_role("button", name="下载招商简报 Word")
    btn.wait_for(timeout=120_000)
    with page.expect_download(timeout=120_000) as dl:
        btn.click()
    assert dl.value.suggested_filename == "brief_zh.docx"
    path = tmp_path / "brief.docx"
    dl.value.save_as(path)
    d = docx.Document(str(path))
    heads = [p.text for p in d.paragraphs if p.style.name == "Heading 2"]
    names = set(catalog.parks()["name_zh"])
    parks = [h.split(". ", 1)[1] for h in heads]
    assert 1 <= len(parks) <= 5 and set(parks) <= names, heads  # Chinese park names, never ids
    assert "重庆两江新区" in parks  # the default query (新能源汽车, 300 亩) recommends the 两江新区
    text = "\n".join(p.text for p in d.paragraphs)
    # the 两江新区's plan sentence cited by the plan's title and line (data/plans.csv sei_14th_fyp, seed 003 L341)
    assert "两江新区围绕新型智能终端、先进材料、新能源汽车和智能网联汽车" in text
    assert "《重庆市战略性新兴产业发展“十四五”规划》 第 341 行" in text
    assert ".txt" not in text  # a plan is cited by title, never by its seed file
