"""Drop rows of a large candidate layer that certainly fail a cheap gate, before scoring."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..corridor import axis_distances
from ..data.places import place_adcodes
from ..spatial import parcels_by_district
from .candidates import LAND_COLUMNS
from .spec import SiteSpec, siting_defaults

# ---------------------------------------------------------------- site selection over many parcels


def prefilter(candidates: gpd.GeoDataFrame, spec, columns: list[str] | None = None) -> gpd.GeoDataFrame:
    """The rows of a parcel layer that can still pass site selection's land, area and corridor gates.

    ``geoplan.siting.select_sites`` scores every candidate, with citations and notes per row; at 10⁶
    parcels that costs tens of seconds, mostly on parcels a cheap attribute test already rules out.
    A candidate's score and gates do not depend on the other candidates, so dropping rows that
    certainly *fail* a gate leaves the ranked list (and the stability report) unchanged:

    * land: available land (the first of ``available_land_mu``, ``available_mu``, ``area_mu``,
      ``land_mu``) below ``spec.land_mu`` (unknown land is kept: its gate is "unknown", not "fail");
    * area: ``host_adcode`` known and outside ``spec.regions``/``spec.districts`` (rows with a
      ``park_id`` are kept: a park may be named directly);
    * corridor: with ``spec.max_corridor_km`` and distance columns from :func:`prepare_parcels`,
      distance minus the location-precision margin beyond the maximum.

    A layer without those columns (not prepared) gets them computed for the rows that pass the land
    test only, so the filter stays cheap; ``host_adcode`` and the distance columns
    (``dist_km_<axis>``, ``nearest_km``, ``nearest_corridor``) are then added to the returned rows
    (the same lookups ``select_sites`` would do, so it reuses them instead of measuring again). Use ``select_sites(spec, candidates=prefilter(layer,
    spec))``; its excluded list then holds only the parcels that got past this filter.
    ``columns``: keep only these columns of the layer in the rows returned (plus those computed here).
    """

    if isinstance(spec, dict):
        spec = SiteSpec.from_dict(spec)
    # positions of the rows still in, and the columns computed here (aligned with ``pos``); the
    # frame is taken once at the end, not once per gate (each take copies every column)
    pos: np.ndarray | None = None  # None: every row (no index array of the whole layer until a test drops rows)
    added: dict[str, np.ndarray] = {}
    filtered = False

    def keep(mask: np.ndarray) -> None:
        nonlocal pos, filtered
        pos = np.flatnonzero(mask) if pos is None else pos[mask]
        for c in added:
            added[c] = added[c][mask]
        filtered = True

    def rows() -> np.ndarray:
        return np.arange(len(candidates)) if pos is None else pos

    def column(name: str) -> pd.Series:
        if name in added:
            return pd.Series(added[name])
        return candidates[name] if pos is None else candidates[name].take(pos)

    landc = next((c for c in LAND_COLUMNS if c in candidates.columns), None)
    if landc is not None:
        col = candidates[landc]
        land = col.to_numpy(float) if col.dtype.kind == "f" else pd.to_numeric(col, errors="coerce").to_numpy(float)
        keep(~(land < spec.land_mu))  # NaN compares False: unknown land stays
    names = list(spec.regions) + list(spec.districts)
    if names:
        if "host_adcode" not in candidates.columns:
            added["host_adcode"] = parcels_by_district(candidates.iloc[rows()]).to_numpy()
        codes: set[int] = set()
        for name in names:
            codes |= place_adcodes(name)[0]
        host = pd.to_numeric(column("host_adcode"), errors="coerce")
        outside = host.notna().to_numpy() & ~host.isin(list(codes)).to_numpy()
        if "park_id" in candidates.columns:
            outside &= column("park_id").fillna("").astype(str).eq("").to_numpy()
        keep(~outside)
    if spec.max_corridor_km is not None and len(rows()):
        margins = siting_defaults()["corridor"]["precision_margin_km"]
        dcol = f"dist_km_{spec.axis}" if spec.axis else "nearest_km"
        if dcol not in candidates.columns:  # computed once here and carried on: select_sites reuses them
            ad = axis_distances(candidates.iloc[rows()])
            for c in ad.columns:
                added[c] = ad[c].to_numpy()
        d = column(dcol).to_numpy(float)
        if "location_precision" in candidates.columns:
            m = column("location_precision").map(margins).fillna(0).to_numpy(float)
        else:  # what normalise_candidates assigns: polygons "geometry", points "user_point"
            m_poly, m_point = float(margins.get("geometry", 0)), float(margins.get("user_point", 0))
            near = ~(d - max(m_poly, m_point) > spec.max_corridor_km)  # beyond the wider margin: out
            keep(near)
            d = d[near]
            m = np.full(len(d), min(m_poly, m_point))  # within the narrower margin: in, whatever the type
            open_ = np.flatnonzero(d - m > spec.max_corridor_km)  # between the two: the type decides
            if len(open_):
                polygonal = np.isin(shapely.get_type_id(np.asarray(candidates.geometry.values)[rows()[open_]]), (3, 6))
                m[open_] = np.where(polygonal, m_poly, m_point)
        keep(~(d - m > spec.max_corridor_km))
    if not filtered and not added and columns is None:
        return candidates
    keep_cols = list(candidates.columns) if columns is None else list(columns)
    if len(set(keep_cols)) < len(keep_cols):  # repeated column names: a frame-level take keeps them
        out = candidates.iloc[rows()][keep_cols] if columns is not None else candidates.iloc[rows()]
        for c, v in added.items():
            out[c] = v
        return out
    # column by column: a frame-level take copies whole blocks of the large layer first
    pos = rows()
    out = gpd.GeoDataFrame({c: candidates[c].array.take(pos) for c in keep_cols},
                           index=candidates.index[pos], geometry=candidates.geometry.name, crs=candidates.crs)
    for c, v in added.items():
        out[c] = v
    return out
