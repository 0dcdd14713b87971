"""The result of a site-selection query and its exports (JSON, GeoJSON, flat tables)."""

from __future__ import annotations

import json
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd

from .spec import SiteSpec


class _BuiltOnRead:
    """An attribute given as a frame or as a zero-argument callable that builds it on first read."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = getattr(obj, self.slot)
        if callable(value):
            value = value()
            setattr(obj, self.slot, value)
        return value

    def __set__(self, obj, value) -> None:
        setattr(obj, self.slot, value)


class SiteSelectionResult:
    """Ranked candidates, excluded ones, an explanation dict and the stability report.

    ``excluded`` and ``scored`` may be handed over as zero-argument callables: over a large parcel
    layer the query builds rows (with their notes, citation summaries and gate strings) only for the
    ranked candidates and the head of the excluded list, and the whole frames are built the first
    time they are read — the same rows the query would have built up front.
    """

    excluded = _BuiltOnRead()  # candidates failing a gate, best score first
    scored = _BuiltOnRead()  # every candidate with scores and gates (eligible ones have a rank), ranking order

    def __init__(self, spec: SiteSpec, ranked: gpd.GeoDataFrame,
                 excluded: gpd.GeoDataFrame | Callable[[], gpd.GeoDataFrame],
                 scored: gpd.GeoDataFrame | Callable[[], gpd.GeoDataFrame],
                 explanation: dict | None = None, stability: dict | None = None) -> None:
        self.spec = spec
        self.ranked = ranked  # top ``spec.top`` candidates passing every gate, best first
        self.excluded = excluded
        self.scored = scored
        self.explanation = {} if explanation is None else explanation
        self.stability = {} if stability is None else stability

    def __repr__(self) -> str:
        return (f"SiteSelectionResult(industry={self.explanation.get('industry', {}).get('id')!r}, "
                f"ranked={len(self.ranked)}, n_candidates={self.explanation.get('n_candidates')})")

    @property
    def caveats(self) -> list[str]:
        """The caveats of this result, as plain sentences."""
        return list(self.explanation.get("caveats", self.explanation.get("notes", [])))

    @property
    def excluded_best(self) -> list[dict]:
        """The best excluded candidates: cand_id, score and why, one sentence each in zh and en."""
        return list(self.explanation.get("excluded_plain", []))

    @property
    def reasons(self) -> list[dict]:
        """Plain-language reasons for each ranked row (rank, level, zh, en)."""
        return list(self.explanation.get("reasons", []))

    @property
    def what_would_change(self) -> list[dict]:
        """For parks outside the top 3: the smallest changes that would bring each in."""
        return list(self.explanation.get("what_would_change", []))

    def to_dict(self) -> dict:
        """The explanation and the stability report as one dict."""
        return {**self.explanation, "stability": self.stability}

    def to_json(self, indent: int | None = 2) -> str:
        """The explanation (query, ranked candidates with gates, contributions, citations, excluded
        candidates and why, notes) plus the stability report, as JSON.
        """
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, default=_json_default)

    def to_geojson(self) -> str:
        """The ranked candidates as a GeoJSON FeatureCollection (lists/dicts as JSON strings)."""
        return flat_frame(self.ranked).to_json(ensure_ascii=False, default=_json_default)


def _json_default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return None if np.isnan(o) else float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if o is pd.NA:
        return None
    return str(o)


def flat_frame(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy with list/dict columns as JSON text (for GeoJSON, GeoPackage, CSV)."""
    out = gdf.copy()
    for c in out.columns:
        if c != out.geometry.name and out[c].map(lambda v: isinstance(v, (list, dict))).any():
            out[c] = out[c].map(lambda v: json.dumps(v, ensure_ascii=False, default=_json_default))
    return out
