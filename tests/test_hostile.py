"""Hostile input round 2 (issue 18): GDAL sniffing (local file read / SSRF), spec bombs, formula and
Markdown injection, output targets, values that must be refused. Every payload is built here by hand."""

from __future__ import annotations

import io as _io
import json
import os
import socket
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from geoplan import io
from geoplan.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


class Listener:
    """A loopback TCP listener on a random port that records every connection it gets."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits: list[bytes] = []
        self._stop = False
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            conn.settimeout(0.5)
            try:
                self.hits.append(conn.recv(4096) or b"<connect>")
            except OSError:
                self.hits.append(b"<connect>")
            conn.close()

    def close(self) -> list[bytes]:
        self._stop = True
        self._t.join(2)
        self.sock.close()
        return self.hits


@pytest.fixture()
def listener():
    lst = Listener()
    yield lst
    lst.close()


def vrt_passwd() -> bytes:
    return (b'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>CSV:/etc/passwd</SrcDataSource>'
            b'<GeometryType>wkbNone</GeometryType></OGRVRTLayer></OGRVRTDataSource>')


def vrt_curl(port: int) -> bytes:
    return (f'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/vsicurl/http://127.0.0.1:{port}/x.csv'
            f'</SrcDataSource><GeometryType>wkbNone</GeometryType></OGRVRTLayer></OGRVRTDataSource>').encode()


def zipped(member: str, data: bytes) -> bytes:
    buf = _io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(member, data)
        zf.writestr(member[:-4] + ".dbf", b"\x03" + b"\x00" * 31 + b"\x0d")
        zf.writestr(member[:-4] + ".shx", data)
    return buf.getvalue()


PAYLOAD_NAMES = ["x.geojson", "x.json", "x.gpkg", "parks.zip"]


def payloads(port: int) -> list[tuple[str, bytes]]:
    out = []
    for body in (vrt_passwd(), vrt_curl(port)):
        for name in PAYLOAD_NAMES:
            out.append((name, zipped("parks.shp", body) if name.endswith(".zip") else body))
    return out


def _assert_no_leak(text: str) -> None:
    assert "root:" not in text and "/bin/" not in text and "nologin" not in text


def test_vrt_and_vsicurl_payloads_refused_through_api(listener, tmp_path):
    for name, data in payloads(listener.port):
        with pytest.raises(InputError) as ei:
            io.import_bytes(data, name, crs="wgs84")
        _assert_no_leak(str(ei.value))
        p = tmp_path / name
        p.write_bytes(data)
        with pytest.raises(InputError) as ei:
            io.import_file(p, crs="wgs84")
        _assert_no_leak(str(ei.value))
    assert listener.close() == []


def test_vsi_and_prefix_paths_refused(listener, tmp_path):
    for path in (f"/vsicurl/http://127.0.0.1:{listener.port}/x.csv", f"/vsicurl/http://127.0.0.1:{listener.port}/x.geojson",
                 "CSV:/etc/passwd", "/vsizip//tmp/a.zip/x.shp", "GeoJSON:/etc/passwd.geojson"):
        with pytest.raises(InputError, match="virtual path|unsupported"):
            io.import_file(path, crs="wgs84")
    assert listener.close() == []


def test_plain_shapefile_with_vrt_content_refused(tmp_path):
    (tmp_path / "parks.shp").write_bytes(vrt_passwd())
    (tmp_path / "parks.dbf").write_bytes(b"\x03" + b"\x00" * 31 + b"\x0d")
    with pytest.raises(InputError, match="Shapefile"):
        io.import_file(tmp_path / "parks.shp", crs="wgs84")


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geoplan", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_vrt_and_vsicurl_payloads_refused_through_cli(listener, tmp_path):
    for i, (name, data) in enumerate(payloads(listener.port)):
        src = tmp_path / f"{i}_{name}"
        src.write_bytes(data)
        out = tmp_path / f"leak{i}.csv"
        r = _cli("import", str(src), "--crs", "wgs84", "--out", str(out), cwd=tmp_path)
        assert r.returncode != 0 and "Traceback" not in r.stderr, r.stderr
        assert not out.exists()
        _assert_no_leak(r.stdout + r.stderr)
        if i in (0, 4):  # one of each payload through site-select --candidates too
            r = _cli("site-select", "--industry", "汽车", "--land-mu", "100", "--candidates", str(src), cwd=tmp_path)
            assert r.returncode != 0 and "Traceback" not in r.stderr, r.stderr
            _assert_no_leak(r.stdout + r.stderr)
    assert listener.close() == []


def test_real_geojson_still_reads(tmp_path):
    fc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "a"},
          "geometry": {"type": "Point", "coordinates": [106.5, 29.5]}}]}
    gdf, _ = io.import_bytes(json.dumps(fc).encode(), "ok.geojson", crs="wgs84")
    assert list(gdf["name"]) == ["a"]


# ---------------------------------------------------------------- specs (YAML/JSON)
from geoplan.config import safe_json, safe_yaml  # noqa: E402
from geoplan.siting.spec import SiteSpec, load_spec, spec_from_bytes  # noqa: E402

BASE = {"industry": "汽车", "land_mu": 100}


@pytest.mark.parametrize("doc, match", [
    (b'{"industry": "a", "land_mu": 1, "land_mu": 5}', "duplicate key 'land_mu'"),
    (b'{"industry": "a", "land_mu": NaN}', "NaN is not valid JSON"),
    (b'{"industry": "a", "land_mu": Infinity}', "Infinity is not valid JSON"),
    (b'{"industry": "a", "land_mu": -Infinity}', "Infinity is not valid JSON"),
    (b"[" * 100_000 + b"]" * 100_000, "at most"),
    (b"[" * 21 + b"]" * 21, "nested deeper than 20"),
    ('{"industry": "汽车"}'.encode("gbk"), "GBK"),
])
def test_json_spec_refusals(doc, match):
    with pytest.raises(InputError, match=match):
        spec_from_bytes(doc, "s.json")


def test_safe_json_depth_limit_is_exact():
    assert safe_json("[" * 20 + "]" * 20) is not None
    with pytest.raises(InputError):
        safe_json("[" * 21 + "]" * 21)
    with pytest.raises(InputError, match="nested"):  # 100k deep but under a large size cap: no RecursionError
        safe_json("[" * 100_000 + "]" * 100_000, max_bytes=10**6)
    with pytest.raises(InputError, match="nested"):
        safe_yaml("[" * 100_000 + "]" * 100_000, max_bytes=10**6)


def test_yaml_spec_gbk_folder_and_size(tmp_path):
    p = tmp_path / "gbk.yaml"
    p.write_bytes("industry: 汽车\nland_mu: 100\n".encode("gbk"))
    with pytest.raises(InputError, match="GBK"):
        load_spec(p)
    with pytest.raises(InputError, match="folder"):
        load_spec(tmp_path)
    big = tmp_path / "big.yaml"
    big.write_bytes(b"industry: a\nland_mu: 1\n#" + b"x" * 70_000)
    with pytest.raises(InputError, match="65,536"):
        load_spec(big)


@pytest.mark.parametrize("field, value, match", [
    ("land_mu", 1e308, "outside"), ("land_mu", float("inf"), "finite"), ("land_mu", 5e-324, "outside"),
    ("land_mu", True, "true/false"), ("land_mu", 0.001, "outside"),
    ("weights", {"corridor": float("inf")}, "finite"), ("weights", {"corridor": 1e308}, "0 to 1000"),
    ("weights", {"corridor": [1, 2]}, "expected a number"), ("weights", {"corridor": "abc"}, "expected a number"),
    ("weights", [1, 2], "must map"), ("weights", "abc", "must map"),
    ("top", float("inf"), "finite"), ("top", 2.5, "whole number"), ("top", 1001, "at most 1000"),
])
def test_spec_values_refused(field, value, match):
    with pytest.raises(InputError, match=match):
        SiteSpec.from_dict({**BASE, field: value})


def test_spec_bounds_pinned():
    assert SiteSpec.from_dict({**BASE, "land_mu": 1 / 666.6667}).land_mu > 0  # 1 m² exactly: accepted
    assert SiteSpec.from_dict({**BASE, "land_mu": 82_400 * 1500}).land_mu == 123_600_000
    assert SiteSpec.from_dict({**BASE, "weights": {"corridor": 1000}}).weights["corridor"] == 1000
    assert SiteSpec.from_dict({**BASE, "top": 1000}).top == 1000
    with pytest.raises(InputError):
        SiteSpec.from_dict({**BASE, "land_mu": 82_400 * 1500 * 1.0001})


def test_yaml_spec_values_through_cli(tmp_path):
    for body, match in [("land_mu: .inf", "finite"), ("land_mu: true", "true/false"),
                        ("land_mu: 100\nweights: [1, 2]", "must map"), ("land_mu: 100\ntop: .inf", "finite")]:
        spec = tmp_path / "s.yaml"
        spec.write_text(f"industry: 汽车\n{body}\n", encoding="utf-8")
        r = _cli("site-select", "--spec", str(spec), cwd=tmp_path)
        assert r.returncode == 2 and match in r.stderr and "Traceback" not in r.stderr, r.stderr
    r = _cli("site-select", "--spec", str(tmp_path), cwd=tmp_path)
    assert r.returncode == 2 and "folder" in r.stderr


def test_save_spec_is_atomic_and_says_where(tmp_path):
    r = _cli("site-select", "--industry", "汽车", "--land-mu", "100", "--save-spec", "out.yaml", "--top", "1",
             cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert f"spec written to {tmp_path / 'out.yaml'}" in r.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]  # no .part left
    assert load_spec(tmp_path / "out.yaml").land_mu == 100


# ---------------------------------------------------------------- formula injection
from geoplan.io.validate import neutralise_formula, terminal_text  # noqa: E402


@pytest.mark.parametrize("cell, expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("园区", "园区"), ("a=b", "a=b"), ("", ""), (-3.5, -3.5), (0, 0), (None, None),
])
def test_neutralise_formula(cell, expected):
    assert neutralise_formula(cell) == expected


def test_csv_export_neutralises_text_not_numbers(tmp_path):
    import geopandas as gpd
    import pandas as pd
    import shapely

    g = gpd.GeoDataFrame({"name": ["=HYPERLINK(\"http://127.0.0.1/\")", "@SUM(A1)", "ok"], "v_wan": [-5.0, 1.0, 2.0]},
                         geometry=[shapely.Point(106.5, 29.5)] * 3, crs=4326)
    out = io.write_layer(g, tmp_path / "f.csv")
    back = pd.read_csv(out, encoding="utf-8-sig")
    assert back["name"].tolist() == ["'=HYPERLINK(\"http://127.0.0.1/\")", "'@SUM(A1)", "ok"]
    assert back["v_wan"].tolist() == [-5.0, 1.0, 2.0]  # a negative number stays a number


def test_intensity_csv_output_neutralised(tmp_path):
    src = tmp_path / "t.csv"
    src.write_text('name,land_mu,output_wan\n"=HYPERLINK(""http://x"")",100,30000\n+cmd,50,5000\n', encoding="utf-8")
    r = _cli("intensity", "--input", str(src), "--format", "csv", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[1].startswith("\"'=HYPERLINK(") and lines[2].startswith("'+cmd,")
    assert ",300.0," in lines[1]  # 30000 万元 / 100 亩 = 300 万元/亩, a plain number


def test_intensity_refuses_negative_output(tmp_path):
    src = tmp_path / "t.csv"
    src.write_text("name,land_mu,output_wan\na,100,-300000\n", encoding="utf-8")
    r = _cli("intensity", "--input", str(src), cwd=tmp_path)
    assert r.returncode == 2 and "negative" in r.stderr and "row 1" in r.stderr, r.stderr


def test_json_output_has_no_bare_nan(tmp_path):
    src = tmp_path / "t.csv"
    src.write_text("name,land_mu,output_wan,tax_wan\na,100,30000,\nb,0.0001,1e308,\n", encoding="utf-8")
    r = _cli("intensity", "--input", str(src), "--format", "json", "--exclude-bad", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "NaN" not in r.stdout and "Infinity" not in r.stdout
    json.loads(r.stdout)


# ---------------------------------------------------------------- output targets
def _points_csv(tmp_path: Path) -> Path:
    src = tmp_path / "pts.csv"
    src.write_text("name,lon,lat\na,106.5,29.5\n", encoding="utf-8")
    return src


@pytest.mark.parametrize("out, match", [
    ("fifo", "not a regular file"), (".", "folder"),
    ("a" * 300 + ".geojson", "too long for the file system"), ("a\nb.geojson", "control characters"),
    ("a\x1b[31m.geojson", "control characters"),
])
def test_out_targets_refused(tmp_path, out, match):
    # a FIFO stands in for /dev/full: the mutation run must never be able to replace a real device
    src = _points_csv(tmp_path)
    os.mkfifo(tmp_path / "fifo")
    before = {p.name for p in tmp_path.iterdir()}
    r = _cli("import", str(src), "--crs", "wgs84", "--out", out, "--format", "geojson", cwd=tmp_path)
    assert r.returncode == 2 and match in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert {p.name for p in tmp_path.iterdir()} == before  # no .part, nothing written
    assert (tmp_path / "fifo").is_fifo()


def test_out_equal_to_input_refused(tmp_path):
    src = _points_csv(tmp_path)
    text = src.read_text()
    r = _cli("import", str(src), "--crs", "wgs84", "--out", "pts.csv", cwd=tmp_path)
    assert r.returncode == 2 and "is the input file" in r.stderr
    assert src.read_text() == text


def test_max_mb_nan_refused(tmp_path):
    src = _points_csv(tmp_path)
    for v in ("nan", "inf", "-1"):
        r = _cli("import", str(src), "--crs", "wgs84", "--max-mb", v, "--out", "o.geojson", cwd=tmp_path)
        assert r.returncode == 2 and "--max-mb" in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_terminal_text_strips_escapes_and_cuts():
    assert terminal_text("a\x1b[31mred\x1b[0m\nb") == "a?red??b"
    long = terminal_text("x" * 10_000_000)
    assert len(long) < 2100 and "more characters" in long


def test_cli_error_strips_escape_codes_from_file_names(tmp_path):
    name = "evil\x1b]0;pwned\x07\nname.geojson"
    (tmp_path / name).write_bytes(b"<OGRVRTDataSource/>")
    r = _cli("import", name, "--crs", "wgs84", "--out", "o.geojson", cwd=tmp_path)
    assert r.returncode == 2 and "\x1b" not in r.stderr and r.stderr.count("\n") == 1, repr(r.stderr)


def test_cli_echo_of_long_industry_is_cut(tmp_path):
    r = _cli("site-select", "--industry", "汽" * 30_000, "--land-mu", "100", cwd=tmp_path)
    assert len(r.stderr) < 5000 and "Traceback" not in r.stderr


# ---------------------------------------------------------------- files GDAL/pandas would get wrong
def test_zip_errors_are_messages(tmp_path):
    import geopandas as gpd
    import shapely

    g = gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.Point(106.5, 29.5)], crs=4326)
    g.to_file(tmp_path / "p.shp")
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w") as zf:
        for ext in ("shp", "shx", "dbf", "prj"):
            zf.write(tmp_path / f"p.{ext}", f"p.{ext}")
    raw = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo("p.shp")
    off = info.header_offset + 30 + len(info.filename) + 8  # a byte inside the stored .shp data
    crc = bytearray(raw)
    crc[off] ^= 0xFF
    method = bytearray(raw)
    method[info.header_offset + 8] = 99  # local header compression method
    cd = raw.rfind(b"PK\x01\x02")
    pw = bytearray(raw)
    pw[info.header_offset + 6] |= 1  # "encrypted" flag in the local header …
    first_cd = raw.find(b"PK\x01\x02")
    pw[first_cd + 8] |= 1  # … and in the central directory
    method[first_cd + 10] = 99
    assert cd > 0
    for name, data, match in [("crc.zip", crc, "CRC|corrupt|cannot"), ("m99.zip", method, "compression"),
                              ("pw.zip", pw, "password")]:
        p = tmp_path / name
        p.write_bytes(bytes(data))
        with pytest.raises(InputError, match=match):
            io.import_file(p)


def test_gbk_dbf_with_utf8_cpg(tmp_path):
    import geopandas as gpd
    import shapely

    g = gpd.GeoDataFrame({"name": ["重庆园区"]}, geometry=[shapely.Point(106.5, 29.5)], crs=4326)
    g.to_file(tmp_path / "g.shp", encoding="gbk")
    (tmp_path / "g.cpg").write_text("UTF-8")
    with pytest.raises(InputError, match="cpg.*UTF-8.*GBK"):
        io.import_file(tmp_path / "g.shp")


def test_shapefile_export_of_10000_columns(tmp_path):
    import geopandas as gpd
    import shapely

    g = gpd.GeoDataFrame({f"c{i}": [i] for i in range(10_000)}, geometry=[shapely.Point(106.5, 29.5)], crs=4326)
    with pytest.raises(InputError, match="at most 255"):
        io.write_layer(g, tmp_path / "wide.zip")
    assert list(tmp_path.iterdir()) == []


def test_hidden_first_sheet_is_reported(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "secret"
    ws.append(["name", "lon", "lat"])
    ws.append(["hidden row", 106.5, 29.5])
    ws.sheet_state = "hidden"
    ws2 = wb.create_sheet("data")
    ws2.append(["name", "lon", "lat"])
    ws2.append(["shown", 106.6, 29.6])
    wb.save(tmp_path / "h.xlsx")
    gdf, report = io.import_file(tmp_path / "h.xlsx", crs="wgs84")
    assert gdf["name"].tolist() == ["shown"]
    assert "hidden_sheet" in report.kinds() and "'data'" in str(report.warnings[0])


def test_huge_xlsx_gets_size_message_not_zip_bomb(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("data")
    ws.append(["name", "lon", "lat"])
    for i in range(60_000):
        ws.append([f"row {i}", 106.5, 29.5])
    wb.save(tmp_path / "big.xlsx")
    with pytest.raises(InputError) as ei:
        io.import_file(tmp_path / "big.xlsx", crs="wgs84", max_bytes=2_000_000)
    assert "zip bomb" not in str(ei.value) and "save it as CSV" in str(ei.value)


def test_nul_in_name_and_unknown_crs_member(tmp_path):
    from geoplan.errors import CRSError

    nul = '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"ab\\u0000cd"},' \
          '"geometry":{"type":"Point","coordinates":[106.5,29.5]}}]}'
    with pytest.raises(InputError, match="NUL"):
        io.import_bytes(nul.encode(), "n.geojson", crs="wgs84")
    crs = '{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::999999"}},' \
          '"features":[{"type":"Feature","properties":{"name":"a"},"geometry":{"type":"Point","coordinates":[106.5,29.5]}}]}'
    with pytest.raises(CRSError, match="'crs' member"):
        io.import_bytes(crs.encode(), "c.geojson")


def test_floors_value_not_a_number(tmp_path):
    f = tmp_path / "fl.csv"
    f.write_text("park_id,industry_id,investment_per_mu_min\ntongliang_gaoxin,*,很高\n", encoding="utf-8")
    r = _cli("site-select", "--industry", "汽车", "--land-mu", "100", "--floors", str(f), cwd=tmp_path)
    assert r.returncode == 2 and "很高" in r.stderr and "row 1" in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_malformed_grading_config(tmp_path):
    g = tmp_path / "g.yaml"
    g.write_text("schemes: [1, 2\n", encoding="utf-8")
    r = _cli("intensity", "--grading-config", str(g), cwd=tmp_path)
    assert r.returncode == 2 and "g.yaml" in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_corpus_formula_cells_through_cli_to_csv(tmp_path):
    sys.path.insert(0, str(ROOT / "tests" / "corpus"))
    try:
        import make_corpus
    finally:
        sys.path.remove(str(ROOT / "tests" / "corpus"))
    make_corpus.build(tmp_path / "c")
    r = _cli("import", str(tmp_path / "c" / "formula_cells.csv"), "--crs", "wgs84", "--out", "f.csv", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    import pandas as pd

    names = pd.read_csv(tmp_path / "f.csv", encoding="utf-8-sig")["name"].tolist()
    assert names == ["'=HYPERLINK(\"http://127.0.0.1:9/x\",\"click\")", "'+cmd|' /C calc'!A0", "'@SUM(A1)"]
