"""`geoplan export` and `geoplan import` on the embedded layers (foundation acceptance)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from geoplan import errors
from geoplan.cli import main
from geoplan.crs import CHINA_ALBERS
from geoplan.data import layers


def _export(tmp_path, capsys, *argv):
    status = main(["export", *argv])
    return status, capsys.readouterr().err


def _need(lid: str) -> None:
    try:
        layers.load_layer(lid)
    except errors.DataError as exc:  # another module's data problem: visible in -ra, not hidden
        pytest.skip(f"layer '{lid}' does not load: {exc}")


def test_export_districts_geojson(tmp_path, capsys):
    out = tmp_path / "d.geojson"
    status, err = _export(tmp_path, capsys, "districts", "--out", str(out))
    assert status == 0, err
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert "crs" not in doc and doc["geoplan"]["layer"] == "districts" and doc["geoplan"]["source"]
    gdf = pyogrio.read_dataframe(out)
    assert len(gdf) == 38 and gdf.geometry.is_valid.all()
    assert set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}
    assert gdf["adcode"].between(500000, 509999).all() and gdf["adcode"].is_unique
    assert (gdf["name_zh"].str.len() > 0).all() and (gdf["name_en"].str.len() > 0).all()
    total = gdf.to_crs(CHINA_ALBERS).area.sum() / 1e6
    assert total == pytest.approx(82400, rel=0.01)
    tongliang = gdf.loc[gdf["name_zh"] == "铜梁区"].geometry.iloc[0]
    assert tongliang.contains(shapely.Point(106.05, 29.85))


def test_export_parks_geojson(tmp_path, capsys):
    _need("parks")
    out = tmp_path / "p.geojson"
    status, err = _export(tmp_path, capsys, "parks", "--out", str(out))
    assert status == 0, err
    gdf = gpd.read_file(out)
    assert len(gdf) >= 48 and (gdf.geom_type == "Point").all()
    for col in ("tier", "host_adcode", "location_precision", "membership_confidence"):
        assert gdf[col].notna().all() and (gdf[col].astype(str) != "").all(), col


def test_export_assignments_geojson(tmp_path, capsys):
    _need("assignments")
    out = tmp_path / "a.geojson"
    status, err = _export(tmp_path, capsys, "assignments", "--out", str(out))
    assert status == 0, err
    gdf = gpd.read_file(out)
    assert len(gdf) > 0
    for col in ("plan_id", "source", "source_line", "evidence_zh"):
        assert (gdf[col].astype(str) != "").all(), col


def test_export_several_layers_to_gpkg_in_gk(tmp_path, capsys):
    out = tmp_path / "plan.gpkg"
    status, err = _export(tmp_path, capsys, "districts", "corridors", "--out", str(out), "--crs", "gk3:36")
    assert status == 0, err
    assert {"districts", "corridors"} <= {n for n, _ in pyogrio.list_layers(out)}
    assert pyogrio.read_info(out, layer="corridors")["crs"] == "EPSG:4524"  # zone 36, prefixed
    assert json.loads(pyogrio.read_info(out, layer="districts")["layer_metadata"]["geoplan"])["crs_note"]


def test_export_precision_and_csv(tmp_path, capsys):
    out = tmp_path / "c.geojson"
    assert _export(tmp_path, capsys, "corridors", "--out", str(out), "--precision", "3")[0] == 0
    coords = shapely.get_coordinates(gpd.read_file(out).geometry.to_numpy())
    assert (abs(coords * 1000 - (coords * 1000).round()) < 1e-6).all()
    out = tmp_path / "c.txt"
    assert _export(tmp_path, capsys, "corridors", "--out", str(out), "--format", "csv")[0] == 0
    assert out.read_text(encoding="utf-8-sig").splitlines()[0].endswith("wkt")


@pytest.mark.parametrize("argv, pattern", [
    (["nowhere", "--out", "x.geojson"], r"unknown layer 'nowhere'; valid layers: .*districts.*parks"),
    (["districts", "--out", "x.kml"], r"cannot tell the format .*geojson, gpkg, shp, csv"),
    (["districts", "--out", "x.geojson", "--format", "kml"], r"unknown format 'kml'; valid formats: geojson, gpkg, shp, csv"),
    (["districts", "--out", "../x.geojson"], r"path traversal"),
    (["districts", "--out", "x.geojson", "--crs", "gk3:35"], r"always WGS84"),
    (["districts", "--out", "x.gpkg", "--crs", "gcj02"], r"never written in gcj02"),
    (["districts", "parks", "--out", "x.geojson"], r"only into a GeoPackage"),
    (["districts", "--out", "x.geojson", "--precision", "40"], r"precision 40 is out of range"),
])
def test_export_errors_are_one_line(argv, pattern, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, err = _export(tmp_path, capsys, *argv)
    assert status != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("geoplan export: error: "), err
    assert re.search(pattern, lines[0]), lines[0]
    assert list(tmp_path.iterdir()) == [] and not (tmp_path.parent / "x.geojson").exists()


def test_import_cli_writes_clean_copy(tmp_path, capsys):
    src = tmp_path / "amap.csv"
    shutil.copy(__file__.replace("test_io_cli.py", "corpus/points_gcj02_amap.csv"), src)
    out = tmp_path / "clean.gpkg"
    assert main(["import", str(src), "--crs", "gcj02", "--out", str(out)]) == 0, capsys.readouterr().err
    back = pyogrio.read_dataframe(out)
    meta = json.loads(pyogrio.read_info(out, layer="clean")["layer_metadata"]["geoplan"])
    assert meta["source"] == "amap.csv" and meta["parameters"]["crs"] == "gcj02"
    assert back.geometry.x.iloc[0] == pytest.approx(106.05, abs=1e-5)


def test_installed_command(tmp_path):
    # The console script sits beside the interpreter of the venv the suite runs in (tasks.py test
    # does not put the venv on PATH).
    beside = Path(sys.executable).with_name("geoplan")
    exe = str(beside) if beside.exists() else shutil.which("geoplan")
    if exe is None:
        pytest.skip("the geoplan entry point is not installed")
    r = subprocess.run([exe, "export", "corridors", "--out", str(tmp_path / "c.zip")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([sys.executable, "-m", "geoplan", "export", "nope", "--out", "x.geojson"],
                       capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert r.returncode != 0 and "valid layers" in r.stderr
