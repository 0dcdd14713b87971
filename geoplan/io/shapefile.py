"""Shapefile specifics: split by geometry family, DBF encodings and 10-byte field names, zip sets."""

from __future__ import annotations

import csv
import io as _io
import json
import re
import tempfile
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyogrio.raw
import shapely

from ..errors import InputError
from .atomic import atomic_output
from .encoding import check_cpg_utf8, detect_dbf_encoding, short_field_names, truncate_utf8
from .validate import check_file_size, check_zip

DBF_MAX_BYTES = 254
DBF_MAX_FIELDS = 255  # dBASE III limit GDAL enforces
SHP_MAGIC = b"\x00\x00\x27\x0a"


ROW_FIELD = "gp_row"  # original row order in a Shapefile split by geometry type


# shapely type id → Shapefile geometry family (LinearRing and GeometryCollection have none)
_FAMILY = np.array(["point", "line", "other", "polygon", "point", "line", "polygon", "other"], dtype=object)


SHP_SET = (".shp", ".shx", ".dbf", ".prj", ".cpg")  # the files of one Shapefile a plain .shp export writes


def _write_shp_zip(frame: gpd.GeoDataFrame, out: Path, name: str, meta: dict) -> Path:
    """Zipped Shapefile; a layer mixing points, lines and polygons becomes one Shapefile per type
    (``<name>_point.shp`` …, rows without geometry go with the first) with a ``gp_row`` order field.
    """
    return _write_shp(frame, out, name, meta, zipped=True)


def _write_shp_set(frame: gpd.GeoDataFrame, out: Path, meta: dict) -> Path:
    """A plain Shapefile set named after ``out`` (``a.shp`` → ``a.shp/.shx/.dbf/.prj/.cpg`` plus
    ``a_fields.csv`` and ``a_metadata.json``) that GIS tools open directly; each file is replaced
    atomically. A layer mixing geometry types is refused (one .shp holds one type): use a .zip name.
    """
    return _write_shp(frame, out, out.stem, meta, zipped=False)


def _write_shp(frame: gpd.GeoDataFrame, out: Path, name: str, meta: dict, *, zipped: bool) -> Path:
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
    if len(cols) > DBF_MAX_FIELDS:
        raise InputError(f"the layer has {len(cols)} attribute columns; a Shapefile holds at most "
                         f"{DBF_MAX_FIELDS}: export GeoPackage or GeoJSON instead", file=str(out))
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
    if len(families) > 1 and not zipped:
        raise InputError(f"the layer mixes {', '.join(families)} geometries and one .shp file holds one type; "
                         "name the output .zip (one Shapefile per type) or export GeoPackage", file=str(out))
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
        if not zipped:
            Path(tmpdir, f"{name}_fields.csv").write_text(fields_csv.getvalue(), encoding="utf-8")
            Path(tmpdir, f"{name}_metadata.json").write_text(json.dumps({"geoplan": meta}, ensure_ascii=False,
                                                                        indent=1), encoding="utf-8")
            for f in sorted(Path(tmpdir).iterdir()):
                with atomic_output(out.parent / f.name) as tmp:
                    f.replace(tmp)
            return out
        with atomic_output(out) as tmp:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for f in sorted(Path(tmpdir).iterdir()):
                    zf.write(f, f.name)
                zf.writestr(f"{name}_fields.csv", fields_csv.getvalue())
                zf.writestr(f"{name}_metadata.json", json.dumps({"geoplan": meta}, ensure_ascii=False, indent=1))
    return out


def _shapefile_source(p: Path, layer: str | None, max_bytes: int) -> tuple[list[str], str, str, dict[str, str]]:
    """GDAL paths, encoding, ``no_prj`` flag and field-name mapping of a zipped or plain Shapefile.

    Several paths come back for a zip that geoplan split by geometry type (``<name>_point.shp`` …).
    """
    if p.suffix.lower() == ".shp":
        with open(p, "rb") as fh:
            if not fh.read(4).startswith(SHP_MAGIC):
                raise InputError("the .shp file does not start like a Shapefile (main-file code 9994); refused "
                                 "(only the ESRI Shapefile driver reads .shp)", file=str(p))
        dbf, cpg = p.with_suffix(".dbf"), p.with_suffix(".cpg")
        if not dbf.exists():
            raise InputError("the Shapefile has no .dbf beside it", file=str(p))
        check_file_size(dbf, max_bytes)
        enc = detect_dbf_encoding(dbf.read_bytes(), cpg.read_text("ascii", "replace") if cpg.exists() else None,
                                  file=str(p))
        if cpg.exists():
            check_cpg_utf8(dbf.read_bytes(), enc, file=str(p))
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
        for m in shps:
            try:
                with zf.open(m) as fh:
                    head = fh.read(4)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as exc:
                raise InputError(f"cannot unpack '{m}' from the zip ({_zip_reason(exc)})", file=str(p)) from None
            if not head.startswith(SHP_MAGIC):
                raise InputError(f"'{m}' in the zip does not start like a Shapefile (main-file code 9994); "
                                 "refused (only the ESRI Shapefile driver reads it)", file=str(p))
        dbf_name = lower.get(shps[0][:-4].lower() + ".dbf")
        if dbf_name is None:
            raise InputError(f"'{shps[0]}' has no .dbf attribute file in the zip", file=str(p))
        cpg_name = lower.get(shps[0][:-4].lower() + ".cpg")
        try:
            cpg = zf.read(cpg_name).decode("ascii", "replace") if cpg_name else None
            enc = detect_dbf_encoding(zf.read(dbf_name), cpg, file=str(p))
            if cpg:
                check_cpg_utf8(zf.read(dbf_name), enc, file=str(p))
            fields_name = lower.get(stem.lower() + "_fields.csv")
            mapping = _field_mapping(zf.read(fields_name).decode("utf-8", "replace") if fields_name else None)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as exc:
            raise InputError(f"cannot unpack the zip ({_zip_reason(exc)})", file=str(p)) from None
    flag = "" if all(lower.get(m[:-4].lower() + ".prj") for m in shps) else "no_prj"
    return [f"/vsizip/{p.resolve()}/{m}" for m in shps], enc, flag, mapping


def _zip_reason(exc: BaseException) -> str:
    text = str(exc)
    if "password" in text.lower() or "encrypted" in text.lower():
        return "the zip is password-protected; unpack it and zip the files again without a password"
    if "CRC" in text:
        return "a member is corrupt (bad CRC checksum)"
    if "compression method" in text.lower() or isinstance(exc, NotImplementedError):
        return "a member uses an unsupported compression method; re-zip with standard Deflate"
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _field_mapping(text: str | None) -> dict[str, str]:
    """Shapefile field → original name, from the ``<name>_fields.csv`` our exports write."""
    if not text:
        return {}
    rows = list(csv.DictReader(_io.StringIO(text)))
    return {r["shapefile_field"]: r["field"] for r in rows if r.get("shapefile_field") and r.get("field")}
