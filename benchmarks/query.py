"""The benchmark's inputs shared by every method: corridor lines, districts, the site query and grid.

The site query (workload b) is defined once here as plain lookup tables and constants, so the
per-row, DuckDB and vectorised implementations compute the same numbers and can be checked against
each other:

* host district = district containing the parcel centroid (WGS84);
* distance = planar distance (km, ``REGION_METRIC``) from the parcel polygon to each axis;
* gates: available_mu ≥ need, land use in M1/M2/M3, nearest axis ≤ max_km, host in the allowed
  districts (the spec's regions);
* score = 100 × Σ wᵢ sᵢ / Σ w with s_fit from the parcel's industry (1 same id, 0.75 same chain,
  0.5 same sector — geoplan.taxonomy.industry_relation), s_corridor = clip(1 − d/scale), s_intensity
  = r/(1+r) with r = project 亩均产值 / parcel 亩均产值 (0.5 unknown), s_tier = 0.5 (parcels have no
  park tier), s_role = 1 when the plans assign the industry to the host district, else 0;
* top-k by score, ties by parcel_id.

It is a simplified form of ``geoplan.siting.select_sites`` (no citations, floors or stability),
which is timed separately on the same parcels (method "geoplan select_sites").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely

from geoplan.crs import REGION_METRIC
from geoplan.data import catalog

INDUSTRIAL = ("M1", "M2", "M3")


@dataclass
class Query:
    industry_id: str
    land_mu: float
    max_km: float
    scale_km: float
    project_output_per_mu: float
    allowed_adcodes: list[int]
    fit: dict[str, float]  # parcel industry_id → s_fit
    role: dict[int, float]  # adcode → s_role
    weights: dict[str, float]  # industry_fit, corridor, intensity, tier, region_role
    tier_score: float = 0.5
    top: int = 20
    spec: dict = field(default_factory=dict)  # the same query as a geoplan SiteSpec mapping


def corridor_lines_metric() -> gpd.GeoDataFrame:
    """The three axes in REGION_METRIC (metres), catalogue order."""
    return catalog.corridors().to_crs(REGION_METRIC)


def default_query(industry_text: str = "新能源汽车", land_mu: float = 150.0, max_km: float = 60.0,
                  output_yi: float = 30.0, regions: tuple[str, ...] = ("central_urban", "new_main_urban"),
                  top: int = 20) -> Query:
    """The benchmark's site query, with lookup tables built from geoplan's taxonomy and plans."""
    from geoplan.data import taxonomy
    from geoplan.siting.spec import default_weights, siting_defaults

    iid = taxonomy.resolve_industry(industry_text)
    ind = catalog.industries()
    fit_cfg = siting_defaults()["industry_fit"]["relation"]
    fit = {}
    for other in ind["industry_id"]:
        rel = taxonomy.industry_relation(iid, other)
        fit[other] = float(fit_cfg.get(rel, 0.0)) if rel else 0.0
    d = catalog.districts()
    allowed = sorted(int(a) for a in d.loc[d["region_id"].isin(regions), "adcode"])
    places = taxonomy.places_for_industry(iid, include_related=False)
    role_codes = set()
    if len(places):
        dist_rows = places[places["place_type"] == "district"]
        role_codes = {int(p) for p in dist_rows["place_id"]}
    role = {int(a): (1.0 if int(a) in role_codes else 0.0) for a in d["adcode"]}
    cfg = siting_defaults()
    spec = {"industry": industry_text, "land_mu": land_mu, "output_yi": output_yi,
            "max_corridor_km": max_km, "regions": list(regions), "top": top}
    return Query(iid, land_mu, max_km, float(cfg["corridor"]["scale_km"]), output_yi * 1e4 / land_mu,
                 allowed, fit, role, default_weights(), top=top, spec=spec)


def grid_100m(res_m: float = 100.0) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
    """Cell-centre axes (x, y in REGION_METRIC) of a grid over Chongqing's bounding box."""
    d = catalog.districts().to_crs(REGION_METRIC)
    x0, y0, x1, y1 = d.total_bounds
    x0, y0 = np.floor(x0 / res_m) * res_m, np.floor(y0 / res_m) * res_m
    nx, ny = int(np.ceil((x1 - x0) / res_m)), int(np.ceil((y1 - y0) / res_m))
    return x0 + (np.arange(nx) + 0.5) * res_m, y0 + (np.arange(ny) + 0.5) * res_m, (ny, nx)


def line_coords() -> list[np.ndarray]:
    return [shapely.get_coordinates(g) for g in corridor_lines_metric().geometry.values]
