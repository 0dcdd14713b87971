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

from collections.abc import Iterable, Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..crs import REGION_METRIC
from ..data import catalog
from ..data.layers import layer_ids, layer_spec, load_layer
from ..i18n import name_col, t
from .base import _round_geoms, base_map, to_display
from .controls import add_labels, add_measure, spread_markers
from .popups import POPUP_OPTIONS, _area_label, _rows_by_place, district_popup, park_popup
from .symbols import (
    HIGHLIGHT,
    NO_DATA,
    add_legend,
    categorical_legend,
    esc,
    legend_html,
    marker_svg,
    parks_legend,
    precision_label,
    swatch,
)


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
        popup=folium.GeoJsonPopup(fields=["_popup"], labels=False, **POPUP_OPTIONS) if popups else None,
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
    at a town centre, solid at the park centre; a yellow ring when highlighted; optional label.
    """
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
        popup=folium.GeoJsonPopup(fields=["_popup"], labels=False, **POPUP_OPTIONS) if popups else None,
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


def band_polygons(corridors: gpd.GeoDataFrame, bands_km: Sequence[float]) -> gpd.GeoDataFrame:
    """Ring polygons (WGS84) around all axes for each distance band, buffered in REGION_METRIC metres."""

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
def default_frames() -> dict[str, Any]:
    """The embedded layers the industry map draws (display geometries), loaded from ``geoplan.data``."""
    regions = load_layer("regions", display=True)
    return {
        "districts": load_layer("districts", display=True), "parks": load_layer("parks"),
        "corridors": load_layer("corridors"),
        "agglomeration": regions[regions["kind"] == "agglomeration_area"].reset_index(drop=True),
        "context": load_layer("context", display=True), "assignments": catalog.assignments(),
        "specs": {i: layer_spec(i) for i in layer_ids()},
    }


def industry_map(*, districts: gpd.GeoDataFrame | None = None, parks: gpd.GeoDataFrame | None = None,
                 corridors: gpd.GeoDataFrame | None = None, agglomeration: gpd.GeoDataFrame | None = None,
                 context: gpd.GeoDataFrame | None = None, assignments: pd.DataFrame | None = None,
                 specs: dict[str, dict[str, Any]] | None = None, lang: str = "zh",
                 tiles: str = "none", tianditu_key: str | None = None, district_fill: pd.Series | None = None,
                 fill_legend: dict[str, Any] | None = None,
                 show: Iterable[str] = ("districts", "parks", "corridors", "agglomeration", "context"),
                 assets: str = "local", legend_in_map: bool = True, controls: bool = True,
                 extra_legend: Sequence[dict[str, Any]] = ()) -> tuple[folium.Map, str]:
    """The industry map: districts (by region or ``district_fill``), parks by tier, corridors, areas.

    Parameters
    ----------
    districts, parks, corridors, agglomeration, context : geopandas.GeoDataFrame, optional
        WGS84 frames to draw; any left out come from :func:`default_frames` (the embedded data).
    assignments : pandas.DataFrame, optional
        Plan sentences for the popups.
    specs : dict, optional
        Layer specs (``layers/*.yaml``) by id.
    lang : {"zh", "en"}
    tiles : {"none", "osm", "tianditu", "amap"}
        ``none`` (default) draws no tile layer: the map works offline. Data are shifted to GCJ-02
        for AMap only.
    tianditu_key : str, optional
    district_fill, fill_legend : optional
        District colours and their legend section (see :func:`geoplan.maps.value_fill`).
    show : iterable of str
        The layers drawn.
    assets : {"local", "cdn", "none"}
        Where Leaflet comes from (``local``: the vendored copy served at ``/app/static``).
    legend_in_map : bool, default True
        Also draw the legend on the map.
    controls : bool, default True
        Zoom-dependent district and park labels, the distance-measure button and fanned-out
        crowded park markers (:mod:`geoplan.maps.controls`; inline scripts, no download).
    extra_legend : sequence of dict
        Further legend sections (e.g. :func:`geoplan.maps.highlight_legend` when a filter is on).

    Returns
    -------
    (folium.Map, str)
        The map and its legend as escaped HTML (for a legend beside the map).

    Examples
    --------
    >>> import geoplan as gp
    >>> m, legend = gp.industry_map(lang="en", show=("districts", "parks"))
    >>> "L.tileLayer" in m.get_root().render()  # no tiles: works offline
    False
    >>> "Central urban area" in legend
    True
    """
    if any(v is None for v in (districts, parks, corridors, assignments, specs)):
        d = default_frames()
        districts = d["districts"] if districts is None else districts
        parks = d["parks"] if parks is None else parks
        corridors = d["corridors"] if corridors is None else corridors
        agglomeration = d["agglomeration"] if agglomeration is None else agglomeration
        context = d["context"] if context is None else context
        assignments = d["assignments"] if assignments is None else assignments
        specs = d["specs"] if specs is None else specs
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
        sections.append({"title": t("layer_agglomeration", lang), "items": [(swatch("#8e44ad", "dashed"), _area_label(n)) for n in agglomeration[name_col(lang)]]})
    if "corridors" in show and corridors is not None and not corridors.empty:
        add_corridors(m, shift(corridors), specs["corridors"], lang)
        sections.append(categorical_legend(specs["corridors"], lang, kind="line"))
    if "parks" in show:
        add_parks(m, shift(parks), specs["parks"], lang, assignments=assignments)
        sections.append(parks_legend(specs["parks"], lang))
    if controls:
        add_labels(m, lang, districts=shift(districts) if "districts" in show else None,
                   parks=shift(parks) if "parks" in show else None)
        add_measure(m, lang)
        if "parks" in show:
            spread_markers(m)
    sections.extend(extra_legend)
    if legend_in_map:
        add_legend(m, sections, t("legend", lang))
    return m, legend_html(sections)


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


def highlight_bounds(*, districts: gpd.GeoDataFrame, parks: gpd.GeoDataFrame, regions: gpd.GeoDataFrame | None,
                     place_rows: pd.DataFrame) -> tuple[float, float, float, float] | None:
    """``(x0, y0, x1, y1)`` around every place of ``place_rows`` (districts, parks, plan regions) —
    what :func:`highlight_group` lights up — or ``None`` when none of them has a geometry.
    """
    if place_rows is None or place_rows.empty:
        return None
    ids = {pt: set(place_rows.loc[place_rows["place_type"] == pt, "place_id"].astype(str))
           for pt in ("district", "park", "region")}
    parts = [districts.geometry[districts["adcode"].astype(str).isin(ids["district"])].to_numpy(),
             parks.geometry[parks["park_id"].astype(str).isin(ids["park"])].to_numpy()]
    if regions is not None and not regions.empty:
        parts.append(regions.geometry[regions["region_id"].astype(str).isin(ids["region"])].to_numpy())
    geoms = np.concatenate(parts)
    if not len(geoms):
        return None
    b = shapely.bounds(geoms)
    x0, y0, x1, y1 = np.nanmin(b[:, 0]), np.nanmin(b[:, 1]), np.nanmax(b[:, 2]), np.nanmax(b[:, 3])
    return (float(x0), float(y0), float(x1), float(y1)) if np.all(np.isfinite([x0, y0, x1, y1])) else None
