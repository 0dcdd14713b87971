"""Explaining a site-selection result: criterion and gate labels, per-candidate notes, the explanation dict.

Notes and citation summaries are built once per distinct combination of the facts they depend on,
so a 10⁵-row parcel layer costs a few hundred string builds, not one per row.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ..data import taxonomy
from ..data.citations import cite
from ..i18n import LABELS, t
from . import criteria as crit
from ._groups import group_codes, identity_codes
from .criteria import GATES
from .notes import note
from .spec import CRITERIA, SiteSpec

CRITERION_LABELS = {
    "industry_fit": ("产业契合度", "industry fit (plan support)"),
    "corridor": ("成渝通道临近度", "corridor proximity"),
    "intensity": ("亩均产值效应", "effect on 亩均产值 (output per mu)"),
    "tier": ("园区层级", "park tier (2+10+36)"),
    "region_role": ("一区两群功能契合", "一区两群 role fit (《重庆市制造业高质量发展“十四五”规划》)"),
    "land_fit": ("可用地匹配度", "free land fits the project"),
}


CRITERION_METHODS = {
    "industry_fit": "plan_share × best citation (relation × place level × strength) + (1 − plan_share) × the "
                    "park's own lead industries (data/parks.csv), all factors in config/siting_defaults.yaml",
    "corridor": "1 − distance / scale_km (clipped to 0–1), straight line to the nearest axis or to the chosen axis",
    "intensity": "r / (1 + r), r = project 亩均产值 / benchmark (park figure → host district's planned projects → "
                 "municipal park target); 0.5 when either is unknown",
    "tier": "tier_scores in config/siting_defaults.yaml; a sub-area takes its parent park's tier",
    "region_role": "relation of the industry to the roles seed 002 line 609 gives the candidate's 一区两群 part "
                   "(战略性新兴产业 → 中心城区 counts SEIs named by the SEI plan, seed 003)",
    "land_fit": "r = free land / need: tight_score at r = 1 rising to 1 at tight_ratio, 1 up to loose_ratio, "
                "loose_ratio / r beyond; unknown_score when unknown (config/siting_defaults.yaml land_fit)",
}


GATE_LABELS = {
    "gate_industry": ("规划产业支持", "plan support for the industry"),
    "gate_land": ("可用地 ≥ 需求", "available land ≥ need"),
    "gate_floors": ("标准地控制指标", "标准地 floors"),
    "gate_corridor": ("距通道最大距离", "corridor distance ≤ maximum"),
    "gate_area": ("指定区域", "inside the requested regions/districts"),
    "gate_excluded": ("未被排除", "not excluded by the spec"),
}


PRECISION_NOTES = {p: note(f"prec_{p}") for p in ("district_seat", "town_center")}


def _conf_label(conf: str, lang: str) -> str:
    """A membership-confidence id (``candidate_high`` …) in words; an unknown id stays as it is."""
    key = f"brief_conf_{conf}"
    return t(key, lang) if key in LABELS else str(conf)


def _refs(cites: list[dict]) -> str:
    seen = dict.fromkeys(c.get("cite") or cite(c["source"], c["source_line"]) for c in cites)
    return "; ".join(seen)


def _object_array(values) -> np.ndarray:
    """A 1-d object array of ``values`` (lists stay list objects, not a 2-d array)."""
    if isinstance(values, np.ndarray) and values.dtype == object and values.ndim == 1:
        return values
    a = np.empty(len(values), dtype=object)
    a[:] = list(values)
    return a


def row_records(frame: pd.DataFrame) -> list[dict]:
    """The rows of ``frame`` as dicts (column → value; the geometry under ``"geometry"``), with the
    values ``iterrows`` gives, built block by block instead of one pandas Series per row.

    Examples
    --------
    >>> row_records(pd.DataFrame({"a": [1, 2], "b": ["x", None]}))
    [{'a': 1, 'b': 'x'}, {'a': 2, 'b': nan}]
    """
    geom = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    keys = ["geometry" if c == geom else c for c in frame.columns]
    # one object conversion per block (numbers become Python numbers, as Series.tolist gives them)
    return [dict(zip(keys, row)) for row in frame.to_numpy(object).tolist()]


def _citation_columns(cites: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """n_citations and citation_refs per row, computed once per distinct citation list (candidates
    sharing a support key share one list object).
    """
    keys = identity_codes(cites)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    n = np.array([len(cites[i]) for i in first], dtype=np.int64)
    refs = _object_array([_refs(cites[i]) for i in first])
    return n[inverse], refs[inverse]


def _failed_gates(failed_mask: np.ndarray) -> np.ndarray:
    """'gate_a;gate_b' per row from a rows × GATES boolean mask, by a lookup on the bit pattern."""
    bits = (failed_mask.astype(np.int64) << np.arange(len(GATES))).sum(axis=1)
    table = _object_array([";".join(g for j, g in enumerate(GATES) if b >> j & 1)
                           for b in range(1 << len(GATES))])
    return table[bits]


def _candidate_notes(cands: pd.DataFrame | dict, cols: dict, spec: SiteSpec) -> np.ndarray:
    """Per-row notes, built once per distinct combination of the facts they depend on (``cands``:
    the candidates' frame or a mapping of their column arrays).
    """
    facts = [cands["location_precision"].to_numpy(object), np.asarray(cols["gate_land"], object),
             cands["membership_confidence"].to_numpy(object), np.asarray(cols["support_relation"], object),
             np.asarray(cols["support_level"], object), cols["citations"],
             np.asarray(cols["benchmark_source"], object)]
    inverse, first = group_codes(*facts[:5], identity_codes(facts[5]), facts[6])
    per_key = _object_array(_notes_rows(*(f[first] for f in facts), spec=spec))
    return per_key[inverse]


def _notes_rows(*facts, spec: SiteSpec) -> list[list[str]]:
    notes = []
    for prec, land, conf, rel, lvl, cites, bsrc in zip(*facts):
        n = []
        if prec in PRECISION_NOTES:
            n.append(PRECISION_NOTES[prec])
        if land == crit.UNKNOWN:
            n.append(note("land_unknown", mu=spec.land_mu))
        if conf and conf not in ("confirmed",):
            n.append(note("membership", conf=_conf_label(conf, "en"), conf_zh=_conf_label(conf, "zh")))
        if rel != "none" and lvl == "region":
            regions = sorted({c["place_zh"] for c in cites if c["place_type"] == "region"})
            n.append(note("region_only", regions="、".join(regions)))
        if any(c.get("partial_member") for c in cites):
            n.append(note("partial"))
        if bsrc == "none":
            n.append(note("no_benchmark"))
        notes.append(n)
    return notes


def _gate_dict(row: dict) -> dict:
    land = row["available_land_mu"]
    values = {
        "gate_industry": f"{row['support_relation']} at {row['support_level'] or '—'} level"
                         if row["support_relation"] != "none" else "no plan assigns this or a related industry here",
        "gate_land": "unknown" if pd.isna(land) else f"{land:.0f} 亩 available",
        "gate_floors": "; ".join(row["floor_details"]) or "no floor for this park",
        "gate_corridor": f"{row['corridor_km']:.1f} km to {row['corridor_id']} (±{row['corridor_margin_km']:g} km)",
        "gate_area": f"host {row['host_zh']} ({row['region_zh']})",
        "gate_excluded": "",
    }
    return {g: {"status": row[g], "value": values[g], "label_zh": GATE_LABELS[g][0],
                "label_en": GATE_LABELS[g][1]} for g in GATES}


def _candidate_dict(row: dict, max_cites: int = 8) -> dict:
    return {
        "rank": None if pd.isna(row["rank"]) else int(row["rank"]),
        "cand_id": row["cand_id"], "name_zh": row["name_zh"], "name_en": row["name_en"],
        "tier": row["tier"], "tier_source": row["tier_source"], "host_adcode": None if pd.isna(row["host_adcode"]) else int(row["host_adcode"]),
        "host_zh": row["host_zh"], "region_id": row["region_id"], "region_zh": row["region_zh"],
        "location_precision": row["location_precision"],
        "lon": round(float(row["geometry"].centroid.x), 5), "lat": round(float(row["geometry"].centroid.y), 5),
        "score": float(row["score"]),
        "contributions": {c: float(row[f"c_{c}"]) for c in CRITERIA},
        "criterion_scores": {c: float(row[f"s_{c}"]) for c in CRITERIA},
        "gates": _gate_dict(row),
        "failed_gates": [g for g in row["failed_gates"].split(";") if g],
        "support": {"relation": row["support_relation"], "level": row["support_level"],
                    "n_citations": int(row["n_citations"])},
        "citations": row["citations"][:max_cites],
        "region_role_citations": row["role_citations"][:2],
        "intensity_benchmark": {"output_per_mu": None if np.isnan(row["benchmark_output_per_mu"])
                                else round(float(row["benchmark_output_per_mu"]), 1),
                                "source": row["benchmark_source"]},
        "available_land_mu": None if pd.isna(row["available_land_mu"]) else float(row["available_land_mu"]),
        "land_source": row["land_source"],
        "notes": row["notes"],
    }


def _explain(spec, industry_id, weights, metrics, ranked, excluded, counts, notes, floor_path, area_label) -> dict:
    """The explanation dict; ``ranked`` and ``excluded`` are rows as :func:`row_records` gives them
    (``excluded`` needs only its head, the best five), ``counts`` are over
    every candidate (n_candidates, n_eligible, n_excluded, n_unknown_land, n_seat, excluded_by_gate).
    """
    ind = taxonomy.industry_record(industry_id)
    n_unknown_land = counts["n_unknown_land"]
    if n_unknown_land:
        notes.append(note("unknown_land", n=n_unknown_land, total=counts["n_eligible"]))
    n_seat = counts["n_seat"]
    if n_seat:
        notes.append(note("seat", n=n_seat))
    total = sum(weights.values())
    return {
        "query": spec.to_dict(),
        "industry": {"id": industry_id, "name_zh": ind["name_zh"], "name_en": ind["name_en"],
                     "kind": ind["kind"]},
        "weights": {c: round(weights[c] / total, 4) for c in CRITERIA},
        "criteria": {c: {"label_zh": CRITERION_LABELS[c][0], "label_en": CRITERION_LABELS[c][1],
                         "method": CRITERION_METHODS[c]} for c in CRITERIA},
        "project_metrics_wan_per_mu": {k: None if v is None else round(v, 2) for k, v in metrics.items()},
        "floor_table": floor_path,
        "area_filter": area_label,
        "n_candidates": counts["n_candidates"],
        "n_eligible": counts["n_eligible"],
        "n_excluded": counts["n_excluded"],
        "ranked": [_candidate_dict(r) for r in ranked],
        "excluded_best": [_candidate_dict(r, max_cites=3) for r in excluded[:5]],
        "excluded_by_gate": dict(counts["excluded_by_gate"]),
        "notes": notes,
    }
