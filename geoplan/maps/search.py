"""Find a park or district by name, alias or romanised name, and the map view that shows it.

The search runs over ``data/place_aliases.csv`` (Chinese names with and without 区/县/重庆, the
English names — for Chongqing's places these are the pinyin, e.g. ``wanzhou`` — ids and adcodes)
plus each place's own ``name_zh``/``name_en``. Matching ignores case, spaces, hyphens and brackets.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from ..crs import WGS84
from ..data import catalog
from ..data.layers import load_layer
from ..i18n import t
from .base import to_display
from .popups import POPUP_OPTIONS, _rows_by_place, district_popup, park_popup
from .symbols import HIGHLIGHT

_STRIP = re.compile(r"[\s\-_()（）·.,，、/]+")


MAX_ZOOM = 13  # a single park: close enough to see its neighbours, not a street map


def norm_key(text: object) -> str:
    """The matching form of a name: lower case, no spaces, hyphens, underscores, brackets or dots."""
    return _STRIP.sub("", str(text or "")).lower()


def place_index(districts: gpd.GeoDataFrame | None = None, parks: gpd.GeoDataFrame | None = None
                ) -> pd.DataFrame:
    """One row per park and district: ``place_type``, ``place_id``, names, ``lon``/``lat`` (the park
    point, or a point inside the district), bounds ``x0, y0, x1, y1`` and ``keys`` (matching forms).
    """
    d = load_layer("districts", display=True) if districts is None else districts
    p = load_layer("parks") if parks is None else parks
    dpt = shapely.point_on_surface(d.geometry.to_numpy())
    db = shapely.bounds(d.geometry.to_numpy())
    pxy = shapely.get_coordinates(p.geometry.to_numpy())
    rows = pd.concat([
        pd.DataFrame({"place_type": "district", "place_id": d["adcode"].astype(int).astype(str).to_numpy(),
                      "name_zh": d["name_zh"].to_numpy(), "name_en": d["name_en"].to_numpy(),
                      "lon": shapely.get_x(dpt), "lat": shapely.get_y(dpt),
                      "x0": db[:, 0], "y0": db[:, 1], "x1": db[:, 2], "y1": db[:, 3]}),
        pd.DataFrame({"place_type": "park", "place_id": p["park_id"].astype(str).to_numpy(),
                      "name_zh": p["name_zh"].to_numpy(), "name_en": p["name_en"].to_numpy(),
                      "lon": pxy[:, 0], "lat": pxy[:, 1], "x0": pxy[:, 0], "y0": pxy[:, 1],
                      "x1": pxy[:, 0], "y1": pxy[:, 1]}),
    ], ignore_index=True)
    al = catalog.place_aliases()
    al = al[al["place_type"].isin(["district", "park"])]
    by_place = al.groupby([al["place_type"], al["place_id"].astype(str)])["alias"].agg(list).to_dict()
    rows["keys"] = [
        sorted({norm_key(k) for k in [zh, en, pid, *by_place.get((pt, pid), [])] if norm_key(k)})
        for pt, pid, zh, en in zip(rows["place_type"], rows["place_id"], rows["name_zh"], rows["name_en"])
    ]
    return rows


def search_places(query: str, index: pd.DataFrame | None = None, limit: int = 10) -> pd.DataFrame:
    """Places matching ``query`` best first: an exact name/alias, then a name starting with it, then
    one containing it (parks before districts at equal rank, then by length of the matched key).

    Examples
    --------
    >>> from geoplan.maps.search import search_places
    >>> search_places("Wanzhou")["name_zh"].iloc[0]
    '万州区'
    """
    q = norm_key(query)
    idx = place_index() if index is None else index
    if not q:
        return idx.iloc[0:0].assign(match=pd.Series(dtype=int))
    best = []
    for keys in idx["keys"]:
        score, length = 9, 0
        for k in keys:
            s = 0 if k == q else (1 if k.startswith(q) else (2 if q in k else 9))
            if s < score or (s == score and len(k) < length):
                score, length = s, len(k)
        best.append((score, length))
    sc = np.array(best)
    out = idx.assign(match=sc[:, 0], _len=sc[:, 1], _pt=idx["place_type"].ne("park").astype(int))
    out = out[out["match"] < 9].sort_values(["match", "_pt", "_len", "place_id"], kind="stable")
    return out.drop(columns=["_len", "_pt"]).head(limit).reset_index(drop=True)


def view_for_bounds(bounds: Sequence[float], width_px: int = 900, height_px: int = 720, *,
                    padding_px: int = 40, max_zoom: int = MAX_ZOOM) -> tuple[tuple[float, float], int]:
    """``((lat, lon), zoom)`` of the Web-Mercator view that fits ``bounds`` (x0, y0, x1, y1, degrees)
    in a map of ``width_px`` × ``height_px`` with ``padding_px`` on each side: Leaflet's ``fitBounds``
    rule (the largest integer zoom at which the box fits), capped at ``max_zoom``.

    Examples
    --------
    >>> view_for_bounds((106.0, 29.0, 107.0, 30.0), 900, 720)  # 1° box: 256·2^z/360 px per degree
    ((29.50..., 106.5), 9)
    """
    x0, y0, x1, y1 = (float(v) for v in bounds)
    merc = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))  # noqa: E731
    cx = (x0 + x1) / 2
    cy = math.degrees(2 * math.atan(math.exp((merc(y0) + merc(y1)) / 2)) - math.pi / 2)
    w, h = max(width_px - 2 * padding_px, 1), max(height_px - 2 * padding_px, 1)
    dx = max((x1 - x0) / 360.0, 1e-12)  # share of the world's width
    dy = max((merc(y1) - merc(y0)) / (2 * math.pi), 1e-12)
    zoom = math.floor(min(math.log2(w / (256 * dx)), math.log2(h / (256 * dy))))
    return (cy, cx), int(max(0, min(zoom, max_zoom)))


class _OpenPopupOnAdd(MacroElement):
    """Binds an HTML popup to its parent layer and opens it once the layer is on the map.

    ``openPopup`` before that is a no-op in Leaflet, and streamlit-folium adds a feature group to the
    map only after building it; the HTML goes in as a JSON string (folium's own ``Popup`` needs jQuery,
    which the offline map does not load).
    """

    _template = Template("""{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bindPopup({{ this.html|tojson }}, {{ this.options|tojson }});
        {{ this._parent.get_name() }}.on("add", function (e) {
            var m = e.target._map;  // one searched card at a time: close any earlier one first
            m.eachLayer(function (l) { if (l instanceof L.Popup) { m.removeLayer(l); } });
            setTimeout(function () { e.target.openPopup(); }, 0);
        });
        {{ this._parent.get_name() }}.on("remove", function (e) { e.target.closePopup(); });
        {% endmacro %}""")

    def __init__(self, html: str, options: dict[str, Any]) -> None:
        super().__init__()
        self.html = html
        self.options = options


def search_popup_group(place_type: str, place_id: str, *, districts: gpd.GeoDataFrame, parks: gpd.GeoDataFrame,
                       assignments: pd.DataFrame | None, specs: dict[str, dict[str, Any]], lang: str,
                       tiles: str = "none") -> folium.FeatureGroup:
    """A feature group with one ring on the searched place that opens the place's popup (the same card
    as a click on the map) as soon as the group is on the map.

    Parameters
    ----------
    place_type : {"park", "district"}
    place_id : str
        ``park_id`` or the district's adcode.
    districts, parks : geopandas.GeoDataFrame
        The layers the map draws (WGS84).
    assignments : pandas.DataFrame or None
        Plan sentences for the popup (as for :func:`geoplan.maps.industry_map`).
    specs : dict
        Layer specs by id (popup fields).
    lang : {"zh", "en"}
    tiles : str
        The map's tiles (GCJ-02 display coordinates for AMap).

    Returns
    -------
    folium.FeatureGroup
        Empty when the place is not in the layers.
    """
    fg = folium.FeatureGroup(name=t("maps_search", lang))
    if place_type == "park":
        hit = parks[parks["park_id"].astype(str) == str(place_id)]
        if hit.empty:
            return fg
        rec = hit.drop(columns="geometry").iloc[0].to_dict()
        host = rec.get("host_adcode")
        host_rows = None
        if host is not None and not pd.isna(host):
            host_rows = _rows_by_place(assignments, "district").get(str(int(host)))
        html = park_popup(rec, _rows_by_place(assignments, "park").get(str(place_id)), lang, host_rows,
                          specs.get("parks", {}).get("fields"))
        where = hit.geometry.iloc[0]
    else:
        hit = districts[districts["adcode"].astype(str) == str(place_id)]
        if hit.empty:
            return fg
        rec = hit.drop(columns="geometry").iloc[0].to_dict()
        html = district_popup(rec, _rows_by_place(assignments, "district").get(str(place_id)), lang,
                              specs.get("districts", {}).get("fields"))
        where = shapely.point_on_surface(hit.geometry.iloc[0])
    pt = to_display(gpd.GeoDataFrame(geometry=[where], crs=hit.crs or WGS84), tiles).geometry.iloc[0]
    ring = folium.CircleMarker([round(pt.y, 5), round(pt.x, 5)], radius=18, color=HIGHLIGHT, weight=3, fill=False)
    opts = {"maxWidth": POPUP_OPTIONS["max_width"], "maxHeight": POPUP_OPTIONS["max_height"],
            "autoPanPaddingTopLeft": POPUP_OPTIONS["auto_pan_padding_top_left"],
            "autoPanPaddingBottomRight": POPUP_OPTIONS["auto_pan_padding_bottom_right"], "className": "gp-search-popup"}
    _OpenPopupOnAdd(html, opts).add_to(ring)
    ring.add_to(fg)
    return fg
