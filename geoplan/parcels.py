"""Parcel layers at scale: a GeoParquet fast path and vectorised parcel → district lookup.

A planning bureau's parcel layer has 10⁵–10⁶ polygons. ``load_parcels`` reads GeoParquet with
pyarrow (column selection, no parsing of unread columns) and any other format through pyogrio's Arrow
path. Measured on 10⁶ parcels (benchmarks/RESULTS.md): GeoParquet ≈ 1–2.5 s and 71 MB on disk,
GeoPackage ≈ 1.7 s and 297 MB; GeoParquet is also what dask-geopandas reads partition by partition.

The host-district lookup itself lives in :mod:`geoplan.spatial`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyogrio
from geopandas.array import from_shapely, from_wkb
from geopandas.io._geoarrow import construct_shapely_array  # the GeoArrow decoder of gpd.read_parquet
from pyproj import CRS
from pyproj.exceptions import CRSError as ProjCRSError

from .corridor import axis_distances
from .crs import WGS84
from .errors import CRSError, InputError
from .spatial import parcels_by_district

PARQUET_SUFFIXES = (".parquet", ".geoparquet", ".pq")
GEOARROW_ENCODINGS = ("point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon")


def load_parcels(path: str | Path, columns: Sequence[str] | None = None,
                 bbox: tuple[float, float, float, float] | None = None, *, to_wgs84: bool = True,
                 geometry: bool = True) -> gpd.GeoDataFrame | pd.DataFrame:
    """Read a parcel layer (GeoParquet fast path; any pyogrio format otherwise), as WGS84.

    Parameters
    ----------
    path : str or path-like
    columns : sequence of str, optional
        Attribute columns to read (geometry is always read).
    bbox : tuple of float, optional
        (lon0, lat0, lon1, lat1): keep the parcels that intersect it (GeoParquet: read by
        ``geopandas.read_parquet``; without a bbox, ``pyarrow.parquet.read_table`` and a geometry decode).
    to_wgs84 : bool, default True
        Reproject to WGS84. ``False`` keeps the file's CRS (e.g. a metric CRS): corridor distances,
        host districts and site selection then project only vertices or points, never polygons.
    geometry : bool, default True
        ``False`` reads the attribute columns only (a GeoParquet file: pyarrow, no geometry decoded),
        e.g. the ``host_adcode``/``dist_km_*`` columns of a prepared layer; ``bbox`` needs geometry.

    Returns
    -------
    geopandas.GeoDataFrame, or pandas.DataFrame when ``geometry=False``

    Raises
    ------
    InputError
        Naming the file, for a missing file or column.
    CRSError
        When the file has no CRS.

    Examples
    --------
    >>> import tempfile, pathlib, geoplan as gp
    >>> p = gp.save_parcels(gp.load_layer("districts"), pathlib.Path(tempfile.mkdtemp()) / "p.parquet")
    >>> len(gp.load_parcels(p, columns=["adcode"]).columns)
    2
    >>> list(gp.load_parcels(p, columns=["adcode"], geometry=False).columns)
    ['adcode']
    """
    p = Path(path)
    if not p.exists():
        raise InputError("parcel file not found", file=str(p))
    cols = list(columns) if columns is not None else None
    if p.suffix.lower() in PARQUET_SUFFIXES:
        schema = pq.read_schema(p)
        names = schema.names
        _check_columns(cols, names, p)
        geo = _geoparquet_metadata(schema, p)
        geom_col = geo["primary_column"]
        if not geometry:
            if bbox is not None:
                raise InputError("a bbox filter needs the geometry; drop bbox or read geometry", file=str(p))
            return pq.read_table(p, columns=[c for c in (cols or names) if c != geom_col]).to_pandas()
        read_cols = None if cols is None else [c for c in cols if c != geom_col] + [geom_col]
        gdf = _read_geoparquet(p, read_cols, geo, names) if bbox is None else None
        if gdf is None:  # a bbox filter, or metadata gpd.read_parquet validates, warns about or rejects
            gdf = gpd.read_parquet(p, columns=read_cols, bbox=bbox)
    else:
        info = pyogrio.read_info(p)
        _check_columns(cols, list(info["fields"]), p)
        if not geometry:
            return pd.DataFrame(pyogrio.read_dataframe(p, columns=cols, read_geometry=False, use_arrow=True))
        gdf = gpd.read_file(p, engine="pyogrio", columns=cols, bbox=bbox, use_arrow=True)
    if gdf.crs is None:
        raise CRSError("the parcel layer has no CRS; set one (e.g. EPSG:4326) when writing it",
                       file=str(p))
    if to_wgs84 and not gdf.crs.equals(WGS84):
        gdf = gdf.to_crs(WGS84)
    return gdf


def _geoparquet_metadata(schema, p: Path) -> dict:
    meta = schema.metadata or {}
    geo = meta.get(b"geo")
    if geo is None:
        raise InputError("not a GeoParquet file (no 'geo' metadata); write it with "
                         "GeoDataFrame.to_parquet or geoplan.parcels.save_parcels", file=str(p))
    return json.loads(geo)


def _read_geoparquet(p: Path, columns: list[str] | None, geo: dict,
                     names: list[str]) -> gpd.GeoDataFrame | None:
    """``gpd.read_parquet(p, columns=columns)`` without its fixed cost: ``pq.read_table`` and a decode
    of the geometry columns, the same frame (columns, index, dtypes, attrs, CRS, geometries).

    Most of the fixed cost was the CRS: GeoPandas writes the ``geo`` CRS without the ids of datum
    ensemble members (for older PROJ) and PROJ then looks each member up by name (≈ 25 ms for
    WGS 84). The geometry field's GeoArrow metadata carries the same PROJJSON with the ids, which
    PROJ parses in < 1 ms; it is used when it is that CRS. ``None``: metadata this path does not
    handle (gpd.read_parquet validates it, warns or raises).
    """
    meta_cols = geo.get("columns")
    primary = geo["primary_column"]
    if (not geo.get("version", geo.get("schema_version")) or not isinstance(meta_cols, dict)
            or primary not in meta_cols or primary not in names):
        return None
    for m in meta_cols.values():
        if (not isinstance(m, dict) or m.get("encoding") not in ("WKB", *GEOARROW_ENCODINGS)
                or m.get("edges", "planar") == "spherical"):
            return None
    covering = meta_cols[primary].get("covering")
    if columns is None and covering is not None:  # gpd.read_parquet leaves the bbox covering column out
        try:
            bbox_col = covering["bbox"]["xmin"][0]
        except (KeyError, IndexError, TypeError):
            return None
        columns = [c for c in names if c != bbox_col]
    table = pq.read_table(p, columns=columns, use_pandas_metadata=True)  # + the pandas index columns
    meta = table.schema.metadata or {}
    index_cols = ()
    if b"pandas" in meta:
        index_cols = {c for c in json.loads(meta[b"pandas"]).get("index_columns", []) if isinstance(c, str)}
    order = [c for c in table.column_names if c not in index_cols]  # the frame's columns
    geom_cols = [c for c in order if c in meta_cols]
    # one chunk per column: later row selections (``take``) on a many-chunk string column cost ~2.5×
    df = table.drop_columns(geom_cols).combine_chunks().to_pandas()
    for c in geom_cols:  # in frame order, each at its place
        m = meta_cols[c]
        crs = _column_crs(table.schema.field(c), m)
        if m["encoding"] == "WKB":
            arr = from_wkb(np.array(table[c]), crs=crs)
        else:
            arr = from_shapely(construct_shapely_array(table[c].combine_chunks(), "geoarrow." + m["encoding"]),
                               crs=crs)
        df.insert(order.index(c), c, arr)
    if b"PANDAS_ATTRS" in meta:
        df.attrs = json.loads(meta[b"PANDAS_ATTRS"])
    return gpd.GeoDataFrame(df, geometry=primary)


def _column_crs(field, m: dict):
    """The CRS of a GeoParquet geometry column, as gpd.read_parquet reads it from the ``geo`` metadata:
    absent → OGC:CRS84, ``null`` → none, PROJJSON without ensemble member ids. When the field's
    GeoArrow metadata holds that same PROJJSON with the ids, that is parsed instead (same CRS, fast).
    """
    if "crs" not in m:
        return "OGC:CRS84"  # the GeoParquet default
    crs = m["crs"]
    if not isinstance(crs, dict):
        return crs
    crs = copy.deepcopy(crs)
    _drop_member_ids(crs)
    ext = (field.metadata or {}).get(b"ARROW:extension:metadata")
    if ext is not None:
        try:
            full = json.loads(ext).get("crs")
        except (ValueError, AttributeError):
            full = None
        if isinstance(full, dict):
            bare = copy.deepcopy(full)
            _drop_member_ids(bare)
            if bare == crs:
                try:
                    return CRS.from_user_input(full)
                except ProjCRSError:  # a PROJ too old for some member id: the bare form, as geopandas
                    pass
    return crs


def _drop_member_ids(d: dict) -> None:
    """Drop the ids of datum ensemble members, in place (geopandas' reading of GeoParquet PROJJSON)."""
    for key, value in d.items():
        if isinstance(value, dict):
            _drop_member_ids(value)
        elif key == "members" and isinstance(value, list):
            for member in value:
                if isinstance(member, dict):
                    member.pop("id", None)


def _check_columns(cols: list[str] | None, names: Sequence[str], p: Path) -> None:
    if cols is None:
        return
    missing = [c for c in cols if c not in names]
    if missing:
        raise InputError(f"column(s) {missing} not in the file; it has {list(names)}",
                         file=str(p), field=missing[0])


def save_parcels(gdf: gpd.GeoDataFrame, path: str | Path) -> Path:
    """Write a parcel layer as GeoParquet (native GeoArrow geometry, zstd) for ``load_parcels``."""
    if gdf.crs is None:
        raise CRSError("the parcel layer has no CRS; set one before saving")
    p = Path(path)
    gdf.to_parquet(p, index=False, compression="zstd", geometry_encoding="geoarrow")
    return p


def prepare_parcels(gdf: gpd.GeoDataFrame, districts: gpd.GeoDataFrame | None = None,
                    corridors: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """A copy with the query-independent spatial facts every analysis needs, computed once.

    Adds ``host_adcode`` (the district containing each parcel, by :func:`geoplan.spatial.parcel_points`;
    empty outside Chongqing) and the distances of :func:`geoplan.corridor.axis_distances`. Save the
    result with :func:`save_parcels`; site selection and intensity by district then work on
    attributes only.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
    districts, corridors : geopandas.GeoDataFrame, optional
        Default: the embedded layers.

    Returns
    -------
    geopandas.GeoDataFrame

    Examples
    --------
    >>> import geoplan as gp
    >>> p = gp.prepare_parcels(gp.load_layer("parks").head(3))
    >>> {"host_adcode", "nearest_km"} <= set(p.columns)
    True
    """
    out = gdf.copy()
    out["host_adcode"] = parcels_by_district(gdf, districts).to_numpy()
    cd = axis_distances(gdf, corridors)
    for c in cd.columns:
        out[c] = cd[c].to_numpy()
    return out
