"""One row per park: sub-zones (``parent_park_id``) collapse into their parent park.

The row keeps the scores and gates of the best-fitting member (the parent itself or one of its
zones), is named after the parent park, names the best zone (``best_zone_zh``/``best_zone_id``) and
lists every zone (``zones``: list of dicts with id, names and eligible, best first) so a user can expand it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["ZonePlan", "collapse_zones", "flat_plan", "zone_plan"]

PARENT_FIELDS = ("name_zh", "name_en", "tier", "tier_source")  # a collapsed row takes these from its park


@dataclass
class ZonePlan:
    """How a sorted candidate table collapses: the kept rows and what changes on them.

    ``keep``: positions of the kept rows (first member of each park, in order). ``best_zone_*`` and
    ``zones`` are aligned with ``keep``. ``renamed``: (row j of the collapsed table, parent id,
    position of the parent in the sorted table) for rows whose best member is a zone: such a row is
    named after its parent park and takes the parent's ``PARENT_FIELDS``.
    """

    keep: np.ndarray
    best_zone_id: np.ndarray
    best_zone_zh: np.ndarray
    best_zone_en: np.ndarray
    zones: np.ndarray
    renamed: list[tuple[int, str, int]] = field(default_factory=list)

    def cand_ids(self, ids: np.ndarray) -> np.ndarray:
        """The collapsed table's ``cand_id`` column, given the sorted table's."""
        out = np.asarray(ids, dtype=object)[self.keep].copy()
        for j, g, _ in self.renamed:
            out[j] = g
        return out

    def parent_field(self, values: np.ndarray, name: str) -> np.ndarray:
        """A collapsed column of ``PARENT_FIELDS`` (``name``), given the sorted table's."""
        v = np.asarray(values, dtype=object)
        out = v[self.keep].copy()
        if name in PARENT_FIELDS:
            for j, _, p in self.renamed:
                out[j] = v[p]
        return out

    def columns(self, rows: np.ndarray) -> dict[str, object]:
        """The collapse's columns for rows ``rows`` of the collapsed table."""
        return {"best_zone_id": self.best_zone_id[rows].tolist(), "best_zone_zh": self.best_zone_zh[rows].tolist(),
                "best_zone_en": self.best_zone_en[rows].tolist(), "zones": self.zones[rows]}

    def apply(self, frame: pd.DataFrame, rows: np.ndarray) -> None:
        """Write the collapse onto ``frame``, whose row i is row ``rows[i]`` of the collapsed table."""
        for c, v in self.columns(rows).items():
            frame[c] = v


def flat_plan(n: int) -> ZonePlan:
    """The plan of a table of n parks none of which has zones: every row kept, nothing renamed."""
    zones = np.empty(n, dtype=object)  # one shared empty list: 10⁵ new lists cost GC passes
    zones.fill([])
    return ZonePlan(np.arange(n), np.full(n, "", dtype=object), np.full(n, "", dtype=object),
                    np.full(n, "", dtype=object), zones)


def _as_str(values: np.ndarray, missing: str | None = None) -> np.ndarray:
    """``values`` as an object array of Python str (as ``Series.astype(str)`` gives them), without
    the round trip through an Arrow string column when they are str already.
    """
    a = np.asarray(values, dtype=object)
    if missing is not None:
        a = np.where(pd.isna(a), missing, a).astype(object)
    if all(type(v) is str for v in a):
        return a.copy()
    return pd.Series(a).astype(str).to_numpy(object)


def zone_plan(ids: np.ndarray, parent: np.ndarray, eligible: np.ndarray, name_zh: np.ndarray,
              name_en: np.ndarray) -> ZonePlan:
    """Plan the collapse of a table sorted best first (columns as arrays); see :class:`ZonePlan`."""
    ids = _as_str(ids)
    parent = _as_str(parent, missing="")
    group = ids.copy()
    has = np.flatnonzero(parent != "")
    if len(has) == 0 and pd.Index(ids).is_unique:  # nothing collapses (a parcel layer)
        return flat_plan(len(ids))
    if len(has):  # hashed lookup: np.isin on object arrays is quadratic
        known = pd.Series(parent[has]).isin(set(ids)).to_numpy()
        group[has[known]] = parent[has[known]]
    keep = np.flatnonzero(~pd.Index(group).duplicated())  # first row of each park, in order (hashed)
    members: dict[str, list[dict]] = {}
    for i in np.flatnonzero(ids != group):  # the zones only
        members.setdefault(group[i], []).append({"cand_id": ids[i], "name_zh": name_zh[i], "name_en": name_en[i],
                                                 "eligible": bool(eligible[i])})
    n = len(keep)
    best_id = np.full(n, "", dtype=object)
    best_zh = np.full(n, "", dtype=object)
    best_en = np.full(n, "", dtype=object)
    zones = np.empty(n, dtype=object)  # rows without zones share one empty list: 10⁵ new lists cost GC passes
    zones.fill([])
    renamed = []
    position = None  # sorted position of each id: built only when a zone is a park's best member
    gk = group[keep]
    for j in np.flatnonzero((ids[keep] != gk) | pd.Series(gk).isin(set(members)).to_numpy()):
        pos = keep[j]
        g = group[pos]
        zones[j] = members.get(g, [])
        if ids[pos] != g:  # a zone is the best member: name the row after the parent park
            best_id[j], best_zh[j], best_en[j] = ids[pos], name_zh[pos], name_en[pos]
            if position is None:
                position = {v: i for i, v in enumerate(ids)}
            renamed.append((int(j), g, position[g]))
    return ZonePlan(keep, best_id, best_zh, best_en, zones, renamed)


def collapse_zones(scored: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Collapse a scored frame sorted best first. Returns the collapsed frame (same order, one row
    per park) and the positions of the kept rows in ``scored``.
    """
    plan = zone_plan(scored["cand_id"].to_numpy(), scored["parent_park_id"].to_numpy(),
                     scored["eligible"].to_numpy(), scored["name_zh"].to_numpy(object),
                     scored["name_en"].to_numpy(object))
    keep = plan.keep
    if len(keep) == len(scored):  # nothing collapses (a parcel layer): a copy-on-write view, no take
        out = scored.reset_index(drop=True)
    else:
        out = scored.iloc[keep].reset_index(drop=True)
    rename_rows(out, plan, lambda c, p: scored[c].iloc[p], np.arange(len(keep)))
    plan.apply(out, np.arange(len(keep)))
    return out, keep


def rename_rows(frame: pd.DataFrame, plan: ZonePlan, parent_value: Callable[[str, int], object],
                rows: np.ndarray) -> None:
    """Rename the rows of ``frame`` (collapsed rows ``rows``) whose best member is a zone;
    ``parent_value(column, p)`` is the value of ``column`` at position p of the sorted table.
    """
    at = {int(r): i for i, r in enumerate(rows)}
    for j, g, p in plan.renamed:
        if j not in at:
            continue
        i = at[j]
        for c in PARENT_FIELDS:
            if c in frame.columns:
                frame.at[i, c] = parent_value(c, p)
        frame.at[i, "cand_id"] = g
        frame.at[i, "park_id"] = g
        frame.at[i, "parent_park_id"] = ""
