"""Approved ingestion rows on the industry map: the workspace's approved rows shaped like the seed rows.

``review.apply_review`` returns the rows a planner accepted; ``Store.add_approved_assignments``
keeps them (with document title, number, date, line and evidence); ``workspace_rows`` reads them
back in the columns of ``data/assignments.csv`` and ``with_approved`` adds them to the seed rows
of an industry (``geoplan.taxonomy.places_for_industry``), so the industry map lights them up and
cites them by the plan's title and line like the seed rows. Nothing here touches ``data/``.
"""

from __future__ import annotations

import pandas as pd

from ..data import catalog, taxonomy
from ..store import Store

__all__ = ["WORKSPACE_PLAN_ID", "citation", "map_assignments", "place_rows", "with_approved", "workspace_rows"]

WORKSPACE_PLAN_ID = "workspace_approved"
_COLUMNS = ["assignment_id", "plan_id", "source", "source_line", "evidence_zh", "industry_zh", "industry_en",
            "industry_id", "place_zh", "place_type", "place_id", "role_zh", "strength", "kind", "specific_industry"]


def _text(v: object) -> str:
    return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v).strip()


def citation(title: str, number: str = "", date: str = "", line_label: str = "", file: str = "") -> str:
    """How a reader sees an approved row's source: 《title》（number，date） L12.

    Without a title the user's file name stands in (never a temporary path).

    Examples
    --------
    >>> citation("某区制造业规划", "某府发〔2024〕3号", "2024-05-01", "L12")
    '《某区制造业规划》（某府发〔2024〕3号，2024-05-01） L12'
    >>> citation("", line_label="p2 L3", file="plan.pdf")
    'plan.pdf p2 L3'
    """
    title, number, date, line_label, file = map(_text, (title, number, date, line_label, file))
    head = f"《{title}》" if title else file
    meta = "，".join(x for x in (number, date) if x)
    return (head + (f"（{meta}）" if meta else "") + (f" {line_label}" if line_label else "")).strip()


def workspace_rows(store: Store) -> pd.DataFrame:
    """The store's approved rows in the columns of ``data/assignments.csv``.

    ``source`` is the reader-facing citation (``citation``), ``source_line`` the line, ``plan_id``
    ``workspace_approved``, ``strength`` ``approved``; a new site keeps ``place_type`` new_site.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from geoplan.store import open_store
    >>> s = open_store(tempfile.mkdtemp() + "/w.gpkg")
    >>> _ = s.add_approved_assignments(pd.DataFrame([{"industry_id": "nev", "place_type": "district",
    ...     "place_id": "500120", "place_zh": "璧山区", "kind": "siting", "line": 5, "line_label": "L5",
    ...     "evidence": "璧山区重点发展新能源汽车", "doc_title": "某区规划"}]))
    >>> workspace_rows(s)[["source", "source_line", "place_id"]].values.tolist()
    [['《某区规划》 L5', 5, '500120']]
    """
    a = store.approved_assignments()
    if a.empty:
        return pd.DataFrame(columns=_COLUMNS)
    names = catalog.industries().set_index("industry_id")
    zh = a["industry_id"].map(names["name_zh"]).fillna(a["industry_zh"].fillna(""))
    en = a["industry_id"].map(names["name_en"]).fillna("")
    src = [citation(t, n, d, lab or (f"L{ln}" if pd.notna(ln) else ""), f)
           for t, n, d, lab, ln, f in zip(a["doc_title"], a["doc_number"], a["doc_date"], a["line_label"],
                                          a["line"], a["source"])]
    out = pd.DataFrame({
        "assignment_id": "W" + a["fid"].astype(str),
        "plan_id": WORKSPACE_PLAN_ID,
        "source": src,
        "source_line": pd.array(a["line"], dtype="Int64"),
        "evidence_zh": a["evidence"],
        "industry_zh": zh,
        "industry_en": en,
        "industry_id": a["industry_id"],
        "place_zh": a["place_zh"].fillna(""),
        "place_type": a["place_type"],
        "place_id": a["place_id"].fillna(""),
        "role_zh": "工作空间已批准",  # a Chinese column, like the seed rows' roles
        "strength": "approved",
        "kind": a["kind"].fillna(""),
        "specific_industry": True,
    })
    return out[_COLUMNS]


def with_approved(rows: pd.DataFrame, industry_id: str, store: Store, include_related: bool = True) -> pd.DataFrame:
    """``rows`` (``places_for_industry(industry_id)``) plus the store's approved rows of that industry.

    Approved rows get the same ``relation`` column (direct / same_chain / same_sector) and come
    first among the rows of their relation (the newest knowledge a planner approved).
    """
    w = workspace_rows(store)
    if w.empty:
        return rows
    rel = w["industry_id"].map(lambda i: taxonomy.industry_relation(industry_id, str(i)))
    w = w.assign(relation=rel)
    w = w[w["relation"].notna() if include_related else w["relation"].eq("direct")]
    if w.empty:
        return rows
    out = pd.concat([w[[c for c in w.columns if c in rows.columns or not len(rows.columns)]], rows],
                    ignore_index=True)
    order = {r: k for k, r in enumerate(taxonomy.RELATION_ORDER)}
    return (out.assign(_r=out["relation"].map(order)).sort_values("_r", kind="stable")
            .drop(columns="_r").reset_index(drop=True))


def map_assignments(assignments: pd.DataFrame, store: Store) -> pd.DataFrame:
    """The rows the industry map's popups list: ``assignments`` (the seed rows) plus the store's approved rows.

    The popup of a place then lists an approved row with its citation (plan title, number, date,
    line) like a seed row; ``geoplan.maps`` puts approved rows first, so a bounded popup shows them.

    Parameters
    ----------
    assignments : pandas.DataFrame
        The seed rows (``catalog.assignments()``).
    store : geoplan.store.Store
        The workspace whose approved rows are added.

    Returns
    -------
    pandas.DataFrame
        ``assignments`` itself when the workspace has no approved row.
    """
    w = workspace_rows(store)
    if w.empty:
        return assignments
    return pd.concat([w, assignments], ignore_index=True)


def place_rows(place_type: str, place_id: str, store: Store) -> pd.DataFrame:
    """A place card's rows: ``taxonomy.industries_for_place`` plus the approved rows naming the place
    (for a district also those naming one of its parks, ``matched_via`` "park in district").

    Parameters
    ----------
    place_type : {"district", "park", "region"}
    place_id : str
        An adcode (as text), a park id or a region id.
    store : geoplan.store.Store

    Returns
    -------
    pandas.DataFrame
        Approved rows first, then the seed rows.
    """
    rows = taxonomy.industries_for_place(place_type, place_id)
    w = workspace_rows(store)
    if w.empty:
        return rows
    place_id = str(place_id)
    direct = w["place_type"].eq(place_type) & w["place_id"].astype(str).eq(place_id)
    via = pd.Series(False, index=w.index)
    if place_type == "district":
        parks = catalog.parks()
        host = dict(zip(parks["park_id"].astype(str), parks["host_adcode"].astype("Int64").astype(str)))
        via = w["place_type"].eq("park") & w["place_id"].astype(str).map(host).eq(place_id)
    mine = w[direct | via].assign(matched_via=["direct" if d else "park in district" for d in direct[direct | via]])
    if mine.empty:
        return rows
    return pd.concat([mine, rows], ignore_index=True)
