"""How a site-selection result is shown: criterion colours fixed per criterion (not per language),
gate states in words, and the stability report as two labelled tables.

A leaf module for the app and the brief; it computes nothing about the ranking itself.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..i18n import LABELS, t
from .explain import CRITERION_LABELS
from .land import example_mask
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


SHOWN_NAMES = 12  # parks named in the mixed-land warning before "… and N more"


def example_land_warning(shown: pd.DataFrame, land_info: dict[str, Any], lang: str) -> str | None:
    """The example-data warning over a ranking or an allocation, or None when no figure is an example.

    When every row of the land table is the example, the whole-table warning. When workspace figures
    and the example table are both in use, which of the parks shown still take an example figure
    (by their ``land_source``), and how many parks of each kind the land table holds.

    Parameters
    ----------
    shown : pandas.DataFrame
        The parks on screen, with ``name_zh``, ``name_en`` and ``land_source``.
    land_info : dict
        :func:`geoplan.siting.land.land_summary` of the land table used (``explanation["land_table"]``).
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str or None

    Examples
    --------
    >>> rows = pd.DataFrame({"name_zh": ["两江新区", "万州经开区"], "name_en": ["Liangjiang", "Wanzhou ETDZ"],
    ...                      "land_source": ["ILLUSTRATIVE EXAMPLE (made-up value)", "workspace: 核查"]})
    >>> print(example_land_warning(rows, {"example": True, "n_parks": 60, "n_example": 59}, "en"))
    ⚠ Free land is partly EXAMPLE data: 59 of 60 parks in the land table still take a made-up example figure, 1 a figure entered in the workspace. In this result on example figures: Liangjiang.
    >>> example_land_warning(rows, {"example": False, "n_parks": 1, "n_example": 0}, "zh") is None
    True
    """
    if not land_info.get("example"):
        return None
    n, k = int(land_info.get("n_parks") or 0), int(land_info.get("n_example") or 0)
    if k >= n:
        return t("siting_example_warning", lang)
    src = shown["land_source"] if "land_source" in shown else pd.Series("", index=shown.index)
    nm = "name_zh" if lang == "zh" else "name_en"
    names = list(dict.fromkeys(str(v) for v in shown.loc[example_mask(src).to_numpy(), nm]))
    sep = "、" if lang == "zh" else ", "
    if names:
        listed = sep.join(names[:SHOWN_NAMES])
        if len(names) > SHOWN_NAMES:
            listed += t("siting_example_more", lang).format(n=len(names) - SHOWN_NAMES)
        tail = t("siting_example_these", lang).format(names=listed)
    else:
        tail = t("siting_example_none_shown", lang)
    return t("siting_example_mixed", lang).format(k=k, n=n, m=n - k) + tail


def allocation_land_warning(parks: pd.DataFrame, assignments: list[pd.DataFrame], land_info: dict[str, Any],
                            lang: str) -> str | None:
    """:func:`example_land_warning` over the parks a pipeline allocation placed projects in.

    Parameters
    ----------
    parks : pandas.DataFrame
        The parks of the fit matrix (``fit_matrix(...)[1]``: park_id, names, land_source).
    assignments : list of pandas.DataFrame
        The allocations shown (``Allocation.assignment``, ``Greedy.naive``), each with ``park_id``.
    land_info : dict
        :func:`geoplan.siting.land.land_summary` of the land table used.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str or None
    """
    used = set().union(*(set(a["park_id"].dropna()) for a in assignments)) if assignments else set()
    return example_land_warning(parks[parks["park_id"].isin(used)], land_info, lang)
