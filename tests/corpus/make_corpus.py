"""Generate the binary cases of the bad-input corpus (zips, DBFs, GeoPackages, Excel).

Text cases are committed beside this file; binary ones are built here so that nothing opaque is
committed. ``python tests/corpus/make_corpus.py DEST`` writes them to DEST; the tests call
:func:`build` with a temporary folder.
"""

from __future__ import annotations

import sys
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

NAMES_ZH = ["铜梁高新区", "大庙组团", "两江新区"]
POINTS = [(106.05, 29.85), (106.02, 29.93), (106.57, 29.55)]


def _parks() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"park_id": ["tl", "dm", "lj"], "name_zh": NAMES_ZH},
                            geometry=shapely.points(POINTS), crs="EPSG:4326")


def _shapefile_parts(gdf: gpd.GeoDataFrame, encoding: str) -> dict[str, bytes]:
    """The files of a Shapefile written by GDAL with attribute ``encoding``, by extension."""
    with tempfile.TemporaryDirectory() as tmp:
        pyogrio.write_dataframe(gdf, Path(tmp) / "parks.shp", driver="ESRI Shapefile", encoding=encoding)
        return {p.suffix: p.read_bytes() for p in Path(tmp).iterdir()}


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def build(dest: str | Path) -> list[Path]:
    """Write every generated case into ``dest``; returns the paths."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    gbk = _shapefile_parts(_parks(), "GBK")
    dbf = bytearray(gbk[".dbf"])
    dbf[29] = 0  # many Chinese tools leave the language-driver byte empty: only the bytes tell
    base = {"parks.shp": gbk[".shp"], "parks.shx": gbk[".shx"], "parks.prj": gbk[".prj"]}
    out.append(_zip(dest / "gbk_no_cpg.zip", {**base, "parks.dbf": bytes(dbf)}))
    out.append(_zip(dest / "gbk_with_cpg.zip", {**base, "parks.dbf": bytes(dbf), "parks.cpg": b"GBK"}))
    utf8 = _shapefile_parts(_parks(), "UTF-8")
    ubase = {f"parks{k}": v for k, v in utf8.items() if k in (".shp", ".shx", ".dbf")}
    out.append(_zip(dest / "utf8_with_cpg.zip", {**ubase, "parks.prj": utf8[".prj"], "parks.cpg": b"UTF-8"}))
    out.append(_zip(dest / "no_prj.zip", {**ubase, "parks.cpg": b"UTF-8"}))
    out.append(_zip(dest / "truncated_dbf.zip", {**base, "parks.dbf": bytes(dbf[:10])}))
    # 20 MB of zeros deflate to ~20 kB: a ratio of ~1000, far beyond any real shapefile
    out.append(_zip(dest / "zip_bomb.zip", {**base, "parks.dbf": bytes(dbf), "parks.cpg": b"UTF-8",
                                            "padding.bin": b"\0" * 20_000_000}))
    out.append(_zip(dest / "zip_slip.zip", {"../../evil.shp": gbk[".shp"], "../../evil.dbf": bytes(dbf)}))
    out.append(_zip(dest / "two_shapefiles.zip", {**base, "parks.dbf": bytes(dbf),
                                                  "other.shp": gbk[".shp"], "other.shx": gbk[".shx"],
                                                  "other.dbf": bytes(dbf), "other.prj": gbk[".prj"]}))
    out.append(_zip(dest / "no_shapefile.zip", {"readme.txt": "只有说明".encode()}))
    (dest / "not_a_zip.zip").write_text("this is not a zip archive\n")
    out.append(dest / "not_a_zip.zip")
    two = dest / "two_layers.gpkg"
    two.unlink(missing_ok=True)
    pyogrio.write_dataframe(_parks(), two, layer="parks", driver="GPKG")
    pyogrio.write_dataframe(_parks().set_geometry(shapely.buffer(_parks().geometry.to_numpy(), 0.01)), two, layer="park_areas", driver="GPKG")
    out.append(two)
    one = dest / "one_layer.gpkg"
    one.unlink(missing_ok=True)
    pyogrio.write_dataframe(_parks(), one, layer="parks", driver="GPKG")
    out.append(one)
    (dest / "corrupt.gpkg").write_bytes(b"SQLite format 3\0" + b"\x13" * 200)
    out.append(dest / "corrupt.gpkg")
    # AMap (GCJ-02) points in an Excel sheet with Chinese headers
    pd.DataFrame({"名称": ["铜梁城区", "解放碑"], "经度": [106.053892, 106.5736924],
                  "纬度": [29.8474715, 29.5471169]}).to_excel(dest / "amap_points.xlsx", index=False)
    out.append(dest / "amap_points.xlsx")
    (dest / "gbk_points.csv").write_bytes("名称,经度,纬度\n铜梁城区,106.05,29.85\n".encode("gbk"))
    out.append(dest / "gbk_points.csv")
    (dest / "binary_garbage.csv").write_bytes(bytes(range(256)) * 4)
    out.append(dest / "binary_garbage.csv")
    out += _hostile_round2(dest, base, bytes(dbf), utf8)
    return out


VRT_PASSWD = (b'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>CSV:/etc/passwd</SrcDataSource>'
              b'<GeometryType>wkbNone</GeometryType></OGRVRTLayer></OGRVRTDataSource>\n')
# port 9 (discard) on loopback: nothing listens, so a request fails; the listener test is in test_hostile
VRT_CURL = (b'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/vsicurl/http://127.0.0.1:9/x.csv'
            b'</SrcDataSource><GeometryType>wkbNone</GeometryType></OGRVRTLayer></OGRVRTDataSource>\n')


def _hostile_round2(dest: Path, base: dict[str, bytes], gbk_dbf: bytes, utf8: dict[str, bytes]) -> list[Path]:
    """Issue 18: GDAL sniffing (VRT under another extension), broken zips, encodings GDAL would
    garble, hidden Excel sheets, NUL characters and unknown ``crs`` members."""
    out: list[Path] = []
    for name, body in (("vrt_passwd.geojson", VRT_PASSWD), ("vrt_passwd.json", VRT_PASSWD),
                       ("vrt_passwd.gpkg", VRT_PASSWD), ("vrt_curl.geojson", VRT_CURL)):
        (dest / name).write_bytes(body)
        out.append(dest / name)
    out.append(_zip(dest / "vrt_as_shp.zip", {"parks.shp": VRT_PASSWD, "parks.shx": VRT_PASSWD,
                                              "parks.dbf": gbk_dbf, "parks.prj": base["parks.prj"]}))
    # GBK attribute bytes, .cpg claims UTF-8
    out.append(_zip(dest / "gbk_dbf_utf8_cpg.zip", {**base, "parks.dbf": gbk_dbf, "parks.cpg": b"UTF-8"}))
    good = _zip(dest / "_good.zip", {f"parks{k}": v for k, v in utf8.items()})
    raw = good.read_bytes()
    good.unlink()
    with zipfile.ZipFile(_io_bytes(raw)) as zf:
        info = zf.getinfo("parks.shp")
    local, central = info.header_offset, raw.find(b"PK\x01\x02")
    data_at = local + 30 + len(info.filename) + 20  # a byte inside the stored .shp bytes
    for name, edits in (("bad_crc.zip", {data_at: raw[data_at] ^ 0xFF}),
                        ("method99.zip", {local + 8: 99, central + 10: 99}),
                        ("password.zip", {local + 6: raw[local + 6] | 1, central + 8: raw[central + 8] | 1})):
        b = bytearray(raw)
        for off, val in edits.items():
            b[off] = val
        (dest / name).write_bytes(bytes(b))
        out.append(dest / name)
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "隐藏"
    ws.append(["名称", "经度", "纬度"])
    ws.append(["secret", 106.5, 29.5])
    ws.sheet_state = "hidden"
    ws2 = wb.create_sheet("数据")
    ws2.append(["名称", "经度", "纬度"])
    ws2.append(["铜梁城区", 106.05, 29.85])
    wb.save(dest / "hidden_first_sheet.xlsx")
    out.append(dest / "hidden_first_sheet.xlsx")
    point = '"geometry":{"type":"Point","coordinates":[106.05,29.85]}'
    (dest / "nul_in_name.geojson").write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"铜梁\\u0000高新"},'
        + point + "}]}", encoding="utf-8")
    (dest / "unknown_crs_member.geojson").write_text(
        '{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::999999"}},'
        '"features":[{"type":"Feature","properties":{"name":"a"},' + point + "}]}", encoding="utf-8")
    (dest / "formula_cells.csv").write_text(
        'name,lon,lat\n"=HYPERLINK(""http://127.0.0.1:9/x"",""click"")",106.05,29.85\n+cmd|\' /C calc\'!A0,106.5,29.5\n'
        "@SUM(A1),106.1,29.9\n", encoding="utf-8")
    (dest / "markdown_cell.csv").write_text(
        "name,lon,lat\n![t](http://127.0.0.1:9/beacon.png),106.05,29.85\n", encoding="utf-8")
    out += [dest / n for n in ("nul_in_name.geojson", "unknown_crs_member.geojson", "formula_cells.csv",
                               "markdown_cell.csv")]
    return out


def _io_bytes(raw: bytes):
    import io

    return io.BytesIO(raw)


if __name__ == "__main__":
    for p in build(sys.argv[1] if len(sys.argv) > 1 else "corpus_generated"):
        print(p)
