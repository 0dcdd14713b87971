"""Multi-year uploads (a ``年份`` / ``year`` column): each enterprise's and each park's trend of a metric.

:func:`trend` gives one row per (group, year): the metric as Σ numerator / Σ denominator over the
group's rows of that year that state both (for one enterprise that is its own value; for a park it is
land-weighted, never a mean of ratios). :func:`trend_table` turns it into one row per group with a
column per year and the change from the first to the last year with data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from .metrics import METRICS

__all__ = ["trend", "trend_table"]


def trend(rows: pd.DataFrame, metric: str, by: str) -> pd.DataFrame:
    """The metric per ``by`` group and year (Σ numerator / Σ denominator), long format.

    Parameters
    ----------
    rows : pandas.DataFrame
        Per-row metrics (from :func:`geoplan.intensity.compute_metrics`) with a ``year`` column.
    metric : str
        A key of :data:`geoplan.intensity.METRICS` (``output_per_mu``, ``tax_per_mu`` …).
    by : str
        The grouping column (``enterprise_id``, ``name_zh``, ``park_zh`` …).

    Returns
    -------
    pandas.DataFrame
        Columns ``by``, ``year`` (int), ``value``, ``numerator``, ``denominator``, ``n`` (rows counted);
        groups and years without any row stating both parts are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> from geoplan.intensity import compute_metrics, normalise
    >>> df = pd.DataFrame({"id": ["a", "b", "c"], "park": ["P", "P", "P"], "year": [2023, 2023, 2024],
    ...                    "land_mu": [10, 30, 40], "output_wan": [1000, 1000, 4000]})
    >>> trend(compute_metrics(normalise(df)[0]), "output_per_mu", "park")[["year", "value"]].values.tolist()
    [[2023.0, 50.0], [2024.0, 100.0]]
    """
    if metric not in METRICS:
        raise InputError(f"unknown metric {metric!r}; expected one of {sorted(METRICS)}")
    for col in ("year", by):
        if col not in rows:
            raise InputError(f"column '{col}' missing; a trend needs a year column and '{by}'")
    m = METRICS[metric]
    num = pd.to_numeric(rows[m.numerator], errors="coerce")
    den = pd.to_numeric(rows[m.denominator], errors="coerce")
    year = pd.to_numeric(rows["year"], errors="coerce")
    ok = num.notna() & den.notna() & (den > 0) & year.notna() & rows[by].notna()
    d = pd.DataFrame({by: rows.loc[ok, by], "year": year[ok].astype(int), "numerator": num[ok],
                      "denominator": den[ok]})
    g = d.groupby([by, "year"], sort=True).agg(numerator=("numerator", "sum"), denominator=("denominator", "sum"),
                                               n=("numerator", "size")).reset_index()
    g["value"] = g["numerator"] / g["denominator"] * m.scale
    return g[[by, "year", "value", "numerator", "denominator", "n"]]


def trend_table(long: pd.DataFrame, by: str) -> pd.DataFrame:
    """One row per group: a column per year and ``change_pct`` (last year with data vs the first, %).

    ``change_pct`` is empty for a group with one year only or a first value of 0.
    """
    wide = long.pivot_table(index=by, columns="year", values="value", aggfunc="first").sort_index(axis=1)
    first = long.sort_values("year").groupby(by)["value"].first()
    last = long.sort_values("year").groupby(by)["value"].last()
    years = long.groupby(by)["year"].nunique()
    change = (last / first - 1.0) * 100.0
    change = change.where((years >= 2) & (first != 0), np.nan)
    wide.columns = [int(c) for c in wide.columns]
    wide["change_pct"] = change
    return wide.reset_index()
