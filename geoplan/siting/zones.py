"""One row per park: sub-zones (``parent_park_id``) collapse into their parent park.

The row keeps the scores and gates of the best-fitting member (the parent itself or one of its
zones), is named after the parent park, names the best zone (``best_zone_zh``/``best_zone_id``) and
lists every zone (``zones``: list of dicts with id, names and eligible, best first) so a user can expand it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def collapse_zones(scored: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Collapse a scored frame sorted best first. Returns the collapsed frame (same order, one row
    per park) and the positions of the kept rows in ``scored``.
    """
    ids = scored["cand_id"].astype(str).to_numpy()
    parent = scored["parent_park_id"].fillna("").astype(str).to_numpy()
    group = ids.astype(object)  # a copy
    has = np.flatnonzero(parent != "")
    if len(has):  # hashed lookup: np.isin on object arrays is quadratic
        known = pd.Series(parent[has]).isin(set(ids)).to_numpy()
        group[has[known]] = parent[has[known]]
    keep = np.flatnonzero(~pd.Index(group).duplicated())  # first row of each park, in order (hashed)
    if len(keep) == len(scored):  # nothing collapses (a parcel layer): a copy-on-write view, no take
        out = scored.reset_index(drop=True)
    else:
        out = scored.iloc[keep].reset_index(drop=True)
    by_id = None  # the parents, indexed by id: built only when a zone is a park's best member
    members: dict[str, list[dict]] = {}
    for i in np.flatnonzero(ids != group):  # the zones only
        r = scored.iloc[i]
        members.setdefault(group[i], []).append({"cand_id": ids[i], "name_zh": r["name_zh"], "name_en": r["name_en"],
                                                 "eligible": bool(r["eligible"])})
    n = len(keep)
    best_id = np.full(n, "", dtype=object)
    best_zh = np.full(n, "", dtype=object)
    best_en = np.full(n, "", dtype=object)
    zones = np.empty(n, dtype=object)  # rows without zones share one empty list: 10⁵ new lists cost GC passes
    zones.fill([])
    gk = group[keep]
    for j in np.flatnonzero((ids[keep] != gk) | pd.Series(gk).isin(set(members)).to_numpy()):
        pos = keep[j]
        g = group[pos]
        zones[j] = members.get(g, [])
        if ids[pos] != g:  # a zone is the best member: name the row after the parent park
            best_id[j] = ids[pos]
            best_zh[j] = scored.iloc[pos]["name_zh"]
            best_en[j] = scored.iloc[pos]["name_en"]
            if by_id is None:
                by_id = scored.set_index("cand_id")
            p = by_id.loc[g]
            for c in ("name_zh", "name_en", "tier", "tier_source"):
                if c in out.columns:
                    out.at[j, c] = p[c]
            out.at[j, "cand_id"] = g
            out.at[j, "park_id"] = g
            out.at[j, "parent_park_id"] = ""
    out["best_zone_id"] = best_id.tolist()
    out["best_zone_zh"] = best_zh.tolist()
    out["best_zone_en"] = best_en.tolist()
    out["zones"] = zones
    return out, keep
