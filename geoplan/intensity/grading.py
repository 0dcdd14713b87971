"""A/B/C/D grading of intensity metrics by a configurable scheme (``config/grading.yaml``).

Two kinds of scheme: ``percentile`` (rank one metric, cut by cumulative shares) and
``weighted_benchmark`` (Zhejiang-style Σ weight × value/benchmark, graded by shares or cut-offs).
No threshold lives in code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config import safe_yaml
from ..errors import InputError
from ..paths import config_dir
from .metrics import METRICS

GRADES = ("A", "B", "C", "D")
GRADE_LABELS = {"A": ("优先发展", "priority"), "B": ("鼓励提升", "encouraged to improve"),
                "C": ("规范转型", "regulate and transform"), "D": ("调控帮扶", "controlled support"),
                "": ("未分档", "not graded")}


def config_path() -> Path:
    """The default grading configuration, ``config/grading.yaml``."""
    return config_dir() / "grading.yaml"


def load_config(path: str | Path | None = None) -> dict[str, Any]:
    """The grading configuration (default ``config/grading.yaml``), checked."""
    p = Path(path) if path else config_path()
    try:
        cfg = safe_yaml(p.read_bytes(), file=str(p))
    except FileNotFoundError as exc:
        raise InputError("grading configuration not found", file=str(p)) from exc
    except IsADirectoryError:
        raise InputError("is a folder, not a grading configuration file", file=str(p)) from None
    if not isinstance(cfg, dict) or not isinstance(cfg.get("schemes"), dict):
        raise InputError("needs a 'schemes' mapping", file=str(p))
    for name, s in cfg["schemes"].items():
        _check_scheme(name, s, str(p))
    return cfg


def _check_shares(name: str, shares: dict, file: str) -> None:
    if list(shares) != list(GRADES[: len(shares)]) or abs(sum(shares.values()) - 100) > 1e-9:
        raise InputError(f"scheme '{name}': shares must be A, B, C, D (in order) summing to 100, "
                         f"got {shares}", file=file, field="shares")


def _check_scheme(name: str, s: dict, file: str) -> None:
    kind = s.get("kind")
    if kind == "percentile":
        if s.get("metric") not in METRICS:
            raise InputError(f"scheme '{name}': metric {s.get('metric')!r} is not one of {list(METRICS)}",
                             file=file, field="metric")
        _check_shares(name, s.get("shares", {}), file)
    elif kind == "weighted_benchmark":
        ind = s.get("indicators") or {}
        for k, v in ind.items():
            if k not in METRICS:
                raise InputError(f"scheme '{name}': indicator {k!r} is not one of {list(METRICS)}",
                                 file=file, field="indicators")
            if not (float(v.get("benchmark", 0)) > 0 and float(v.get("weight", 0)) > 0):
                raise InputError(f"scheme '{name}': {k} needs benchmark > 0 and weight > 0", file=file)
        if s.get("missing", "mean") not in ("mean", "zero", "renormalise"):
            raise InputError(f"scheme '{name}': missing must be mean, zero or renormalise", file=file)
        if s.get("grade_by", "shares") == "shares":
            _check_shares(name, s.get("shares", {}), file)
        elif s.get("grade_by") != "cutoffs" or not s.get("cutoffs"):
            raise InputError(f"scheme '{name}': grade_by must be 'shares' or 'cutoffs' (with cutoffs)",
                             file=file)
    else:
        raise InputError(f"scheme '{name}': kind must be percentile or weighted_benchmark", file=file)


def _grade_by_shares(score: pd.Series, shares: dict[str, float], min_count: int = 1
                     ) -> tuple[pd.Series, str]:
    """Grades by rank: the best ``shares['A']`` % get A, and so on; ties share the better grade.

    A row's position is the share of rows strictly better than it, so the best row is always A.
    With fewer than ``min_count`` scored rows nothing is graded (shares of a handful mean little).
    """
    ok = score.notna()
    n = int(ok.sum())
    out = pd.Series("", index=score.index, dtype=object)
    if n == 0 or n < min_count:
        return out, (f"only {n} rows to rank; the scheme grades from {min_count}" if n else "")
    better = (score[ok].rank(ascending=False, method="min") - 1) / n
    bounds = np.cumsum(list(shares.values())) / 100.0
    idx = np.searchsorted(bounds, better.to_numpy() + 1e-9, side="right")
    out[ok] = np.array(list(shares))[np.minimum(idx, len(shares) - 1)]
    return out, ""


def weighted_score(df: pd.DataFrame, scheme: dict[str, Any]) -> tuple[pd.Series, pd.Series]:
    """Σ weight × value/benchmark per row and the number of indicators present."""
    ind = scheme["indicators"]
    cap = scheme.get("cap_ratio")
    items, present = {}, {}
    for k, v in ind.items():
        val = df[k].astype(float) if k in df else pd.Series(np.nan, index=df.index)
        ratio = val / float(v["benchmark"])
        if cap:
            ratio = ratio.clip(upper=float(cap))
        items[k] = ratio * float(v["weight"])
        present[k] = ratio.notna()
    items_df, pres = pd.DataFrame(items), pd.DataFrame(present)
    count = pres.sum(axis=1)
    how = scheme.get("missing", "mean")
    if how == "mean":
        filled = items_df.fillna(items_df.mean(axis=0)).fillna(0.0)
        score = filled.sum(axis=1)
    elif how == "zero":
        score = items_df.fillna(0.0).sum(axis=1)
    else:
        w = pd.Series({k: float(v["weight"]) for k, v in ind.items()})
        wp = pres.astype(float).mul(w, axis=1).sum(axis=1)
        score = items_df.fillna(0.0).sum(axis=1) * (w.sum() / wp.where(wp > 0))
    score = score.where(count >= int(scheme.get("min_indicators", 1)))
    return score, count


def grade(df: pd.DataFrame, scheme: str | None = None, config: dict | None = None) -> pd.DataFrame:
    """Add ``grade`` (A–D or empty), ``grade_zh``/``grade_en``, ``grade_score`` and ``grade_scheme``.

    Rows without the scheme's inputs stay ungraded, with ``grade_note`` saying why.
    """
    cfg = config or load_config()
    name = scheme or cfg.get("default")
    if name not in cfg["schemes"]:
        raise InputError(f"grading scheme {name!r} is not one of {sorted(cfg['schemes'])}")
    s = cfg["schemes"][name]
    out = df.copy()
    if s["kind"] == "percentile":
        if s["metric"] not in out:
            raise InputError(f"scheme '{name}' grades on {s['metric']}, which the table lacks")
        score = out[s["metric"]].astype(float)
        g, few = _grade_by_shares(score, s["shares"], int(s.get("min_count", 1)))
        note = np.where(score.isna(), f"no {s['metric']}", few)
    else:
        score, count = weighted_score(out, s)
        if s.get("grade_by", "shares") == "shares":
            g, few = _grade_by_shares(score, s["shares"], int(s.get("min_count", 1)))
        else:
            cut = s["cutoffs"]
            g = pd.Series("D", index=out.index, dtype=object)
            for letter in reversed(list(cut)):  # C, B, A: best cut-off applied last
                g[score >= float(cut[letter])] = letter
            g[score.isna()] = ""
            few = ""
        note = np.where(score.isna(), "too few indicators", few)
    out["grade"] = g
    out["grade_zh"] = g.map(lambda x: GRADE_LABELS[x][0])
    out["grade_en"] = g.map(lambda x: GRADE_LABELS[x][1])
    out["grade_score"] = score
    out["grade_scheme"] = name
    out["grade_note"] = note
    return out
