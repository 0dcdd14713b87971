"""The brief as plain data (strings in the reader's language), shared by the PDF and the Word writer."""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any

import pandas as pd

from ..data import catalog
from ..errors import InputError
from ..i18n import LANGS, t
from ..siting.notes import note_text
from ..siting.result import SiteSelectionResult

TOP_N = 5
MAX_CITATIONS = 3


_ABS_PATH = re.compile(r"(?<!\S)(?:[A-Za-z]:)?[/\\][^\s,;()]*[/\\]([^/\\\s,;()]+)")


def _no_paths(text: str) -> str:
    """``text`` with absolute file paths cut to their file name (a reader gets no local folders)."""
    return _ABS_PATH.sub(r"\1", text)


def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _num(v: Any, lang: str, fmt: str = "{:,.0f}", unknown: str = "brief_not_given") -> str:
    """A number as text; a missing one says so in words (never 0)."""
    return t(unknown, lang) if _missing(v) else fmt.format(float(v))


def _cite(c: dict, lang: str) -> str:
    """Where a plan sentence comes from: the plan's title when the citation carries one, else its
    plan id, seed file and 1-based line.
    """
    line = c.get("source_line")
    label = c.get("cite_en") if lang == "en" and c.get("cite_en") else c.get("cite")
    if label:  # the plan's title (data/plans.csv), then the line, never the file name
        return f"{label} {t('brief_line', lang).format(line=line)}" if line else str(label)
    seed = str(c.get("source") or "")[:3]
    where = t("brief_file_line", lang).format(seed=seed, line=line) if seed else t("brief_line", lang).format(line=line)
    if c.get("plan_title"):
        return f"《{c['plan_title']}》 {where}"
    return f"{c['plan_id']}, {where}" if c.get("plan_id") else where


def _citations(cand: dict, lang: str) -> list[dict[str, str]]:
    """Up to MAX_CITATIONS distinct plan sentences (one per seed line), then the 一区两群 role sentence."""
    out, seen = [], set()
    for c in list(cand.get("citations") or []) + list(cand.get("region_role_citations") or [])[:1]:
        key = (c.get("source"), c.get("source_line"))
        if key in seen or not c.get("evidence_zh"):
            continue
        seen.add(key)
        out.append({"ref": _cite(c, lang), "text": str(c["evidence_zh"])})
        if len(out) >= MAX_CITATIONS:
            break
    return out


def _name(cand: dict, lang: str) -> str:
    if lang == "en" and cand.get("name_en") and cand["name_en"] != cand["name_zh"]:
        return f"{cand['name_en']} ({cand['name_zh']})"
    return str(cand["name_zh"])


def _reasons(cand: dict, row: pd.Series | None, lang: str, corridors: dict[str, str]) -> list[str]:
    out = []
    sup = cand.get("support") or {}
    if sup.get("relation") in ("direct", "same_chain", "same_sector"):
        level = t(f"brief_level_{sup['level']}", lang) if sup.get("level") in ("park", "district", "region") else ""
        out.append(t(f"brief_rel_{sup['relation']}", lang) + level)
    if row is not None and not _missing(row.get("corridor_km")):
        axis = corridors.get(str(row["corridor_id"]), str(row["corridor_id"]))
        out.append(t("brief_corridor", lang).format(axis=axis, km=float(row["corridor_km"]),
                                                    margin=float(row["corridor_margin_km"])))
    tier = str(cand.get("tier") or "")
    if tier in ("2", "10", "36"):
        out.append(t("brief_tier", lang).format(tier=tier))
    elif tier == "other":
        out.append(t("brief_tier_other", lang))
    else:
        out.append(t("brief_tier_unknown", lang))
    roles = cand.get("region_role_citations") or []
    if roles and roles[0].get("role_zh"):
        out.append(t("brief_role", lang).format(region=roles[0].get("place_zh", ""), role=roles[0]["role_zh"]))
    return out


def _park_caveats(cand: dict, lang: str, land_mu: float) -> list[str]:
    """The candidate's notes in the reader's language (known kinds translated, others verbatim)."""
    out = []
    prec = cand.get("location_precision")
    if prec in ("district_seat", "town_center"):
        out.append(t("brief_caveat_precision", lang).format(prec=t(f"prec_{prec}", lang)))
    if _missing(cand.get("available_land_mu")):
        out.append(t("brief_land_unknown_note", lang).format(mu=land_mu))
    for n in cand.get("notes") or []:
        if n.startswith(("location is", "available land unknown")):
            continue  # said above in the reader's language
        if hasattr(n, "zh"):  # a bilingual note (geoplan.siting.notes): already in both languages
            out.append(_no_paths(note_text(n, lang)))
        elif n.startswith("membership in the 2+10+36 system: "):
            conf = n.rsplit(": ", 1)[1]
            key = f"brief_conf_{conf}"
            try:
                label = t(key, lang)
            except KeyError:
                label = conf
            out.append(t("brief_membership", lang).format(conf=label))
        else:
            out.append(_no_paths(n))
    return out


def brief_content(result: SiteSelectionResult, lang: str = "zh", top: int = TOP_N,
                  today: _dt.date | None = None) -> dict[str, Any]:
    """The brief of ``result`` in ``lang``: title, project rows, top ``top`` parks with reasons and plan
    sentences, the land/标准地 table and the caveats, as strings ready to lay out.
    """
    if lang not in LANGS:
        raise InputError(f"language must be one of {', '.join(LANGS)}, not {lang!r}", field="lang")
    ex = result.explanation or {}
    q = ex.get("query") or result.spec.to_dict()
    ind = ex.get("industry") or {}
    ind_name = str(ind.get("name_en") if lang == "en" else ind.get("name_zh") or q.get("industry") or "")
    land_mu = float(q.get("land_mu") or 0)
    project = [
        (t("brief_industry_asked", lang), str(q.get("industry") or "")),
        (t("brief_industry_resolved", lang), ind_name),
        (t("spec_land", lang), _num(q.get("land_mu"), lang, "{:,.0f}")),
        (t("spec_investment", lang), _num(q.get("investment_yi"), lang, "{:,.2f}")),
        (t("brief_output", lang), _num(q.get("output_yi"), lang, "{:,.2f}")),
        (t("brief_tax", lang), _num(q.get("tax_wan"), lang, "{:,.0f}")),
    ]
    corridors = {r.corridor_id: (r.corridor_en if lang == "en" else r.corridor_zh)
                 for r in catalog.corridors().itertuples()}
    regions = catalog.regions_table().set_index("region_id")
    rows = {str(r["cand_id"]): r for _, r in result.ranked.iterrows()}
    parks: list[dict[str, Any]] = []
    land_rows: list[list[str]] = []
    caveat_map: dict[str, list[str]] = {}
    floors: dict[str, list[str]] = {}
    for cand in (ex.get("ranked") or [])[:top]:
        row = rows.get(str(cand["cand_id"]))
        host = str(cand.get("host_zh") or "")
        region = str(cand.get("region_zh") or "")
        if lang == "en":
            if row is not None and not _missing(row.get("host_en")):
                host = str(row["host_en"])
            if cand.get("region_id") in regions.index:
                region = str(regions.loc[cand["region_id"], "name_en"])
        rank = cand.get("rank")
        parks.append({
            "rank": rank, "name": _name(cand, lang), "name_zh": cand["name_zh"],
            "lon": cand.get("lon"), "lat": cand.get("lat"), "precision": cand.get("location_precision"),
            "host": t("brief_host", lang).format(host=host, region=region),
            "score": t("brief_score", lang).format(score=float(cand["score"])),
            "reasons": _reasons(cand, row, lang, corridors),
            "citations": _citations(cand, lang),
        })
        gates = cand.get("gates") or {}
        land_gate = (gates.get("gate_land") or {}).get("status", "unknown")
        fl = gates.get("gate_floors") or {}
        land_rows.append([str(rank), _name(cand, lang),
                          _num(cand.get("available_land_mu"), lang, "{:,.0f}", unknown="brief_unknown"),
                          _status(land_gate, lang), _status(fl.get("status", "unknown"), lang)])
        if fl.get("value"):
            floors.setdefault(_no_paths(str(fl["value"])), []).append(str(rank))
        for n in _park_caveats(cand, lang, land_mu):
            caveat_map.setdefault(n, []).append(str(rank))
    caveats = [t("brief_caveat_general", lang)]
    caveats += [f"{t('brief_ranks', lang).format(ranks=', '.join(r))}: {n}" for n, r in caveat_map.items()]
    return {
        "lang": lang,
        "title": t("brief_title", lang).format(industry=ind_name or q.get("industry", "")),
        "subtitle": t("brief_subtitle", lang),
        "date": f"{t('brief_date', lang)}: {(today or _dt.date.today()).isoformat()}",
        "h_project": t("brief_project", lang), "project": project,
        "h_parks": t("brief_parks", lang).format(n=len(parks), m=ex.get("n_eligible", len(result.ranked))),
        "no_parks": t("brief_no_parks", lang), "parks": parks,
        "l_reasons": t("brief_reasons", lang), "l_basis": t("brief_plan_basis", lang),
        "l_sentence": t("brief_plan_sentence", lang),
        "h_map": t("brief_map", lang), "map_caption": t("brief_map_caption", lang),
        "h_land": t("brief_land", lang),
        "land_need": f"{t('brief_land_need', lang)}: {_num(q.get('land_mu'), lang)} {'mu' if lang == 'en' else '亩'}",
        "land_header": [t("rank", lang), t("park", lang), t("brief_land_avail", lang), t("brief_land_gate", lang),
                        t("brief_floors", lang)],
        "land_rows": land_rows,
        "floors": [f"{t('brief_floors', lang)} ({t('brief_ranks', lang).format(ranks=', '.join(r))}): {v}"
                   for v, r in floors.items()],
        "h_caveats": t("brief_caveats", lang), "caveats": caveats,
        "h_notes": t("brief_caveat_notes", lang), "notes": [_no_paths(str(n)) for n in ex.get("notes") or []],
        "land_mu": land_mu,
    }


def _status(s: str, lang: str) -> str:
    try:
        return t(f"brief_status_{s}", lang)
    except KeyError:
        return str(s)
