"""Choropleth classification (quantiles, natural breaks …), palettes and their legends."""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from ..i18n import name_col, t
from .base import _round_geoms, base_map, to_display
from .layers import add_polygons
from .symbols import NO_DATA, SEQUENTIAL, add_legend, esc, swatch


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
        items.append((swatch(cols[i]), f"{a:,.1f} – {hi:,.1f} {unit}".strip()))
    if v.isna().any():
        items.append((swatch(NO_DATA), "—" + (" 无数据" if lang == "zh" else " no data")))
    return {"title": f"{title} ({unit})" if unit else title, "items": items}


def value_fill(values: pd.Series, *, scheme: str = "Quantiles", k: int = 5, title: str = "", unit: str = "",
               lang: str = "zh") -> tuple[pd.Series, dict[str, Any]]:
    """Colours (same index as ``values``) of a classified choropleth and its legend section."""
    bins, idx = classify(values, scheme, k)
    cols = palette(len(bins))
    fill = pd.Series([cols[i] if i >= 0 else NO_DATA for i in idx], index=values.index, dtype=object)
    return fill, class_legend(bins, values, title, unit, lang)


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
