"""Every page in both languages in Debian's Chromium (issue 15): the visible text of the page and of its
map (labels, legend, controls) holds no raw id and no words of the other language, by the same checker as
the AppTest walk (tests/test_bilingual.py). The walk also writes the screenshots the README links
(``scripts/screenshot.py`` copies them into docs/screens/).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from appserver import CHROMIUM, CHROMIUM_ARGS, ROOT, AppServer
from test_bilingual import PAGES, _problems
from test_browser import FRAME_SEL, _need_browser, _settle

from geoplan.i18n import t

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("GEOPLAN_TEST_OUTPUT", ROOT / "test-output")) / "screens"


# Rendered text that is not prose: code spans (column names a file must have, shown as `code`) and
# Material icon ligatures ("upload", "keyboard_arrow_down" draw as icons).
NOT_PROSE = "code, [data-testid='stIconMaterial']"
VISIBLE_TEXT = """(root) => {
  const skip = new Set(root.querySelectorAll("NOT_PROSE"));
  const saved = [];
  skip.forEach(e => { saved.push([e, e.style.display]); e.style.display = 'none'; });
  const text = root.innerText;
  saved.forEach(([e, d]) => { e.style.display = d; });
  return text;
}""".replace("NOT_PROSE", NOT_PROSE)


def visible_lines(page) -> list[str]:
    """Lines of text a reader sees (innerText: hidden elements excluded): the sidebar, the main area and
    each map iframe, without code spans and icon ligatures."""
    texts = [page.locator("[data-testid='stSidebar']").evaluate(VISIBLE_TEXT),
             page.locator("[data-testid='stMain'], section.main").first.evaluate(VISIBLE_TEXT)]
    for i in range(page.locator(FRAME_SEL).count()):
        frame = page.locator(FRAME_SEL).nth(i).content_frame
        try:
            texts.append(frame.locator("body").evaluate(VISIBLE_TEXT, timeout=10_000))
        except Exception:  # noqa: BLE001 - a map that has not drawn yet has no text to check
            continue
    return [ln.strip() for txt in texts for ln in txt.splitlines() if ln.strip()]


def walk(page, server, lang: str, shots: Path | None = None) -> dict[str, list[str]]:
    """Open every page of app.py in ``lang``; their visible lines (and a screenshot each when ``shots``)."""
    page.goto(server.url)
    page.get_by_role("heading", name=t("page_industry", "zh")).wait_for(timeout=120_000)
    if lang == "en":
        page.locator("[data-testid='stSidebar']").get_by_text("English", exact=True).click()
        page.get_by_role("heading", name=t("page_industry", "en")).wait_for(timeout=60_000)
    out = {}
    for key in PAGES:
        label = t(key, lang)
        page.locator("[data-testid='stSidebar']").get_by_text(label, exact=True).first.click()
        page.get_by_role("heading", name=label).wait_for(timeout=90_000)
        _settle(page)
        if page.locator(FRAME_SEL).count():
            page.locator(FRAME_SEL).first.content_frame.locator(".leaflet-container").wait_for(timeout=60_000)
            page.wait_for_timeout(1500)  # labels appear after the map's first draw
        out[key] = visible_lines(page)
        if shots is not None:
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / f"{key.removeprefix('page_')}_{lang}.png"), full_page=True)
    return out


@pytest.fixture(scope="module")
def app_browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with AppServer() as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield server, browser
        browser.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_speaks_one_language_in_the_browser(app_browser, lang):
    server, browser = app_browser
    page = browser.new_page(viewport={"width": 1500, "height": 1200})
    page.set_default_timeout(60_000)
    try:
        seen = walk(page, server, lang, SHOTS)
    finally:
        page.close()
    assert set(seen) == set(PAGES)
    problems = {}
    for key, lines in seen.items():
        assert t(key, lang) in lines, f"{key}: the page header is not visible"
        found = _problems([("/browser", ln) for ln in lines], lang)
        if found:
            problems[key] = found
    assert not problems, "\n".join(f"{k} ({lang}): {p}" for k, v in problems.items() for p in v[:40])
