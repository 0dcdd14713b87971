"""Composite methods, bureau uploads and 2027 targets — expected values computed by hand."""

import io
from pathlib import Path

import pandas as pd
import pytest

import geoplan.intensity as I
from geoplan.errors import ConfigError, InputError
from geoplan.intensity import targets as T

FIX = Path(__file__).parent / "fixtures"


def _upload(name: str) -> I.Upload:
    df = I.read_bureau_table((FIX / name).read_bytes(), name)
    return I.accept_upload(df, file=name)


def test_default_method_is_chongqing_without_public_weights() -> None:
    methods, default = I.load_methods()
    assert default == "chongqing_2023"
    cq = methods["chongqing_2023"]
    assert [i.metric for i in cq.indicators] == ["va_per_mu", "tax_per_mu", "va_per_energy", "rd_share_pct"]
    assert cq.doc_number == "渝府办发〔2023〕72号" and not cq.scored and not cq.classes_public


def test_jiangjin_weights_and_benchmarks_as_published() -> None:
    jj = I.load_methods()[0]["jiangjin_2022"]
    got = {i.metric: (i.weight, i.benchmark) for i in jj.indicators}
    assert got == {"output_per_mu": (40, 666), "tax_per_mu": (40, 15), "investment_per_mu": (20, 333)}
    assert jj.scoring_assumption and jj.cap_ratio == 1.0 and not jj.classes_public


def test_jiangjin_scores_by_hand_gbk_upload() -> None:
    u = _upload("intensity_gbk.csv")
    jj = I.load_methods()[0]["jiangjin_2022"]
    scored, missing = I.composite(u.table, jj, id_col="enterprise_id")
    # E1: 666/666·40 + 15/15·40 + 333/333·20 = 100
    # E2: (166.5/666)·40 + (7.5/15)·40 + (166.5/333)·20 = 10 + 20 + 10 = 40
    # E3: min(1000/666,1)·40 + (7.5/15)·40 + min(500/333,1)·20 = 40 + 20 + 20 = 80
    assert scored["composite_score"].tolist() == pytest.approx([100.0, 40.0, 80.0])
    assert scored["composite_class"].isna().all()  # classes not public
    assert missing.empty
    park = I.aggregate_composite(scored, "park_zh", jj)
    # land-weighted: (10·100 + 20·40 + 40·80) / 70 = 5000/70
    assert park["composite_score"].iloc[0] == pytest.approx(5000 / 70)


def test_chongqing_lists_enterprises_lacking_indicators() -> None:
    u = _upload("intensity_gbk.csv")
    scored, missing = I.composite(u.table, I.default_method(), id_col="enterprise_id")
    assert scored["composite_score"].isna().all()
    assert missing["id"].tolist() == ["E1", "E2", "E3"]
    assert "va_per_mu" in missing["missing"].iloc[0] and "tax_per_mu" not in missing["missing"].iloc[0]


def test_missing_indicator_is_not_scored() -> None:
    jj = I.load_methods()[0]["jiangjin_2022"]
    df = pd.DataFrame({"id": ["a", "b"], "output_per_mu": [666.0, 666.0], "tax_per_mu": [15.0, None],
                       "investment_per_mu": [333.0, 333.0]})
    scored, missing = I.composite(df, jj, id_col="id")
    assert scored["composite_score"].iloc[0] == pytest.approx(100.0)
    assert pd.isna(scored["composite_score"].iloc[1])
    assert missing.to_dict("records") == [{"id": "b", "missing": "tax_per_mu"}]


def test_method_config_errors_name_the_key(tmp_path: Path) -> None:
    p = tmp_path / "m.yaml"
    p.write_text((Path(I.methods.__file__).parents[2] / "config" / "intensity_methods.yaml").read_text(
        encoding="utf-8").replace("weight: 40, benchmark: 666", "weight: -4, benchmark: 666"), encoding="utf-8")
    with pytest.raises(ConfigError, match="output_per_mu.weight"):
        I.load_methods(p)


def test_title_row_xlsx_with_unit_row() -> None:
    u = _upload("intensity_title_row.xlsx")
    assert u.mapping["占地面积"] == "land_m2" and u.mapping["工业总产值"] == "output_yi"
    # 6666.67 m² = 10 亩 (666.667 m²/亩); 0.666 亿元 = 6660 万元 → 666 万元/亩
    assert u.table["output_per_mu"].iloc[0] == pytest.approx(666.0, rel=1e-5)
    assert u.table["tax_per_mu"].iloc[1] == pytest.approx(3.0, rel=1e-5)


def test_no_metric_column_is_refused_with_columns_listed() -> None:
    df = I.read_bureau_table((FIX / "intensity_no_metric.csv").read_bytes(), "intensity_no_metric.csv")
    with pytest.raises(InputError) as e:
        I.accept_upload(df, file="intensity_no_metric.csv")
    msg = str(e.value)
    assert "intensity_no_metric.csv" in msg and "地址" in msg and "联系人" in msg and "expected" in msg


def test_clean_bureau_csv_is_graded_not_silently_empty() -> None:
    df = pd.DataFrame({"用地面积(亩)": [10], "产值(万元)": [6660], "税收(万元)": [150]})
    u = I.accept_upload(df, file="a.csv")
    assert u.table["output_per_mu"].iloc[0] == 666.0 and u.table["tax_per_mu"].iloc[0] == 15.0


def test_mixed_file_partially_accepted() -> None:
    u = _upload("intensity_mixed.csv")
    assert u.table["name_zh"].tolist() == ["好1", "好2"]
    assert u.rejected["row"].tolist() == [2, 4] and u.rejected["id"].tolist() == ["坏1", "坏2"]


def test_ambiguous_money_column_without_unit() -> None:
    _, mapping, ambiguous = I.recognise_headers(pd.DataFrame({"用地面积(亩)": [1], "营业收入": [2]}))
    assert "营业收入" in ambiguous and "营业收入" not in mapping
    _, mapping, _ = I.recognise_headers(pd.DataFrame({"用地面积(亩)": [1], "营业收入": [2]}),
                                        overrides={"营业收入": "revenue_wan"})
    assert mapping["营业收入"] == "revenue_wan"


def test_targets_2027_have_provenance() -> None:
    t = I.targets_2027()
    assert len(t) == 11  # 12 rows, 全员劳动生产率 in two documents
    assert (t["url"] != "").all() and (t["evidence_zh"] != "").all()
    rd = t.set_index("indicator").loc["rd_share_pct"]
    assert rd["value"] == 2.0 and rd["year"] == 2027 and "2%以上" in rd["evidence_zh"]


def test_track_targets_by_hand() -> None:
    act = pd.DataFrame({"indicator": ["rd_share_pct", "rd_share_pct", "va_per_mu", "va_per_mu",
                                      "va_per_energy", "va_per_energy", "tax_per_mu"],
                        "year": [2023, 2024, 2023, 2025, 2023, 2025, 2024],
                        "value": [1.6, 1.7, 100, 110, 1.0, 1.3, 50]})
    r = I.track_targets(act, I.targets_2027()).set_index("indicator")
    # rd: required (2/1.7)^(1/3) − 1 = 5.567 %; path 1.6·1.25^(1/4) = 1.6919 ≤ 1.7 → green
    assert r.loc["rd_share_pct", "required_growth_pct"] == pytest.approx(5.567, abs=1e-3)
    assert r.loc["rd_share_pct", "status"] == "green"
    # va_per_mu growth √1.1 − 1 = 4.881 % ≥ 4 → green
    assert r.loc["va_per_mu_growth", "actual"] == pytest.approx(4.881, abs=1e-3)
    assert r.loc["va_per_mu_growth", "status"] == "green"
    # va_per_energy: path 1.0·2.24^(2/4) = 1.4967; 0.9·path = 1.347 > 1.3 → red; growth √1.3 − 1 = 14 % → green
    assert r.loc["va_per_energy", "status"] == "red"
    assert r.loc["va_per_energy_growth", "status"] == "green"
    # tax_per_mu growth: one year only → no status
    assert r.loc["tax_per_mu_growth", "status"] == ""
    assert r.loc["labour_productivity", "status"] == ""


def test_amber_boundary() -> None:
    t = I.targets_2027()
    t = t[t["indicator"] == "rd_share_pct"]
    # path at 2025 from 1.0 (2023) to 2 (2027): √2 = 1.41421; amber from 0.9·√2 = 1.27279
    for v, want in ((1.2728, "amber"), (1.2727, "red"), (1.4143, "green")):
        act = pd.DataFrame({"indicator": ["rd_share_pct"] * 2, "year": [2023, 2025], "value": [1.0, v]})
        assert T.track_targets(act, t)["status"].iloc[0] == want


def test_status_rule_is_not_policy() -> None:
    assert T.status_rule()["policy"] is False


def test_standard_land_indicators_scoped() -> None:
    from geoplan.paths import data_dir

    s = pd.read_csv(data_dir() / "standard_land_indicators.csv", dtype=str, keep_default_na=False)
    muni = s[s["scope_kind"] == "municipal"]
    assert len(muni) == 6 and (muni["value"] == "").all()
    assert set(s["scope_kind"]) == {"municipal", "parcel notice"}
    assert (s["url"] != "").all()


def test_targets_cli_json(capsys) -> None:
    from geoplan.cli import main

    assert main(["targets", "--format", "json"]) == 0
    assert '"rd_share_pct"' in capsys.readouterr().out


def test_gbk_upload_maps_every_bureau_header() -> None:
    u = _upload("intensity_gbk.csv")
    assert u.mapping == {"统一社会信用代码": "enterprise_id", "企业名称": "name_zh", "所在园区": "park_zh",
                         "用地面积(亩)": "land_mu", "工业总产值(万元)": "output_wan", "实缴税金(万元)": "tax_wan",
                         "固定资产投资(万元)": "investment_wan", "综合能耗(吨标煤)": "energy_tce",
                         "研发投入(万元)": "rd_wan", "从业人员": "employees"}
    assert u.table["energy_tce"].tolist() == [2000, 500, 8000]
    assert u.table["employees"].tolist() == [100, 40, 400]
    assert u.table["rd_wan"].tolist() == [300, 100, 1200]
    assert u.table["output_per_mu"].tolist() == pytest.approx([666.0, 166.5, 1000.0])
    assert not u.ambiguous and u.rejected.empty


def test_rejection_reasons_in_the_users_language_and_columns() -> None:
    u = _upload("intensity_mixed.csv")
    zh = I.localise_rejected(u.rejected, "zh", u.mapping)
    assert zh.columns.tolist() == ["行号", "编号", "原因"]
    assert zh["原因"].tolist() == ["「用地面积(亩)」不是数字", "「用地面积(亩)」用地面积必须大于 0"]
    en = I.localise_rejected(u.rejected, "en", u.mapping)
    assert en["reason"].tolist() == ["'用地面积(亩)' is not a number", "'用地面积(亩)': land area must be > 0"]
    assert en["row"].tolist() == [2, 4]


def test_negative_amount_and_duplicate_id_reasons() -> None:
    df = pd.DataFrame({"企业名称": ["a", "a", "b"], "用地面积(亩)": [1, 2, 3], "税收(万元)": [1, 1, -1]})
    u = I.accept_upload(df, file="x.csv")
    zh = I.localise_rejected(u.rejected, "zh", u.mapping)
    assert zh.set_index("行号")["原因"].to_dict() == {2: "「企业名称」编号重复", 3: "「税收(万元)」不能为负数"}


def test_ambiguity_reasons_worded_per_language() -> None:
    _, _, amb = I.recognise_headers(pd.DataFrame({"用地面积(亩)": [1], "营业收入": [2], "税收(千元)": [3]}))
    assert I.explain_ambiguous(amb["营业收入"], "zh") == "表头未注明单位"
    assert I.explain_ambiguous(amb["税收(千元)"], "en") == "unit '千元' not recognised"
    assert I.field_label("revenue_wan", "zh") == "营业收入（万元）" and I.field_label("", "en") == "(ignore this column)"
    assert set(I.MAPPING_TARGETS) >= {"revenue_wan", "land_m2", "year"}


def test_multiyear_trend_by_hand() -> None:
    u = _upload("intensity_multiyear.csv")
    assert u.rejected.empty and len(u.table) == 6  # one enterprise per year is not a duplicate
    ent = I.trend_table(I.trend(u.table, "output_per_mu", "enterprise_id"), "enterprise_id").set_index("enterprise_id")
    # E1: 5000/10, 6000/10, 7200/10 = 500, 600, 720 (+44 %); E2: 9000/30, 9000/30, 12000/30 = 300, 300, 400
    assert ent.loc["E1", [2022, 2023, 2024]].tolist() == pytest.approx([500, 600, 720])
    assert ent.loc["E1", "change_pct"] == pytest.approx(44.0)
    assert ent.loc["E2", "change_pct"] == pytest.approx(100 / 3)
    park = I.trend(u.table, "output_per_mu", "park_zh")
    # Σ/Σ: (5000+9000)/40 = 350, 15000/40 = 375, 19200/40 = 480 (a mean of ratios would give 560 in 2024)
    assert park["value"].tolist() == pytest.approx([350, 375, 480])
    assert park["n"].tolist() == [2, 2, 2]


def test_seed_targets_with_provenance() -> None:
    s = T.seed_targets().set_index("target_id")
    park = s[s["indicator"] == "park_output_intensity"]
    assert park["year"].tolist() == [2019, 2020, 2022] and park["value"].tolist() == [85.0, 86.5, 89.5]
    assert set(park["doc_number"]) == {"渝府发〔2019〕14号"} and park["unit"].iloc[0] == "亿元/平方公里"
    assert s.loc["T000-L0186-01", "source"] == "000_4c7d3a6e3c69ce02.txt L186"
    assert s.loc["T002-L0144-01", ["indicator", "value", "year"]].tolist() == ["rd_share_pct_above_scale", 2.0, 2025]
    assert s.loc["T002-L0141-01", "doc_number"] == "渝府发〔2021〕18号"
    allt = T.all_targets()
    assert allt["target_id"].is_unique and len(allt) == len(s) + len(I.targets_2027())


def test_past_target_year_judged_on_that_years_actual() -> None:
    t = T.all_targets()
    t = t[t["target_id"].isin(["T000-L0184-01", "T000-L0186-01"])]
    # 2022 target 89.5 亿元/km²; amber from 0.9 × 89.5 = 80.55
    for v, want in ((89.5, "green"), (89.49, "amber"), (80.55, "amber"), (80.54, "red")):
        act = pd.DataFrame({"indicator": ["park_output_intensity"] * 2, "year": [2021, 2022], "value": [70, v]})
        r = T.track_targets(act, t).set_index("target_id")
        assert r.loc["T000-L0186-01", "status"] == want, v
        assert r.loc["T000-L0186-01", "gap"] == pytest.approx(89.5 - v)
        # 2019 has no actual: no status, and the note says why
        assert r.loc["T000-L0184-01", "status"] == "" and "2019" in r.loc["T000-L0184-01", "note"]


def test_labour_productivity_2025_and_2027_by_hand() -> None:
    act = pd.DataFrame({"indicator": ["labour_productivity"] * 2, "year": [2022, 2023], "value": [37, 38]})
    r = T.track_targets(act).set_index("target_id")
    # 2025 target 40: required √(40/38) − 1 = 2.598 %; path 37·(40/37)^(1/3) = 37.974 ≤ 38 → green
    assert r.loc["T002-L0141-01", "required_growth_pct"] == pytest.approx(2.598, abs=1e-3)
    assert r.loc["T002-L0141-01", "status"] == "green"
    # 2027 target 50: required (50/38)^(1/4) − 1 = 7.102 %; path 37·(50/37)^(1/5) = 39.297, 0.9·path = 35.367
    assert r.loc["2027:labour_productivity", "required_growth_pct"] == pytest.approx(7.102, abs=1e-3)
    assert r.loc["2027:labour_productivity", "status"] == "amber"
    # the 2019/2020/2022 targets: 2022 actual 37 = target 37 → green; 2019, 2020 without actuals
    assert r.loc["T000-L0116-01", "status"] == "green"
    assert r.loc["T000-L0114-01", "status"] == ""


def test_chart_data_and_merge() -> None:
    tl, pts = T.chart_data("park_output_intensity", actuals=pd.DataFrame(
        {"indicator": ["park_output_intensity"], "year": [2021], "value": [88.0]}))
    assert tl["year"].tolist() == [2019, 2020, 2022] and pts["value"].tolist() == [88.0]
    a = T.merge_actuals(pd.DataFrame({"indicator": ["x", "x"], "year": [2022, 2023], "value": [1, 2]}),
                        pd.DataFrame({"indicator": ["x"], "year": [2023], "value": [5]}))
    assert a["value"].tolist() == [1, 5]
    assert T.merge_actuals(None, None) is None
    inds = T.tracked_indicators().set_index("indicator")
    assert {"park_output_intensity", "va_per_mu", "tax_per_mu", "rd_share_pct"} <= set(inds.index)
    assert inds.loc["va_per_mu", "unit"] == "万元/亩"


def test_targets_cli_reads_and_saves_workspace_actuals(tmp_path: Path, capsys) -> None:
    from geoplan.cli import main

    ws, csv = tmp_path / "ws.gpkg", tmp_path / "act.csv"
    csv.write_text("indicator,year,value,unit\nlabour_productivity,2022,37,万元/人\n"
                   "labour_productivity,2023,38,万元/人\n", encoding="utf-8")
    assert main(["targets", "--store", str(ws), "--actuals", str(csv), "--save", "--format", "json"]) == 0
    capsys.readouterr()
    assert main(["targets", "--store", str(ws), "--format", "csv"]) == 0  # from the workspace alone
    r = pd.read_csv(io.StringIO(capsys.readouterr().out)).set_index("target_id")
    assert r.loc["T002-L0141-01", "status"] == "green" and r.loc["2027:labour_productivity", "status"] == "amber"
    assert main(["targets", "--store", str(ws), "--no-workspace", "--format", "csv"]) == 0
    r = pd.read_csv(io.StringIO(capsys.readouterr().out)).set_index("target_id")
    assert r["status"].isna().all()


def test_intensity_cli_recognises_bureau_headers(capsys) -> None:
    import json

    from geoplan.cli import main

    assert main(["intensity", "--input", str(FIX / "intensity_gbk.csv"), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [r["output_per_mu"] for r in rows] == pytest.approx([666.0, 166.5, 1000.0])
    assert main(["intensity", "--input", str(FIX / "intensity_title_row.xlsx"), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert rows[0]["output_per_mu"] == pytest.approx(666.0, rel=1e-5)
    assert main(["intensity", "--input", str(FIX / "intensity_multiyear.csv"), "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["rows"]) == 6
    assert main(["intensity", "--input", str(FIX / "intensity_no_metric.csv")]) == 2
    err = capsys.readouterr().err
    assert "intensity_no_metric.csv" in err and "地址" in err and "expected" in err


def test_template_is_an_acceptable_upload() -> None:
    from geoplan.paths import data_dir

    data = (data_dir() / "examples" / "intensity_template.csv").read_bytes()
    u = I.accept_upload(I.read_bureau_table(data, "intensity_template.csv"), file="intensity_template.csv")
    assert not u.ambiguous and u.rejected.empty
    # 30000/50 = 600 万元/亩; 900/50 = 18; 8000/3000 = 2.667 万元/吨标煤; 600/28000 = 2.143 %
    row = u.table.iloc[0]
    assert row["output_per_mu"] == 600 and row["tax_per_mu"] == 18
    assert row["va_per_energy"] == pytest.approx(8 / 3) and row["rd_share_pct"] == pytest.approx(600 / 280)
    xlsx = I.read_bureau_table(I.template_xlsx(), "t.xlsx")
    assert xlsx.columns.tolist() == list(u.mapping)


def test_targets_cli_does_not_create_a_workspace(tmp_path: Path, monkeypatch, capsys) -> None:
    from geoplan.cli import main

    ws = tmp_path / "never.gpkg"
    monkeypatch.setenv("GEOPLAN_WORKSPACE", str(ws))
    monkeypatch.delenv("GEOPLAN_STORE", raising=False)
    assert main(["targets", "--format", "csv"]) == 0
    assert not ws.exists() and "T000-L0186-01" in capsys.readouterr().out
