"""Loading the embedded data layers (cached, read-only).

Every loader returns a fresh copy so callers may modify what they get. The files and their
columns are described in ``docs/DATA_CONTRACT.md``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..crs import WGS84
from ..errors import DataError
from ..paths import data_dir

CORRIDOR_IDS = ("CY_MAIN", "CY_MID", "CSY")


def _path(*parts: str) -> Path:
    p = data_dir().joinpath(*parts)
    if not p.exists():
        raise DataError(
            f"embedded data file {p} is missing; regenerate it with the scripts in scripts/ "
            "(see README, 'Data')"
        )
    return p


@cache
def _read_csv(name: str) -> pd.DataFrame:
    df = pd.read_csv(_path(name), dtype=str, keep_default_na=False)
    return df


def _table(name: str, numeric: tuple[str, ...] = (), integer: tuple[str, ...] = ()) -> pd.DataFrame:
    df = _read_csv(name).copy()
    for col in numeric + integer:
        if col in df:
            num = pd.to_numeric(df[col].replace("", None), errors="coerce")
            bad = (df[col] != "") & num.isna()
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise DataError(f"data/{name}, row {i + 1}, column {col}: {df[col].iloc[i]!r} is not a number")
            df[col] = num.astype("Int64" if col in integer else float)
    return df


@cache
def _read_geojson(name: str) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(_path("boundaries", name), engine="pyogrio")
    if gdf.crs is None or not gdf.crs.equals(WGS84):
        gdf = gdf.set_crs(WGS84, allow_override=True)
    return gdf


def districts(display: bool = False) -> gpd.GeoDataFrame:
    """The 38 districts/counties of Chongqing (WGS84), full resolution or the simplified display copy."""
    gdf = _read_geojson("districts_display.geojson" if display else "districts.geojson").copy()
    gdf["adcode"] = gdf["adcode"].astype(int)
    return gdf


def district_labels() -> dict[int, tuple[str, str, str, str]]:
    """Each district's (name_zh, name_en, region_id, region_zh) by adcode, read once per data
    generation (a blank cell is ""); site selection names the host district of every candidate.

    Examples
    --------
    >>> district_labels()[500151][:2]
    ('铜梁区', 'Tongliang District')
    """
    return _district_labels_at(generation())


@cache
def _district_labels_at(_generation: int) -> dict[int, tuple[str, str, str, str]]:
    d = _read_geojson("districts.geojson")
    cols = [d[c].tolist() for c in ("name_zh", "name_en", "region_id", "region_zh")]
    return {int(a): tuple("" if pd.isna(v) else str(v) for v in vals)
            for a, *vals in zip(d["adcode"].tolist(), *cols)}


def context_areas(display: bool = False) -> gpd.GeoDataFrame:
    """Neighbouring Sichuan prefecture-level cities crossed by the corridors (context only)."""
    name = "context_sichuan_display.geojson" if display else "context_sichuan.geojson"
    gdf = _read_geojson(name).copy()
    gdf["adcode"] = gdf["adcode"].astype(int)
    return gdf


def parks() -> gpd.GeoDataFrame:
    """Parks of the "2+10+36" system, Tongliang's park and its parts, as points with precision flags."""
    df = _table("parks.csv", numeric=("lon", "lat", "approved_area_km2", "available_land_mu"),
                integer=("host_adcode",))
    geom = shapely.points(df["lon"].to_numpy(), df["lat"].to_numpy())
    return gpd.GeoDataFrame(df, geometry=geom, crs=WGS84)


def industries() -> pd.DataFrame:
    """The industry taxonomy (one row per industry id)."""
    return _table("industries.csv", integer=("source_line",))


def industry_aliases() -> pd.DataFrame:
    """Aliases of industry names (中文, English, abbreviations) → taxonomy ids."""
    return _table("industry_aliases.csv")


def place_aliases() -> pd.DataFrame:
    """Aliases of place names → district adcodes, park ids and region ids."""
    return _table("place_aliases.csv")


def regions_table() -> pd.DataFrame:
    """Named regions (一区两群 parts, agglomeration areas, wings) with their member adcodes."""
    return _table("regions.csv")


def adcodes(cell: str) -> list[int]:
    """The adcodes of a ``;``-separated cell such as ``member_adcodes`` (empty cell → [])."""
    return [int(c) for c in cell.split(";") if c]


def region_members(region_id: str) -> list[int]:
    """Adcodes of a named region's members (full and partial); empty when the seeds name none."""
    t = regions_table().set_index("region_id")
    if region_id not in t.index:
        raise DataError(f"region '{region_id}' is not in data/regions.csv")
    row = t.loc[region_id]
    return adcodes(row["member_adcodes"]) + adcodes(row["partial_adcodes"])


def regions(include_empty: bool = False) -> gpd.GeoDataFrame:
    """Named regions dissolved from the district polygons (display copy).

    Regions whose members the seeds do not list have no geometry; they are left out unless
    ``include_empty`` is true (then their geometry is None).
    """
    t = regions_table()
    d = districts(display=True).set_index("adcode")
    geoms = []
    for _, row in t.iterrows():  # a dozen rows: clarity over vectorisation
        codes = adcodes(row["member_adcodes"]) + adcodes(row["partial_adcodes"])
        geoms.append(shapely.union_all(d.loc[codes].geometry.to_numpy()) if codes else None)
    gdf = gpd.GeoDataFrame(t, geometry=geoms, crs=WGS84)
    if include_empty:
        return gdf
    return gdf[~gdf.geometry.isna()].reset_index(drop=True)


def assignments() -> pd.DataFrame:
    """Industry → place assignments stated in the seed plans, with provenance."""
    return _table("assignments.csv", integer=("source_line",))


def corridor_nodes() -> pd.DataFrame:
    """The corridor nodes (cities, stations) in order along each axis, with their sources."""
    return _table("corridors.csv", numeric=("lon", "lat"), integer=("seq",))


def corridors() -> gpd.GeoDataFrame:
    """The Chengdu–Chongqing axes as polylines, Chengdu end first (see ``corridor_nodes``)."""
    nodes = corridor_nodes().sort_values(["corridor_id", "seq"])
    rows = []
    for cid, grp in nodes.groupby("corridor_id", sort=False):
        rows.append({
            "corridor_id": cid,
            "corridor_zh": grp["corridor_zh"].iloc[0],
            "corridor_en": grp["corridor_en"].iloc[0],
            "nodes_zh": "—".join(grp["node_zh"]),
            "n_nodes": len(grp),
            "source": "; ".join(dict.fromkeys(grp["source"])),
            "geometry": shapely.linestrings(grp[["lon", "lat"]].to_numpy()),
        })
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)
    order = {c: i for i, c in enumerate(CORRIDOR_IDS)}
    return gdf.sort_values("corridor_id", key=lambda s: s.map(order)).reset_index(drop=True)


def targets() -> pd.DataFrame:
    """Quantitative targets and baselines of the seeds."""
    return _table("targets.csv", integer=("source_line",))


def tongliang_projects() -> pd.DataFrame:
    """The 73 projects of seed 004's 附表2 (plan guidance figures)."""
    return _table("tongliang_projects.csv", numeric=("land_mu", "investment_yi", "annual_output_yi"),
                  integer=("seq", "source_line"))


def plans() -> pd.DataFrame:
    """The seed plans: title, document number, date, issuer, level, and the seed lines each covers."""
    return _table("plans.csv", integer=("first_line", "last_line", "title_line", "doc_line", "date_line"))


def plan_sections() -> pd.DataFrame:
    """专栏 boxes of the seeds whose extent the text marks (source, section_zh, first_line..last_line)."""
    return _table("plan_sections.csv", integer=("first_line", "last_line"))


def park_lead_industries() -> pd.DataFrame:
    """One row per (park, lead industry) with its source class: plan | catalogue | general."""
    return _table("park_lead_industries.csv", integer=("source_line",))


_GENERATION = [0]  # bumped by clear_cache: derived caches elsewhere (citations) key on it


def generation() -> int:
    """A number that changes whenever :func:`clear_cache` forgets the cached files."""
    return _GENERATION[0]


def clear_cache() -> None:
    """Forget cached files (after data/ was regenerated or GEOPLAN_DATA_DIR changed)."""
    _read_csv.cache_clear()
    _read_geojson.cache_clear()
    _district_labels_at.cache_clear()
    _GENERATION[0] += 1
