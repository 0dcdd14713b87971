"""Long library work reports progress through an optional callback (issue 15): the app passes
``st.progress``; here a list records the calls."""

from __future__ import annotations

import pytest

from geoplan import raster, siting
from geoplan.i18n import LABELS


def test_select_sites_reports_its_stages_in_order():
    calls: list[tuple[float, str]] = []
    r = siting.select_sites({"industry": "新能源汽车", "land_mu": 300, "top": 5},
                            progress=lambda f, stage: calls.append((f, stage)))
    assert len(r.ranked) == 5
    stages = [s for _, s in calls]
    assert stages[0] == "candidates" and stages[-1] == "done"
    assert {"support", "gates", "stability", "explain"} <= set(stages)
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and 0 < fractions[0] < 1
    for s in stages:  # every stage has words in both languages for the progress bar
        assert LABELS[f"siting_stage_{s}"]["zh"] and LABELS[f"siting_stage_{s}"]["en"]


def test_select_sites_without_progress_is_unchanged():
    a = siting.select_sites({"industry": "新能源汽车", "land_mu": 300, "top": 5})
    b = siting.select_sites({"industry": "新能源汽车", "land_mu": 300, "top": 5}, progress=lambda f, s: None)
    assert list(a.ranked["cand_id"]) == list(b.ranked["cand_id"])


def test_distance_raster_reports_each_block(tmp_path):
    calls: list[tuple[float, str]] = []
    # a 40 km × 30 km box around Tongliang at 2 km: 15 rows, blocks of 4 rows → 4 blocks
    raster.distance_raster(tmp_path / "d.tif", res_m=2000, bbox=(105.85, 29.7, 106.25, 29.97), block_rows=4,
                           progress=lambda f, d: calls.append((f, d)))
    fractions = [f for f, _ in calls]
    assert {d for _, d in calls} == {"distance"}
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert len(calls) >= 3  # one call per block plus the final 1.0
    assert fractions[1] == pytest.approx(1 / (len(calls) - 1))
