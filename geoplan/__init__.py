"""geoplan: Chongqing industrial-park planning layers and analyses.

``import geoplan as gp`` gives what a notebook user needs:

* layers with provenance: :func:`load_layer`, :func:`layer_ids`;
* plan knowledge: :func:`resolve_industry`, :func:`places_for_industry`, :func:`industries_for_place`;
* site selection: :class:`SiteSpec`, :func:`load_spec`, :func:`select_sites`;
* land-output intensity (亩均效益): :func:`evaluate_intensity`;
* corridor proximity and rasters: :func:`corridor_proximity`, :func:`distance_raster`;
* files: :func:`read_any`, :func:`import_file`, :func:`write_layer`, :func:`load_parcels`,
  :func:`save_parcels`, :func:`prepare_parcels`;
* maps: :func:`industry_map`;
* the error types, all subclasses of :class:`GeoplanError`.

The subpackages hold the rest: ``geoplan.data`` (catalogue, taxonomy, places, layers),
``geoplan.siting``, ``geoplan.intensity``, ``geoplan.io``, ``geoplan.maps``. The library never
imports Streamlit; ``app.py`` is the only UI entry point.

Examples
--------
>>> import geoplan as gp
>>> gp.resolve_industry("新能源汽车")
'nev'
"""

from ._version import __version__
from .brief import write_brief
from .corridor import corridor_proximity
from .data import (
    industries_for_place,
    layer_ids,
    load_layer,
    places_for_industry,
    resolve_industry,
)
from .errors import (
    ConfigError,
    CRSError,
    DataError,
    GeoplanError,
    InputError,
    ResolutionError,
    UnknownLayerError,
)
from .intensity import evaluate as evaluate_intensity
from .io import import_file, read_any, write_layer
from .maps import industry_map
from .parcels import load_parcels, prepare_parcels, save_parcels
from .raster import distance_raster
from .siting import SiteSelectionResult, SiteSpec, load_spec, select_sites

__all__ = ["CRSError", "ConfigError", "DataError", "GeoplanError", "InputError", "ResolutionError",
           "SiteSelectionResult", "SiteSpec", "UnknownLayerError", "__version__", "corridor_proximity",
           "distance_raster", "evaluate_intensity", "import_file", "industries_for_place", "industry_map",
           "layer_ids", "load_layer", "load_parcels", "load_spec", "places_for_industry", "prepare_parcels",
           "read_any", "resolve_industry", "save_parcels", "select_sites", "write_brief", "write_layer"]
