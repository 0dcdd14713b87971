"""Map controls that need no plugin download: zoom-dependent labels, a distance measure, marker spreading.

Everything here is a small inline Leaflet script (no CDN, no vendored plugin): the app must run
offline, and folium's own plugins (MarkerCluster, MeasureControl, Search) load their JS/CSS from
a CDN. Texts reach the page escaped (:func:`geoplan.maps.symbols.esc`) and as JSON.
"""

from __future__ import annotations

import json
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from ..i18n import name_col, t
from .symbols import esc

# Labels appear from these zoom levels on (zoom 7 shows the whole municipality; 9 the central city).
LABEL_MIN_ZOOM = {"district": 8, "park": 10}


LABEL_CSS = ("<style>.geoplan-label{background:none;border:none;white-space:nowrap;pointer-events:none;"
             "font:11px sans-serif;color:#222;text-shadow:0 0 3px #fff,0 0 3px #fff}"
             ".geoplan-label-district{font-weight:bold;font-size:12px;color:#333}"
             ".geoplan-label-park{color:#1a5276}"
             ".geoplan-measure{background:#fff;padding:2px 6px;font:12px sans-serif;cursor:pointer}"
             ".geoplan-measure.on{background:#f9e79f}</style>")


SPREAD_PX = 18  # markers closer than this on screen are fanned out around their common centre


class ZoomLabels(MacroElement):
    """Permanent text labels (one layer per kind) shown only from a zoom level on; a label that would
    overlap one drawn before it (districts first, then parks in order) is hidden at that zoom.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(){
          var map = {{ this._parent.get_name() }};
          var groups = {{ this.groups|tojson }};
          var layers = groups.map(function(g){
            var lg = L.layerGroup();
            g.items.forEach(function(it){
              L.marker([it[0], it[1]], {interactive: false, keyboard: false,
                icon: L.divIcon({className: 'geoplan-label geoplan-label-' + g.kind, html: it[2],
                                 iconSize: null, iconAnchor: [-8, 6]})}).addTo(lg);
            });
            return {min: g.min_zoom, layer: lg};
          });
          function declutter(){  // a label that would overlap an earlier one (districts first) is hidden
            var kept = [];
            layers.forEach(function(l){
              if (!map.hasLayer(l.layer)) return;
              l.layer.eachLayer(function(mk){
                var el = mk._icon; if (!el) return;
                el.style.visibility = '';
                var r = el.getBoundingClientRect();
                var hit = kept.some(function(k){
                  return r.left < k.right && r.right > k.left && r.top < k.bottom && r.bottom > k.top; });
                if (hit) el.style.visibility = 'hidden'; else kept.push(r);
              });
            });
          }
          function update(){
            var z = map.getZoom();
            layers.forEach(function(l){
              if (z >= l.min) { if (!map.hasLayer(l.layer)) l.layer.addTo(map); }
              else if (map.hasLayer(l.layer)) map.removeLayer(l.layer);
            });
            window.setTimeout(declutter, 0);
          }
          map.on('zoomend', update);
          map.whenReady(update);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, groups: list[dict[str, Any]]) -> None:
        super().__init__()
        self._name = "ZoomLabels"
        self.groups = groups


def label_points(gdf: gpd.GeoDataFrame, lang: str) -> list[list[Any]]:
    """``[lat, lon, escaped name]`` per feature: points as they are, polygons at a point inside them."""
    if gdf is None or gdf.empty:
        return []
    pts = shapely.point_on_surface(gdf.geometry.to_numpy())
    xy = np.round(shapely.get_coordinates(pts), 4)
    col = name_col(lang) if name_col(lang) in gdf else "name_zh"
    names = gdf[col].where(gdf[col].notna() & gdf[col].astype(str).ne(""), gdf.get("name_zh", gdf[col]))
    return [[float(y), float(x), esc(n)] for (x, y), n in zip(xy, names.to_numpy())]


def add_labels(m: folium.Map, lang: str, *, districts: gpd.GeoDataFrame | None = None,
               parks: gpd.GeoDataFrame | None = None,
               min_zoom: dict[str, int] | None = None) -> ZoomLabels:
    """District and park name labels that appear from ``min_zoom[kind]`` on (default :data:`LABEL_MIN_ZOOM`)."""
    mz = {**LABEL_MIN_ZOOM, **(min_zoom or {})}
    groups = [{"kind": kind, "min_zoom": int(mz[kind]), "items": label_points(g, lang)}
              for kind, g in (("district", districts), ("park", parks)) if g is not None and not g.empty]
    _css(m)
    el = ZoomLabels(groups)
    m.add_child(el)
    return el


class MeasureTool(MacroElement):
    """A button (top left): click it, then click points on the map; the path and its length (km,
    great circle per segment, Leaflet's ``distanceTo``) are shown; click the button again to clear.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(){
          var map = {{ this._parent.get_name() }};
          var txt = {{ this.texts|tojson }};
          var on = false, pts = [], line = null, tip = null;
          var ctl = L.control({position: 'topleft'});
          ctl.onAdd = function(){
            var b = L.DomUtil.create('div', 'leaflet-bar geoplan-measure');
            b.innerHTML = txt.button; b.title = txt.hint;
            L.DomEvent.disableClickPropagation(b);
            L.DomEvent.on(b, 'click', function(){
              on = !on; b.classList.toggle('on', on);
              if (line) { map.removeLayer(line); line = null; }
              if (tip) { map.removeLayer(tip); tip = null; }
              pts = []; map.getContainer().style.cursor = on ? 'crosshair' : '';
            });
            return b;
          };
          ctl.addTo(map);
          map.on('click', function(e){
            if (!on) return;
            pts.push(e.latlng);
            var d = 0;
            for (var i = 1; i < pts.length; i++) d += pts[i - 1].distanceTo(pts[i]);
            if (!line) line = L.polyline(pts, {color: '#c0392b', weight: 3, dashArray: '6 4',
                                               interactive: false}).addTo(map);
            else line.setLatLngs(pts);
            var label = txt.total + ' ' + (d / 1000).toFixed(d < 10000 ? 2 : 1) + ' km';
            if (!tip) tip = L.tooltip({permanent: true, direction: 'right', className: 'geoplan-measure-result'});
            tip.setLatLng(e.latlng).setContent(label);
            if (!map.hasLayer(tip)) tip.addTo(map);
          });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, texts: dict[str, str]) -> None:
        super().__init__()
        self._name = "MeasureTool"
        self.texts = texts


def add_measure(m: folium.Map, lang: str) -> MeasureTool:
    """Add the distance-measure button (see :class:`MeasureTool`), labelled in ``lang``."""
    _css(m)
    el = MeasureTool({k: esc(t(f"maps_measure_{k}", lang)) for k in ("button", "hint", "total")})
    m.add_child(el)
    return el


class SpreadMarkers(MacroElement):
    """Fan out markers of one CSS class that fall within ``px`` pixels of each other at the current
    zoom (deterministic: the same order, the same circle), so that each stays clickable. Only the
    icons move on screen; the markers' coordinates, popups and clicks keep the true position.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(){
          var map = {{ this._parent.get_name() }};
          var cls = {{ this.css_class|tojson }}, px = {{ this.px }};
          function markers(){
            var out = [];
            map.eachLayer(function(l){
              if (l instanceof L.Marker && l._icon && l._icon.classList.contains(cls)) out.push(l);
            });
            out.sort(function(a, b){ return a._leaflet_id - b._leaflet_id; });
            return out;
          }
          function spread(){
            var ms = markers(), used = new Array(ms.length).fill(false);
            var pos = ms.map(function(m){ return map.latLngToLayerPoint(m.getLatLng()); });
            ms.forEach(function(m){
              var el = m._icon;
              if (el.dataset.gpMl === undefined) { el.dataset.gpMl = el.style.marginLeft; el.dataset.gpMt = el.style.marginTop; }
              el.style.marginLeft = el.dataset.gpMl; el.style.marginTop = el.dataset.gpMt;
            });
            for (var i = 0; i < ms.length; i++) {
              if (used[i]) continue;
              var g = [i]; used[i] = true;
              for (var j = i + 1; j < ms.length; j++) {
                if (!used[j] && pos[i].distanceTo(pos[j]) < px) { g.push(j); used[j] = true; }
              }
              if (g.length < 2) continue;
              var r = Math.max(px, px * g.length / (2 * Math.PI) * 1.2);
              g.forEach(function(k, n){
                var a = 2 * Math.PI * n / g.length - Math.PI / 2;
                var dx = r * Math.cos(a) + pos[i].x - pos[k].x, dy = r * Math.sin(a) + pos[i].y - pos[k].y;
                var el = ms[k]._icon;
                el.style.marginLeft = (parseFloat(el.dataset.gpMl || 0) + dx) + 'px';
                el.style.marginTop = (parseFloat(el.dataset.gpMt || 0) + dy) + 'px';
                el.dataset.gpSpread = '1';
              });
            }
          }
          map.on('zoomend layeradd', function(){ window.setTimeout(spread, 0); });
          map.whenReady(function(){ window.setTimeout(spread, 0); });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, css_class: str, px: int = SPREAD_PX) -> None:
        super().__init__()
        self._name = "SpreadMarkers"
        self.css_class = css_class
        self.px = int(px)


def spread_markers(m: folium.Map, css_class: str = "geoplan-park", px: int = SPREAD_PX) -> SpreadMarkers:
    """Add :class:`SpreadMarkers` for the markers of ``css_class`` (the park symbols by default)."""
    el = SpreadMarkers(css_class, px)
    m.add_child(el)
    return el


def _css(m: folium.Map) -> None:
    m.get_root().header.add_child(Element(LABEL_CSS), name="geoplan_controls_css")


# Leaflet.draw's own texts (L.drawLocal), by the i18n key that holds each one
_DRAW_TEXTS = {
    "draw.toolbar.buttons.polygon": "maps_draw_polygon",
    "draw.toolbar.buttons.rectangle": "maps_draw_rectangle",
    "draw.toolbar.actions.title": "maps_draw_cancel_title",
    "draw.toolbar.actions.text": "maps_draw_cancel",
    "draw.toolbar.finish.title": "maps_draw_finish_title",
    "draw.toolbar.finish.text": "maps_draw_finish",
    "draw.toolbar.undo.title": "maps_draw_undo_title",
    "draw.toolbar.undo.text": "maps_draw_undo",
    "draw.handlers.polygon.tooltip.start": "maps_draw_polygon_start",
    "draw.handlers.polygon.tooltip.cont": "maps_draw_polygon_cont",
    "draw.handlers.polygon.tooltip.end": "maps_draw_polygon_end",
    "draw.handlers.rectangle.tooltip.start": "maps_draw_rectangle_start",
    "draw.handlers.simpleshape.tooltip.end": "maps_draw_shape_end",
}


def draw_locale_js(lang: str) -> str:
    """JavaScript that puts Leaflet.draw's toolbar and tooltip texts into ``lang`` (``L.drawLocal``).

    Add it to the map before the Draw control (:func:`add_draw_locale`): the toolbar reads the texts
    when it is built.

    Parameters
    ----------
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        A ``<script>`` body; does nothing when Leaflet.draw is not loaded.

    Examples
    --------
    >>> js = draw_locale_js("zh")
    >>> "绘制多边形" in js and js.startswith("if (window.L && L.drawLocal)")
    True
    """
    sets = "".join(f"L.drawLocal.{path} = {json.dumps(t(key, lang), ensure_ascii=False)};"
                   for path, key in _DRAW_TEXTS.items())
    return f"if (window.L && L.drawLocal) {{{sets}}}"


def add_draw_locale(m: folium.Map, lang: str) -> None:
    """Leaflet.draw's texts in ``lang`` on ``m``; call before adding ``folium.plugins.Draw``.

    Parameters
    ----------
    m : folium.Map
        The map the Draw control goes on.
    lang : str
        ``"zh"`` or ``"en"``.
    """
    DrawLocale(lang).add_to(m)


class DrawLocale(MacroElement):
    """Sets ``L.drawLocal`` in the map's own script, in order with the controls added after it."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.js }}{% endmacro %}")

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "DrawLocale"
        self.js = draw_locale_js(lang)
