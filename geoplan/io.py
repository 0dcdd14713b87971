"""Import and export of layers in the formats GIS teams use (GeoJSON, GeoPackage, zipped
Shapefile, CSV/Excel), with CRS handling, atomic writes and hostile-input guards.

Validation lives in :mod:`geoplan.validate`, text encodings in :mod:`geoplan.encoding`.
"""

from __future__ import annotations

import contextlib
import csv
import glob
import io as _io
import json
import os
import re
import tempfile
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyogrio.raw
import shapely

from . import __version__
from .crs import WGS84, ParsedCRS, convert_gdf, parse_crs
from .encoding import (
    detect_dbf_encoding,
    detect_text_encoding,
    short_field_names,
    truncate_utf8,
)
from .errors import CRSError, InputError
from .validate import (
    DEFAULT_MAX_BYTES,
    ValidationReport,
    check_file_size,
    check_region,
    check_zip,
    safe_layer_name,
    safe_output_path,
)

FORMATS = ("geojson", "gpkg", "shp", "csv")
_EXT_FORMAT = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".zip": "shp", ".csv": "csv"}
VECTOR_EXTS = (".geojson", ".json", ".gpkg", ".zip", ".shp")
TABLE_EXTS = (".csv", ".txt", ".xlsx", ".xls")
DBF_MAX_BYTES = 254
ROW_FIELD = "gp_row"  # original row order in a Shapefile split by geometry type
# Column names for coordinates in tables from Chinese and international sources (normalised).
LON_NAMES = ("lon", "lng", "long", "longitude", "x", "经度", "东经", "经度坐标", "x坐标", "lon_wgs84")
LAT_NAMES = ("lat", "latitude", "y", "纬度", "北纬", "纬度坐标", "y坐标", "lat_wgs84")
WKT_NAMES = ("wkt", "geometry", "geom", "the_geom", "shape")


# ---------------------------------------------------------------- shared helpers
def format_from_path(path: str | os.PathLike, fmt: str | None = None) -> str:
    """The export format: ``fmt`` when given, else from the file extension (``.zip`` = Shapefile)."""
    if fmt is not None:
        f = fmt.lower().lstrip(".")
        f = {"json": "geojson", "shapefile": "shp", "zip": "shp"}.get(f, f)
        if f not in FORMATS:
            raise InputError(f"unknown format '{fmt}'; valid formats: {', '.join(FORMATS)}", field="--format")
        return f
    suffix = Path(path).suffix.lower()
    if suffix not in _EXT_FORMAT:
        raise InputError(f"cannot tell the format from '{Path(path).name}'; use --format with one of "
                         f"{', '.join(FORMATS)} or an extension .geojson, .gpkg, .zip (Shapefile), .csv",
                         field="--out")
    return _EXT_FORMAT[suffix]


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``, on failure it is removed.

    An interrupted export therefore never leaves a half-written file under the final name.
    """
    final = Path(path)
    if not final.parent.is_dir():
        raise InputError(f"the output folder '{final.parent}' does not exist", field="--out")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".part" + final.suffix, dir=final.parent)
    os.close(fd)
    os.unlink(tmp_name)  # GDAL wants to create the file itself
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, final)
    finally:
        for leftover in (tmp, *final.parent.glob(glob.escape(tmp.name) + "-*")):  # -wal / -journal of SQLite
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def export_metadata(metadata: dict[str, Any] | None, *, layer: str, crs: str, precision: int | None,
                    n_features: int) -> dict[str, Any]:
    """The metadata block every export carries: source, provenance, parameters, generation time."""
    meta = dict(metadata or {})
    out = {
        "layer": layer,
        "title": meta.pop("title", None),
        "source": meta.pop("source", None),
        "provenance": meta.pop("provenance", None),
        "parameters": meta.pop("parameters", {}),
        "crs": crs,
        "coordinate_precision": precision,
        "n_features": n_features,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "generator": f"geoplan {__version__}",
    }
    out.update(meta)  # crs_note, precision_note and anything else the caller gives
    return out


def _target_crs(crs: str | None, fmt: str) -> ParsedCRS:
    parsed = parse_crs(crs) if crs else parse_crs("wgs84")
    if parsed.is_pseudo:
        raise CRSError(f"exports are never written in {parsed.name} (an obfuscated system); "
                       "use wgs84, cgcs2000 or a Gauss–Krüger zone", field="--crs")
    if fmt in ("geojson", "csv") and not parsed.crs.equals(WGS84) and parsed.name != "cgcs2000":
        raise CRSError(f"{fmt} output is always WGS84 lon/lat (RFC 7946); --crs applies to gpkg and shp only",
                       field="--crs")
    return parsed


def _prepare(gdf: gpd.GeoDataFrame | pd.DataFrame, target: ParsedCRS) -> gpd.GeoDataFrame:
    """A copy ready for GDAL: in the target CRS, plain column types (lists/dicts as JSON text)."""
    if not isinstance(gdf, gpd.GeoDataFrame):
        gdf = gpd.GeoDataFrame(gdf, geometry=[None] * len(gdf), crs=WGS84)
    if gdf.crs is None:
        raise CRSError("the layer has no CRS; set it before exporting")
    out = gdf.to_crs(target.crs) if not gdf.crs.equals(target.crs) else gdf.copy()
    for col in out.columns:
        if col == out.geometry.name:
            continue
        s = out[col]
        if s.dtype == object and s.map(lambda v: isinstance(v, (list, dict, tuple, set))).any():
            out[col] = s.map(lambda v: json.dumps(list(v) if isinstance(v, (set, tuple)) else v,
                                                  ensure_ascii=False) if isinstance(v, (list, dict, tuple, set)) else v)
        elif pd.api.types.is_bool_dtype(s):
            out[col] = s.astype("Int64")
        elif isinstance(s.dtype, pd.StringDtype):
            out[col] = s.astype(object).where(s.notna(), None)
    return out


# ---------------------------------------------------------------- writers
def write_layer(gdf: gpd.GeoDataFrame | pd.DataFrame, path: str | os.PathLike, fmt: str | None = None, *,
                crs: str | None = None, layer_name: str | None = None,
                metadata: dict[str, Any] | None = None, precision: int = 6) -> Path:
    """Write one layer atomically as geojson, gpkg, shp (zipped) or csv; returns the written path.

    GeoJSON is RFC 7946 (WGS84, right-hand rule, ``precision`` decimals, no ``crs`` member) with
    the metadata in a top-level ``"geoplan"`` member. ``crs`` (gpkg/shp only): wgs84, cgcs2000,
    EPSG code or Gauss–Krüger zone (see :func:`geoplan.crs.parse_crs`).
    """
    out = safe_output_path(path)
    fmt = format_from_path(out, fmt)
    if not 0 <= int(precision) <= 15:
        raise InputError(f"precision {precision} is out of range 0–15", field="--precision")
    name = safe_layer_name(layer_name or re.sub(r"(\.shp)?\.\w+$", "", out.name) or "layer")
    if fmt == "gpkg":
        return write_layers({name: gdf}, out, crs=crs, metadata={name: metadata or {}})
    target = _target_crs(crs, fmt)
    frame = _prepare(gdf, target)
    meta = export_metadata(metadata, layer=name, crs=target.name, precision=precision, n_features=len(frame))
    if fmt == "geojson":
        return _write_geojson(frame, out, meta, precision)
    if fmt == "csv":
        return _write_csv(frame, out, meta, precision)
    return _write_shp_zip(frame, out, name, meta)


def _write_geojson(frame: gpd.GeoDataFrame, out: Path, meta: dict, precision: int) -> Path:
    with atomic_output(out) as tmp:
        pyogrio.write_dataframe(
            frame, tmp, driver="GeoJSON",
            layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": str(int(precision)), "WRITE_NAME": "NO",
                           "FOREIGN_MEMBERS_COLLECTION": json.dumps({"geoplan": meta}, ensure_ascii=False)})
    return out


def _write_csv(frame: gpd.GeoDataFrame, out: Path, meta: dict, precision: int) -> Path:
    geoms = frame.geometry.to_numpy()
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    types = shapely.get_type_id(geoms)
    present = ~shapely.is_missing(geoms)
    if present.any() and (types[present] == 0).all():  # points → lon/lat columns
        table = table.drop(columns=[c for c in ("lon", "lat") if c in table])
        xy = np.full((len(geoms), 2), np.nan)
        xy[present] = shapely.get_coordinates(geoms[present])
        table["lon"], table["lat"] = np.round(xy[:, 0], precision), np.round(xy[:, 1], precision)
    elif present.any():
        table["wkt"] = np.where(present, shapely.to_wkt(geoms, rounding_precision=precision, trim=True), "")
    sidecar = out.with_name(out.name + ".metadata.json")
    with atomic_output(out) as tmp, atomic_output(sidecar) as tmp_meta:  # both or neither
        table.to_csv(tmp, index=False, encoding="utf-8-sig")  # BOM: Excel opens Chinese text correctly
        tmp_meta.write_text(json.dumps({"geoplan": meta}, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def write_layers(layers: dict[str, gpd.GeoDataFrame], path: str | os.PathLike, *, crs: str | None = None,
                 metadata: dict[str, dict[str, Any]] | None = None) -> Path:
    """Write several layers into one GeoPackage atomically; each layer carries its metadata as JSON
    in the GDAL layer metadata item ``geoplan`` (GeoPackage ``gpkg_metadata`` table; QGIS shows it).

    No extra table is added, so a one-layer export opens without a layer choice."""
    out = safe_output_path(path)
    if not layers:
        raise InputError("no layers to write", file=str(out))
    target = _target_crs(crs, "gpkg")
    with atomic_output(out) as tmp:
        for raw_name, gdf in layers.items():
            name = safe_layer_name(raw_name)
            frame = _prepare(gdf, target)
            meta = export_metadata((metadata or {}).get(raw_name), layer=name, crs=target.name,
                                   precision=None, n_features=len(frame))
            text = json.dumps(meta, ensure_ascii=False)
            pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG", layer_metadata={"geoplan": text})
    return out


# shapely type id → Shapefile geometry family (LinearRing and GeometryCollection have none)
_FAMILY = np.array(["point", "line", "other", "polygon", "point", "line", "polygon", "other"], dtype=object)


def _write_shp_zip(frame: gpd.GeoDataFrame, out: Path, name: str, meta: dict) -> Path:
    """Zipped Shapefile; a layer mixing points, lines and polygons becomes one Shapefile per type
    (``<name>_point.shp`` …, rows without geometry go with the first) with a ``gp_row`` order field."""
    geoms = frame.geometry.to_numpy()
    present = ~shapely.is_missing(geoms)
    family = _FAMILY[np.clip(shapely.get_type_id(geoms), 0, 7)]
    families = sorted(set(family[present]))
    if not families:
        raise InputError("the layer has no geometries; export CSV instead", file=str(out))
    if "other" in families:
        raise InputError("a Shapefile cannot hold GeometryCollections; export GeoPackage or GeoJSON instead",
                         file=str(out))
    cols = [c for c in frame.columns if c != frame.geometry.name]
    mapping = short_field_names([str(c) for c in cols])
    table = frame.rename(columns=dict(zip(cols, mapping.values())))
    truncated: dict[str, int] = {}
    for orig, short in mapping.items():
        s = table[short]
        if pd.api.types.is_datetime64_any_dtype(s):
            table[short] = s.dt.strftime("%Y-%m-%dT%H:%M:%S").where(s.notna(), None)
        elif s.dtype == object:
            lengths = s.map(lambda v: len(v.encode("utf-8")) if isinstance(v, str) else 0)
            long = lengths > DBF_MAX_BYTES
            if long.any():  # DBF text fields hold 254 bytes; cut on a character boundary, record it
                table.loc[long, short] = s[long].map(lambda v: truncate_utf8(v, DBF_MAX_BYTES).rstrip())
                truncated[orig] = int(long.sum())
    meta = {**meta, "shapefile_fields": mapping, "truncated_fields": truncated}
    fields_csv = _io.StringIO()
    w = csv.writer(fields_csv)
    w.writerow(["field", "shapefile_field", "values_truncated_to_254_bytes"])
    for orig, short in mapping.items():
        w.writerow([orig, short, truncated.get(orig, 0)])
    parts = {name: np.ones(len(table), bool)}
    if len(families) > 1:
        table[ROW_FIELD] = np.arange(len(table))
        parts = {f"{name}_{f}": present & (family == f) | ~present & (f == families[0]) for f in families}
        meta["split_by_geometry"] = {k: int(v.sum()) for k, v in parts.items()}
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".shp-") as tmpdir:
        for part, mask in parts.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # GDAL notes about field widths
                pyogrio.write_dataframe(table[mask], Path(tmpdir) / f"{part}.shp", driver="ESRI Shapefile",
                                        layer_options={"ENCODING": "UTF-8"})
        with atomic_output(out) as tmp:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for f in sorted(Path(tmpdir).iterdir()):
                    zf.write(f, f.name)
                zf.writestr(f"{name}_fields.csv", fields_csv.getvalue())
                zf.writestr(f"{name}_metadata.json", json.dumps({"geoplan": meta}, ensure_ascii=False, indent=1))
    return out


# ---------------------------------------------------------------- readers
def _declared(crs: str | ParsedCRS | None) -> ParsedCRS | None:
    if crs is None or isinstance(crs, ParsedCRS):
        return crs
    return parse_crs(crs)


def _to_wgs84(gdf: gpd.GeoDataFrame, declared: ParsedCRS | None, file_crs: Any, file: str) -> gpd.GeoDataFrame:
    """Set the CRS (declared wins over the file's only where they agree) and convert to WGS84."""
    from pyproj import CRS

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


def _field_mapping(text: str | None) -> dict[str, str]:
    """shapefile field → original name, from the ``<name>_fields.csv`` our exports write."""
    if not text:
        return {}
    rows = list(csv.DictReader(_io.StringIO(text)))
    return {r["shapefile_field"]: r["field"] for r in rows if r.get("shapefile_field") and r.get("field")}


def _shapefile_source(p: Path, layer: str | None, max_bytes: int) -> tuple[list[str], str, str, dict[str, str]]:
    """GDAL paths, encoding, ``no_prj`` flag and field-name mapping of a zipped or plain Shapefile.

    Several paths come back for a zip that geoplan split by geometry type (``<name>_point.shp`` …).
    """
    if p.suffix.lower() == ".shp":
        dbf, cpg = p.with_suffix(".dbf"), p.with_suffix(".cpg")
        if not dbf.exists():
            raise InputError("the Shapefile has no .dbf beside it", file=str(p))
        check_file_size(dbf, max_bytes)
        enc = detect_dbf_encoding(dbf.read_bytes(), cpg.read_text("ascii", "replace") if cpg.exists() else None,
                                  file=str(p))
        fields = p.with_name(p.stem + "_fields.csv")
        mapping = _field_mapping(fields.read_text("utf-8") if fields.exists() else None)
        return [str(p)], enc, "" if p.with_suffix(".prj").exists() else "no_prj", mapping
    members = check_zip(p, max_bytes)
    shps = [m for m in members if m.lower().endswith(".shp") and not m.startswith("__MACOSX")]
    if layer is not None:
        shps = [m for m in shps if Path(m).stem == layer or m == layer]
    if not shps:
        raise InputError("the zip holds no Shapefile (.shp)" + (f" named '{layer}'" if layer else "")
                         + f"; it has: {', '.join(members[:20])}", file=str(p))
    lower = {m.lower(): m for m in members}
    parts = [re.match(r"^(.*)_(point|line|polygon)\.shp$", m) for m in shps]
    split = (len(shps) > 1 and all(parts) and len({m.group(1) for m in parts}) == 1
             and f"{parts[0].group(1)}_fields.csv".lower() in lower)
    if len(shps) > 1 and not split:
        raise InputError(f"the zip holds several Shapefiles: {', '.join(shps)}; choose one with --layer",
                         file=str(p))
    stem = parts[0].group(1) if split else shps[0][:-4]
    with zipfile.ZipFile(p) as zf:
        dbf_name = lower.get(shps[0][:-4].lower() + ".dbf")
        if dbf_name is None:
            raise InputError(f"'{shps[0]}' has no .dbf attribute file in the zip", file=str(p))
        cpg_name = lower.get(shps[0][:-4].lower() + ".cpg")
        cpg = zf.read(cpg_name).decode("ascii", "replace") if cpg_name else None
        enc = detect_dbf_encoding(zf.read(dbf_name), cpg, file=str(p))
        fields_name = lower.get(stem.lower() + "_fields.csv")
        mapping = _field_mapping(zf.read(fields_name).decode("utf-8", "replace") if fields_name else None)
    flag = "" if all(lower.get(m[:-4].lower() + ".prj") for m in shps) else "no_prj"
    return [f"/vsizip/{p.resolve()}/{m}" for m in shps], enc, flag, mapping


def _read_raw(srcs: list[str], layer: str | None, enc: str | None, file: str) -> tuple[dict, pd.DataFrame, np.ndarray]:
    """GDAL's metadata, attribute table and WKB of one source, or of the parts of a split Shapefile."""
    tables, wkbs, meta = [], [], {}
    for src in srcs:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # unclosed rings: reported later by row
                meta, _fids, wkb, fields = pyogrio.raw.read(src, layer=layer, encoding=enc)
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
    check_file_size(p, max_bytes)
    declared = _declared(crs)
    srcs, enc, flag, mapping = [str(p)], None, "", {}
    if suffix in (".zip", ".shp"):
        srcs, enc, flag, mapping = _shapefile_source(p, layer, max_bytes)
        layer = None
    elif suffix == ".gpkg":
        layer = _choose_gpkg_layer(p, layer)
    meta, table, wkb = _read_raw(srcs, layer, enc, file)
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
            names = [str(n) for n, _t in pyogrio.list_layers(p)]
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


def _read_frame(p: Path, sheet: str | int | None, max_bytes: int) -> pd.DataFrame:
    file = str(p)
    suffix = p.suffix.lower()
    try:
        if suffix in (".xlsx", ".xls"):
            if suffix == ".xlsx":
                check_zip(p, max_bytes)  # an .xlsx is a zip: same bomb check
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
               region_check: bool = True) -> gpd.GeoDataFrame | pd.DataFrame:
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
    check_file_size(p, max_bytes)
    df = _read_frame(p, sheet, max_bytes)
    df.columns = [str(c).strip() for c in df.columns]
    cols = list(df.columns)
    lon_col = _find_column(cols, lon, LON_NAMES, "longitude", file)
    lat_col = _find_column(cols, lat, LAT_NAMES, "latitude", file)
    wkt_col = _find_column(cols, None, WKT_NAMES, "geometry (WKT)", file) if not (lon_col or lat_col) else None
    if not (lon_col or lat_col or wkt_col):
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
    """Read a vector file or a table with coordinates (dispatch on the extension) into WGS84."""
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
    """Read and validate a user file: returns the repaired WGS84 layer and the report.

    With ``raise_errors`` an InputError names the errors (after collecting all of them).
    """
    from .validate import validate_gdf

    report = ValidationReport(file=str(path))
    gdf = read_any(path, layer=layer, crs=crs, lon=lon, lat=lat, max_bytes=max_bytes, report=report)
    gdf, report = validate_gdf(gdf, id_field=id_field, required=required, report=report)
    if raise_errors:
        report.raise_for_errors()
    return gdf, report


def import_bytes(data: bytes, filename: str, **kwargs: Any) -> tuple[gpd.GeoDataFrame, ValidationReport]:
    """:func:`import_file` for an upload held in memory (the app): the size is checked before
    anything is written, the name is reduced to a safe base name, the temporary copy is removed."""
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
