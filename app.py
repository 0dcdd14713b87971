"""geoplan — Streamlit app (thin: the pages call geoplan functions; no analysis here).

Run: ``streamlit run app.py`` (or ``python3 tasks.py app``). Works offline with no tiles.
"""

from __future__ import annotations

import streamlit as st

from app_pages import compare, corridors, industry, ingest, intensity, siting, targets, warm, workspace
from app_pages.common import choice, localise_widgets, plain, sidebar_tiles
from geoplan.errors import GeoplanError
from geoplan.i18n import LANGS, t

PAGES = {
    "page_industry": industry.render,
    "page_intensity": intensity.render,
    "page_corridor": corridors.render,
    "page_siting": siting.render,
    "page_compare": compare.render,
    "page_ingest": ingest.render,
    "page_workspace": workspace.render,
    "page_targets": targets.render,
}

st.set_page_config(page_title="geoplan — 重庆产业园区", page_icon="🗺️", layout="wide")
warm.start()  # once per process: layers, taxonomy and the default map's labels load in the background

lang = st.sidebar.radio("语言 / Language", LANGS, key="lang", horizontal=True,
                        format_func=lambda code: {"zh": "中文", "en": "English"}[code])
st.sidebar.title(t("app_title", lang))
page = choice(st.sidebar.radio, t("page", lang), list(PAGES), "page", lang, format_func=lambda p: t(p, lang))
tiles, tkey = sidebar_tiles(lang)
localise_widgets(lang)

try:
    PAGES[page](lang, tiles, tkey)
except GeoplanError as exc:  # data or input problems: a plain message, the app keeps running
    st.error(t("error", lang) + plain(exc))
