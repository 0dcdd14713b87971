"""`geoplan proximity`: distance of parks, districts or user features to the Chengdu–Chongqing axes."""

from __future__ import annotations

import argparse

import pandas as pd

from .. import corridor, network
from .. import io as gio
from ..data import catalog
from ..data.layers import load_layer
from ..errors import InputError
from ._output import print_csv, print_json, print_table, records

LAYERS = ("parks", "districts")
KEEP = ("park_id", "adcode", "id", "name_zh", "name_en", "location_precision")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("proximity", help="distance to the Chengdu–Chongqing axes, 成渝轴线距离",
                       description="Straight-line distance (km) to 成渝主轴 / 成渝中线 / 成遂渝, nearest axis, "
                                   "band and chainage (km from the Chongqing end). With --osm also the "
                                   "network distance and drive time over your OSM extract.")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--input", help="GeoJSON/GeoPackage/Shapefile, or CSV/Excel with lon/lat")
    src.add_argument("--layer", choices=LAYERS, help="an embedded layer (default: parks)")
    p.add_argument("--crs", help="coordinate system of --input when the file has none (wgs84, gcj02 …)")
    p.add_argument("--bands", default="10,30,60", help="band limits in km (default 10,30,60)")
    p.add_argument("--osm", help="OSM extract (.osm XML or osmnx .graphml) for network distance")
    p.add_argument("--access-km", type=float, default=1.0,
                   help="network nodes within this distance of an axis are its access nodes (default 1)")
    p.add_argument("--format", choices=("table", "csv", "json", "geojson"), default="table")
    p.set_defaults(handler=run)


def load(args: argparse.Namespace):
    if args.input:
        return gio.read_any(args.input, crs=args.crs)
    layer = args.layer or "parks"
    try:
        return load_layer(layer)
    except ImportError:  # layer catalogue absent: the two layers straight from the catalogue

        return catalog.parks() if layer == "parks" else catalog.districts()


def compute(args: argparse.Namespace):
    try:
        bands = tuple(float(x) for x in args.bands.split(","))
    except ValueError:
        raise InputError(f"--bands must be comma-separated km values, got {args.bands!r}") from None
    gdf = load(args)
    res = corridor.corridor_proximity(gdf, bands_km=bands)
    if args.osm:
        net = network.network_proximity(gdf, args.osm, access_km=args.access_km)
        extra = [c for c in net.columns if c.startswith("net_") or c in ("snap_m",)]
        res = pd.concat([res, net[extra]], axis=1)
        res["method"] = "straight_line + " + net["method"]
    return res


def run(args: argparse.Namespace) -> int:
    res = compute(args)
    res["seat_artefact"] = corridor.seat_artefacts(res)
    if args.format == "geojson":
        print(res.to_json(ensure_ascii=False, drop_id=True))
        return 0
    dist = [c for c in res.columns if c.startswith(("dist_km_", "chainage_km_"))]
    nearest = ["nearest_corridor", "nearest_corridor_zh", "nearest_km", "nearest_chainage_km",
               "band", "band_zh", "band_en", "seat_artefact"]
    net = [c for c in res.columns if c.startswith("net_") or c == "snap_m"]
    keep = [c for c in KEEP if c in res] + nearest + dist + net + ["method"]
    if args.format == "json":
        print_json(records(res[keep]))
    elif args.format == "csv":
        print_csv(res[keep])
    else:
        cols = [c for c in ("name_zh", "location_precision") if c in res] + \
               [c for c in res.columns if c.startswith("dist_km_")] + \
               ["nearest_corridor", "nearest_km", "nearest_chainage_km", "band_zh"] + \
               [c for c in ("net_km", "net_min") if c in res]
        print_table(res[cols])
        print(f"\nmethod: {res['method'].iloc[0] if len(res) else corridor.METHOD}; "
              "chainage = km along the axis from its Chongqing end (自重庆端起算里程)")
        if res["seat_artefact"].any():
            print(f"note: {int(res['seat_artefact'].sum())} row(s) located only at a district seat lie "
                  f"< {corridor.SEAT_ARTEFACT_KM:g} km from an axis node at the same seat: that distance is an "
                  "artefact (园区仅按区县驻地定位，与同驻地节点的距离无意义)")
    return 0
