"""Industry taxonomy and place-name resolution over the embedded plan tables.

Free text (Chinese or English, full-width or ASCII brackets) is matched against
``data/industry_aliases.csv`` and ``data/place_aliases.csv`` after :func:`normalize_text`.
Ambiguous or unknown names raise :class:`geoplan.errors.ResolutionError` with suggestions.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import cache

import pandas as pd

from ..errors import DataError, ResolutionError
from ..paths import data_dir
from . import catalog

_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "[", "】": "]", "［": "[", "］": "]",
                           "〔": "[", "〕": "]", "｛": "{", "｝": "}"})
_SPACE = re.compile(r"\s+")
RELATION_ORDER = ("direct", "same_chain", "same_sector")
PARK_LEAD_SOURCE = "park lead industries"
EXTRA_ALIASES = "industry_aliases_extra.csv"  # optional, with provenance and reason per alias


def normalize_text(s: str) -> str:
    """NFKC, full-width → ASCII brackets, all whitespace removed, lower-case."""
    s = unicodedata.normalize("NFKC", str(s)).translate(_BRACKETS)
    return _SPACE.sub("", s).lower()


# ---------------------------------------------------------------- lookup tables
@cache
def _industry_table() -> pd.DataFrame:
    return catalog.industries().set_index("industry_id", drop=False)


@cache
def _industry_lookup() -> dict[str, str]:
    """Normalised alias/name/id → industry_id (the build guarantees one id per alias)."""
    ind = _industry_table()
    out: dict[str, str] = {}
    for col in ("industry_id", "name_zh", "name_en"):
        out.update({normalize_text(v): i for v, i in zip(ind[col], ind["industry_id"]) if v})
    al = catalog.industry_aliases()
    out.update({normalize_text(a): i for a, i in zip(al["alias"], al["industry_id"])})
    for key, ids in _extra_aliases().items():  # data/industry_aliases_extra.csv wins over the table
        if len(ids) == 1:
            out[key] = ids[0]
        else:
            out.pop(key, None)
    return out


@cache
def _extra_aliases() -> dict[str, tuple[str, ...]]:
    """Normalised alias → industry ids from data/industry_aliases_extra.csv (optional; an alias
    listed with several ids is ambiguous on purpose: the user must choose).
    """
    path = data_dir() / EXTRA_ALIASES
    if not path.exists():
        return {}
    ex = pd.read_csv(path, dtype=str, keep_default_na=False)
    known = set(_industry_table()["industry_id"])
    out: dict[str, list[str]] = {}
    for a, i in zip(ex["alias"], ex["industry_id"]):
        if i not in known:
            raise DataError(f"data/industry_aliases_extra.csv: alias '{a}' names unknown industry '{i}'")
        out.setdefault(normalize_text(a), []).append(i)
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


@cache
def _place_lookup() -> dict[str, tuple[str, str]]:
    pa = catalog.place_aliases()
    return {normalize_text(a): (t, i) for a, t, i in zip(pa["alias"], pa["place_type"], pa["place_id"])}


@cache
def _ancestors() -> dict[str, tuple[str, ...]]:
    """industry_id → its ancestors, nearest first (parent, grandparent …)."""
    parent = dict(zip(_industry_table()["industry_id"], _industry_table()["parent_id"]))
    out: dict[str, tuple[str, ...]] = {}
    for iid in parent:
        chain, cur = [], parent[iid]
        while cur:
            if cur in chain or cur not in parent:
                raise DataError(f"data/industries.csv: parent chain of '{iid}' is broken at '{cur}'")
            chain.append(cur)
            cur = parent[cur]
        out[iid] = tuple(chain)
    return out


def industry_record(industry_id: str) -> dict:
    """The taxonomy row of a resolved ``industry_id`` (``name_zh``, ``name_en``, ``kind`` …) as a dict.

    Examples
    --------
    >>> industry_record("nev")["name_zh"]
    '新能源和智能网联汽车'
    """
    rec = _industry_records().get(industry_id)
    if rec is None:
        raise ResolutionError(f"unknown industry id {industry_id!r}")
    return dict(rec)  # a copy: callers may change what they get


@cache
def _industry_records() -> dict[str, dict]:
    """industry_id → its row as a dict (the values ``DataFrame.loc[id].to_dict()`` gives), built once."""
    t = _industry_table()
    return {i: dict(zip(t.columns, row)) for i, row in zip(t.index, t.to_numpy(object).tolist())}


def industry_ancestors(industry_id: str) -> tuple[str, ...]:
    """Ancestors of an industry id, nearest first (empty for a top-level entry)."""
    anc = _ancestors()
    if industry_id not in anc:
        raise ResolutionError(f"industry id '{industry_id}' is not in data/industries.csv",
                              candidates=[s[0] for s in suggest_industries(industry_id)])
    return anc[industry_id]


def clear_cache() -> None:
    """Forget cached lookups (after data/ was regenerated)."""
    for f in (_industry_table, _industry_records, _industry_lookup, _place_lookup, _ancestors, _combined_assignments,
              _extra_aliases, _relation):
        f.cache_clear()


# ---------------------------------------------------------------- generic resolution
def _resolve(text: str, lookup: dict, what: str, describe) -> object:
    key = normalize_text(text)
    if not key:
        raise ResolutionError(f"empty {what} name")
    if key in lookup:
        return lookup[key]
    # Partial match: the text is part of known names. One target → accept; several → ambiguous.
    if len(key) >= 2:
        hits = {v for k, v in lookup.items() if key in k}
        if len(hits) == 1:
            return hits.pop()
        if len(hits) > 1:
            cands = sorted(hits, key=str)
            listing = "; ".join(describe(c) for c in cands[:12])
            raise ResolutionError(
                f"{what} '{text}' is ambiguous: it matches {len(cands)} entries ({listing}); "
                "use a fuller name or the id", candidates=[_cand_id(c) for c in cands])
    close = difflib.get_close_matches(key, list(lookup), n=8, cutoff=0.3)
    cands = list(dict.fromkeys(lookup[k] for k in close))[:5]
    hint = "; ".join(describe(c) for c in cands) if cands else "none close"
    raise ResolutionError(f"unknown {what} '{text}'. Nearest entries: {hint}",
                          candidates=[_cand_id(c) for c in cands])


def _cand_id(c: object) -> str:
    return c[1] if isinstance(c, tuple) else str(c)


def _describe_industry(iid: str) -> str:
    row = _industry_table().loc[iid]
    return f"{iid} ({row['name_zh']} / {row['name_en']})"


# ---------------------------------------------------------------- industries
def resolve_industry(text: str) -> str:
    """Industry id for a name, an alias or an id (中文 or English).

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        The taxonomy id (``data/industries.csv``).

    Raises
    ------
    ResolutionError
        When nothing or several entries match; ``.candidates`` lists them. An alias that
        ``data/industry_aliases_extra.csv`` lists with several ids (e.g. 化工新材料 → 新材料 or
        能源化工) is ambiguous: the error lists the candidates in 中文 and English.

    Examples
    --------
    >>> import geoplan as gp
    >>> gp.resolve_industry("新能源汽车"), gp.resolve_industry("integrated circuits")
    ('nev', 'ic')
    """
    ids = _extra_aliases().get(normalize_text(text), ())
    if len(ids) > 1:
        listing = "; ".join(_describe_industry(i) for i in ids)
        raise ResolutionError(f"industry '{text}' is ambiguous: choose one of {listing} "
                              f"(行业“{text}”有多个对应条目，请选择其一)", candidates=list(ids))
    return _resolve(text, _industry_lookup(), "industry", _describe_industry)


def suggest_industries(text: str, n: int = 5) -> list[tuple[str, str, str]]:
    """Up to ``n`` (industry_id, name_zh, name_en) closest to ``text`` (substring hits first)."""
    key = normalize_text(text)
    lookup = _industry_lookup()
    ids: list[str] = []
    if key in lookup:
        ids.append(lookup[key])
    ids += sorted({v for k, v in lookup.items() if key and key in k})
    ids += [lookup[k] for k in difflib.get_close_matches(key, list(lookup), n=3 * n, cutoff=0.3)]
    ind = _industry_table()
    out = list(dict.fromkeys(ids))[:n]
    return [(i, ind.at[i, "name_zh"], ind.at[i, "name_en"]) for i in out]


def industry_relation(query_id: str, other_id: str) -> str | None:
    """How ``other_id`` relates to ``query_id``: "direct", "same_chain", "same_sector" or None.

    direct: same id, or one is an ancestor of the other; same_chain: they share an ancestor
    below sector level (a chain, cluster or SEI node); same_sector: same sector_id.
    """
    anc = _ancestors()
    for i in (query_id, other_id):
        if i not in anc:
            raise ResolutionError(f"industry id '{i}' is not in data/industries.csv",
                                  candidates=[s[0] for s in suggest_industries(i)])
    return _relation(query_id, other_id)


@cache
def _relation(query_id: str, other_id: str) -> str | None:
    """:func:`industry_relation` of two known ids (judged once per pair; cleared with the tables)."""
    anc = _ancestors()
    if query_id == other_id or query_id in anc[other_id] or other_id in anc[query_id]:
        return "direct"
    kind = _industry_table()["kind"]
    mid = lambda i: {a for a in anc[i] if kind[a] not in ("sector", "system")}
    if mid(query_id) & mid(other_id):
        return "same_chain"
    sec = _industry_table()["sector_id"]
    if sec[query_id] and sec[query_id] == sec[other_id]:
        return "same_sector"
    return None


# ---------------------------------------------------------------- places
def _describe_place(p: tuple[str, str]) -> str:
    return f"{p[0]}:{p[1]}"


def resolve_place(text: str) -> tuple[str, str]:
    """(place_type, place_id) for a district, park or region name; ResolutionError otherwise."""
    return _resolve(text, _place_lookup(), "place", _describe_place)


# ---------------------------------------------------------------- assignment queries
@cache
def _combined_assignments() -> pd.DataFrame:
    """Plan assignments plus one row per (park, lead industry), marked 'park lead industries'."""
    a = catalog.assignments()
    parks = catalog.parks()
    ids = parks["industry_ids"].str.split(";")
    lead = parks.assign(industry_id=ids).explode("industry_id")
    lead = lead[lead["industry_id"].fillna("") != ""]
    rows = pd.DataFrame({
        "assignment_id": "P:" + lead["park_id"] + ":" + lead["industry_id"],
        "plan_id": "park_lead_industries",
        "source": PARK_LEAD_SOURCE,
        "source_line": pd.array([pd.NA] * len(lead), dtype="Int64"),
        "evidence_zh": lead["lead_industries_zh"],
        "industry_zh": lead["lead_industries_zh"],
        "industry_en": "",
        "industry_id": lead["industry_id"],
        "place_zh": lead["name_zh"],
        "place_type": "park",
        "place_id": lead["park_id"],
        "role_zh": "园区主导产业 (park lead industries; " + lead["membership_confidence"] + ")",
        "strength": "lead",
    })
    out = pd.concat([a, rows[[c for c in rows.columns]]], ignore_index=True)
    host = dict(zip(parks["park_id"], parks["host_adcode"].astype(str)))
    out["host_adcode"] = out["place_id"].map(host).where(out["place_type"] == "park",
                                                         out["place_id"].where(out["place_type"] == "district"))
    return out


def industries_for_place(place_type: str, place_id: str) -> pd.DataFrame:
    """Assignments (and park lead industries) naming a place.

    Parameters
    ----------
    place_type : {"district", "park", "region"}
    place_id : str
        An adcode (as text), a park id or a region id.

    Returns
    -------
    pandas.DataFrame
        For a district, the rows of the parks it hosts are included (``matched_via`` =
        "park in district").

    Examples
    --------
    >>> import geoplan as gp
    >>> rows = gp.industries_for_place("district", "500151")
    >>> len(rows) > 0
    True
    """
    c = _combined_assignments()
    place_id = str(place_id)
    direct = (c["place_type"] == place_type) & (c["place_id"] == place_id)
    via = pd.Series(False, index=c.index)
    if place_type == "district":
        via = (c["place_type"] == "park") & (c["host_adcode"] == place_id)
    out = c[direct | via].copy()
    out["matched_via"] = "direct"
    out.loc[via[direct | via].to_numpy(), "matched_via"] = "park in district"
    return out.drop(columns="host_adcode").reset_index(drop=True)


def places_for_industry(industry_id: str, include_related: bool = True) -> pd.DataFrame:
    """Places the plans assign this industry to, with the plan sentence of each.

    Parameters
    ----------
    industry_id : str
        A taxonomy id (see :func:`resolve_industry`).
    include_related : bool, default True
        Also places assigned a related industry (``relation`` same_chain / same_sector).

    Returns
    -------
    pandas.DataFrame
        Assignment rows with ``place_type``, ``place_id``, ``relation``, source and evidence.

    Examples
    --------
    >>> import geoplan as gp
    >>> rows = gp.places_for_industry("ic", include_related=False)
    >>> "cq_gaoxin" in set(rows["place_id"])
    True
    """
    industry_id = industry_id if industry_id in _ancestors() else resolve_industry(industry_id)
    c = _combined_assignments()
    rel = {i: industry_relation(industry_id, i) for i in c["industry_id"].unique()}
    out = c.assign(relation=c["industry_id"].map(rel))
    keep = out["relation"].notna() if include_related else out["relation"] == "direct"
    out = out[keep].copy()
    out["_r"] = out["relation"].map({r: k for k, r in enumerate(RELATION_ORDER)})
    out = out.sort_values(["_r", "place_type", "place_id", "assignment_id"], kind="stable")
    return out.drop(columns=["_r", "host_adcode"]).reset_index(drop=True)
