"""Page — 园区对比 / Compare places: 2–4 parks or districts side by side (geoplan.compare), a chart, exports."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from geoplan import compare, maps
from geoplan.errors import GeoplanError
from geoplan.i18n import name_col, t

from . import common

AXES = ("CY_MAIN", "CY_MID", "CSY")
DEFAULT = ["park:tongliang_gaoxin", "park:liangjiang", "district:500118"]


@st.cache_resource(show_spinner=False)
def _index() -> pd.DataFrame:
    return maps.place_index(common.layer("districts"), common.layer("parks"))


def render(lang: str, tiles: str, tkey: str | None) -> None:
    st.header(t("page_compare", lang))
    idx = _index()
    nm = name_col(lang)
    keys = [f"{pt}:{pid}" for pt, pid in zip(idx["place_type"], idx["place_id"])]
    label = {k: f"{n or z} · {t('maps_place_' + k.split(':')[0], lang)}"
             for k, n, z in zip(keys, idx[nm], idx["name_zh"])}
    picked = common.multichoice(st.multiselect, t("compare_pick", lang), keys, "cmp_places", lang,
                                default=DEFAULT, format_func=label.get, max_selections=compare.MAX_PLACES)
    if not compare.MIN_PLACES <= len(picked) <= compare.MAX_PLACES:
        st.info(t("compare_need", lang))
        return
    try:
        df = compare.compare_places([tuple(k.split(":", 1)) for k in picked], lang=lang)
    except GeoplanError as exc:
        st.error(t("error", lang) + common.plain(exc))
        return
    table = compare.compare_table(df, lang)
    st.dataframe(table, width="stretch")
    st.caption(t("compare_note", lang))
    st.markdown(f"**{t('compare_chart', lang)}**")
    long = pd.DataFrame({
        "place": [str(n or z) for n, z in zip(df[nm], df["name_zh"]) for _ in AXES],
        "axis": [t(f"compare_dist_km_{a}", lang) for _ in range(len(df)) for a in AXES],
        "km": [float(v) for _, r in df.iterrows() for v in (r[f"dist_km_{a}"] for a in AXES)],
    })
    chart = alt.Chart(long).mark_bar().encode(
        x=alt.X("km:Q", title=t("compare_km", lang)), y=alt.Y("place:N", title=None),
        yOffset=alt.YOffset("axis:N"),
        color=alt.Color("axis:N", title=t("compare_axis", lang), sort=[t(f"compare_dist_km_{a}", lang) for a in AXES]),
        tooltip=["place", "axis", alt.Tooltip("km:Q", format=".1f")])
    st.altair_chart(chart, width="stretch")
    c1, c2 = st.columns(2)
    c1.download_button(t("compare_download_csv", lang), common.csv_bytes(table.reset_index(names="")),
                       file_name="compare.csv", mime="text/csv", key="cmp_dl_csv")
    c2.download_button(t("compare_download_xlsx", lang), compare.to_xlsx(table), file_name="compare.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="cmp_dl_xlsx")
