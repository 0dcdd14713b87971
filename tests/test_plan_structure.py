"""Regression tests built from the plans' own structure (the seed texts), not from data/.

* seed 003: each of the 14 专栏 ends with a "重点区县（开发区）" list; every listed place (mapped to a district
  or park through data/place_aliases.csv) must have an assignment row for that 专栏's industry;
* seed 004: every sentence that names one of Tongliang's plan sites together with an industry of the taxonomy
  must have an assignment row on its line.
* corridors: chainage is measured from the Chongqing end, checked against a hand computation with pyproj.Geod.
"""

from __future__ import annotations

import csv
import re

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from geoplan import corridor
from geoplan.data import catalog
from geoplan.data.taxonomy import normalize_text
from geoplan.i18n import t
from geoplan.paths import data_dir, seeds_dir

F003, F004 = "003_47939a72131e0a6e.txt", "004_efb661d1d05136fb.txt"
# 专栏 title (as in the seed) → industry id of the taxonomy (the heading's own name, checked below)
BOX_INDUSTRY = {"集成电路": "ic", "新型显示": "display", "新型智能终端": "smart_terminals",
                "新能源汽车和智能网联汽车": "nev", "医药器械": "pharma_devices", "先进材料": "new_materials",
                "高端装备制造": "high_end_equipment", "绿色环保": "green_env", "软件和信息技术服务": "software_it",
                "新兴服务": "emerging_services", "卫星互联网": "satellite_internet", "氢能与储能": "hydrogen_storage",
                "生物育种与生物制造": "bio_breeding", "脑科学与类脑智能": "brain_science"}
# Tongliang plan sites as the seed writes them (004 L495/L542, L564, L596/L610, L658…)
TL_SITES = ("一带一路”高新技术产业合作区", "新能源产业园", "小米生态产业园", "西部美谷")
# lines that name a site and an industry word but assign nothing (read by hand): L247 the industries belong to
# the district; L327 a digitalisation target; L447 network infrastructure; L880 a financing measure.
TL_NO_ROW = {247, 327, 447, 880}


def _seed(name: str) -> list[str]:
    p = seeds_dir() / name
    if not p.exists():
        pytest.skip(f"seed {name} absent ({seeds_dir()}): the structural checks need the plan texts")
    return p.read_text(encoding="utf-8").split("\n")


def _places() -> dict[str, tuple[str, str]]:
    with (data_dir() / "place_aliases.csv").open(encoding="utf-8") as f:
        return {normalize_text(r["alias"]): (r["place_type"], r["place_id"]) for r in csv.DictReader(f)}


def sei_key_places() -> list[tuple[int, str, int, str]]:
    """(专栏 no, title, list line, place as written) for the 14 重点区县 lists of seed 003."""
    lines = _seed(F003)
    out, box = [], None
    for i, text in enumerate(lines, start=1):
        m = re.match(r"^(?:\[bookmark:[^\]]*\])*\s*专栏\s*(\d+)\s+(\S+?)产业发展重点\s*$", text)
        if m:
            box = (int(m.group(1)), m.group(2))
        elif box and text.strip() == "重点区县":
            names = [n.strip() for n in re.split(r"[、，,]", lines[i + 1]) if n.strip()]  # two lines below
            out += [(box[0], box[1], i + 2, n) for n in names]
            box = None
    return out


def test_sei_boxes_are_all_found():
    found = {(n, title) for n, title, _, _ in sei_key_places()}
    assert {n for n, _ in found} == set(range(1, 15))
    assert {t for _, t in found} == set(BOX_INDUSTRY)
    ind = set(catalog.industries()["industry_id"])
    assert set(BOX_INDUSTRY.values()) <= ind


def test_every_sei_key_place_has_an_assignment():
    places = _places()
    a = catalog.assignments()
    keys = set(zip(a["industry_id"], a["place_type"], a["place_id"].astype(str)))
    missing, unresolved = [], []
    for n, title, line, name in sei_key_places():
        hit = places.get(normalize_text(name))
        if hit is None:
            unresolved.append((n, name))
            continue
        if (BOX_INDUSTRY[title], hit[0], hit[1]) not in keys:
            missing.append((f"专栏{n}", title, line, name))
    assert not unresolved, f"place names of seed 003 with no alias in data/place_aliases.csv: {unresolved}"
    assert not missing, f"重点区县 places without an assignment row: {missing}"


def test_sei_key_lists_count():
    # 65 (industry, place) pairs over the 14 lists (counted by hand from the seed)
    assert len(sei_key_places()) == 65


def test_every_tongliang_site_sentence_has_a_row():
    lines = _seed(F004)
    names = set(catalog.industries()["name_zh"]) | set(catalog.industry_aliases()["alias"])
    words = sorted({w for w in names if len(w) >= 3 and re.search(r"[\u4e00-\u9fff]", w)}, key=len, reverse=True)
    a = catalog.assignments()
    rows_at = set(a.loc[a["source"] == F004, "source_line"].astype(int))
    missing = []
    for i, text in enumerate(lines[:974], start=1):  # 附表2 (the project table, L975 on) is tongliang_projects
        for sent in re.split(r"(?<=。)", text):  # one sentence: up to 。 (a ； joins clauses)
            if any(s in sent for s in TL_SITES) and any(w in sent for w in words):
                if i not in rows_at and i not in TL_NO_ROW:
                    missing.append((i, sent[:60]))
    assert not missing, f"seed 004 sentences naming a Tongliang site and an industry without a row: {missing}"


def test_l511_rows_are_on_the_district_not_the_park():
    a = catalog.assignments()
    r = a[(a["source"] == F004) & (a["source_line"] == 511)]
    assert len(r) == 6 and set(r["place_id"].astype(str)) == {"500151"} and set(r["place_type"]) == {"district"}


def test_chainage_is_from_the_chongqing_end_hand_computed():
    """永川 on 成渝主轴: the along-line distance from the Chongqing end, summed node to node with pyproj.Geod
    from data/corridors.csv (independent of geoplan), equals the chainage of a point at the 永川 node."""
    geod = Geod(ellps="WGS84")
    with (data_dir() / "corridors.csv").open(encoding="utf-8") as f:
        nodes = sorted((int(r["seq"]), r["node_zh"], float(r["lon"]), float(r["lat"]))
                       for r in csv.DictReader(f) if r["corridor_id"] == "CY_MAIN")
    k = next(i for i, n in enumerate(nodes) if n[1] == "永川")
    seg = [geod.inv(a[2], a[3], b[2], b[3])[2] / 1000 for a, b in zip(nodes, nodes[1:])]
    from_cq, from_cd = sum(seg[k:]), sum(seg[:k])
    assert 60 < from_cq < 90 and 240 < from_cd < 280  # 永川 is ~74 km from Chongqing, ~259 km from Chengdu
    pt = gpd.GeoDataFrame({"name_zh": ["永川"]}, geometry=[shapely.Point(nodes[k][2], nodes[k][3])], crs=4326)
    res = corridor.corridor_proximity(pt)
    assert res["chainage_km_CY_MAIN"].iloc[0] == pytest.approx(from_cq, rel=0.01)
    assert "重庆端" in t("chainage_km", "zh") and "Chongqing end" in t("chainage_km", "en")
    assert "成都" not in t("chainage_km", "zh")


def test_seat_located_parks_close_to_a_seat_node_are_flagged():
    res = pd.DataFrame({"location_precision": ["district_seat", "district_seat", "town_center"],
                        "nearest_km": [0.3, 2.5, 0.3]})
    assert corridor.seat_artefacts(res).tolist() == [True, False, False]
