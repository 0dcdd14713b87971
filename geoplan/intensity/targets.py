"""Plan targets: the municipal 产出强度 targets of ``data/targets.csv`` and the 2027 targets of
``data/targets_2027.csv`` (渝府办发〔2023〕72号 and the 2023—2027 manufacturing action plan), and
their tracking against actual figures (:func:`track_targets`).

The red/amber/green rule is in ``config/targets_tracking.yaml`` and is geoplan's own, not policy.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import config_path, load_config, number, validate
from ..data import catalog
from ..errors import ConfigError, DataError, InputError
from ..paths import data_dir
from ..units import WAN_PER_MU_PER_YI_PER_KM2
from .metrics import METRICS

TARGET_INDICATOR_ZH = "园区规模工业用地产出强度"
TARGETS_2027_FILE = "targets_2027.csv"
TRACKING_FILE = "targets_tracking.yaml"
TARGET_COLUMNS = ["indicator", "indicator_zh", "kind", "op", "value", "unit", "year", "scope", "doc_title",
                  "doc_number", "date", "url", "evidence_zh"]
# growth target -> the indicator whose actuals it is measured on
GROWTH_BASE = {"va_per_mu_growth": "va_per_mu", "tax_per_mu_growth": "tax_per_mu",
               "va_per_energy_growth": "va_per_energy", "va_per_emission_growth": "va_per_emission",
               "rd_share_pct_increase": "rd_share_pct"}
STATUS_LABELS = {"green": ("绿", "green"), "amber": ("黄", "amber"), "red": ("红", "red"), "": ("无状态", "no status")}


def municipal_output_target() -> pd.DataFrame:
    """The municipal 园区规模工业用地产出强度 targets by year, in 亿元/km² and 万元/亩, with source.

    Read from ``data/targets.csv`` (seed 000's indicator table); a table without the indicator is
    a data error, not a reason to fall back on figures in code.
    """
    t = catalog.targets()
    rows = t[t["indicator_zh"].astype(str).str.contains(TARGET_INDICATOR_ZH, regex=False)]
    if rows.empty:
        raise DataError(f"data/targets.csv has no {TARGET_INDICATOR_ZH} rows")
    years = pd.to_numeric(rows["year"], errors="coerce").astype("Int64")
    vals = pd.to_numeric(rows["value"], errors="coerce").astype(float)
    out = pd.DataFrame({"year": years, "yi_per_km2": vals,
                        "source": rows["source"] + " L" + rows["source_line"].astype(str)})
    out = out.dropna(subset=["year", "yi_per_km2"]).sort_values("year").reset_index(drop=True)
    out["wan_per_mu"] = out["yi_per_km2"] * WAN_PER_MU_PER_YI_PER_KM2
    return out


def benchmark_municipal(df: pd.DataFrame, metric: str = "output_per_mu") -> pd.DataFrame:
    """Add ``vs_target_<year>``: ``metric`` (万元/亩) divided by the municipal target of that year."""
    out = df.copy()
    for year, wan in zip(municipal_output_target()["year"], municipal_output_target()["wan_per_mu"]):
        out[f"vs_target_{int(year)}"] = out[metric] / wan
    return out


def targets_2027(path: str | Path | None = None) -> pd.DataFrame:
    """The 2027 municipal targets with provenance (doc title, number, date, URL, verbatim evidence).

    One row per indicator: where two documents set the same target, the first row (渝府办发〔2023〕72号)
    is kept and ``also_in`` names the other document.
    """
    p = Path(path) if path else data_dir() / TARGETS_2027_FILE
    try:
        t = pd.read_csv(p, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise DataError(f"{p.name} not found") from None
    missing = [c for c in TARGET_COLUMNS if c not in t]
    if missing:
        raise DataError(f"{p.name} lacks columns {missing}")
    empty = t[(t["value"] == "") | (t["url"] == "") | (t["evidence_zh"] == "")]
    if not empty.empty:
        raise DataError(f"{p.name} line {int(empty.index[0]) + 2}: a target without value, url or evidence")
    t["value"] = pd.to_numeric(t["value"], errors="raise").astype(float)
    t["year"] = pd.to_numeric(t["year"], errors="raise").astype(int)
    if "indicator_en" not in t:  # an older or user table: the Chinese name stands in
        t["indicator_en"] = t["indicator_zh"]
    t["indicator_en"] = t["indicator_en"].where(t["indicator_en"] != "", t["indicator_zh"])
    also = t.groupby("indicator")["doc_title"].agg(lambda s: "; ".join(s.iloc[1:]))
    t = t.drop_duplicates("indicator", keep="first").reset_index(drop=True)
    t["also_in"] = t["indicator"].map(also).fillna("")
    return t


def _tracking(path: str | Path | None = None) -> dict:
    """``config/targets_tracking.yaml`` validated: the status rule and the tracked seed targets."""
    p = Path(path) if path else config_path(TRACKING_FILE)
    cfg = load_config(p)

    def flag(v, key):
        if v is not False:
            raise ConfigError(f"'{key}' must be false: the status rule is geoplan's own, not policy", field=key)
        return v

    def text(v, key):
        if not isinstance(v, str) or not v.strip():
            raise ConfigError(f"'{key}' must be a non-empty text", field=key)
        return v

    def seeds(v, key):
        if not isinstance(v, dict) or not all(isinstance(k, str) and isinstance(c, str) and c.strip()
                                              for k, c in v.items()):
            raise ConfigError(f"'{key}' must map target ids of data/targets.csv to indicator codes", field=key)
        return v

    return validate(cfg, {"status_rule": {"policy": flag, "amber_share": number(0, 1, lo_open=True),
                                          "statement_zh": text, "statement_en": text},
                          "?seed_targets": seeds}, file=p.name)


def status_rule(path: str | Path | None = None) -> dict:
    """The (geoplan's own) red/amber/green rule of ``config/targets_tracking.yaml``."""
    return _tracking(path)["status_rule"]


def seed_targets(path: str | Path | None = None) -> pd.DataFrame:
    """The plan targets of ``data/targets.csv`` named in ``config/targets_tracking.yaml`` (``seed_targets``).

    Same columns as :func:`targets_2027` plus ``target_id`` and ``source`` (seed file and line); the
    document title, number and date come from ``data/plans.csv``. A configured id missing from
    ``data/targets.csv``, or a row without a numeric value, is a data error.
    """
    chosen = _tracking(path).get("seed_targets") or {}
    t = catalog.targets()
    t = t.assign(target_id=t["target_id"].astype(str))
    missing = sorted(set(chosen) - set(t["target_id"]))
    if missing:
        raise DataError(f"data/targets.csv has no target {missing[0]} (named in {TRACKING_FILE})")
    rows = t[t["target_id"].isin(list(chosen))].copy()
    val = pd.to_numeric(rows["value_num"], errors="coerce")
    if val.isna().any():
        bad = rows.loc[val.isna(), "target_id"].iloc[0]
        raise DataError(f"data/targets.csv target {bad} has no numeric value (value_num)")
    plans = catalog.plans().set_index("plan_id")
    out = pd.DataFrame({
        "target_id": rows["target_id"], "indicator": rows["target_id"].map(chosen),
        "indicator_zh": rows["indicator_zh"], "indicator_en": rows["indicator_en"].fillna(rows["indicator_zh"]),
        "kind": "level", "op": ">=", "value": val.astype(float),
        "unit": rows["unit"], "year": pd.to_numeric(rows["year"], errors="raise").astype(int),
        "scope": rows["scope"], "doc_title": rows["plan_id"].map(plans["title_zh"]),
        "doc_number": rows["plan_id"].map(plans["doc_number"]), "date": rows["plan_id"].map(plans["date"]),
        "url": rows["plan_id"].map(plans["url"]).fillna(""), "evidence_zh": rows["evidence_zh"],
        "source": rows["source"] + " L" + rows["source_line"].astype(str), "also_in": ""})
    return out.sort_values(["indicator", "year"]).reset_index(drop=True)


def all_targets() -> pd.DataFrame:
    """The tracked seed targets (2019–2025) and the 2027 targets in one table, each with ``target_id``."""
    t27 = targets_2027()
    t27 = t27.assign(target_id="2027:" + t27["indicator"], source=t27["doc_number"])
    return pd.concat([seed_targets(), t27], ignore_index=True)[["target_id", *TARGET_COLUMNS, "indicator_en",
                                                                "also_in", "source"]]


def read_actuals(df: pd.DataFrame, *, file: str | None = None) -> pd.DataFrame:
    """Actual figures: columns ``indicator``, ``year``, ``value`` (``unit`` optional), checked."""
    need = ["indicator", "year", "value"]
    missing = [c for c in need if c not in df]
    if missing:
        raise InputError(f"columns {missing} missing; expected indicator, year, value, unit", file=file)
    out = df.copy()
    for col in ("year", "value"):
        num = pd.to_numeric(out[col], errors="coerce")
        bad = num.isna() & out[col].notna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"'{out[col].iloc[i]}' is not a number", file=file, row=i + 1, field=col)
        out[col] = num
    out = out.dropna(subset=["year", "value"])
    out["year"] = out["year"].astype(int)
    out["indicator"] = out["indicator"].astype(str).str.strip()
    if "unit" not in out:
        out["unit"] = ""
    return out.sort_values(["indicator", "year"]).reset_index(drop=True)


def _cagr(first: float, last: float, years: int) -> float:
    if years <= 0 or first <= 0 or last <= 0:
        return math.nan
    return (last / first) ** (1.0 / years) - 1.0


def track_targets(actuals: pd.DataFrame | None = None, targets: pd.DataFrame | None = None,
                  rule: dict | None = None) -> pd.DataFrame:
    """Each target against the actual figures: latest actual, gap, required annual growth, status.

    ``targets`` defaults to :func:`all_targets` (seed targets and 2027 targets). Level targets whose
    target year has an actual are judged on that year's actual. Level targets ahead:
    ``gap = target − latest actual``; ``required_growth_pct`` =
    ((target / actual)^(1 / (target year − latest year)) − 1) × 100. Growth targets: ``actual`` is the
    observed average annual growth (%, or percentage points per year for 百分点/年) between the first
    and latest actual years; ``gap = target − observed``. ``status`` by :func:`status_rule`
    (geoplan's own rule); empty where the data do not allow one, with ``note`` saying why.
    """
    t = all_targets() if targets is None else targets
    rule = status_rule() if rule is None else rule
    amber = float(rule["amber_share"])
    a = read_actuals(actuals) if actuals is not None else pd.DataFrame(columns=["indicator", "year", "value"])
    rows = []
    for _, tr in t.iterrows():
        base = GROWTH_BASE.get(tr["indicator"], tr["indicator"]) if tr["kind"] == "growth" else tr["indicator"]
        s = a[a["indicator"] == base].sort_values("year")
        rec = {"target_id": tr.get("target_id", tr["indicator"]), "indicator": tr["indicator"], "indicator_zh": tr["indicator_zh"],
               "indicator_en": tr.get("indicator_en", tr["indicator_zh"]), "kind": tr["kind"],
               "target": float(tr["value"]), "unit": tr["unit"], "target_year": int(tr["year"]),
               "doc_title": tr.get("doc_title", ""), "doc_number": tr["doc_number"], "url": tr["url"], "latest_year": None, "actual": math.nan,
               "gap": math.nan, "required_growth_pct": math.nan, "path_value": math.nan, "status": "",
               "note": ""}
        target, ty = float(tr["value"]), int(tr["year"])
        if s.empty:
            rec["note"] = "no actual figures / 无实际数据"
            rows.append(rec)
            continue
        y0, v0 = int(s["year"].iloc[0]), float(s["value"].iloc[0])
        y1, v1 = int(s["year"].iloc[-1]), float(s["value"].iloc[-1])
        rec["latest_year"] = y1
        if tr["kind"] == "growth":
            if y1 == y0:
                rec["note"] = "one year of actuals; growth needs two / 仅一年数据，无法计算增速"
                rows.append(rec)
                continue
            if "百分点" in str(tr["unit"]):
                obs = (v1 - v0) / (y1 - y0)
            else:
                obs = _cagr(v0, v1, y1 - y0) * 100.0
            rec["actual"], rec["gap"] = obs, target - obs
            if math.isfinite(obs):
                rec["status"] = "green" if obs >= target else ("amber" if obs >= amber * target else "red")
            rows.append(rec)
            continue
        if ty <= y1:  # the target year has passed: that year's actual decides
            at = s[s["year"] == ty]
            if at.empty:
                rec["note"] = f"no actual for the target year {ty} / 目标年份{ty}无实际数据"
            else:
                va = float(at["value"].iloc[-1])
                rec["latest_year"], rec["actual"], rec["gap"] = ty, va, target - va
                rec["status"] = "green" if va >= target else ("amber" if va >= amber * target else "red")
            rows.append(rec)
            continue
        rec["actual"], rec["gap"] = v1, target - v1
        if ty > y1 and v1 > 0 and target > 0:
            rec["required_growth_pct"] = ((target / v1) ** (1.0 / (ty - y1)) - 1.0) * 100.0
        if v1 >= target:
            rec["status"] = "green"
        elif y1 == y0 or v0 <= 0 or ty <= y0:
            rec["note"] = "one year of actuals, target not yet met / 仅一年数据且未达标，无法判断路径"
        else:
            path = v0 * (target / v0) ** ((y1 - y0) / (ty - y0))
            rec["path_value"] = path
            rec["status"] = "green" if v1 >= path else ("amber" if v1 >= amber * path else "red")
        rows.append(rec)
    out = pd.DataFrame(rows)
    out["latest_year"] = pd.array(out["latest_year"].tolist(), dtype="Int64")
    return out


def chart_data(indicator: str, targets: pd.DataFrame | None = None, actuals: pd.DataFrame | None = None
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The target line and the actual points of one level indicator, for a chart.

    Returns ``(target, actual)``: ``target`` has ``year``, ``value``, ``doc_number`` (one row per level
    target of ``indicator``, by year); ``actual`` has ``year``, ``value`` (read by :func:`read_actuals`).
    """
    t = all_targets() if targets is None else targets
    tl = t[(t["indicator"] == indicator) & (t["kind"] == "level")]
    tl = tl.sort_values("year")[["year", "value", "doc_number", "unit"]].reset_index(drop=True)
    a = read_actuals(actuals) if actuals is not None else pd.DataFrame(columns=["indicator", "year", "value"])
    pts = a[a["indicator"] == indicator][["year", "value"]].reset_index(drop=True)
    return tl, pts


def merge_actuals(*frames: pd.DataFrame | None) -> pd.DataFrame | None:
    """Actual figures from several sources (workspace store, an upload …); a later frame wins per (indicator, year)."""
    got = [read_actuals(f) for f in frames if f is not None and len(f)]
    if not got:
        return None
    a = pd.concat(got, ignore_index=True)
    a = a.drop_duplicates(["indicator", "year"], keep="last")
    return a.sort_values(["indicator", "year"]).reset_index(drop=True)


def tracked_indicators(targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """Indicator codes that actual figures are entered under, with a label and unit (one row each).

    The level targets' indicators, and the indicators growth targets are measured on (亩均增加值 …).
    """
    t = all_targets() if targets is None else targets
    lv = t[t["kind"] == "level"].drop_duplicates("indicator", keep="last")
    en = lv["indicator_en"] if "indicator_en" in lv else lv["indicator_zh"]
    rows = {ind: (zh, e, u) for ind, zh, e, u in zip(lv["indicator"], lv["indicator_zh"], en, lv["unit"])}
    for ind in t.loc[t["kind"] == "growth", "indicator"]:
        code = GROWTH_BASE.get(ind, ind)
        if code not in rows and code in METRICS:
            rows[code] = (METRICS[code].zh, METRICS[code].en, METRICS[code].unit)
    out = pd.DataFrame([(k, zh, e, u) for k, (zh, e, u) in rows.items()],
                       columns=["indicator", "indicator_zh", "indicator_en", "unit"])
    return out.sort_values("indicator").reset_index(drop=True)


def note_text(note: str, lang: str) -> str:
    """The part of a bilingual ``note`` of :func:`track_targets` ("English / 中文") in ``lang``."""
    en, sep, zh = str(note or "").partition(" / ")
    return (zh if lang == "zh" else en) if sep else en
