"""A workspace that remembers: park overrides, user layers, saved results, allocations, target actuals
and an audit log, in a local GeoPackage (default) or a team PostGIS database (``GEOPLAN_STORE``).

``gpkg`` (GeoPackage metadata and geometry blobs), ``schema`` (tables and versioned migrations),
``store`` (the :class:`Store`, :func:`open_store`, :func:`apply_park_overrides`, :func:`actuals_from_store`).
"""

from .schema import MIGRATIONS, TABLES
from .store import (
    LAYER_KINDS,
    PARK_FIELDS,
    Store,
    actuals_from_store,
    apply_park_overrides,
    compare_rankings,
    data_files_hash,
    default_workspace_path,
    existing_store,
    mask_url,
    open_store,
    park_polygon,
    polygon_from_drawing,
    ranking_frame,
)

__all__ = ["LAYER_KINDS", "MIGRATIONS", "PARK_FIELDS", "Store", "TABLES", "actuals_from_store", "apply_park_overrides",
           "compare_rankings", "data_files_hash", "default_workspace_path", "existing_store", "mask_url", "open_store", "park_polygon",
           "polygon_from_drawing", "ranking_frame"]
