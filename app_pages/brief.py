"""The 招商 brief download buttons (PDF, Word) under a site-selection result."""

from __future__ import annotations

from typing import Any

import streamlit as st

from geoplan.brief import brief_bytes
from geoplan.errors import GeoplanError
from geoplan.i18n import t

MIME = {"pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _cached(result: Any, fmt: str, lang: str) -> bytes:
    """The brief bytes, built once per result, format and language (reruns reuse them)."""
    cache = st.session_state.setdefault("_brief_cache", {})
    key = (id(result), fmt, lang)
    hit = cache.get(key)
    if hit is None or hit[0] is not result:  # the object is kept, so a recycled id never matches
        if len(cache) > 8:
            cache.clear()
        hit = cache[key] = (result, brief_bytes(result, fmt, lang))
    return hit[1]


def brief_downloads(result: Any, lang: str) -> None:
    """Two download buttons, PDF and DOCX, with the brief of ``result`` in ``lang``."""
    if result is None or result.ranked.empty:
        return
    c1, c2 = st.columns(2)
    for col, fmt in ((c1, "pdf"), (c2, "docx")):
        try:
            data = _cached(result, fmt, lang)
        except GeoplanError as exc:  # e.g. no CJK font for the PDF: say what to install
            col.error(t("brief_font_missing", lang) if "GEOPLAN_CJK_FONT" in str(exc) else t("error", lang) + str(exc))
            continue
        col.download_button(t(f"brief_download_{fmt}", lang), data, file_name=f"brief_{lang}.{fmt}",
                            mime=MIME[fmt], key=f"brief_dl_{fmt}_{lang}")
