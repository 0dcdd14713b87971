"""Import and export: vector and table readers with validation, writers in the user's CRS.

``read`` (GeoJSON, GeoPackage, Shapefile/zip, CSV/Excel with coordinates or WKT), ``write``
(GeoJSON RFC 7946, GeoPackage, Shapefile, CSV, atomically), ``shapefile`` (DBF encodings, field
names), ``validate`` (geometry, attributes, region checks, safe names), ``encoding``.
"""

from .atomic import atomic_output
from .read import (
    TABLE_EXTS,
    VECTOR_EXTS,
    import_bytes,
    import_file,
    read_any,
    read_table,
    read_vector,
)
from .validate import (
    DEFAULT_MAX_BYTES,
    Issue,
    ValidationReport,
    json_safe,
    merge_park_polygons,
    neutralise_formula,
    neutralise_frame,
    safe_layer_name,
    safe_output_path,
    safe_text,
    terminal_text,
    validate_gdf,
)
from .write import FORMATS, export_metadata, format_from_path, write_layer, write_layers

__all__ = ["DEFAULT_MAX_BYTES", "FORMATS", "Issue", "TABLE_EXTS", "VECTOR_EXTS", "ValidationReport",
           "atomic_output", "export_metadata", "format_from_path", "import_bytes", "import_file",
           "json_safe", "merge_park_polygons", "neutralise_formula", "neutralise_frame", "read_any", "read_table", "read_vector", "safe_layer_name",
           "safe_output_path", "safe_text", "terminal_text", "validate_gdf", "write_layer", "write_layers"]
