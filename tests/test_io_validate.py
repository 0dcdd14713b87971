"""Validation helpers, encodings, guards, park-polygon merging and the GCJ-02 import acceptance."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from geoplan import io
from geoplan.data import catalog
from geoplan.errors import CRSError, InputError
from geoplan.io.encoding import (
    detect_dbf_encoding,
    detect_text_encoding,
    encoding_from_cpg,
    short_field_names,
    truncate_utf8,
)
from geoplan.io.validate import (
    ValidationReport,
    check_zip,
    merge_park_polygons,
    safe_layer_name,
    safe_output_path,
    safe_text,
    validate_gdf,
)

CORPUS = Path(__file__).parent / "corpus"
GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize("raw, escaped", [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ('"><img src=x onerror=alert(1)>', "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
    ("两江新区 & 'B'", "两江新区 &amp; &#x27;B&#x27;"),
    ("a\x00b\x1bc", "abc"),
    (None, ""),
    (float("nan"), ""),
    (12.5, "12.5"),
])
def test_safe_text(raw, escaped):
    assert safe_text(raw) == escaped


@pytest.mark.parametrize("name", ["../x.geojson", "a/../../x.gpkg", "..\\x.zip", "sub/..", "", "a\x00.csv"])
def test_safe_output_path_refuses(name):
    with pytest.raises(InputError):
        safe_output_path(name)


def test_safe_output_path_base_dir(tmp_path):
    assert safe_output_path("out/a.geojson", base_dir=tmp_path) == tmp_path / "out" / "a.geojson"
    with pytest.raises(InputError, match="outside"):
        safe_output_path("/etc/passwd", base_dir=tmp_path)
    assert safe_layer_name("园区 polygons/../x") == "园区_polygons_.._x"


def test_short_field_names_unique_and_short():
    names = ["membership_confidence", "membership_source", "name_zh", "location_precision", "所在区县名称"]
    m = short_field_names(names)
    assert m["name_zh"] == "name_zh"
    assert all(len(v.encode()) <= 10 for v in m.values())
    assert len({v.lower() for v in m.values()}) == len(names)
    assert truncate_utf8("铜梁高新区", 7) == "铜梁"  # never splits a character


def test_encodings():
    assert encoding_from_cpg("UTF-8\n") == "UTF-8"
    assert encoding_from_cpg("ANSI 936") == "GB18030"
    assert encoding_from_cpg("GBK") == "GB18030"
    with pytest.raises(InputError):
        encoding_from_cpg("klingon")
    assert detect_text_encoding("铜梁".encode("gbk")) == "GB18030"
    assert detect_text_encoding("铜梁".encode()) == "UTF-8"
    # a minimal DBF: header + one C field + one GBK record, language driver byte 0
    header = bytearray(32)
    header[4:8] = (1).to_bytes(4, "little")
    header[8:10] = (65).to_bytes(2, "little")
    header[10:12] = (11).to_bytes(2, "little")
    field = b"NAME".ljust(11, b"\0") + b"C" + bytes(4) + bytes([10]) + bytes(15)
    dbf = bytes(header) + field + b"\r" + b" " + "铜梁高新".encode("gbk").ljust(10)[:10]
    assert detect_dbf_encoding(dbf) == "GB18030"
    assert detect_dbf_encoding(dbf, "UTF-8") == "UTF-8"  # a .cpg wins


def test_zip_ratio_and_size(tmp_path):
    z = tmp_path / "big.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.dbf", b"\0" * 3_000_000)
    with pytest.raises(InputError, match="zip bomb"):
        check_zip(z)
    with pytest.raises(InputError, match="unpacks to"):
        check_zip(z, max_bytes=1_000_000, max_ratio=10_000)
    assert check_zip(z, max_ratio=10_000) == ["a.dbf"]


def test_validate_reports_every_problem_by_row_and_field():
    gdf = gpd.GeoDataFrame(
        {"park_id": ["a", "b", "a", ""], "approved_area_km2": ["5", "0", "x", "NaN"]},
        geometry=[shapely.Polygon([(106, 29.8), (106.1, 29.9), (106.1, 29.8), (106, 29.9)]),
                  shapely.Point(106, 29.8), None, shapely.Point(106, 29.8)], crs=4326)
    out, rep = validate_gdf(gdf, file="t.geojson", id_field="park_id")
    got = {(i.severity, i.kind, i.row, i.field) for i in rep.issues}
    assert got == {
        ("repaired", "invalid_geometry", 1, None),
        ("error", "not_positive", 2, "approved_area_km2"),
        ("error", "duplicate_id", 3, "park_id"),
        ("error", "not_numeric", 3, "approved_area_km2"),
        ("error", "null_geometry", 3, None),
        ("error", "missing_value", 4, "park_id"),
        ("warning", "nan_value", 4, "approved_area_km2"),
    }
    assert out.geometry.iloc[0].is_valid and out.geometry.iloc[0].geom_type == "MultiPolygon"
    assert out["approved_area_km2"].iloc[0] == 5.0 and np.isnan(out["approved_area_km2"].iloc[3])
    with pytest.raises(InputError, match=r"file t.geojson: 5 problem\(s\): row 2 field 'approved_area_km2'"):
        rep.raise_for_errors()
    assert ValidationReport(file="x").ok


def test_gcj02_points_land_within_1m_of_wgs84():
    """Acceptance: an AMap (GCJ-02) CSV imported as gcj02 lands within 1 m of the WGS84 points."""
    wgs = io.read_table(CORPUS / "points_wgs84.csv", crs="wgs84")
    for name, crs in (("points_gcj02_amap.csv", "gcj02"), ("points_bd09_baidu.csv", "bd09")):
        got = io.read_table(CORPUS / name, crs=crs)
        assert got.crs.to_epsg() == 4326
        _, _, dist = GEOD.inv(wgs.geometry.x.to_numpy(), wgs.geometry.y.to_numpy(),
                              got.geometry.x.to_numpy(), got.geometry.y.to_numpy())
        assert np.abs(dist).max() < 1.0, (name, dist)
        # and the raw offset really was there (hundreds of metres), so the conversion mattered
        raw = io.read_table(CORPUS / name, crs="wgs84")
        _, _, off = GEOD.inv(wgs.geometry.x.to_numpy(), wgs.geometry.y.to_numpy(),
                             raw.geometry.x.to_numpy(), raw.geometry.y.to_numpy())
        assert np.abs(off).min() > 100


def test_gk_table_matches_wgs84():
    wgs = io.read_table(CORPUS / "points_wgs84.csv", crs="wgs84")
    for name, crs in (("gk_prefixed.csv", "gk3:35"), ("gk_cm105.csv", "gk3:105")):
        got = io.read_table(CORPUS / name, crs=crs)
        _, _, d = GEOD.inv(wgs.geometry.x[:2].to_numpy(), wgs.geometry.y[:2].to_numpy(),
                           got.geometry.x.to_numpy(), got.geometry.y.to_numpy())
        assert np.abs(d).max() < 0.05


def test_declared_crs_contradicting_file_is_refused(tmp_path):
    gk = io.read_vector(CORPUS / "gk_with_crs_member.geojson")
    assert gk.geometry.iloc[0].distance(shapely.Point(106.05, 29.85)) < 1e-6
    with pytest.raises(CRSError, match="contradicts"):
        io.read_vector(CORPUS / "gk_with_crs_member.geojson", crs="gk3:36")


def test_merge_park_polygons_replace_and_complement():
    parks = catalog.parks()
    pt = parks.loc[parks["park_id"] == "tongliang_gaoxin"].geometry.iloc[0]
    square = shapely.box(pt.x - 0.02, pt.y - 0.02, pt.x + 0.02, pt.y + 0.02)
    polys = gpd.GeoDataFrame({"park_id": ["tongliang_gaoxin"]}, geometry=[square], crs=4326)
    merged = merge_park_polygons(parks, polys, mode="replace")
    assert len(merged) == len(parks)
    row = merged.loc[merged["park_id"] == "tongliang_gaoxin"].iloc[0]
    assert row.geometry.equals(square) and row["location_precision"] == "polygon"
    geod_area = abs(GEOD.geometry_area_perimeter(square)[0]) / 1e6
    assert row["polygon_area_km2"] == pytest.approx(geod_area, rel=2e-3)
    others = merged[merged["park_id"] != "tongliang_gaoxin"]
    assert (others.geom_type == "Point").all() and others["polygon_area_km2"].isna().all()
    comp = merge_park_polygons(parks, polys, mode="complement")
    assert len(comp) == len(parks) + 1
    assert (comp["geometry_kind"] == "polygon").sum() == 1 and (comp.geom_type == "Point").sum() == len(parks)
    with pytest.raises(InputError, match="unknown park_id: nowhere"):
        merge_park_polygons(parks, polys.assign(park_id="nowhere"))
    with pytest.raises(InputError, match="Polygon"):
        merge_park_polygons(parks, polys.set_geometry([pt]))


def test_imported_polygon_file_merges(tmp_path):
    gdf, rep = io.import_file(CORPUS / "park_polygons.geojson", id_field="park_id")
    merged = merge_park_polygons(catalog.parks(), gdf)
    assert (merged.geom_type == "Polygon").sum() == 1 and rep.ok


def test_table_without_coordinates_is_a_dataframe():
    df = io.read_table(CORPUS / "no_coordinates.csv")
    assert isinstance(df, pd.DataFrame) and not isinstance(df, gpd.GeoDataFrame)
    assert df["name_zh"].iloc[0] == "铜梁城区"


def test_import_bytes_for_uploads():
    data = (CORPUS / "points_gcj02_amap.csv").read_bytes()
    gdf, rep = io.import_bytes(data, "../../amap.csv", crs="gcj02")
    assert len(gdf) == 3 and rep.ok and rep.file == "../../amap.csv"
    with pytest.raises(CRSError) as exc:
        io.import_bytes(data, "amap.csv")
    assert str(exc.value).startswith("file amap.csv: ") and "/tmp" not in str(exc.value)
    with pytest.raises(InputError, match="over the limit"):
        io.import_bytes(data, "amap.csv", crs="gcj02", max_bytes=10)
    with pytest.raises(InputError, match="empty"):
        io.import_bytes(b"", "amap.csv")


def test_old_excel_is_refused_plainly(tmp_path):
    p = tmp_path / "old.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(InputError, match=r"\.xls|cannot read"):
        io.read_table(p, crs="wgs84")
