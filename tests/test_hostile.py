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
            except (TimeoutError, socket.timeout, OSError):
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
