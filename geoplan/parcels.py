"""Parcel layers at scale: a GeoParquet fast path and vectorised parcel → district lookup.

A planning bureau's parcel layer has 10⁵–10⁶ polygons. ``load_parcels`` reads GeoParquet with
pyarrow (column selection, no parsing of unread columns) and any other format through pyogrio's Arrow
path. Measured on 10⁶ parcels (benchmarks/RESULTS.md): GeoParquet ≈ 1–2.5 s and 71 MB on disk,
GeoPackage ≈ 1.7 s and 297 MB; GeoParquet is also what dask-geopandas reads partition by partition.

The host-district lookup itself lives in :mod:`geoplan.spatial`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import pyogrio

from .corridor import axis_distances
from .crs import WGS84
from .errors import CRSError, InputError
from .spatial import parcels_by_district

PARQUET_SUFFIXES = (".parquet", ".geoparquet", ".pq")


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
        (lon0, lat0, lon1, lat1): keep the parcels that intersect it.
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
        names = pq.read_schema(p).names
        _check_columns(cols, names, p)
        geom_col = _geoparquet_geometry(p)
        if not geometry:
            if bbox is not None:
                raise InputError("a bbox filter needs the geometry; drop bbox or read geometry", file=str(p))
            return pq.read_table(p, columns=[c for c in (cols or names) if c != geom_col]).to_pandas()
        read_cols = None if cols is None else [c for c in cols if c != geom_col] + [geom_col]
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


def _geoparquet_geometry(p: Path) -> str:

    meta = pq.read_schema(p).metadata or {}
    geo = meta.get(b"geo")
    if geo is None:
        raise InputError("not a GeoParquet file (no 'geo' metadata); write it with "
                         "GeoDataFrame.to_parquet or geoplan.parcels.save_parcels", file=str(p))
    return json.loads(geo)["primary_column"]


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
