"""Page — 规划目标跟踪 / Plan targets: plan targets against actual figures (gap, required growth, status).

Actual figures are entered here or uploaded, and kept in the workspace store (``Store.set_actual``).
"""

from __future__ import annotations

import io

import altair as alt
import pandas as pd
import streamlit as st

from geoplan.errors import GeoplanError
from geoplan.i18n import t, unit
from geoplan.intensity import targets as T

from . import common
from .workspace import current_store

STATUS_ICON = {"green": "🟢", "amber": "🟡", "red": "🔴", "": "—"}
COLUMNS = {"indicator_zh": "indicator", "target": "target", "unit": "unit", "target_year": "target_year",
           "latest_year": "latest_year", "actual": "actual", "gap": "gap",
           "required_growth_pct": "required_growth_pct", "status": "status", "note": "note", "doc_number": "doc"}


def _stored(lang: str) -> pd.DataFrame | None:
    try:
        a = current_store().actuals()
    except Exception as exc:  # noqa: BLE001 - a broken workspace must not take the page down
        st.error(t("targets_store_error", lang) + common.plain(f"{type(exc).__name__}: {exc}"))
        return None
    return a if len(a) else None


def _entry_form(lang: str) -> None:
    inds = T.tracked_indicators()
    nm = "indicator_en" if lang == "en" else "indicator_zh"
    labels = {ind: f"{name} ({unit(u, lang)})" for ind, name, u in zip(inds["indicator"], inds[nm], inds["unit"])}
    units = dict(zip(inds["indicator"], inds["unit"]))
    with st.form("tgt_entry"):
        st.markdown(f"**{t('targets_entry', lang)}**")
        c1, c2, c3 = st.columns([3, 1, 1])
        ind = c1.selectbox(t("targets_indicator", lang), list(labels), key="tgt_ind",
                           format_func=lambda k: labels[k])
        year = c2.number_input(t("targets_year", lang), 2000, 2100, 2024, step=1, key="tgt_year")
        value = c3.number_input(t("targets_value", lang), value=None, key="tgt_value", format="%.4g")
        if st.form_submit_button(t("targets_save", lang)) and value is not None:
            current_store().set_actual(ind, int(year), float(value), units[ind], t("targets_source_entered", "zh"))
            st.success(t("targets_saved", lang).format(indicator=labels[ind], year=int(year), value=f"{value:g}"))


def render(lang: str, tiles: str, tkey: str | None) -> None:  # noqa: ARG001 - page signature
    st.header(t("page_targets", lang))
    st.caption(t("tgt_intro", lang))
    rule = T.status_rule()
    st.info(t("tgt_rule", lang) + rule["statement_zh" if lang == "zh" else "statement_en"])
    _entry_form(lang)
    up = st.file_uploader(t("tgt_upload", lang), type=["csv"], key="tgt_upload")
    uploaded = None
    if up is not None:
        try:
            uploaded = T.read_actuals(pd.read_csv(io.BytesIO(up.getvalue())), file=up.name)
        except GeoplanError as exc:
            st.error(t("upload_error", lang) + common.plain(exc))
        except Exception as exc:  # noqa: BLE001 - a broken file must not take the page down
            st.error(t("upload_error", lang) + common.plain(f"{up.name}: {type(exc).__name__}: {exc}"))
        if uploaded is not None and st.button(t("targets_save_upload", lang), key="tgt_save_upload"):
            s = current_store()
            for r in uploaded.itertuples():
                s.set_actual(r.indicator, int(r.year), float(r.value), str(r.unit or ""),
                             t("targets_source_upload", "zh").format(file=up.name))
            st.success(t("targets_saved_n", lang).format(n=len(uploaded)))
    stored = _stored(lang)
    st.caption(t("targets_stored", lang).format(n=0 if stored is None else len(stored)))
    actuals = T.merge_actuals(stored, uploaded)
    if actuals is None:
        st.caption(t("tgt_no_actuals", lang))
    targets = T.all_targets()
    r = T.track_targets(actuals, targets)
    shown = r.assign(status=r["status"].map(lambda s: f"{STATUS_ICON[s]} {T.STATUS_LABELS[s][0 if lang == 'zh' else 1]}"),
                     note=r["note"].map(lambda n: T.note_text(n, lang)),
                     indicator_zh=r["indicator_en"] if lang == "en" else r["indicator_zh"],
                     unit=r["unit"].map(lambda u: unit(u, lang)))
    shown = shown[list(COLUMNS)].rename(columns={k: t(f"targets_col_{v}", lang) for k, v in COLUMNS.items()})
    # unknown numbers read 未知 / unknown, never "None" or an empty cell that looks like zero
    unknown = t("ws_unknown", lang)
    shown = shown.round(3)
    for col in shown.columns[shown.isna().any()]:  # a column with gaps becomes text, the gaps 未知 / unknown
        shown[col] = [unknown if pd.isna(v) else (f"{v:g}" if isinstance(v, float) else str(v)) for v in shown[col]]
    st.dataframe(shown, hide_index=True, width="stretch")
    st.subheader(t("targets_charts", lang))
    year_t = t("targets_year", lang)
    inds = T.tracked_indicators(targets)
    cols = st.columns(2)
    n = 0
    for row in inds.itertuples():
        tl, pts = T.chart_data(row.indicator, targets, actuals)
        if tl.empty:
            continue
        title = f"{row.indicator_en if lang == 'en' else row.indicator_zh} ({unit(row.unit, lang)})"
        enc_y = alt.Y("value:Q", title=title, scale=alt.Scale(zero=False))
        line = (alt.Chart(tl).mark_line(strokeDash=[4, 4], color="gray", point=True) if len(tl) > 1 else
                alt.Chart(tl).mark_rule(strokeDash=[4, 4], color="gray"))
        layers = line.encode(x=alt.X("year:Q", title=year_t, axis=alt.Axis(format="d"), scale=alt.Scale(zero=False)), y=enc_y, tooltip=["year", "value", "doc_number"]) \
            if len(tl) > 1 else line.encode(y=enc_y, tooltip=["year", "value", "doc_number"])
        if len(pts):
            layers = layers + alt.Chart(pts).mark_circle(size=70, color="#c0392b").encode(
                x=alt.X("year:Q", title=year_t, axis=alt.Axis(format="d"), scale=alt.Scale(zero=False)), y=enc_y, tooltip=["year", "value"])
        elif len(tl) == 1:
            layers = layers + alt.Chart(tl).mark_point(color="gray").encode(x=alt.X("year:Q", title=year_t, axis=alt.Axis(format="d"), scale=alt.Scale(zero=False)), y=enc_y)
        cols[n % 2].altair_chart(layers.properties(title=title, height=200), width="stretch")
        n += 1
