"""Hostile uploads in the real app (issue 18), in Debian's Chromium: a billion-laughs spec in one
session while another session loads the map; Markdown in a cell and in a file name stays text."""

from __future__ import annotations

import time

import pytest
from appserver import CHROMIUM, CHROMIUM_ARGS, AppServer
from test_browser import _goto_page, _map_frame, _need_browser, _settle
from test_hostile import Listener

pytestmark = pytest.mark.browser

LAUGHS = "\n".join(['industry: 汽车', 'land_mu: 100', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
                   + [f'{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]'
                      for p, c in zip("abcdefgh", "bcdefghi")]
                   + ['exclude: *i']) + "\n"


@pytest.fixture(scope="module")
def app_browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with AppServer() as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield server, browser
        browser.close()


def _page(browser, server):
    ctx = browser.new_context(viewport={"width": 1400, "height": 950})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    page.goto(server.url)
    page.get_by_role("heading", name="产业地图").wait_for(timeout=90_000)
    return ctx, page


def test_billion_laughs_spec_refused_while_other_session_is_served(app_browser, tmp_path):
    server, browser = app_browser
    assert len(LAUGHS.encode()) < 600  # the 462-byte class of document
    spec = tmp_path / "laughs.yaml"
    spec.write_text(LAUGHS, encoding="utf-8")
    ctx_a, a = _page(browser, server)
    ctx_b, b = _page(browser, server)
    _goto_page(a, "项目选址")
    a.locator("input[type='file']").first.set_input_files(str(spec))
    t0 = time.time()
    b.reload()
    b.get_by_role("heading", name="产业地图").wait_for(timeout=30_000)
    frame = _map_frame(b)
    assert frame.locator("path.leaflet-interactive").count() > 0  # the second user's map is drawn
    served_s = time.time() - t0
    a.get_by_text("laughs.yaml", exact=False).first.wait_for(timeout=30_000)
    _settle(a)
    a.get_by_text("aliases", exact=False).first.wait_for(timeout=30_000)  # refused, with the reason
    assert served_s < 60
    assert a.locator("[data-testid='stException']").count() == 0
    ctx_a.close()
    ctx_b.close()


def test_markdown_in_cell_and_file_name_stays_text(app_browser, tmp_path):
    server, browser = app_browser
    lst = Listener()
    try:
        beacon = f"![t](http://127.0.0.1:{lst.port}/beacon.png)"
        csv = tmp_path / f"[report](http:127.0.0.1:{lst.port}).csv"
        csv.write_text(f"name,lon,lat,land_mu,output_wan\nx,\"{beacon}\",29.85,100,50000\n", encoding="utf-8")
        ctx, page = _page(browser, server)
        _goto_page(page, "亩均效益")
        page.locator("input[type='file']").first.set_input_files(str(csv))
        page.get_by_text("beacon.png", exact=False).first.wait_for(timeout=60_000)
        _settle(page)
        body = page.locator("body").inner_text()
        assert beacon in body  # literal text in the DOM, as typed
        assert page.locator(f"img[src*='{lst.port}']").count() == 0
        assert page.locator(f"a[href*='{lst.port}']").count() == 0
        page.wait_for_timeout(1000)
        ctx.close()
    finally:
        hits = lst.close()
    assert hits == []
