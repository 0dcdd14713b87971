"""Site selection for investment projects: gates, weighted score, plan citations, stability.

``select_sites(spec, candidates=None)`` answers "a project in industry X needs N 亩 … which parks
should we offer, and why?". Candidates are the embedded parks or a user layer (same code path).

Gates (pass / fail / unknown / n/a; only *fail* excludes): plan support for the industry at the
park, its host district or a region containing it; available land ≥ need (unknown ≠ pass);
标准地 floors; corridor distance; requested regions/districts; exclusions.
Score (0–100) = Σ weight × criterion score (0–1) / Σ weights; the per-criterion contributions add up
to the score. Defaults and their reasons: ``config/siting_defaults.yaml``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from . import catalog, corridor, parcels, taxonomy
from . import siting_criteria as crit
from . import siting_support as sup
from .errors import InputError, ResolutionError
from .siting_candidates import normalise_candidates, park_candidates
from .siting_spec import CRITERIA, SiteSpec, siting_defaults
from .siting_stability import stability_report

GATES = ("gate_industry", "gate_land", "gate_floors", "gate_corridor", "gate_area", "gate_excluded")
CRITERION_LABELS = {
    "industry_fit": ("产业契合度", "industry fit (plan support)"),
    "corridor": ("成渝通道临近度", "corridor proximity"),
    "intensity": ("亩均产值效应", "effect on 亩均产值 (output per mu)"),
    "tier": ("园区层级", "park tier (2+10+36)"),
    "region_role": ("一区两群功能契合", "一区两群 role fit (seed 002 L609)"),
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
}
GATE_LABELS = {
    "gate_industry": ("规划产业支持", "plan support for the industry"),
    "gate_land": ("可用地 ≥ 需求", "available land ≥ need"),
    "gate_floors": ("标准地控制指标", "标准地 floors"),
    "gate_corridor": ("距通道最大距离", "corridor distance ≤ maximum"),
    "gate_area": ("指定区域", "inside the requested regions/districts"),
    "gate_excluded": ("未被排除", "not excluded by the spec"),
}
PREFILTER_ABOVE = 50_000  # candidate layers larger than this go through parcels.prefilter first
PRECISION_NOTES = {
    "district_seat": ("location is the host district's seat (按区县政府驻地近似); the park may be 10–30 km "
                      "away, so its corridor distance is approximate"),
    "town_center": "location is a town centre (±5 km); corridor distance approximate",
}


@dataclass
class SiteSelectionResult:
    """Ranked candidates, excluded ones, an explanation dict and the stability report."""

    spec: SiteSpec
    ranked: gpd.GeoDataFrame  # top ``spec.top`` candidates passing every gate, best first
    excluded: gpd.GeoDataFrame  # candidates failing a gate, best score first
    scored: gpd.GeoDataFrame  # every candidate with scores and gates (eligible ones have a rank)
    explanation: dict = field(default_factory=dict)
    stability: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {**self.explanation, "stability": self.stability}

    def to_json(self, indent: int | None = 2) -> str:
        """The explanation (query, ranked candidates with gates, contributions, citations, excluded
        candidates and why, notes) plus the stability report, as JSON."""
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


# ---------------------------------------------------------------- query resolution
def resolve_industry_text(text: str) -> str:
    """Industry id for free text; the error lists the nearest taxonomy entries."""
    try:
        return taxonomy.resolve_industry(text)
    except ResolutionError as exc:
        if exc.candidates:
            raise
        sugg = taxonomy.suggest_industries(text, 5)
        hint = "; ".join(f"{i} ({zh} / {en})" for i, zh, en in sugg) or "none"
        raise ResolutionError(f"{exc} Nearest taxonomy entries: {hint}",
                              candidates=[s[0] for s in sugg]) from None


def _relation(query_id: str, other_id: str) -> str | None:
    """industry_relation, or None when ``other_id`` is not a taxonomy id (e.g. a typo in a floor table)."""
    try:
        return taxonomy.industry_relation(query_id, other_id)
    except ResolutionError:
        return None


def place_adcodes(text: str) -> tuple[set[int], set[str], str]:
    """(adcodes, park ids, label) of a place name (region → members, district, park)."""
    ptype, pid = taxonomy.resolve_place(text)
    if ptype == "region":
        members = set(catalog.region_members(pid))
        if not members:
            note = catalog.regions_table().set_index("region_id").at[pid, "members_note"]
            raise InputError(f"region '{text}' ({pid}) has no member districts in data/regions.csv"
                             + (f" ({note})" if note else "") + "; name its districts instead",
                             field="regions")
        return members, set(), f"region {pid}"
    if ptype == "district":
        return {int(pid)}, set(), f"district {pid}"
    return set(), {pid}, f"park {pid}"


def _area_gate(spec: SiteSpec, cands: gpd.GeoDataFrame) -> tuple[np.ndarray, str]:
    names = list(spec.regions) + list(spec.districts)
    if not names:
        return np.full(len(cands), crit.NA, dtype=object), ""
    codes, parks, labels = set(), set(), []
    for name in names:
        c, p, lab = place_adcodes(name)
        codes |= c
        parks |= p
        labels.append(f"{name} → {lab}")
    ok = cands["host_adcode"].isin(list(codes)).to_numpy() | cands["park_id"].isin(list(parks)).to_numpy()
    return np.where(ok, crit.PASS, crit.FAIL).astype(object), "; ".join(labels)


def _excluded_gate(spec: SiteSpec, cands: gpd.GeoDataFrame) -> np.ndarray:
    if not spec.exclude:
        return np.full(len(cands), crit.NA, dtype=object)
    hit = np.zeros(len(cands), bool)
    ids = set(cands["cand_id"])
    for name in spec.exclude:
        if name in ids:
            hit |= (cands["cand_id"] == name).to_numpy()
            continue
        c, p, _ = place_adcodes(name)
        hit |= cands["host_adcode"].isin(list(c)).to_numpy()
        hit |= cands["park_id"].isin(list(p)).to_numpy() | cands["parent_park_id"].isin(list(p)).to_numpy()
    return np.where(hit, crit.FAIL, np.where(len(spec.exclude) > 0, crit.PASS, crit.NA)).astype(object)


# ---------------------------------------------------------------- the query
def select_sites(spec: SiteSpec | dict, candidates: gpd.GeoDataFrame | None = None,
                 prefilter_above: int | None = PREFILTER_ABOVE) -> SiteSelectionResult:
    """Rank candidate sites for a project (see the module docstring).

    A candidate layer with more than ``prefilter_above`` rows first goes through
    ``geoplan.parcels.prefilter``, which drops the rows that certainly fail the land, area or
    corridor gate; the ranked list and the stability report are the same, the excluded list then
    holds only the rows that got past the filter, and the explanation says how many were removed
    (``prefilter``). ``prefilter_above=None`` scores every row.
    """
    if isinstance(spec, dict):
        spec = SiteSpec.from_dict(spec)
    cfg = siting_defaults()
    fit_cfg = cfg["industry_fit"]
    industry_id = resolve_industry_text(spec.industry)
    notes: list[str] = []
    pre = None
    if (candidates is not None and prefilter_above is not None and len(candidates) > prefilter_above
            and isinstance(candidates, gpd.GeoDataFrame) and candidates.crs is not None):
        short = parcels.prefilter(candidates, spec)
        if len(short):  # keep the whole layer when nothing passes, so the excluded list explains why
            pre = {"n_input": len(candidates), "n_removed": len(candidates) - len(short),
                   "n_kept": len(short), "threshold": prefilter_above}
            notes.append(f"{pre['n_removed']:,} of {pre['n_input']:,} candidates certainly fail the land, "
                         "area or corridor gate (parcels.prefilter) and were not scored; the ranking is the "
                         "same, the excluded list holds only the candidates scored")
            candidates = short
    cands = park_candidates() if candidates is None else normalise_candidates(candidates)
    n = len(cands)

    # plan support (gate + industry fit)
    rows = sup.related_assignments(industry_id, fit_cfg, spec.min_relation)
    table = sup.build_support_table(rows)
    support = sup.support_for_candidates(table, cands["park_id"].to_numpy(), cands["parent_park_id"].to_numpy(),
                                         cands["host_adcode"].to_numpy())
    profile = sup.profile_fit(industry_id, cands["industry_ids"], fit_cfg)
    share = float(fit_cfg["plan_share"])
    s_fit = share * support["plan_fit"].to_numpy() + (1 - share) * profile
    gate_industry = np.where(support["support_relation"].to_numpy() != "none", crit.PASS, crit.FAIL)

    # land
    gate_land = crit.land_gate(cands["available_land_mu"].to_numpy(float), spec.land_mu)

    # 标准地 floors
    metrics = crit.project_metrics(spec.land_mu, spec.investment_yi, spec.output_yi, spec.tax_wan)
    floors, floor_path = crit.load_floors(spec.floors)
    if floors is not None:
        related = [i for i in floors["industry_id"].unique() if i != "*" and _relation(industry_id, i)]
        fv = crit.floors_for(floors, industry_id, related, cands["park_id"].to_numpy())
        gate_floors, floor_details = crit.floors_gate(fv, metrics)
        if floor_path == str(crit.default_floor_path()):
            notes.append(f"标准地 floors from {floor_path}: an illustrative EXAMPLE, not Chongqing policy "
                         "(pass --floors your_table.csv, or floors: none)")
    else:
        gate_floors, floor_details = np.full(n, crit.NA, dtype=object), [[] for _ in range(n)]
        notes.append("no 标准地 floor table given or found: floors gate is n/a")

    # corridor
    dist, nearest_id, band = corridor_distances(cands, spec.axis)
    margins = cands["location_precision"].map(cfg["corridor"]["precision_margin_km"]).fillna(0).to_numpy(float)
    gate_corr = crit.corridor_gate(dist, margins, spec.max_corridor_km)
    s_corr = crit.corridor_score(dist, float(cfg["corridor"]["scale_km"]))

    # intensity
    bench, bench_label = crit.intensity_benchmarks(cands["host_adcode"].to_numpy(), cands["output_per_mu"].to_numpy())
    neutral = float(cfg["intensity"]["neutral"])
    s_int = crit.intensity_score(metrics["output_per_mu"], bench, neutral)
    if metrics["output_per_mu"] is None:
        notes.append("no expected output given: the 亩均产值 effect is neutral (0.5) for every candidate")

    # tier, region role
    s_tier = crit.tier_score(cands["tier"], cfg["tier_scores"])
    s_role, role_cites, role_note = sup.role_fit(industry_id, cands["host_adcode"].to_numpy(), fit_cfg, neutral)
    notes.append(role_note)

    gate_area, area_label = _area_gate(spec, cands)
    gate_excl = _excluded_gate(spec, cands)

    # score
    w = spec.effective_weights()
    wv = np.array([w[c] for c in CRITERIA])
    S = np.column_stack([s_fit, s_corr, s_int, s_tier, s_role])
    contrib = S * (wv / wv.sum()) * 100.0
    score = contrib.sum(axis=1)

    cites = support["citations"].to_numpy()
    cite_n, cite_refs = _citation_columns(cites)
    gates = np.column_stack([np.asarray(a, dtype=object) for a in
                             (gate_industry, gate_land, gate_floors, gate_corr, gate_area, gate_excl)])
    failed_mask = gates == crit.FAIL
    eligible = ~failed_mask.any(axis=1)
    cols: dict[str, object] = {"industry_id": np.full(n, industry_id, dtype=object),
                               "score": np.round(score, 3)}
    for j, c in enumerate(CRITERIA):
        cols[f"s_{c}"] = np.round(S[:, j], 4)
        cols[f"c_{c}"] = np.round(contrib[:, j], 3)
    cols.update({
        "support_relation": support["support_relation"].to_numpy(),
        "support_level": support["support_level"].to_numpy(),
        "plan_fit": support["plan_fit"].to_numpy(),
        "profile_fit": profile,
        "citations": cites,
        "n_citations": cite_n,
        "citation_refs": cite_refs,
        "role_citations": _object_array(role_cites),
        "corridor_km": np.round(dist, 2),
        "corridor_id": nearest_id,
        "corridor_band": band,
        "corridor_margin_km": margins,
        "benchmark_output_per_mu": bench,
        "benchmark_source": bench_label,
        **{g: gates[:, j] for j, g in enumerate(GATES)},
        "floor_details": _object_array(floor_details),
        "eligible": eligible,
        "failed_gates": _failed_gates(failed_mask),
    })
    cols["notes"] = _candidate_notes(cands, cols, spec)

    # eligible first; then by score, plan fit, tier, id (stable and documented)
    order = np.lexsort((cands["cand_id"].to_numpy(), -s_tier, -cols["plan_fit"], -score, ~eligible))
    new_cols = pd.DataFrame({k: (v[order] if isinstance(v, np.ndarray) else np.asarray(v)[order])
                             for k, v in cols.items()})
    base = cands.take(order).reset_index(drop=True)
    base = base.drop(columns=[c for c in new_cols.columns if c in base.columns])
    out = gpd.GeoDataFrame(pd.concat([pd.DataFrame(base), new_cols], axis=1),
                           geometry=cands.geometry.name, crs=cands.crs)
    elig = out["eligible"].to_numpy()
    out["rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out.loc[elig, "rank"] = np.arange(1, elig.sum() + 1)
    ranked = out[elig].head(spec.top).reset_index(drop=True)
    excluded = out[~elig].reset_index(drop=True)

    e = out[elig]
    s_elig = S[order][elig]  # unrounded criterion scores, in base order (which is the tie-break)
    stab = stability_report(s_elig, wv, list(CRITERIA), np.arange(len(e)), e["cand_id"].to_numpy(object).tolist(),
                            cfg["stability"])
    top_ids = [row["cand_id"] for row in stab.get("top", [])]
    hit = out[out["cand_id"].isin(top_ids)]
    names = dict(zip(hit["cand_id"], hit["name_zh"]))
    for row in stab.get("top", []):
        row["name_zh"] = names.get(row["cand_id"], "")

    explanation = _explain(spec, industry_id, w, metrics, ranked, excluded, out, notes, floor_path,
                           area_label)
    if pre is not None:  # counts over the whole input layer; excluded_by_gate counts the scored rows
        explanation["prefilter"] = pre
        explanation["n_candidates"] = pre["n_input"]
        explanation["n_excluded"] = pre["n_input"] - explanation["n_eligible"]
    return SiteSelectionResult(spec, ranked, excluded, out, explanation, stab)


def corridor_distances(cands: gpd.GeoDataFrame, axis: str | None = None
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distance (km) to ``axis`` or to the nearest axis, that axis' id, and the distance band.

    The same lines, CRS and measure as ``corridor.corridor_proximity`` (tests check they agree),
    without its chainage, which site selection does not use. ``dist_km_<axis>`` columns (from
    ``parcels.prepare_parcels``) are reused; only rows without them are measured.
    """
    lines = corridor.corridor_lines()
    ids = list(lines["corridor_id"])
    if axis is not None:
        lines, ids = lines[lines["corridor_id"] == axis], [axis]
    have = [f"dist_km_{c}" for c in ids]
    if all(c in cands.columns for c in have):  # written by parcels.prepare_parcels: same lines and measure
        dist = np.column_stack([pd.to_numeric(cands[c], errors="coerce").to_numpy(float) for c in have])
    else:
        dist = np.full((len(cands), len(ids)), np.nan)
    redo = np.isnan(dist).any(axis=1)
    if redo.any():
        dist[redo] = corridor.distance_matrix(cands[redo], lines)
    k = np.argmin(dist, axis=1)
    d = dist[np.arange(len(dist)), k]
    return d, np.array(ids, dtype=object)[k], corridor.assign_band(d)[0]


def _refs(cites: list[dict]) -> str:
    seen = dict.fromkeys(f"{c['source'][:3]} L{c['source_line']}" for c in cites)
    return "; ".join(seen)


def _object_array(values) -> np.ndarray:
    """A 1-d object array of ``values`` (lists stay list objects, not a 2-d array)."""
    a = np.empty(len(values), dtype=object)
    a[:] = list(values)
    return a


def _citation_columns(cites: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """n_citations and citation_refs per row, computed once per distinct citation list (candidates
    sharing a support key share one list object)."""
    keys = np.fromiter((id(c) for c in cites), dtype=np.int64, count=len(cites))
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


def _candidate_notes(cands: pd.DataFrame, cols: dict, spec: SiteSpec) -> np.ndarray:
    """Per-row notes, built once per distinct combination of the facts they depend on."""
    facts = [cands["location_precision"].to_numpy(object), np.asarray(cols["gate_land"], object),
             cands["membership_confidence"].to_numpy(object), np.asarray(cols["support_relation"], object),
             np.asarray(cols["support_level"], object), cols["citations"],
             np.asarray(cols["benchmark_source"], object)]
    codes = [pd.factorize(f)[0] for f in facts[:5]]
    codes.append(np.fromiter((id(c) for c in facts[5]), dtype=np.int64, count=len(facts[5])))
    codes.append(pd.factorize(facts[6])[0])
    codes[5] = pd.factorize(codes[5])[0]
    inverse = np.zeros(len(codes[0]), dtype=np.int64)
    for c in codes:  # one code per combination so far, renumbered each step (stays below n)
        inverse = pd.factorize(inverse * (int(c.max(initial=0)) + 1) + c)[0]
    first = np.unique(inverse, return_index=True)[1]
    per_key = _object_array(_notes_rows(*(f[first] for f in facts), spec=spec))
    return per_key[inverse]


def _notes_rows(*facts, spec: SiteSpec) -> list[list[str]]:
    notes = []
    for prec, land, conf, rel, lvl, cites, bsrc in zip(*facts):
        n = []
        if prec in PRECISION_NOTES:
            n.append(PRECISION_NOTES[prec])
        if land == crit.UNKNOWN:
            n.append(f"available land unknown (可用地未知): confirm ≥ {spec.land_mu:g} 亩 with the park")
        if conf and conf not in ("confirmed",):
            n.append(f"membership in the 2+10+36 system: {conf}")
        if rel != "none" and lvl == "region":
            regions = sorted({c["place_zh"] for c in cites if c["place_type"] == "region"})
            n.append("plan support only from region-wide statements (" + "、".join(regions) + ")")
        if any(c.get("partial_member") for c in cites):
            n.append("host district is only partly inside a cited region (e.g. 垫江西南部)")
        if bsrc == "none":
            n.append("no 亩均产值 benchmark: intensity effect neutral")
        notes.append(n)
    return notes


def _gate_dict(row: pd.Series) -> dict:
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


def _candidate_dict(row: pd.Series, max_cites: int = 8) -> dict:
    return {
        "rank": None if pd.isna(row["rank"]) else int(row["rank"]),
        "cand_id": row["cand_id"], "name_zh": row["name_zh"], "name_en": row["name_en"],
        "tier": row["tier"], "tier_source": row["tier_source"], "host_adcode": None if pd.isna(row["host_adcode"]) else int(row["host_adcode"]),
        "host_zh": row["host_zh"], "region_id": row["region_id"], "region_zh": row["region_zh"],
        "location_precision": row["location_precision"],
        "lon": round(float(row.geometry.centroid.x), 5), "lat": round(float(row.geometry.centroid.y), 5),
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


def _explain(spec, industry_id, weights, metrics, ranked, excluded, out, notes, floor_path, area_label) -> dict:
    ind = catalog.industries().set_index("industry_id").loc[industry_id]
    elig = out[out["eligible"]]
    n_unknown_land = int((elig["gate_land"] == crit.UNKNOWN).sum())
    if n_unknown_land:
        notes.append(f"{n_unknown_land} of {len(elig)} eligible candidates have no available-land figure "
                     "(land gate 'unknown', not 'pass')")
    n_seat = int((elig["location_precision"] == "district_seat").sum())
    if n_seat:
        notes.append(f"{n_seat} eligible candidates are located at their district seat: corridor distances "
                     "for them are approximate")
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
        "n_candidates": len(out),
        "n_eligible": len(elig),
        "n_excluded": len(excluded),
        "ranked": [_candidate_dict(r) for _, r in ranked.iterrows()],
        "excluded_best": [_candidate_dict(r, max_cites=3) for _, r in excluded.head(5).iterrows()],
        "excluded_by_gate": {g: int((out[g] == crit.FAIL).sum()) for g in GATES},
        "notes": notes,
    }
