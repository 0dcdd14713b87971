"""Folium maps from the layer specs: base map, symbols and legends, popups, layers, classification.

``base`` (tiles, vendored Leaflet, display datum), ``symbols`` (markers, swatches, legends,
escaping), ``popups`` (place cards with plan sentences), ``layers`` (districts, parks, corridors,
the industry map), ``classify`` (choropleth classes and palettes).
"""

from .base import (
    TILE_CHOICES,
    base_map,
    display_datum,
    fit_to,
    tianditu_url,
    to_display,
)
from .classify import choropleth_map, class_legend, classify, palette, value_fill
from .layers import (
    add_corridors,
    add_districts,
    add_parks,
    add_polygons,
    band_polygons,
    highlight_group,
    industry_map,
    park_icons,
    sector_counts,
)
from .popups import assignments_popup_rows, district_popup, fields_table, park_popup
from .symbols import (
    HIGHLIGHT,
    NO_DATA,
    add_legend,
    categorical_legend,
    esc,
    escape_frame,
    legend_html,
    marker_svg,
    parks_legend,
    precision_label,
    svg_img,
    swatch,
)

__all__ = ["HIGHLIGHT", "NO_DATA", "TILE_CHOICES", "add_corridors", "add_districts", "add_legend",
           "add_parks", "add_polygons", "assignments_popup_rows", "band_polygons", "base_map",
           "categorical_legend", "choropleth_map", "class_legend", "classify", "display_datum",
           "district_popup", "esc", "escape_frame", "fields_table", "fit_to", "highlight_group",
           "industry_map", "legend_html", "marker_svg", "palette", "park_icons", "park_popup",
           "parks_legend", "precision_label", "sector_counts", "svg_img", "swatch", "tianditu_url", "to_display",
           "value_fill"]
