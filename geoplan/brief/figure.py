"""The brief's location map: district outlines, the corridors and the ranked parks numbered, drawn
offline with matplotlib (Agg canvas, no pyplot, so no GUI backend is ever chosen).
"""

from __future__ import annotations

import io
import math

import numpy as np
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D

from ..data import catalog
from ..errors import ConfigError
from ..i18n import t
from .fonts import find_cjk_font

CORRIDOR_COLOURS = {"CY_MAIN": "#d62728", "CY_MID": "#1f77b4", "CSY": "#2ca02c"}
PARK_COLOUR = "#ff7f0e"


def _rings(geoms) -> list[np.ndarray]:
    out = []
    for g in geoms:
        for poly in getattr(g, "geoms", [g]):
            if poly.geom_type == "Polygon":
                out.append(np.asarray(poly.exterior.coords)[:, :2])
    return out


def _extent(lon: np.ndarray, lat: np.ndarray, pad: float = 0.3, min_span: float = 1.4) -> tuple[float, ...]:
    x0, x1, y0, y1 = lon.min() - pad, lon.max() + pad, lat.min() - pad, lat.max() + pad
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w, h = max(x1 - x0, min_span), max(y1 - y0, min_span * 0.7)
    return cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2


def _label_positions(lon: np.ndarray, lat: np.ndarray, span: float) -> list[tuple[float, float]]:
    """Label anchors: a park's own point unless an earlier label sits too close, then pushed around it."""
    placed: list[tuple[float, float]] = []
    d = 0.045 * span
    for x, y in zip(lon, lat):
        pos, k = (x, y), 0
        while any(math.hypot(pos[0] - a, pos[1] - b) < d for a, b in placed) and k < 16:
            ang = math.radians(45 * (k % 8) + 30)
            r = d * (1.2 + k // 8)
            pos, k = (x + r * math.cos(ang), y + r * math.sin(ang)), k + 1
        placed.append(pos)
    return placed


def map_png(parks: list[dict], lang: str = "zh", dpi: int = 150) -> bytes:
    """A PNG of the ranked ``parks`` (dicts with rank, lon, lat, precision, as in ``brief_content``)."""
    try:
        path, _ = find_cjk_font()
        font = FontProperties(fname=str(path))
    except ConfigError:
        font = None  # Chinese labels left out rather than drawn as boxes
    names_lang = lang if (font is not None or lang == "en") else "en"

    districts = catalog.districts()
    corridors = catalog.corridors()
    pts = [p for p in parks if p.get("lon") is not None and p.get("lat") is not None]
    lon = np.array([p["lon"] for p in pts], dtype=float)
    lat = np.array([p["lat"] for p in pts], dtype=float)
    if len(pts):
        x0, x1, y0, y1 = _extent(lon, lat)
    else:
        x0, y0, x1, y1 = districts.total_bounds
    fig = Figure(figsize=(7.0, 5.2), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.98))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#f7f7f4")
    ax.add_collection(LineCollection(_rings(districts.geometry), colors="#9a9a9a", linewidths=0.6, zorder=1))
    view = shapely.box(x0, y0, x1, y1)
    name_col = "name_en" if names_lang == "en" else "name_zh"
    for r in districts.itertuples():
        if view.contains(shapely.Point(r.seat_lon, r.seat_lat)):
            ax.text(r.seat_lon, r.seat_lat, str(getattr(r, name_col)), fontsize=6, color="#707070",
                    ha="center", va="top", fontproperties=font if names_lang == "zh" else None, zorder=2)
    handles = []
    for r in corridors.itertuples():
        colour = CORRIDOR_COLOURS.get(r.corridor_id, "#444444")
        for line in getattr(r.geometry, "geoms", [r.geometry]):
            xy = np.asarray(line.coords)
            ax.plot(xy[:, 0], xy[:, 1], color=colour, linewidth=2.2, alpha=0.8, zorder=3)
        label = r.corridor_en if names_lang == "en" else r.corridor_zh
        handles.append(Line2D([], [], color=colour, linewidth=2.2, label=str(label)))
    if len(pts):
        span = max(x1 - x0, y1 - y0)
        for (lx, ly), x, y, p in zip(_label_positions(lon, lat, span), lon, lat, pts):
            hollow = p.get("precision") == "district_seat"
            if (lx, ly) != (x, y):
                ax.plot([x, lx], [y, ly], color="#555555", linewidth=0.6, zorder=4)
            ax.scatter([x], [y], s=18, facecolors="none" if hollow else PARK_COLOUR, edgecolors="#333333",
                       linewidths=0.8, zorder=5)
            ax.scatter([lx], [ly], s=190, facecolors="white" if hollow else PARK_COLOUR, edgecolors="#333333",
                       linewidths=1.0, zorder=6)
            ax.text(lx, ly, str(p["rank"]), fontsize=8, fontweight="bold", ha="center", va="center", zorder=7)
        handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor=PARK_COLOUR, markeredgecolor="#333333",
                              markersize=9, label=t("park", names_lang)))
    leg = ax.legend(handles=handles, loc="lower right", fontsize=7, framealpha=0.9,
                    prop=font if names_lang == "zh" else None)
    if names_lang == "zh" and font is not None:
        for txt in leg.get_texts():
            txt.set_fontproperties(font)
            txt.set_fontsize(7)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
