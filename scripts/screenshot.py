"""Take docs/screenshot.png (the industry map), docs/screenshot_siting.png and one screenshot per page and
language (docs/screens/<page>_<lang>.png, the same walk the bilingual browser test makes) with Debian's Chromium.

Run: ``.venv/bin/python scripts/screenshot.py`` (starts the app on a free port, needs /usr/bin/chromium
and the playwright package; never ``playwright install``).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from appserver import CHROMIUM, CHROMIUM_ARGS, AppServer  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from test_bilingual_browser import walk  # noqa: E402

IDLE = ("() => !document.querySelector('[data-stale=\"true\"]')"
        " && !document.querySelector('[data-testid=\"stStatusWidgetRunningIcon\"]')")


def main() -> None:
    with AppServer() as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        page.set_default_timeout(90_000)
        page.goto(server.url)
        page.get_by_role("heading", name="产业地图").wait_for()
        page.get_by_label("按产业筛选", exact=False).first.fill("新能源汽车")
        page.keyboard.press("Enter")
        page.wait_for_function(IDLE)
        frame = page.frame_locator("iframe[title*='st_folium'], iframe[title*='streamlit_folium']").first
        frame.locator(".geoplan-park").first.wait_for()
        page.wait_for_timeout(3000)
        page.screenshot(path=str(ROOT / "docs" / "screenshot.png"))
        page.get_by_text("项目选址", exact=True).first.click()
        page.get_by_role("button", name="开始选址").click()
        page.get_by_text("候选排序", exact=False).first.wait_for()
        page.wait_for_function(IDLE)
        page.get_by_text("候选排序", exact=False).first.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(4000)
        page.screenshot(path=str(ROOT / "docs" / "screenshot_siting.png"))
        for lang in ("zh", "en"):
            walk(page, server, lang, ROOT / "docs" / "screens")
        browser.close()


if __name__ == "__main__":
    main()
