"""The whole intensity evaluation in one call: normalise, metrics, aggregate, benchmark, grade, floors."""

from __future__ import annotations

import pandas as pd

from ..errors import InputError
from . import grading
from .aggregate import LEVEL_KEYS, aggregate, attach_places, place_names
from .floors import check_floors
from .metrics import compute_metrics
from .normalise import normalise
from .targets import benchmark_municipal, municipal_output_target


def evaluate(df: pd.DataFrame, level: str = "project", *, scheme: str | None = None,
             grading_config: dict | None = None, floors: pd.DataFrame | None = None,
             id_col: str | None = None, land_unit: str | None = None, money_unit: str | None = None,
             on_bad: str = "raise", file: str | None = None) -> dict[str, pd.DataFrame]:
    """Land-output intensity (亩均效益) of a table: metrics, aggregation, benchmark, grade, floors.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per enterprise, project or parcel; columns name their units (``land_mu``,
        ``land_m2``, ``output_yi``, ``tax_wan`` …) or ``land_unit``/``money_unit`` say them.
    level : {"project", "park", "district", "region", "cluster"}, default "project"
        ``project`` keeps one row per input row; the others aggregate land-weighted
        (Σ numerator / Σ denominator).
    scheme : str, optional
        Grading scheme of ``config/grading.yaml`` (default: its ``default``).
    grading_config : dict, optional
        A grading configuration to use instead of the file.
    floors : pandas.DataFrame, optional
        A 标准地 floors table (see :func:`geoplan.intensity.read_floors`).
    id_col, land_unit, money_unit : str, optional
        The id column and the units of bare ``land``/money columns.
    on_bad : {"raise", "exclude"}, default "raise"
        Bad rows raise, or are dropped and returned in ``excluded`` with a reason.
    file : str, optional
        The user's file name, for messages.

    Returns
    -------
    dict of pandas.DataFrame
        ``table`` (graded rows or aggregates), ``rows`` (per-row metrics), ``total`` (Σ/Σ over
        everything), ``excluded`` and ``target`` (the municipal 产出强度 targets).

    Raises
    ------
    InputError
        For a missing unit, a non-numeric cell (with ``on_bad="raise"``), an unknown level.

    Examples
    --------
    >>> import pandas as pd, geoplan as gp
    >>> df = pd.DataFrame({"id": ["a", "b"], "land_mu": [100, 50], "output_wan": [30000, 5000]})
    >>> out = gp.evaluate_intensity(df)
    >>> out["table"]["output_per_mu"].tolist()
    [300.0, 100.0]
    >>> round(float(out["total"]["output_per_mu"].iloc[0]), 1)  # (30000 + 5000) / 150
    233.3
    """

    if level != "project" and level not in LEVEL_KEYS:
        raise InputError(f"level must be project, {', '.join(LEVEL_KEYS)}; got {level!r}")
    norm, excluded = normalise(df, id_col=id_col, land_unit=land_unit, money_unit=money_unit,
                               on_bad=on_bad, file=file)
    rows = compute_metrics(norm)
    if level == "project":
        table = rows
    else:
        key = LEVEL_KEYS[level]
        if level != "cluster":
            rows = attach_places(rows)
        if key not in rows:
            raise InputError(f"level {level} needs a '{key}' column (or park_id / a geometry to derive it)",
                             file=file)
        table = place_names(level, aggregate(rows, key))
    table = grading.grade(benchmark_municipal(table), scheme, grading_config)
    if floors is not None and level in ("project", "park"):
        table = check_floors(table if "park_id" in table else attach_places(table), floors)
    return {"table": table, "rows": rows, "total": aggregate(rows), "excluded": excluded,
            "target": municipal_output_target()}
