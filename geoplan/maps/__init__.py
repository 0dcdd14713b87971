"""Folium maps from the layer specs: base map, symbols and legends, popups, layers, classification.

``base`` (tiles, vendored Leaflet, display datum), ``controls`` (zoom-dependent labels, measure
tool, spreading crowded markers; inline scripts), ``search`` (places by name/alias, view for bounds), ``symbols`` (markers, swatches, legends,
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
from .controls import (
    LABEL_MIN_ZOOM,
    add_draw_locale,
    add_labels,
    add_measure,
    draw_locale_js,
    label_points,
    spread_markers,
)
from .layers import (
    add_corridors,
    add_districts,
    add_parks,
    add_polygons,
    band_polygons,
    highlight_bounds,
    highlight_group,
    industry_map,
    park_icons,
    sector_counts,
)
from .popups import POPUP_OPTIONS, assignments_popup_rows, district_popup, fields_table, park_popup
from .search import place_index, search_places, view_for_bounds
from .symbols import (
    HIGHLIGHT,
    NO_DATA,
    add_legend,
    categorical_legend,
    esc,
    escape_frame,
    highlight_legend,
    legend_html,
    marker_svg,
    parks_legend,
    precision_label,
    svg_img,
    swatch,
)

__all__ = ["HIGHLIGHT", "LABEL_MIN_ZOOM", "NO_DATA", "POPUP_OPTIONS", "TILE_CHOICES", "add_corridors",
           "add_draw_locale", "draw_locale_js",
           "add_districts", "add_labels", "add_legend", "add_measure", "highlight_legend", "label_points",
           "place_index", "search_places", "spread_markers", "view_for_bounds",
           "add_parks", "add_polygons", "assignments_popup_rows", "band_polygons", "base_map",
           "categorical_legend", "choropleth_map", "class_legend", "classify", "display_datum",
           "district_popup", "esc", "escape_frame", "fields_table", "fit_to", "highlight_bounds", "highlight_group",
           "industry_map", "legend_html", "marker_svg", "palette", "park_icons", "park_popup",
           "parks_legend", "precision_label", "sector_counts", "svg_img", "swatch", "tianditu_url", "to_display",
           "value_fill"]
