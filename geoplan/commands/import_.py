"""`geoplan import FILE --out FILE`: read a user file, validate and repair it, write a clean copy."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from .. import io
from ..errors import InputError
from ..io.validate import DEFAULT_MAX_BYTES


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="validate a GeoJSON/GPKG/Shapefile/CSV/Excel file and write a clean copy "
                                      "(导入并校验)",
                       description="Reads the file (CRS declared or from the file), converts GCJ-02/BD-09 to "
                                   "WGS84, repairs invalid geometries and reports every problem by row and field.")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--layer", help="GeoPackage layer, Shapefile name in a zip, or Excel sheet")
    p.add_argument("--crs", help="CRS of the coordinates: wgs84, cgcs2000, gcj02 (AMap/Tencent), bd09 (Baidu), "
                                 "EPSG:<code>, gk3:<zone or CM>")
    p.add_argument("--lon", help="longitude column of a table (default: 经度/lon/lng/longitude/x …)")
    p.add_argument("--lat", help="latitude column of a table (default: 纬度/lat/latitude/y …)")
    p.add_argument("--id-field", help="column whose values must be present and unique")
    p.add_argument("--required", default="", help="comma-separated columns that must be filled")
    p.add_argument("--max-mb", type=float, default=DEFAULT_MAX_BYTES / 1e6, help="refuse larger inputs (MB)")
    p.add_argument("--out", required=True, help="clean output (.geojson, .gpkg, .zip, .csv)")
    p.add_argument("--format", help=f"one of {', '.join(io.FORMATS)}; default: from the --out extension")
    p.add_argument("--out-crs", help="CRS of a gpkg/shp output: wgs84 (default), cgcs2000, EPSG:<code>, gk3:<zone>")
    p.add_argument("--precision", type=int, default=7, help="decimals of lon/lat in GeoJSON/CSV output")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    out = io.safe_output_path(args.out, inputs=(args.file,))
    fmt = io.format_from_path(out, args.format)
    if not (math.isfinite(args.max_mb) and args.max_mb > 0):
        raise InputError(f"--max-mb must be a positive number (got {args.max_mb})", field="--max-mb")
    required = tuple(f.strip() for f in args.required.split(",") if f.strip())
    gdf, report = io.import_file(args.file, layer=args.layer, crs=args.crs, lon=args.lon, lat=args.lat,
                                 id_field=args.id_field, required=required,
                                 max_bytes=int(args.max_mb * 1e6), raise_errors=False)
    for line in report.lines(limit=50):
        print(line, file=sys.stderr)
    report.raise_for_errors()
    meta = {"source": Path(args.file).name,
            "provenance": f"imported with geoplan import from {Path(args.file).name}",
            "parameters": {"crs": args.crs, "layer": args.layer, "lon": args.lon, "lat": args.lat,
                           "id_field": args.id_field},
            "validation": {"repaired": len(report.repairs), "warnings": len(report.warnings)}}
    io.write_layer(gdf, out, fmt, crs=args.out_crs, metadata=meta, precision=args.precision)
    print(f"wrote {len(gdf)} features to {out} ({len(report.repairs)} repaired, "
          f"{len(report.warnings)} warnings)", file=sys.stderr)
    return 0
