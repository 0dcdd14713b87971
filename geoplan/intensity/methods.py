"""Composite 亩均效益 evaluation methods of ``config/intensity_methods.yaml`` (published policy).

A method names its indicators (columns of :data:`geoplan.intensity.metrics.METRICS`), and where its
document publishes them, the weights and benchmarks. What the document does not publish is marked
``not_public`` (no composite score, or no class) or, for geoplan's stand-in rule, ``assumption``.

:func:`composite` scores each enterprise: ``score = Σ weight × min(value / benchmark, cap)`` (the
``ratio_capped`` rule) over the method's indicators. An enterprise lacking an indicator is not scored;
it is listed in the ``missing`` frame with the indicators it lacks. :func:`aggregate_composite`
land-weights the scores to a park or district: ``Σ(land_mu × score) / Σ land_mu`` over scored rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config import config_path, load_config, number, validate
from ..errors import ConfigError, InputError
from .metrics import METRICS

__all__ = ["Method", "Indicator", "METHODS_FILE", "aggregate_composite", "composite", "load_methods",
           "default_method"]

METHODS_FILE = "intensity_methods.yaml"


@dataclass(frozen=True)
class Indicator:
    """One indicator of an evaluation method: metric, labels, weight and benchmark where published."""

    metric: str
    label_zh: str
    weight: float | None = None
    benchmark: float | None = None
    unit: str = ""
    assumption: bool = False
    assumption_zh: str = ""
    assumption_en: str = ""


@dataclass(frozen=True)
class Method:
    """An evaluation method (亩均论英雄) as configured, with its source document and what is not public."""

    id: str
    label_zh: str
    label_en: str
    doc_title: str
    doc_number: str
    date: str
    url: str
    evidence_zh: str
    indicators: tuple[Indicator, ...]
    weights_public: bool
    weights_statement_zh: str = ""
    weights_statement_en: str = ""
    scoring_assumption: bool = False
    cap_ratio: float | None = None
    scoring_statement_zh: str = ""
    scoring_statement_en: str = ""
    classes_public: bool = False
    class_labels: tuple[str, ...] = ()
    class_cutoffs: dict[str, float] = field(default_factory=dict)
    classes_statement_zh: str = ""
    classes_statement_en: str = ""

    @property
    def scored(self) -> bool:
        """True when the method has weights (published) to compute a composite score."""
        return self.weights_public and all(i.weight is not None and i.benchmark for i in self.indicators)


def _text(value: Any, key: str) -> str:
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ConfigError(f"'{key}' must be text, got {value!r}", field=key)
    return str(value)


def _flag(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"'{key}' must be true or false, got {value!r}", field=key)
    return value


def _metric(name: str, key: str) -> str:
    if name not in METRICS:
        raise ConfigError(f"'{key}': unknown indicator {name!r}; expected one of {sorted(METRICS)}", field=key)
    return name


def _labels(value: Any, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"'{key}' must be a list of class names", field=key)
    return value


def _cutoffs(value: Any, key: str) -> dict[str, float]:
    if not isinstance(value, dict):
        raise ConfigError(f"'{key}' must be a mapping class -> minimum score", field=key)
    return {str(k): number(0)(v, f"{key}.{k}") for k, v in value.items()}


IND_SCHEMA = {"label_zh": _text, "?weight": number(0, lo_open=True), "?benchmark": number(0, lo_open=True),
              "?unit": _text, "?assumption": _flag, "?assumption_zh": _text, "?assumption_en": _text}
METHOD_SCHEMA = {
    "label_zh": _text, "label_en": _text, "doc_title": _text, "doc_number": _text, "date": _text,
    "url": _text, "evidence_zh": _text,
    "weights": {"not_public": _flag, "?statement_zh": _text, "?statement_en": _text},
    "?scoring": {"assumption": _flag, "rule": _text, "?cap_ratio": number(0, lo_open=True),
                 "statement_zh": _text, "statement_en": _text},
    "classes": {"not_public": _flag, "?labels": _labels, "?cutoffs": _cutoffs, "?statement_zh": _text,
                "?statement_en": _text, "?source_url": _text, "?evidence_zh": _text},
}


def _method(mid: str, raw: Any, file: str) -> Method:
    if not isinstance(raw, dict) or not isinstance(raw.get("indicators"), dict) or not raw["indicators"]:
        raise ConfigError(f"method '{mid}' needs a non-empty 'indicators' mapping", file=file,
                          field=f"methods.{mid}.indicators")
    body = {k: v for k, v in raw.items() if k != "indicators"}
    m = validate(body, METHOD_SCHEMA, file=file, prefix=f"methods.{mid}.")
    inds = []
    for name, spec in raw["indicators"].items():
        key = f"methods.{mid}.indicators.{name}"
        try:
            _metric(name, key)
        except ConfigError as exc:
            raise ConfigError(exc.bare, file=file, field=key) from None
        s = validate(spec, IND_SCHEMA, file=file, prefix=key + ".")
        inds.append(Indicator(name, s["label_zh"], s.get("weight"), s.get("benchmark"), s.get("unit", ""),
                              s.get("assumption", False), s.get("assumption_zh", ""), s.get("assumption_en", "")))
    w, sc, cl = m["weights"], m.get("scoring") or {}, m["classes"]
    public = not w["not_public"]
    if public and any(i.weight is None or i.benchmark is None for i in inds):
        raise ConfigError(f"method '{mid}' says its weights are public but an indicator lacks weight/benchmark",
                          file=file, field=f"methods.{mid}.weights.not_public")
    if public and sc.get("rule") not in ("ratio_capped", "ratio"):
        raise ConfigError(f"method '{mid}': scoring.rule must be 'ratio_capped' or 'ratio'", file=file,
                          field=f"methods.{mid}.scoring.rule")
    if not cl["not_public"] and not cl.get("cutoffs"):
        raise ConfigError(f"method '{mid}': public classes need 'cutoffs'", file=file,
                          field=f"methods.{mid}.classes.cutoffs")
    return Method(mid, m["label_zh"], m["label_en"], m["doc_title"], m["doc_number"], m["date"], m["url"],
                  m["evidence_zh"], tuple(inds), public, w.get("statement_zh", ""), w.get("statement_en", ""),
                  bool(sc.get("assumption", False)),
                  sc.get("cap_ratio") if sc.get("rule") == "ratio_capped" else None,
                  sc.get("statement_zh", ""), sc.get("statement_en", ""),
                  not cl["not_public"], tuple(cl.get("labels", ())), dict(cl.get("cutoffs") or {}),
                  cl.get("statement_zh", ""), cl.get("statement_en", ""))


def load_methods(path: str | Path | None = None) -> tuple[dict[str, Method], str]:
    """The methods of ``config/intensity_methods.yaml`` (or ``path``) and the default method's id."""
    p = Path(path) if path else config_path(METHODS_FILE)
    cfg = load_config(p)
    file = p.name
    if not isinstance(cfg, dict) or not isinstance(cfg.get("methods"), dict) or not cfg["methods"]:
        raise ConfigError("needs a non-empty 'methods' mapping", file=file, field="methods")
    unknown = sorted(set(cfg) - {"default", "methods"})
    if unknown:
        raise ConfigError(f"unknown key(s) {unknown}; expected ['default', 'methods']", file=file, field=unknown[0])
    methods = {str(k): _method(str(k), v, file) for k, v in cfg["methods"].items()}
    default = cfg.get("default")
    if default not in methods:
        raise ConfigError(f"default {default!r} is not one of the methods {sorted(methods)}", file=file,
                          field="default")
    return methods, default


def default_method() -> Method:
    """The configured default method (Chongqing's, 渝府办发〔2023〕72号)."""
    methods, default = load_methods()
    return methods[default]


def composite(df: pd.DataFrame, method: Method, *, id_col: str | None = None
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-row normalised indicators, composite score and class; and the rows lacking an indicator.

    ``df`` carries the metric columns (from :func:`geoplan.intensity.compute_metrics`). Adds for each
    indicator ``<metric>_ratio`` (value / benchmark, capped) and ``<metric>_points`` (weight × ratio),
    then ``composite_score`` and ``composite_class`` (empty where the method's classes are not public).
    Rows lacking any indicator get no score and are listed in the second frame (``id``, ``missing``).
    A method without public weights yields no score at all (``composite_score`` empty everywhere).
    """
    absent = [i.metric for i in method.indicators if i.metric not in df]
    if absent:
        raise InputError(f"columns {absent} missing; compute the metrics first (intensity.compute_metrics)")
    out = df.copy()
    have = pd.DataFrame({i.metric: pd.to_numeric(out[i.metric], errors="coerce").notna()
                         for i in method.indicators}, index=out.index)
    complete = have.all(axis=1)
    ids = out[id_col].astype(str) if id_col and id_col in out else pd.Series(
        np.arange(1, len(out) + 1).astype(str), index=out.index)
    lacking = ~complete
    missing = pd.DataFrame({
        "id": ids[lacking].to_list(),
        "missing": [", ".join(i.metric for i in method.indicators if not have.at[idx, i.metric])
                    for idx in out.index[lacking]],
    })
    score = pd.Series(np.nan, index=out.index)
    if method.scored:
        total = pd.Series(0.0, index=out.index)
        for i in method.indicators:
            ratio = pd.to_numeric(out[i.metric], errors="coerce") / i.benchmark
            if method.cap_ratio is not None:
                ratio = ratio.clip(upper=method.cap_ratio)
            out[f"{i.metric}_ratio"] = ratio
            out[f"{i.metric}_points"] = ratio * i.weight
            total = total + (ratio * i.weight).fillna(0.0)
        score = total.where(complete)
    out["composite_score"] = score
    out["composite_class"] = pd.Series([classify(s, method) for s in score], index=out.index, dtype=object)
    return out, missing


def classify(score: float, method: Method) -> str | None:
    """The class of a score by the method's published cut-offs (score ≥ cut-off); None if not public."""
    if not method.classes_public or score is None or not np.isfinite(score):
        return None
    for label, cut in sorted(method.class_cutoffs.items(), key=lambda kv: -kv[1]):
        if score >= cut:
            return label
    return method.class_labels[-1] if method.class_labels else None


def aggregate_composite(scored: pd.DataFrame, by: str, method: Method) -> pd.DataFrame:
    """Land-weighted composite per ``by`` group: Σ(land_mu × score) / Σ land_mu over scored rows."""
    if by not in scored:
        raise InputError(f"column '{by}' missing; it is needed to aggregate to that level")
    ok = scored["composite_score"].notna() & (pd.to_numeric(scored["land_mu"], errors="coerce") > 0)
    d = scored.loc[ok, [by, "land_mu", "composite_score"]].copy()
    d["w"] = d["land_mu"] * d["composite_score"]
    g = d.groupby(by, dropna=False).agg(land_mu=("land_mu", "sum"), w=("w", "sum"), n_scored=("w", "size"))
    g["composite_score"] = g["w"] / g["land_mu"]
    n_all = scored.groupby(by, dropna=False).size().rename("n_rows")
    g = g.drop(columns="w").join(n_all, how="outer").reset_index()
    g["n_scored"] = g["n_scored"].fillna(0).astype(int)
    g["composite_class"] = [classify(s, method) for s in g["composite_score"]]
    return g
