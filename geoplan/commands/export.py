"""`geoplan export LAYER… --out FILE`: write catalogue layers as GeoJSON, GeoPackage, Shapefile or CSV."""

from __future__ import annotations

import argparse
import sys

from .. import io
from ..data import layers
from ..errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export a layer as GeoJSON/GeoPackage/Shapefile/CSV (导出图层)",
                       description="Write a layer with its metadata. Several layers go into one GeoPackage.")
    p.add_argument("layer", nargs="+", metavar="LAYER", help="layer id (see `geoplan layers`)")
    p.add_argument("--out", required=True, help="output file (.geojson, .gpkg, .shp = Shapefile set, .zip = zipped Shapefile, .csv)")
    p.add_argument("--format", help=f"one of {', '.join(io.FORMATS)}; default: from the --out extension")
    p.add_argument("--crs", help="gpkg/shp only: wgs84 (default), cgcs2000, EPSG:<code>, gk3:<zone or CM>")
    p.add_argument("--precision", type=int, default=6, help="decimals of lon/lat in GeoJSON/CSV (default 6)")
    p.set_defaults(handler=run)


def _metadata(layer_id: str, gdf, precision: int) -> dict:
    meta = layers.layer_metadata(layer_id)
    prov = [c for c in ("source", "source_line", "evidence_zh") if c in gdf.columns]
    meta.setdefault("provenance", f"per feature in columns {', '.join(prov)}" if prov else meta.get("source"))
    meta["parameters"] = {"layer": layer_id, "resolution": "full (analysis copy)", "precision": precision}
    return meta


def run(args: argparse.Namespace) -> int:
    out = io.safe_output_path(args.out)
    fmt = io.format_from_path(out, args.format)
    for lid in args.layer:
        layers.layer_spec(lid)  # unknown ids fail before anything is loaded, naming the valid ones
    if len(args.layer) > 1 and fmt != "gpkg":
        raise InputError(f"several layers go only into a GeoPackage (.gpkg), not {fmt}", field="--out")
    frames = {lid: layers.load_layer(lid) for lid in args.layer}
    if fmt == "gpkg":
        io.write_layers(frames, out, crs=args.crs,
                        metadata={lid: _metadata(lid, g, args.precision) for lid, g in frames.items()})
    else:
        lid, gdf = next(iter(frames.items()))
        io.write_layer(gdf, out, fmt, crs=args.crs, layer_name=lid, metadata=_metadata(lid, gdf, args.precision),
                       precision=args.precision)
    n = sum(len(g) for g in frames.values())
    print(f"wrote {n} features of {', '.join(args.layer)} to {out} ({fmt})", file=sys.stderr)
    return 0
