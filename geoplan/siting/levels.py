"""Plan-support levels (issue 12): which kind of plan backs the industry at each candidate.

Levels, strongest first (``spec.LEVELS``):

* ``municipal`` – a municipal plan names the park (or its parent park, or its host district) for the
  industry itself or an ancestor/descendant of it (relation ``direct``);
* ``district`` – the district's own plan does (seed 004 for 铜梁);
* ``catalogue`` – the park's catalogue lead industries (``data/park_lead_industries.csv``,
  ``source_class=catalogue``) name it;
* ``related`` – only a same-chain / same-sector sentence, a region-wide sentence or a
  ``regional_direction`` row supports it;
* ``none``.

Only assignment rows with ``kind=siting`` (or no ``kind`` column) and ``specific_industry`` not
``false`` count as specific support; ``regional_direction`` counts at ``related`` only, other kinds
not at all. The plan → level mapping comes from ``data/plans.csv`` (``level``) when present, else
from ``hierarchy.plan_levels_by_seed`` in ``config/siting_defaults.yaml``. A park's general-knowledge
profile (``data/parks.csv``) never sets a level.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import pandas as pd

from ..data import catalog, taxonomy
from ..errors import DataError
from ..paths import data_dir
from ._groups import adcode_ints, first_rows, group_codes, identity_codes
from .spec import LEVELS

LEVEL_LABELS = {
    "municipal": ("市级规划点名", "named by a municipal plan"),
    "district": ("区县规划点名", "named by the district's own plan"),
    "catalogue": ("园区目录主导产业", "catalogue lead industry of the park"),
    "related": ("同链/同类或区域性表述", "same-chain/same-sector or region-wide plan sentence"),
    "none": ("无规划支持", "no plan support"),
}
RANK = {lv: i for i, lv in enumerate(LEVELS)}  # 0 = strongest


def _plans_levels() -> dict[str, str]:
    """Source file → level from data/plans.csv when it exists (the plan-knowledge table)."""
    p = data_dir() / "plans.csv"
    if not p.exists():
        return {}
    t = pd.read_csv(p, dtype=str, keep_default_na=False)
    if not {"source", "level"} <= set(t.columns):
        return {}
    return {s: lv for s, lv in zip(t["source"], t["level"]) if lv in ("municipal", "district")}


def plan_level(source: str, hierarchy_cfg: dict, plans: dict[str, str] | None = None) -> str | None:
    """Municipal / district for a seed file name, None when unknown."""
    plans = _plans_levels() if plans is None else plans
    if source in plans:
        return plans[source]
    return hierarchy_cfg["plan_levels_by_seed"].get(str(source)[:3])


def assignment_kinds() -> dict[str, tuple[str, bool]]:
    """assignment_id → (kind, specific_industry); kind 'siting' and True when the columns are absent."""
    a = catalog.assignments()
    kind = a["kind"].replace("", "siting") if "kind" in a else pd.Series("siting", index=a.index)
    spec = (a["specific_industry"].str.strip().str.lower() != "false") if "specific_industry" in a \
        else pd.Series(True, index=a.index)
    return dict(zip(a["assignment_id"], zip(kind, spec)))


def catalogue_table(classes: tuple[str, ...] = ("catalogue",)) -> pd.DataFrame:
    """park_lead_industries rows of the given source classes (default catalogue; empty frame when the
    table is absent). Class ``general`` never counts as plan support and is never returned here.
    """
    loader = getattr(catalog, "park_lead_industries", None)
    t = None
    if loader is not None:
        try:
            t = loader()
        except DataError:
            t = None
    if t is None:
        p = data_dir() / "park_lead_industries.csv"
        t = pd.read_csv(p, dtype=str, keep_default_na=False) if p.exists() else None
    if t is None or not {"park_id", "industry_id", "source_class"} <= set(t.columns):
        return pd.DataFrame(columns=["park_id", "industry_id", "industry_zh", "source_class"])
    return t[t["source_class"].isin([c for c in classes if c != "general"])].reset_index(drop=True)


def citation_level(cite: dict, kinds: dict, hierarchy_cfg: dict, plans: dict[str, str]) -> str | None:
    """The level one plan citation supports (None when it does not count at all)."""
    kind, specific = kinds.get(cite.get("assignment_id"), ("siting", True))
    if not specific:
        return None
    if kind == "regional_direction":
        return "related"
    if kind != "siting":
        return None
    if cite.get("relation") != "direct" or cite.get("place_type") == "region":
        return "related"
    return plan_level(cite.get("source", ""), hierarchy_cfg, plans) or "related"


@lru_cache(maxsize=32)
def _level_inputs(industry_id: str, cfg_key: str, _generation: int) -> tuple[dict, dict, dict[str, list[dict]]]:
    """Assignment kinds, plan levels and the catalogue hits per park for a query industry (built once
    per industry, hierarchy configuration and data generation; read-only).
    """
    hierarchy_cfg = json.loads(cfg_key)
    kinds = assignment_kinds()
    plans = _plans_levels()
    cat = catalogue_table(("catalogue", "plan"))
    cat_hits: dict[str, list[dict]] = {}
    for _, r in cat.iterrows():
        try:
            rel = taxonomy.industry_relation(industry_id, r["industry_id"])
        except Exception:  # an id the taxonomy does not know is no support
            rel = None
        if rel != "direct":
            continue
        lv = "catalogue"
        if r["source_class"] == "plan":  # a plan sentence naming the park's lead industry: its plan's level
            lv = plan_level(r.get("source", ""), hierarchy_cfg, plans) or "related"
        line = pd.to_numeric(r.get("source_line", ""), errors="coerce")
        cat_hits.setdefault(r["park_id"], []).append(
            {"source_class": r["source_class"], "level": lv, "park_id": r["park_id"], "place_type": "park",
             "place_zh": r.get("park_zh", ""), "industry_id": r["industry_id"],
             "industry_zh": r.get("industry_zh", ""), "source": r.get("source", ""),
             "source_line": None if pd.isna(line) else int(line), "evidence_zh": r.get("evidence_zh", ""),
             "source_title": r.get("source_title", ""), "source_url": r.get("source_url", ""),
             "relation": rel})
    return kinds, plans, cat_hits


def support_levels(industry_id: str, citations: np.ndarray, park_ids: np.ndarray, parent_ids: np.ndarray,
                   hierarchy_cfg: dict, key_codes: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per candidate: its level, the citations that reach it (best first; catalogue entries as
    dicts with ``source_class=catalogue``) and the code of its judgement (rows with one code share
    one citation list object).

    ``key_codes``: a grouping finer than (citation list, park, parent), e.g. the support lookup's
    (park, parent, district) key from :func:`geoplan.siting.support.support_per_key`; by default
    the rows are grouped by those three.
    """
    kinds, plans, cat_hits = _level_inputs(industry_id, json.dumps(hierarchy_cfg, sort_keys=True, default=str),
                                           catalog.generation())
    # candidates sharing (citation list, park, parent) share the answer: one judgement per key
    if key_codes is None:
        inverse, first = group_codes(identity_codes(citations), np.asarray(park_ids, dtype=object),
                                     np.asarray(parent_ids, dtype=object))
    else:
        inverse = pd.factorize(np.asarray(key_codes))[0]
        first = np.unique(inverse, return_index=True)[1]
    per_key_level = np.empty(len(first), dtype=object)
    per_key: list[list[dict]] = []
    for k, i in enumerate(first):
        best, best_cites = "none", []
        for c in citations[i]:
            lv = citation_level(c, kinds, hierarchy_cfg, plans)
            if lv is None:
                continue
            if RANK[lv] < RANK[best]:
                best, best_cites = lv, [c]
            elif lv == best:
                best_cites.append(c)
        for c in cat_hits.get(park_ids[i], []) + cat_hits.get(parent_ids[i], []):
            if RANK[c["level"]] < RANK[best]:
                best, best_cites = c["level"], [c]
            elif c["level"] == best:
                best_cites.append(c)
        per_key_level[k] = best
        per_key.append(best_cites)
    lists = np.empty(len(per_key), dtype=object)
    lists[:] = per_key
    return per_key_level[inverse], lists[inverse], inverse


def first_in_district(out: pd.DataFrame | Mapping[str, np.ndarray], refine: np.ndarray,
                      industry_id: str | None = None) -> np.ndarray:
    """True for the candidate that carries its designation in full.

    When a plan names a *district* (not a park) at a level, the district's best-refined eligible
    park at that level carries it; the district's other parks are 'a second park in a named
    district' (False). A candidate whose level citations all name a NARROWER industry than the query
    (e.g. 氢能与储能 for a 绿色环保 query: the plan names the place for a part of the industry only)
    is False too. Park-level and catalogue citations of the query itself or a broader industry are
    always True. At the ``related`` level (region-wide or same-chain sentences name no park), the
    upper half goes to parks whose own profile (data/parks.csv, general knowledge) names the industry
    itself or a broader one: the profile never lifts a park over a level, it orders within one.

    ``out`` is a frame or a mapping of column arrays (``level_citations``, ``support_level_reached``,
    ``host_adcode``, ``eligible`` and optionally ``profile_fit`` and ``level_citation_codes``: equal
    codes for rows sharing a citation list, as :func:`support_levels` returns them).
    """
    first = np.ones(len(refine), bool)
    cites = np.asarray(out["level_citations"], dtype=object)
    # candidates sharing a lookup share one citation list object: judge each list once
    broad = {industry_id, *taxonomy.industry_ancestors(industry_id)} if industry_id is not None else None
    code_of, _ = pd.factorize(np.asarray(out["level_citation_codes"]) if "level_citation_codes" in out
                              else identity_codes(cites))
    one = first_rows(code_of)  # a row holding each distinct list
    n_lists = len(one)
    per_list = [(bool(c) and broad is not None and not any(x.get("industry_id") in broad for x in c),
                 bool(c) and all(x.get("place_type") == "district" for x in c)) for c in cites[one]]
    judged = np.array(per_list, dtype=bool).reshape(n_lists, 2)
    narrow, district_only = judged[code_of, 0], judged[code_of, 1]
    first[narrow] = False
    lv = np.asarray(out["support_level_reached"], dtype=object)
    if "profile_fit" in out:
        rel = lv == "related"
        first[rel] = np.asarray(out["profile_fit"], dtype=float)[rel] >= 1.0
    code = adcode_ints(out["host_adcode"])
    elig = np.asarray(out["eligible"], dtype=bool)
    open_ = district_only & elig & first & (lv != "none") & (lv != "related")
    rows = np.flatnonzero(open_)
    if len(rows):  # in each (level, district), the best-refined open candidate (stable) carries it
        rows = rows[np.argsort(-refine[rows], kind="stable")]
        level_code = pd.factorize(lv[rows])[0]
        later = pd.Index(level_code * (int(code.max(initial=0)) + 2) + (code[rows] + 1)).duplicated()
        first[rows[later]] = False
    return first
