"""TODO docstring."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
import geopandas as gpd
from .corridor import axis_distances
from .crs import WGS84
from .errors import CRSError, InputError
from .spatial import parcels_by_district

PARQUET_SUFFIXES = (".parquet", ".geoparquet", ".pq")


def load_parcels(path: str | Path, columns: Sequence[str] | None = None,
                 bbox: tuple[float, float, float, float] | None = None) -> gpd.GeoDataFrame:
    """Read a parcel layer (GeoParquet fast path; any pyogrio format otherwise), as WGS84.

    ``columns`` selects attribute columns (geometry is always read); ``bbox`` (lon/lat) keeps the
    parcels that intersect it. Raises InputError naming the file for a missing file or column,
    CRSError when the file has no CRS.
    """
    p = Path(path)
    if not p.exists():
        raise InputError("parcel file not found", file=str(p))
    cols = list(columns) if columns is not None else None
    if p.suffix.lower() in PARQUET_SUFFIXES:
        import pyarrow.parquet as pq

        names = pq.read_schema(p).names
        _check_columns(cols, names, p)
        geom_col = _geoparquet_geometry(p)
        read_cols = None if cols is None else [c for c in cols if c != geom_col] + [geom_col]
        gdf = gpd.read_parquet(p, columns=read_cols, bbox=bbox)
    else:
        import pyogrio

        info = pyogrio.read_info(p)
        _check_columns(cols, list(info["fields"]), p)
        gdf = gpd.read_file(p, engine="pyogrio", columns=cols, bbox=bbox, use_arrow=True)
    if gdf.crs is None:
        raise CRSError("the parcel layer has no CRS; set one (e.g. EPSG:4326) when writing it",
                       file=str(p))
    if not gdf.crs.equals(WGS84):
        gdf = gdf.to_crs(WGS84)
    return gdf


def _geoparquet_geometry(p: Path) -> str:
    import json

    import pyarrow.parquet as pq

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

    Adds ``host_adcode`` (district containing :func:`parcel_points`; empty outside Chongqing) and the
    columns of :func:`corridor_distances`. Save the result with :func:`save_parcels`; analyses
    (site selection, intensity by district) then work on attributes only. ``host_adcode`` is what
    ``geoplan.siting_candidates.normalise_candidates`` reads instead of its own spatial lookup.
    """
    out = gdf.copy()
    out["host_adcode"] = parcels_by_district(gdf, districts).to_numpy()
    cd = axis_distances(gdf, corridors)
    for c in cd.columns:
        out[c] = cd[c].to_numpy()
    return out
