"""The workspace store: one interface over a local GeoPackage file or a team PostGIS database.

Every write runs in one transaction together with its audit-log row, so a write that fails half-way
leaves nothing behind. Park edits use optimistic locking (``expected_version``).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
import sqlalchemy as sa
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import shape as geojson_shape

from .. import siting
from .._version import __version__
from ..crs import WGS84, convert_geometries
from ..errors import GeoplanError, InputError, StaleWriteError, StoreError
from ..intensity import targets as _targets
from ..paths import data_dir
from ..siting.allocate import fit_matrix
from ..siting.land import LAND_COLUMNS
from . import schema

__all__ = ["LAYER_KINDS", "PARK_FIELDS", "Store", "actuals_from_store", "apply_park_overrides", "compare_rankings",
           "data_files_hash",
           "default_workspace_path", "existing_store", "mask_url", "open_store", "park_polygon",
           "polygon_from_drawing", "ranking_frame"]

LAYER_KINDS = ("parcels", "enterprises", "park_polygons")
PARK_FIELDS = ("available_land_mu", "land_as_of", "land_source", "approved_area_km2", "notes", "geometry")


def default_workspace_path() -> Path:
    """``GEOPLAN_WORKSPACE``, else the user's data folder (never the checkout)."""
    env = os.environ.get("GEOPLAN_WORKSPACE")
    if env:
        return Path(env).expanduser()
    if os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "geoplan" / "workspace.gpkg"


def mask_url(url: str | sa.URL) -> str:
    """The URL with its password replaced by ``***`` (safe for logs, errors and the UI)."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL: a file path has no password
        return str(url)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _who(who: str | None) -> str:
    if who:
        return who
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def _dumps(o: Any) -> str:
    return json.dumps(o, ensure_ascii=False, sort_keys=True, default=_jsonable)


def _jsonable(o: Any) -> Any:
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return None if np.isnan(o) else float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, shapely.Geometry):
        return o.wkt
    if o is pd.NA or o is pd.NaT:
        return None
    return str(o)


_HASH_CACHE: dict[tuple, str] = {}


def data_files_hash() -> str:
    """SHA-256 over the embedded data files (names and bytes), cached by size and mtime."""
    files = sorted(p for p in data_dir().rglob("*") if p.is_file())
    key = tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files)
    if key not in _HASH_CACHE:
        h = hashlib.sha256()
        root = data_dir()
        for p in files:
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
        _HASH_CACHE[key] = h.hexdigest()
    return _HASH_CACHE[key]


class Store:
    """A workspace. Use :func:`open_store`; ``backend`` is ``"gpkg"`` or ``"postgis"``."""

    def __init__(self, url: str | os.PathLike) -> None:
        s = str(url)
        if s.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
            self.backend = "postgis"
            u = sa.make_url(s).set(drivername="postgresql+psycopg")
            self.location = mask_url(u)
            self._engine = sa.create_engine(u, pool_pre_ping=True)
        else:
            self.backend = "gpkg"
            path = Path(s[len("gpkg:"):] if s.startswith("gpkg:") else s).expanduser()
            path.parent.mkdir(parents=True, exist_ok=True)
            self.path = path
            self.location = str(path)
            self._engine = sa.create_engine(f"sqlite:///{path}")
            sa.event.listen(self._engine, "connect", lambda c, _: c.execute("PRAGMA foreign_keys = ON"))
        self.md = schema.build_metadata(self.backend)
        self.t = self.md.tables
        try:
            with self._engine.begin() as conn:
                self.schema_version = schema.migrate(conn, self.md, self.backend)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(self._safe(f"cannot open the workspace {self.location}: {exc.orig if hasattr(exc, 'orig') else exc}")) from None

    def __repr__(self) -> str:
        return f"Store({self.backend}, {self.location})"

    def _safe(self, text: str) -> str:
        pw = getattr(self._engine.url, "password", None) if hasattr(self, "_engine") else None
        return text.replace(pw, "***") if pw else text

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    # -- helpers --------------------------------------------------------------------------------
    def _geom_in(self, g: shapely.Geometry | None) -> Any:
        if g is None or (isinstance(g, float) and np.isnan(g)):
            return None
        return from_shape(g, srid=4326) if self.backend == "postgis" else g

    def _geom_out(self, v: Any) -> shapely.Geometry | None:
        if v is None:
            return None
        return to_shape(v) if self.backend == "postgis" else v

    def _audit(self, conn: sa.Connection, who: str | None, table: str, key: str, before: Any, after: Any) -> None:
        conn.execute(self.t["audit_log"].insert().values(
            who=_who(who), at=_now(), table_name=table, row_key=key,
            before=None if before is None else _dumps(before), after=None if after is None else _dumps(after)))

    def _rows(self, table: str, where: Any = None) -> list[dict]:
        q = sa.select(self.t[table]).order_by(self.t[table].c.fid)
        if where is not None:
            q = q.where(where)
        with self._engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    # -- park overrides -------------------------------------------------------------------------
    def get_park(self, park_id: str) -> dict | None:
        """A park's overrides (land, as-of date, source, polygon, notes, version), or None."""
        rows = self._rows("park_overrides", self.t["park_overrides"].c.park_id == park_id)
        if not rows:
            return None
        r = rows[0]
        r["geometry"] = self._geom_out(r.pop("geom"))
        return r

    def update_park(self, park_id: str, changes: dict[str, Any], expected_version: int | None = None,
                    who: str | None = None) -> int:
        """Save edits of one park; returns the new version.

        ``expected_version`` is the version the editor started from (0 or None for a park without
        overrides yet). A different current version means someone saved in between: StaleWriteError.
        """
        bad = set(changes) - set(PARK_FIELDS)
        if bad:
            raise InputError(f"unknown park field(s): {', '.join(sorted(bad))}; expected {', '.join(PARK_FIELDS)}")
        vals = {("geom" if k == "geometry" else k): v for k, v in changes.items()}
        if "geom" in vals:
            vals["geom"] = self._geom_in(vals["geom"])
        for k in ("available_land_mu", "approved_area_km2"):
            if k in vals and vals[k] is not None:
                if isinstance(vals[k], float) and np.isnan(vals[k]):
                    vals[k] = None
                else:
                    vals[k] = float(vals[k])
        if "land_as_of" in vals and vals["land_as_of"] is not None:
            vals["land_as_of"] = str(vals["land_as_of"])[:10]
        po = self.t["park_overrides"]
        with self._engine.begin() as conn:
            cur = conn.execute(sa.select(po).where(po.c.park_id == park_id)).first()
            if cur is None:
                if expected_version not in (None, 0):
                    raise self._stale(park_id, expected_version, 0)
                conn.execute(po.insert().values(park_id=park_id, version=1, updated_by=_who(who),
                                                updated_at=_now(), **vals))
                new = 1
                before = None
            else:
                before = {k: v for k, v in cur._mapping.items() if k != "geom"}
                exp = cur.version if expected_version is None else expected_version
                res = conn.execute(po.update().where(po.c.park_id == park_id, po.c.version == exp)
                                   .values(version=po.c.version + 1, updated_by=_who(who), updated_at=_now(), **vals))
                if res.rowcount != 1:
                    raise self._stale(park_id, expected_version, cur.version)
                new = exp + 1
            after = {**(before or {}), **{k: v for k, v in changes.items()}, "version": new, "park_id": park_id}
            self._audit(conn, who, "park_overrides", park_id, before, after)
        return new

    @staticmethod
    def _stale(park_id: str, expected: int | None, current: int) -> StaleWriteError:
        return StaleWriteError(
            f"park {park_id!r} was changed by someone else since you opened it (your version {expected}, "
            f"saved version {current}); reload it and apply your edit again / 园区 {park_id!r} 在您打开后已被他人修改"
            f"（您的版本 {expected}，已保存版本 {current}），请重新载入后再修改",
            key=park_id, expected=expected, current=current)

    def park_overrides(self) -> gpd.GeoDataFrame:
        """Every park override row (WGS84 geometry where a polygon was saved)."""
        rows = self._rows("park_overrides")
        geoms = [self._geom_out(r.pop("geom")) for r in rows]
        cols = ["fid", "park_id", "available_land_mu", "land_as_of", "land_source", "approved_area_km2", "notes",
                "version", "updated_by", "updated_at"]
        return gpd.GeoDataFrame(pd.DataFrame(rows, columns=cols), geometry=geoms, crs=WGS84)

    def overrides_frame(self) -> pd.DataFrame:
        """Land overrides in the shape ``siting.park_candidates(overrides=…)`` takes."""
        o = self.land_table()
        src = [f"workspace: {s or 'no source given'}" + (f" (as of {d})" if d else "")
               for s, d in zip(o["source"], o["as_of"])]
        return pd.DataFrame({"park_id": o["park_id"], "available_land_mu": o["available_land_mu"],
                             "land_source": src})

    def land_table(self) -> pd.DataFrame:
        """The workspace's free land per park as a land table (``park_id, available_land_mu, as_of, source``,
        the shape ``siting.read_land`` checks); ``source`` starts with "workspace:", parks without a
        land figure in the workspace are left out (they keep their embedded or land-table value).
        """
        o = pd.DataFrame(self.park_overrides().drop(columns="geometry"))
        o = o[o["available_land_mu"].notna()].sort_values("park_id")
        return pd.DataFrame({
            "park_id": o["park_id"].astype(str).to_numpy(),
            "available_land_mu": o["available_land_mu"].astype(float).to_numpy(),
            "as_of": o["land_as_of"].fillna("").astype(str).to_numpy(),
            "source": [f"workspace: {s or 'no source given'}" for s in o["land_source"]]},
            columns=list(LAND_COLUMNS))

    def park_polygons(self) -> gpd.GeoSeries:
        """The park polygons saved in the workspace, indexed by park_id (WGS84)."""
        ov = self.park_overrides()
        keep = ov.geometry.notna().to_numpy() & ~ov.geometry.is_empty.to_numpy()
        return gpd.GeoSeries(ov.geometry[keep].to_numpy(), index=pd.Index(ov["park_id"][keep], name="park_id"),
                             crs=WGS84)

    # -- user layers ----------------------------------------------------------------------------
    def import_layer(self, name: str, kind: str, gdf: gpd.GeoDataFrame, report: Any = None,
                     who: str | None = None) -> int:
        """Store a user layer and its features in one transaction; returns the layer id."""
        if kind not in LAYER_KINDS:
            raise InputError(f"layer kind must be one of {', '.join(LAYER_KINDS)}, got {kind!r}")
        if not name:
            raise InputError("a layer needs a name")
        if gdf.crs is None:
            raise InputError("the layer has no CRS")
        g = gdf.to_crs(WGS84)
        rep = report if isinstance(report, (dict, list, str, type(None))) else getattr(report, "__dict__", str(report))
        props = pd.DataFrame(g.drop(columns=g.geometry.name))
        records = props.to_dict("records")
        ul, lf = self.t["user_layers"], self.t["layer_features"]
        try:
            with self._engine.begin() as conn:
                lid = conn.execute(ul.insert().values(name=name, kind=kind, import_report=_dumps(rep),
                                                      n_features=len(g), created_by=_who(who), created_at=_now())
                                   .returning(ul.c.fid)).scalar_one()
                geoms = g.geometry.values
                for start in range(0, len(g), 500):  # chunks: a bad row late in the file rolls back the earlier ones
                    chunk = []
                    for i in range(start, min(start + 500, len(g))):
                        if geoms[i] is None or geoms[i].is_empty:
                            raise InputError("geometry is missing or empty", row=i + 1, field="geometry")
                        chunk.append({"layer_id": lid, "properties": _dumps(records[i]),
                                      "geom": self._geom_in(geoms[i])})
                    conn.execute(lf.insert(), chunk)
                self._audit(conn, who, "user_layers", name, None, {"name": name, "kind": kind, "n_features": len(g)})
        except sa.exc.IntegrityError as exc:
            raise StoreError(self._safe(f"layer {name!r} could not be stored (already exists?): {exc.orig}")) from None
        return lid

    def layers(self) -> pd.DataFrame:
        """The user layers with their import reports and feature counts."""
        rows = self._rows("user_layers")
        return pd.DataFrame(rows, columns=["fid", "name", "kind", "import_report", "n_features", "created_by",
                                           "created_at"])

    def layer(self, name: str) -> gpd.GeoDataFrame:
        """One user layer as a WGS84 GeoDataFrame."""
        ul, lf = self.t["user_layers"], self.t["layer_features"]
        with self._engine.connect() as conn:
            lid = conn.execute(sa.select(ul.c.fid).where(ul.c.name == name)).scalar()
            if lid is None:
                raise InputError(f"no layer named {name!r} in the workspace")
            rows = conn.execute(sa.select(lf.c.properties, lf.c.geom).where(lf.c.layer_id == lid)
                                .order_by(lf.c.fid)).all()
        props = pd.DataFrame([json.loads(r.properties) for r in rows])
        return gpd.GeoDataFrame(props, geometry=[self._geom_out(r.geom) for r in rows], crs=WGS84)

    # -- allocations and target actuals ---------------------------------------------------------
    def add_allocation(self, project: str, park_id: str | None, land_mu: float | None, status: str = "",
                       notes: str = "", who: str | None = None) -> int:
        """Record one project → park allocation (audited); returns its id."""
        al = self.t["allocations"]
        row = {"project": project, "park_id": park_id, "land_mu": land_mu, "status": status, "notes": notes}
        with self._engine.begin() as conn:
            fid = conn.execute(al.insert().values(**row, created_by=_who(who), created_at=_now())
                               .returning(al.c.fid)).scalar_one()
            self._audit(conn, who, "allocations", str(fid), None, row)
        return fid

    def allocations(self) -> pd.DataFrame:
        """All recorded allocations."""
        return pd.DataFrame(self._rows("allocations"))

    def set_actual(self, indicator: str, year: int, value: float | None, unit: str, source: str,
                   who: str | None = None) -> None:
        """Set the actual figure of a target indicator for a year (upsert, audited)."""
        with self._engine.begin() as conn:
            self._upsert_actual(conn, {"indicator": indicator, "year": int(year), "value": value, "unit": unit,
                                       "source": source}, who)

    def set_actuals(self, table: pd.DataFrame, source: str = "", file: str | None = None,
                    who: str | None = None) -> int:
        """Set many actual figures (indicator, year, value, unit; checked by ``intensity.targets.read_actuals``)
        in one transaction: a row that fails leaves nothing behind. Returns the number of rows written.
        """
        a = _targets.read_actuals(table, file=file)
        src = a["source"].fillna("").astype(str) if "source" in a else pd.Series(source, index=a.index)
        with self._engine.begin() as conn:
            for r, sr in zip(a.itertuples(index=False), src):
                self._upsert_actual(conn, {"indicator": r.indicator, "year": int(r.year), "value": float(r.value),
                                           "unit": str(r.unit or ""), "source": sr or source}, who)
        return len(a)

    def _upsert_actual(self, conn: sa.Connection, row: dict[str, Any], who: str | None) -> None:
        ta = self.t["target_actuals"]
        cur = conn.execute(sa.select(ta).where(ta.c.indicator == row["indicator"], ta.c.year == row["year"])).first()
        if cur is None:
            conn.execute(ta.insert().values(**row))
        else:
            conn.execute(ta.update().where(ta.c.fid == cur.fid).values(**row))
        self._audit(conn, who, "target_actuals", f"{row['indicator']}/{row['year']}",
                    None if cur is None else dict(cur._mapping), row)

    def actuals(self) -> pd.DataFrame:
        """All target actuals (indicator, year, value, unit, source); empty with these columns when none."""
        return pd.DataFrame(self._rows("target_actuals"),
                            columns=["fid", "indicator", "year", "value", "unit", "source"])

    def audit(self) -> pd.DataFrame:
        """The audit log: who, when, what changed, before/after."""
        return pd.DataFrame(self._rows("audit_log"))

    # -- approved plan-ingestion rows -----------------------------------------------------------
    APPROVED_FIELDS = ("industry_id", "industry_zh", "place_type", "place_id", "place_zh", "kind", "doc_title",
                       "doc_number", "doc_date", "source", "page", "line", "line_label", "evidence", "confidence",
                       "reason", "decision")

    def add_approved_assignments(self, rows: pd.DataFrame, who: str | None = None) -> int:
        """Store approved ingestion rows (``geoplan.ingest.apply_review`` output) in one audited
        transaction; a row already stored (same document, line, industry, place, evidence) is skipped.
        Returns the number of rows added.
        """
        aa = self.t["approved_assignments"]
        key_cols = ("source", "doc_title", "page", "line", "industry_id", "place_type", "place_id", "place_zh",
                    "evidence")

        def clean(v: Any) -> Any:
            if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
                return None
            return v.item() if isinstance(v, np.generic) else v

        recs = [{c: clean(r.get(c)) for c in self.APPROVED_FIELDS} for r in rows.to_dict("records")]
        for r in recs:
            for c in ("page", "line"):
                r[c] = None if r[c] in (None, "") else int(float(r[c]))
            r["confidence"] = None if r["confidence"] in (None, "") else float(r["confidence"])
            for c in set(self.APPROVED_FIELDS) - {"page", "line", "confidence"}:
                r[c] = None if r[c] is None else str(r[c])
        added = 0
        with self._engine.begin() as conn:
            have = {tuple(x) for x in conn.execute(sa.select(*[aa.c[c] for c in key_cols]))}
            for r in recs:
                k = tuple(r[c] for c in key_cols)
                if k in have:
                    continue
                have.add(k)
                fid = conn.execute(aa.insert().values(**r, approved_by=_who(who), approved_at=_now())
                                   .returning(aa.c.fid)).scalar_one()
                self._audit(conn, who, "approved_assignments", str(fid), None, r)
                added += 1
        return added

    def approved_assignments(self) -> pd.DataFrame:
        """Every approved ingestion row with its provenance (document title, number, date, line, evidence)."""
        return pd.DataFrame(self._rows("approved_assignments"),
                            columns=["fid", *self.APPROVED_FIELDS, "approved_by", "approved_at"])

    # -- saved results --------------------------------------------------------------------------
    def data_version(self) -> dict[str, str]:
        """Hashes of the embedded data files and of the workspace rows a site selection reads
        (free land with its date and source, park polygons).
        """
        land = self.land_table().to_dict("records")
        polys = self.park_polygons()
        rows = {"land": land, "polygons": {k: shapely.to_wkb(g, hex=True) for k, g in sorted(polys.items())}}
        ws = hashlib.sha256(_dumps(rows).encode()).hexdigest()
        d = data_files_hash()
        return {"data_files": d, "workspace_rows": ws,
                "combined": hashlib.sha256((d + ws).encode()).hexdigest()[:16]}

    def site_candidates(self) -> gpd.GeoDataFrame:
        """The embedded parks as site-selection candidates, with the park polygons saved in this workspace
        in place of their points (``location_precision`` "geometry": distances are measured to the polygon).
        """
        cands = siting.park_candidates()
        polys = self.park_polygons()
        hit = cands["park_id"].isin(polys.index).to_numpy()
        if hit.any():
            geoms = np.asarray(cands.geometry.values, dtype=object)
            geoms[hit] = polys.loc[cands.loc[hit, "park_id"]].to_numpy()
            cands = cands.set_geometry(gpd.GeoSeries(geoms, index=cands.index, crs=WGS84))
            cands.loc[hit, "location_precision"] = "geometry"
        return cands

    def site_land_table(self, spec: Any) -> pd.DataFrame | None:
        """The land table a site selection uses: the spec's own table (``land``: a CSV or "example"),
        with every park that has free land in this workspace taking the workspace figure instead
        (figures the team entered, dated and sourced, win over a file and over the example). None when
        neither has a row (data/parks.csv alone).
        """
        sp = spec if isinstance(spec, siting.SiteSpec) else siting.SiteSpec.from_dict(dict(spec))
        return self.land_table_for(sp.land)

    def land_table_for(self, land: str | None) -> pd.DataFrame | None:
        """The land table for a ``land`` source (a CSV path, "example" or None) with this workspace's
        figures winning (see :meth:`site_land_table`); None when neither has a row.
        """
        ws = self.land_table()
        base = None
        if land is not None and str(land).lower() not in ("none", "off"):
            base = siting.read_land(land)
        if base is None:
            return siting.read_land(ws) if len(ws) else None
        if not len(ws):
            return base
        merged = pd.concat([base[~base["park_id"].isin(ws["park_id"])], ws], ignore_index=True)
        return siting.read_land(merged)

    def run_site_selection(self, spec: Any, progress: Any = None) -> Any:
        """Site selection over the embedded parks with this workspace's free land and park polygons
        (see :meth:`site_land_table` for which land figure wins); ``progress(fraction, stage)`` as in
        :func:`geoplan.siting.select_sites`.
        """
        sp = spec if isinstance(spec, siting.SiteSpec) else siting.SiteSpec.from_dict(dict(spec))
        return siting.select_sites(sp, candidates=self.site_candidates(), land_table=self.site_land_table(sp),
                                   progress=progress)

    def allocation_fits(self, projects: pd.DataFrame, land: str | None = None,
                        floors: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The pipeline's fit matrix (:func:`geoplan.siting.allocate.fit_matrix`) over the same
        candidates and free land as :meth:`run_site_selection`: this workspace's figures win over
        ``land`` (a CSV path or "example"), and its park polygons replace the points.
        """
        table = self.land_table_for(land)
        return fit_matrix(projects, land=table, floors=floors, candidates=self.site_candidates())

    def save_result(self, spec: Any, result: Any, name: str = "", who: str | None = None,
                    data_version: dict[str, str] | None = None) -> int:
        """Store a spec and its result (explanation JSON) with the data and code versions.

        ``data_version`` is :meth:`data_version` taken when the result was computed (an app keeps it
        with the result, so an edit saved by someone in between does not stamp the result with the
        newer data); default: now.
        """
        spec_d = spec.to_dict() if hasattr(spec, "to_dict") else dict(spec)
        res_d = json.loads(result.to_json()) if hasattr(result, "to_json") else result
        dv = data_version or self.data_version()
        sr = self.t["saved_results"]
        with self._engine.begin() as conn:
            fid = conn.execute(sr.insert().values(
                name=name, spec=_dumps(spec_d), result=_dumps(res_d), data_version=dv["combined"],
                data_hashes=_dumps(dv), code_version=__version__, created_by=_who(who), created_at=_now())
                .returning(sr.c.fid)).scalar_one()
            self._audit(conn, who, "saved_results", str(fid), None, {"name": name, "data_version": dv["combined"]})
        return fid

    def saved_results(self) -> pd.DataFrame:
        """Saved site-selection results with their data and code versions."""
        rows = self._rows("saved_results")
        return pd.DataFrame(rows, columns=["fid", "name", "spec", "result", "data_version", "data_hashes",
                                           "code_version", "created_by", "created_at"]).drop(columns=["result"])

    def reopen_result(self, result_id: int, rerun: bool = True) -> dict[str, Any]:
        """A saved result exactly as saved, plus (``rerun``) a comparison with a run on today's data."""
        rows = self._rows("saved_results", self.t["saved_results"].c.fid == int(result_id))
        if not rows:
            raise InputError(f"no saved result {result_id}")
        r = rows[0]
        out = {"id": r["fid"], "name": r["name"], "spec": json.loads(r["spec"]), "result": json.loads(r["result"]),
               "data_version": r["data_version"], "data_hashes": json.loads(r["data_hashes"]),
               "code_version": r["code_version"], "created_at": r["created_at"], "created_by": r["created_by"]}
        if rerun:
            now = self.data_version()
            cmp = {"data_changed": now["combined"] != r["data_version"], "code_changed": __version__ != r["code_version"],
                   "data_version_now": now["combined"], "code_version_now": __version__, "rerun_error": ""}
            try:
                res = self.run_site_selection(out["spec"])
            except GeoplanError as exc:  # e.g. the spec's land table is gone: the saved result still opens
                out["comparison"] = {**cmp, "rerun_error": str(exc), "ranking_changed": None, "changes": []}
                return out
            fresh = json.loads(res.to_json())
            out["comparison"] = {**cmp, **compare_rankings(out["result"].get("ranked", []), fresh.get("ranked", []),
                                                           res.scored)}
        return out

    # -- info and export ------------------------------------------------------------------------
    def info(self) -> dict[str, Any]:
        """Where the store is (password masked), its schema version and row counts per table."""
        with self._engine.connect() as conn:
            counts = {t: conn.execute(sa.select(sa.func.count()).select_from(self.t[t])).scalar() for t in schema.TABLES}
        return {"backend": self.backend, "location": self.location, "schema_version": self.schema_version,
                "rows": counts}

    def export(self, path: str | os.PathLike) -> Path:
        """Copy every table into a new GeoPackage (plus one feature layer per user layer) for QGIS."""
        path = Path(path)
        tmp = path.with_name(f".{path.stem}.part{path.suffix or '.gpkg'}")
        tmp.unlink(missing_ok=True)
        dst = Store(tmp)
        try:
            with self._engine.connect() as src, dst._engine.begin() as out:
                for t in schema.TABLES:
                    rows = [dict(r._mapping) for r in src.execute(sa.select(self.t[t]).order_by(self.t[t].c.fid))]
                    if "geom" in self.t[t].c:
                        for row in rows:
                            row["geom"] = self._geom_out(row["geom"])
                    if rows:
                        out.execute(dst.t[t].insert(), rows)
            dst.close()
            layers = self.layers()
            for name in layers["name"]:
                g = self.layer(name)
                if len(g):
                    pyogrio.write_dataframe(g, tmp, layer=f"layer_{name}"[:60], driver="GPKG", append=False)
            os.replace(tmp, path)
        finally:
            dst.close()
            tmp.unlink(missing_ok=True)
        return path


def _land_of(r: dict | None) -> float | None:
    land = (r or {}).get("land") or {}
    return land.get("available_mu")


def compare_rankings(old: list[dict], new: list[dict], scored_now: pd.DataFrame | None = None) -> dict[str, Any]:
    """Which candidates moved between two ranked lists, and how (rank, score and free land then and now).

    ``scored_now`` (today's ``SiteSelectionResult.scored``) supplies the free land and the failed gates
    of a candidate that dropped out of the ranking (``gates_now``, e.g. "gate_land").
    """
    o = {r["cand_id"]: r for r in old}
    n = {r["cand_id"]: r for r in new}
    sc = None if scored_now is None else scored_now.drop_duplicates("cand_id").set_index("cand_id")
    changes = []
    for cid in list(o) + [c for c in n if c not in o]:
        a, b = o.get(cid), n.get(cid)
        if a and b and a.get("rank") == b.get("rank") and a.get("score") == b.get("score"):
            continue
        how = "dropped" if b is None else "new" if a is None else "moved" if a.get("rank") != b.get("rank") else "rescored"
        changes.append({"cand_id": cid, "name_zh": (a or b).get("name_zh"), "name_en": (a or b).get("name_en"),
                        "change": how, "rank_then": a.get("rank") if a else None,
                        "rank_now": b.get("rank") if b else None, "score_then": a.get("score") if a else None,
                        "score_now": b.get("score") if b else None, "land_then": _land_of(a),
                        "land_now": _land_of(b), "gates_now": ""})
        if b is None and sc is not None and cid in sc.index:
            land = sc.loc[cid, "available_land_mu"]
            changes[-1]["land_now"] = None if pd.isna(land) else float(land)
            changes[-1]["gates_now"] = str(sc.loc[cid, "failed_gates"])
    return {"ranking_changed": bool(changes), "changes": changes}


def ranking_frame(ranked: list[dict]) -> pd.DataFrame:
    """A saved ranking (``result["ranked"]`` of a saved result) as a flat table: rank, cand_id, names,
    score, free land (亩, empty = unknown) and where that figure came from.
    """
    cols = ["rank", "cand_id", "name_zh", "name_en", "score", "available_land_mu", "land_source"]
    rows = [{"rank": r.get("rank"), "cand_id": r.get("cand_id"), "name_zh": r.get("name_zh"),
             "name_en": r.get("name_en"), "score": r.get("score"), "available_land_mu": _land_of(r),
             "land_source": ((r.get("land") or {}).get("source") or "")} for r in ranked]
    return pd.DataFrame(rows, columns=cols)


def apply_park_overrides(parks: gpd.GeoDataFrame, store: Store) -> gpd.GeoDataFrame:
    """The parks table with the workspace's overrides: land (and its source), approved area, polygon, notes."""
    p = parks.copy()
    ov = store.park_overrides()
    if ov.empty:
        return p
    idx = pd.Index(p["park_id"])
    for _, r in ov.iterrows():
        hit = idx.get_indexer([r["park_id"]])[0]
        if hit < 0:
            continue
        if pd.notna(r["available_land_mu"]):
            p.loc[p.index[hit], "available_land_mu"] = float(r["available_land_mu"])
            if "land_source" in p:
                p.loc[p.index[hit], "land_source"] = f"workspace: {r['land_source'] or ''} ({r['land_as_of'] or ''})"
        if pd.notna(r["approved_area_km2"]) and "approved_area_km2" in p:
            p.loc[p.index[hit], "approved_area_km2"] = float(r["approved_area_km2"])
        if r["notes"]:
            p.loc[p.index[hit], "workspace_notes"] = r["notes"]
        if r.geometry is not None and not r.geometry.is_empty:
            p.loc[p.index[hit], p.geometry.name] = r.geometry
    return p


def park_polygon(gdf: gpd.GeoDataFrame) -> shapely.Geometry | None:
    """The polygons of an uploaded boundary layer dissolved into one park outline (WGS84), or None when
    the layer holds no polygon (points and lines are ignored). Save it with ``update_park(…, {"geometry": …})``.
    """
    if gdf.crs is None:
        raise InputError("the boundary layer has no CRS")
    geoms = np.asarray(gdf.to_crs(WGS84).geometry.values)
    keep = np.isin(shapely.get_type_id(geoms), (3, 6)) & ~shapely.is_empty(geoms)
    if not keep.any():
        return None
    return shapely.make_valid(shapely.union_all(geoms[keep]))


def polygon_from_drawing(drawing: dict[str, Any], datum: str = "wgs84") -> shapely.Geometry:
    """A polygon drawn on a map (a GeoJSON Feature or geometry, e.g. streamlit-folium's
    ``last_active_drawing``) as a valid WGS84 shape; ``datum`` is the map's display datum ("gcj02" on AMap
    tiles, whose drawn coordinates are shifted back to WGS84).

    Raises InputError for anything but a polygon or for coordinates that are not lon/lat.
    """
    geom = drawing.get("geometry", drawing) if isinstance(drawing, dict) else None
    if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon"):
        raise InputError("the drawing is not a polygon (请绘制多边形或矩形)", field="geometry")
    try:
        shape = geojson_shape(geom)
    except (ValueError, TypeError, IndexError, AttributeError) as exc:
        raise InputError(f"the drawing is not a valid polygon ({exc})", field="geometry") from None
    x0, y0, x1, y1 = shape.bounds
    if shape.is_empty or not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
        raise InputError("the drawing has no lon/lat coordinates", field="geometry")
    if datum != "wgs84":
        shape = convert_geometries(shape, datum, "wgs84")
    return shapely.make_valid(shape)


def actuals_from_store(store: Store) -> pd.DataFrame:
    """The target actuals kept in the workspace, checked by ``intensity.targets.read_actuals``: the
    ``actuals`` argument of ``intensity.targets.track_targets`` (indicator, year, value, unit, source).
    """
    a = store.actuals().drop(columns="fid")
    a["unit"] = a["unit"].fillna("")
    a["source"] = a["source"].fillna("")
    return _targets.read_actuals(a, file=f"workspace {store.location}")


def open_store(url: str | os.PathLike | None = None) -> Store:
    """``url``, else ``GEOPLAN_STORE`` (postgresql://…), else the GeoPackage workspace (created on first use)."""
    return Store(url or os.environ.get("GEOPLAN_STORE") or default_workspace_path())


def existing_store(url: str | os.PathLike | None = None) -> Store | None:
    """The workspace if there is one: ``url`` or ``GEOPLAN_STORE`` when given, else the GeoPackage
    workspace only when its file exists (nothing is created); None otherwise.
    """
    if url or os.environ.get("GEOPLAN_STORE"):
        return open_store(url)
    path = default_workspace_path()
    return Store(path) if path.is_file() else None
