"""Page — 规划目标跟踪 / Plan targets: 2027 targets against actual figures (gap, required growth, status)."""

from __future__ import annotations

import io

import altair as alt
import pandas as pd
import streamlit as st

from geoplan.errors import GeoplanError
from geoplan.i18n import localize_columns, t
from geoplan.intensity import targets as T

STATUS_ICON = {"green": "🟢", "amber": "🟡", "red": "🔴", "": "—"}


def render(lang: str, tiles: str, tkey: str | None) -> None:  # noqa: ARG001 - page signature
    st.header(t("page_targets", lang))
    st.caption(t("tgt_intro", lang))
    rule = T.status_rule()
    st.info(t("tgt_rule", lang) + rule["statement_zh" if lang == "zh" else "statement_en"])
    up = st.file_uploader(t("tgt_upload", lang), type=["csv"], key="tgt_upload")
    actuals = None
    if up is not None:
        try:
            actuals = T.read_actuals(pd.read_csv(io.BytesIO(up.getvalue())), file=up.name)
        except GeoplanError as exc:
            st.error(t("upload_error", lang) + str(exc))
        except Exception as exc:  # noqa: BLE001 - a broken file must not take the page down
            st.error(t("upload_error", lang) + f"{up.name}: {type(exc).__name__}: {exc}")
    if actuals is None:
        st.caption(t("tgt_no_actuals", lang))
    r = T.track_targets(actuals)
    shown = r.assign(status=r["status"].map(lambda s: f"{STATUS_ICON[s]} {T.STATUS_LABELS[s][0 if lang == 'zh' else 1]}"))
    cols = ["indicator_zh", "target", "unit", "target_year", "latest_year", "actual", "gap", "required_growth_pct",
            "status", "note", "doc_number", "url"]
    st.dataframe(localize_columns(shown[cols], lang), hide_index=True, width="stretch")
    if actuals is None:
        return
    tg = T.targets_2027()
    for ind in sorted(set(actuals["indicator"]) & set(tg["indicator"])):
        row = tg[tg["indicator"] == ind].iloc[0]
        pts = actuals[actuals["indicator"] == ind]
        years = list(range(int(pts["year"].min()), int(row["year"]) + 1))
        line = pd.DataFrame({"year": years, "value": float(row["value"]), "series": t("tgt_target", lang)})
        base = alt.Chart(line).mark_rule(strokeDash=[4, 4], color="gray").encode(y="value:Q")
        dots = alt.Chart(pts.assign(series=t("tgt_actual", lang))).mark_line(point=True).encode(
            x=alt.X("year:O", title="年份" if lang == "zh" else "year"),
            y=alt.Y("value:Q", title=f"{row['indicator_zh']} ({row['unit']})"))
        st.altair_chart((base + dots).properties(title=f"{row['indicator_zh']} — {row['doc_number']}"),
                        width="stretch")
