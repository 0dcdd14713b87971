"""The base map: tiles (none by default), vendored Leaflet, the display datum (GCJ-02 only for AMap)."""

from __future__ import annotations

from collections.abc import Sequence

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import Element
from folium.template import Template as _FoliumTemplate

from ..crs import convert_gdf
from ..errors import InputError
from ..paths import static_dir

TILE_CHOICES = ("none", "osm", "tianditu", "amap")
ASSETS = ("local", "inline", "cdn", "none")
# Where the app serves the project's static/ folder (Streamlit's static serving); another host
# passes its own ``static_url`` to base_map.
STATIC_URL = "/app/static"
LEAFLET_FILES = ("leaflet/leaflet.js", "leaflet/leaflet.css")
LOCAL_LEAFLET_JS = f"{STATIC_URL}/{LEAFLET_FILES[0]}"
LOCAL_LEAFLET_CSS = f"{STATIC_URL}/{LEAFLET_FILES[1]}"


CDN_LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"


CDN_LEAFLET_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"


CHONGQING_CENTER = (30.05, 107.9)  # lat, lon: the middle of the municipality


# Popup markup uses these classes (declared once per map) instead of inline styles: smaller payload.
POPUP_CSS = """<style>
.gp{max-width:400px;font:12px sans-serif}.gp h4{margin:0 0 2px;font-size:13px}.gp h5{margin:4px 0 0;font-size:12px}
.gp p{color:#a04000;margin:2px 0}.gp table{font-size:11px}.gp th{text-align:left;padding-right:6px;white-space:nowrap;
vertical-align:top;color:#555}.gp ul{padding-left:16px;margin:2px 0}.gp q{display:block;color:#444}
.gp q:before{content:"“"}.gp q:after{content:"”"}.gp small{display:block;color:#888;font-size:11px}
</style>"""  # plan sentences per popup; the side table has them all


def _utf8_json() -> None:
    """Let folium's templates write UTF-8 JSON: Chinese text as \\uXXXX escapes would take 6 bytes a
    character instead of 3. (Its htmlsafe JSON still escapes < > & ' inside the script.)
    """

    env = _FoliumTemplate("").environment  # the environment every folium template shares
    env.policies["json.dumps_kwargs"] = {**env.policies.get("json.dumps_kwargs", {}), "ensure_ascii": False}


# ---------------------------------------------------------------- basemap and display CRS
def tianditu_url(key: str, layer: str = "vec") -> str:
    """Tianditu WMTS tile URL (web-mercator set 'w'); CGCS2000 ≈ WGS84, so no shift is needed."""
    return (
        f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
        f"&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}"
        f"&TILECOL={{x}}&tk={key}"
    )


AMAP_URL = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"


def display_datum(tiles: str) -> str:
    """'gcj02' for AMap tiles, else 'wgs84' (OSM, Tianditu and no tiles are WGS84-compatible)."""
    return "gcj02" if tiles == "amap" else "wgs84"


def to_display(gdf: gpd.GeoDataFrame, tiles: str) -> gpd.GeoDataFrame:
    """The frame in the datum of the chosen tiles (shift to GCJ-02 only for AMap)."""
    if display_datum(tiles) == "wgs84" or gdf.empty:
        return gdf

    return convert_gdf(gdf, "wgs84", "gcj02")


def base_map(tiles: str = "none", *, tianditu_key: str | None = None, assets: str = "local",
             location: Sequence[float] = CHONGQING_CENTER, zoom: int = 7,
             static_url: str = STATIC_URL) -> folium.Map:
    """An empty map: no tile layer by default, the vendored Leaflet only.

    ``assets``: ``local`` loads Leaflet from ``static_url`` (the app's static route), ``inline``
    embeds it in the HTML (a standalone file that works offline), ``cdn`` from a CDN, ``none``
    leaves it to the caller.
    """
    if tiles not in TILE_CHOICES:
        raise InputError(f"unknown tiles '{tiles}'; valid: {', '.join(TILE_CHOICES)}")
    if assets not in ASSETS:
        raise InputError(f"unknown assets '{assets}'; valid: {', '.join(ASSETS)}")
    m = folium.Map(location=list(location), zoom_start=zoom, tiles=None, control_scale=True,
                   prefer_canvas=False, zoom_control=True)
    if assets == "local":
        m.default_js = [("leaflet", f"{static_url}/{LEAFLET_FILES[0]}")]
        m.default_css = [("leaflet_css", f"{static_url}/{LEAFLET_FILES[1]}")]
    elif assets == "inline":
        js, css = ((static_dir() / f).read_text(encoding="utf-8") for f in LEAFLET_FILES)
        m.default_js, m.default_css = [], []
        m.get_root().header.add_child(Element(f"<style>{css}</style><script>{js}</script>"), name="leaflet_inline")
    elif assets == "none":  # the caller inlines Leaflet itself (benchmark baseline)
        m.default_js, m.default_css = [], []
    elif assets == "cdn":
        m.default_js = [("leaflet", CDN_LEAFLET_JS)]
        m.default_css = [("leaflet_css", CDN_LEAFLET_CSS)]
    m.get_root().header.add_child(Element(POPUP_CSS), name="geoplan_css")
    # the scale bar in metres and kilometres only (Leaflet's second line is in miles and feet)
    m.get_root().header.add_child(Element("<style>.leaflet-control-scale-line:nth-child(2){display:none}</style>"),
                                  name="geoplan_metric_scale")
    if tiles == "osm":
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap", control=False).add_to(m)
    elif tiles == "tianditu":
        if not tianditu_key:
            raise InputError("Tianditu tiles need a key (environment variable TIANDITU_KEY or the app's secrets)")
        for layer in ("vec", "cva"):
            folium.TileLayer(tiles=tianditu_url(tianditu_key, layer), attr="© 天地图 Tianditu",
                             name=f"Tianditu {layer}", subdomains="01234567", control=False).add_to(m)
    elif tiles == "amap":
        folium.TileLayer(tiles=AMAP_URL, attr="© 高德地图 AMap", name="AMap", subdomains="1234",
                         control=False).add_to(m)
    return m


def _round_geoms(gdf: gpd.GeoDataFrame, decimals: int = 4) -> gpd.GeoDataFrame:
    out = gdf.copy()
    out["geometry"] = shapely.set_precision(out.geometry.to_numpy(), 10 ** -decimals)
    return out


def fit_to(m: folium.Map, gdf: gpd.GeoDataFrame) -> None:
    """Zoom the map to a frame's bounds (no-op on an empty frame)."""
    if gdf is None or gdf.empty:
        return
    x0, y0, x1, y1 = gdf.total_bounds
    if np.all(np.isfinite([x0, y0, x1, y1])):
        m.fit_bounds([[y0, x0], [y1, x1]])


_utf8_json()
