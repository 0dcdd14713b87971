"""Network distance and drive time to the Chengdu–Chongqing axes over a user's OSM extract (osmnx).

Nothing here touches the network: the graph comes from a local ``.osm`` XML file or a saved osmnx
``.graphml``. ``.pbf`` is not read by osmnx; convert it first (``osmium cat in.pbf -o out.osm``).
A *corridor access node* is a drive-network node within ``access_km`` of an axis line: reaching
it means reaching the corridor. Distances are shortest paths by length, times shortest paths by
travel time (osmnx speeds from ``maxspeed`` or the defaults below), each to its nearest access node.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely
from pyproj import Transformer

from .corridor import corridor_lines
from .crs import REGION_METRIC, WGS84
from .errors import CRSError, InputError

# highway values that carry motor traffic (osmnx's "drive" filter, minus service roads)
DRIVE_HIGHWAYS = frozenset({
    "motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link", "secondary",
    "secondary_link", "tertiary", "tertiary_link", "unclassified", "residential", "living_street",
    "road",
})
# km/h used where an edge has no maxspeed (typical Chinese design speeds)
DEFAULT_SPEEDS_KPH = {
    "motorway": 100, "motorway_link": 60, "trunk": 80, "trunk_link": 50, "primary": 60,
    "primary_link": 40, "secondary": 50, "secondary_link": 40, "tertiary": 40, "tertiary_link": 30,
    "unclassified": 30, "residential": 25, "living_street": 10, "road": 30,
}


def _osmnx():
    import osmnx as ox

    ox.settings.use_cache = False  # never write or read an HTTP cache: we never download
    return ox


def _is_drive(hwy) -> bool:
    vals = hwy if isinstance(hwy, (list, tuple, set)) else [hwy]
    return any(str(v) in DRIVE_HIGHWAYS for v in vals)


def load_drive_graph(path: str | Path) -> nx.MultiDiGraph:
    """The drive network of a local OSM extract (``.osm``/``.xml``, optionally ``.bz2``) or ``.graphml``.

    Edges get ``length`` (m), ``speed_kph`` and ``travel_time`` (s).
    """
    ox = _osmnx()
    p = Path(path)
    if not p.exists():
        raise InputError("OSM extract not found", file=str(p))
    name = p.name.lower()
    if name.endswith(".pbf"):
        raise InputError("osmnx reads OSM XML, not .pbf; convert it first, e.g. "
                         "`osmium cat extract.osm.pbf -o extract.osm`", file=str(p))
    if name.endswith(".graphml"):
        G = ox.load_graphml(p)
    elif name.endswith((".osm", ".xml", ".osm.bz2", ".xml.bz2")):
        try:
            # simplify after filtering: a drive road that closes a loop only with a footway
            # would otherwise vanish as a self-contained ring
            G = ox.graph_from_xml(p, simplify=False, retain_all=True)
        except Exception as exc:  # osmnx raises plain exceptions on malformed XML
            raise InputError(f"cannot read OSM XML: {exc}", file=str(p)) from exc
    else:
        raise InputError("expected .osm, .osm.bz2, .xml or .graphml", file=str(p))
    drop = [(u, v, k) for u, v, k, h in G.edges(keys=True, data="highway") if not _is_drive(h)]
    G.remove_edges_from(drop)
    G.remove_nodes_from([n for n in list(G.nodes) if G.degree(n) == 0])
    if not G.graph.get("simplified"):
        G = ox.simplification.simplify_graph(G)
    if G.number_of_edges() == 0:
        raise InputError("the extract has no drivable roads (highway=motorway … residential)",
                         file=str(p))
    G = ox.routing.add_edge_speeds(G, hwy_speeds=DEFAULT_SPEEDS_KPH, fallback=30)
    G = ox.routing.add_edge_travel_times(G)
    G.graph["source_file"] = str(p)
    return G


def _node_xy(G: nx.MultiDiGraph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Node ids and their REGION_METRIC coordinates."""
    crs = G.graph.get("crs", "epsg:4326")
    ids = np.array(list(G.nodes))
    x = np.array([G.nodes[n]["x"] for n in ids], float)
    y = np.array([G.nodes[n]["y"] for n in ids], float)
    t = Transformer.from_crs(crs, REGION_METRIC, always_xy=True)
    mx, my = t.transform(x, y)
    return ids, np.asarray(mx), np.asarray(my)


def access_nodes(G: nx.MultiDiGraph, access_km: float = 1.0,
                 corridors: gpd.GeoDataFrame | None = None) -> dict[str, list]:
    """Corridor id → drive-network nodes within ``access_km`` of that axis."""
    lines = corridor_lines(corridors)
    ids, x, y = _node_xy(G)
    pts = shapely.points(x, y)
    return {cid: list(ids[shapely.distance(pts, line) <= access_km * 1000.0])
            for cid, line in zip(lines["corridor_id"], lines.geometry.values)}


def network_proximity(gdf: gpd.GeoDataFrame, graph: nx.MultiDiGraph | str | Path,
                      access_km: float = 1.0, corridors: gpd.GeoDataFrame | None = None,
                      corridor_ids: Sequence[str] | None = None) -> gpd.GeoDataFrame:
    """Network distance (km) and drive time (min) from each geometry to each axis's access nodes.

    Each geometry starts from the graph node nearest its representative point (``snap_m`` says
    how far that is). Adds ``net_km_<ID>``, ``net_min_<ID>``, ``net_nearest_corridor``, ``net_km``,
    ``net_min``, ``net_note`` (why a value is empty) and ``method``.
    """
    G = graph if isinstance(graph, nx.MultiDiGraph) else load_drive_graph(graph)
    if gdf.crs is None:
        raise CRSError("input has no CRS; set one (e.g. EPSG:4326)")
    acc = access_nodes(G, access_km, corridors)
    if corridor_ids:
        acc = {c: acc[c] for c in corridor_ids}
    ids, x, y = _node_xy(G)
    origins = np.asarray(gdf.geometry.to_crs(REGION_METRIC).representative_point().values)
    tree = shapely.STRtree(shapely.points(x, y))
    idx = tree.nearest(origins)
    snap = shapely.distance(origins, shapely.points(x[idx], y[idx]))
    start = ids[idx]
    R = G.reverse(copy=False)  # distances *to* the access nodes = from them on the reversed graph
    out = gdf.copy()
    out["snap_node"] = start
    out["snap_m"] = snap
    notes = [[] for _ in range(len(out))]
    km = np.full((len(out), len(acc)), np.nan)
    mins = np.full((len(out), len(acc)), np.nan)
    for j, (cid, nodes) in enumerate(acc.items()):
        if nodes:
            dl = nx.multi_source_dijkstra_path_length(R, nodes, weight="length")
            dt = nx.multi_source_dijkstra_path_length(R, nodes, weight="travel_time")
            km[:, j] = [dl.get(n, np.nan) / 1000.0 for n in start]
            mins[:, j] = [dt.get(n, np.nan) / 60.0 for n in start]
        for i in np.flatnonzero(np.isnan(km[:, j])):
            notes[i].append(f"{cid}: " + ("no network node within "
                            f"{access_km:g} km of the axis" if not nodes else "no drivable path"))
        out[f"net_km_{cid}"] = km[:, j]
        out[f"net_min_{cid}"] = mins[:, j]
    cids = np.array(list(acc), dtype=object)
    has = ~np.all(np.isnan(km), axis=1) if len(acc) else np.zeros(len(out), bool)
    k = np.argmin(np.where(np.isnan(km), np.inf, km), axis=1) if len(acc) else np.zeros(len(out), int)
    out["net_nearest_corridor"] = np.where(has, cids[k] if len(acc) else None, None)
    out["net_km"] = np.where(has, km[np.arange(len(out)), k] if len(acc) else np.nan, np.nan)
    out["net_min"] = np.where(has, np.nanmin(np.where(np.isnan(mins), np.inf, mins), axis=1)
                              if len(acc) else np.nan, np.nan)
    out["net_note"] = ["; ".join(n) for n in notes]
    out["method"] = f"network (osmnx drive graph of {Path(G.graph.get('source_file', 'graph')).name})"
    return out


def graph_nodes_gdf(G: nx.MultiDiGraph) -> gpd.GeoDataFrame:
    """The graph's nodes as WGS84 points (for maps and checks)."""
    ids = list(G.nodes)
    return gpd.GeoDataFrame({"node": ids}, geometry=shapely.points(
        [G.nodes[n]["x"] for n in ids], [G.nodes[n]["y"] for n in ids]), crs=G.graph.get("crs", WGS84))
