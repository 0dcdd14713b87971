"""Page 3 — 成渝走廊 / Chengdu–Chongqing corridors: axes with distance bands, parks by distance."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from geoplan import corridor, maps
from geoplan.errors import GeoplanError
from geoplan.i18n import localize_columns, name_col, t

from . import common

BAND_SETS = {"10 / 30 / 60 km": (10.0, 30.0, 60.0), "5 / 15 / 30 km": (5.0, 15.0, 30.0),
             "20 / 50 / 100 km": (20.0, 50.0, 100.0)}
BAND_COLORS = ["#1e8449", "#82e0aa", "#d5f5e3", "#f2f3f4"]


@st.cache_data(show_spinner=False, max_entries=8)
def _proximity(bands: tuple[float, ...]) -> pd.DataFrame:

    prox = corridor.corridor_proximity(common.layer("parks"), bands_km=bands)
    return pd.DataFrame(prox.drop(columns="geometry"))


@st.cache_resource(show_spinner=False, max_entries=8)
def _bands(bands: tuple[float, ...]) -> gpd.GeoDataFrame:
    return maps.band_polygons(common.layer("corridors"), bands)


def render(lang: str, tiles: str, tkey: str | None) -> None:
    st.header(t("page_corridor", lang))
    c1, c2 = st.columns(2)
    set_name = c1.selectbox(t("band_set", lang), list(BAND_SETS), key="cor_bandset")
    bands = BAND_SETS[set_name]
    labels = corridor.band_labels(bands)
    codes = [c for c, _, _ in labels]
    names = {c: (zh if lang == "zh" else en) for c, zh, en in labels}
    pick_band = common.choice(c2.selectbox, t("band", lang), ["all"] + codes, "cor_band", lang,
                              format_func=lambda c: t("all_bands", lang) if c == "all" else names[c])
    try:
        prox = _proximity(bands)
    except GeoplanError as exc:
        st.error(common.plain(exc))
        return
    parks = common.layer("parks")
    inside = prox if pick_band == "all" else prox[prox["band"] == pick_band]

    m = maps.base_map(tiles, tianditu_key=tkey)
    sp = common.specs()
    maps.add_polygons(m, maps.to_display(common.layer("districts"), tiles), lang, color="#aab7b8",
                      fill_opacity=0.1, weight=0.8, name=t("layer_districts", lang))
    ctx = common.layer_or_none("context")
    if ctx is not None:
        maps.add_polygons(m, maps.to_display(ctx, tiles), lang, color="#cccccc", fill_opacity=0.05, weight=0.8,
                          dash="4 4")
    bp = _bands(bands)
    for i, (b, geom) in enumerate(zip(bp["band_km"], bp.geometry)):
        g = gpd.GeoDataFrame({"name": [names[codes[i]]]}, geometry=[geom], crs=bp.crs)
        sel = pick_band in ("all", codes[i])
        maps.add_polygons(m, maps.to_display(g, tiles), lang, color=BAND_COLORS[i], weight=0.5,
                          fill_opacity=0.35 if sel else 0.08, label_column="name")
    maps.add_corridors(m, maps.to_display(common.layer("corridors"), tiles), sp["corridors"], lang)
    shown = parks[parks["park_id"].isin(inside["park_id"])]
    maps.add_parks(m, maps.to_display(parks, tiles), sp["parks"], lang, popups=False,
                   highlight_ids=shown["park_id"] if pick_band != "all" else ())
    maps.add_legend(m, [maps.categorical_legend(sp["corridors"], lang, kind="line"),
                        {"title": t("band", lang),
                         "items": [(maps.swatch(BAND_COLORS[i]), names[c]) for i, c in enumerate(codes)]},
                        maps.parks_legend(sp["parks"], lang)], t("legend", lang))
    common.show_map(m, key=f"cor_map_{lang}_{tiles}_{set_name}_{pick_band}")

    nm = name_col(lang)
    axis_col = "nearest_corridor_en" if lang == "en" else "nearest_corridor_zh"
    band_col = "band_en" if lang == "en" else "band_zh"
    table = inside.sort_values("nearest_km").copy()
    table["seat_artefact"] = corridor.seat_artefacts(table)
    table["location_precision"] = [maps.precision_label(v, lang) for v in table["location_precision"]]
    cols = {nm: t("park", lang), "tier": t("tier", lang), "location_precision": t("precision", lang),
            axis_col: t("nearest_axis", lang), "nearest_km": t("distance_km", lang),
            "nearest_chainage_km": t("chainage_km", lang), band_col: t("band", lang),
            "seat_artefact": t("seat_artefact", lang)}
    st.markdown(f"**{t('inside_band', lang)}**: {len(table)}")
    if table.empty:
        st.info(t("empty_state", lang))
    else:
        view = table[[c for c in cols if c in table]].rename(columns=cols)
        st.dataframe(localize_columns(view.round(1), lang), hide_index=True, width="stretch")
    st.caption(t("approx_note", lang))
    if table["seat_artefact"].any():
        st.caption(t("chainage_artefact", lang))
    common.layer_notes(["corridors", "parks"], lang)
    full = parks[["park_id", "geometry"]].merge(table, on="park_id", how="inner")
    common.downloads(gpd.GeoDataFrame(full, geometry="geometry", crs=parks.crs), f"corridor_parks_{pick_band}",
                     lang, {"bands_km": list(bands), "band": pick_band, "method": "straight_line"}, key="cor")
