"""Land-output intensity: units, metrics, land-weighted aggregation, grading, benchmarks, bad input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml

from geoplan import intensity as I
from geoplan import units
from geoplan.cli import main
from geoplan.data import catalog
from geoplan.errors import InputError
from geoplan.intensity import grading
from geoplan.paths import seeds_dir


def metrics(df: pd.DataFrame, **kw) -> pd.DataFrame:
    norm, _ = I.normalise(df, **kw)
    return I.compute_metrics(norm)


# ---------------------------------------------------------------- units

def test_land_units_convert_to_mu():
    df = pd.DataFrame({"id": ["a", "b", "c", "d"]})
    for col, val in (("land_m2", 10000.0), ("land_ha", 1.0), ("land_km2", 1 / 100), ("land_mu", 15.0)):
        one = df.iloc[:1].assign(**{col: [val]})
        norm, _ = I.normalise(one)
        assert norm["land_mu"].iloc[0] == pytest.approx(15.0, rel=1e-12), col
    assert units.M2_PER_MU == pytest.approx(666.67, abs=0.005)
    assert units.LAND_TO_MU["km2"] == 1500.0


def test_money_units_and_same_result_in_any_unit():
    a = metrics(pd.DataFrame({"id": ["x"], "land_mu": [100], "output_yi": [3], "tax_wan": [500]}))
    b = metrics(pd.DataFrame({"id": ["x"], "land_m2": [100 * units.M2_PER_MU], "output_wan": [30000],
                              "tax_yuan": [5_000_000]}))
    for col in ("output_per_mu", "tax_per_mu"):
        assert a[col].iloc[0] == pytest.approx(b[col].iloc[0])
    assert a["output_per_mu"].iloc[0] == pytest.approx(300.0)  # 3 亿元 / 100 亩 = 300 万元/亩
    assert a["tax_per_mu"].iloc[0] == pytest.approx(5.0)


def test_bare_columns_need_units():
    df = pd.DataFrame({"id": ["x"], "land": [2], "output_wan": [100]})
    with pytest.raises(InputError, match="no unit"):
        I.normalise(df)
    norm, _ = I.normalise(df, land_unit="ha")
    assert norm["land_mu"].iloc[0] == pytest.approx(30.0)
    with pytest.raises(InputError, match="money unit"):
        I.normalise(pd.DataFrame({"id": ["x"], "land_mu": [2], "output": [100]}))


def test_per_row_land_unit_column():
    df = pd.DataFrame({"id": ["a", "b", "c"], "land": ["1", "15", "2"], "land_unit": ["ha", "亩", "acre"]})
    with pytest.raises(InputError, match="row 3.*land_unit"):
        I.normalise(df)
    norm, ex = I.normalise(df, on_bad="exclude")
    assert list(norm["land_mu"]) == pytest.approx([15.0, 15.0])
    assert list(ex["id"]) == ["c"]


# ---------------------------------------------------------------- metrics

def test_metrics_only_where_inputs_exist_and_never_inf():
    df = pd.DataFrame({
        "id": ["a", "b", "c"], "land_mu": [10, 20, None],
        "value_added_wan": [500, 800, 300], "employees": [50, 0, 10], "energy_tce": [None, 100, 30],
        "rd_wan": [10, None, 5], "revenue_wan": [1000, 2000, 0], "output_wan": [2000, None, 900],
    })
    m = metrics(df)
    assert m["va_per_mu"].tolist()[:2] == pytest.approx([50.0, 40.0]) and np.isnan(m["va_per_mu"].iloc[2])
    assert m["labour_productivity"].iloc[0] == pytest.approx(10.0)
    assert np.isnan(m["labour_productivity"].iloc[1])  # 0 employees: not computed
    assert "employees is 0" in m["metrics_note"].iloc[1]
    assert m["va_per_energy"].iloc[1] == pytest.approx(8.0) and np.isnan(m["va_per_energy"].iloc[0])
    assert m["rd_share_pct"].iloc[0] == pytest.approx(1.0)
    assert np.isnan(m["output_per_mu"].iloc[1]) and np.isnan(m["output_per_mu"].iloc[2])
    assert not np.isinf(m[list(I.METRICS)].to_numpy(float)).any()
    assert set(I.METRIC_LABELS["output_per_mu"]) == {"亩均产值", "output per mu", "万元/亩"}


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("land, why", [(0, "> 0"), (-5, "> 0")])
def test_zero_or_negative_land_is_named(land, why):
    df = pd.DataFrame({"id": ["ok", "bad"], "land_mu": [10, land], "output_wan": [100, 100]})
    with pytest.raises(InputError, match=rf"row 2.*{why}.*bad"):
        I.normalise(df, file="x.csv")
    norm, ex = I.normalise(df, on_bad="exclude")
    assert list(norm["id"]) == ["ok"]
    assert ex.to_dict("records") == [{"row": 2, "id": "bad", "reason": "land: land area must be > 0 (id bad)"}] \
        or (ex["row"].tolist() == [2] and "> 0" in ex["reason"].iloc[0])


def test_non_numeric_cell_and_duplicate_ids():
    df = pd.DataFrame({"id": ["a", "b"], "land_mu": ["10", "12"], "output_yi": ["1.5", "n/a"]})
    with pytest.raises(InputError) as e:
        I.normalise(df, file="t.csv")
    assert "t.csv" in str(e.value) and "row 2" in str(e.value) and "output_yi" in str(e.value)
    dup = pd.DataFrame({"id": ["a", "a"], "land_mu": [1, 2]})
    with pytest.raises(InputError, match="row 2.*duplicate id"):
        I.normalise(dup)
    norm, ex = I.normalise(dup, on_bad="exclude")
    assert len(norm) == 1 and "duplicate" in ex["reason"].iloc[0]


# ---------------------------------------------------------------- aggregation

def test_aggregate_is_land_weighted_not_mean_of_ratios():
    df = pd.DataFrame({"id": list("abcd"), "park_id": ["p", "p", "q", "q"], "land_mu": [100, 10, 50, 50],
                       "output_wan": [1000, 1000, 500, None]})
    agg = I.aggregate(metrics(df), "park_id").set_index("park_id")
    assert agg.loc["p", "output_per_mu"] == pytest.approx(2000 / 110)   # not (10 + 100) / 2
    assert agg.loc["p", "output_per_mu_base"] == 110 and agg.loc["p", "output_per_mu_n"] == 2
    # q: only the row with output counts in the base; land_mu shows all stated land
    assert agg.loc["q", "output_per_mu"] == pytest.approx(10.0)
    assert agg.loc["q", "output_per_mu_base"] == 50 and agg.loc["q", "land_mu"] == 100
    assert agg.loc["q", "n_rows"] == 2
    assert np.isnan(agg.loc["q", "tax_per_mu"]) and agg.loc["q", "tax_per_mu_n"] == 0


def test_tongliang_embedded_total():
    t = catalog.tongliang_projects()
    assert len(t) == 73
    m = metrics(t, id_col="project_id")
    assert m["output_per_mu"].notna().sum() == 64
    tot = I.aggregate(m).iloc[0]
    assert tot["output_per_mu_base"] == pytest.approx(4950.0)
    assert tot["output_per_mu_sum_output_wan"] == pytest.approx(599e4)
    assert abs(tot["output_per_mu"] - 1210) <= 1
    # an independent check: Σ output / Σ land over rows stating both, straight from the table
    both = t["land_mu"].notna() & t["annual_output_yi"].notna()
    assert tot["output_per_mu"] == pytest.approx(t.loc[both, "annual_output_yi"].sum() * 1e4
                                                 / t.loc[both, "land_mu"].sum())


def test_tongliang_rolls_up_to_district_and_region():
    m = I.attach_places(metrics(catalog.tongliang_projects(), id_col="project_id"))
    assert set(m["adcode"].dropna().astype(int)) == {500151}  # 铜梁区
    reg = I.aggregate(m, "region_id")
    assert list(reg["region_id"]) == ["new_main_urban"]
    assert reg["output_per_mu_base"].iloc[0] == pytest.approx(4950.0)


def test_evaluate_by_cluster_keeps_the_land_base():
    r = I.evaluate(catalog.tongliang_projects(), "cluster", id_col="project_id")
    t = r["table"].set_index("cluster_zh")
    assert t["output_per_mu_base"].sum() == pytest.approx(4950.0)  # clusters partition the 64 rows
    assert t["output_per_mu_n"].sum() == 64 and t["n_rows"].sum() == 73
    # Σ/Σ of the clusters' sums reproduces the total
    assert (t["output_per_mu_sum_output_wan"].sum() / t["output_per_mu_base"].sum()
            == pytest.approx(r["total"]["output_per_mu"].iloc[0]))
    with pytest.raises(InputError, match="level"):
        I.evaluate(catalog.tongliang_projects(), "county")


# ---------------------------------------------------------------- benchmarks

def test_municipal_target_from_seed_000():
    t = I.municipal_output_target().set_index("year")
    assert t.loc[2019, "yi_per_km2"] == 85 and t.loc[2020, "yi_per_km2"] == 86.5 and t.loc[2022, "yi_per_km2"] == 89.5
    assert t.loc[2022, "wan_per_mu"] == pytest.approx(89.5 * 1e4 / 1500)
    b = I.benchmark_municipal(pd.DataFrame({"output_per_mu": [596.6666667, 1193.3333333]}))
    assert b["vs_target_2022"].tolist() == pytest.approx([1.0, 2.0])


def test_seed_000_line_states_the_target():
    path = next(iter(sorted(seeds_dir().glob("000_*.txt"))), None) if seeds_dir().exists() else None
    if path is None:
        pytest.skip(f"seeds not available at {seeds_dir()}")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert I.TARGET_INDICATOR_ZH in lines[183 - 1]
    assert [lines[i].strip() for i in (183, 184, 185)] == ["85", "86.5", "89.5"]


def test_floors_pass_fail(tmp_path):
    f = tmp_path / "floors.csv"
    f.write_text("# my floors\npark_id,industry_id,investment_per_mu_min,tax_per_mu_min,output_per_mu_min\n"
                 "p,*,100,5,300\np,nev,200,,\n", encoding="utf-8")
    floors = I.read_floors(f)
    df = pd.DataFrame({"id": ["a", "b", "c", "d"], "park_id": ["p", "p", "p", "z"],
                       "industry_id": ["food", "nev", "food", "food"], "land_mu": [10, 10, 10, 10],
                       "investment_wan": [1500, 1500, 500, 1], "output_wan": [4000, 4000, 4000, 1]})
    r = I.check_floors(metrics(df), floors).set_index("id")
    assert r.loc["a", "floor_status"] == "pass"
    assert r.loc["b", "floor_investment_per_mu"] == 200 and r.loc["b", "floor_status"] == "fail"
    assert not r.loc["c", "floor_investment_per_mu_pass"]  # 50 < 100
    assert r.loc["d", "floor_status"] == "no_floor"
    assert pd.isna(r.loc["a", "floor_tax_per_mu_pass"])  # no tax stated: neither pass nor fail


def test_example_floors_table_is_marked_as_example():
    from geoplan.commands.intensity import EXAMPLE_FLOORS

    text = EXAMPLE_FLOORS.read_text(encoding="utf-8")
    assert text.startswith("# EXAMPLE ONLY") and "NOT CHONGQING POLICY" in text
    floors = I.read_floors(EXAMPLE_FLOORS)
    assert floors["status"].str.startswith("EXAMPLE").all()
    assert set(floors["park_id"]) <= set(catalog.parks()["park_id"])


# ---------------------------------------------------------------- grading

def test_percentile_shares_default_25_45_25_5():
    cfg = grading.load_config()
    s = cfg["schemes"][cfg["default"]]
    assert s["kind"] == "percentile" and s["shares"] == {"A": 25, "B": 45, "C": 25, "D": 5}
    df = pd.DataFrame({"output_per_mu": np.arange(20, 0, -1, dtype=float).tolist() + [np.nan]})
    g = grading.grade(df)
    assert g["grade"].tolist()[:20] == ["A"] * 5 + ["B"] * 9 + ["C"] * 5 + ["D"]
    assert g["grade"].iloc[20] == "" and g["grade_note"].iloc[20] == "no output_per_mu"
    tied = grading.grade(pd.DataFrame({"output_per_mu": [5.0] * 4}))
    assert set(tied["grade"]) == {"A"}
    few = grading.grade(pd.DataFrame({"output_per_mu": [5.0, 3.0]}))  # min_count 4 in the config
    assert set(few["grade"]) == {""} and "only 2 rows" in few["grade_note"].iloc[0]


def test_zhejiang_weighted_scheme_is_labelled_and_scores():
    cfg = grading.load_config()
    s = cfg["schemes"]["zhejiang_huangyan"]
    assert "not Chongqing policy" in s["label_en"] and "非重庆政策" in s["label_zh"]
    assert sum(v["weight"] for v in s["indicators"].values()) == 100 and len(s["indicators"]) == 6
    at_bench = {k: v["benchmark"] for k, v in s["indicators"].items()}
    df = pd.DataFrame([at_bench, {k: 2 * v for k, v in at_bench.items()},
                       {**{k: v for k, v in at_bench.items()}, "va_per_emission": np.nan}])
    g = grading.grade(df, "zhejiang_huangyan", cfg)
    # at the benchmark on all six → 100; double → 200; emissions missing → gets the mean item score
    assert g["grade_score"].tolist() == pytest.approx([100.0, 200.0, 100.0 + 0.5 * 10])
    cut = {**s, "grade_by": "cutoffs", "cutoffs": {"A": 150, "B": 100, "C": 60}}
    g2 = grading.grade(df, "x", {"schemes": {"x": cut}})
    assert g2["grade"].tolist() == ["B", "A", "B"]


def test_bad_grading_config_is_rejected(tmp_path):
    p = tmp_path / "g.yaml"
    p.write_text(yaml.safe_dump({"schemes": {"s": {"kind": "percentile", "metric": "output_per_mu",
                                                   "shares": {"A": 30, "B": 45, "C": 20, "D": 10}}}}))
    with pytest.raises(InputError, match="summing to 100"):
        grading.load_config(p)
    with pytest.raises(InputError, match="not one of"):
        grading.grade(pd.DataFrame({"output_per_mu": [1.0]}), "nope")


# ---------------------------------------------------------------- CLI

def test_cli_project_json_acceptance(capsys):
    assert main(["intensity", "--level", "project", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    rows = out["rows"]
    assert len(rows) == 73
    with_value = [r for r in rows if r["output_per_mu"] is not None]
    assert len(with_value) == 64
    assert all(r["land_mu"] is not None and r["output_wan"] is not None for r in with_value)
    assert abs(out["total"]["output_per_mu"] - 1210) <= 1 and out["total"]["output_per_mu_base"] == 4950
    assert out["figures_note"].startswith("plan guidance figures")
    assert out["metric_labels"]["output_per_mu"]["zh"] == "亩均产值"


def test_cli_district_and_region_levels_from_adcodes(tmp_path, capsys):
    f = tmp_path / "d.csv"
    f.write_text("id,adcode,land_km2,output_yi\nx,500151,1,90\ny,500151,1,180\nz,500101,2,100\n",
                 encoding="utf-8")
    assert main(["intensity", "--input", str(f), "--level", "district", "--format", "json"]) == 0
    rows = {r["adcode"]: r for r in json.loads(capsys.readouterr().out)["rows"]}
    # 铜梁: (90 + 180) 亿元 / 3,000 亩 = 900 万元/亩; 135 亿元/km² against the 89.5 target
    assert rows[500151]["output_per_mu"] == pytest.approx(900.0) and rows[500151]["name_zh"] == "铜梁区"
    assert rows[500151]["vs_target_2022"] == pytest.approx(135 / 89.5)
    assert main(["intensity", "--input", str(f), "--level", "region", "--format", "json"]) == 0
    regions = {r["region_id"] for r in json.loads(capsys.readouterr().out)["rows"]}
    assert regions == {"new_main_urban", "ne_three_gorges"}
    f.write_text("id,adcode,land_mu,output_yi\nx,510101,1,1\n", encoding="utf-8")
    assert main(["intensity", "--input", str(f), "--level", "region"]) == 2
    assert "510101" in capsys.readouterr().err


def test_geometry_locates_the_district(tmp_path, capsys):
    from geoplan.corridor import points_gdf

    seat = catalog.districts().set_index("adcode").loc[500151]
    gdf = points_gdf([seat["seat_lon"], 108.39], [seat["seat_lat"], 30.81], id=["a", "b"],
                     land_mu=[10.0, 20.0], output_wan=[5000.0, 4000.0])
    m = I.attach_places(metrics(gdf))
    assert m["adcode"].tolist() == [500151, 500101]  # 铜梁区, 万州区
    assert hasattr(m, "geometry")  # a GeoDataFrame stays one
    f = tmp_path / "pts.csv"
    f.write_text(f"id,lon,lat,land_mu,output_wan\na,{seat['seat_lon']},{seat['seat_lat']},10,5000\n",
                 encoding="utf-8")
    assert main(["intensity", "--input", str(f), "--crs", "wgs84", "--level", "district", "--format", "csv"]) == 0
    assert "500151" in capsys.readouterr().out


def test_cli_input_file_and_bad_row(tmp_path, capsys):
    f = tmp_path / "firms.csv"
    f.write_text("id,park_id,land_ha,output_wan,tax_wan\nf1,tongliang_gaoxin,2,6000,90\n"
                 "f2,tongliang_gaoxin,1,1500,x\n", encoding="utf-8")
    assert main(["intensity", "--input", str(f), "--level", "project"]) == 2
    assert "row 2" in capsys.readouterr().err
    assert main(["intensity", "--input", str(f), "--level", "park", "--exclude-bad", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["excluded"][0]["id"] == "f2"
    assert out["rows"][0]["output_per_mu"] == pytest.approx(6000 / 30) and out["rows"][0]["n_rows"] == 1
