"""Folium maps built from the layer specs in ``layers/*.yaml`` (no Streamlit here).

Design choices:
- **Offline first.** ``tiles="none"`` draws no tile layer (the districts are the base), and the
  map's JavaScript/CSS point at a vendored Leaflet (``assets="local"``, served by the app from
  ``static/leaflet``) instead of a CDN. Only Leaflet is loaded: no jQuery/Bootstrap/awesome-markers.
- **Escaping.** Every text that reaches HTML goes through :func:`esc` (HTML entities plus the
  characters that would end a JavaScript template literal, because folium puts tooltips in one).
  Popup HTML is assembled here from escaped parts only.
- **Display only.** ``to_display`` shifts WGS84 data to GCJ-02 when (and only when) AMap tiles
  are chosen; analyses and downloads stay WGS84.
- **Small payload.** Only the columns a popup/tooltip needs are embedded, coordinates are rounded
  to 4 decimals (~10 m, finer than the display simplification) and popups list a bounded number of plan sentences.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from .i18n import name_col, pick, t
from .validate import safe_text

TILE_CHOICES = ("none", "osm", "tianditu", "amap")
LOCAL_LEAFLET_JS = "/app/static/leaflet/leaflet.js"
LOCAL_LEAFLET_CSS = "/app/static/leaflet/leaflet.css"
CDN_LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
CDN_LEAFLET_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"
CHONGQING_CENTER = (30.05, 107.9)  # lat, lon: the middle of the municipality
HIGHLIGHT = "#f1c40f"
NO_DATA = "#d5d8dc"
SEQUENTIAL = ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026"]
APPROX_DEFAULT = ("district_seat", "town_center")
POPUP_ROWS = 6
# Popup markup uses these classes (declared once per map) instead of inline styles: smaller payload.
POPUP_CSS = """<style>
.gp{max-width:400px;font:12px sans-serif}.gp h4{margin:0 0 2px;font-size:13px}.gp h5{margin:4px 0 0;font-size:12px}
.gp p{color:#a04000;margin:2px 0}.gp table{font-size:11px}.gp th{text-align:left;padding-right:6px;white-space:nowrap;
vertical-align:top;color:#555}.gp ul{padding-left:16px;margin:2px 0}.gp q{display:block;color:#444}
.gp q:before{content:"“"}.gp q:after{content:"”"}.gp small{display:block;color:#888;font-size:11px}
</style>"""  # plan sentences per popup; the side table has them all
EVIDENCE_CHARS = 90
FIELD_CHARS = 120  # long source notes are cut in popups; downloads and side tables keep them whole


def _utf8_json() -> None:
    """Let folium's templates write UTF-8 JSON: Chinese text as \\uXXXX escapes would take 6 bytes a
    character instead of 3. (Its htmlsafe JSON still escapes < > & ' inside the script.)"""
    from folium.template import Template as _FoliumTemplate

    env = _FoliumTemplate("").environment  # the environment every folium template shares
    env.policies["json.dumps_kwargs"] = {**env.policies.get("json.dumps_kwargs", {}), "ensure_ascii": False}


_utf8_json()


# ---------------------------------------------------------------- escaping and small helpers
def esc(value: Any) -> str:
    """Text safe inside HTML *and* inside a JavaScript template literal (folium tooltips)."""
    s = safe_text(value)  # HTML entities, control characters removed, None/NaN → ""
    return s.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def escape_frame(df: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """A copy of ``df`` whose text columns (or ``columns``) are escaped with :func:`esc`."""
    out = df.copy()
    cols = list(columns) if columns is not None else [
        c for c in out.columns if c != "geometry" and (out[c].dtype == object or pd.api.types.is_string_dtype(out[c]))
    ]
    for c in cols:
        if c in out:
            vals = out[c].astype(object).to_numpy()
            out[c] = [esc(v) for v in vals]
    return out


def _short(text: Any, n: int = EVIDENCE_CHARS) -> str:
    s = "" if text is None else str(text)
    return s if len(s) <= n else s[: n - 1] + "…"


def _area_label(name: str, n: int = 30) -> str:
    """A short legend label of a long region name: its parenthesised part when it has one."""
    s = str(name)
    if "(" in s and s.rstrip().endswith(")"):
        s = s[s.index("(") + 1:-1]
    return _short(s, n)


def precision_label(value: str, lang: str) -> str:
    """Human label of a ``location_precision`` value."""
    key = f"prec_{value}"
    try:
        return t(key, lang)
    except KeyError:
        return str(value)


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
    from . import crs as _crs  # the converter lives with the other CRS code

    return _crs.convert_gdf(gdf, "wgs84", "gcj02")


def base_map(tiles: str = "none", *, tianditu_key: str | None = None, assets: str = "local",
             location: Sequence[float] = CHONGQING_CENTER, zoom: int = 7) -> folium.Map:
    """An empty map: no tile layer by default; ``assets='local'`` loads the vendored Leaflet only."""
    if tiles not in TILE_CHOICES:
        raise ValueError(f"unknown tiles '{tiles}'; valid: {', '.join(TILE_CHOICES)}")
    m = folium.Map(location=list(location), zoom_start=zoom, tiles=None, control_scale=True,
                   prefer_canvas=False, zoom_control=True)
    if assets == "local":
        m.default_js = [("leaflet", LOCAL_LEAFLET_JS)]
        m.default_css = [("leaflet_css", LOCAL_LEAFLET_CSS)]
    elif assets == "none":  # the caller inlines Leaflet itself (benchmark baseline)
        m.default_js, m.default_css = [], []
    elif assets == "cdn":
        m.default_js = [("leaflet", CDN_LEAFLET_JS)]
        m.default_css = [("leaflet_css", CDN_LEAFLET_CSS)]
    m.get_root().header.add_child(Element(POPUP_CSS), name="geoplan_css")
    if tiles == "osm":
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap", control=False).add_to(m)
    elif tiles == "tianditu":
        if not tianditu_key:
            raise ValueError("Tianditu tiles need a key (environment variable TIANDITU_KEY)")
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


class _Legend(MacroElement):
    """A Leaflet control in the map corner holding pre-escaped legend HTML."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(){
          var lg = L.control({position: {{ this.position|tojson }}});
          lg.onAdd = function () {
            var div = L.DomUtil.create('div', 'geoplan-legend');
            div.style.cssText = 'background:rgba(255,255,255,0.88);padding:4px 6px;font:11px sans-serif;'
              + 'border-radius:4px;box-shadow:0 0 4px rgba(0,0,0,.3);max-width:230px;max-height:45vh;overflow-y:auto';
            L.DomEvent.disableScrollPropagation(div);
            div.innerHTML = {{ this.html|tojson }};
            return div;
          };
          lg.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, position: str = "topright") -> None:
        super().__init__()
        self._name = "Legend"
        self.html = html_text
        self.position = position


# ---------------------------------------------------------------- symbols and legends
def _star_points(cx: float, cy: float, r_out: float, r_in: float) -> str:
    pts = []
    for i in range(10):
        r = r_out if i % 2 == 0 else r_in
        a = math.pi / 2 + i * math.pi / 5
        pts.append(f"{cx + r * math.cos(a):.1f},{cy - r * math.sin(a):.1f}")
    return " ".join(pts)


def marker_svg(shape: str, color: str, radius: float, fill: str = "solid", ring: str | None = None) -> str:
    """Inline SVG of a park symbol: star/diamond/circle/square; fill 'solid', 'half' or 'hollow'."""
    size = int(2 * radius + 6)
    c = size / 2
    r = radius
    fill_color = "none" if fill == "hollow" else color
    fill_op = {"solid": 0.9, "half": 0.4, "hollow": 0}[fill]
    dash = ' stroke-dasharray="3 2"' if fill == "hollow" else ""
    common = f'fill="{fill_color}" fill-opacity="{fill_op}" stroke="{color}" stroke-width="2"{dash}'
    if shape == "star":
        body = f'<polygon points="{_star_points(c, c, r + 1, r * 0.45)}" {common}/>'
    elif shape == "diamond":
        body = f'<polygon points="{c},{c - r} {c + r},{c} {c},{c + r} {c - r},{c}" {common}/>'
    elif shape == "square":
        body = f'<rect x="{c - r * 0.8:.1f}" y="{c - r * 0.8:.1f}" width="{1.6 * r:.1f}" height="{1.6 * r:.1f}" {common}/>'
    else:
        body = f'<circle cx="{c}" cy="{c}" r="{r * 0.85:.1f}" {common}/>'
    halo = (f'<circle cx="{c}" cy="{c}" r="{c - 1}" fill="none" stroke="{ring}" stroke-width="3"/>'
            if ring else "")
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}">{halo}{body}</svg>'


def _swatch(color: str, kind: str = "fill") -> str:
    if kind == "line":
        return f'<span style="display:inline-block;width:18px;height:0;border-top:3px solid {color};margin-right:4px;vertical-align:middle"></span>'
    if kind == "dashed":
        return f'<span style="display:inline-block;width:14px;height:10px;border:2px dashed {color};margin-right:4px;vertical-align:middle"></span>'
    return f'<span style="display:inline-block;width:14px;height:10px;background:{color};opacity:.8;border:1px solid #555;margin-right:4px;vertical-align:middle"></span>'


def legend_html(sections: list[dict[str, Any]]) -> str:
    """HTML of a legend: sections ``{title, items: [(symbol_html, label)], note}``; labels escaped."""
    parts = []
    for sec in sections:
        parts.append(f'<div style="font-weight:bold;margin-top:4px">{esc(sec["title"])}</div>')
        for symbol, label in sec["items"]:
            parts.append(f'<div style="white-space:nowrap">{symbol}{esc(label)}</div>')
        if sec.get("note"):
            parts.append(f'<div style="font-size:10px;color:#555;white-space:normal">{esc(sec["note"])}</div>')
    return "".join(parts)


# ---------------------------------------------------------------- popups with plan sentences
def assignments_popup_rows(rows: pd.DataFrame, lang: str, limit: int = POPUP_ROWS) -> str:
    """An HTML list of assignment rows: industry — role, the plan sentence, seed file and line."""
    if rows is None or rows.empty:
        return f"<i>{esc(t('no_industries', lang))}</i>"
    ind_col = "industry_en" if lang == "en" and "industry_en" in rows else "industry_zh"
    items = []
    for r in rows.head(limit).itertuples(index=False):
        d = r._asdict()
        line = d.get("source_line")
        line_txt = "" if line is None or pd.isna(line) else f":{int(line)}"
        items.append(
            f"<li><b>{esc(d.get(ind_col) or d.get('industry_zh'))}</b>"
            + (f" — {esc(d.get('role_zh'))}" if d.get("role_zh") else "")
            + f"<q>{esc(_short(d.get('evidence_zh')))}</q>"
            + f"<small>{esc(d.get('source'))}{esc(line_txt)}</small></li>"
        )
    more = len(rows) - limit
    tail = f"<small>{esc(t('more_rows', lang).format(n=more))}</small>" if more > 0 else ""
    return f"<ul>{''.join(items)}</ul>{tail}"


def fields_table(rec: dict[str, Any], fields: list[dict[str, Any]], lang: str,
                 skip: Iterable[str] = ()) -> str:
    """An HTML table of a record's spec ``fields`` (label in ``lang``, optional ``format``), escaped."""
    rows = []
    for f in fields:
        name = f.get("name")
        if name in skip or name not in rec:
            continue
        v = rec[name]
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v == "":
            continue
        if name == "location_precision":
            v = precision_label(str(v), lang)
        elif f.get("format"):
            try:
                v = f["format"].format(v)
            except (ValueError, TypeError):
                pass
        rows.append(f"<tr><th>{esc(pick(f, lang))}</th><td>{esc(_short(v, FIELD_CHARS))}</td></tr>")
    return f"<table>{''.join(rows)}</table>" if rows else ""


def park_popup(park: dict[str, Any], rows: pd.DataFrame, lang: str, host_rows: pd.DataFrame | None = None,
               fields: list[dict[str, Any]] | None = None) -> str:
    """Popup HTML for one park: its spec fields (tier, level, precision …; the approximate note when
    located at a district seat), the plan sentences naming it and those naming its host district."""
    name = park.get(name_col(lang)) or park.get("name_zh")
    prec = str(park.get("location_precision", ""))
    note = f"<p>{esc(t('approx_note', lang))}</p>" if prec == "district_seat" else ""
    if fields is None:
        fields = [{"name": "tier", "zh": t("tier", "zh"), "en": t("tier", "en")},
                  {"name": "level_zh", "zh": t("level", "zh"), "en": t("level", "en")},
                  {"name": "location_precision", "zh": t("precision", "zh"), "en": t("precision", "en")},
                  {"name": "membership_confidence", "zh": t("confidence", "zh"), "en": t("confidence", "en")},
                  {"name": "lead_industries_zh", "zh": t("lead_industries", "zh"),
                   "en": t("lead_industries", "en")}]
    return (
        f"<div class=gp><h4>{esc(name)}</h4>{note}"
        + fields_table(park, fields, lang, skip=("name_zh", "name_en"))
        + f"<h5>{esc(t('industries_here', lang))}</h5>{assignments_popup_rows(rows, lang)}"
        + (f"<h5>{esc(t('host_district_industries', lang))}</h5>{assignments_popup_rows(host_rows, lang, 3)}"
           if host_rows is not None and not host_rows.empty else "")
        + "</div>"
    )


def district_popup(d: dict[str, Any], rows: pd.DataFrame, lang: str,
                   fields: list[dict[str, Any]] | None = None) -> str:
    """Popup HTML for one district: its spec fields (region, area …) and the plan sentences naming it."""
    name = d.get(name_col(lang)) or d.get("name_zh")
    if fields is None:
        fields = [{"name": "region_zh", "zh": t("region", "zh"), "en": t("region", "en")}]
    return (
        f"<div class=gp><h4>{esc(name)}</h4>"
        + fields_table(d, fields, lang, skip=("name_zh", "name_en"))
        + f"<h5>{esc(t('industries_here', lang))}</h5>{assignments_popup_rows(rows, lang)}</div>"
    )


def _rows_by_place(assignments: pd.DataFrame | None, place_type: str) -> dict[str, pd.DataFrame]:
    if assignments is None or assignments.empty:
        return {}
    sub = assignments[assignments["place_type"] == place_type]
    # lead rows first so that a bounded popup shows the strongest statements
    order = sub.assign(_lead=(sub.get("strength", pd.Series("", index=sub.index)) != "lead"))
    order = order.sort_values(["_lead", "source", "source_line"], kind="stable")
    return {str(k): g for k, g in order.groupby(order["place_id"].astype(str), sort=False)}


# ---------------------------------------------------------------- layers
def add_districts(target: folium.Map | folium.FeatureGroup, districts: gpd.GeoDataFrame, spec: dict[str, Any],
                  lang: str, *, fill: pd.Series | None = None, assignments: pd.DataFrame | None = None,
                  popups: bool = True) -> folium.GeoJson:
    """District polygons coloured by the spec's categorical style, or by ``fill`` (adcode → colour)."""
    style = spec.get("style", {})
    if fill is None:
        colors = style.get("colors", {})
        fill_vals = districts[style.get("column", "region_id")].map(colors).fillna(NO_DATA)
    else:
        fill_vals = districts["adcode"].map(fill).fillna(NO_DATA)
    nm = name_col(lang)
    props = pd.DataFrame({
        "adcode": districts["adcode"].astype(int).to_numpy(),
        "name": [esc(v) for v in districts[nm].to_numpy()],
        "_fill": fill_vals.to_numpy(),
    })
    fields = ["name"]
    if popups:
        rows = _rows_by_place(assignments, "district")
        recs = districts.drop(columns="geometry").to_dict("records")
        props["_popup"] = [district_popup(r, rows.get(str(int(r["adcode"]))), lang, spec.get("fields"))
                           for r in recs]
    gdf = gpd.GeoDataFrame(props, geometry=districts.geometry.to_numpy(), crs=districts.crs)
    fo = float(style.get("fill_opacity", 0.35))
    line = style.get("color", "#555555")
    weight = float(style.get("weight", 1))
    layer = folium.GeoJson(
        _round_geoms(gdf).to_json(drop_id=True),
        name=t("layer_districts", lang),
        style_function=lambda f: {"fillColor": f["properties"]["_fill"], "color": line,
                                  "weight": weight, "fillOpacity": fo},
        highlight_function=lambda f: {"weight": 3, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=fields, labels=False),
        popup=folium.GeoJsonPopup(fields=["_popup"], labels=False, max_width=420) if popups else None,
        smooth_factor=1.0,
    )
    layer.add_to(target)
    return layer


def add_polygons(target: folium.Map | folium.FeatureGroup, gdf: gpd.GeoDataFrame, lang: str, *,
                 color: str, fill_opacity: float = 0.1, weight: float = 1.5, dash: str | None = None,
                 name: str = "", label_column: str | None = None) -> folium.GeoJson | None:
    """Plain polygons (context, plan regions, bands, highlights) with an escaped name tooltip."""
    if gdf is None or gdf.empty:
        return None
    col = label_column or (name_col(lang) if name_col(lang) in gdf else None)
    props = pd.DataFrame({"name": [esc(v) for v in gdf[col].to_numpy()]} if col else {"name": [""] * len(gdf)})
    g = gpd.GeoDataFrame(props, geometry=gdf.geometry.to_numpy(), crs=gdf.crs)
    style = {"fillColor": color, "color": color, "weight": weight, "fillOpacity": fill_opacity}
    if dash:
        style["dashArray"] = dash
    layer = folium.GeoJson(
        _round_geoms(g).to_json(drop_id=True), name=name,
        style_function=lambda f: style,
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False) if col else None,
    )
    layer.add_to(target)
    return layer


def park_icons(parks: pd.DataFrame, spec: dict[str, Any], *, highlight_ids: Iterable[str] = (),
               label: pd.Series | None = None) -> list[dict[str, Any]]:
    """Leaflet divIcon options per park: tier symbol; hollow+dashed at a district seat, half-filled
    at a town centre, solid at the park centre; a yellow ring when highlighted; optional label."""
    style = spec.get("style", {})
    markers = style.get("markers", {})
    prec_col = style.get("approximate_column", "location_precision")
    hl = set(map(str, highlight_ids))
    icons = []
    for rec in parks.drop(columns="geometry", errors="ignore").to_dict("records"):
        tier = str(rec.get("tier", "other"))
        mk = markers.get(tier, markers.get("other", {"shape": "circle", "color": "#555", "radius": 6}))
        prec = str(rec.get(prec_col, ""))
        fill = "hollow" if prec == "district_seat" else ("half" if prec == "town_center" else "solid")
        ring = HIGHLIGHT if str(rec.get("park_id")) in hl else None
        radius = float(mk.get("radius", 7))
        svg = marker_svg(mk.get("shape", "circle"), mk.get("color", "#555"), radius, fill, ring)
        size = int(2 * radius + 6)
        extra = ""
        if label is not None and rec.get("park_id") in label.index:
            extra = (f"<span style='position:absolute;left:{size}px;top:-2px;font:bold 12px sans-serif;"
                     f"color:#000;text-shadow:0 0 3px #fff'>{esc(label[rec['park_id']])}</span>")
        icons.append({"html": f"<div style='position:relative'>{svg}{extra}</div>",
                      "iconSize": [size, size], "iconAnchor": [size // 2, size // 2]})
    return icons


def add_parks(target: folium.Map | folium.FeatureGroup, parks: gpd.GeoDataFrame, spec: dict[str, Any], lang: str,
              *, assignments: pd.DataFrame | None = None, highlight_ids: Iterable[str] = (),
              popups: bool = True, label: pd.Series | None = None) -> int:
    """Park markers by tier (star/diamond/circle/square); approximate points hollow and dashed.

    ``label`` (park_id → short text, e.g. a rank) is drawn beside the symbol. Returns the count.
    """
    prec_col = spec.get("style", {}).get("approximate_column", "location_precision")
    rows = _rows_by_place(assignments, "park") if popups else {}
    drows = _rows_by_place(assignments, "district") if popups else {}
    nm = name_col(lang)
    recs = parks.drop(columns="geometry").to_dict("records")
    icons = park_icons(parks, spec, highlight_ids=highlight_ids, label=label)
    tips, pops = [], []
    for rec in recs:
        prec = str(rec.get(prec_col, ""))
        tip = esc(rec.get(nm) or rec.get("name_zh"))
        if prec == "district_seat":
            tip += f" ({esc(precision_label(prec, lang))})"
        tips.append(tip)
        if popups:
            host = rec.get("host_adcode")
            host_rows = drows.get(str(int(host))) if host is not None and not pd.isna(host) else None
            pops.append(park_popup(rec, rows.get(str(rec.get("park_id"))), lang, host_rows, spec.get("fields")))
    if not recs:
        return 0
    # One GeoJson layer for all parks: per-feature divIcon options through the style function.
    # (Separate folium.Marker objects would cost ~5 template compilations each per render.)
    props = {"name": tips, "_i": list(range(len(recs)))}
    if popups:
        props["_popup"] = pops
    pts = shapely.points(np.round(shapely.get_coordinates(parks.geometry.to_numpy()), 5))
    g = gpd.GeoDataFrame(props, geometry=pts, crs=parks.crs)
    layer = folium.GeoJson(
        g.to_json(drop_id=True), name=t("layer_parks", lang),
        marker=folium.Marker(icon=folium.DivIcon(html="", class_name="geoplan-park")),
        style_function=lambda f: icons[f["properties"]["_i"]],
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
        popup=folium.GeoJsonPopup(fields=["_popup"], labels=False, max_width=420) if popups else None,
    )
    layer.add_to(target)
    return len(recs)


def add_corridors(target: folium.Map | folium.FeatureGroup, corridors: gpd.GeoDataFrame, spec: dict[str, Any],
                  lang: str) -> None:
    """Corridor polylines coloured per the corridors spec, with an escaped name tooltip."""
    style = spec.get("style", {})
    colors = style.get("colors", {})
    label_col = "corridor_en" if lang == "en" else "corridor_zh"
    for rec, geom in zip(corridors.drop(columns="geometry").to_dict("records"), corridors.geometry):
        coords = [(round(y, 5), round(x, 5)) for x, y in shapely.get_coordinates(geom)]
        folium.PolyLine(coords, color=colors.get(rec.get("corridor_id"), "#6c3483"),
                        weight=float(style.get("weight", 4)), opacity=0.9,
                        tooltip=folium.Tooltip(esc(rec.get(label_col)))).add_to(target)


def categorical_legend(spec: dict[str, Any], lang: str, kind: str = "fill") -> dict[str, Any]:
    """A legend section from a spec's ``legend.labels`` and ``style.colors``."""
    leg = spec.get("legend", {})
    colors = spec.get("style", {}).get("colors", {})
    labels = leg.get("labels", {}) or {k: {"zh": k, "en": k} for k in colors}
    items = [(_swatch(colors.get(k, NO_DATA), kind), pick(v, lang)) for k, v in labels.items()]
    return {"title": pick(leg.get("title"), lang), "items": items, "note": pick(leg.get("note"), lang)}


def svg_img(svg: str) -> str:
    """An ``<img>`` holding an SVG as a data URI (survives HTML sanitisers that drop inline SVG)."""
    import base64

    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img src="data:image/svg+xml;base64,{data}" style="vertical-align:middle;margin-right:4px">'


def parks_legend(spec: dict[str, Any], lang: str) -> dict[str, Any]:
    """Legend section for park tiers, plus the hollow/approximate symbol."""
    leg = spec.get("legend", {})
    markers = spec.get("style", {}).get("markers", {})
    items = []
    for k, v in leg.get("labels", {}).items():
        mk = markers.get(k, {})
        items.append((svg_img(marker_svg(mk.get("shape", "circle"), mk.get("color", "#555"), 6)), pick(v, lang)))
    items.append((svg_img(marker_svg("circle", "#555", 6, "half")), precision_label("town_center", lang)))
    items.append((svg_img(marker_svg("circle", "#555", 6, "hollow")), precision_label("district_seat", lang)))
    return {"title": pick(leg.get("title"), lang), "items": items, "note": pick(leg.get("note"), lang)}


def add_legend(m: folium.Map, sections: list[dict[str, Any]], title: str = "Legend / 图例",
               position: str = "topright") -> str:
    """Put a collapsible legend control on the map; returns its HTML (for use outside the map too)."""
    text = legend_html(sections)
    m.add_child(_Legend(f"<details open><summary style='cursor:pointer;font-weight:bold'>{esc(title)}</summary>"
                        f"{text}</details>", position))
    return text


# ---------------------------------------------------------------- sector colouring
def sector_counts(assignments: pd.DataFrame, industries: pd.DataFrame, parks: pd.DataFrame,
                  sector_id: str) -> pd.Series:
    """Assignment rows of one sector per district adcode (district rows plus rows of its parks)."""
    sector_of = industries.set_index("industry_id")["sector_id"]
    a = assignments[assignments["industry_id"].map(sector_of).eq(sector_id)]
    host = parks.set_index("park_id")["host_adcode"]
    adcode = pd.Series(pd.NA, index=a.index, dtype="Int64")
    is_d = a["place_type"].eq("district")
    adcode[is_d] = pd.to_numeric(a.loc[is_d, "place_id"], errors="coerce").astype("Int64")
    is_p = a["place_type"].eq("park")
    adcode[is_p] = a.loc[is_p, "place_id"].map(host).astype("Int64")
    return adcode.dropna().astype(int).value_counts()


def classify(values: pd.Series, scheme: str = "Quantiles", k: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Class bins (upper bounds) and the class index of each value (-1 for missing), via mapclassify."""
    import mapclassify

    v = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    ok = np.isfinite(v)
    idx = np.full(len(v), -1, dtype=int)
    if ok.sum() == 0:
        return np.array([]), idx
    uniq = np.unique(v[ok])
    k = int(max(1, min(k, len(uniq))))
    if len(uniq) == 1:
        idx[ok] = 0
        return np.array([uniq[0]]), idx
    cls = mapclassify.classify(v[ok], scheme=scheme, k=k)
    idx[ok] = cls.yb
    return np.asarray(cls.bins, dtype=float), idx


def palette(n: int) -> list[str]:
    """``n`` sequential colours (light → dark)."""
    if n <= 0:
        return []
    if n == 1:
        return [SEQUENTIAL[5]]
    pos = np.linspace(1, len(SEQUENTIAL) - 1, n).round().astype(int)
    return [SEQUENTIAL[i] for i in pos]


def class_legend(bins: np.ndarray, values: pd.Series, title: str, unit: str, lang: str) -> dict[str, Any]:
    """Legend section of a classified choropleth: 'lo – hi unit' per class, plus no data."""
    cols = palette(len(bins))
    v = pd.to_numeric(values, errors="coerce")
    lo = float(v.min()) if v.notna().any() else 0.0
    items = []
    for i, hi in enumerate(bins):
        a = lo if i == 0 else bins[i - 1]
        items.append((_swatch(cols[i]), f"{a:,.1f} – {hi:,.1f} {unit}".strip()))
    if v.isna().any():
        items.append((_swatch(NO_DATA), "—" + (" 无数据" if lang == "zh" else " no data")))
    return {"title": f"{title} ({unit})" if unit else title, "items": items}


def value_fill(values: pd.Series, *, scheme: str = "Quantiles", k: int = 5, title: str = "", unit: str = "",
               lang: str = "zh") -> tuple[pd.Series, dict[str, Any]]:
    """Colours (same index as ``values``) of a classified choropleth and its legend section."""
    bins, idx = classify(values, scheme, k)
    cols = palette(len(bins))
    fill = pd.Series([cols[i] if i >= 0 else NO_DATA for i in idx], index=values.index, dtype=object)
    return fill, class_legend(bins, values, title, unit, lang)


def band_polygons(corridors: gpd.GeoDataFrame, bands_km: Sequence[float]) -> gpd.GeoDataFrame:
    """Ring polygons (WGS84) around all axes for each distance band, buffered in REGION_METRIC metres."""
    from .crs import REGION_METRIC

    lines = corridors.to_crs(REGION_METRIC)
    union = shapely.union_all(lines.geometry.to_numpy())
    rows, inner = [], None
    for b in bands_km:
        # simplify before differencing so that neighbouring rings share their edge exactly
        outer = shapely.simplify(shapely.buffer(union, float(b) * 1000.0, quad_segs=8), 200.0)
        ring = outer if inner is None else shapely.difference(outer, inner)
        rows.append({"band_km": float(b), "geometry": ring})
        inner = outer
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=REGION_METRIC).to_crs(corridors.crs)
    return out


# ---------------------------------------------------------------- whole maps
def industry_map(*, districts: gpd.GeoDataFrame, parks: gpd.GeoDataFrame, corridors: gpd.GeoDataFrame,
                 agglomeration: gpd.GeoDataFrame | None, context: gpd.GeoDataFrame | None,
                 assignments: pd.DataFrame, specs: dict[str, dict[str, Any]], lang: str = "zh",
                 tiles: str = "none", tianditu_key: str | None = None, district_fill: pd.Series | None = None,
                 fill_legend: dict[str, Any] | None = None,
                 show: Iterable[str] = ("districts", "parks", "corridors", "agglomeration", "context"),
                 assets: str = "local", legend_in_map: bool = True) -> folium.Map:
    """The industry map: districts (by region or ``district_fill``), parks by tier, corridors, areas.

    All frames are WGS84; they are shifted here for AMap display. ``show`` lists the layers drawn.
    The legend HTML is also left on ``m.geoplan_legend_html`` (for a legend beside the map).
    """
    show = set(show)
    m = base_map(tiles, tianditu_key=tianditu_key, assets=assets)
    shift = lambda g: to_display(g, tiles) if g is not None else None
    sections = []
    if "context" in show and context is not None and not context.empty:
        sty = specs.get("context", {}).get("style", {})
        add_polygons(m, shift(context), lang, color=sty.get("color", "#999999"),
                     fill_opacity=float(sty.get("fill_opacity", 0.15)), dash=sty.get("dash_array", "4 4"),
                     name=t("layer_context", lang))
    if "districts" in show:
        add_districts(m, shift(districts), specs["districts"], lang, fill=district_fill, assignments=assignments)
        sections.append(fill_legend or categorical_legend(specs["districts"], lang))
    if "agglomeration" in show and agglomeration is not None and not agglomeration.empty:
        add_polygons(m, shift(agglomeration), lang, color="#8e44ad", fill_opacity=0.0, weight=3,
                     dash="8 6", name=t("layer_agglomeration", lang))
        sections.append({"title": t("layer_agglomeration", lang), "items": [(_swatch("#8e44ad", "dashed"), _area_label(n)) for n in agglomeration[name_col(lang)]]})
    if "corridors" in show and corridors is not None and not corridors.empty:
        add_corridors(m, shift(corridors), specs["corridors"], lang)
        sections.append(categorical_legend(specs["corridors"], lang, kind="line"))
    if "parks" in show:
        add_parks(m, shift(parks), specs["parks"], lang, assignments=assignments)
        sections.append(parks_legend(specs["parks"], lang))
    if legend_in_map:
        add_legend(m, sections, t("legend", lang))
    m.geoplan_legend_html = legend_html(sections)
    return m


def highlight_group(*, districts: gpd.GeoDataFrame, parks: gpd.GeoDataFrame, regions: gpd.GeoDataFrame | None,
                    place_rows: pd.DataFrame, lang: str, tiles: str = "none") -> folium.FeatureGroup:
    """A feature group lighting up the places of ``place_rows`` (assignment rows of one industry).

    Rows whose ``relation`` is not ``direct`` (same chain / same sector) are drawn lighter and dashed.
    """
    fg = folium.FeatureGroup(name=t("layer_highlight", lang))
    if place_rows is None or place_rows.empty:
        return fg
    rel = place_rows["relation"] if "relation" in place_rows else pd.Series("direct", index=place_rows.index)
    direct_rows = place_rows[rel.eq("direct")]
    for strong, rows in ((False, place_rows[~rel.eq("direct")]), (True, direct_rows)):
        if rows.empty:
            continue
        ids = {pt: set(rows.loc[rows["place_type"] == pt, "place_id"].astype(str))
               for pt in ("district", "park", "region")}
        if not strong:  # a place that is also a direct hit is drawn once, strongly
            for pt in ids:
                ids[pt] -= set(direct_rows.loc[direct_rows["place_type"] == pt, "place_id"].astype(str))
        d = districts[districts["adcode"].astype(str).isin(ids["district"])]
        add_polygons(fg, to_display(d, tiles), lang, color=HIGHLIGHT, fill_opacity=0.55 if strong else 0.2,
                     weight=3 if strong else 2, dash=None if strong else "5 4", name=t("layer_highlight", lang))
        if regions is not None and not regions.empty:
            r = regions[regions["region_id"].astype(str).isin(ids["region"])]
            add_polygons(fg, to_display(r, tiles), lang, color="#f39c12", fill_opacity=0.12 if strong else 0.05,
                         weight=3 if strong else 1.5, dash="6 4")
        p = to_display(parks[parks["park_id"].astype(str).isin(ids["park"])], tiles)
        for x, y, name in zip(p.geometry.x, p.geometry.y, p[name_col(lang)]):
            folium.CircleMarker([round(y, 5), round(x, 5)], radius=14, color=HIGHLIGHT, weight=4 if strong else 2,
                                dash_array=None if strong else "4 3", fill=False,
                                tooltip=folium.Tooltip(esc(name))).add_to(fg)
    return fg


def choropleth_map(gdf: gpd.GeoDataFrame, column: str, *, scheme: str = "Quantiles", k: int = 5,
                   title: str = "", unit: str = "", lang: str = "zh", tiles: str = "none",
                   tianditu_key: str | None = None, base: gpd.GeoDataFrame | None = None,
                   label_column: str | None = None, assets: str = "local") -> tuple[folium.Map, dict[str, Any]]:
    """A classified choropleth of ``column`` (polygons; points become graduated circles).

    Returns the map and its legend section. ``base`` (e.g. all districts) is drawn grey beneath.
    """
    m = base_map(tiles, tianditu_key=tianditu_key, assets=assets)
    if base is not None:
        add_polygons(m, to_display(base, tiles), lang, color="#aab7b8", fill_opacity=0.15, weight=0.8)
    bins, idx = classify(gdf[column], scheme, k)
    cols = palette(len(bins))
    fill = np.array([cols[i] if i >= 0 else NO_DATA for i in idx], dtype=object)
    label_column = label_column or (name_col(lang) if name_col(lang) in gdf else None)
    names = gdf[label_column].to_numpy() if label_column else np.array([""] * len(gdf))
    vals = pd.to_numeric(gdf[column], errors="coerce").to_numpy()
    tips = [f"{esc(n)}: {'—' if not np.isfinite(v) else f'{v:,.2f}'} {esc(unit)}" for n, v in zip(names, vals)]
    shown = to_display(gdf, tiles)
    geom_types = set(shown.geometry.geom_type.dropna())
    if geom_types <= {"Point", "MultiPoint"}:
        for geom, c, tip in zip(shown.geometry, fill, tips):
            folium.CircleMarker([round(geom.y, 5), round(geom.x, 5)], radius=9, color="#333", weight=1,
                                fill=True, fill_color=c, fill_opacity=0.9, tooltip=folium.Tooltip(tip)).add_to(m)
    else:
        g = gpd.GeoDataFrame({"tip": tips, "_fill": fill}, geometry=shown.geometry.to_numpy(), crs=shown.crs)
        folium.GeoJson(_round_geoms(g).to_json(drop_id=True),
                       style_function=lambda f: {"fillColor": f["properties"]["_fill"], "color": "#555",
                                                 "weight": 1, "fillOpacity": 0.75},
                       tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False)).add_to(m)
    section = class_legend(bins, gdf[column], title, unit, lang)
    add_legend(m, [section], t("legend", lang))
    return m, section


def fit_to(m: folium.Map, gdf: gpd.GeoDataFrame) -> None:
    """Zoom the map to a frame's bounds (no-op on an empty frame)."""
    if gdf is None or gdf.empty:
        return
    x0, y0, x1, y1 = gdf.total_bounds
    if np.all(np.isfinite([x0, y0, x1, y1])):
        m.fit_bounds([[y0, x0], [y1, x1]])
