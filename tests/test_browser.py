"""End-to-end: the app in Debian's Chromium (headless, via Playwright; no downloaded browser).

Skips with a reason when /usr/bin/chromium or playwright is missing — except in CI (CI=true),
where a missing browser is a failure. Screenshots go to ``test-output/screenshots/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from appserver import CHROMIUM, CHROMIUM_ARGS, ROOT, AppServer

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("GEOPLAN_TEST_OUTPUT", ROOT / "test-output")) / "screenshots"
IN_CI = os.environ.get("CI", "").lower() == "true"


def _need_browser() -> None:
    reason = None
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright is not installed (pip install playwright; never 'playwright install')"
    if reason:
        if IN_CI:
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def browser_page():
    _need_browser()
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with AppServer() as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1500, "height": 1200})  # the 720 px map fits unscrolled
        page.set_default_timeout(60_000)
        yield server, page
        browser.close()


FRAME_SEL = "iframe[title*='st_folium'], iframe[title*='streamlit_folium']"


def _map_frame(page, index: int = 0):
    """The Leaflet map inside the streamlit-folium component iframe."""
    page.wait_for_selector(FRAME_SEL, timeout=60_000)
    frames = page.locator(FRAME_SEL)
    frame = frames.nth(index).content_frame
    frame.locator(".leaflet-container").wait_for(timeout=60_000)
    return frame


def _settle(page) -> None:
    """Wait until the script run is over and no stale element of the previous run remains."""
    page.wait_for_function(
        "() => !document.querySelector('[data-stale=\"true\"]')"
        " && !document.querySelector('[data-testid=\"stStatusWidgetRunningIcon\"]')", timeout=60_000)
    page.wait_for_timeout(500)


def _goto_page(page, label: str) -> None:
    page.get_by_text(label, exact=True).first.click()
    page.get_by_role("heading", name=label).wait_for(timeout=60_000)
    _settle(page)


def test_industry_map_districts_parks_corridors(browser_page):
    server, page = browser_page
    page.goto(server.url)
    page.get_by_role("heading", name="产业地图").wait_for(timeout=90_000)
    frame = _map_frame(page)
    frame.locator(".geoplan-park").first.wait_for(timeout=60_000)
    n_parks = frame.locator(".geoplan-park").count()
    n_paths = frame.locator("path.leaflet-interactive").count()
    assert n_parks >= 48, f"expected ≥ 48 park markers, found {n_parks}"
    # 38 district polygons + 3 corridor lines (+ context areas and agglomeration outlines)
    assert n_paths >= 38 + 3, f"expected district polygons and corridors, found {n_paths} paths"
    assert page.locator(".geoplan-legend").count() == 1  # beside the map, hiding no district
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / "1_industry_map.png"), full_page=False)
    # clicking a park opens a popup citing the plan by its title (issue 11: never a seed file name), and the
    # side panel shows the place
    parks = frame.locator(".geoplan-park")
    cited = False
    for i in range(min(parks.count(), 20)):
        parks.nth(i).click(force=True)
        popup = frame.locator(".leaflet-popup-content")
        popup.first.wait_for(timeout=10_000)
        text = popup.first.inner_text()
        assert ".txt" not in text and "shared/seeds" not in text, text
        if "《" in text and "》" in text:
            cited = True
            break
    assert cited, "no park popup cited a plan title"
    page.get_by_text("所选地点", exact=False).first.wait_for(timeout=30_000)


def test_site_selection_form_and_other_pages(browser_page):
    server, page = browser_page
    page.goto(server.url)
    page.get_by_role("heading", name="产业地图").wait_for(timeout=90_000)
    _goto_page(page, "亩均效益")
    _map_frame(page)
    page.screenshot(path=str(SHOTS / "2_intensity.png"))
    _goto_page(page, "成渝走廊")
    _map_frame(page)
    page.screenshot(path=str(SHOTS / "3_corridors.png"))
    _goto_page(page, "项目选址")
    page.get_by_role("button", name="开始选址").click()
    page.get_by_text("候选排序", exact=False).first.wait_for(timeout=90_000)
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=60_000)
    frame = _map_frame(page)
    assert frame.locator(".geoplan-park").count() >= 1
    page.screenshot(path=str(SHOTS / "4_site_selection.png"))


def test_uploaded_script_name_is_escaped(browser_page, tmp_path):
    server, page = browser_page
    evil = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
    csv = tmp_path / "evil.csv"
    csv.write_text("name,lon,lat,land_mu,output_wan\n"
                   f"\"{evil.replace(chr(34), chr(34) * 2)}\",106.05,29.85,100,50000\n"
                   "ok,106.5,29.5,50,20000\n", encoding="utf-8")
    page.goto(server.url)
    page.get_by_role("heading", name="产业地图").wait_for(timeout=90_000)
    _goto_page(page, "亩均效益")
    page.locator("input[type='file']").first.set_input_files(str(csv))
    page.get_by_text("evil.csv", exact=False).first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    frame = _map_frame(page)
    # uploaded rows have coordinates but no park: drawn as circle markers with the name as tooltip
    markers = frame.locator("path.leaflet-interactive")
    found = False
    for i in range(markers.count()):
        markers.nth(i).hover(force=True)
        tip = frame.locator(".leaflet-tooltip")
        if tip.count() and "<script>" in tip.first.inner_text():
            found = True
            assert tip.first.locator("script, img").count() == 0
            break
    assert found, "the uploaded name did not appear (escaped) in a map tooltip"
    real_frame = page.locator(FRAME_SEL).first.element_handle().content_frame()
    assert real_frame.evaluate("() => window.__xss === undefined")
    assert page.evaluate("() => window.__xss === undefined")
    page.screenshot(path=str(SHOTS / "5_upload_escaped.png"))
