"""HTML popups of the maps: park, district and assignment rows, cited by plan title (never a file name)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..data.citations import cite
from ..i18n import name_col, pick, t
from .symbols import esc, precision_label

APPROX_DEFAULT = ("district_seat", "town_center")


POPUP_ROWS = 6


EVIDENCE_CHARS = 90


# Leaflet popup options of every place card: a bounded height that scrolls (the map is ≥ 720 px tall),
# and auto-pan padding so the zoom buttons and the measure button (top left) never cover the title.
POPUP_OPTIONS = {"max_width": 420, "max_height": 380, "auto_pan_padding_top_left": [60, 110],
                 "auto_pan_padding_bottom_right": [20, 20]}


FIELD_CHARS = 120  # long source notes are cut in popups; downloads and side tables keep them whole


def _short(text: Any, n: int = EVIDENCE_CHARS) -> str:
    s = "" if text is None else str(text)
    return s if len(s) <= n else s[: n - 1] + "…"


def _area_label(name: str, n: int = 30) -> str:
    """A short legend label of a long region name: its parenthesised part when it has one."""
    s = str(name)
    if "(" in s and s.rstrip().endswith(")"):
        s = s[s.index("(") + 1:-1]
    return _short(s, n)




# ---------------------------------------------------------------- popups with plan sentences
def assignments_popup_rows(rows: pd.DataFrame, lang: str, limit: int = POPUP_ROWS) -> str:
    """An HTML list of assignment rows: industry — role, the plan sentence, the plan's title (+ 专栏)."""
    if rows is None or rows.empty:
        return f"<i>{esc(t('no_industries', lang))}</i>"
    ind_col = "industry_en" if lang == "en" and "industry_en" in rows else "industry_zh"
    items = []
    # only the columns the card shows, as plain records: itertuples over every column of the
    # assignments table was most of the map's build time (issue 15, ~0.2 s of 0.33 s per rerun)
    head = rows.head(limit)
    use = [c for c in (ind_col, "industry_zh", "role_zh", "evidence_zh", "source", "source_line") if c in head]
    for d in head[list(dict.fromkeys(use))].to_dict("records"):
        line = d.get("source_line")
        label = source_label(d.get("source"), None if line is None or pd.isna(line) else int(line), lang)
        items.append(
            f"<li><b>{esc(d.get(ind_col) or d.get('industry_zh'))}</b>"
            + (f" — {esc(d.get('role_zh'))}" if d.get("role_zh") else "")
            + f"<q>{esc(_short(d.get('evidence_zh')))}</q>"
            + f"<small>{esc(label)}</small></li>"
        )
    more = len(rows) - limit
    tail = f"<small>{esc(t('more_rows', lang).format(n=more))}</small>" if more > 0 else ""
    return f"<ul>{''.join(items)}</ul>{tail}"


INTERNAL_FIELDS = ("membership_source", "location_source", "source_line")  # notes / URLs: side tables only


def source_label(source: Any, line: int | None, lang: str) -> str:
    """The reader-facing label of a source: a plan title (+ 专栏) for a seed file; other sources as given."""
    s = "" if source is None else str(source)
    if s.endswith(".txt"):
        return cite(s, line, lang=lang)
    return t("park_lead_source", lang) if s == "park lead industries" else s


def fields_table(rec: dict[str, Any], fields: list[dict[str, Any]], lang: str,
                 skip: Iterable[str] = ()) -> str:
    """An HTML table of a record's spec ``fields`` (label in ``lang``, optional ``format``), escaped."""
    rows = []
    for f in fields:
        name = f.get("name")
        if name in skip or name in INTERNAL_FIELDS or name not in rec:
            continue
        v = rec[name]
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v == "":
            continue
        if name == "location_precision":
            v = precision_label(str(v), lang)
        elif name == "membership_confidence":
            v = confidence_label(str(v), lang)
        elif name == "source":
            line = rec.get("source_line")
            v = source_label(v, None if line is None or pd.isna(line) or line == "" else int(line), lang)
        elif f.get("format"):
            try:
                v = f["format"].format(v)
            except (ValueError, TypeError):
                pass
        rows.append(f"<tr><th>{esc(pick(f, lang))}</th><td>{esc(_short(v, FIELD_CHARS))}</td></tr>")
    return f"<table>{''.join(rows)}</table>" if rows else ""


def confidence_label(value: str, lang: str) -> str:
    """Plain words for a ``membership_confidence`` value."""
    try:
        return t(f"conf_{value}", lang)
    except KeyError:
        return str(value)


def park_popup(park: dict[str, Any], rows: pd.DataFrame, lang: str, host_rows: pd.DataFrame | None = None,
               fields: list[dict[str, Any]] | None = None) -> str:
    """Popup HTML for one park: its spec fields (tier, level, precision …; the approximate note when
    located at a district seat), the plan sentences naming it and those naming its host district.
    """
    name = park.get(name_col(lang)) or park.get("name_zh")
    prec = str(park.get("location_precision", ""))
    note = f"<p>{esc(t('approx_note', lang))}</p>" if prec == "district_seat" else ""
    if fields is None:
        fields = [{"name": "tier", "zh": t("tier", "zh"), "en": t("tier", "en")},
                  {"name": "level_zh", "zh": t("level", "zh"), "en": t("level", "en")},
                  {"name": "location_precision", "zh": t("precision", "zh"), "en": t("precision", "en")},
                  {"name": "membership_confidence", "zh": t("confidence", "zh"), "en": t("confidence", "en")},
                  {"name": "lead_industries_zh", "zh": t("lead_industries", "zh"),
                   "en": t("lead_industries", "en")}]
    return (
        f"<div class=gp><h4>{esc(name)}</h4>{note}"
        + fields_table(park, fields, lang, skip=("name_zh", "name_en"))
        + f"<h5>{esc(t('industries_here', lang))}</h5>{assignments_popup_rows(rows, lang)}"
        + (f"<h5>{esc(t('host_district_industries', lang))}</h5>{assignments_popup_rows(host_rows, lang, 3)}"
           if host_rows is not None and not host_rows.empty else "")
        + "</div>"
    )


def district_popup(d: dict[str, Any], rows: pd.DataFrame, lang: str,
                   fields: list[dict[str, Any]] | None = None) -> str:
    """Popup HTML for one district: its spec fields (region, area …) and the plan sentences naming it."""
    name = d.get(name_col(lang)) or d.get("name_zh")
    if fields is None:
        fields = [{"name": "region_zh", "zh": t("region", "zh"), "en": t("region", "en")}]
    return (
        f"<div class=gp><h4>{esc(name)}</h4>"
        + fields_table(d, fields, lang, skip=("name_zh", "name_en"))
        + f"<h5>{esc(t('industries_here', lang))}</h5>{assignments_popup_rows(rows, lang)}</div>"
    )


def _rows_by_place(assignments: pd.DataFrame | None, place_type: str) -> dict[str, pd.DataFrame]:
    if assignments is None or assignments.empty:
        return {}
    sub = assignments[assignments["place_type"] == place_type]
    # rows a planner approved in the workspace, then lead rows, so that a bounded popup shows them
    strength = sub.get("strength", pd.Series("", index=sub.index))
    order = sub.assign(_lead=np.select([strength.eq("approved"), strength.eq("lead")], [0, 1], 2))
    order = order.sort_values(["_lead", "source", "source_line"], kind="stable")
    return {str(k): g for k, g in order.groupby(order["place_id"].astype(str), sort=False)}
