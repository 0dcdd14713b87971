"""Candidate sites for site selection: the embedded parks or a user layer, in one normal form.

Normal form columns: ``cand_id``, ``name_zh``, ``name_en``, ``park_id``, ``parent_park_id``, ``tier``,
``host_adcode``, ``host_zh``, ``region_id``, ``region_zh``, ``available_land_mu``, ``land_source``,
``location_precision``, ``membership_confidence``, ``industry_ids``, ``output_per_mu`` and geometry
(WGS84). Both sources go through :func:`normalise_candidates`, so they share one code path.
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import spatial
from ..crs import WGS84, area_km2
from ..data import catalog
from ..errors import CRSError, InputError
from ..units import M2_PER_MU

ID_COLUMNS = ("cand_id", "park_id", "parcel_id", "id")
NAME_COLUMNS = ("name_zh", "name", "名称")
# first match wins: a park override, a parcel layer's free land, its area
LAND_COLUMNS = ("available_land_mu", "available_mu", "area_mu", "land_mu")
DIST_PREFIX = "dist_km_"


def park_candidates(overrides: pd.DataFrame | None = None) -> gpd.GeoDataFrame:
    """The embedded parks (data/parks.csv) as candidates; ``overrides`` (park_id, available_land_mu,
    land_source, e.g. ``geoplan.store.Store.overrides_frame()``) replaces their land figures.
    """
    p = catalog.parks()
    p["cand_id"] = p["park_id"]
    # a sub-area (园区组团, 产业集聚区) takes its parent park's tier when it has none of its own
    parent_tier = p["parent_park_id"].map(dict(zip(p["park_id"], p["tier"]))).fillna("")
    inherit = (p["parent_park_id"] != "") & (p["tier"].isin(["", "other"])) & (parent_tier != "")
    p.loc[inherit, "tier"] = parent_tier[inherit]
    p["tier_source"] = np.where(inherit, "parent park " + p["parent_park_id"], "data/parks.csv tier")
    p["land_source"] = np.where(p["available_land_mu"].notna(), "data/parks.csv available_land_mu", "")
    if overrides is not None and len(overrides):
        o = overrides.drop_duplicates("park_id", keep="last").set_index("park_id")
        hit = p["park_id"].isin(o.index)
        for col in ("available_land_mu", "land_source"):
            p.loc[hit, col] = p.loc[hit, "park_id"].map(o[col]).to_numpy()
    return normalise_candidates(p, source="parks")


@lru_cache(maxsize=64)
def _pair(no: str, yes: str) -> pd.api.extensions.ExtensionArray:
    return pd.array([no, yes], dtype="str")  # immutable (Arrow): shared by every take


def _choice(mask: np.ndarray, yes: str, no: str) -> pd.api.extensions.ExtensionArray:
    """A string column that is ``yes`` where ``mask`` and ``no`` elsewhere (the same column
    ``np.where(mask, yes, no)`` gives, without converting n Python strings).
    """
    return _pair(no, yes).take(np.asarray(mask, dtype=np.int64))


def input_columns(gdf: gpd.GeoDataFrame) -> list[str]:
    """The columns of ``gdf`` that :func:`normalise_candidates` reads (and the geometry): a large
    layer's rows can be taken with only these before normalising.
    """
    landc = _first(gdf, LAND_COLUMNS)  # only the first land column present is read
    wanted = {*ID_COLUMNS, *NAME_COLUMNS, landc, "name_en", "park_id", "parent_park_id", "industry_ids",
              "membership_confidence", "tier", "tier_source", "land_source", "location_precision",
              "output_per_mu", "host_adcode", "nearest_km", "nearest_corridor"}
    geom = gdf.geometry.name
    return [c for c in gdf.columns if c == geom or c in wanted or (isinstance(c, str) and c.startswith(DIST_PREFIX))]


def _first(df: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    return next((c for c in names if c in df.columns), None)


def normalise_candidates(gdf: gpd.GeoDataFrame, source: str = "user") -> gpd.GeoDataFrame:
    """Bring a candidate layer (points, polygons or parcels) to the normal form.

    Land: ``available_land_mu`` (or ``available_mu``/``area_mu``/``land_mu``; blank = unknown); a layer
    without such a column counts each polygon's own area as available (a parcel offered as a whole)
    and ``land_source`` says so; points without a figure stay unknown. Host district: ``host_adcode`` or, when absent, the district
    containing the geometry's representative point, looked up only where ``host_adcode`` is absent or
    blank. Corridor distance columns (``dist_km_<axis>``, ``nearest_km``, ``nearest_corridor``, as
    written by ``geoplan.parcels.prepare_parcels``) are carried through for site selection to reuse.
    """
    if not isinstance(gdf, gpd.GeoDataFrame) or "geometry" not in gdf:
        raise InputError("candidates must be a GeoDataFrame with a geometry column")
    if gdf.crs is None:
        raise CRSError("the candidate layer has no CRS; set one (e.g. EPSG:4326)")
    if len(gdf) == 0:
        raise InputError("the candidate layer is empty")
    g = gdf if gdf.crs == WGS84 else gdf.to_crs(WGS84)  # columns are read as arrays: the index is not used
    geoms = np.asarray(g.geometry.values)
    type_id = shapely.get_type_id(geoms)  # -1: missing
    bad = np.flatnonzero((type_id < 0) | shapely.is_empty(geoms))
    if len(bad):
        raise InputError("geometry is missing or empty", row=int(bad[0]) + 1, field="geometry")
    n = len(g)
    out: dict[str, object] = {}  # the columns, in order; one frame is built from them at the end
    blank = _choice(np.zeros(n, bool), "", "")  # one all-blank string column, shared (frames copy on write)

    idc = _first(g, ID_COLUMNS)
    cand_id = g[idc].astype(str) if idc else pd.Series([f"C{i + 1:05d}" for i in range(n)], dtype="str")
    dup = cand_id.duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(f"duplicate candidate id {cand_id.iloc[i]!r}", row=i + 1, field=idc)
    out["cand_id"] = cand_id.array
    namec = _first(g, NAME_COLUMNS)
    out["name_zh"] = g[namec].astype(str).array if namec else out["cand_id"]
    out["name_en"] = g["name_en"].astype(str).array if "name_en" in g else out["name_zh"]
    for col in ("park_id", "parent_park_id", "industry_ids", "membership_confidence", "tier"):
        out[col] = g[col].fillna("").astype(str).array if col in g else blank
    out["tier_source"] = (g["tier_source"].astype(str).array if "tier_source" in g
                          else blank if "tier" not in g else _choice((out["tier"] != "").to_numpy(bool), "tier column", ""))

    polygonal = (type_id == 3) | (type_id == 6)
    landc = _first(g, LAND_COLUMNS)
    land = (pd.to_numeric(g[landc], errors="coerce").to_numpy(float, copy=True) if landc
            else np.full(n, np.nan))
    if landc:
        bad = np.isnan(land) & g[landc].notna().to_numpy()  # a cell that is there but no number …
        if bad.any():  # … unless it is blank (only those cells are looked at as text)
            bad[bad] = (g[landc][bad].astype(str).str.strip() != "").to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(f"expected a number of 亩, got {g[landc].iloc[i]!r}", row=i + 1, field=landc)
    # a blank cell in a land column stays unknown; only a layer without one counts its polygons
    need_area = polygonal & (landc is None)
    if "land_source" in g or need_area.any():
        land_source = np.where(np.isfinite(land), f"{landc} column" if landc else "", "").astype(object)
        if "land_source" in g:
            given = g["land_source"].astype(str).to_numpy(object)
            land_source = np.where(given != "", given, land_source)
        if need_area.any():
            land[need_area] = area_km2(g[need_area]) * 1e6 / M2_PER_MU
            land_source[need_area] = "polygon area (whole parcel counted as available)"
    else:  # the same two labels, without converting n Python strings
        land_source = _choice(np.isfinite(land), f"{landc} column" if landc else "", "")
    out["available_land_mu"] = land
    out["land_source"] = land_source

    if "location_precision" in g:
        out["location_precision"] = g["location_precision"].fillna("").astype(str).array
    else:
        out["location_precision"] = _choice(polygonal, "geometry", "user_point")
    out["output_per_mu"] = (pd.to_numeric(g["output_per_mu"], errors="coerce").to_numpy(float)
                            if "output_per_mu" in g else np.full(n, np.nan))

    # a supplied host_adcode (e.g. from parcels.prepare_parcels) is kept; only blank ones are looked up
    host = (pd.to_numeric(g["host_adcode"], errors="coerce").astype("Int64") if "host_adcode" in g
            else pd.Series(pd.NA, index=g.index, dtype="Int64"))
    missing = host.isna().to_numpy()
    if missing.any():
        # centroid, or a point on the surface where the centroid falls outside (concave parcels)
        gm = geoms[missing]
        pts = shapely.centroid(gm)
        x, y = shapely.get_x(pts), shapely.get_y(pts)
        outside = polygonal[missing] & ~shapely.contains_xy(gm, x, y)
        if outside.any():
            pos = shapely.point_on_surface(gm[outside])
            x[outside], y[outside] = shapely.get_x(pos), shapely.get_y(pos)
        code = spatial.host_adcodes(x, y, catalog.districts())
        filled = host.astype("Float64").to_numpy(float, na_value=np.nan)
        filled[missing] = np.where(code >= 0, code, np.nan)
        host = pd.Series(filled, index=g.index).astype("Int64")
    out["host_adcode"] = host.to_numpy()  # int64, or float64 with NaN where no district holds it
    codes, uniq = pd.factorize(host, use_na_sentinel=True)
    labels = catalog.district_labels()  # looked up once per district, not once per row
    none = ("", "", "", "")
    per_uniq = [labels.get(u, none) for u in uniq.tolist()] + [none]
    for k, col in enumerate(("host_zh", "host_en", "region_id", "region_zh")):
        out[col] = pd.array([v[k] for v in per_uniq], dtype="str").take(codes)
    out["candidate_source"] = _choice(np.zeros(n, bool), source, source)
    # query-independent corridor distances written by parcels.prepare_parcels, reused by site selection
    for c in g.columns:
        if isinstance(c, str) and (c.startswith(DIST_PREFIX) or c in ("nearest_km", "nearest_corridor")):
            out[c] = g[c].array
    out["geometry"] = g.geometry.values
    return gpd.GeoDataFrame(out, index=pd.RangeIndex(n), geometry="geometry", crs=g.crs)  # a dict's columns are copied
