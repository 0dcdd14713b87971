"""The embedded plan knowledge: loaders of ``data/``, the industry taxonomy, place names, layers.

``catalog`` reads the files (cached, fresh copies); ``taxonomy`` resolves industry and place names
and relates industries; ``places`` turns place names into district codes; ``layers`` builds the
declarative map layers of ``layers/*.yaml``. Nothing here imports an analysis.
"""

from . import catalog, citations, layers, places, taxonomy
from .citations import cite, plan_title
from .layers import layer_ids, layer_metadata, layer_spec, load_layer
from .places import district_region_map, place_adcodes
from .taxonomy import (
    industries_for_place,
    industry_relation,
    places_for_industry,
    resolve_industry,
    resolve_place,
    suggest_industries,
)

__all__ = ["catalog", "cite", "citations", "district_region_map", "industries_for_place", "industry_relation", "layer_ids",
           "layer_metadata", "layer_spec", "layers", "load_layer", "place_adcodes", "places",
           "places_for_industry", "plan_title", "resolve_industry", "resolve_place", "suggest_industries", "taxonomy"]
