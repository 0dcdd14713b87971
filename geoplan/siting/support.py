"""Plan support for site selection: which plan sentences back an industry at a candidate place.

A candidate is supported when a plan assigns the industry (or, optionally, a related one) to the
park itself (or its parent park), to its host district, or to a named region containing the host
district (一区两群 part, agglomeration area, wing…). Every match is returned as a citation with the
seed file, the 1-based line and the verbatim evidence (``data/assignments.csv``).

The 一区两群 role fit uses the region rows of seed 002 line 609 (the same table).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from ..data import catalog, taxonomy
from ..data.citations import cite
from ..data.taxonomy import RELATION_ORDER
from ._groups import adcode_ints, group_codes
from .notes import note

SUPPORT_KINDS = ("siting", "regional_direction")


@dataclass(frozen=True)
class SupportTable:
    """Assignment rows related to the queried industry, keyed for lookup by place."""

    rows: pd.DataFrame  # assignments + relation, level, row_score, citation dict
    by_park: dict[str, np.ndarray]
    by_adcode: dict[int, np.ndarray]
    records: list[dict] = field(default_factory=list)  # ``rows`` as dicts, in the same order
    where: np.ndarray | None = None  # each row's place in the citation order (see :func:`_citation_order`)


def _citation_order(rows: pd.DataFrame) -> np.ndarray:
    """Each row's place when rows are ordered by row_score (best first), source, source_line (the
    order :func:`related_assignments` already gives; recomputed so any table cites in that order).
    """
    rank = np.lexsort((rows["source_line"].to_numpy(), rows["source"].to_numpy(object),
                       -rows["row_score"].to_numpy(float)))
    where = np.empty(len(rows), dtype=np.int64)
    where[rank] = np.arange(len(rows))
    return where


def _cfg_key(cfg: dict) -> str:
    return json.dumps(cfg, sort_keys=True, default=str)


def support_table(industry_id: str, fit_cfg: dict, min_relation: str = "same_sector") -> SupportTable:
    """:func:`build_support_table` of :func:`related_assignments`, built once per query industry,
    configuration and data generation (treat it as read-only).
    """
    return _support_table(industry_id, _cfg_key(fit_cfg), min_relation, catalog.generation())


@lru_cache(maxsize=64)
def _support_table(industry_id: str, cfg_key: str, min_relation: str, _generation: int) -> SupportTable:
    return build_support_table(related_assignments(industry_id, json.loads(cfg_key), min_relation))


def related_assignments(industry_id: str, fit_cfg: dict, min_relation: str = "same_sector") -> pd.DataFrame:
    """Assignments whose industry relates to ``industry_id`` at least as closely as ``min_relation``
    (direct < same_chain < same_sector), with the relation and a row score in [0, 1].
    """
    a = catalog.assignments()
    if "kind" in a:  # data contract §1: only siting / regional_direction rows naming a specific industry count
        a = a[a["kind"].isin(SUPPORT_KINDS) & (a.get("specific_industry", "true") != "false")].copy()
    rel_map = {i: taxonomy.industry_relation(industry_id, i) for i in a["industry_id"].unique()}
    a["relation"] = a["industry_id"].map(rel_map)
    keep = a["relation"].isin(RELATION_ORDER[: RELATION_ORDER.index(min_relation) + 1])
    a = a[keep].copy()
    rel_w = a["relation"].map(fit_cfg["relation"]).astype(float)
    lvl_w = a["place_type"].map({"park": fit_cfg["place_level"]["park"],
                                 "district": fit_cfg["place_level"]["district"],
                                 "region": fit_cfg["place_level"]["region"]}).fillna(0.0)
    str_w = a["strength"].map(fit_cfg["strength"]).fillna(min(fit_cfg["strength"].values()))
    a["row_score"] = (rel_w * lvl_w * str_w).to_numpy()
    return a.sort_values(["row_score", "source", "source_line"], ascending=[False, True, True]).reset_index(drop=True)


def _region_partials() -> dict[str, set[int]]:
    t = catalog.regions_table()
    return {r: set(catalog.adcodes(p)) for r, p in zip(t["region_id"], t["partial_adcodes"])}


def build_support_table(rows: pd.DataFrame) -> SupportTable:
    """Index related assignment rows by park id and by adcode (regions expanded to members)."""
    by_park: dict[str, list[int]] = {}
    by_adcode: dict[int, list[int]] = {}
    partial_of: dict[int, set[int]] = {}
    partials = _region_partials()
    members_cache: dict[str, list[int]] = {}
    for i, (ptype, pid) in enumerate(zip(rows["place_type"], rows["place_id"])):
        if ptype == "park":
            by_park.setdefault(pid, []).append(i)
        elif ptype == "district":
            by_adcode.setdefault(int(pid), []).append(i)
        elif ptype == "region":
            if pid not in members_cache:
                members_cache[pid] = catalog.region_members(pid)
            for code in members_cache[pid]:
                by_adcode.setdefault(code, []).append(i)
                if code in partials.get(pid, set()):
                    partial_of.setdefault(i, set()).add(code)
    rows = rows.copy()
    rows["partial_adcodes_set"] = [partial_of.get(i, set()) for i in range(len(rows))]
    return SupportTable(rows, {k: np.array(v) for k, v in by_park.items()},
                        {k: np.array(v) for k, v in by_adcode.items()}, rows.to_dict("records"), _citation_order(rows))


def _citation(row: pd.Series, host_adcode: int | None) -> dict:
    partial = host_adcode is not None and host_adcode in row["partial_adcodes_set"]
    return {
        "assignment_id": row["assignment_id"],
        "plan_id": row["plan_id"],
        "source": row["source"],
        "source_line": int(row["source_line"]),
        "cite": cite(row["source"], int(row["source_line"])),
        "cite_en": cite(row["source"], int(row["source_line"]), lang="en"),
        "evidence_zh": row["evidence_zh"],
        "industry_id": row["industry_id"],
        "industry_zh": row["industry_zh"],
        "place_type": row["place_type"],
        "place_id": str(row["place_id"]),
        "place_zh": row["place_zh"],
        "role_zh": row.get("role_zh", ""),
        "strength": row["strength"],
        "relation": row["relation"],
        "partial_member": bool(partial),
    }


def support_per_key(table: SupportTable, park_ids: np.ndarray, parent_ids: np.ndarray,
                    host_adcodes: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Best relation, level, plan fit score (0–1) and the citations (best first), once per distinct
    (park, parent park, host district) key, and each candidate's key.

    ``per_key.iloc[inverse]`` is the per-candidate table; every candidate of a key shares its
    citation list object. 10,000 parcels in a handful of districts cost a handful of lookups.
    """
    park_a = _str_series(park_ids)
    parent_a = _str_series(parent_ids)
    code_a = adcode_ints(host_adcodes)
    inverse, keys = _key_codes(park_a, parent_a, code_a)
    rows = table.rows
    records = table.records or rows.to_dict("records")
    where = table.where if table.where is not None else _citation_order(rows)
    empty = np.array([], int)
    out = []
    for park, parent, code in keys:
        idx = [table.by_park.get(park, empty) if park else empty,
               table.by_park.get(parent, empty) if parent else empty,
               table.by_adcode.get(int(code), empty)]
        hit = np.unique(np.concatenate(idx)).astype(int)
        if len(hit) == 0:
            out.append(("none", "", 0.0, []))
            continue
        hit = hit[np.argsort(where[hit], kind="stable")]
        host = int(code) if code >= 0 else None
        cites = [_citation(records[i], host) for i in hit]
        best = records[hit[0]]
        out.append((best["relation"], best["place_type"], float(best["row_score"]), cites))
    per_key = pd.DataFrame(out, columns=["support_relation", "support_level", "plan_fit", "citations"])
    return per_key, inverse


def _key_codes(*columns) -> tuple[np.ndarray, list[tuple]]:
    """Row → distinct-key code for the tuple of ``columns`` (first-seen order), and the keys."""
    inverse, first = group_codes(*columns)
    at = [np.asarray(col[first] if isinstance(col, np.ndarray) else col.take(first), dtype=object)
          for col in columns]
    keys = [tuple(a[k] for a in at) for k in range(len(first))]
    return inverse, keys


def profile_fit(industry_id: str, industry_ids: pd.Series, fit_cfg: dict) -> np.ndarray:
    """Fit of a candidate's own lead industries (``;``-separated ids) to the query, 0–1."""
    codes, uniq = pd.factorize(_str_series(industry_ids))  # judged once per distinct profile
    per = np.zeros(len(uniq))
    for k, v in enumerate(uniq):
        best = 0.0
        for other in (x for x in str(v).split(";") if x):
            rel = taxonomy.industry_relation(industry_id, other)
            if rel in fit_cfg["relation"]:
                best = max(best, float(fit_cfg["relation"][rel]))
        per[k] = best
    return per[codes] if len(codes) else np.zeros(0)


def _str_series(values) -> pd.Series:
    """``values`` as strings with blanks for missing (an Arrow string column stays one: no
    conversion of n Python strings).
    """
    v = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object), dtype=object)
    if isinstance(v.dtype, pd.StringDtype):
        return v.fillna("").reset_index(drop=True)
    return v.fillna("").astype(str).reset_index(drop=True)


def sei_evidence(industry_id: str, roles_cfg: dict) -> dict | None:
    """Why the industry counts as a 战略性新兴产业 (for the 中心城区 role), or None.

    It does when the taxonomy files it as ``sei`` (itself or an ancestor), or when the SEI plan
    (seed 003, plan ``sei_14th_fyp``) assigns it by name; the first such assignment is the evidence.
    """
    ind = catalog.industries().set_index("industry_id")
    chain = [industry_id] + list(taxonomy.industry_ancestors(industry_id))
    for i in chain:
        if i in ind.index and ind.at[i, "kind"] == "sei":
            return {"source": ind.at[i, "source"], "source_line": int(ind.at[i, "source_line"]),
                    "evidence_zh": ind.at[i, "evidence_zh"], "why": f"{i} is filed as an SEI in the taxonomy"}
    a = catalog.assignments()
    sei_plan = roles_cfg["sei_plan"]
    hit = a[(a["plan_id"] == sei_plan) & (a["industry_id"] == industry_id)].sort_values("source_line")
    if len(hit):
        r = hit.iloc[0]
        return {"source": r["source"], "source_line": int(r["source_line"]), "evidence_zh": r["evidence_zh"],
                "why": f"the SEI plan ({sei_plan}) assigns {industry_id} by name"}
    return None


def role_rows(industry_id: str, fit_cfg: dict) -> pd.DataFrame:
    """Seed 002 line 609 region rows (一区两群 roles) with their relation to the query (a copy of a
    table built once per industry, configuration and data generation); see :func:`_role_rows`.
    """
    return _role_rows(industry_id, _cfg_key(fit_cfg), catalog.generation()).copy()


@lru_cache(maxsize=64)
def _role_rows(industry_id: str, cfg_key: str, _generation: int) -> pd.DataFrame:
    return _build_role_rows(industry_id, json.loads(cfg_key))


def _build_role_rows(industry_id: str, fit_cfg: dict) -> pd.DataFrame:
    """Seed 002 line 609 region rows (一区两群 roles) with their relation to the query.

    The 中心城区 row names 战略性新兴产业 as a group; an industry that is an SEI (see
    :func:`sei_evidence`) relates to it as ``sei_member`` (scored like ``same_chain``).
    """
    roles = fit_cfg["region_roles"]
    a = catalog.assignments()
    m = ((a["source"] == roles["source"]) & (a["source_line"] == int(roles["source_line"]))
         & (a["place_type"] == "region") & a["place_id"].isin(roles["regions"]))
    r = a[m].copy()
    r["relation"] = [taxonomy.industry_relation(industry_id, i) for i in r["industry_id"]]
    r["role_score"] = r["relation"].map(fit_cfg["relation"]).astype(float).fillna(0.0)
    r["membership_evidence"] = None
    sei = sei_evidence(industry_id, roles)
    grp = (r["industry_id"] == roles["sei_group"]) & r["relation"].isna()
    if sei and grp.any():
        r.loc[grp, "relation"] = "sei_member"
        r.loc[grp, "role_score"] = float(fit_cfg["relation"]["same_chain"])
        r.loc[grp, "membership_evidence"] = [sei] * int(grp.sum())
    return r.reset_index(drop=True)


def role_fit(industry_id: str, host_adcodes: np.ndarray, fit_cfg: dict,
             neutral: float = 0.5) -> tuple[np.ndarray, np.ndarray, str]:
    """一区两群 role fit per candidate (0–1), the L609 citations used, and a note.

    When the query relates to none of the L609 role industries every candidate gets ``neutral``.
    The per-district scores and citations are built once per industry, configuration and data
    generation (the citation dicts are shared: read-only).
    """
    codes = adcode_ints(host_adcodes)
    best_by_code, cites, msg = _role_table(industry_id, _cfg_key(fit_cfg), catalog.generation())
    if best_by_code is None:
        none = np.empty(len(codes), dtype=object)  # one shared empty list
        none.fill([])
        return np.full(len(codes), neutral), none, msg
    inv, uniq = pd.factorize(codes)
    score = np.array([best_by_code.get(c, 0.0) for c in uniq], dtype=float)[inv] if len(codes) else np.zeros(0)
    per_code = np.empty(len(uniq), dtype=object)
    per_code[:] = [cites.get(c, []) for c in uniq]
    return score, per_code[inv], msg


@lru_cache(maxsize=64)
def _role_table(industry_id: str, cfg_key: str, _generation: int
                ) -> tuple[dict[int, float] | None, dict[int, list[dict]], str]:
    """Best role score and the L609 citations per district adcode, and the note (None scores:
    the query relates to no role industry).
    """
    fit_cfg = json.loads(cfg_key)
    r = role_rows(industry_id, fit_cfg)
    if r.empty or r["role_score"].max() <= 0:
        return None, {}, note("role_neutral")
    cites: dict[int, list[dict]] = {}
    best_by_code: dict[int, float] = {}
    for _, row in r[r["role_score"] > 0].iterrows():
        for code in catalog.region_members(row["place_id"]):
            if row["role_score"] > best_by_code.get(code, 0.0):
                best_by_code[code] = float(row["role_score"])
            cites.setdefault(code, []).append({
                "source": row["source"], "source_line": int(row["source_line"]),
                "cite": cite(row["source"], int(row["source_line"])),
                "cite_en": cite(row["source"], int(row["source_line"]), lang="en"),
                "evidence_zh": row["evidence_zh"], "place_zh": row["place_zh"],
                "place_id": row["place_id"], "industry_zh": row["industry_zh"],
                "relation": row["relation"], "role_zh": row.get("role_zh", ""),
                "membership_evidence": row["membership_evidence"]})
    regions = ", ".join(sorted(set(r.loc[r["role_score"] > 0, "place_zh"])))
    return best_by_code, cites, note("role_regions", regions=regions)
