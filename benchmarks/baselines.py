"""The tools a planner would pick instead: per-row geopandas ``apply`` and DuckDB spatial SQL.

Per-row functions are written the way most planning scripts are: vectorised ``to_crs`` (everyone
does that), then ``GeoSeries.apply`` with one shapely call per row. DuckDB functions run SQL on a
``parcels`` table (WGS84 GEOMETRY, loaded from the WKB GeoParquet) with the spatial extension that
the PyPI package ``duckdb-extension-spatial`` ships (``INSTALL spatial`` needs a server).
"""

from __future__ import annotations

import glob
import math
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geoplan.crs import REGION_METRIC

from .query import INDUSTRIAL, Query

PROJ = REGION_METRIC.srs  # a PROJ string (REGION_METRIC is defined from one)


# ---------------------------------------------------------------- DuckDB setup
def spatial_extension_path() -> str:
    """The ``spatial.duckdb_extension`` file inside the duckdb-extension-spatial wheel."""
    import duckdb
    import duckdb_extension_spatial

    root = os.path.dirname(duckdb_extension_spatial.__file__)
    hits = sorted(glob.glob(os.path.join(root, "extensions", f"v{duckdb.__version__}", "*.duckdb_extension")))
    hits = hits or sorted(glob.glob(os.path.join(root, "extensions", "*", "spatial.duckdb_extension")))
    if not hits:
        raise RuntimeError(f"no spatial.duckdb_extension under {root}; pip install duckdb-extension-spatial")
    return hits[0]


def duckdb_connect(threads: int | None = None):
    """An in-memory DuckDB connection with the spatial extension loaded from the wheel."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"LOAD '{spatial_extension_path()}'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def duckdb_load(con, wkb_parquet: Path, districts: gpd.GeoDataFrame, lines: gpd.GeoDataFrame) -> None:
    """Tables ``parcels`` (from GeoParquet), ``districts`` and ``axes`` (WGS84 GEOMETRY)."""
    con.execute(f"CREATE OR REPLACE TABLE parcels AS SELECT * FROM read_parquet('{wkb_parquet}')")
    d = pd.DataFrame({"adcode": districts["adcode"].astype(int).to_numpy(),
                      "wkb": shapely.to_wkb(np.asarray(districts.geometry.values))})
    con.register("d_df", d)
    con.execute("CREATE OR REPLACE TABLE districts AS SELECT adcode, ST_GeomFromWKB(wkb) AS geom FROM d_df")
    con.unregister("d_df")
    axes_table(con, lines)


def axes_table(con, lines: gpd.GeoDataFrame) -> None:
    """Table ``axes`` (corridor_id, seq = catalogue order, metric geom): CY_MAIN and CSY share their
    Chongqing-end segment, so ties in "nearest" are broken by catalogue order, as geoplan does."""
    a = pd.DataFrame({"corridor_id": lines["corridor_id"].to_numpy(), "seq": np.arange(len(lines)),
                      "wkb": shapely.to_wkb(np.asarray(lines.to_crs(4326).geometry.values))})
    con.register("a_df", a)
    con.execute("CREATE OR REPLACE TABLE axes AS SELECT corridor_id, seq, "
                f"ST_Transform(ST_GeomFromWKB(wkb), 'EPSG:4326', '{PROJ}', true) AS geom FROM a_df")
    con.unregister("a_df")


PREPARED_COLUMNS = ["parcel_id", "available_mu", "land_use", "industry_id", "output_per_mu",
                    "host_adcode", "nearest_km"]


def duckdb_load_prepared(con, prepared: gpd.GeoDataFrame, lines: gpd.GeoDataFrame) -> None:
    """Table ``parcels`` with the attributes of a ``geoplan.parcels.prepare_parcels`` layer."""
    df = pd.DataFrame(prepared[PREPARED_COLUMNS])
    df["host_adcode"] = df["host_adcode"].astype("float64")  # nullable Int64 → NULL-able double
    con.register("p_df", df)
    con.execute("CREATE OR REPLACE TABLE parcels AS SELECT * REPLACE (CAST(host_adcode AS BIGINT) AS host_adcode) "
                "FROM p_df")
    con.unregister("p_df")
    axes_table(con, lines)


def _axis_ids(con) -> list[str]:
    return [r[0] for r in con.execute("SELECT corridor_id FROM axes ORDER BY seq").fetchall()]


def _dist_sql(con) -> tuple[str, list[str]]:
    """SELECT list computing distance (km) to every axis from the metric geometry ``gm``."""
    ids = _axis_ids(con)
    cols = [f"ST_Distance(gm, (SELECT geom FROM axes WHERE corridor_id = '{c}')) / 1000.0 AS d_{c}"
            for c in ids]
    return ", ".join(cols), ids


# ---------------------------------------------------------------- load
def load_arrow(path: Path, columns: list[str] | None = None) -> gpd.GeoDataFrame:
    """``pyarrow.parquet.read_table`` + ``GeoDataFrame.from_arrow`` (decodes the GeoArrow geometry of
    every row read): the floor for loading a GeoParquet file into a GeoDataFrame."""
    import pyarrow.parquet as pq

    return gpd.GeoDataFrame.from_arrow(pq.read_table(path, columns=columns))


def load_arrow_wkb(path: Path) -> gpd.GeoDataFrame:
    """``read_table`` of the WKB GeoParquet copy, attributes ``to_pandas``, ``shapely.from_wkb``."""
    import json

    import pyarrow.parquet as pq

    t = pq.read_table(path)
    geo = json.loads(t.schema.metadata[b"geo"])
    col = geo["primary_column"]
    geom = shapely.from_wkb(t.column(col).to_numpy(zero_copy_only=False))
    df = t.drop_columns([col]).to_pandas()
    return gpd.GeoDataFrame(df, geometry=geom, crs=geo["columns"][col].get("crs", "OGC:CRS84"))


def load_attributes(path: Path, columns: list[str]) -> pd.DataFrame:
    """``read_table`` of some attribute columns, ``to_pandas`` (no geometry)."""
    import pyarrow.parquet as pq

    return pq.read_table(path, columns=columns).to_pandas()


# ---------------------------------------------------------------- (a) distance to each axis
def a_per_row(parcels: gpd.GeoDataFrame, lines: gpd.GeoDataFrame) -> pd.DataFrame:
    pm = parcels.to_crs(REGION_METRIC)
    out = pd.DataFrame({"parcel_id": parcels["parcel_id"].to_numpy()})
    for cid, line in zip(lines["corridor_id"], lines.geometry):
        out[f"d_{cid}"] = pm.geometry.apply(lambda g, line=line: g.distance(line) / 1000.0).to_numpy()
    dcols = [f"d_{c}" for c in lines["corridor_id"]]
    out["nearest"] = out[dcols].idxmin(axis=1).str[2:]
    out["nearest_km"] = out[dcols].min(axis=1)
    return out


def a_duckdb(con) -> pd.DataFrame:
    sel, ids = _dist_sql(con)
    q = (f"WITH m AS (SELECT parcel_id, ST_Transform(geometry, 'EPSG:4326', '{PROJ}', true) AS gm "
         f"FROM parcels), d AS (SELECT parcel_id, {sel} FROM m) "
         f"SELECT *, least({', '.join('d_' + c for c in ids)}) AS nearest_km FROM d")
    out = con.execute(q).df()
    dm = out[[f"d_{c}" for c in ids]].to_numpy()
    out["nearest"] = np.array(ids, dtype=object)[np.argmin(dm, axis=1)]
    return out


# ---------------------------------------------------------------- (b) site query
def b_per_row(parcels: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, lines: gpd.GeoDataFrame,
              q: Query) -> pd.DataFrame:
    """Gates + score row by row; the district lookup uses the spatial index (one query per row)."""
    polys = list(districts.geometry)
    codes = list(districts["adcode"].astype(int))
    tree = shapely.STRtree(polys)
    axes = list(lines.geometry)
    w = q.weights
    wsum = sum(w.values())
    allowed = set(q.allowed_adcodes)
    pm = parcels.geometry.to_crs(REGION_METRIC)
    df = pd.DataFrame(parcels.drop(columns="geometry"))
    df["gm"] = pm.to_numpy()
    df["g"] = parcels.geometry.to_numpy()

    def row_fn(r):
        c = r["g"].centroid
        host = -1
        for k in tree.query(c):
            if polys[k].contains(c):
                host = codes[k]
                break
        d = min(r["gm"].distance(line) for line in axes) / 1000.0
        ok = (r["available_mu"] >= q.land_mu and r["land_use"] in INDUSTRIAL
              and d <= q.max_km and host in allowed)
        opm = r["output_per_mu"]
        if opm is not None and not math.isnan(opm) and opm > 0:
            ratio = q.project_output_per_mu / opm
            s_int = ratio / (1 + ratio)
        else:
            s_int = 0.5
        s = (w["industry_fit"] * q.fit.get(r["industry_id"], 0.0)
             + w["corridor"] * min(max(1 - d / q.scale_km, 0.0), 1.0)
             + w["intensity"] * s_int + w["tier"] * q.tier_score
             + w["region_role"] * q.role.get(host, 0.0))
        return pd.Series({"host": host, "nearest_km": d, "eligible": ok, "score": 100 * s / wsum})

    res = df.apply(row_fn, axis=1)
    res["parcel_id"] = df["parcel_id"].to_numpy()
    top = res[res["eligible"]].sort_values(["score", "parcel_id"], ascending=[False, True]).head(q.top)
    return top.reset_index(drop=True)


def b_duckdb(con, q: Query, prepared: bool = False) -> pd.DataFrame:
    """The site query in SQL; ``prepared``: host district and distance are columns already."""
    fit = pd.DataFrame({"industry_id": list(q.fit), "s_fit": list(q.fit.values())})
    role = pd.DataFrame({"adcode": list(q.role), "s_role": list(q.role.values()),
                         "allowed": [a in set(q.allowed_adcodes) for a in q.role]})
    con.register("fit_df", fit)
    con.register("role_df", role)
    sel, ids = _dist_sql(con)
    w = q.weights
    wsum = sum(w.values())
    inds = ", ".join(f"'{x}'" for x in INDUSTRIAL)
    if prepared:
        source = ("s AS (SELECT parcel_id, host_adcode AS host, nearest_km, available_mu, land_use, "
                  "industry_id, output_per_mu FROM parcels)")
    else:
        source = f"""p AS (
      SELECT parcel_id, available_mu, land_use, industry_id, output_per_mu, geometry,
             ST_Centroid(geometry) AS c,
             ST_Transform(geometry, 'EPSG:4326', '{PROJ}', true) AS gm
      FROM parcels),
    h AS (SELECT p.*, d.adcode AS host FROM p LEFT JOIN districts d ON ST_Contains(d.geom, p.c)),
    dd AS (SELECT h.*, {sel} FROM h),
    s AS (
      SELECT parcel_id, host, least({', '.join('d_' + c for c in ids)}) AS nearest_km,
             available_mu, land_use, industry_id, output_per_mu FROM dd)"""
    sql = f"""
    WITH {source},
    sc AS (
      SELECT s.parcel_id, coalesce(s.host, -1) AS host, s.nearest_km,
        (s.available_mu >= {q.land_mu} AND s.land_use IN ({inds}) AND s.nearest_km <= {q.max_km}
         AND coalesce(r.allowed, false)) AS eligible,
        100.0 * ({w['industry_fit']} * coalesce(f.s_fit, 0.0)
         + {w['corridor']} * greatest(least(1 - s.nearest_km / {q.scale_km}, 1.0), 0.0)
         + {w['intensity']} * CASE WHEN s.output_per_mu > 0
              THEN ({q.project_output_per_mu} / s.output_per_mu) / (1 + {q.project_output_per_mu} / s.output_per_mu)
              ELSE 0.5 END
         + {w['tier']} * {q.tier_score}
         + {w['region_role']} * coalesce(r.s_role, 0.0)) / {wsum} AS score
      FROM s LEFT JOIN fit_df f USING (industry_id) LEFT JOIN role_df r ON r.adcode = s.host)
    SELECT host, nearest_km, eligible, score, parcel_id FROM sc WHERE eligible
    ORDER BY score DESC, parcel_id ASC LIMIT {q.top}
    """
    out = con.execute(sql).df()
    con.unregister("fit_df")
    con.unregister("role_df")
    return out


# ---------------------------------------------------------------- (c) land-weighted intensity
def c_per_row(parcels: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> pd.DataFrame:
    polys = list(districts.geometry)
    codes = list(districts["adcode"].astype(int))
    tree = shapely.STRtree(polys)

    def host(g):
        c = g.centroid
        for k in tree.query(c):
            if polys[k].contains(c):
                return codes[k]
        return -1

    df = pd.DataFrame({"adcode": parcels.geometry.apply(host).to_numpy(),
                       "built_mu": parcels["built_mu"].to_numpy(), "output_yi": parcels["output_yi"].to_numpy()})
    df = df[(df["adcode"] >= 0) & df["output_yi"].notna() & (df["built_mu"] > 0)]
    g = df.groupby("adcode").agg(output_yi=("output_yi", "sum"), land_mu=("built_mu", "sum"),
                                 n=("built_mu", "size"))
    g["output_per_mu"] = g["output_yi"] * 1e4 / g["land_mu"]
    return g.reset_index()


def c_sjoin(parcels: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> pd.DataFrame:
    """What a geopandas user writes: centroids, ``gpd.sjoin(predicate='within')``, groupby."""
    pts = gpd.GeoDataFrame(parcels[["built_mu", "output_yi"]],
                           geometry=shapely.centroid(np.asarray(parcels.geometry.values)), crs=parcels.crs)
    j = gpd.sjoin(pts, districts[["adcode", "geometry"]], predicate="within", how="inner")
    j = j[j["output_yi"].notna() & (j["built_mu"] > 0)]
    g = j.groupby("adcode").agg(output_yi=("output_yi", "sum"), land_mu=("built_mu", "sum"),
                                n=("built_mu", "size"))
    g["output_per_mu"] = g["output_yi"] * 1e4 / g["land_mu"]
    return g.reset_index()


def c_duckdb(con) -> pd.DataFrame:
    sql = """
    SELECT d.adcode, sum(p.output_yi) AS output_yi, sum(p.built_mu) AS land_mu, count(*) AS n,
           sum(p.output_yi) * 1e4 / sum(p.built_mu) AS output_per_mu
    FROM (SELECT output_yi, built_mu, ST_Centroid(geometry) AS c FROM parcels
          WHERE output_yi IS NOT NULL AND built_mu > 0) p
    JOIN districts d ON ST_Contains(d.geom, p.c)
    GROUP BY d.adcode ORDER BY d.adcode
    """
    return con.execute(sql).df()


# ---------------------------------------------------------------- (d) distance raster
def d_per_row(xs: np.ndarray, ys: np.ndarray, lines: gpd.GeoDataFrame) -> np.ndarray:
    """One shapely Point per cell, distance to each axis with ``apply``."""
    X, Y = np.meshgrid(xs, ys)
    pts = gpd.GeoSeries(shapely.points(X.ravel(), Y.ravel()))
    axes = list(lines.geometry)
    d = pts.apply(lambda p: min(p.distance(line) for line in axes) / 1000.0)
    return d.to_numpy().reshape(X.shape)


def d_duckdb(con, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    x0, dx, nx = float(xs[0]), float(xs[1] - xs[0]), len(xs)
    y0, dy, ny = float(ys[0]), float(ys[1] - ys[0]), len(ys)
    ids = _axis_ids(con)
    dist = ", ".join(f"ST_Distance(pt, (SELECT geom FROM axes WHERE corridor_id = '{c}'))" for c in ids)
    sql = f"""
    WITH g AS (SELECT i, j, ST_Point({x0} + i * {dx}, {y0} + j * {dy}) AS pt
               FROM range({ny}) t1(j), range({nx}) t2(i))
    SELECT j, i, least({dist}) / 1000.0 AS d FROM g
    """
    r = con.execute(sql).fetchnumpy()
    out = np.empty((ny, nx))
    out[r["j"], r["i"]] = r["d"]
    return out
