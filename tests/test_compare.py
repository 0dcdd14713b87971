"""geoplan.compare on the embedded data, against figures counted by hand from the CSV files."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from geoplan.compare import compare_places, compare_table, to_xlsx
from geoplan.errors import InputError

DATA = Path(__file__).resolve().parents[1] / "data"


def _csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


PLACES = [("park", "tongliang_gaoxin"), ("park", "liangjiang"), ("district", "500118")]


@pytest.fixture(scope="module")
def df():
    return compare_places(PLACES, lang="zh")


def test_designations_count_the_plan_rows_naming_each_place(df):
    rows = _csv("assignments.csv")
    for (pt, pid), n in zip(PLACES, df["n_designations"]):
        assert n == sum(1 for r in rows if r["place_type"] == pt and r["place_id"] == pid) > 0
    # plan titles, not seed file names
    assert "《重庆铜梁区先进制造业" in df.loc[0, "plans"]
    assert ".txt" not in "".join(df["plans"])


def test_intensity_is_sum_over_sum_of_the_tongliang_projects(df):
    num = den = inv_num = inv_den = 0.0
    for r in _csv("tongliang_projects.csv"):
        if r["host_park_id"] != "tongliang_gaoxin" or not r["land_mu"] or float(r["land_mu"]) <= 0:
            continue
        if r["annual_output_yi"]:
            num += float(r["annual_output_yi"]) * 1e4  # 亿元 → 万元
            den += float(r["land_mu"])
        if r["investment_yi"]:
            inv_num += float(r["investment_yi"]) * 1e4
            inv_den += float(r["land_mu"])
    assert df.loc[0, "output_per_mu"] == pytest.approx(num / den, rel=1e-9)
    assert df.loc[0, "investment_per_mu"] == pytest.approx(inv_num / inv_den, rel=1e-9)
    assert math.isnan(df.loc[1, "output_per_mu"]) and math.isnan(df.loc[2, "output_per_mu"])  # unknown, not 0


def test_free_land_unknown_stays_unknown_and_reads_as_such(df):
    cells = {r["park_id"]: r["available_land_mu"] for r in _csv("parks.csv")}
    assert cells["liangjiang"] == "" and math.isnan(df.loc[1, "free_land_mu"])
    zh = compare_table(df, "zh")
    assert zh.loc["可用地（亩）"].tolist() == ["未知"] * 3
    en = compare_table(compare_places(PLACES, lang="en"), "en")
    assert en.loc["Free land (mu)"].tolist() == ["unknown"] * 3
    assert list(en.columns) == ["Tongliang Hi-tech Zone (municipal)", "Chongqing Liangjiang New Area",
                                "Yongchuan District"]


def test_axis_distances_pin_boundaries(df):
    # the main axis (成渝主轴) runs through 永川区: a polygon crossed by an axis is at 0 km
    assert df.loc[2, "dist_km_CY_MAIN"] == 0.0 and df.loc[2, "nearest_corridor"] == "CY_MAIN"
    # 铜梁高新区 sits by the 成渝中线 line (铜梁 station): nearest, and within 10 km
    assert df.loc[0, "nearest_corridor"] == "CY_MID" and 0 < df.loc[0, "dist_km_CY_MID"] < 10


def test_targets_cover_tongliang_only(df):
    n_tl = sum(1 for r in _csv("targets.csv") if r["scope"] == "tongliang")
    assert df["n_targets"].tolist() == [n_tl, 0, 0] and n_tl > 0
    assert df.loc[0, "targets_status"].startswith("未知")


def test_refuses_one_place_five_places_and_unknown_ids():
    with pytest.raises(InputError):
        compare_places([("park", "liangjiang")])
    with pytest.raises(InputError):
        compare_places([("park", "liangjiang")] * 5)
    with pytest.raises(InputError, match="nowhere"):
        compare_places([("park", "liangjiang"), ("park", "nowhere")])


def test_xlsx_opens_with_the_table(df):
    import io

    table = compare_table(df, "zh")
    back = pd.read_excel(io.BytesIO(to_xlsx(table)), sheet_name="compare")
    assert list(back.columns[1:]) == list(table.columns)
    assert "未知" in back.iloc[:, 1].tolist()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_compare_page_shows_the_table_in_both_languages(lang):
    from appserver import ROOT
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    if lang == "en":
        at.sidebar.radio(key="lang").set_value("en").run()
    at.sidebar.radio(key="page" if lang == "zh" else "page__en").set_value("page_compare").run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    unknown = "未知" if lang == "zh" else "unknown"
    row = "可用地（亩）" if lang == "zh" else "Free land (mu)"
    assert table.shape[1] == 3 and table.loc[row].tolist() == [unknown] * 3
    # fewer than two places: a hint, no table
    key = "cmp_places" if lang == "zh" else "cmp_places__en"
    at.multiselect(key=key).set_value(["park:liangjiang"]).run()
    assert not at.exception and not at.dataframe
