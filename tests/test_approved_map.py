"""Approved ingestion rows on the industry map's popups and place cards, not only in the filtered table
(issue 17): the popup of a place lists the approved row with its citation (plan title, number, date, line).

The popups are read from the map's decoded GeoJSON properties (``_popup`` of the park feature), parsed
into their list items; the card is read from the industry page's table through AppTest."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geoplan import maps
from geoplan.data import catalog
from geoplan.i18n import t
from geoplan.ingest import apply_review, ingest_plan, map_assignments, place_rows, set_decisions
from geoplan.maps.popups import POPUP_ROWS
from geoplan.store import open_store

PLAN = "某区制造业规划\n依托西永微电园布局集成电路封装测试项目。\n支持两江新区重点发展新型显示产业。\n"
CITE = "《某区制造业规划》（某府发〔2024〕3号，2024-05-01） L2"  # title, number, date, line 2 — by hand
LINE2 = PLAN.splitlines()[1]


class _Items(HTMLParser):
    """The text of each <li> of a popup (one per assignment row)."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            self.items.append("")
            self._depth += 1

    def handle_endtag(self, tag):
        if tag == "li":
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.items[-1] += data


def _items(html: str) -> list[str]:
    p = _Items()
    p.feed(html)
    return p.items


@pytest.fixture()
def ws(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN, encoding="utf-8")
    lines, table = ingest_plan(plan, title="某区制造业规划", number="某府发〔2024〕3号", date="2024-05-01")
    ids = dict(zip(zip(table["industry_id"], table["place_id"]), table["proposal_id"]))
    ok = apply_review(set_decisions(table, accept=[ids[("ic", "xiyong")]], reject=[ids[("display", "liangjiang")]]),
                      lines)
    path = tmp_path / "ws.gpkg"
    s = open_store(path)
    assert s.add_approved_assignments(ok, who="tester") == 1
    yield s, path
    s.close()


def _park_popups(m) -> dict[str, str]:
    """Park tooltip name → popup HTML, from the parks GeoJSON layer's decoded feature properties."""
    layer = next(c for c in m._children.values()
                 if getattr(c, "layer_name", None) == t("layer_parks", "zh") and hasattr(c, "data"))
    return {f["properties"]["name"]: f["properties"]["_popup"] for f in layer.data["features"]}


def test_the_popup_of_the_place_lists_the_approved_row_with_its_citation(ws):
    store, _ = ws
    seed = catalog.assignments()
    rows = map_assignments(seed, store)
    assert len(rows) == len(seed) + 1  # the seed rows untouched, one approved row added
    parks = catalog.parks().set_index("park_id")
    name = maps.esc(parks.loc["xiyong", "name_zh"])
    m, _ = maps.industry_map(assignments=rows, lang="zh", show=("districts", "parks"), controls=False)
    items = _items(_park_popups(m)[name])
    assert len(items) <= POPUP_ROWS
    hit = [i for i in items if CITE in i]
    evidence = store.approved_assignments()["evidence"].item()
    assert evidence and evidence in LINE2 and "西永" in evidence  # verbatim from the plan's line 2
    assert len(hit) == 1 and evidence in hit[0] and hit[0].startswith("集成电路")
    assert items[0] == hit[0]  # approved rows come first, so a bounded popup never cuts them off
    before, _ = maps.industry_map(assignments=seed, lang="zh", show=("districts", "parks"), controls=False)
    assert not [i for i in _items(_park_popups(before)[name]) if CITE in i]  # without the workspace: absent
    other = maps.esc(parks.loc["liangjiang", "name_zh"])
    assert not [i for i in _items(_park_popups(m)[other]) if CITE in i]  # the rejected row is nowhere


def test_place_card_rows_include_the_approved_row(ws):
    store, _ = ws
    card = place_rows("park", "xiyong", store)
    assert card.iloc[0]["source"] == CITE and card.iloc[0]["matched_via"] == "direct"
    host = str(int(catalog.parks().set_index("park_id").loc["xiyong", "host_adcode"]))
    d = place_rows("district", host, store)  # the host district's card: via its park
    assert (d["source"] == CITE).sum() == 1 and d.loc[d["source"] == CITE, "matched_via"].item() == "park in district"
    assert not (place_rows("park", "liangjiang", store)["source"] == CITE).any()


def test_industry_page_card_shows_the_approved_row(ws, monkeypatch):
    store, path = ws
    monkeypatch.setenv("GEOPLAN_WORKSPACE", str(path))
    monkeypatch.delenv("GEOPLAN_STORE", raising=False)
    at = AppTest.from_file(str(Path(__file__).parents[1] / "app.py"), default_timeout=120)
    at.run()
    at.text_input(key="ind_search").input("西永微电子产业园").run()  # search → the park's card
    assert not at.exception
    src = t("source", "zh")
    tables = [d.value for d in at.dataframe if src in d.value.columns]
    assert tables, [list(d.value.columns) for d in at.dataframe]
    card = tables[0]
    assert (card[src] == CITE).sum() == 1
    evidence = store.approved_assignments()["evidence"].item()
    assert card.loc[card[src] == CITE, t("evidence", "zh")].item() == evidence
