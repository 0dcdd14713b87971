"""Compare proposed rows with the knowledge base (``data/assignments.csv``).

Each proposal gets a ``status``:

* ``new_site`` — the place is not in the gazetteer (a named site to add; never dropped);
* ``existing`` — the same industry at the same place is already known (``existing_where`` lists file + line);
* ``contradiction`` — the knowledge base has this industry at other places *in the same document scope*
  (rows from the same source file or plan id) but not here (``existing_where`` lists them);
* ``new`` — none of the above.
"""

from __future__ import annotations

import pandas as pd

from ..data import catalog

__all__ = ["STATUSES", "diff_against"]

STATUSES = ("new", "existing", "contradiction", "new_site")


def _where(rows: pd.DataFrame) -> str:
    return "; ".join(f"{s} L{int(ln)}" + (f" ({p})" if p else "")
                     for s, ln, p in zip(rows["source"], rows["source_line"], rows.get("place_zh", [""] * len(rows))))


def diff_against(proposals: pd.DataFrame, kb: pd.DataFrame | None = None,
                 scope_sources: tuple[str, ...] = (), plan_id: str | None = None) -> pd.DataFrame:
    """``proposals`` with ``status`` and ``existing_where`` columns (a copy).

    ``scope_sources``: source file names whose rows form the document scope for contradictions
    (normally the plan's own file name); ``plan_id`` adds the rows of that plan id.
    """
    kb = catalog.assignments() if kb is None else kb
    out = proposals.copy()
    status, where = [], []
    kb = kb.assign(place_id=kb["place_id"].astype(str), industry_id=kb["industry_id"].astype(str))
    in_scope = kb["source"].isin(scope_sources)
    if plan_id:
        in_scope |= kb["plan_id"].astype(str) == plan_id
    scope = kb[in_scope]
    by_key = {k: g for k, g in kb.groupby(["industry_id", "place_id"])}
    scope_by_ind = {k: g for k, g in scope.groupby("industry_id")}
    for iid, ptype, pid in zip(out["industry_id"].astype(str), out["place_type"].astype(str),
                               out["place_id"].fillna("").astype(str)):
        if ptype == "new_site":
            status.append("new_site")
            where.append("")
            continue
        same = by_key.get((iid, pid))
        if same is not None:
            status.append("existing")
            where.append(_where(same))
            continue
        other = scope_by_ind.get(iid)
        if other is not None and len(other):
            status.append("contradiction")
            where.append(_where(other))
            continue
        status.append("new")
        where.append("")
    out["status"] = status
    out["existing_where"] = where
    return out
