"""The layer catalogue: declarative specs in ``layers/*.yaml`` turned into GeoDataFrames.

A spec names its ``source`` (``catalog.<loader>`` or ``layers.<builder>``); ``load_layer`` builds
the GeoDataFrame (WGS84) and ``layer_spec`` returns the spec with its metadata.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import yaml

from ..crs import WGS84
from ..errors import DataError, UnknownLayerError
from ..paths import layers_dir
from . import catalog

REQUIRED_SPEC_KEYS = ("id", "title", "source", "geometry_type", "fields", "style", "metadata")


@cache
def _specs() -> dict[str, dict[str, Any]]:
    specs: dict[str, dict[str, Any]] = {}
    folder = layers_dir()
    for path in sorted(Path(folder).glob("*.yaml")):
        with open(path, encoding="utf-8") as fh:
            spec = yaml.safe_load(fh)
        missing = [k for k in REQUIRED_SPEC_KEYS if k not in (spec or {})]
        if missing:
            raise DataError(f"layer spec {path} lacks required keys: {', '.join(missing)}")
        if spec["id"] != path.stem:
            raise DataError(f"layer spec {path}: id '{spec['id']}' must match the file name '{path.stem}'")
        spec["_path"] = str(path)
        specs[spec["id"]] = spec
    if not specs:
        raise DataError(f"no layer specs found in {folder}")
    return dict(sorted(specs.items(), key=lambda kv: (kv[1].get("order", 99), kv[0])))


def layer_ids() -> list[str]:
    """Ids of every layer in the catalogue, in display order.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import geoplan as gp
    >>> "parks" in gp.layer_ids()
    True
    """
    return list(_specs())


def layer_spec(layer_id: str) -> dict[str, Any]:
    """The spec of one layer (a copy); unknown ids raise UnknownLayerError naming the valid ones."""
    specs = _specs()
    if layer_id not in specs:
        raise UnknownLayerError(
            f"unknown layer '{layer_id}'; valid layers: {', '.join(specs)}"
        )
    return {k: v for k, v in specs[layer_id].items()}


def _place_geometries(display: bool) -> pd.Series:
    """Geometry for every place key ``"<place_type>:<place_id>"``."""
    d = catalog.districts(display=display)
    p = catalog.parks()
    # Regions whose members the seeds do not list (e.g. the 成渝 wings) have no geometry: their
    # assignment rows are kept with a null geometry and location_precision "no_geometry".
    r = catalog.regions(include_empty=True)
    keys = (
        ["district:" + str(a) for a in d["adcode"]]
        + ["park:" + str(i) for i in p["park_id"]]
        + ["region:" + str(i) for i in r["region_id"]]
    )
    geoms = np.concatenate([d.geometry.to_numpy(), p.geometry.to_numpy(), r.geometry.to_numpy()])
    return pd.Series(geoms, index=keys)


def join_geometry(rows: pd.DataFrame, display: bool = True) -> gpd.GeoDataFrame:
    """Rows naming places (``place_type``, ``place_id``) with their place's geometry, in WGS84.

    Parameters
    ----------
    rows : pandas.DataFrame
        E.g. the result of :func:`geoplan.places_for_industry`.
    display : bool, default True
        Simplified district polygons (for maps and downloads of a filtered table).

    Returns
    -------
    geopandas.GeoDataFrame
        The rows, index reset; a place without geometry (a region whose members the plans do not
        list) gets an empty geometry.

    Examples
    --------
    >>> import geoplan as gp
    >>> from geoplan.data.layers import join_geometry
    >>> g = join_geometry(gp.places_for_industry("ic", include_related=False))
    >>> g.crs.to_epsg(), bool(g.geometry.notna().any())
    (4326, True)
    """
    geoms = _place_geometries(display)
    keys = rows["place_type"].astype(str) + ":" + rows["place_id"].astype(str)
    return gpd.GeoDataFrame(rows.reset_index(drop=True), geometry=geoms.reindex(keys).to_numpy(), crs=WGS84)


def assignments(display: bool = False) -> gpd.GeoDataFrame:
    """Assignments joined to their place's geometry (district polygon, park point or region polygon)."""
    a = catalog.assignments()
    geoms = _place_geometries(display)
    keys = a["place_type"] + ":" + a["place_id"].astype(str)
    missing = sorted(set(keys) - set(geoms.index))
    if missing:
        raise DataError(
            "data/assignments.csv names places with no geometry: " + ", ".join(missing[:10])
        )
    gdf = gpd.GeoDataFrame(a, geometry=geoms.reindex(keys).to_numpy(), crs=WGS84)
    parks = catalog.parks().set_index("park_id")["location_precision"]
    precision = np.select(
        [a["place_type"].eq("park").to_numpy(), gdf.geometry.isna().to_numpy(),
         a["place_type"].eq("region").to_numpy()],
        [a["place_id"].map(parks).to_numpy(dtype=object), "no_geometry", "region_of_districts"],
        default="boundary",
    )
    gdf["location_precision"] = precision
    return gdf


def tongliang_projects(display: bool = False) -> gpd.GeoDataFrame:
    """The Tongliang projects located at their host park's point (the plan gives no project sites)."""
    t = catalog.tongliang_projects()
    parks = catalog.parks().set_index("park_id")
    missing = sorted(set(t["host_park_id"]) - set(parks.index))
    if missing:
        raise DataError(f"data/tongliang_projects.csv: host_park_id not in parks: {missing}")
    host = parks.loc[t["host_park_id"]]
    gdf = gpd.GeoDataFrame(t, geometry=host.geometry.to_numpy(), crs=WGS84)
    gdf["location_precision"] = host["location_precision"].to_numpy()
    return gdf


_BUILDERS: dict[str, Callable[..., gpd.GeoDataFrame]] = {
    "layers.assignments": assignments,
    "layers.tongliang_projects": tongliang_projects,
}


@lru_cache(maxsize=32)
def _load(layer_id: str, display: bool) -> gpd.GeoDataFrame:
    source = layer_spec(layer_id)["source"]
    if source in _BUILDERS:
        return _BUILDERS[source](display=display)
    kind, _, name = source.partition(".")
    loader = getattr(catalog, name, None) if kind == "catalog" else None
    if loader is None:
        raise DataError(f"layer '{layer_id}': unknown source '{source}' in its spec")
    if name in ("districts", "context_areas"):
        return loader(display=display)
    return loader()


def load_layer(layer_id: str, display: bool = False) -> gpd.GeoDataFrame:
    """The layer as a GeoDataFrame in WGS84 (EPSG:4326), with its metadata in ``.attrs``.

    Parameters
    ----------
    layer_id : str
        One of :func:`layer_ids` (``districts``, ``parks``, ``corridors``, ``regions``,
        ``assignments``, ``tongliang_projects``, ``context``).
    display : bool, default False
        Use the simplified display boundaries (a valid coverage, ~1/10 of the vertices).

    Returns
    -------
    geopandas.GeoDataFrame
        A fresh copy the caller may modify.

    Raises
    ------
    UnknownLayerError
        For an id the catalogue does not have (the message lists the valid ids).

    Examples
    --------
    >>> import geoplan as gp
    >>> d = gp.load_layer("districts")
    >>> len(d), d.crs.to_epsg()
    (38, 4326)
    """
    layer_spec(layer_id)  # validates the id with a helpful message
    return _load(layer_id, display).copy()


def layer_metadata(layer_id: str) -> dict[str, Any]:
    """Metadata to attach to exports: title, source, CRS and precision notes."""
    spec = layer_spec(layer_id)
    return {"layer": layer_id, "title": spec["title"], **spec["metadata"]}


def clear_cache() -> None:
    """Forget cached layers and specs (after data/ or layers/ changed)."""
    _specs.cache_clear()
    _load.cache_clear()
    catalog.clear_cache()
