"""Page 5 — 读取规划 / Read a plan: upload a plan, review the proposed industry → place rows, approve.

The page calls ``geoplan.ingest`` only; approved rows go into the workspace store with their provenance
(document title, number, date, line, evidence), from where the industry map shows them, and are offered
as a CSV download. Nothing here writes to ``data/``.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from geoplan import ingest
from geoplan.errors import GeoplanError
from geoplan.i18n import localize_columns, t

from .workspace import current_store

EDITABLE = ["decision", "industry_id", "place_zh", "place_type", "place_id", "kind", "evidence"]


def _read(name: str, data: bytes, title: str, number: str, date: str):
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / f"plan{suffix}"
        p.write_bytes(data)
        return ingest.ingest_plan(p, name=name, title=title, number=number, date=date)


def _csv(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False).encode("utf-8-sig")


def render(lang: str, tiles: str, tkey: str | None) -> None:  # noqa: ARG001 — same signature as the other pages
    st.header(t("page_ingest", lang))
    st.caption(t("ingest_intro", lang))
    c1, c2, c3 = st.columns(3)
    title = c1.text_input(t("ingest_doc_title", lang), key="ing_title")
    number = c2.text_input(t("ingest_doc_number", lang), key="ing_number")
    date = c3.text_input(t("ingest_doc_date", lang), key="ing_date")
    upload = st.file_uploader(t("ingest_upload", lang), type=["txt", "docx", "pdf"], key="ing_upload")
    if upload is None:
        st.info(t("ingest_prompt", lang))
        return
    data = upload.getvalue()
    digest = hashlib.sha256(data + f"|{upload.name}|{title}|{number}|{date}".encode()).hexdigest()
    if st.session_state.get("ing_digest") != digest:
        try:
            lines, table = _read(upload.name, data, title, number, date)
        except GeoplanError as exc:
            st.error(t("ingest_read_error", lang) + str(exc))
            return
        st.session_state.update(ing_digest=digest, ing_lines=lines, ing_table=table)
    lines, table = st.session_state["ing_lines"], st.session_state["ing_table"]
    counts = table["status"].value_counts().to_dict()
    st.markdown(t("ingest_summary", lang).format(n=len(lines), k=len(table), new=counts.get("new", 0),
                                                 existing=counts.get("existing", 0),
                                                 contradiction=counts.get("contradiction", 0),
                                                 new_site=counts.get("new_site", 0)))
    if table.empty:
        st.info(t("ingest_none", lang))
        return
    labels = ingest.row_labels(table)
    st.caption(t("ingest_quick_help", lang))
    q1, q2 = st.columns(2)
    accept = q1.multiselect(t("ingest_accept_rows", lang), list(labels), format_func=labels.get, key="ing_accept")
    reject = q2.multiselect(t("ingest_reject_rows", lang), list(labels), format_func=labels.get, key="ing_reject")
    edited = st.data_editor(
        table, key="ing_editor", hide_index=True, width="stretch",
        disabled=[c for c in table.columns if c not in EDITABLE],
        column_config={"decision": st.column_config.SelectboxColumn(
            t("ingest_decision", lang), options=["", *ingest.DECISIONS], required=False)})
    st.download_button(t("ingest_download_review", lang), _csv(edited), file_name=f"{Path(upload.name).stem}_review.csv",
                       mime="text/csv", key="ing_dl_review")
    if st.button(t("ingest_approve", lang), key="ing_approve"):
        try:
            decided = ingest.set_decisions(edited, accept, reject)
            approved = ingest.apply_review(decided, lines, file=upload.name)
        except GeoplanError as exc:
            st.error(t("ingest_invalid", lang) + str(exc))
            return
        st.session_state["ing_approved"] = approved
        n = ingest.decision_counts(decided)
        st.success(t("ingest_approved", lang).format(n=len(approved), r=n["rejected"], u=n["undecided"]))
        if len(approved):
            try:
                k = current_store().add_approved_assignments(approved)
            except GeoplanError as exc:
                st.error(t("ingest_store_error", lang) + str(exc))
                return
            st.success(t("ingest_stored", lang).format(k=k, d=len(approved) - k))
    approved = st.session_state.get("ing_approved")
    if approved is not None and st.session_state.get("ing_digest") == digest:
        st.dataframe(localize_columns(approved, lang), hide_index=True, width="stretch")
        st.download_button(t("ingest_download", lang), _csv(approved),
                           file_name=f"{Path(upload.name).stem}_approved.csv", mime="text/csv", key="ing_dl")
