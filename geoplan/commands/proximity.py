"""`geoplan proximity`: distance of parks, districts or user features to the Chengdu–Chongqing axes."""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from .. import corridor, io
from .intensity import records

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
        from .. import io as gio

        return gio.read_any(args.input, crs=args.crs)
    layer = args.layer or "parks"
    try:
        from ..data.layers import load_layer

        return load_layer(layer)
    except ImportError:  # layer catalogue absent: the two layers straight from the catalogue
        from ..data import catalog

        return catalog.parks() if layer == "parks" else catalog.districts()


def compute(args: argparse.Namespace):
    from ..errors import InputError

    try:
        bands = tuple(float(x) for x in args.bands.split(","))
    except ValueError:
        raise InputError(f"--bands must be comma-separated km values, got {args.bands!r}") from None
    gdf = load(args)
    res = corridor.corridor_proximity(gdf, bands_km=bands)
    if args.osm:
        from .. import network

        net = network.network_proximity(gdf, args.osm, access_km=args.access_km)
        extra = [c for c in net.columns if c.startswith("net_") or c in ("snap_m",)]
        res = pd.concat([res, net[extra]], axis=1)
        res["method"] = "straight_line + " + net["method"]
    return res


def run(args: argparse.Namespace) -> int:
    res = compute(args)
    if args.format == "geojson":
        print(res.to_json(ensure_ascii=False, drop_id=True))
        return 0
    dist = [c for c in res.columns if c.startswith(("dist_km_", "chainage_km_"))]
    nearest = ["nearest_corridor", "nearest_corridor_zh", "nearest_km", "nearest_chainage_km",
               "band", "band_zh", "band_en"]
    net = [c for c in res.columns if c.startswith("net_") or c == "snap_m"]
    keep = [c for c in KEEP if c in res] + nearest + dist + net + ["method"]
    if args.format == "json":
        json.dump(io.json_safe(records(res[keep])), sys.stdout, ensure_ascii=False, indent=1, allow_nan=False)
        print()
    elif args.format == "csv":
        io.neutralise_frame(res[keep]).to_csv(sys.stdout, index=False)
    else:
        cols = [c for c in ("name_zh", "location_precision") if c in res] + \
               [c for c in res.columns if c.startswith("dist_km_")] + \
               ["nearest_corridor", "nearest_km", "nearest_chainage_km", "band_zh"] + \
               [c for c in ("net_km", "net_min") if c in res]
        print(res[cols].to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
        print(f"\nmethod: {res['method'].iloc[0] if len(res) else corridor.METHOD}; "
              "chainage = km along the axis from its Chongqing end (自重庆端起算里程)")
    return 0
