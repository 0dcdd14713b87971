"""Network distance over a tiny OSM XML extract written here (osmnx, no network access)."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import pytest
import shapely

from geoplan import corridor, network
from geoplan.cli import main
from geoplan.crs import WGS84
from geoplan.data import catalog
from geoplan.errors import InputError

R_EARTH = 6_371_009.0  # the mean radius osmnx uses for edge lengths


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lon1, lat1), (lon2, lat2) = a, b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * R_EARTH * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def tiny_osm(tmp_path_factory):
    """A on the 成渝中线 axis; A–B–C a primary road running away from it; a footway C–A shortcut
    that a car may not use; D–E a residential road far from any axis and not connected."""
    mid = catalog.corridors().set_index("corridor_id").geometry["CY_MID"]
    a = shapely.line_interpolate_point(mid, 0.85, normalized=True)  # between 铜梁 and 科学城
    A = (round(a.x, 7), round(a.y, 7))
    B = (A[0] + 0.03, A[1] + 0.04)
    C = (A[0] + 0.07, A[1] + 0.06)
    D, E = (108.5, 31.0), (108.52, 31.01)
    nodes = {1: A, 2: B, 3: C, 4: D, 5: E}
    xml = ["<?xml version='1.0' encoding='UTF-8'?>", "<osm version='0.6' generator='geoplan-test'>"]
    xml += [f"  <node id='{i}' version='1' lat='{lat}' lon='{lon}'/>" for i, (lon, lat) in nodes.items()]

    def way(wid, refs, tags):
        return ([f"  <way id='{wid}' version='1'>"] + [f"    <nd ref='{r}'/>" for r in refs]
                + [f"    <tag k='{k}' v='{v}'/>" for k, v in tags.items()] + ["  </way>"])

    xml += way(10, [1, 2, 3], {"highway": "primary", "name": "test road"})
    xml += way(11, [3, 1], {"highway": "footway"})
    xml += way(12, [4, 5], {"highway": "residential"})
    xml.append("</osm>")
    p = tmp_path_factory.mktemp("osm") / "tiny.osm"
    p.write_text("\n".join(xml), encoding="utf-8")
    return p, nodes


def test_drive_graph_drops_footways(tiny_osm):
    path, _ = tiny_osm
    G = network.load_drive_graph(path)
    assert all(network._is_drive(h) for _, _, h in G.edges(data="highway"))
    assert all(d["travel_time"] > 0 and d["length"] > 0 for _, _, d in G.edges(data=True))
    assert network.access_nodes(G, access_km=0.5)["CY_MID"] == [1]


def test_network_distance_and_time(tiny_osm):
    path, nodes = tiny_osm
    A, B, C = nodes[1], nodes[2], nodes[3]
    start = corridor.points_gdf([C[0] + 0.001], [C[1]])  # ≈100 m east of C
    res = network.network_proximity(start, path, access_km=0.5)
    expect_km = (haversine_m(C, B) + haversine_m(B, A)) / 1000.0
    assert res["net_km_CY_MID"].iloc[0] == pytest.approx(expect_km, rel=1e-4)
    assert res["net_nearest_corridor"].iloc[0] == "CY_MID" and res["net_km"].iloc[0] == pytest.approx(expect_km, rel=1e-4)
    # primary road at the default 60 km/h: minutes = km
    assert res["net_min_CY_MID"].iloc[0] == pytest.approx(expect_km / 60.0 * 60.0, rel=1e-3)
    assert res["snap_m"].iloc[0] == pytest.approx(haversine_m(C, (C[0] + 0.001, C[1])), rel=0.01)
    assert "network" in res["method"].iloc[0] and "tiny.osm" in res["method"].iloc[0]
    # the network path is never shorter than the straight line
    straight = corridor.corridor_proximity(start)["dist_km_CY_MID"].iloc[0]
    assert res["net_km"].iloc[0] > straight
    # other axes have no node of this extract within 0.5 km: empty, and the note says why
    assert math.isnan(res["net_km_CSY"].iloc[0]) and "CSY: no network node" in res["net_note"].iloc[0]


def test_unreachable_and_polygon_origins(tiny_osm):
    path, nodes = tiny_osm
    far = shapely.Point(nodes[5]).buffer(0.002)
    gdf = gpd.GeoDataFrame(geometry=[far], crs=WGS84)
    res = network.network_proximity(gdf, path, access_km=0.5)
    assert res["net_nearest_corridor"].iloc[0] is None and math.isnan(res["net_km"].iloc[0])
    assert "CY_MID: no drivable path" in res["net_note"].iloc[0]


def test_graphml_roundtrip_and_bad_files(tiny_osm, tmp_path):
    import osmnx as ox

    path, nodes = tiny_osm
    G = network.load_drive_graph(path)
    gml = tmp_path / "g.graphml"
    ox.save_graphml(G, gml)
    start = corridor.points_gdf([nodes[3][0]], [nodes[3][1]])
    a = network.network_proximity(start, path, access_km=0.5)["net_km"].iloc[0]
    b = network.network_proximity(start, gml, access_km=0.5)["net_km"].iloc[0]
    assert a == pytest.approx(b)
    pbf = tmp_path / "x.osm.pbf"
    pbf.write_bytes(b"\x00")
    with pytest.raises(InputError, match="osmium"):
        network.load_drive_graph(pbf)
    with pytest.raises(InputError, match="not found"):
        network.load_drive_graph(tmp_path / "missing.osm")


def test_cli_proximity_with_osm(tiny_osm, tmp_path, capsys):
    path, nodes = tiny_osm
    f = tmp_path / "site.geojson"
    corridor.points_gdf([nodes[3][0]], [nodes[3][1]], site=["c"]).to_file(f, driver="GeoJSON")
    assert main(["proximity", "--input", str(f), "--osm", str(path), "--access-km", "0.5",
                 "--format", "json"]) == 0
    row = json.loads(capsys.readouterr().out)[0]
    assert row["net_nearest_corridor"] == "CY_MID" and row["net_km"] > row["dist_km_CY_MID"]
    assert row["method"].startswith("straight_line + network")
