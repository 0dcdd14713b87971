"""Reader-facing citations: a plan's title (+ 专栏) instead of a seed file name and line.

``cite("003_47939a72131e0a6e.txt", 177)`` → ``《重庆市战略性新兴产业发展“十四五”规划》 专栏6``.
Exports keep ``source`` + ``source_line`` for traceability; what a user reads comes from here.
When ``data/plans.csv`` is absent the label says "plan text" without naming a file.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from ..errors import DataError
from . import catalog

__all__ = ["cite", "plan_title", "plan_for"]

_UNKNOWN = {"zh": "规划文本", "en": "plan text"}


def _plans() -> pd.DataFrame:
    return _plans_at(catalog.generation())


def _sections() -> pd.DataFrame:
    return _sections_at(catalog.generation())


# read once per data generation: a map draws hundreds of citations and each used to convert the table
@cache
def _plans_at(generation: int) -> pd.DataFrame:
    try:
        return catalog.plans()
    except DataError:
        return pd.DataFrame(columns=["plan_id", "source", "title_zh", "title_en", "first_line", "last_line"])


@cache
def _sections_at(generation: int) -> pd.DataFrame:
    try:
        return catalog.plan_sections()
    except DataError:
        return pd.DataFrame(columns=["source", "section_zh", "first_line", "last_line"])


def plan_for(source: str, line: int | None = None) -> dict | None:
    """The plans.csv row covering ``source`` (a seed file name or a plan_id) at ``line``, or None."""
    p = _plans()
    if p.empty:
        return None
    hit = p[p["plan_id"] == str(source)]
    if hit.empty:
        hit = p[p["source"] == str(source)]
        if len(hit) > 1 and line is not None and not pd.isna(line):
            ln = int(line)
            first = hit["first_line"].fillna(1).astype(int)
            last = hit["last_line"].fillna(10**9).astype(int)
            hit = hit[(first <= ln) & (ln <= last)]
    return hit.iloc[0].to_dict() if len(hit) else None


def plan_title(source: str, line: int | None = None, lang: str = "zh") -> str:
    """《title》 (zh) or the English title in italics-free quotes (en); never a file name."""
    if line is not None and pd.isna(line):
        line = None
    return _plan_title(catalog.generation(), str(source), None if line is None else int(line), lang)


@cache
def _plan_title(_generation: int, source: str, line: int | None, lang: str) -> str:
    row = plan_for(source, line)
    if row is None:
        return _UNKNOWN["en" if lang == "en" else "zh"]
    if lang == "en":
        return str(row.get("title_en") or row["title_zh"])
    return f"《{row['title_zh']}》"


def section_for(source: str, line: int | None) -> str:
    if line is None or pd.isna(line):
        return ""
    s = _sections()
    if s.empty:
        return ""
    hit = s[(s["source"] == str(source)) & (s["first_line"] <= int(line)) & (int(line) <= s["last_line"])]
    return str(hit.iloc[0]["section_zh"]) if len(hit) else ""


def cite(source: str, line: int | None = None, section: str | None = None, lang: str = "zh") -> str:
    """The label a reader sees, e.g. 《重庆市战略性新兴产业发展“十四五”规划》 专栏6 (doc number when known).

    Memoised per data generation (:func:`geoplan.data.catalog.generation`): site selection cites the
    same few plan lines for thousands of candidates.
    """
    if not source:
        return ""
    if line is not None and pd.isna(line):
        line = None
    return _cite(catalog.generation(), str(source), None if line is None else int(line), section, lang)


@cache
def _cite(_generation: int, source: str, line: int | None, section: str | None, lang: str) -> str:
    row = plan_for(source, line)
    title = plan_title(source, line, lang)
    sec = section if section is not None else section_for(row["source"] if row else source, line)
    parts = [title]
    if row is not None and row.get("doc_number"):
        parts.append(f"({row['doc_number']})" if lang == "en" else f"（{row['doc_number']}）")
    label = "".join(parts) if lang != "en" else " ".join(parts)
    if sec:
        if lang == "en":
            sec = sec.replace("专栏", "Box ")
        label += f" {sec}"
    return label
