"""Pins for boundaries the hand-mutation run (scripts/mutation_run.py) found unpinned (issue 18):
land gate at exactly the need, corridor score formula, project intensities, 标准地 floor at exactly
the floor, grading minimum count, default weights as documented, raster pixel-centre georeferencing.
Every expected value is computed by hand in the comment beside it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from geoplan import raster
from geoplan.intensity import grading
from geoplan.siting import criteria
from geoplan.siting.spec import default_weights


def test_land_gate_at_exactly_the_need():
    got = criteria.land_gate(np.array([100.0, 99.99, 100.01, np.nan]), 100.0)
    assert got.tolist() == ["pass", "fail", "pass", "unknown"]


def test_corridor_score_formula():
    # 1 − d/scale clipped to 0–1, scale 50 km: 0 → 1, 25 → 0.5, 50 → 0, 80 → 0 (not −0.6)
    got = criteria.corridor_score(np.array([0.0, 10.0, 25.0, 50.0, 80.0]), 50.0)
    assert got.tolist() == pytest.approx([1.0, 0.8, 0.5, 0.0, 0.0])


def test_project_metrics_units():
    # 2 亿元 investment = 20,000 万元 over 100 亩 = 200 万元/亩; 3 亿 output → 300; 50 万元 tax → 0.5
    assert criteria.project_metrics(100.0, 2.0, 3.0, 50.0) == pytest.approx(
        {"investment_per_mu": 200.0, "output_per_mu": 300.0, "tax_per_mu": 0.5})


def test_floor_gate_at_exactly_the_floor():
    floors = pd.DataFrame({"investment_per_mu": [200.0, 200.01, np.nan]})
    status, _details = criteria.floors_gate(floors, {"investment_per_mu": 200.0})
    assert list(status) == ["pass", "fail", "n/a"]


def test_grading_minimum_count_is_inclusive():
    shares = {"A": 50.0, "B": 50.0}
    score = pd.Series([4.0, 3.0, 2.0, 1.0])
    graded, note = grading._grade_by_shares(score, shares, min_count=4)  # exactly min_count rows: graded
    assert note == "" and graded.tolist() == ["A", "A", "B", "B"]
    graded, note = grading._grade_by_shares(score, shares, min_count=5)
    assert graded.tolist() == ["", "", "", ""] and "only 4 rows" in note


def test_default_weights_as_documented_in_config():
    # config/siting_defaults.yaml: industry_fit 0.35, corridor 0.20, intensity 0.15, tier 0.15, region_role 0.15,
    # land_fit 0.10 (added with the land-fit criterion of issue 12)
    assert default_weights() == pytest.approx({"industry_fit": 0.35, "corridor": 0.20, "intensity": 0.15,
                                               "tier": 0.15, "region_role": 0.15, "land_fit": 0.10})


def test_raster_cell_centres():
    g = raster.Grid(left=1000.0, top=5000.0, res=100.0, width=3, height=2)
    x, y = g.centres(0, 2)
    # first cell spans x 1000–1100, y 5000–4900: centre (1050, 4950)
    assert x[0].tolist() == [1050.0, 1150.0, 1250.0] and y[:, 0].tolist() == [4950.0, 4850.0]
    same = Transformer.from_crs(g.crs, g.crs, always_xy=True)
    mx, my = raster.metric_centres(same, g, 0, 2, lattice_m=100.0)
    assert np.asarray(mx)[0].tolist() == pytest.approx([1050.0, 1150.0, 1250.0])
    assert np.asarray(my)[:, 0].tolist() == pytest.approx([4950.0, 4850.0])


# ---------------------------------------------------------------- file-size and zip limits, pinned
import zipfile  # noqa: E402

from geoplan.errors import InputError  # noqa: E402
from geoplan.io.validate import check_file_size, check_zip  # noqa: E402


def test_file_size_limit_is_exact(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes(b"x" * 1000)
    assert check_file_size(p, 1000) == 1000  # exactly the limit: accepted
    with pytest.raises(InputError, match="over the limit"):
        check_file_size(p, 999)


def _ratio_zip(path, zeros: int, noise: int, method=zipfile.ZIP_DEFLATED):
    rng = np.random.default_rng(0)
    with zipfile.ZipFile(path, "w", method) as zf:
        zf.writestr("a.dbf", rng.integers(0, 256, noise, dtype=np.uint8).tobytes() + b"\0" * zeros)
    with zipfile.ZipFile(path) as zf:
        i = zf.getinfo("a.dbf")
    return i.file_size / i.compress_size


def test_zip_ratio_limit(tmp_path):
    z = tmp_path / "r.zip"
    ratio = _ratio_zip(z, zeros=3_000_000, noise=15_000)  # ≈ 3.0 MB / (15 kB + 3 kB) ≈ 165-fold
    assert 110 < ratio < 900
    with pytest.raises(InputError, match="zip bomb"):
        check_zip(z)  # default limit 100-fold
    assert check_zip(z, max_ratio=ratio + 1) == ["a.dbf"]


def test_zip_total_limit_is_exact(tmp_path):
    z = tmp_path / "t.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a.dbf", b"x" * 5000)
        zf.writestr("b.dbf", b"y" * 5000)
    assert check_zip(z, max_bytes=10_000) == ["a.dbf", "b.dbf"]
    with pytest.raises(InputError, match="unpacks to"):
        check_zip(z, max_bytes=9_999)


def test_xlsx_bomb_member_refused(tmp_path):
    from geoplan import io

    p = tmp_path / "b.xlsx"
    pd.DataFrame({"name": ["a"], "lon": [106.5], "lat": [29.5]}).to_excel(p, index=False)
    with zipfile.ZipFile(p, "a", zipfile.ZIP_BZIP2) as zf:  # bzip2 packs 5 MB of zeros ~100,000-fold
        zf.writestr("xl/media/pad.bin", b"\0" * 5_000_000)
    with pytest.raises(InputError, match="zip bomb"):
        io.import_file(p, crs="wgs84")
