"""`geoplan workspace init|info|export|import`: the workspace store (GeoPackage, or PostGIS via GEOPLAN_STORE)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .. import io, store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("workspace", help="the workspace store: park edits, layers, saved results (工作空间)",
                       description="Local GeoPackage workspace (GEOPLAN_WORKSPACE, default in the user's data "
                                   "folder) or a team PostGIS database (GEOPLAN_STORE=postgresql://…).")
    p.add_argument("--store", help="workspace .gpkg path or postgresql:// URL (default: GEOPLAN_STORE, "
                                   "else GEOPLAN_WORKSPACE)")
    ws = p.add_subparsers(dest="ws_command", metavar="ACTION")
    ws.required = True
    ws.add_parser("init", help="create the workspace (and migrate its schema) if needed")
    ws.add_parser("info", help="backend, location (password masked), schema version, row counts")
    e = ws.add_parser("export", help="write the whole workspace to a GeoPackage (QGIS, ogrinfo)")
    e.add_argument("out", metavar="FILE.gpkg")
    i = ws.add_parser("import", help="store a user layer (GeoJSON/GPKG/Shapefile/CSV) with its import report")
    i.add_argument("file", metavar="FILE")
    i.add_argument("--kind", required=True, choices=store.LAYER_KINDS)
    i.add_argument("--name", help="layer name (default: the file name)")
    i.add_argument("--crs", help="CRS of the coordinates (see `geoplan import --help`)")
    a = ws.add_parser("actuals", help="store target actuals from a CSV (indicator, year, value, unit[, source]); "
                                      "`geoplan targets --workspace` tracks them")
    a.add_argument("file", metavar="FILE.csv")
    a.add_argument("--source", default="", help="where the figures come from (e.g. 统计公报 2025), for rows without one")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    s = store.open_store(args.store)
    try:
        if args.ws_command in ("init", "info"):
            print(json.dumps(s.info(), ensure_ascii=False, indent=2))
        elif args.ws_command == "export":
            out = s.export(io.safe_output_path(args.out))
            print(f"wrote the workspace to {out}", file=sys.stderr)
        elif args.ws_command == "import":
            gdf, report = io.import_file(args.file, crs=args.crs, raise_errors=False)
            for line in report.lines(limit=50):
                print(line, file=sys.stderr)
            report.raise_for_errors()
            name = args.name or Path(args.file).stem
            rep = {"file": Path(args.file).name, "issues": report.lines(limit=1000)}
            lid = s.import_layer(name, args.kind, gdf, rep)
            print(f"stored layer {name!r} ({len(gdf)} features, id {lid}) in {s.location}", file=sys.stderr)
        elif args.ws_command == "actuals":
            table = io.read_table(args.file)
            n = s.set_actuals(table, source=args.source, file=Path(args.file).name)
            print(f"stored {n} actual figure(s) in {s.location}", file=sys.stderr)
    finally:
        s.close()
    return 0
