"""Industry and place resolution, relation levels and the assignment queries of geoplan.taxonomy."""

from __future__ import annotations

import pytest

from geoplan.data import catalog
from geoplan.data.taxonomy import (
    industries_for_place,
    industry_relation,
    normalize_text,
    places_for_industry,
    resolve_industry,
    resolve_place,
    suggest_industries,
)
from geoplan.errors import ResolutionError


def test_normalize_text() -> None:
    assert normalize_text(" 西部（重庆）科学城 ") == "西部(重庆)科学城"
    assert normalize_text("ＮＥＶ\t汽 车") == "nev汽车"


@pytest.mark.parametrize("names,expected", [
    (["汽车", "汽车摩托车", "汽车及零部件", "automobiles", "汽车摩托车产业"], "auto_moto"),
    (["汽摩配件", "汽摩零部件", "汽车零部件", "auto parts"], "auto_moto_parts"),
    (["材料", "新材料", "先进材料", "advanced materials", "材料产业"], "new_materials"),
    (["新能源汽车", "新能源和智能网联汽车", "新能源汽车和智能网联汽车", "NEV", "new energy vehicles", "ｎｅｖ"], "nev"),
    (["电子", "电子信息", "electronics"], "electronics"),
    (["印刷电路板（PCB）", "印刷电路板(PCB)", "印刷电路板 ( PCB )"], "pcb"),
])
def test_aliases_resolve_consistently(names, expected) -> None:
    assert {resolve_industry(n) for n in names} == {expected}


def test_parts_node_rolls_up_to_auto_moto() -> None:
    ind = catalog.industries().set_index("industry_id")
    assert ind.at["auto_moto_parts", "sector_id"] == "auto_moto"
    assert ind.at["nev", "sector_id"] == "auto_moto" and ind.at["nev", "kind"] == "chain"


def test_taxonomy_covers_the_plans() -> None:
    ind = catalog.industries()
    assert (ind["kind"] == "chain").sum() == 33
    assert ind["industry_id"].is_unique
    sectors = set(ind.loc[ind["kind"] == "sector", "industry_id"])
    assert {"electronics", "auto_moto", "equipment", "materials", "biomed", "consumer", "green_env", "services"} <= sectors
    chains = ind[ind["kind"] == "chain"]
    assert chains["parent_id"].isin(sectors).all() and (chains["parent_id"] == chains["sector_id"]).all()
    for name in ("新型智能终端", "氢能与储能", "卫星互联网", "大健康", "智能产业", "农副食品加工", "绿色食品"):
        resolve_industry(name)
    aliases = catalog.industry_aliases()
    assert aliases["alias"].is_unique
    assert (aliases["alias"] == aliases["alias"].map(normalize_text)).all()


def test_ambiguous_industry_lists_candidates() -> None:
    with pytest.raises(ResolutionError) as e:
        resolve_industry("新能源")
    assert {"nev", "tl_nev_core_parts"} <= set(e.value.candidates)
    assert "ambiguous" in str(e.value)


def test_unknown_industry_suggests_nearest() -> None:
    with pytest.raises(ResolutionError) as e:
        resolve_industry("汽车零件")
    assert "auto_moto_parts" in e.value.candidates
    assert "Nearest" in str(e.value) and "汽摩配件" in str(e.value)


def test_suggest_industries() -> None:
    s = suggest_industries("汽车", n=3)
    assert len(s) == 3 and s[0] == ("auto_moto", "汽车摩托车", "automobiles and motorcycles")


def test_industry_relation_levels() -> None:
    assert industry_relation("nev", "nev") == "direct"
    assert industry_relation("auto_moto", "nev") == "direct"          # descendant
    assert industry_relation("tl_nev_core_parts", "nev") == "direct"  # ancestor
    assert industry_relation("tl_smart_home", "tl_wearables") == "same_chain"
    assert industry_relation("nev", "motorcycles") == "same_sector"
    assert industry_relation("nev", "ic") is None
    with pytest.raises(ResolutionError):
        industry_relation("nev", "no_such_id")


@pytest.mark.parametrize("text,expected", [
    ("重庆高新区", ("park", "cq_gaoxin")), ("高新区", ("park", "cq_gaoxin")),
    ("西部(重庆)科学城", ("park", "cq_gaoxin")), ("西部（重庆）科学城", ("park", "cq_gaoxin")),
    ("两江新区", ("park", "liangjiang")), ("万盛经开区", ("park", "wansheng")),
    ("铜梁高新区", ("park", "tongliang_gaoxin")), ("大庙组团", ("park", "tongliang_dami")),
    ("中心城区", ("region", "central_urban")), ("主城新区", ("region", "new_main_urban")),
    ("渝东北", ("region", "ne_three_gorges")), ("渝东南武陵山区城镇群", ("region", "se_wuling")),
    ("两群", ("region", "two_groups")), ("“两群”", ("region", "two_groups")),
    ("主城都市区", ("region", "metro_area")),
    ("铜梁", ("district", "500151")), ("铜梁区", ("district", "500151")), ("万州区", ("district", "500101")),
    ("Wanzhou", ("district", "500101")), ("石柱", ("district", "500240")),
])
def test_resolve_place(text, expected) -> None:
    assert resolve_place(text) == expected


def test_unknown_and_ambiguous_places() -> None:
    with pytest.raises(ResolutionError) as e:
        resolve_place("万洲区")
    assert "500101" in e.value.candidates
    with pytest.raises(ResolutionError) as e:
        resolve_place("高新")
    assert "ambiguous" in str(e.value) and "cq_gaoxin" in e.value.candidates


def test_industries_for_place() -> None:
    t = industries_for_place("park", "tongliang_gaoxin")
    assert {"equipment", "electronics", "big_health"} <= set(t["industry_id"])
    assert "park lead industries" in set(t["source"]) and "004_efb661d1d05136fb.txt" in set(t["source"])
    d = industries_for_place("district", "500151")
    assert "park in district" in set(d["matched_via"]) and "direct" in set(d["matched_via"])
    assert set(d.loc[d["matched_via"] == "park in district", "place_id"]) >= {"tongliang_gaoxin", "tongliang_dami"}


def test_places_for_industry() -> None:
    p = places_for_industry("nev")
    assert list(dict.fromkeys(p["relation"])) == [r for r in ("direct", "same_chain", "same_sector") if r in set(p["relation"])]
    assert ("park", "liangjiang") in set(zip(p["place_type"], p["place_id"]))
    only = places_for_industry("nev", include_related=False)
    assert set(only["relation"]) == {"direct"} and len(only) < len(p)
    assert len(places_for_industry("新能源汽车")) == len(p)
