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

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd

from ..data import taxonomy
from ..data.places import place_adcodes
from ..errors import ResolutionError
from . import criteria as crit
from . import land as land_mod
from . import support as sup
from .candidates import normalise_candidates, park_candidates
from .criteria import GATES
from .explain import (
    _candidate_notes,
    _citation_columns,
    _explain,
    _failed_gates,
    _object_array,
)
from .levels import RANK, first_in_district, support_levels
from .notes import note
from .prefilter import prefilter
from .reasons import enrich_explanation
from .result import SiteSelectionResult
from .spec import CRITERIA, SiteSpec, siting_defaults
from .stability import stability_report
from .zones import collapse_zones

PREFILTER_ABOVE = 50_000  # candidate layers larger than this go through parcels.prefilter first


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


def _per_level(level: np.ndarray, value: Callable) -> np.ndarray:
    """``np.array([value(lv) for lv in level])``, calling ``value`` once per distinct level."""
    codes, uniq = pd.factorize(level, use_na_sentinel=False)
    return np.array([value(lv) for lv in uniq])[codes]


def _second_parks(out: gpd.GeoDataFrame, S_out: np.ndarray, wv: np.ndarray, span: float, industry_id: str):
    """Split each level's band: parks carrying their designation in the upper half, a district's
    second parks (the plan named the district, a better park there already carries it) in the lower
    half. Score = base + span/2 × (first + refinement); re-sorted the same way as the query.
    """
    refine = S_out @ (wv / wv.sum())
    first = first_in_district(out, refine, industry_id)
    half = span / 2.0
    base = out["level_base"].to_numpy(float) + np.where(first, half * 100.0, 0.0)
    out["level_base"] = np.round(base, 3)
    out["designation_carrier"] = first
    for j, c in enumerate(CRITERIA):
        out[f"c_{c}"] = np.round(S_out[:, j] * (wv[j] / wv.sum()) * 100.0 * half, 3)
    score = base + refine * 100.0 * half
    out["score"] = np.round(score, 3)
    order = np.lexsort((out["cand_id"].to_numpy(), -S_out[:, CRITERIA.index("tier")], -out["plan_fit"].to_numpy(float),
                        -score, ~out["eligible"].to_numpy(bool)))
    return out.iloc[order].reset_index(drop=True), S_out[order], half


# ---------------------------------------------------------------- the query
def select_sites(spec: SiteSpec | dict, candidates: gpd.GeoDataFrame | None = None,
                 prefilter_above: int | None = PREFILTER_ABOVE,
                 land_table: pd.DataFrame | None = None,
                 progress: Callable[[float, str], None] | None = None) -> SiteSelectionResult:
    """Rank candidate sites for an investment project, with gates, reasons and citations.

    Parameters
    ----------
    spec : SiteSpec or dict
        The project: ``industry`` (free text, 中文 or English), ``land_mu`` (亩) and optional
        money figures, corridor limit, regions, exclusions and weight overrides.
    candidates : geopandas.GeoDataFrame, optional
        A user layer of parcels or park polygons; the embedded parks when omitted.
    prefilter_above : int or None, default 50_000
        Layers with more rows first go through :func:`geoplan.siting.prefilter`, which drops rows
        that certainly fail the land, area or corridor gate (the ranking is unchanged; the
        explanation says how many were removed). ``None`` scores every row.
    land_table : pandas.DataFrame, optional
        Free land per park (park_id, available_land_mu, as_of, source); overrides data/parks.csv
        and the spec's ``land`` (a CSV path, or "example" for the ILLUSTRATIVE example table).
    progress : callable, optional
        Called as ``progress(fraction, stage)`` while the query runs (fraction 0–1; stage one of
        ``prefilter``, ``candidates``, ``support``, ``gates``, ``stability``, ``explain``, ``done``;
        the label ``siting_stage_<stage>`` in :mod:`geoplan.i18n` says it in words).

    Returns
    -------
    SiteSelectionResult
        ``ranked`` (the top ``spec.top`` eligible parks, one row per park unless
        ``spec.collapse_zones`` is false), ``excluded`` (failing a gate, best first), ``scored``
        (all), ``explanation`` (with the plan level each park reached), ``stability``, and plain
        ``reasons``, ``caveats`` and ``excluded_best``.

    Raises
    ------
    ResolutionError
        When the industry text matches no taxonomy entry (the nearest entries are suggested).
    InputError
        For an invalid spec (the field is named).

    Examples
    --------
    >>> import geoplan as gp
    >>> r = gp.select_sites({"industry": "新能源汽车", "land_mu": 300, "top": 5})
    >>> r.explanation["industry"]["id"], len(r.ranked)
    ('nev', 5)
    >>> bool((r.ranked["gate_industry"] == "pass").all())
    True
    """
    if isinstance(spec, dict):
        spec = SiteSpec.from_dict(spec)
    cfg = siting_defaults()
    fit_cfg = cfg["industry_fit"]
    industry_id = resolve_industry_text(spec.industry)
    step = progress or (lambda _f, _s: None)
    notes: list[str] = []
    pre = None
    if (candidates is not None and prefilter_above is not None and len(candidates) > prefilter_above
            and isinstance(candidates, gpd.GeoDataFrame) and candidates.crs is not None):
        step(0.05, "prefilter")
        short = prefilter(candidates, spec)
        if len(short):  # keep the whole layer when nothing passes, so the excluded list explains why
            pre = {"n_input": len(candidates), "n_removed": len(candidates) - len(short),
                   "n_kept": len(short), "threshold": prefilter_above}
            notes.append(note("prefiltered", removed=pre["n_removed"], total=pre["n_input"]))
            candidates = short
    step(0.15, "candidates")
    cands = park_candidates() if candidates is None else normalise_candidates(candidates)
    if land_table is not None:
        land_table = land_mod.read_land(land_table)
    elif spec.land is not None and spec.land.lower() not in ("none", "off"):
        land_table = land_mod.read_land(spec.land)
    if land_table is not None:
        cands = land_mod.apply_land(cands, land_table)
        if land_mod.is_example(land_table):
            notes.append(note("example_land"))
    if "land_as_of" not in cands:
        cands["land_as_of"] = ""
    n = len(cands)

    # plan support (gate + industry fit)
    step(0.3, "support")
    rows = sup.related_assignments(industry_id, fit_cfg, spec.min_relation)
    table = sup.build_support_table(rows)
    support = sup.support_for_candidates(table, cands["park_id"].to_numpy(), cands["parent_park_id"].to_numpy(),
                                         cands["host_adcode"].to_numpy())
    profile = sup.profile_fit(industry_id, cands["industry_ids"], fit_cfg)
    share = float(fit_cfg["plan_share"])
    s_fit = share * support["plan_fit"].to_numpy() + (1 - share) * profile
    hcfg = cfg["hierarchy"]
    level, level_cites = support_levels(industry_id, support["citations"].to_numpy(), cands["park_id"].to_numpy(),
                                        cands["parent_park_id"].to_numpy(), hcfg)
    gate_industry = np.where(level != "none", crit.PASS, crit.FAIL)

    # land
    step(0.5, "gates")
    avail = cands["available_land_mu"].to_numpy(float)
    gate_land = crit.land_gate(avail, spec.land_mu)
    if spec.exclude_unknown_land:
        gate_land = np.where(gate_land == crit.UNKNOWN, crit.FAIL, gate_land)
    s_land = land_mod.land_fit(avail, spec.land_mu, cfg["land_fit"])

    # 标准地 floors
    metrics = crit.project_metrics(spec.land_mu, spec.investment_yi, spec.output_yi, spec.tax_wan)
    floors, floor_path = crit.load_floors(spec.floors)
    if floors is not None:
        related = [i for i in floors["industry_id"].unique() if i != "*" and _relation(industry_id, i)]
        fv = crit.floors_for(floors, industry_id, related, cands["park_id"].to_numpy())
        gate_floors, floor_details = crit.floors_gate(fv, metrics)
        if floor_path == str(crit.default_floor_path()):
            notes.append(note("example_floors", path=floor_path))
    else:
        gate_floors, floor_details = np.full(n, crit.NA, dtype=object), [[] for _ in range(n)]
        notes.append(note("no_floors"))

    # corridor
    dist, nearest_id, band = crit.axis_distance(cands, spec.axis)
    margins = cands["location_precision"].map(cfg["corridor"]["precision_margin_km"]).fillna(0).to_numpy(float)
    gate_corr = crit.corridor_gate(dist, margins, spec.max_corridor_km)
    s_corr = crit.corridor_score(dist, float(cfg["corridor"]["scale_km"]))

    # intensity
    bench, bench_label = crit.intensity_benchmarks(cands["host_adcode"].to_numpy(), cands["output_per_mu"].to_numpy())
    neutral = float(cfg["intensity"]["neutral"])
    s_int = crit.intensity_score(metrics["output_per_mu"], bench, neutral)
    if metrics["output_per_mu"] is None:
        notes.append(note("no_output"))

    # tier, region role
    s_tier = crit.tier_score(cands["tier"], cfg["tier_scores"])
    s_role, role_cites, role_note = sup.role_fit(industry_id, cands["host_adcode"].to_numpy(), fit_cfg, neutral)
    notes.append(role_note)

    gate_area, area_label = _area_gate(spec, cands)
    gate_excl = _excluded_gate(spec, cands)

    # score
    w = spec.effective_weights()
    wv = np.array([w[c] for c in CRITERIA])
    S = np.column_stack([s_fit, s_corr, s_int, s_tier, s_role, s_land])
    if hcfg["enabled"]:
        span = float(hcfg["refine_span"])
        offset = _per_level(level, lambda lv: float(hcfg["level_base"][lv])) * 100.0
    else:
        span, offset = 1.0, np.zeros(n)
    contrib = S * (wv / wv.sum()) * 100.0 * span
    score = offset + contrib.sum(axis=1)

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
        "support_level_reached": level,
        "level_rank": _per_level(level, RANK.__getitem__),
        "level_base": np.round(offset, 3),
        "level_citations": _object_array(level_cites),
        "land_fit": np.round(s_land, 4),
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
    S_out = S[order]
    if spec.collapse_zones:
        out, keep = collapse_zones(out)
        S_out = S_out[keep]
    if hcfg["enabled"] and hcfg["shared_district_designation"]:
        out, S_out, span = _second_parks(out, S_out, wv, span, industry_id)
    elig = out["eligible"].to_numpy(bool)
    out["rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out.loc[elig, "rank"] = np.arange(1, elig.sum() + 1)
    pos_elig = np.flatnonzero(elig)
    ranked = out.take(pos_elig[:spec.top]).reset_index(drop=True)
    excluded = out.take(np.flatnonzero(~elig)).reset_index(drop=True)

    s_elig = S_out[elig]  # unrounded criterion scores, in base order (which is the tie-break)
    step(0.7, "stability")
    e_ids = out["cand_id"].to_numpy(object)[pos_elig]
    stab = stability_report(s_elig, wv, list(CRITERIA), np.arange(len(pos_elig)), e_ids.tolist(),
                            cfg["stability"], offset=out["level_base"].to_numpy(float)[pos_elig] / 100.0,
                            span=span)
    name_of = dict(zip(e_ids, out["name_zh"].to_numpy(object)[pos_elig]))
    for row in stab.get("top", []):
        row["name_zh"] = name_of.get(row["cand_id"], "")

    step(0.85, "explain")
    explanation = _explain(spec, industry_id, w, metrics, ranked, excluded, out, notes, floor_path,
                           area_label)
    enrich_explanation(explanation, spec, out, ranked, excluded, S_out, wv, cfg, land_table)
    if pre is not None:  # counts over the whole input layer; excluded_by_gate counts the scored rows
        explanation["prefilter"] = pre
        explanation["n_candidates"] = pre["n_input"]
        explanation["n_excluded"] = pre["n_input"] - explanation["n_eligible"]
    step(1.0, "done")
    return SiteSelectionResult(spec, ranked, excluded, out, explanation, stab)
