"""Marker symbols, swatches, legends and HTML escaping for the folium maps."""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable
from typing import Any

import folium
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from ..i18n import pick, t
from ..io.validate import safe_text

HIGHLIGHT = "#f1c40f"


NO_DATA = "#d5d8dc"


SEQUENTIAL = ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026"]


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


def swatch(color: str, kind: str = "fill") -> str:
    """A small legend swatch (filled box, line or dashed line) as HTML."""
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
            # symbol and text side by side; a long label wraps inside the box instead of running out
            parts.append(f'<div style="display:flex;align-items:center;gap:2px;margin:1px 0">'
                         f'<span style="flex:none">{symbol}</span><span style="white-space:normal;'
                         f'overflow-wrap:anywhere">{esc(label)}</span></div>')
        if sec.get("note"):
            parts.append(f'<div style="font-size:10px;color:#555;white-space:normal">{esc(sec["note"])}</div>')
    return "".join(parts)


def categorical_legend(spec: dict[str, Any], lang: str, kind: str = "fill") -> dict[str, Any]:
    """A legend section from a spec's ``legend.labels`` and ``style.colors``."""
    leg = spec.get("legend", {})
    colors = spec.get("style", {}).get("colors", {})
    labels = leg.get("labels", {}) or {k: {"zh": k, "en": k} for k in colors}
    items = [(swatch(colors.get(k, NO_DATA), kind), pick(v, lang)) for k, v in labels.items()]
    return {"title": pick(leg.get("title"), lang), "items": items, "note": pick(leg.get("note"), lang)}


def highlight_legend(lang: str, title: str | None = None) -> dict[str, Any]:
    """Legend section of the highlight (filter result): solid for places the plan names, dashed for
    the same chain or sector — the colours :func:`geoplan.maps.highlight_group` draws.
    """
    return {"title": title or t("maps_highlight", lang),
            "items": [(swatch(HIGHLIGHT), t("maps_highlight_direct", lang)),
                      (swatch(HIGHLIGHT, "dashed"), t("maps_highlight_related", lang))]}


def svg_img(svg: str) -> str:
    """An ``<img>`` holding an SVG as a data URI (survives HTML sanitisers that drop inline SVG)."""

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
               position: str = "topright", collapsed: bool = False) -> str:
    """Put a collapsible legend control on the map (``collapsed``: closed at first, for a narrow map);
    returns its HTML (for use outside the map too).
    """
    text = legend_html(sections)
    m.add_child(_Legend(f"<details{'' if collapsed else ' open'}><summary style='cursor:pointer;font-weight:bold'>{esc(title)}</summary>"
                        f"{text}</details>", position))
    return text


def precision_label(value: str, lang: str) -> str:
    """Human label of a ``location_precision`` value."""
    key = f"prec_{value}"
    try:
        return t(key, lang)
    except KeyError:
        return str(value)
