"""Readers for user files: vector layers through GDAL with a per-extension driver allow-list, tables
through pandas only (CSV/Excel never reach GDAL).

GDAL picks a driver from a file's *content*, so an OGR VRT document saved as ``x.geojson`` would read
``/etc/passwd`` or fetch a ``/vsicurl/`` URL. Every vector path is therefore (1) refused when it names a
GDAL virtual file system or connection prefix, (2) sniffed (the first bytes must be what the extension
promises: JSON, SQLite, Shapefile magic), (3) opened with the driver forced (``GeoJSON:``/``GPKG:``
prefix) and (4) checked afterwards for the driver that actually opened it. Network access of GDAL
is switched off for the whole process (:data:`GDAL_SAFE_OPTIONS`).
"""

from __future__ import annotations

import io as _io
import json
import os
import re
import tempfile
import unicodedata
import warnings
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pyogrio.raw
import shapely
from pyproj import CRS

from ..crs import WGS84, ParsedCRS, convert_gdf, parse_crs
from ..errors import CRSError, InputError
from .encoding import detect_text_encoding
from .shapefile import ROW_FIELD, _shapefile_source
from .validate import (
    DEFAULT_MAX_BYTES,
    ValidationReport,
    check_file_size,
    check_region,
    check_zip,
    refuse_negative_amounts,
    safe_layer_name,
    validate_gdf,
)

VECTOR_EXTS = (".geojson", ".json", ".gpkg", ".zip", ".shp")

# extension → the only GDAL driver allowed to open it
ALLOWED_DRIVERS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GPKG", ".zip": "ESRI Shapefile",
                   ".shp": "ESRI Shapefile"}

# Process-wide: GDAL never opens a network file (/vsicurl/ and friends), never lists folders on open.
GDAL_SAFE_OPTIONS = {"CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".geoplan-no-network",
                     "GDAL_HTTP_MAX_RETRY": "0", "GDAL_HTTP_TIMEOUT": "1", "GDAL_HTTP_CONNECTTIMEOUT": "1",
                     "CPL_VSIL_CURL_NON_CACHED": "/", "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
                     "GDAL_HTTP_PROXY": "127.0.0.1:9", "GDAL_HTTP_USERPWD": None,
                     "OGR_GEOJSON_MAX_OBJ_SIZE": "200MB"}
pyogrio.set_gdal_config_options(GDAL_SAFE_OPTIONS)

_GDAL_PREFIX = re.compile(r"(^|[\\/])vsi[a-z0-9_]*([\\/]|$)|^[A-Za-z][A-Za-z0-9 _-]+:", re.IGNORECASE)
_SHP_MAGIC = b"\x00\x00\x27\x0a"
_SQLITE_MAGIC = b"SQLite format 3\x00"


def check_user_path(path: str | os.PathLike) -> None:
    """Refuse a user path that names a GDAL virtual file system (``/vsicurl/``, ``/vsizip/`` …) or a
    driver/connection prefix (``CSV:``, ``PG:``, ``GeoJSON:`` …): user input is always a plain file.
    """
    text = os.fspath(path)
    if _GDAL_PREFIX.search(text) or "\x00" in text:
        raise InputError("the file name looks like a GDAL virtual path or connection string (/vsi…, "
                         "DRIVER:…); give a plain file name", file=_short(text))


def _short(text: str, limit: int = 120) -> str:
    text = re.sub(r"[\x00-\x1f\x7f-\x9f]", "?", str(text))
    return text if len(text) <= limit else text[:limit] + "…"


def sniff_kind(head: bytes) -> str:
    """What the first bytes of a file are: ``json``, ``sqlite``, ``shp``, ``vrt``, ``xml`` or ``other``."""
    h = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(_SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(_SHP_MAGIC):
        return "shp"
    if b"<OGRVRTDataSource" in head[:4096] or b"<VRTDataset" in head[:4096]:
        return "vrt"
    if h[:1] in (b"{", b"["):
        return "json"
    if h[:1] == b"<":
        return "xml"
    return "other"


_EXPECTED = {".geojson": "json", ".json": "json", ".gpkg": "sqlite", ".shp": "shp"}
_KIND_NAME = {"json": "JSON", "sqlite": "a GeoPackage (SQLite)", "shp": "a Shapefile", "vrt": "an OGR VRT document",
              "xml": "XML", "other": "an unrecognised format"}


def check_content(head: bytes, suffix: str, file: str) -> None:
    """Refuse content that is not what ``suffix`` promises (a VRT saved as .geojson, …)."""
    want = _EXPECTED.get(suffix)
    got = sniff_kind(head)
    if want is not None and got != want:
        raise InputError(f"cannot read the file: the content is {_KIND_NAME[got]}, not {_KIND_NAME[want]} as the extension "
                         f"'{suffix}' says; refused (only {ALLOWED_DRIVERS[suffix]} is read from {suffix} files)",
                         file=file)


TABLE_EXTS = (".csv", ".txt", ".xlsx", ".xls")


# Column names for coordinates in tables from Chinese and international sources (normalised).
LON_NAMES = ("lon", "lng", "long", "longitude", "x", "经度", "东经", "经度坐标", "x坐标", "lon_wgs84")


LAT_NAMES = ("lat", "latitude", "y", "纬度", "北纬", "纬度坐标", "y坐标", "lat_wgs84")


WKT_NAMES = ("wkt", "geometry", "geom", "the_geom", "shape")


# ---------------------------------------------------------------- readers
def _declared(crs: str | ParsedCRS | None) -> ParsedCRS | None:
    if crs is None or isinstance(crs, ParsedCRS):
        return crs
    return parse_crs(crs)


def _to_wgs84(gdf: gpd.GeoDataFrame, declared: ParsedCRS | None, file_crs: Any, file: str) -> gpd.GeoDataFrame:
    """Set the CRS (declared wins over the file's only where they agree) and convert to WGS84."""

    fcrs = CRS.from_user_input(file_crs) if file_crs else None
    if declared is None:
        if fcrs is None:
            raise CRSError("the file declares no coordinate system; state it (crs= / --crs: wgs84, cgcs2000, "
                           "gcj02 for AMap/Tencent, bd09 for Baidu, EPSG:<code>, gk3:<zone>)", file=file)
        gdf = gdf.set_crs(fcrs, allow_override=True)
        return gdf if fcrs.equals(WGS84) else gdf.to_crs(WGS84)
    geographic_file = fcrs is not None and fcrs.is_geographic and fcrs.to_epsg() in (4326, 4490, None)
    # GDAL labels every GeoJSON without a "crs" member EPSG:4326; metres in it prove the label wrong
    coords = shapely.get_coordinates(gdf.geometry.to_numpy())
    not_degrees = bool(len(coords)) and bool((np.abs(coords) > [180, 90]).any())
    agree = declared.crs.is_geographic or not_degrees
    if fcrs is not None and not declared.crs.equals(fcrs) and not (geographic_file and agree):
        raise CRSError(f"the declared CRS '{declared.name}' contradicts the file's own CRS "
                       f"'{fcrs.name}'; drop --crs or fix the file", file=file)
    gdf = gdf.set_crs(declared.crs, allow_override=True)
    if declared.is_pseudo:
        return convert_gdf(gdf, declared.offset, "wgs84").set_crs(WGS84, allow_override=True)
    return gdf if declared.crs.equals(WGS84) else gdf.to_crs(WGS84)


def _geometries(wkb: np.ndarray, report: ValidationReport) -> np.ndarray:
    """Shapely geometries from GDAL's WKB; unclosed rings are closed and reported by row."""
    strict = shapely.from_wkb(wkb, on_invalid="ignore")
    lost = shapely.is_missing(strict) & pd.notna(wkb)
    if not lost.any():
        return strict
    fixed = shapely.from_wkb(wkb[lost], on_invalid="fix")
    for r, g in zip(np.flatnonzero(lost) + 1, fixed):
        if g is None:
            report.add("error", "unreadable_geometry", "the geometry cannot be read (too few points?)", row=int(r))
        else:
            report.add("repaired", "unclosed_ring", "polygon ring was not closed; closed it", row=int(r))
    strict[lost] = fixed
    return strict




def _check_geojson_text(p: Path, file: str) -> None:
    """Refuse what GDAL would silently get wrong: a NUL character (GDAL cuts the text there) and a
    ``crs`` member GDAL does not understand (it would fall back to EPSG:4326 without a word).
    """
    raw = p.read_bytes()
    if b"\\u0000" in raw or b"\x00" in raw:
        raise InputError("the file contains a NUL character (\\u0000) inside a text value; GDAL would cut the "
                         "text there — remove it (文本中含 NUL 字符)", file=file)
    if b'"crs"' not in raw:
        return
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        return  # GDAL reports the syntax error with its position
    crs = doc.get("crs") if isinstance(doc, dict) else None
    if crs is None:
        return

    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) and isinstance(
        crs.get("properties"), dict) else None
    try:
        if not isinstance(name, str):
            raise ValueError
        CRS.from_user_input(name)
    except Exception:  # noqa: BLE001 - pyproj raises CRSError or ValueError
        raise CRSError(f"the file's 'crs' member {_short(json.dumps(crs, ensure_ascii=False), 80)} is not a "
                       "coordinate system GDAL/PROJ knows; remove it and declare the CRS (--crs)", file=file) from None


def _forced(src: str, driver: str) -> str:
    """``src`` with GDAL's driver prefix, so that no other driver can claim the content."""
    return {"GeoJSON": f"GeoJSON:{src}", "GPKG": f"GPKG:{src}"}.get(driver, src)


def _check_driver(src: str, driver: str, file: str) -> None:
    """The driver that actually opens ``src`` must be the allowed one."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            got = pyogrio.read_info(_forced(src, driver)).get("driver")
    except Exception:  # noqa: BLE001 - the read that follows reports a broken file
        return
    if got is not None and got != driver:
        raise InputError(f"the file was opened by GDAL's {got} driver, not {driver}; refused", file=file)


def _read_raw(srcs: list[str], layer: str | None, enc: str | None, file: str,
              driver: str = "ESRI Shapefile") -> tuple[dict, pd.DataFrame, np.ndarray]:
    """GDAL's metadata, attribute table and WKB of one source, or of the parts of a split Shapefile."""
    tables, wkbs, meta = [], [], {}
    for src in srcs:
        _check_driver(src, driver, file)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # unclosed rings: reported later by row
                meta, _fids, wkb, fields = pyogrio.raw.read(_forced(src, driver), layer=layer, encoding=enc)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError,
                pyogrio.errors.GeometryError, RuntimeError) as exc:
            msg = "; ".join(part.strip() for part in str(exc).strip().splitlines()[0].split(";")
                            if "might help" not in part)
            raise InputError(f"cannot read the file: {msg}", file=file) from None
        if wkb is None:
            raise InputError("the layer has no geometry column; import it as a table (CSV/Excel with lon/lat)",
                             file=file)
        tables.append(pd.DataFrame({str(n): v for n, v in zip(meta["fields"], fields)}))
        wkbs.append(np.asarray(wkb, dtype=object))
    table, wkb = pd.concat(tables, ignore_index=True), np.concatenate(wkbs)
    if ROW_FIELD in table.columns:  # parts of a split Shapefile: restore the original order
        order = np.argsort(pd.to_numeric(table[ROW_FIELD]).to_numpy(), kind="stable")
        table, wkb = table.iloc[order].drop(columns=ROW_FIELD).reset_index(drop=True), wkb[order]
    return meta, table, wkb


def read_vector(path: str | os.PathLike, *, layer: str | None = None, crs: str | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES, report: ValidationReport | None = None,
                region_check: bool = True) -> gpd.GeoDataFrame:
    """Read GeoJSON, GeoPackage or (zipped) Shapefile into WGS84.

    ``crs`` declares the coordinates' system (needed when the file has none; gcj02/bd09 inputs are
    converted). The size limit is checked before reading; a GeoPackage with several layers needs
    ``layer``. Repairs and warnings go into ``report``; fatal problems raise InputError/CRSError.
    """
    p = Path(path)
    file = str(p)
    report = report if report is not None else ValidationReport(file=file)
    suffix = p.suffix.lower()
    if suffix not in VECTOR_EXTS:
        raise InputError(f"unsupported vector format '{suffix or p.name}'; expected "
                         f"{', '.join(VECTOR_EXTS)} (tables: {', '.join(TABLE_EXTS)})", file=file)
    check_user_path(path)
    check_file_size(p, max_bytes)
    with open(p, "rb") as fh:
        check_content(fh.read(8192), suffix, file)
    if suffix in (".geojson", ".json"):
        _check_geojson_text(p, file)
    declared = _declared(crs)
    srcs, enc, flag, mapping = [str(p)], None, "", {}
    if suffix in (".zip", ".shp"):
        srcs, enc, flag, mapping = _shapefile_source(p, layer, max_bytes)
        layer = None
    elif suffix == ".gpkg":
        layer = _choose_gpkg_layer(p, layer)
    meta, table, wkb = _read_raw(srcs, layer, enc, file, ALLOWED_DRIVERS[suffix])
    table = table.rename(columns=mapping)
    geoms = _geometries(wkb, report)
    gdf = gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(geoms), crs=None)
    file_crs = None if flag == "no_prj" else meta.get("crs")
    gdf = _to_wgs84(gdf, declared, file_crs, file)
    if region_check:
        check_region(gdf, report, declared=declared.name if declared else str(file_crs))
    return gdf


def _choose_gpkg_layer(p: Path, layer: str | None) -> str:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL notes on odd headers; errors still raise
            names = [str(n) for n, _t in pyogrio.list_layers(f"GPKG:{p}")]
    except Exception as exc:  # noqa: BLE001 - GDAL raises several types for a broken file
        raise InputError(f"not a readable GeoPackage ({str(exc).split(';')[-1].strip()})", file=str(p)) from None
    if layer is None:
        if len(names) == 1:
            return names[0]
        raise InputError(f"the GeoPackage holds {len(names)} layers: {', '.join(names) or '(none)'}; "
                         "choose one with --layer", file=str(p), field="--layer")
    if layer not in names:
        raise InputError(f"no layer '{layer}'; the GeoPackage holds: {', '.join(names)}", file=str(p),
                         field="--layer")
    return layer


def _norm(name: str) -> str:
    s = unicodedata.normalize("NFKC", str(name)).strip().lower()
    return re.sub(r"[\s()（）°_\-]+", "", s.replace("（", "(").replace("）", ")"))


def _find_column(columns: list[str], wanted: str | None, aliases: tuple[str, ...], what: str,
                 file: str) -> str | None:
    if wanted is not None:
        if wanted in columns:
            return wanted
        raise InputError(f"no column '{wanted}' for {what}; the table has: {', '.join(columns)}", file=file,
                         field=wanted)
    norm = {_norm(a) for a in aliases}
    hits = [c for c in columns if _norm(c) in norm]
    if len(hits) > 1:
        raise InputError(f"several columns could hold the {what} ({', '.join(hits)}); choose one with "
                         f"--{'lon' if what == 'longitude' else 'lat'}", file=file)
    return hits[0] if hits else None


XLSX_MAX_UNPACKED = 100 * 1024 * 1024  # the XML of a workbook; a 1M-row sheet is far above it


def _xlsx_sheet(p: Path, sheet: str | int | None, report: ValidationReport | None) -> str | int:
    """The sheet to read: the one asked for, else the first *visible* one (reported when a hidden
    sheet comes first, so nobody reads a hidden sheet unknowingly).
    """
    if sheet is not None:
        return sheet

    wb = openpyxl.load_workbook(p, read_only=True)
    try:
        states = [(ws.title, ws.sheet_state) for ws in wb.worksheets]
    finally:
        wb.close()
    visible = [n for n, st in states if st == "visible"]
    if not visible:
        raise InputError("every sheet of the workbook is hidden; unhide the sheet to import", file=str(p))
    if states and states[0][1] != "visible" and report is not None:
        hidden = [n for n, st in states if st != "visible"]
        report.add("warning", "hidden_sheet", f"read sheet '{visible[0]}' (the first visible one); hidden "
                   f"sheet(s) skipped: {', '.join(hidden)} — choose one with --layer (读取了首个可见工作表)")
    return visible[0]


def _check_xlsx_size(p: Path, max_bytes: int) -> None:
    """A workbook is a zip: the bomb check, then a plain size limit on the unpacked sheets (a huge
    but honest table gets 'too large, save as CSV', not 'zip bomb').
    """
    try:
        with zipfile.ZipFile(p) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile:
        total = 0  # check_zip names the problem
    if total <= min(max_bytes, XLSX_MAX_UNPACKED):
        check_zip(p, max_bytes, max_ratio=1000)  # sheet XML compresses well; 1000-fold is no honest sheet
    else:
        raise InputError(f"the workbook unpacks to {total / 1e6:.0f} MB of sheet data, over the limit of "
                         f"{min(max_bytes, XLSX_MAX_UNPACKED) / 1e6:.0f} MB for Excel files; the table is too "
                         "large to read from Excel — save it as CSV (表格过大，请另存为 CSV)", file=str(p))


def _read_frame(p: Path, sheet: str | int | None, max_bytes: int,
                report: ValidationReport | None = None) -> pd.DataFrame:
    file = str(p)
    suffix = p.suffix.lower()
    try:
        if suffix in (".xlsx", ".xls"):
            if suffix == ".xlsx":
                _check_xlsx_size(p, max_bytes)
                sheet = _xlsx_sheet(p, sheet, report)
            return pd.read_excel(p, sheet_name=sheet or 0, dtype=str, keep_default_na=False)
        data = p.read_bytes()
        enc = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else detect_text_encoding(data, file=file)
        text = data.decode(enc)
        sep = "\t" if suffix == ".txt" and "\t" in text.splitlines()[0] else ","
        return pd.read_csv(_io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except InputError:
        raise
    except ImportError:  # .xls needs xlrd, which geoplan does not install
        raise InputError("old Excel .xls files are not supported; save the sheet as .xlsx or .csv",
                         file=file) from None
    except (ValueError, pd.errors.ParserError, zipfile.BadZipFile, KeyError) as exc:
        raise InputError(f"cannot read the table: {str(exc).strip().splitlines()[0]}", file=file) from None


def read_table(path: str | os.PathLike, *, lon: str | None = None, lat: str | None = None,
               crs: str | None = None, sheet: str | int | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
               report: ValidationReport | None = None,
               region_check: bool = True, negative: str = "refuse") -> gpd.GeoDataFrame | pd.DataFrame:
    """Read CSV/Excel; with lon/lat columns (经度/纬度/lon/lng/x … or ``lon``/``lat``) or a WKT
    column the result is a WGS84 GeoDataFrame, otherwise a plain DataFrame.

    Coordinates need a declared ``crs`` (gcj02 for AMap/Tencent, bd09 for Baidu, wgs84 …);
    empty or non-numeric coordinates are errors naming row and column.
    """
    p = Path(path)
    file = str(p)
    report = report if report is not None else ValidationReport(file=file)
    if p.suffix.lower() not in TABLE_EXTS:
        raise InputError(f"unsupported table format '{p.suffix or p.name}'; expected {', '.join(TABLE_EXTS)}",
                         file=file)
    check_user_path(path)
    check_file_size(p, max_bytes)
    df = _read_frame(p, sheet, max_bytes, report)
    df.columns = [str(c).strip() for c in df.columns]
    cols = list(df.columns)
    lon_col = _find_column(cols, lon, LON_NAMES, "longitude", file)
    lat_col = _find_column(cols, lat, LAT_NAMES, "latitude", file)
    wkt_col = _find_column(cols, None, WKT_NAMES, "geometry (WKT)", file) if not (lon_col or lat_col) else None
    if not (lon_col or lat_col or wkt_col):
        if negative == "refuse":  # "rows": the caller rejects such rows one by one (intensity uploads)
            refuse_negative_amounts(df, file)
        return df
    if bool(lon_col) != bool(lat_col):
        raise InputError(f"found a {'longitude' if lon_col else 'latitude'} column but no "
                         f"{'latitude' if lon_col else 'longitude'}; name both with --lon/--lat", file=file)
    declared = _declared(crs)
    if declared is None:
        raise CRSError("the table has coordinates but no declared coordinate system; state it (crs= / --crs: "
                       "wgs84, gcj02 for AMap/Tencent, bd09 for Baidu, cgcs2000, gk3:<zone>)", file=file)
    if wkt_col:
        text = df[wkt_col].astype(str)
        geoms = shapely.from_wkt(text.where(text.str.strip() != "", None).to_numpy(), on_invalid="ignore")
        for r in np.flatnonzero(shapely.is_missing(geoms)) + 1:
            report.add("error", "bad_wkt", f"'{text.iloc[r - 1][:40]}' is not valid WKT", row=int(r), field=wkt_col)
        df = df.drop(columns=[wkt_col])
    else:
        xy = []
        for col in (lon_col, lat_col):
            raw = df[col].astype(str).str.strip()
            vals = pd.to_numeric(raw, errors="coerce").astype(float).to_numpy()
            for r in np.flatnonzero(~np.isfinite(vals)) + 1:
                v = raw.iloc[r - 1]
                msg = "coordinate is empty" if v == "" else f"'{v}' is not a finite number"
                report.add("error", "bad_coordinate", msg, row=int(r), field=col)
            xy.append(vals)
        geoms = shapely.points(xy[0], xy[1])
        df = df.drop(columns=[lon_col, lat_col])
    report.raise_for_errors()
    gdf = gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms), crs=None)
    gdf = _to_wgs84(gdf, declared, None, file)
    if region_check:
        check_region(gdf, report, declared=declared.name)
    if not wkt_col:
        c = shapely.get_coordinates(gdf.geometry.to_numpy())
        gdf["lon"], gdf["lat"] = c[:, 0], c[:, 1]
    return gdf


def read_any(path: str | os.PathLike, *, layer: str | None = None, crs: str | None = None,
             lon: str | None = None, lat: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
             report: ValidationReport | None = None) -> gpd.GeoDataFrame:
    """Read a vector file or a table with coordinates into WGS84 (dispatch on the extension).

    Parameters
    ----------
    path : str or path-like
        ``.geojson``/``.json``, ``.gpkg``, ``.shp``/``.zip``, ``.csv``/``.txt``/``.xlsx``.
    layer : str, optional
        GeoPackage layer (or Shapefile inside a zip).
    crs : str, optional
        The declared CRS (``wgs84``, ``cgcs2000``, ``gcj02``, ``bd09``, ``EPSG:<code>``, ``gk3:<zone>``);
        GCJ-02 and BD-09 are converted to WGS84.
    lon, lat : str, optional
        Coordinate columns of a table (recognised by name when omitted).
    max_bytes : int
        Refuse larger files.
    report : ValidationReport, optional
        Collects warnings and repairs.

    Returns
    -------
    geopandas.GeoDataFrame

    Raises
    ------
    InputError, CRSError
        Naming the file, the row and the field.

    Examples
    --------
    >>> import tempfile, pathlib, geoplan as gp
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> p = gp.write_layer(gp.load_layer("corridors"), tmp / "c.geojson")
    >>> len(gp.read_any(p))
    3
    """
    p = Path(path)
    if p.suffix.lower() in TABLE_EXTS:
        out = read_table(p, lon=lon, lat=lat, crs=crs, sheet=layer, max_bytes=max_bytes, report=report)
        if not isinstance(out, gpd.GeoDataFrame):
            raise InputError(f"the table has no coordinate columns (looked for {', '.join(LON_NAMES[:4])}/"
                             f"{', '.join(LAT_NAMES[:3])}, 经度/纬度 or WKT); name them with --lon/--lat",
                             file=str(p))
        return out
    return read_vector(p, layer=layer, crs=crs, max_bytes=max_bytes, report=report)


def import_file(path: str | os.PathLike, *, layer: str | None = None, crs: str | None = None,
                lon: str | None = None, lat: str | None = None, id_field: str | None = None,
                required: tuple[str, ...] = (), max_bytes: int = DEFAULT_MAX_BYTES,
                raise_errors: bool = True) -> tuple[gpd.GeoDataFrame, ValidationReport]:
    """Read and validate a user file: the repaired WGS84 layer and the validation report.

    Parameters
    ----------
    path : str or path-like
        Any format :func:`read_any` reads.
    layer, crs, lon, lat : str, optional
        As for :func:`read_any`.
    id_field : str, optional
        A column that must be unique and non-empty.
    required : tuple of str
        Columns that must exist.
    max_bytes : int
        Refuse larger files.
    raise_errors : bool, default True
        Raise one InputError naming all errors (after collecting them), or return them in the report.

    Returns
    -------
    (geopandas.GeoDataFrame, ValidationReport)

    Raises
    ------
    InputError
        When the file has errors and ``raise_errors`` is true.

    Examples
    --------
    >>> import tempfile, pathlib, geoplan as gp
    >>> p = gp.write_layer(gp.load_layer("districts"), pathlib.Path(tempfile.mkdtemp()) / "d.gpkg")
    >>> gdf, report = gp.import_file(p, id_field="adcode")
    >>> len(gdf), report.ok
    (38, True)
    """

    report = ValidationReport(file=str(path))
    gdf = read_any(path, layer=layer, crs=crs, lon=lon, lat=lat, max_bytes=max_bytes, report=report)
    gdf, report = validate_gdf(gdf, id_field=id_field, required=required, report=report)
    if raise_errors:
        report.raise_for_errors()
    return gdf, report


def import_bytes(data: bytes, filename: str, **kwargs: Any) -> tuple[gpd.GeoDataFrame, ValidationReport]:
    """:func:`import_file` for an upload held in memory (the app): the size is checked before
    anything is written, the name is reduced to a safe base name, the temporary copy is removed.
    """
    max_bytes = int(kwargs.get("max_bytes", DEFAULT_MAX_BYTES))
    if not data:
        raise InputError("the uploaded file is empty (0 bytes)", file=filename)
    if len(data) > max_bytes:
        raise InputError(f"the upload is {len(data) / 1e6:.1f} MB, over the limit of {max_bytes / 1e6:.1f} MB",
                         file=filename)
    name = safe_layer_name(Path(str(filename).replace("\\", "/")).name)
    with tempfile.TemporaryDirectory(prefix="geoplan-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            gdf, report = import_file(path, **kwargs)
        except InputError as exc:  # name the upload, not our temporary copy
            err = InputError(str(exc).replace(str(path), filename))
            err.__class__ = type(exc)
            err.file, err.row, err.field = filename, exc.row, exc.field
            raise err from None
    report.file = filename
    report.issues = [type(i)(i.severity, i.kind, i.message, filename, i.row, i.field) for i in report.issues]
    return gdf, report
