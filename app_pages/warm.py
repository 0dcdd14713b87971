"""Warm the process-wide caches once per server process, so the first visitor and a language switch
do not pay for loading layers, the taxonomy indexes and the citation labels of the default map.

``start()`` is called by ``app.py`` on every run and does the work only once per process (an
``st.cache_resource`` holds the thread). The work runs on a background thread so a browser page that
triggered it renders at the same time. Launchers warm at server start by requesting Streamlit's
``/_stcore/script-health-check`` (``scriptHealthCheckEnabled`` in ``.streamlit/config.toml``), which runs
app.py once without a browser; that run waits for the warm-up.
"""

from __future__ import annotations

import threading
import time

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from geoplan.data import catalog, taxonomy
from geoplan.errors import GeoplanError
from geoplan.i18n import LANGS

from . import common, industry

_DONE: dict[str, float] = {}


def _work() -> None:
    t0 = time.perf_counter()
    try:
        for lid in common.specs():  # every layer's display copy, as the pages ask for them
            common.layer_or_none(lid)
        catalog.assignments()
        catalog.industries()
        taxonomy.resolve_industry("新能源汽车")  # builds the alias and place lookups
        _DONE["data_s"] = time.perf_counter() - t0
        default = tuple(lid for lid in industry.TOGGLE_LAYERS if lid in common.specs() and lid != "context")
        for lang in LANGS:  # the default map in both languages: fills the citation-label cache
            m, _legend = industry._base_map(lang, "none", None, None, default)
            m.get_root().render()
    except (GeoplanError, OSError):  # a data problem shows on the page that needs the data, not here
        pass
    _DONE["total_s"] = time.perf_counter() - t0


@st.cache_resource(show_spinner=False)
def _thread() -> threading.Thread:
    th = threading.Thread(target=_work, name="geoplan-warm-up", daemon=True)
    ctx = get_script_run_ctx()
    if ctx is not None:  # the cached loaders behave as in a page run
        add_script_run_ctx(th, ctx)
    th.start()
    return th


def start() -> None:
    """Start warming the caches (once per process). A browser's run returns at once; a run without a
    browser (the launcher's script health check at server start) waits for the warm-up to finish, so
    the first visitor does not share the CPU with it."""
    th = _thread()
    if th.is_alive() and not _from_browser():
        th.join(timeout=120)


def _from_browser() -> bool:
    try:
        return bool(st.context.headers)
    except Exception:  # noqa: BLE001 — no request context at all: not a browser
        return False


def status() -> dict[str, float]:
    """Seconds the warm-up took so far (``data_s``, ``total_s``); empty while it runs."""
    return dict(_DONE)
