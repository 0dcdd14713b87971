"""`geoplan site-select`: the issue's acceptance command, errors, spec files and output formats."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from geoplan import paths
from geoplan.cli import main

ACCEPT = ["site-select", "--industry", "新能源汽车", "--land-mu", "300", "--format", "json"]


def run(argv, capsys):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def accept_json():
    # the console entry point, as a user types it
    p = subprocess.run([sys.executable, "-m", "geoplan", *ACCEPT], capture_output=True, text=True,
                       timeout=120, check=False)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_acceptance_command_returns_ranked_parks_with_gates_contributions_citations(accept_json):
    js = accept_json
    assert js["industry"]["id"] == "nev"
    ranked = js["ranked"]
    assert len(ranked) >= 5
    assert [c["rank"] for c in ranked] == list(range(1, len(ranked) + 1))
    for c in ranked:
        assert {"gate_industry", "gate_land", "gate_floors", "gate_corridor"} <= set(c["gates"])
        for g in c["gates"].values():
            assert g["status"] in {"pass", "fail", "unknown", "n/a"} and "value" in g
        assert c["gates"]["gate_industry"]["status"] == "pass"
        # issue 12: score = plan-level points + per-criterion contributions (within the level)
        assert abs(c["level_points"] + sum(c["contributions"].values()) - c["score"]) < 0.01
        assert c["citations"], c["cand_id"]
        assert c["location_precision"]
    assert js["stability"]["top"] and js["stability"]["perturbation"] == 0.2


def test_acceptance_citations_appear_on_their_seed_lines(accept_json):
    seeds = paths.seeds_dir()
    if not seeds.exists():
        pytest.skip(f"seed texts not found at {seeds}")
    n = 0
    for c in accept_json["ranked"]:
        for cite in c["citations"]:
            line = (seeds / cite["source"]).read_text(encoding="utf-8").splitlines()[cite["source_line"] - 1]
            assert cite["evidence_zh"] in line, (cite["source"], cite["source_line"])
            n += 1
    assert n >= len(accept_json["ranked"])


@pytest.mark.parametrize("land", ["0", "-3"])
def test_land_need_zero_or_less_is_refused(land, capsys):
    code, out, err = run(["site-select", "--industry", "新能源汽车", "--land-mu", land], capsys)
    assert code == 2 and out == ""
    assert "land_mu" in err and "more than 0" in err
    assert err.count("\n") == 1  # one plain line, no traceback


def test_unknown_industry_lists_nearest_entries(capsys):
    code, out, err = run(["site-select", "--industry", "量子咖啡机器人", "--land-mu", "10"], capsys)
    assert code == 2 and out == ""
    assert "industry" in err and ("Nearest" in err or "ambiguous" in err)


def test_missing_land_is_a_clear_error(capsys):
    code, _, err = run(["site-select", "--industry", "电子"], capsys)
    assert code == 2 and "--land-mu" in err


def test_save_spec_then_rerun_from_spec(tmp_path, capsys):
    spec = tmp_path / "q.yaml"
    argv = ["site-select", "--industry", "新能源汽车", "--land-mu", "200", "--output", "40",
            "--max-corridor-km", "30", "--region", "主城新区", "--top", "4", "--format", "json"]
    code, out1, _ = run(argv + ["--save-spec", str(spec)], capsys)
    assert code == 0 and spec.exists()
    code, out2, _ = run(["site-select", "--spec", str(spec), "--format", "json"], capsys)
    assert code == 0
    a, b = json.loads(out1), json.loads(out2)
    assert a["query"] == b["query"] and a["query"]["regions"] == ["主城新区"]
    assert [c["cand_id"] for c in a["ranked"]] == [c["cand_id"] for c in b["ranked"]]
    assert len(b["ranked"]) <= 4
    # an option given with --spec overrides the file
    code, out3, _ = run(["site-select", "--spec", str(spec), "--top", "2", "--format", "json"], capsys)
    assert len(json.loads(out3)["ranked"]) == 2


def test_weights_from_the_command_line(capsys):
    code, out, _ = run(["site-select", "--industry", "新能源汽车", "--land-mu", "300", "--weight", "corridor=1",
                        "--weight", "industry_fit=0", "--format", "json"], capsys)
    assert code == 0
    js = json.loads(out)
    assert js["query"]["weights"] == {"corridor": 1.0, "industry_fit": 0.0}
    assert js["weights"]["industry_fit"] == 0.0
    assert all(c["contributions"]["industry_fit"] == 0 for c in js["ranked"])
    code, _, err = run(["site-select", "--industry", "新能源汽车", "--land-mu", "300", "--weight", "beauty=2"], capsys)
    assert code == 2 and "unknown weight" in err


def test_geojson_and_table_formats(capsys):
    code, out, _ = run(["site-select", "--industry", "新能源汽车", "--land-mu", "300", "--top", "3",
                        "--format", "geojson"], capsys)
    assert code == 0
    gj = json.loads(out)
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == 3
    props = gj["features"][0]["properties"]
    assert props["rank"] == 1 and "gate_land" in props and "c_industry_fit" in props
    assert json.loads(props["citations"])  # lists travel as JSON text
    code, out, _ = run(["site-select", "--industry", "新能源汽车", "--land-mu", "300", "--top", "3"], capsys)
    assert code == 0
    assert "stability" in out and "approximate" in out and "L" in out
    assert sum(1 for line in out.splitlines() if line[:4].strip().isdigit()) == 3


def test_candidate_layer_from_file(tmp_path, capsys):
    import geopandas as gpd
    import shapely

    from geoplan.data import catalog

    p = catalog.parks().head(3)
    g = gpd.GeoDataFrame({"parcel_id": ["x", "y", "z"], "available_land_mu": [500, 10, None]},
                         geometry=shapely.buffer(p.geometry.to_numpy(), 0.01), crs="EPSG:4326")
    f = tmp_path / "parcels.geojson"
    g.to_file(f, driver="GeoJSON")
    code, out, err = run(["site-select", "--industry", "新能源汽车", "--land-mu", "300",
                          "--candidates", str(f), "--format", "json"], capsys)
    assert code == 0, err
    js = json.loads(out)
    assert js["n_candidates"] == 3
    gates = {c["cand_id"]: c["gates"]["gate_land"]["status"] for c in js["ranked"] + js["excluded_best"]}
    assert gates == {"x": "pass", "y": "fail", "z": "unknown"}
