"""End-to-end in Chromium: read a plan on the ingest page, approve two rows, reject one, and find the two
on the industry map with their citation (plan title + line), the rejected one absent.

One app server for the module, with GEOPLAN_WORKSPACE pointing at a temporary GeoPackage, so the
approved rows land in a fresh workspace store (never in data/, whose hash is checked before/after).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pandas as pd
import pytest
from appserver import CHROMIUM, CHROMIUM_ARGS, ROOT, AppServer
from test_browser import _goto_page, _need_browser, _settle

from geoplan.paths import data_dir
from geoplan.store import open_store

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("GEOPLAN_TEST_OUTPUT", ROOT / "test-output")) / "screenshots"
TITLE = "某区智能制造发展规划"

# written for this test (not a seed): line 3 sends 集成电路 to 西永微电园, line 4 新型显示 to 两江新区,
# line 5 工业机器人 to 金凤智造产业园 (a site the gazetteer does not know)
PLAN = "\n".join([
    "某区智能制造发展规划（2024—2027年）",
    "二、空间布局",
    "依托西永微电园布局集成电路封装测试项目。",
    "支持两江新区重点发展新型显示产业。",
    "在金凤智造产业园布局工业机器人产业。",
]) + "\n"


def _data_digest() -> str:
    h = hashlib.sha256()
    for f in sorted(data_dir().rglob("*")):
        if f.is_file():
            h.update(str(f.relative_to(data_dir())).encode() + f.read_bytes())
    return h.hexdigest()




@pytest.fixture(scope="module")
def app(tmp_path_factory):
    _need_browser()
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    ws = tmp_path_factory.mktemp("ws") / "workspace.gpkg"
    old = {k: os.environ.get(k) for k in ("GEOPLAN_WORKSPACE", "GEOPLAN_STORE")}
    os.environ["GEOPLAN_WORKSPACE"] = str(ws)
    os.environ.pop("GEOPLAN_STORE", None)
    try:
        with AppServer(timeout=90) as server, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.set_default_timeout(60_000)
            yield server, page, ws
            browser.close()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _pick(page, label: str, option: str) -> None:
    """Choose ``option`` (its visible text) in the multiselect labelled ``label``."""
    box = page.locator("[data-testid='stMultiSelect']").filter(has_text=label)
    box.locator("input").click()
    page.get_by_role("option", name=option).click()
    page.keyboard.press("Escape")
    _settle(page)


def test_approve_two_reject_one_and_see_them_on_the_industry_map(app, tmp_path):
    server, page, ws = app
    before = _data_digest()
    plan = tmp_path / "某区规划.txt"
    plan.write_text(PLAN, encoding="utf-8")
    page.goto(server.url)
    page.get_by_role("heading", name="产业地图").wait_for(timeout=90_000)
    _goto_page(page, "读取规划")
    for label, value in (("文件名称", TITLE), ("文号", "某府发〔2024〕7号")):
        page.get_by_label(label).fill(value)
        page.get_by_label(label).press("Enter")  # commit the text input (one rerun each)
        _settle(page)
    page.locator("input[type='file']").first.set_input_files(str(plan))
    page.get_by_text("共 5 行原文", exact=False).wait_for(timeout=60_000)
    _settle(page)
    _pick(page, "接受的条目", "P0001 集成电路 → 西永微电园 (L3)")
    _pick(page, "接受的条目", "P0002 新型显示 → 两江新区 (L4)")
    _pick(page, "拒绝的条目", "P0003 机器人 → 金凤智造产业园 (L5)")
    page.get_by_role("button", name="批准").click()
    page.get_by_text("已批准 2 条，拒绝 1 条，未决定 0 条。").wait_for(timeout=60_000)
    page.get_by_text("已存入工作空间 2 条", exact=False).wait_for(timeout=60_000)
    page.screenshot(path=str(SHOTS / "ingest_approved.png"), full_page=True)

    # the store holds exactly the two accepted rows, with the document's provenance
    s = open_store(ws)
    rows = s.approved_assignments()
    s.close()
    assert sorted(zip(rows["industry_id"], rows["place_id"], rows["line"])) == [
        ("display", "liangjiang", 4), ("ic", "xiyong", 3)]
    assert set(rows["doc_title"]) == {TITLE} and set(rows["doc_number"]) == {"某府发〔2024〕7号"}
    lines = PLAN.splitlines()
    assert all(ev and ev in lines[ln - 1] for ev, ln in zip(rows["evidence"], rows["line"]))

    # the industry map lights them up and cites them by title and line, like the seed rows: the lit
    # places' table (its CSV download holds the same rows) carries the citation and the evidence
    _goto_page(page, "产业地图")
    flt = page.get_by_label("按产业筛选", exact=False)
    for industry, industry_id, place, line in (("集成电路", "ic", "xiyong", 3), ("新型显示", "display", "liangjiang", 4)):
        flt.fill(industry)
        flt.press("Enter")
        page.get_by_text(f"({industry_id})", exact=False).first.wait_for(timeout=60_000)  # 已识别产业: … (ic)
        _settle(page)
        with page.expect_download() as dl:
            page.get_by_role("button", name="下载 CSV").click()
        got = pd.read_csv(dl.value.path(), dtype=str, keep_default_na=False, comment="#")
        mine = got[got["source"].str.contains(TITLE, regex=False)]
        # the other approved row may be lit as a related industry (same sector), never as a direct hit
        direct = mine[mine["relation"] == "direct"]
        assert list(zip(direct["industry_id"], direct["place_id"], direct["source_line"])) == [
            (industry_id, place, str(line))]
        assert direct["source"].iloc[0] == f"《{TITLE}》（某府发〔2024〕7号） L{line}"
        assert direct["evidence_zh"].iloc[0] in PLAN.splitlines()[line - 1]
        assert set(mine["industry_id"]) <= {"ic", "display"}
    page.screenshot(path=str(SHOTS / "ingest_on_industry_map.png"), full_page=True)
    # the rejected row is nowhere: 机器人 lights up the seed rows only
    flt.fill("机器人")
    flt.press("Enter")
    page.get_by_text("(robots)", exact=False).first.wait_for(timeout=60_000)
    _settle(page)
    with page.expect_download() as dl:
        page.get_by_role("button", name="下载 CSV").click()
    got = pd.read_csv(dl.value.path(), dtype=str, keep_default_na=False, comment="#")
    assert len(got) and not got["source"].str.contains(TITLE, regex=False).any()
    assert "金凤智造产业园" not in set(got["place_zh"])
    assert _data_digest() == before  # ingesting and approving never change data/
