"""Exports are named as asked (issue 15): ``--out a.shp`` writes the plain Shapefile set, ``--out a.zip``
the zipped set; both open in GDAL's own ``ogrinfo`` (not only through geoplan's reader)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest

from app_pages import common
from geoplan import errors, io
from geoplan.cli import main
from geoplan.data import layers

OGRINFO = shutil.which("ogrinfo") or "/usr/bin/ogrinfo"
pytestmark = pytest.mark.skipif(not shutil.which(OGRINFO), reason="ogrinfo (gdal-bin) not installed")


def _ogrinfo(target: str) -> str:
    done = subprocess.run([OGRINFO, "-ro", "-so", "-al", target], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _count(info: str) -> int:
    return int(re.search(r"Feature Count: (\d+)", info).group(1))


def test_cli_shp_name_writes_the_shapefile_set(tmp_path, capsys):
    out = tmp_path / "a.shp"
    assert main(["export", "districts", "--format", "shp", "--out", str(out)]) == 0, capsys.readouterr().err
    names = {p.name for p in tmp_path.iterdir()}
    assert {"a.shp", "a.shx", "a.dbf", "a.prj", "a.cpg"} <= names
    assert not zipfile.is_zipfile(out)
    assert out.read_bytes()[:4] == io.shapefile.SHP_MAGIC
    assert (tmp_path / "a.cpg").read_text().strip().upper() == "UTF-8"
    info = _ogrinfo(str(out))
    assert _count(info) == 38 and "Polygon" in info
    assert not [n for n in names if n.startswith(".")]  # no temporary leftovers
    back = io.read_vector(out)  # long field names come back from a_fields.csv
    assert len(back) == 38 and "name_zh" in back.columns and "铜梁区" in set(back["name_zh"])


def test_cli_shp_extension_alone_is_enough(tmp_path, capsys):
    out = tmp_path / "parks.shp"
    assert main(["export", "parks", "--out", str(out)]) == 0, capsys.readouterr().err
    assert _count(_ogrinfo(str(out))) == len(layers.load_layer("parks"))


def test_cli_zip_name_writes_the_zipped_set(tmp_path, capsys):
    out = tmp_path / "a.zip"
    assert main(["export", "districts", "--format", "shp", "--out", str(out)]) == 0, capsys.readouterr().err
    with zipfile.ZipFile(out) as zf:
        members = set(zf.namelist())
    assert {"districts.shp", "districts.shx", "districts.dbf", "districts.prj", "districts.cpg"} <= members
    assert _count(_ogrinfo(f"/vsizip/{out}")) == 38


def test_mixed_geometry_layer_refused_as_plain_shp_but_zips(tmp_path):
    gdf = layers.load_layer("assignments")
    with pytest.raises(errors.InputError, match=r"one \.shp file holds one type.*\.zip"):
        io.write_layer(gdf, tmp_path / "as.shp")
    assert not list(tmp_path.iterdir())  # refused before anything was written
    out = io.write_layer(gdf, tmp_path / "as.zip", layer_name="assignments")
    info = _ogrinfo(f"/vsizip/{out}")
    assert sum(int(n) for n in re.findall(r"Feature Count: (\d+)", info)) == len(gdf)


def test_app_shapefile_download_is_a_zip_named_zip(tmp_path):
    d = layers.load_layer("districts")
    data = common._written_bytes(d, "shp", "districts", None)  # the bytes the app's download button sends
    assert common.EXPORT_SUFFIX["shp"] == ".zip"
    out = tmp_path / f"districts{common.EXPORT_SUFFIX['shp']}"
    out.write_bytes(data)
    with zipfile.ZipFile(out) as zf:
        assert {"districts.shp", "districts.dbf", "districts.cpg", "districts.prj"} <= set(zf.namelist())
    assert _count(_ogrinfo(f"/vsizip/{out}")) == 38
