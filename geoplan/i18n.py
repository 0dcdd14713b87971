"""User-facing labels in Chinese and English: ``t(key, lang)``.

Every label the app or a map shows comes from ``LABELS`` so that the 中文/English switch changes
all of them. Keys are ascii; a missing key raises KeyError (a test checks both languages exist).
"""

from __future__ import annotations

from typing import Any

from ._labels import (
    brief,
    compare,
    corridor,
    fields,
    industry,
    ingest,
    intensity,
    maps,
    parcels,
    shell,
    siting,
    targets,
    workspace,
)

LANGS = ("zh", "en")


def _merge(*tables: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for table in tables:
        for key, entry in table.items():
            if key in merged:
                raise ValueError(f"label key {key!r} is defined twice in geoplan._labels")
            merged[key] = entry
    return merged


#: every label, merged from one table per concern (``geoplan/_labels/<concern>.py``); a key defined
#: twice is an error at import time
LABELS: dict[str, dict[str, str]] = _merge(
    shell.LABELS,
    workspace.LABELS,
    industry.LABELS,
    fields.LABELS,
    intensity.LABELS,
    corridor.LABELS,
    siting.LABELS,
    ingest.LABELS,
    brief.LABELS,
    compare.LABELS,
    targets.LABELS,
    maps.LABELS,
    parcels.LABELS,
)


def t(key: str, lang: str = "zh") -> str:
    """The label ``key`` in ``lang`` ('zh' or 'en'); unknown languages fall back to Chinese."""
    entry = LABELS[key]
    return entry.get(lang) or entry["zh"]


UNITS_EN = {"万元/亩": "10k CNY/mu", "万元/人": "10k CNY/person", "万元/吨标煤": "10k CNY/tce",
            "万元/吨": "10k CNY/t", "亿元": "100M CNY", "万元": "10k CNY", "亩": "mu", "亿元/平方公里": "100M CNY/km²"}


def unit(u: str, lang: str) -> str:
    """A unit label in ``lang`` (the data keep the Chinese unit; English readers get a translation)."""
    return UNITS_EN.get(u, u) if lang == "en" else u


def pick(obj: dict[str, str] | str | None, lang: str) -> str:
    """A ``{zh, en}`` mapping from a layer spec (or a plain string) in ``lang``."""
    if obj is None:
        return ""
    if isinstance(obj, dict):
        return str(obj.get(lang) or obj.get("zh") or next(iter(obj.values()), ""))
    return str(obj)


def name_col(lang: str) -> str:
    """The name column to show: ``name_zh`` or ``name_en``."""
    return "name_en" if lang == "en" else "name_zh"


def column_label(column: object, lang: str) -> str:
    """The header of a table column: its ``col_<name>`` label when there is one, else the name as it is.

    Parameters
    ----------
    column : object
        A column name such as ``"available_land_mu"``.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        The label (``"可用地（亩）"`` / ``"Free land (mu)"``) or ``str(column)``.
    """
    key = f"col_{column}"
    return t(key, lang) if key in LABELS else str(column)


def localize_columns(frame: Any, lang: str) -> Any:
    """A copy of ``frame`` with its column headers in ``lang`` (see :func:`column_label`).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table about to be shown.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    pandas.DataFrame
        The same rows; columns without a label keep their name.
    """
    names: dict[object, str] = {}
    used = {str(c) for c in frame.columns if f"col_{c}" not in LABELS}
    for c in frame.columns:
        if f"col_{c}" not in LABELS:
            continue
        label, n = column_label(c, lang), 2
        while label in used:  # two columns with one label (note / notes): number them, never show the raw name
            label = f"{column_label(c, lang)} {n}"
            n += 1
        used.add(label)
        names[c] = label
    return frame.rename(columns=names)
