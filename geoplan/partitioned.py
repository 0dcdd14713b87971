"""Run geoplan's per-row analyses partitioned with dask-geopandas (for layers beyond one machine's RAM).

geoplan's analyses are GeoDataFrame in → GeoDataFrame out and, for distance, district lookup and
scoring, each row's result depends only on that row and the (small) reference layers. Such a
function runs unchanged on every partition of a dask-geopandas frame (``run_partitioned``).
Aggregates of 亩均 metrics are Σ numerator / Σ denominator, so per-partition sums add up exactly
(``aggregate_partitioned``). dask-geopandas is optional: install it (``pip install dask-geopandas``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import geopandas as gpd
import pandas as pd

from .errors import InputError


def _dask_geopandas():
    try:
        import dask
        import dask_geopandas
    except ImportError as exc:  # optional dependency
        raise InputError("partitioned runs need dask-geopandas: pip install dask-geopandas") from exc
    # keep the caller's column dtypes (dask would turn strings into its own string dtype)
    dask.config.set({"dataframe.convert-string": False})
    return dask_geopandas


def to_partitions(gdf: gpd.GeoDataFrame, npartitions: int):
    """A dask-geopandas frame of ``gdf`` split into ``npartitions`` row blocks (order kept)."""
    if npartitions < 1:
        raise InputError(f"npartitions must be 1 or more (got {npartitions})", field="npartitions")
    return _dask_geopandas().from_geopandas(gdf, npartitions=npartitions)


def read_partitioned(path: str, columns: list[str] | None = None):
    """A (possibly multi-file) GeoParquet dataset as a lazy dask-geopandas frame."""
    return _dask_geopandas().read_parquet(path, columns=columns)


def run_partitioned(func: Callable[..., pd.DataFrame], data: Any, *args: Any, npartitions: int = 2,
                    scheduler: str = "threads", compute: bool = True, **kwargs: Any):
    """Apply a row-wise geoplan function (e.g. ``corridor.corridor_proximity``) to every partition.

    ``data``: a GeoDataFrame (split into ``npartitions``) or a dask-geopandas frame (used as is).
    Reference layers the function loads (corridors, districts) should be passed in ``kwargs`` so
    every partition reuses one copy. Returns the computed (Geo)DataFrame in row order, or the lazy
    frame when ``compute=False``. Only for functions whose output rows depend on their own input
    row alone; use :func:`aggregate_partitioned` for group totals.
    """
    ddf = to_partitions(data, npartitions) if isinstance(data, gpd.GeoDataFrame) else data
    sample = data.iloc[:2] if isinstance(data, gpd.GeoDataFrame) else ddf.head(2)
    if len(sample) == 0:
        raise InputError("the layer is empty; nothing to partition")
    meta = func(sample, *args, **kwargs).iloc[:0]
    lazy = ddf.map_partitions(func, *args, meta=meta, **kwargs)
    return lazy.compute(scheduler=scheduler) if compute else lazy


def aggregate_partitioned(func: Callable[[pd.DataFrame], pd.DataFrame], data: Any, by: str,
                          numerator: str, denominator: str, npartitions: int = 2,
                          scheduler: str = "threads") -> pd.DataFrame:
    """Σ numerator / Σ denominator per ``by`` group over partitions.

    ``func`` turns a partition into rows with ``by``, ``numerator`` and ``denominator`` columns
    (e.g. a district lookup + unit normalisation); rows lacking either value or with a
    denominator ≤ 0 are left out, as ``geoplan.intensity.aggregate`` does.
    """

    def part(df: pd.DataFrame) -> pd.DataFrame:
        rows = func(df)
        num = pd.to_numeric(rows[numerator], errors="coerce")
        den = pd.to_numeric(rows[denominator], errors="coerce")
        ok = num.notna() & den.notna() & (den > 0) & rows[by].notna()
        r = pd.DataFrame({by: rows.loc[ok, by].to_numpy(), "num": num[ok].to_numpy(float),
                          "den": den[ok].to_numpy(float)})
        return r.groupby(by, sort=False).agg(num=("num", "sum"), den=("den", "sum"),
                                             n=("num", "size")).reset_index()

    parts = run_partitioned(part, data, npartitions=npartitions, scheduler=scheduler)
    g = parts.groupby(by, sort=True).agg(num=("num", "sum"), den=("den", "sum"), n=("n", "sum"))
    return pd.DataFrame({by: g.index.to_numpy(), f"sum_{numerator}": g["num"].to_numpy(),
                         f"sum_{denominator}": g["den"].to_numpy(), "n": g["n"].to_numpy(),
                         "ratio": (g["num"] / g["den"]).to_numpy()})
