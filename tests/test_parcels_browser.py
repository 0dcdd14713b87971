"""End-to-end in Debian's Chromium: a workspace parcel layer ranked on the site-selection page is shown
as one overview image (every parcel) plus the ranked parcels as polygons (issue 16 "Showing parcels",
:func:`geoplan.maps.add_parcel_layer`). One app server for the module on a throwaway workspace holding
10⁴ synthetic parcels (``benchmarks/parcels.py``).
"""

from __future__ import annotations

import base64
import os
import struct
from pathlib import Path

import pytest
from appserver import CHROMIUM, CHROMIUM_ARGS, ROOT, AppServer
from test_browser import _need_browser

from benchmarks.parcels import generate_parcels
from geoplan.store import open_store

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("GEOPLAN_TEST_OUTPUT", ROOT / "test-output")) / "screenshots"
FRAME_SEL = "iframe[title*='st_folium'], iframe[title*='streamlit_folium']"
N_PARCELS = 10_000
TOP = 10  # the form's default "show top N"
HIGHLIGHT = "#f1c40f"  # geoplan.maps.HIGHLIGHT: the shortlist's outline


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    _need_browser()
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    ws = tmp_path_factory.mktemp("parcel_ws") / "workspace.gpkg"
    store = open_store(ws)
    store.import_layer("synthetic", "parcels", generate_parcels(N_PARCELS, seed=7))
    store.close()
    with (AppServer(timeout=120, env={"GEOPLAN_WORKSPACE": str(ws), "GEOPLAN_STORE": ""}) as server,
          sync_playwright() as pw):
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1500, "height": 1200})  # the 720 px map unscrolled
        page.set_default_timeout(90_000)
        yield server, page
        browser.close()


def _settle(page) -> None:
    page.wait_for_function(
        "() => !document.querySelector('[data-stale=\"true\"]')"
        " && !document.querySelector('[data-testid=\"stStatusWidgetRunningIcon\"]')", timeout=90_000)
    page.wait_for_timeout(500)


def test_ranked_parcel_layer_shows_overview_image_and_shortlist_polygons(app):
    server, page = app
    page.goto(server.url)
    page.get_by_role("heading", name="产业地图").wait_for(timeout=120_000)
    page.get_by_text("项目选址", exact=True).first.click()
    page.get_by_role("heading", name="项目选址").wait_for()
    _settle(page)
    # the workspace's parcel layer is offered as the candidates, with its size
    source = page.get_by_role("combobox", name="候选来源")
    assert source.input_value() == "内置园区"
    source.click()
    page.get_by_role("option", name=f"工作区地块图层：synthetic（{N_PARCELS:,} 块）").click()
    _settle(page)
    land = page.get_by_label("用地需求(亩)")
    land.fill("50")
    land.press("Tab")
    page.get_by_role("button", name="开始选址").click()
    page.get_by_text(f"蓝色图像为全部 {N_PARCELS:,} 个地块").wait_for(timeout=180_000)
    _settle(page)
    frame = page.locator(FRAME_SEL).first.content_frame
    frame.locator(".leaflet-container").wait_for()
    img = frame.locator("img.leaflet-image-layer")
    img.wait_for(state="attached")
    assert img.count() == 1, "all parcels travel as one image, not as vectors"
    src = img.get_attribute("src")
    assert src.startswith("data:image/png;base64,")
    png = base64.b64decode(src.split(",", 1)[1])
    width, height = struct.unpack(">II", png[16:24])  # IHDR
    assert width == 1600 and 0 < height < 4000
    shortlist = frame.locator(f"path.leaflet-interactive[stroke='{HIGHLIGHT}']")
    frame.locator(f"path.leaflet-interactive[stroke='{HIGHLIGHT}']").first.wait_for(state="attached")
    assert shortlist.count() == TOP, "the ranked parcels, and only they, are vector polygons"
    assert frame.locator("path.leaflet-interactive").count() < 200, "no parcel outside the shortlist as a path"
    page.screenshot(path=str(SHOTS / "siting_parcel_layer.png"), full_page=False)
