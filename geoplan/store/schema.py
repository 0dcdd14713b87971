"""The workspace tables (one definition for both back ends) and the ordered, versioned migrations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from geoalchemy2 import Geometry

from . import gpkg

__all__ = ["FEATURE_TABLES", "MIGRATIONS", "TABLES", "build_metadata", "migrate"]

FEATURE_TABLES = {"park_overrides": "geom", "layer_features": "geom"}
# the tables migration 1 creates (frozen: later tables come with their own migration)
_M1_TABLES = ("park_overrides", "user_layers", "layer_features", "saved_results", "allocations", "target_actuals",
              "audit_log")
TABLES = (*_M1_TABLES, "approved_assignments")


def build_metadata(backend: str) -> sa.MetaData:
    """The tables, with geometry(GEOMETRY, 4326) in PostGIS and a GPKG geometry column in GeoPackage."""
    geom = (lambda: Geometry("GEOMETRY", srid=4326, spatial_index=False)) if backend == "postgis" else gpkg.GpkgGeometry
    md = sa.MetaData()
    kw = {"sqlite_autoincrement": True}
    sa.Table("schema_version", md, sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("description", sa.Text), sa.Column("applied_at", sa.Text))
    sa.Table("park_overrides", md, sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
             sa.Column("park_id", sa.Text, nullable=False, unique=True),
             sa.Column("available_land_mu", sa.Float), sa.Column("land_as_of", sa.Text),
             sa.Column("land_source", sa.Text), sa.Column("approved_area_km2", sa.Float),
             sa.Column("notes", sa.Text), sa.Column("version", sa.Integer, nullable=False),
             sa.Column("updated_by", sa.Text), sa.Column("updated_at", sa.Text), sa.Column("geom", geom()), **kw)
    sa.Table("user_layers", md, sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
             sa.Column("name", sa.Text, nullable=False, unique=True), sa.Column("kind", sa.Text, nullable=False),
             sa.Column("import_report", sa.Text), sa.Column("n_features", sa.Integer),
             sa.Column("created_by", sa.Text), sa.Column("created_at", sa.Text), **kw)
    sa.Table("layer_features", md, sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
             sa.Column("layer_id", sa.Integer, sa.ForeignKey("user_layers.fid", ondelete="CASCADE"), nullable=False),
             sa.Column("properties", sa.Text), sa.Column("geom", geom()), **kw)
    sa.Table("saved_results", md, sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
             sa.Column("name", sa.Text), sa.Column("spec", sa.Text), sa.Column("result", sa.Text),
             sa.Column("data_version", sa.Text), sa.Column("data_hashes", sa.Text),
             sa.Column("code_version", sa.Text), sa.Column("created_by", sa.Text),
             sa.Column("created_at", sa.Text), **kw)
    sa.Table("allocations", md, sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
             sa.Column("project", sa.Text, nullable=False), sa.Column("park_id", sa.Text),
             sa.Column("land_mu", sa.Float), sa.Column("status", sa.Text), sa.Column("notes", sa.Text),
             sa.Column("created_by", sa.Text), sa.Column("created_at", sa.Text), **kw)
    sa.Table("target_actuals", md, sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
             sa.Column("indicator", sa.Text, nullable=False), sa.Column("year", sa.Integer, nullable=False),
             sa.Column("value", sa.Float), sa.Column("unit", sa.Text), sa.Column("source", sa.Text),
             sa.UniqueConstraint("indicator", "year", name="uq_target_actuals"), **kw)
    # plan-ingestion rows a planner approved (geoplan.ingest), with the document's provenance
    sa.Table("approved_assignments", md, sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
             sa.Column("industry_id", sa.Text, nullable=False), sa.Column("industry_zh", sa.Text),
             sa.Column("place_type", sa.Text, nullable=False), sa.Column("place_id", sa.Text),
             sa.Column("place_zh", sa.Text), sa.Column("kind", sa.Text),
             sa.Column("doc_title", sa.Text), sa.Column("doc_number", sa.Text), sa.Column("doc_date", sa.Text),
             sa.Column("source", sa.Text), sa.Column("page", sa.Integer), sa.Column("line", sa.Integer, nullable=False),
             sa.Column("line_label", sa.Text), sa.Column("evidence", sa.Text, nullable=False),
             sa.Column("confidence", sa.Float), sa.Column("reason", sa.Text), sa.Column("decision", sa.Text),
             sa.Column("approved_by", sa.Text), sa.Column("approved_at", sa.Text), **kw)
    sa.Table("audit_log", md, sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
             sa.Column("who", sa.Text), sa.Column("at", sa.Text), sa.Column("table_name", sa.Text),
             sa.Column("row_key", sa.Text), sa.Column("before", sa.Text), sa.Column("after", sa.Text), **kw)
    return md


def _m1_tables(conn: sa.Connection, md: sa.MetaData, backend: str) -> None:
    md.create_all(conn, tables=[md.tables[t] for t in _M1_TABLES])
    if backend == "postgis":
        for t, c in FEATURE_TABLES.items():  # identifiers are our constants, never user input
            conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_{t}_{c} ON {t} USING GIST ({c})")
    else:
        for t in (*_M1_TABLES, "schema_version"):
            for sql, params in gpkg.register_sql(t, FEATURE_TABLES.get(t)):
                conn.execute(sa.text(sql), params)


def _m2_audit_index(conn: sa.Connection, md: sa.MetaData, backend: str) -> None:
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_audit_table_key ON audit_log (table_name, row_key)")


def _m3_approved_assignments(conn: sa.Connection, md: sa.MetaData, backend: str) -> None:
    md.tables["approved_assignments"].create(conn, checkfirst=True)
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_approved_industry ON approved_assignments (industry_id)")
    if backend == "gpkg":
        for sql, params in gpkg.register_sql("approved_assignments", None):
            conn.execute(sa.text(sql), params)


MIGRATIONS: list[tuple[int, str, Callable[[sa.Connection, sa.MetaData, str], None]]] = [
    (1, "workspace tables", _m1_tables),
    (2, "audit log index by table and key", _m2_audit_index),
    (3, "approved plan-ingestion assignments", _m3_approved_assignments),
]


def migrate(conn: sa.Connection, md: sa.MetaData, backend: str) -> int:
    """Apply the migrations newer than the recorded schema version, in order; return the version."""
    if backend == "gpkg":
        for sql in gpkg.bootstrap_sql():
            conn.exec_driver_sql(sql)
    md.tables["schema_version"].create(conn, checkfirst=True)
    sv = md.tables["schema_version"]
    current = conn.execute(sa.select(sa.func.max(sv.c.version))).scalar() or 0
    for version, description, fn in MIGRATIONS:
        if version > current:
            fn(conn, md, backend)
            conn.execute(sv.insert().values(version=version, description=description,
                                            applied_at=datetime.now(UTC).isoformat(timespec="seconds")))
            current = version
    return current
