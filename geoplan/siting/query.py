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
import pyarrow as pa
import pyarrow.compute as pc

from ..data import taxonomy
from ..data.places import place_adcodes
from ..errors import ResolutionError
from . import criteria as crit
from . import land as land_mod
from . import support as sup
from ._groups import first_rows
from ._order import ranking_order
from .candidates import input_columns, normalise_candidates, park_candidates
from .criteria import GATES
from .explain import (
    _candidate_notes,
    _citation_columns,
    _explain,
    _failed_gates,
    _object_array,
    row_records,
)
from .levels import RANK, first_in_district, support_levels
from .notes import note
from .prefilter import prefilter
from .reasons import enrich_explanation, excluded_by_land_alone
from .result import SiteSelectionResult
from .spec import CRITERIA, SiteSpec, siting_defaults
from .stability import stability_report
from .zones import ZonePlan, flat_plan, rename_rows, zone_plan

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
    return crit.status(np.where(ok, 0, 1)), "; ".join(labels)


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
    return crit.status(np.where(hit, 1, 0 if len(spec.exclude) > 0 else 3))


def _per_level(level: np.ndarray, value: Callable) -> np.ndarray:
    """``np.array([value(lv) for lv in level])``, calling ``value`` once per distinct level."""
    codes, uniq = pd.factorize(level, use_na_sentinel=False)
    return np.array([value(lv) for lv in uniq])[np.asarray(codes)]


def _per_code(codes: np.ndarray, values: np.ndarray, value: Callable) -> np.ndarray:
    """``np.array([value(v) for v in values])`` when rows with one code (0 … k−1) hold one value:
    ``value`` is called once per code, without comparing the n values (as :func:`_per_level` does).
    """
    codes = np.asarray(codes, dtype=np.int64)
    return np.array([value(v) for v in np.asarray(values, dtype=object)[first_rows(codes)]])[codes]


class _Rows:
    """The scored candidates in ranking order, as column arrays; frames are built for chosen rows.

    A row's notes, citation summaries and gate strings depend on that row only, so building them for
    the rows shown (the ranked ones and the head of the excluded list) gives the same rows as
    building every row and taking those (``select_sites(..., build_all=True)``; tests compare them).
    Three index levels: a candidate position (row of ``cands``), a collapsed row ``j`` (one per park,
    see :func:`zone_plan`) and a final row ``r`` (the order after the second-park split).
    """

    def __init__(self, cands: gpd.GeoDataFrame, cols: dict[str, np.ndarray | None], spec: SiteSpec,
                 failed: np.ndarray, level_codes: np.ndarray | None = None) -> None:
        self.cands, self.spec = cands, spec
        self.arrays = {c: col.array for c, col in cands.items()}  # the layer's columns, read once
        self.failed = failed  # candidates × GATES: the gate fails
        self.level_codes = level_codes  # equal for candidates sharing one level_citations list (not a column)
        self.cols = {k: (v if v is None or isinstance(v, np.ndarray) else np.asarray(v)) for k, v in cols.items()}
        self.over: dict[str, np.ndarray] = {}  # columns replaced by the second-park split, per collapsed row
        self.plan: ZonePlan | None = None
        self._full: gpd.GeoDataFrame | None = None

    def sort(self, score: np.ndarray, s_tier: np.ndarray, collapse: bool) -> None:
        """Eligible first; then score, plan fit, tier, id; then one row per park when ``collapse``."""
        c, cands = self.cols, self.cands
        ids = self.arrays["cand_id"]
        order = ranking_order(c["eligible"], -score, (lambda rows: _sort_codes(ids[rows]), -s_tier, -c["plan_fit"]))
        self.order = order
        self.name0 = None  # names per collapsed row, only when a zone renames one
        parents = cands["parent_park_id"].fillna("").astype(str)
        if collapse and (parents != "").any():
            ids = cands["cand_id"].to_numpy(object)
            name_zh = cands["name_zh"].to_numpy(object)[order]
            self.plan = zone_plan(ids[order], parents.to_numpy(object)[order], c["eligible"][order],
                                  name_zh, cands["name_en"].to_numpy(object)[order])
            self.pos0 = order[self.plan.keep]
            self.cid0 = self.plan.cand_ids(ids[order])
            self.name0 = self.plan.parent_field(name_zh, "name_zh")
        else:  # nothing collapses (a parcel layer): every row is its own park
            self.plan = flat_plan(len(order)) if collapse else None
            self.pos0, self.cid0 = order, self.arrays["cand_id"].take(order)  # no Python strings for n ids
        self.j = np.arange(len(self.pos0))

    def second_parks(self, S0: np.ndarray, wv: np.ndarray, span: float, industry_id: str) -> tuple[np.ndarray, float]:
        """Split each level's band: parks carrying their designation in the upper half, a district's
        second parks (the plan named the district, a better park there already carries it) in the
        lower half. Score = base + span/2 × (first + refinement); re-sorted the same way as the query.
        ``S0``: criterion scores per collapsed row; returns them in the new order, and span/2.
        """
        p, c = self.pos0, self.cols
        refine = S0 @ (wv / wv.sum())
        view = {"level_citations": c["level_citations"][p], "support_level_reached": c["support_level_reached"][p],
                "profile_fit": c["profile_fit"][p], "host_adcode": self.arrays["host_adcode"].take(p),
                "eligible": c["eligible"][p]}
        if self.level_codes is not None:
            view["level_citation_codes"] = self.level_codes[p]
        first = first_in_district(view, refine, industry_id)
        half = span / 2.0
        base = c["level_base"][p].astype(float) + np.where(first, half * 100.0, 0.0)
        self.over["level_base"] = np.round(base, 3)
        self.over["designation_carrier"] = first
        for j, name in enumerate(CRITERIA):
            self.over[f"c_{name}"] = np.round(S0[:, j] * (wv[j] / wv.sum()) * 100.0 * half, 3)
        score = base + refine * 100.0 * half
        self.over["score"] = np.round(score, 3)
        self.j = ranking_order(c["eligible"][p], -score,
                               (lambda rows: _sort_codes(self.cid0[rows]), -S0[:, CRITERIA.index("tier")], -c["plan_fit"][p].astype(float)))
        return S0[self.j], half

    # columns in the final order
    @property
    def pos(self) -> np.ndarray:
        return self.pos0[self.j]

    @property
    def eligible(self) -> np.ndarray:
        return self.cols["eligible"][self.pos].astype(bool)

    @property
    def cand_id(self) -> np.ndarray | pd.api.extensions.ExtensionArray:
        """Candidate ids in the final order (an object array, or the layer's string array)."""
        return self.cid0[self.j]

    def name_at(self, r: int) -> str:
        """``name_zh`` of final row ``r``."""
        j = self.j[r]
        return self.name0[j] if self.name0 is not None else self.arrays["name_zh"][self.pos0[j]]

    @property
    def level_base(self) -> np.ndarray:
        lb = self.over.get("level_base")
        return (self.cols["level_base"][self.pos] if lb is None else lb[self.j]).astype(float)

    def shown(self, top: int) -> np.ndarray:
        """Final rows the result and its explanation read: the ranked ones and the first ten eligible
        (what would change), the first five excluded and the first three excluded by land alone.
        """
        e = self.eligible
        pos = self.pos
        only_land = excluded_by_land_alone(e, self.cols["failed_gates"][pos],
                                           np.asarray(self.arrays["available_land_mu"], dtype=float)[pos])
        rows = np.concatenate([np.flatnonzero(e)[:max(top, 10)], np.flatnonzero(~e)[:5],
                               np.flatnonzero(only_land)[:3]])
        return np.unique(rows)

    def counts(self) -> dict:
        """The explanation's counts over every (collapsed) candidate."""
        p = self.pos0
        e = self.cols["eligible"][p].astype(bool)
        prec = np.asarray(self.arrays["location_precision"].take(p) == "district_seat", dtype=bool)
        return {"n_candidates": len(p), "n_eligible": int(e.sum()), "n_excluded": int((~e).sum()),
                "n_unknown_land": int((e & (self.cols["gate_land"][p] == crit.UNKNOWN)).sum()),
                "n_seat": int((e & prec).sum()),
                "excluded_by_gate": {g: int(v) for g, v in zip(GATES, self.failed[p].sum(axis=0))}}

    def frame(self, rows: np.ndarray) -> gpd.GeoDataFrame:
        """The result frame for final rows ``rows`` (ascending), with every column.

        Built from one dict of columns (the candidate layer's own, then the query's, the zone
        collapse's, the second-park split's and ``rank``: the order a frame assembled step by step
        would have), so a frame of 30 rows costs one construction, not one per step.
        """
        rows = np.asarray(rows, dtype=np.int64)
        j = self.j[rows]
        P = self.pos0[j]
        cols = {k: (None if v is None else v[P]) for k, v in self.cols.items()}
        cols["n_citations"], cols["citation_refs"] = _citation_columns(cols["citations"])
        base = {c: a.take(P) for c, a in self.arrays.items()}
        cols["notes"] = _candidate_notes(base, cols, self.spec)
        data = {c: v for c, v in base.items() if c not in cols}
        data.update(cols)
        if self.plan is not None:
            data.update(self.plan.columns(j))
        for k, v in self.over.items():
            data[k] = v[j]
        data["rank"] = pd.arrays.IntegerArray(np.cumsum(self.eligible)[rows].astype(np.int64),
                                              ~np.asarray(cols["eligible"], dtype=bool))
        out = gpd.GeoDataFrame(data, geometry=self.cands.geometry.name, crs=self.cands.crs)
        if self.plan is not None and self.plan.renamed:
            rename_rows(out, self.plan, lambda c, p: self.cands[c].iloc[self.order[p]], j)
        return out

    def frame_all(self) -> gpd.GeoDataFrame:
        """Every row (built once)."""
        if self._full is None:
            self._full = self.frame(np.arange(len(self.j)))
        return self._full

    def excluded_all(self) -> gpd.GeoDataFrame:
        """Every excluded row, best first."""
        full = self.frame_all()
        return full.take(np.flatnonzero(~full["eligible"].to_numpy(bool))).reset_index(drop=True)


def _sort_codes(values: np.ndarray | pd.Series) -> np.ndarray:
    """Integer keys that sort like ``values`` (strings compared as Python compares them; an Arrow
    string column compares UTF-8 bytes, which orders code points the same way): a lexsort on them
    gives the order a lexsort on the strings gives, without comparing strings n log n times.
    """
    arr = values.array if isinstance(values, pd.Series) else values
    if isinstance(arr, pd.arrays.ArrowStringArray):
        pa_arr = pa.array(arr)
        if pa_arr.null_count == 0:  # dense ranks = sorted codes, without n Python strings
            return np.asarray(pc.rank(pa_arr, sort_keys="ascending", tiebreaker="dense"), np.int64) - 1
    if isinstance(values, pd.Series):
        return np.asarray(pd.factorize(values, sort=True)[0])
    return pd.factorize(np.asarray(values, dtype=object), sort=True)[0]


def _counts(out: pd.DataFrame) -> dict:
    """The explanation's counts, from a frame of every candidate (the ``build_all`` path)."""
    elig = out[out["eligible"]]
    return {"n_candidates": len(out), "n_eligible": len(elig), "n_excluded": int((~out["eligible"]).sum()),
            "n_unknown_land": int((elig["gate_land"] == crit.UNKNOWN).sum()),
            "n_seat": int((elig["location_precision"] == "district_seat").sum()),
            "excluded_by_gate": {g: int((out[g] == crit.FAIL).sum()) for g in GATES}}


# ---------------------------------------------------------------- the query
def select_sites(spec: SiteSpec | dict, candidates: gpd.GeoDataFrame | None = None,
                 prefilter_above: int | None = PREFILTER_ABOVE,
                 land_table: pd.DataFrame | None = None,
                 progress: Callable[[float, str], None] | None = None,
                 build_all: bool = False) -> SiteSelectionResult:
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
    build_all : bool, default False
        Build every candidate's row (notes, citation summaries, gate strings) before ranking, as
        the reference path does. By default rows are built for the ranked candidates and the head
        of the excluded list, and ``excluded``/``scored`` are built when first read; the result is
        the same (tests compare the two paths), only faster over large parcel layers.

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
        short = prefilter(candidates, spec, columns=input_columns(candidates))  # what normalising reads
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
    table = sup.support_table(industry_id, fit_cfg, spec.min_relation)
    per_key, key = sup.support_per_key(table, cands["park_id"], cands["parent_park_id"],
                                       cands["host_adcode"].to_numpy())
    support = {c: per_key[c].to_numpy(float if c == "plan_fit" else object)[key] for c in per_key.columns}
    profile = sup.profile_fit(industry_id, cands["industry_ids"], fit_cfg)
    share = float(fit_cfg["plan_share"])
    s_fit = share * support["plan_fit"] + (1 - share) * profile
    hcfg = cfg["hierarchy"]
    level, level_cites, level_codes = support_levels(industry_id, support["citations"], cands["park_id"].to_numpy(),
                                                     cands["parent_park_id"].to_numpy(), hcfg, key_codes=key)
    gate_industry = crit.status(_per_code(level_codes, level, lambda lv: int(lv == "none")))

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
        floor_details = np.empty(n, dtype=object)  # one shared empty list: 10⁵ new lists cost GC passes
        floor_details.fill([])
        gate_floors = np.full(n, crit.NA, dtype=object)
        notes.append(note("no_floors"))

    # corridor
    dist, nearest_id, band = crit.axis_distance(cands, spec.axis)
    margins = _per_level(cands["location_precision"],
                         lambda p: cfg["corridor"]["precision_margin_km"].get(p, np.nan)).astype(float)
    margins[np.isnan(margins)] = 0.0
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
    s_role, role_cites, role_note = sup.role_fit(industry_id, cands["host_adcode"].array, fit_cfg, neutral)
    notes.append(role_note)

    gate_area, area_label = _area_gate(spec, cands)
    gate_excl = _excluded_gate(spec, cands)

    # score
    w = spec.effective_weights()
    wv = np.array([w[c] for c in CRITERIA])
    S = np.column_stack([s_fit, s_corr, s_int, s_tier, s_role, s_land])
    if hcfg["enabled"]:
        span = float(hcfg["refine_span"])
        offset = _per_code(level_codes, level, lambda lv: float(hcfg["level_base"][lv])) * 100.0
    else:
        span, offset = 1.0, np.zeros(n)
    contrib = S * (wv / wv.sum()) * 100.0 * span
    score = offset + contrib.sum(axis=1)

    cites = support["citations"]
    gate_cols = [np.asarray(a, dtype=object) for a in
                 (gate_industry, gate_land, gate_floors, gate_corr, gate_area, gate_excl)]
    failed_mask = np.column_stack([g == crit.FAIL for g in gate_cols])
    eligible = ~failed_mask.any(axis=1)
    cols: dict[str, np.ndarray] = {"industry_id": np.full(n, industry_id, dtype=object),
                                   "score": np.round(score, 3)}
    for j, c in enumerate(CRITERIA):
        cols[f"s_{c}"] = np.round(S[:, j], 4)
        cols[f"c_{c}"] = np.round(contrib[:, j], 3)
    cols.update({
        "support_level_reached": level,
        "level_rank": _per_code(level_codes, level, RANK.__getitem__),
        "level_base": np.round(offset, 3),
        "level_citations": _object_array(level_cites),
        "land_fit": np.round(s_land, 4),
        "support_relation": support["support_relation"],
        "support_level": support["support_level"],
        "plan_fit": support["plan_fit"],
        "profile_fit": profile,
        "citations": cites,
        "n_citations": None,  # per row strings: built for the rows a frame is built for (see _Rows)
        "citation_refs": None,
        "role_citations": _object_array(role_cites),
        "corridor_km": np.round(dist, 2),
        "corridor_id": nearest_id,
        "corridor_band": band,
        "corridor_margin_km": margins,
        "benchmark_output_per_mu": bench,
        "benchmark_source": bench_label,
        **dict(zip(GATES, gate_cols)),
        "floor_details": _object_array(floor_details),
        "eligible": eligible,
        "failed_gates": _failed_gates(failed_mask),
        "notes": None,
    })

    # eligible first; then by score, plan fit, tier, id (stable and documented)
    rows = _Rows(cands, cols, spec, failed_mask, level_codes)
    rows.sort(score, s_tier, spec.collapse_zones)
    S_out = S[rows.pos]
    if hcfg["enabled"] and hcfg["shared_district_designation"]:
        S_out, span = rows.second_parks(S_out, wv, span, industry_id)
    elig = rows.eligible
    pos_elig = np.flatnonzero(elig)

    s_elig = S_out[elig]  # unrounded criterion scores, in base order (which is the tie-break)
    step(0.7, "stability")
    e_ids = rows.cand_id[pos_elig]
    stab = stability_report(s_elig, wv, list(CRITERIA), np.arange(len(pos_elig)), e_ids,
                            cfg["stability"], offset=rows.level_base[pos_elig] / 100.0, span=span,
                            name_of=lambda i: rows.name_at(pos_elig[i]))

    step(0.85, "explain")
    if build_all:  # every row built up front: the reference the shortlisted build is tested against
        out = rows.frame_all()
        ranked = out.take(pos_elig[:spec.top]).reset_index(drop=True)
        excluded = rows.excluded_all()
        head, S_head, counts = out, S_out, _counts(out)
        head_rows, ranked_rows, excluded_rows = None, row_records(ranked), row_records(excluded.head(5))
        scored: gpd.GeoDataFrame | Callable[[], gpd.GeoDataFrame] = out
        excluded_all: gpd.GeoDataFrame | Callable[[], gpd.GeoDataFrame] = excluded
    else:  # rows only for what the explanation reads; the whole frames when first asked for
        shown = rows.shown(spec.top)
        head = rows.frame(shown)
        S_head = S_out[shown]
        at = np.searchsorted(shown, pos_elig[:spec.top])
        # eligible rows come first in the final order, so the ranked ones open ``shown``: a slice
        ranked = (head.iloc[:len(at)] if np.array_equal(at, np.arange(len(at)))
                  else head.take(at)).reset_index(drop=True)
        h_excl = np.flatnonzero(~head["eligible"].to_numpy(bool))
        head_rows = row_records(head)  # the explanation reads rows as dicts: converted once
        ranked_rows, excluded_rows = [head_rows[i] for i in at], [head_rows[i] for i in h_excl[:5]]
        counts = rows.counts()
        scored = rows.frame_all
        excluded_all = rows.excluded_all
    explanation = _explain(spec, industry_id, w, metrics, ranked_rows, excluded_rows, counts, notes, floor_path,
                           area_label)
    enrich_explanation(explanation, spec, head, ranked_rows, excluded_rows, S_head, wv, cfg, land_table, head_rows)
    if pre is not None:  # counts over the whole input layer; excluded_by_gate counts the scored rows
        explanation["prefilter"] = pre
        explanation["n_candidates"] = pre["n_input"]
        explanation["n_excluded"] = pre["n_input"] - explanation["n_eligible"]
    step(1.0, "done")
    return SiteSelectionResult(spec, ranked, excluded_all, scored, explanation, stab)
