"""The review round trip: a proposals table with a ``decision`` column, and applying a reviewed one.

``ingest_plan`` reads a plan, proposes rows, diffs them and adds the document's provenance.
The planner sets ``decision`` to accept / edit / reject per row (blank = not yet decided).
``apply_review`` checks every accepted or edited row — its evidence must still be a verbatim
substring of its line in the plan, its industry id must be in the taxonomy, its place in the
gazetteer (or a named new site) — and returns the approved assignments with provenance.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError
from .diff import diff_against
from .extract import KINDS, PROPOSAL_COLUMNS, propose
from .gazetteer import gazetteer
from .read import PlanLine, read_plan

__all__ = ["APPROVED_COLUMNS", "DECISIONS", "REVIEW_COLUMNS", "apply_review", "decision_counts", "ingest_plan",
           "review_table", "row_labels", "set_decisions"]

DECISIONS = ("accept", "edit", "reject")
DOC_COLUMNS = ["source", "doc_title", "doc_number", "doc_date"]
REVIEW_COLUMNS = ["decision"] + PROPOSAL_COLUMNS + ["status", "existing_where"] + DOC_COLUMNS
APPROVED_COLUMNS = ["proposal_id", "decision", "industry_id", "industry_zh", "place_zh", "place_type", "place_id",
                    "kind", "doc_title", "doc_number", "doc_date", "source", "page", "line", "line_label",
                    "evidence", "confidence", "reason"]
PLACE_TYPES = ("district", "park", "region", "new_site")


def review_table(proposals: pd.DataFrame, source: str, title: str = "", number: str = "", date: str = "",
                 plan_id: str | None = None, kb: pd.DataFrame | None = None) -> pd.DataFrame:
    """Proposals diffed against the knowledge base, with document provenance and an empty decision."""
    df = diff_against(proposals, kb=kb, scope_sources=(source,), plan_id=plan_id)
    df.insert(0, "decision", "")
    df["source"], df["doc_title"], df["doc_number"], df["doc_date"] = source, title, number, date
    return df[REVIEW_COLUMNS]


def ingest_plan(path: str | Path, name: str | None = None, title: str = "", number: str = "", date: str = "",
                plan_id: str | None = None, kb: pd.DataFrame | None = None) -> tuple[list[PlanLine], pd.DataFrame]:
    """(lines, review table) of the plan at ``path``; ``name`` is the file name shown to the user."""
    name = name or Path(path).name
    lines = read_plan(path, name=name)
    return lines, review_table(propose(lines), name, title, number, date, plan_id, kb)


def row_labels(table: pd.DataFrame) -> dict[str, str]:
    """proposal_id → a short label a reviewer picks rows by: ``P0003 新能源汽车 → 璧山区 (L5)``."""
    return {str(r.proposal_id): f"{r.proposal_id} {r.industry_zh or r.industry_id} → {r.place_zh} ({r.line_label})"
            for r in table.itertuples()}


def set_decisions(table: pd.DataFrame, accept: list[str] = (), reject: list[str] = ()) -> pd.DataFrame:
    """A copy of ``table`` with ``decision`` set to accept / reject for the listed proposal ids.

    An id in both lists is refused (InputError); other rows keep the decision they had.
    """
    both = sorted(set(accept) & set(reject))
    if both:
        raise InputError("同一条目不能既接受又拒绝 / a row cannot be both accepted and rejected: " + ", ".join(both))
    out = table.copy()
    ids = out["proposal_id"].astype(str)
    out.loc[ids.isin(list(accept)), "decision"] = "accept"
    out.loc[ids.isin(list(reject)), "decision"] = "reject"
    return out


def decision_counts(table: pd.DataFrame) -> dict[str, int]:
    """How many rows are accepted (accept or edit), rejected and undecided."""
    d = table["decision"].fillna("").astype(str).str.strip().str.lower()
    return {"accepted": int(d.isin(["accept", "edit"]).sum()), "rejected": int((d == "reject").sum()),
            "undecided": int((d == "").sum())}


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and pd.isna(v)) or str(v).strip() == "" or str(v) == "nan"


def _int_or_none(v) -> int | None:
    if _blank(v):
        return None
    try:
        return int(float(v))
    except (TypeError, ValueError):
        return -1


def apply_review(reviewed: pd.DataFrame, lines: list[PlanLine], file: str = "reviewed CSV") -> pd.DataFrame:
    """Approved assignments (``APPROVED_COLUMNS``) from a reviewed table; InputError on any bad row.

    ``lines`` are the plan's lines (``read_plan``); ``file`` names the reviewed table in messages.
    Row numbers in messages count the CSV's header as row 1.
    """
    missing = [c for c in ("decision", "industry_id", "place_type", "place_id", "place_zh", "kind", "line",
                           "evidence") if c not in reviewed.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; use the table `geoplan ingest` wrote",
                         file=file, field=missing[0])
    g = gazetteer()
    text_at = {(ln.page, ln.line): ln.text for ln in lines}
    known_places = set(g.place_names)
    errors: list[InputError] = []
    keep = []
    for i, r in enumerate(reviewed.to_dict("records")):
        row = i + 2
        d = "" if _blank(r.get("decision")) else str(r["decision"]).strip().lower()
        if d not in DECISIONS and d != "":
            errors.append(InputError(f"决定“{r['decision']}”无效，应为 accept / edit / reject 或留空 / decision '{r['decision']}' is not one of accept, edit, reject (or blank)",
                                     file=file, row=row, field="decision"))
            continue
        if d not in ("accept", "edit"):
            continue
        line, page = _int_or_none(r.get("line")), _int_or_none(r.get("page"))
        ev = "" if _blank(r.get("evidence")) else str(r["evidence"])
        if line is None or line < 1:
            errors.append(InputError("行号须为正整数 / line must be a positive whole number", file=file, row=row, field="line"))
            continue
        src = text_at.get((page, line))
        if src is None:
            where = f"page {page} line {line}" if page is not None else f"line {line}"
            errors.append(InputError(f"规划中没有该行 / the plan has no {where}", file=file, row=row, field="line"))
            continue
        if not ev.strip() or ev not in src:
            errors.append(InputError(f"证据不在原文第 {line} 行，请逐字复制该行原文 / evidence is not verbatim on its line of the plan; "
                                     f"copy the words from line {line} exactly", file=file, row=row, field="evidence"))
            continue
        if str(r["industry_id"]) not in g.industry_names:
            errors.append(InputError(f"产业编号“{r['industry_id']}”不在产业分类中 / industry id '{r['industry_id']}' is not in the taxonomy",
                                     file=file, row=row, field="industry_id"))
            continue
        ptype = str(r["place_type"]).strip()
        pid = "" if _blank(r.get("place_id")) else str(r["place_id"]).strip()
        if pid.endswith(".0"):
            pid = pid[:-2]
        if ptype not in PLACE_TYPES:
            errors.append(InputError(f"地点类型“{ptype}”无效 / place type '{ptype}' is not one of {', '.join(PLACE_TYPES)}",
                                     file=file, row=row, field="place_type"))
            continue
        if ptype == "new_site":
            if _blank(r.get("place_zh")):
                errors.append(InputError("新地点须在 place_zh 填写名称 / a new site needs its name in place_zh", file=file, row=row,
                                         field="place_zh"))
                continue
        elif (ptype, pid) not in known_places:
            errors.append(InputError(f"地点 {ptype} “{pid}”不在地名库中（未收录的地点请用 new_site） / place {ptype} '{pid}' is not in "
                                     "the gazetteer (use place_type new_site for a site it lacks)", file=file, row=row, field="place_id"))
            continue
        if str(r["kind"]) not in KINDS:
            errors.append(InputError(f"类别“{r['kind']}”无效 / kind '{r['kind']}' is not one of {', '.join(KINDS)}",
                                     file=file, row=row, field="kind"))
            continue
        out = {c: r.get(c, "") for c in APPROVED_COLUMNS}
        out.update(decision=d, place_id=pid, line=line, page=page, evidence=ev)
        keep.append(out)
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more row(s): " + "; ".join(str(e) for e in errors[1:6]) + ")" \
            if len(errors) > 1 else ""
        raise InputError(first.bare + more, file=first.file, row=first.row, field=first.field)
    return pd.DataFrame(keep, columns=APPROVED_COLUMNS)
