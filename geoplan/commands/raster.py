"""`geoplan raster distance|intensity|slope`: GeoTIFF surfaces (EPSG:4545, nodata set)."""

from __future__ import annotations

import argparse

from .. import intensity as I
from .. import io as gio
from .. import raster
from ..data import catalog
from ..errors import InputError
from ._output import print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("raster", help="GeoTIFF surfaces: corridor distance, intensity, slope mask (栅格)",
                       description="distance: km to the nearest axis (or --corridor); intensity: a value "
                                   "burnt from districts/parks (default: Tongliang's 亩均产值 by district); "
                                   "slope: 1/0 mask of slope ≤ --threshold degrees from --dem.")
    p.add_argument("kind", choices=("distance", "intensity", "slope"))
    p.add_argument("--out", required=True, help="output GeoTIFF")
    p.add_argument("--res", type=float, help="cell size in metres (distance 100, intensity 1000)")
    p.add_argument("--bbox", help="lon_min,lat_min,lon_max,lat_max (WGS84); default: Chongqing")
    p.add_argument("--corridor", help="distance to one axis only (CY_MAIN, CY_MID, CSY)")
    p.add_argument("--input", help="intensity: vector file or table with lon/lat and --value")
    p.add_argument("--crs", help="coordinate system of --input when the file has none")
    p.add_argument("--value", default="output_per_mu", help="intensity: column to burn")
    p.add_argument("--dem", help="slope: DEM GeoTIFF (projected in metres or geographic)")
    p.add_argument("--threshold", type=float, default=raster.DEFAULT_SLOPE_DEG,
                   help="slope: maximum buildable slope in degrees (default 25)")
    p.add_argument("--degrees-out", help="slope: also write slope in degrees here")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(handler=run)


def _bbox(text: str | None):
    if not text:
        return None
    try:
        v = [float(x) for x in text.split(",")]
    except ValueError:
        v = []
    if len(v) != 4:
        raise InputError(f"--bbox needs four numbers lon_min,lat_min,lon_max,lat_max, got {text!r}")
    return v


def _embedded_intensity():
    """Tongliang's projects aggregated land-weighted to their district, on the district polygons."""
    table = I.evaluate(catalog.tongliang_projects(), level="district", id_col="project_id")["table"]
    values = dict(zip(table["adcode"].astype(int), table["output_per_mu"]))
    return raster.district_intensity(values).rename(columns={"value": "output_per_mu"})


def run(args: argparse.Namespace) -> int:
    progress = not args.no_progress
    bbox = _bbox(args.bbox)
    if args.kind == "distance":
        info = raster.distance_raster(args.out, res_m=args.res or 100.0, bbox=bbox,
                                      corridor_id=args.corridor, progress=progress)
    elif args.kind == "intensity":
        if args.input:
            gdf = gio.read_any(args.input, crs=args.crs)
        else:
            gdf = _embedded_intensity()
        info = raster.intensity_raster(args.out, gdf, args.value, res_m=args.res or 1000.0, bbox=bbox,
                                       progress=progress)
    else:
        if not args.dem:
            raise InputError("raster slope needs --dem FILE")
        info = raster.slope_raster(args.dem, args.out, threshold_deg=args.threshold,
                                   degrees_out=args.degrees_out)
    print_json(info, indent=None)
    return 0
