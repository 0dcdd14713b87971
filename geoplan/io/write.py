"""Writers: GeoJSON (RFC 7946), GeoPackage, Shapefile (a plain set or zipped) and CSV, always atomically; CSV cells are
neutralised against formula injection (:func:`geoplan.io.validate.neutralise_formula`).
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyogrio.raw
import shapely

from .._version import __version__
from ..crs import WGS84, ParsedCRS, parse_crs
from ..errors import CRSError, InputError
from .atomic import atomic_output
from .shapefile import _write_shp_set, _write_shp_zip
from .validate import neutralise_frame, safe_layer_name, safe_output_path

FORMATS = ("geojson", "gpkg", "shp", "csv")


_EXT_FORMAT = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".shp": "shp", ".zip": "shp",
               ".csv": "csv"}


# ---------------------------------------------------------------- shared helpers
def format_from_path(path: str | os.PathLike, fmt: str | None = None) -> str:
    """The export format: ``fmt`` when given, else from the file extension (``.shp`` or ``.zip`` = Shapefile)."""
    if fmt is not None:
        f = fmt.lower().lstrip(".")
        f = {"json": "geojson", "shapefile": "shp", "zip": "shp"}.get(f, f)
        if f not in FORMATS:
            raise InputError(f"unknown format '{fmt}'; valid formats: {', '.join(FORMATS)}", field="--format")
        return f
    suffix = Path(path).suffix.lower()
    if suffix not in _EXT_FORMAT:
        raise InputError(f"cannot tell the format from '{Path(path).name}'; use --format with one of "
                         f"{', '.join(FORMATS)} or an extension .geojson, .gpkg, .shp or .zip (Shapefile), .csv",
                         field="--out")
    return _EXT_FORMAT[suffix]




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
    """Write one layer atomically as GeoJSON, GeoPackage, Shapefile or CSV.

    GeoJSON is RFC 7946 (WGS84, right-hand rule, ``precision`` decimals, no ``crs`` member) with
    the metadata in a top-level ``"geoplan"`` member.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame or pandas.DataFrame
        The layer (WGS84).
    path : str or path-like
        The output; the format follows the extension unless ``fmt`` is given. A Shapefile named
        ``*.shp`` is written as the plain set (``.shp/.shx/.dbf/.prj/.cpg`` beside each other), any
        other name (``*.zip``) as the zipped set.
    fmt : {"geojson", "gpkg", "shp", "csv"}, optional
    crs : str, optional
        Output CRS for gpkg/shp: wgs84, cgcs2000, an EPSG code or a Gauss–Krüger zone
        (see :func:`geoplan.crs.parse_crs`).
    layer_name : str, optional
    metadata : dict, optional
        Provenance written beside the data.
    precision : int, default 6
        Coordinate decimals in GeoJSON.

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    InputError
        For an unsafe output path or an unknown format.

    Examples
    --------
    >>> import tempfile, pathlib, json, geoplan as gp
    >>> p = gp.write_layer(gp.load_layer("corridors"), pathlib.Path(tempfile.mkdtemp()) / "c.geojson")
    >>> doc = json.loads(p.read_text(encoding="utf-8"))
    >>> doc["type"], "crs" in doc
    ('FeatureCollection', False)
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
    if out.suffix.lower() == ".shp":  # a .shp name gets the plain set GIS tools open; any other name a zip
        return _write_shp_set(frame, out, meta)
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
        neutralise_frame(table).to_csv(tmp, index=False, encoding="utf-8-sig")  # BOM: Excel opens Chinese text correctly
        tmp_meta.write_text(json.dumps({"geoplan": meta}, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def write_layers(layers: dict[str, gpd.GeoDataFrame], path: str | os.PathLike, *, crs: str | None = None,
                 metadata: dict[str, dict[str, Any]] | None = None) -> Path:
    """Write several layers into one GeoPackage atomically; each layer carries its metadata as JSON
    in the GDAL layer metadata item ``geoplan`` (GeoPackage ``gpkg_metadata`` table; QGIS shows it).

    No extra table is added, so a one-layer export opens without a layer choice.
    """
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
