"""The plan tables of data/: completeness, ids, places, Tongliang project totals, build failure modes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
import shapely

from geoplan.data import catalog
from geoplan.paths import PROJECT_ROOT, data_dir, reference_dir, seeds_dir

CQ_ADCODES = {500101, 500102, 500103, 500104, 500105, 500106, 500107, 500108, 500109, 500110, 500111, 500112,
              500113, 500114, 500115, 500116, 500117, 500118, 500119, 500120, 500151, 500152, 500153, 500154,
              500155, 500156, 500229, 500230, 500231, 500233, 500235, 500236, 500237, 500238, 500240, 500241,
              500242, 500243}
BOUNDARIES = data_dir() / "boundaries" / "districts.geojson"


@pytest.fixture(scope="module")
def parks():
    return catalog.parks()


def test_parks_rows_and_required_fields(parks) -> None:
    assert len(parks) >= 48
    for col in ("park_id", "name_zh", "name_en", "tier", "level_zh", "lead_industries_zh", "industry_ids",
                "location_precision", "location_source", "membership_confidence", "membership_source", "source"):
        empty = parks.loc[parks[col].astype(str).str.strip() == "", "park_id"].tolist()
        assert not empty, f"parks.csv: empty {col} for {empty}"
    assert parks["park_id"].is_unique
    assert parks["park_id"].str.fullmatch(r"[a-z0-9_]+").all()


def test_parks_tiers_confidence_and_precision(parks) -> None:
    assert set(parks["tier"]) <= {"2", "10", "36", "other"}
    assert (parks["tier"] == "2").sum() == 2 and (parks["tier"] == "10").sum() == 6 and (parks["tier"] == "36").sum() == 36
    conf = parks.groupby("tier")["membership_confidence"].agg(set)
    assert conf["2"] == {"inferred"} and conf["10"] == {"inferred"}  # issue 11: no seed assigns tiers
    assert conf["36"] <= {"candidate_high", "candidate_medium", "candidate_low"}
    assert conf["other"] == {"not_member"}
    assert set(parks["location_precision"]) <= {"park_center", "town_center", "district_seat"}


def test_park_host_adcodes_are_chongqing_districts(parks) -> None:
    assert set(parks["host_adcode"].astype(int)) <= CQ_ADCODES
    assert int(parks.set_index("park_id").at["wansheng", "host_adcode"]) == 500110  # 万盛 → 綦江


def test_tongliang_parts(parks) -> None:
    p = parks.set_index("park_id")
    parts = p[p["parent_park_id"] == "tongliang_gaoxin"]
    assert set(parts.index) == {"tongliang_zone_electronics", "tongliang_zone_equipment", "tongliang_zone_materials",
                                "tongliang_zone_health", "tongliang_dami"}
    assert (parts["source_line"].astype(int) == 225).all()
    assert "tl_lithium" in parts.at["tongliang_zone_materials", "industry_ids"].split(";")
    assert set(parts.at["tongliang_dami", "industry_ids"].split(";")) == {"electronics", "equipment", "new_materials"}


def test_park_industry_ids_exist(parks) -> None:
    known = set(catalog.industries()["industry_id"])
    used = {i for s in parks["industry_ids"] for i in s.split(";")}
    assert used <= known, used - known


@pytest.mark.skipif(not BOUNDARIES.exists(), reason="data/boundaries/districts.geojson not built yet")
def test_park_points_lie_in_their_host_district(parks) -> None:
    d = catalog.districts().set_index("adcode")
    polys = d.loc[parks["host_adcode"].astype(int)].geometry.to_numpy()
    inside = shapely.covers(polys, parks.geometry.to_numpy())
    assert inside.all(), parks.loc[~inside, ["park_id", "host_adcode", "lon", "lat"]].to_string()
    seat = parks["location_precision"] == "district_seat"
    seats = d.loc[parks.loc[seat, "host_adcode"].astype(int), ["seat_lon", "seat_lat"]].to_numpy(float)
    assert abs(seats - parks.loc[seat, ["lon", "lat"]].to_numpy(float)).max() < 1e-5


@pytest.mark.skipif(not BOUNDARIES.exists(), reason="data/boundaries/districts.geojson not built yet")
def test_yiqu_liangqun_members_match_the_boundaries() -> None:
    d = catalog.districts()
    for rid in ("central_urban", "new_main_urban", "ne_three_gorges", "se_wuling"):
        assert set(catalog.region_members(rid)) == set(d.loc[d["region_id"] == rid, "adcode"]), rid


def test_regions() -> None:
    r = catalog.regions_table().set_index("region_id")
    sizes = {k: len(catalog.region_members(k)) for k in ("central_urban", "new_main_urban", "ne_three_gorges", "se_wuling")}
    assert sizes == {"central_urban": 9, "new_main_urban": 12, "ne_three_gorges": 11, "se_wuling": 6}
    assert r.at["wing_north", "member_adcodes"] == "" and "no member" in r.at["wing_north", "members_note"]
    assert "500231" in r.at["agg_area_liangjiang", "partial_adcodes"].split(";")
    assert "500231" not in r.at["agg_area_liangjiang", "member_adcodes"].split(";")
    assert "outside knowledge" in r.at["wan_kai_yun", "members_note"]
    codes = {int(c) for col in ("member_adcodes", "partial_adcodes") for s in r[col] for c in s.split(";") if c}
    assert codes <= CQ_ADCODES


def test_every_assignment_place_and_industry_resolves() -> None:
    a = catalog.assignments()
    parks = set(catalog.parks()["park_id"])
    regions = set(catalog.regions_table()["region_id"])
    ok = ((a["place_type"] == "park") & a["place_id"].isin(parks)) | \
         ((a["place_type"] == "region") & a["place_id"].isin(regions)) | \
         ((a["place_type"] == "district") & a["place_id"].isin({str(c) for c in CQ_ADCODES}))
    assert ok.all(), a.loc[~ok, ["assignment_id", "place_zh", "place_type", "place_id"]].to_string()
    assert a["industry_id"].isin(set(catalog.industries()["industry_id"])).all()
    assert a["assignment_id"].is_unique and set(a["strength"]) == {"lead", "listed"}
    assert {"action_2019_2022", "chains_2021_2025", "mfg_14th_fyp", "svc_opening_pilot", "sei_14th_fyp",
            "tongliang_mfg_14th_fyp"} == set(a["plan_id"])


def test_place_aliases_point_to_existing_places() -> None:
    pa = catalog.place_aliases()
    valid = {("park", p) for p in catalog.parks()["park_id"]} | {("region", r) for r in catalog.regions_table()["region_id"]} \
        | {("district", str(c)) for c in CQ_ADCODES}
    pairs = set(zip(pa["place_type"], pa["place_id"]))
    assert pairs <= valid, pairs - valid
    assert pa["alias"].is_unique


def test_tongliang_project_totals_from_the_file() -> None:
    p = catalog.tongliang_projects()
    assert len(p) == 73 and list(p["project_id"]) == [f"TL{i:02d}" for i in range(1, 74)]
    both = p.dropna(subset=["land_mu", "annual_output_yi"])
    assert len(both) == 64
    assert both["land_mu"].sum() == pytest.approx(4950)
    assert both["annual_output_yi"].sum() == pytest.approx(599)
    assert both["annual_output_yi"].sum() * 1e4 / both["land_mu"].sum() == pytest.approx(1210, abs=1)  # 万元/亩
    assert set(p["host_park_id"]) == {"tongliang_gaoxin"} and p["figures_note"].str.contains("指导性").all()


def test_corridors_and_targets() -> None:
    c = catalog.corridor_nodes()
    assert set(c["corridor_id"]) == {"CY_MAIN", "CY_MID", "CSY"} and (c["node_precision"] != "").all()
    assert (c.sort_values("seq").groupby("corridor_id")["node_zh"].first().str.startswith("成都")).all()
    t = catalog.targets()
    assert t["target_id"].is_unique
    land = t[(t["indicator_zh"] == "园区规模工业用地产出强度") & (t["source"].str.startswith("000"))]
    assert sorted(land["value"].astype(float)) == [85.0, 86.5, 89.5]
    assert set(land["source_line"]) == {184, 185, 186} and land["note"].str.contains("183").all()


@pytest.mark.skipif(not (seeds_dir().exists() and reference_dir().exists()), reason="../shared seeds/reference absent")
def test_build_fails_loudly_on_bad_evidence_or_unknown_place(tmp_path) -> None:
    shared = tmp_path / "shared"
    shutil.copytree(seeds_dir(), shared / "seeds")
    shutil.copytree(reference_dir(), shared / "reference")
    f = shared / "reference" / "industry_district_assignments_002.csv"
    f.chmod(0o644)
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("推动中心城区加速发展战略性新兴产业", "推动中心城区加速发展未来产业", 1), encoding="utf-8")
    g = shared / "reference" / "industry_district_assignments_000_001_003.csv"
    g.chmod(0o644)
    g.write_text(g.read_text(encoding="utf-8").replace(",沙坪坝区,district,", ",火星区,district,", 1), encoding="utf-8")
    env = dict(os.environ, GEOPLAN_SHARED_DIR=str(shared), GEOPLAN_DATA_DIR=str(tmp_path / "data"))
    res = subprocess.run([sys.executable, str(PROJECT_ROOT / "scripts" / "build_plan_data.py")], env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode != 0
    assert "industry_district_assignments_002.csv row 2" in res.stderr
    assert "industry_district_assignments_000_001_003.csv row 2: place '火星区' resolves to nothing" in res.stderr
    assert not (tmp_path / "data" / "assignments.csv").exists()


@pytest.mark.skipif(not (seeds_dir().exists() and reference_dir().exists()), reason="../shared seeds/reference absent")
def test_build_reproduces_the_committed_tables(tmp_path) -> None:
    """data/ is exactly what scripts/build_plan_data.py makes from ../shared (no hand edits)."""
    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data" / "boundaries", data / "boundaries")  # seats for district_seat parks
    env = dict(os.environ, GEOPLAN_DATA_DIR=str(data))
    res = subprocess.run([sys.executable, str(PROJECT_ROOT / "scripts" / "build_plan_data.py")], env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    built = sorted(p.name for p in data.glob("*.csv"))
    assert len(built) >= 9
    for name in built:
        assert (data / name).read_bytes() == (PROJECT_ROOT / "data" / name).read_bytes(), f"data/{name} differs from a rebuild"
