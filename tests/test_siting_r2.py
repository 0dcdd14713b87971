"""Issue 12: plan hierarchy, one row per park, land, input resolution, reasons, pipeline allocation.

Expected values are hand-derived from the seeds and the hand-made tables below, not copied from output.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from geoplan import paths
from geoplan.data import taxonomy
from geoplan.errors import ConfigError, InputError, ResolutionError
from geoplan.siting import select_sites, siting_defaults
from geoplan.siting.allocate import allocate, greedy, read_projects
from geoplan.siting.land import land_fit, read_land
from geoplan.siting.spec import _check_hierarchy


def _rank(res, cand_id):
    s = res.scored.set_index("cand_id")
    return int(s.at[cand_id, "rank"])


# ---------------------------------------------------------------- hierarchy
def test_municipal_designation_beats_district_plan_sentence_for_the_same_industry():
    # 集成电路: seed 003 专栏1 (L55, municipal) names 重庆高新区 and 两江新区; seed 004 (the district's own
    # plan) names 铜梁's zones for 集成电路. Municipal must rank above district, whatever the weights.
    for w in ({}, {"industry_fit": 0, "corridor": 10, "intensity": 0, "tier": 0, "region_role": 0, "land_fit": 0}):
        res = select_sites({"industry": "集成电路", "land_mu": 100, "top": 60, "weights": w})
        s = res.scored.set_index("cand_id")
        assert s.at["cq_gaoxin", "support_level_reached"] == "municipal"
        assert s.at["liangjiang", "support_level_reached"] == "municipal"
        assert s.at["tongliang_gaoxin", "support_level_reached"] == "district"
        assert _rank(res, "cq_gaoxin") < _rank(res, "tongliang_gaoxin")
        assert _rank(res, "liangjiang") < _rank(res, "tongliang_gaoxin")
        # every municipal-level park scores above every district-level one
        elig = res.scored[res.scored["eligible"]]
        mun = elig.loc[elig["support_level_reached"] == "municipal", "score"]
        dis = elig.loc[elig["support_level_reached"] == "district", "score"]
        assert mun.min() > dis.max()
    top = res.explanation["ranked"][0]
    assert top["support"]["plan_level"] == "municipal" and top["support"]["plan_level_zh"] == "市级规划点名"


def test_refine_span_must_stay_below_the_gap_between_levels():
    cfg = siting_defaults()
    cfg["hierarchy"]["refine_span"] = 0.2  # gap between levels is 0.2 in the defaults
    with pytest.raises(ConfigError, match="refine_span"):
        _check_hierarchy(cfg, "siting_defaults.yaml")
    cfg["hierarchy"]["refine_span"] = 0.19
    _check_hierarchy(cfg, "siting_defaults.yaml")


def test_stability_report_shows_the_hierarchy_trade_off():
    st = select_sites({"industry": "new_materials", "land_mu": 300}).stability
    h = st["hierarchy"]
    assert len(h["top_k_with_hierarchy"]) == 5 and len(h["top_k_without_hierarchy"]) == 5
    assert 0 <= h["overlap"] <= 5


# ---------------------------------------------------------------- one row per park
def test_sub_zones_collapse_into_their_parent_park():
    res = select_sites({"industry": "集成电路", "land_mu": 100, "top": 60})
    ids = list(res.scored["cand_id"])
    assert not any(i.startswith("tongliang_zone_") or i == "tongliang_dami" for i in ids)
    assert ids.count("tongliang_gaoxin") == 1
    row = res.scored.set_index("cand_id").loc["tongliang_gaoxin"]
    # data/parks.csv: 4 集聚区 + 大庙组团 have parent_park_id = tongliang_gaoxin
    assert {z["cand_id"] for z in row["zones"]} == {"tongliang_zone_electronics", "tongliang_zone_equipment",
                                                    "tongliang_zone_materials", "tongliang_zone_health",
                                                    "tongliang_dami"}
    zoned = select_sites({"industry": "集成电路", "land_mu": 100, "top": 60, "collapse_zones": False})
    assert "tongliang_zone_electronics" in set(zoned.scored["cand_id"])


# ---------------------------------------------------------------- land
LAND = pd.DataFrame({"park_id": ["changshou_etdz", "baitao", "wansheng"],
                     "available_land_mu": ["500", "499.9", ""], "as_of": ["2026-12-01"] * 3,
                     "source": ["test table"] * 3})


def test_land_gate_passes_at_exactly_the_need_and_fails_just_below():
    res = select_sites({"industry": "new_materials", "land_mu": 500, "top": 60}, land_table=LAND)
    s = res.scored.set_index("cand_id")
    assert s.at["changshou_etdz", "gate_land"] == "pass"  # 500 = 500
    assert s.at["baitao", "gate_land"] == "fail"  # 499.9 < 500
    assert s.at["wansheng", "gate_land"] == "unknown"
    assert not bool(s.at["baitao", "eligible"])


def test_exclude_unknown_land_keeps_only_parks_with_known_land():
    res = select_sites({"industry": "new_materials", "land_mu": 500, "exclude_unknown_land": True},
                       land_table=LAND)
    assert list(res.ranked["cand_id"]) == ["changshou_etdz"]


def test_land_fit_formula_by_hand():
    cfg = {"tight_ratio": 1.5, "tight_score": 0.6, "loose_ratio": 4.0, "unknown_score": 0.5}
    got = land_fit(np.array([99, 100, 125, 150, 400, 800, np.nan]), 100, cfg)
    # r<1 → 0; r=1 → 0.6; r=1.25 → 0.6 + 0.4·0.25/0.5 = 0.8; r=1.5..4 → 1; r=8 → 4/8; unknown → 0.5
    np.testing.assert_allclose(got, [0.0, 0.6, 0.8, 1.0, 1.0, 0.5, 0.5])


def test_example_land_table_is_labelled_and_changes_rankings():
    t = read_land("example")
    assert t["source"].str.contains("ILLUSTRATIVE EXAMPLE").all()
    text = (paths.PROJECT_ROOT / "data" / "examples" / "available_land_example.csv").read_text(encoding="utf-8")
    assert text.startswith("# ILLUSTRATIVE EXAMPLE")
    big = select_sites({"industry": "nev", "land_mu": 1000, "land": "example"})
    small = select_sites({"industry": "nev", "land_mu": 50, "land": "example"})
    assert list(big.ranked["cand_id"]) != list(small.ranked["cand_id"])
    s = big.scored
    assert not (s["eligible"] & (s["available_land_mu"] < 1000)).any()
    assert any("EXAMPLE" in n for n in big.explanation["caveats"])


def test_bad_land_table_names_file_row_and_field():
    bad = pd.DataFrame({"park_id": ["a", "b"], "available_land_mu": ["10", "lots"]})
    with pytest.raises(InputError) as e:
        read_land(bad, name="my_land.csv")
    assert e.value.file == "my_land.csv" and e.value.row == 2 and e.value.field == "available_land_mu"


# ---------------------------------------------------------------- industry input
@pytest.mark.parametrize("text,expected", [("新能源汽车零部件", "nev"), ("动力电池", "nev"),
                                           ("汽摩配件", "auto_moto_parts"), ("美妆", "cosmetics")])
def test_sub_chains_resolve_to_the_finest_entry(text, expected):
    assert taxonomy.resolve_industry(text) == expected


def test_chemical_new_materials_offers_the_choice_never_a_silent_coarser_match():
    with pytest.raises(ResolutionError) as e:
        taxonomy.resolve_industry("化工新材料")
    assert set(e.value.candidates) == {"new_materials", "energy_chemicals"}
    msg = str(e.value)
    assert "新材料" in msg and "new (advanced) materials" in msg and "能源化工" in msg and "energy and chemicals" in msg


# ---------------------------------------------------------------- CLI
def _cli(*args):
    return subprocess.run([sys.executable, "-m", "geoplan", *args], capture_output=True, text=True,
                          cwd=paths.PROJECT_ROOT, timeout=120)


def test_cli_chemicals_offers_choice_and_ranks_chemical_parks_above_corridor_only_parks():
    p = _cli("site-select", "--industry", "化工新材料", "--land-mu", "500")
    assert p.returncode == 2 and "new_materials" in p.stderr and "energy_chemicals" in p.stderr
    res = select_sites({"industry": "energy_chemicals", "land_mu": 500, "top": 60})
    # 长寿经开区 (天然气化工/化工新材料) and 白涛化工园区 (天然气化工) have chemical profiles; 荣昌 and 璧山 sit on
    # the corridor with no chemical profile (data/parks.csv)
    for chem in ("changshou_etdz", "baitao"):
        for corridor_only in ("rongchang_gaoxin", "bishan_gaoxin"):
            assert _rank(res, chem) < _rank(res, corridor_only)
    p = _cli("site-select", "--industry", "能源化工", "--land-mu", "500", "--example-land")
    assert p.returncode == 0, p.stderr
    for heading in ("reasons 理由", "what would change the order", "best excluded", "caveats", "ILLUSTRATIVE EXAMPLE"):
        assert heading in p.stdout


# ---------------------------------------------------------------- reasons
def test_reasons_name_plan_titles_and_what_would_change_is_computed():
    res = select_sites({"industry": "nev", "land_mu": 300, "land": "example"})
    e = res.explanation
    assert len(e["reasons"]) == len(e["ranked"])
    first = e["reasons"][0]
    assert "《" in first["zh"] and ".txt" not in first["zh"] and ".txt" not in first["en"]
    assert "亩" in first["zh"] and "km" in first["en"]
    ranked_changes = [w for w in e["what_would_change"] if w["rank"] is not None]
    assert ranked_changes and all(w["rank"] > 3 for w in ranked_changes)
    assert all(w["changes"] for w in e["what_would_change"])
    # a park excluded only by the land gate is told how much more land it needs (need − free, by hand)
    for w in e["what_would_change"]:
        if w.get("excluded"):
            row = res.scored.set_index("cand_id").loc[w["cand_id"]]
            assert w["changes"][0]["land_mu"] == 300 and row["available_land_mu"] < 300
    assert isinstance(e["caveats"], list) and isinstance(e["excluded_plain"], list)
    assert res.caveats == e["caveats"] and res.excluded_best == e["excluded_plain"]


# ---------------------------------------------------------------- pipeline allocation
def _hand_case():
    projects = pd.DataFrame({"id": ["P1", "P2", "P3"], "industry": ["x"] * 3, "land_mu": [80.0, 60.0, 40.0],
                             "investment_yi": [None] * 3, "output_yi": [None] * 3})
    F = pd.DataFrame({"A": [0.9, 0.8, 0.7], "B": [0.85, 0.3, 0.2]}, index=["P1", "P2", "P3"])
    parks = pd.DataFrame({"park_id": ["A", "B"], "name_zh": ["甲", "乙"], "name_en": ["A", "B"],
                          "free_mu": [100.0, 100.0]})
    return projects, (F, parks)


def test_allocation_by_hand_three_projects_two_parks():
    projects, fits = _hand_case()
    a = allocate(projects, fits=fits)
    g = greedy(projects, fits=fits)
    # by hand: A holds {P2, P3} (60 + 40 = 100 ≤ 100) → 0.8 + 0.7; B holds P1 → 0.85; total 2.35
    got = dict(zip(a.assignment["project_id"], a.assignment["park_id"]))
    assert got == {"P1": "B", "P2": "A", "P3": "A"}
    assert a.total_fit == pytest.approx(2.35)
    # greedy one at a time: P1 → A (20 left), P2 → B (0.3), P3 → B (0.2): 1.4
    assert g.total_fit == pytest.approx(1.4)
    # naive greedy: everyone to A: 180 亩 booked on 100 free, total 2.4 (infeasible)
    assert g.naive_total == pytest.approx(2.4)
    assert list(g.overbooked["park_id"]) == ["A"] and g.overbooked["booked_mu"].iloc[0] == 180
    assert a.total_fit >= g.total_fit and a.max_overbooking_mu() == 0


def test_example_pipeline_never_exceeds_free_land_and_beats_greedy():
    projects = read_projects(paths.PROJECT_ROOT / "examples" / "pipeline.csv")
    assert len(projects) == 20
    from geoplan.siting.allocate import fit_matrix
    fits = fit_matrix(projects, land="example")
    a = allocate(projects, fits=fits)
    g = greedy(projects, fits=fits)
    use = a.parks
    assert (use["used_mu"] <= use["free_mu"].fillna(0) + 1e-9).all()
    assert a.total_fit >= g.total_fit - 1e-9
    assert math.isfinite(a.total_fit)


def test_project_file_errors_name_the_row_and_field(tmp_path):
    p = tmp_path / "my_projects.csv"
    p.write_text("id,industry,land_mu\nA,nev,100\nB,nev,0\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_projects(p)
    assert e.value.file == "my_projects.csv" and e.value.row == 2 and e.value.field == "land_mu"


def test_yaml_projects_with_missing_optional_fields(tmp_path):
    p = tmp_path / "pipe.yaml"
    p.write_text("projects:\n  - {id: Y1, industry: 美妆, land_mu: 60}\n"
                 "  - {id: Y2, industry: 汽摩配件, land_mu: 200, output_yi: 5}\n", encoding="utf-8")
    df = read_projects(p)
    assert list(df["id"]) == ["Y1", "Y2"] and math.isnan(df.at[0, "output_yi"]) and df.at[1, "output_yi"] == 5


def test_cli_allocate_prints_allocation_greedy_and_overbookings():
    p = _cli("allocate", "examples/pipeline.csv")
    assert p.returncode == 0, p.stderr
    assert "joint allocation" in p.stdout and "greedy" in p.stdout and "over-booking" in p.stdout
    assert "ILLUSTRATIVE EXAMPLE" in p.stdout


# ---------------------------------------------------------------- app
def test_app_siting_shows_reasons_as_text_and_pipeline_allocation():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(paths.PROJECT_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.sidebar.radio(key="page").set_value("page_siting").run()
    at.text_input(key="sit_industry").set_value("新能源汽车")
    at.button[0].click().run()
    assert not at.exception and not at.error
    md = "\n".join(str(m.value) for m in at.markdown)
    assert "理由" in md and "注意事项" in md and "《" in md
    assert any("示例数据" in str(w.value) for w in at.warning)  # example land is on by default, and says so
    run = [b for b in at.button if b.key == "sit_pipeline_run"][0]
    run.click().run()
    assert not at.exception and not at.error
    md = "\n".join(str(m.value) for m in at.markdown)
    assert "联合优化总匹配度" in md and "贪心" in md


def test_catalogue_and_plan_kinds_from_the_round2_tables(tmp_path, monkeypatch):
    """With data/park_lead_industries.csv and the kind/specific_industry columns present (contract R2):
    a catalogue lead industry lifts a park to 'catalogue'; a row with specific_industry=false or kind
    current_state never counts."""
    import shutil

    from geoplan.data import catalog

    data = tmp_path / "data"
    shutil.copytree(paths.PROJECT_ROOT / "data", data)
    (data / "park_lead_industries.csv").write_text(
        "park_id,industry_id,industry_zh,source_class,source,source_line,evidence_zh,source_title,source_url,note\n"
        "changshou_etdz,energy_chemicals,能源化工,catalogue,,,,test catalogue,,test row\n"
        "rongchang_gaoxin,energy_chemicals,能源化工,general,,,,,,general knowledge never counts\n",
        encoding="utf-8")
    a = pd.read_csv(data / "assignments.csv", dtype=str, keep_default_na=False)
    a["kind"] = "siting"
    a["specific_industry"] = "true"
    # seed 003 L177 names 长寿区 for 先进材料: mark it as a current-state sentence → no longer support
    a.loc[(a["source_line"] == "177") & (a["place_zh"] == "长寿区"), "kind"] = "current_state"
    a.to_csv(data / "assignments.csv", index=False)
    monkeypatch.setenv("GEOPLAN_DATA_DIR", str(data))
    catalog.clear_cache()
    taxonomy.clear_cache()
    try:
        res = select_sites({"industry": "energy_chemicals", "land_mu": 500, "top": 60})
        s = res.scored.set_index("cand_id")
        assert s.at["changshou_etdz", "support_level_reached"] == "catalogue"
        assert s.at["rongchang_gaoxin", "support_level_reached"] == "related"
        assert _rank(res, "changshou_etdz") == 1
        nm = select_sites({"industry": "new_materials", "land_mu": 500, "top": 60}).scored.set_index("cand_id")
        assert nm.at["changshou_etdz", "support_level_reached"] != "municipal"
        assert nm.at["baitao", "support_level_reached"] == "municipal"  # 涪陵区 is still listed (L177)
    finally:
        monkeypatch.delenv("GEOPLAN_DATA_DIR")
        catalog.clear_cache()
        taxonomy.clear_cache()


def test_weight_change_is_the_smallest_factor_strictly_above_rank_3():
    """By hand, six equal weights: rank 3 scores 1 on industry fit, the row 0.5 on corridor, both 1 on
    land fit. Raising the corridor weight ×f gives 0.5 f / (5 + f) against 1 / (5 + f): ×2.0 is a tie
    (not above), ×2.1 the smallest factor on the grid that lifts the row above."""
    from geoplan.siting.reasons import WEIGHT_FACTORS, _scorer, changes_to_enter
    from geoplan.siting.spec import siting_defaults

    cfg = siting_defaults()
    third = {"support_level_reached": "district", "designation_carrier": True}
    row = {"support_level_reached": "district", "designation_carrier": True, "available_land_mu": 500.0}
    s_third = np.array([1.0, 0, 0, 0, 0, 1.0])
    s_row = np.array([0, 0.5, 0, 0, 0, 1.0])
    w = np.ones(6)
    score = _scorer(cfg)
    w2 = w.copy()
    w2[1] = 2.0
    assert score("district", s_row, w2) == score("district", s_third, w2)  # the tie at ×2
    stack = np.repeat(w[None, :], len(WEIGHT_FACTORS), axis=0)
    stack[:, 1] *= WEIGHT_FACTORS
    many = score("district", s_row, stack)  # a stack of weights: each row as the single vector gives
    assert many.tolist() == [score("district", s_row, x) for x in stack]
    changes = changes_to_enter(row, s_row, third, s_third, w, cfg, 300.0)
    weight = [c for c in changes if c["kind"] == "weight"]
    assert [(c["criterion"], c["factor"]) for c in weight] == [("corridor", 2.1)]
    assert "2.1 倍" in weight[0]["zh"] and "×2.1" in weight[0]["en"]
