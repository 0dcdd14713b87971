"""Printing results, shared by every command: JSON (strict), CSV and aligned tables."""

from __future__ import annotations

import json
import math
import sys
from typing import Any, TextIO

import pandas as pd

from ..io.validate import neutralise_frame


def clean(v: Any) -> Any:
    """A JSON-safe value: NaN, ±inf and NA → None, numpy scalars → Python, containers recursively."""
    if isinstance(v, dict):
        return {str(k): clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [clean(x) for x in v]
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        try:
            return clean(v.item())
        except (ValueError, TypeError):
            return str(v)
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def records(df: pd.DataFrame, drop: tuple[str, ...] = ("geometry",)) -> list[dict[str, Any]]:
    """JSON-safe records of a frame (NaN/NA → null, numpy scalars → Python), geometry left out."""
    cols = [c for c in df.columns if c not in drop]
    return [{c: clean(v) for c, v in zip(cols, row)} for row in df[cols].itertuples(index=False)]


def print_json(obj: Any, out: TextIO | None = None, indent: int | None = 1) -> None:
    """Strict JSON (no bare NaN/Infinity), UTF-8 text kept readable."""
    json.dump(clean(obj), out or sys.stdout, ensure_ascii=False, indent=indent, allow_nan=False)
    print(file=out or sys.stdout)


def print_csv(df: pd.DataFrame, out: TextIO | None = None) -> None:
    """The frame as CSV without its geometry column, text cells neutralised against formula injection."""
    neutralise_frame(df.drop(columns=["geometry"], errors="ignore")).to_csv(out or sys.stdout, index=False)


def print_table(df: pd.DataFrame, out: TextIO | None = None, decimals: int = 1) -> None:
    """An aligned text table; floats with thousands separators and ``decimals`` places."""
    print(df.to_string(index=False, float_format=lambda v: f"{v:,.{decimals}f}"), file=out or sys.stdout)
