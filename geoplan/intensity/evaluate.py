"""TODO docstring."""

from __future__ import annotations

import pandas as pd
from . import grading
from ..errors import InputError
from .aggregate import LEVEL_KEYS, aggregate, attach_places, place_names
from .floors import check_floors
from .metrics import compute_metrics
from .normalise import normalise
from .targets import benchmark_municipal, municipal_output_target

def evaluate(df: pd.DataFrame, level: str = "project", *, scheme: str | None = None,
             grading_config: dict | None = None, floors: pd.DataFrame | None = None,
             id_col: str | None = None, land_unit: str | None = None, money_unit: str | None = None,
             on_bad: str = "raise", file: str | None = None) -> dict[str, pd.DataFrame]:
    """Metrics, land-weighted aggregation to ``level``, municipal benchmark, grade and floors.

    ``level`` is ``project`` (one row per input row) or ``park`` / ``district`` / ``region`` /
    ``cluster``. Returns ``table`` (the graded rows or aggregates), ``rows`` (per-row metrics),
    ``total`` (Σ/Σ over everything), ``excluded`` (bad rows dropped with ``on_bad="exclude"``)
    and ``target`` (the municipal 产出强度 targets).
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
