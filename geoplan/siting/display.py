"""How a site-selection result is shown: criterion colours fixed per criterion (not per language),
gate states in words, and the stability report as two labelled tables.

A leaf module for the app and the brief; it computes nothing about the ranking itself.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..i18n import LABELS, t
from .explain import CRITERION_LABELS
from .spec import CRITERIA

#: one colour per criterion (Tableau 10), the same in every language and every chart
CRITERION_COLOURS: dict[str, str] = {
    "industry_fit": "#4e79a7", "corridor": "#f28e2b", "intensity": "#59a14f",
    "tier": "#b07aa1", "region_role": "#edc948", "land_fit": "#76b7b2",
}


def criterion_label(criterion: str, lang: str) -> str:
    """The name of a criterion in ``lang`` (the id itself when it has no label)."""
    zh, en = CRITERION_LABELS.get(criterion, (criterion, criterion))
    return zh if lang == "zh" else en


def criterion_scale(lang: str) -> tuple[list[str], list[str]]:
    """``(labels, colours)`` for a chart's colour scale, in the fixed criterion order.

    Parameters
    ----------
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    tuple of list of str
        The criterion labels in ``lang`` and their colours; a criterion keeps its colour in both languages.

    Examples
    --------
    >>> zh, c_zh = criterion_scale("zh"); en, c_en = criterion_scale("en")
    >>> c_zh == c_en and zh != en
    True
    """
    return [criterion_label(c, lang) for c in CRITERIA], [CRITERION_COLOURS[c] for c in CRITERIA]


def state_label(state: object, lang: str) -> str:
    """A gate state (``pass``/``fail``/``unknown``/``n/a``) in words; other values unchanged."""
    key = f"siting_state_{state}"
    return t(key, lang) if key in LABELS else str(state)


def citation_table(citations: list[dict], lang: str) -> pd.DataFrame:
    """A candidate's plan citations as a table to read: internal id columns dropped, relations in words.

    Parameters
    ----------
    citations : list of dict
        ``row["citations"]`` of a ranked candidate.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    pandas.DataFrame
    """
    table = pd.DataFrame(citations)
    table = table.drop(columns=[c for c in table.columns if str(c).endswith("_id")])
    if "cite_en" in table and "cite" in table:  # one citation column, in the reader's language
        table["cite"] = table.pop("cite_en") if lang == "en" else table["cite"]
        table = table.drop(columns=[c for c in ("cite_en",) if c in table])
    if "relation" in table:
        table["relation"] = [t(f"siting_rel_{r}", lang) if f"siting_rel_{r}" in LABELS else r
                             for r in table["relation"]]
    return table


def stability_tables(stability: dict[str, Any], names: dict[str, str], lang: str) -> tuple[pd.DataFrame,
                                                                                          pd.DataFrame]:
    """The stability report as (summary, per-candidate) tables with labels in ``lang``.

    Parameters
    ----------
    stability : dict
        ``SiteSelectionResult.stability``.
    names : dict
        Candidate id → name to show (ids without a name are shown as they are).
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        ``label``/``value`` rows of the scalar entries, and one row per top candidate whose
        ``cand_id`` column is replaced by the name (columns keep their ids; the app localises headers).
    """
    rows = [{"label": t(f"siting_stab_{k}", lang) if f"siting_stab_{k}" in LABELS else k, "value": str(v)}
            for k, v in stability.items() if not isinstance(v, (list, dict))]
    top = pd.DataFrame(stability.get("top") or [])
    if not top.empty:
        if "cand_id" in top:
            top.insert(0, "name", [names.get(str(c), str(c)) for c in top.pop("cand_id")])
        if "rank_by_one_at_a_time" in top:  # scenario labels are internal: show the spread of ranks instead
            top["rank_by_one_at_a_time"] = [", ".join(str(v) for v in sorted(set(d.values()))) if isinstance(d, dict)
                                            else "" for d in top["rank_by_one_at_a_time"]]
    return pd.DataFrame(rows, columns=["label", "value"]), top
