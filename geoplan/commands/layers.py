"""`geoplan layers`: list the layer ids with their feature counts and titles."""

from __future__ import annotations

import argparse

from ..data import layers
from ._output import print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("layers", help="list the layers with feature counts (列出图层)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    rows = []
    for lid in layers.layer_ids():
        spec = layers.layer_spec(lid)
        gdf = layers.load_layer(lid, display=True)
        rows.append({
            "id": lid,
            "features": len(gdf),
            "geometry": spec["geometry_type"],
            "title_zh": spec["title"]["zh"],
            "title_en": spec["title"]["en"],
        })
    if args.format == "json":
        print_json(rows, indent=2)
    else:
        width = max(len(r["id"]) for r in rows)
        for r in rows:
            print(f"{r['id']:<{width}}  {r['features']:>5}  {r['geometry']:<10}  {r['title_zh']} / {r['title_en']}")
    return 0
