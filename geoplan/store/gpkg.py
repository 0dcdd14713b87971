"""GeoPackage plumbing: the core metadata tables and the GPKG geometry blob (header + ISO WKB)."""

from __future__ import annotations

import struct

import shapely
import sqlalchemy as sa

__all__ = ["GpkgGeometry", "bootstrap_sql", "decode", "encode", "register_sql"]

_WGS84_WKT = ('GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
              'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4326"]]')
_ENVELOPE = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def encode(geom: shapely.Geometry | None, srs_id: int = 4326) -> bytes | None:
    """A shapely geometry as a GeoPackage geometry blob (header + WKB); None stays None."""
    if geom is None:
        return None
    if geom.is_empty:
        return struct.pack("<2sBBi", b"GP", 0, 0x11, srs_id) + shapely.to_wkb(geom, byte_order=1, flavor="iso")
    minx, miny, maxx, maxy = geom.bounds
    return (struct.pack("<2sBBi4d", b"GP", 0, 0x03, srs_id, minx, maxx, miny, maxy)
            + shapely.to_wkb(geom, byte_order=1, flavor="iso", output_dimension=2))


def decode(blob: bytes | None) -> shapely.Geometry | None:
    """A GeoPackage geometry blob back to shapely; None stays None."""
    if blob is None:
        return None
    flags = blob[3]
    start = 8 + _ENVELOPE[(flags >> 1) & 0x07]
    return shapely.from_wkb(bytes(blob[start:]))


class GpkgGeometry(sa.types.UserDefinedType):
    """A GeoPackage geometry column: shapely in, shapely out."""

    cache_ok = True

    def get_col_spec(self, **kw) -> str:
        """The column type GeoPackage declares."""
        return "GEOMETRY"

    def bind_processor(self, dialect):
        """Geometry → blob on write."""
        return encode

    def result_processor(self, dialect, coltype):
        """Blob → geometry on read."""
        return decode


def bootstrap_sql() -> list[str]:
    """The GPKG 1.3 core tables and the WGS84 / undefined reference systems."""
    return [
        "PRAGMA application_id = 1196444487",
        "PRAGMA user_version = 10300",
        "CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, "
        "organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, "
        "description TEXT)",
        "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, "
        "'undefined', 'undefined cartesian coordinate reference system')",
        "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, "
        "'undefined', 'undefined geographic coordinate reference system')",
        f"INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326, "
        f"'{_WGS84_WKT}', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')",
        "CREATE TABLE IF NOT EXISTS gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, "
        "identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT "
        "(strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, "
        "srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))",
        "CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
        "geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, "
        "CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name "
        "UNIQUE (table_name), CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), "
        "CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))",
    ]


def register_sql(table: str, geom_col: str | None) -> list[tuple[str, dict]]:
    """Statements that list a table in gpkg_contents (features or attributes) so GDAL/QGIS see it."""
    kind = "features" if geom_col else "attributes"
    out = [("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
            "VALUES (:t, :k, :t, :s)", {"t": table, "k": kind, "s": 4326 if geom_col else None})]
    if geom_col:
        out.append(("INSERT OR IGNORE INTO gpkg_geometry_columns VALUES (:t, :c, 'GEOMETRY', 4326, 0, 0)",
                    {"t": table, "c": geom_col}))
    return out
