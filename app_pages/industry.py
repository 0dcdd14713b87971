"""Page 1 — 产业地图 / Industry map: districts by region or sector, parks by tier, filter by industry."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from geoplan import ingest, maps
from geoplan.data import catalog, taxonomy
from geoplan.data.layers import join_geometry
from geoplan.errors import ResolutionError
from geoplan.i18n import localize_columns, name_col, pick, t
from geoplan.maps.popups import source_label
from geoplan.maps.search import search_popup_group
from geoplan.spatial import place_at

from . import common, workspace

TOGGLE_LAYERS = ("districts", "parks", "corridors", "regions", "context")
MAP_VIEW_PX = (900, common.MAP_HEIGHT)  # the map column's size, for the zoom of a search hit or filter
TABLE_COLS = ["place_zh", "place_type", "industry_zh", "relation", "matched_via", "role_zh", "strength", "kind",
              "cite", "evidence_zh"]  # users read the plan title (cite); downloads keep source + source_line


@st.cache_resource(show_spinner=False)
def _frames() -> dict[str, Any]:
    """Everything the page draws, loaded once (display geometries)."""
    regions = common.layer("regions")
    return {
        "districts": common.layer("districts"),
        "parks": common.layer("parks"),
        "corridors": common.layer("corridors"),
        "agglomeration": regions[regions["kind"].isin(["agglomeration_area"])].reset_index(drop=True),
        "regions": regions,
        "context": common.layer("context"),
        "assignments": catalog.assignments(),
        "industries": catalog.industries(),
    }


@st.cache_resource(show_spinner=False)
def _place_index() -> pd.DataFrame:
    """Parks and districts with their names, aliases and bounds, for the search box (built once)."""
    f = _frames()
    return maps.place_index(f["districts"], f["parks"])


def _search(lang: str) -> tuple[str, str, tuple[float, float, float, float]] | None:
    """The search box above the map → (place_type, place_id, bounds) of the chosen match."""
    q = st.text_input(t("maps_search", lang), key="ind_search", placeholder=t("maps_search_placeholder", lang))
    if not q.strip():
        return None
    hits = maps.search_places(q, _place_index())
    if hits.empty:
        st.caption(t("maps_search_none", lang) + common.plain(q))
        return None
    nm = name_col(lang)
    labels = {i: f"{hits.loc[i, nm] or hits.loc[i, 'name_zh']} · {t('maps_place_' + hits.loc[i, 'place_type'], lang)}"
              for i in hits.index}
    i = 0 if len(hits) == 1 else st.selectbox(t("maps_search_pick", lang), list(hits.index), key=f"ind_search_pick_{lang}",
                                               format_func=labels.get)
    h = hits.loc[i]
    return str(h["place_type"]), str(h["place_id"]), (h["x0"], h["y0"], h["x1"], h["y1"])


def sector_choices() -> pd.DataFrame:
    ind = _frames()["industries"]
    return ind[ind["kind"].eq("sector")].reset_index(drop=True)


def _base_map(lang: str, tiles: str, tkey: str | None, sector_id: str | None, show: tuple[str, ...],
              highlight: bool = False) -> Any:
    """A fresh folium map per run (~0.2 s): streamlit-folium alters the map it renders, so a map
    object must not be cached and reused."""
    f = _frames()
    sp = common.specs()
    fill = legend = None
    if sector_id:
        counts = maps.sector_counts(f["assignments"], f["industries"], f["parks"], sector_id)
        values = f["districts"]["adcode"].map(counts).fillna(0).astype(float)
        sectors = sector_choices().set_index("industry_id")
        label = sectors.loc[sector_id, name_col(lang)] if sector_id in sectors.index else sector_id
        fill, legend = maps.value_fill(pd.Series(values.to_numpy(), index=f["districts"]["adcode"]),
                                       scheme="NaturalBreaks", k=5, lang=lang,
                                       title=f"{label}: {t('sector_count', lang)}", unit=t("sector_count_unit", lang))
    return maps.industry_map(
        districts=f["districts"], parks=f["parks"], corridors=f["corridors"], agglomeration=f["agglomeration"],
        context=f["context"], assignments=ingest.map_assignments(f["assignments"], workspace.current_store()),
        specs=sp, lang=lang, tiles=tiles,
        tianditu_key=tkey, district_fill=fill, fill_legend=legend, legend_in_map=False,
        extra_legend=[maps.highlight_legend(lang)] if highlight else (),
        show=[{"regions": "agglomeration"}.get(s, s) for s in show])


def resolve(text: str, lang: str) -> tuple[str | None, pd.DataFrame]:
    """Industry id for the user's text and the assignment rows of that industry (via geoplan.taxonomy)."""
    f = _frames()
    try:
        iid = taxonomy.resolve_industry(text)
    except ResolutionError as exc:
        cands = list(exc.candidates) or [c[0] for c in taxonomy.suggest_industries(text, 5)]
        names = f["industries"].set_index("industry_id")[name_col(lang)]
        shown = [f"{names.get(c, c)} ({c})" for c in map(str, cands)]
        st.warning(t("industry_unresolved", lang) + common.plain(text)
                   + (("  \n" + t("did_you_mean", lang) + ", ".join(shown)) if shown else ""))
        return None, f["assignments"].iloc[0:0]
    return iid, ingest.with_approved(taxonomy.places_for_industry(iid), iid, workspace.current_store())


def _clicked_place(click: dict[str, Any] | None, tiles: str) -> tuple[str, str] | None:
    """(place_type, place_id) of the park or district under the last click (geoplan.spatial.place_at)."""
    if not click or not click.get("last_object_clicked"):
        return None
    c = click["last_object_clicked"]
    try:
        lon, lat = float(c["lng"]), float(c["lat"])
    except (KeyError, TypeError, ValueError):
        return None
    return place_at(lon, lat, datum=maps.display_datum(tiles))


def _place_details(place: tuple[str, str], lang: str) -> None:
    f = _frames()
    ptype, pid = place
    # incl. park lead industries, parks in a district and the rows approved in the workspace
    rows = ingest.place_rows(ptype, pid, workspace.current_store())
    nm = name_col(lang)
    if ptype == "park":
        p = f["parks"][f["parks"]["park_id"] == pid].iloc[0]
        st.markdown(f"**{t('selected_place', lang)}:** {maps.esc(p[nm])}")
        st.caption(f"{t('tier', lang)}: {p['tier']} · {t('precision', lang)}: "
                   f"{maps.precision_label(p['location_precision'], lang)} · {t('confidence', lang)}: "
                   f"{p['membership_confidence']}")
        if p["location_precision"] == "district_seat":
            st.warning(t("approx_note", lang))
    else:
        d = f["districts"][f["districts"]["adcode"].astype(str) == pid].iloc[0]
        st.markdown(f"**{t('selected_place', lang)}:** {maps.esc(d[nm])}")
    if rows.empty:
        st.caption(t("no_industries", lang))
    else:
        st.dataframe(localize_columns(_table(rows, lang), lang), hide_index=True, width="stretch")


def _table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    rows = rows.assign(cite=[source_label(s, None if pd.isna(n) else int(n), lang)
                             for s, n in zip(rows["source"], rows["source_line"])]) if "source" in rows else rows
    cols = [c for c in TABLE_COLS if c in rows]
    out = rows[cols].copy()
    names = {"place_zh": t("place", lang), "place_type": t("place_type", lang), "industry_zh": t("industry", lang),
             "role_zh": t("role", lang), "strength": t("strength", lang), "plan_id": t("plan", lang),
             "source": t("seed", lang), "source_line": t("line", lang), "evidence_zh": t("evidence", lang),
             "relation": t("relation", lang), "matched_via": t("matched_via", lang), "cite": t("source", lang),
             "kind": t("assignment_kind", lang)}
    return out.rename(columns=names)


def render(lang: str, tiles: str, tkey: str | None) -> None:
    st.header(t("page_industry", lang))
    sp = common.specs()
    c1, c2 = st.columns([1, 1])
    color_by = common.choice(c1.radio, t("color_by", lang), ["region", "sector"], "ind_color_by", lang,
                             horizontal=True, format_func=lambda v: t(f"color_{v}", lang))
    sector_id = None
    if color_by == "sector":
        sectors = sector_choices()
        if sectors.empty:
            c1.caption(t("empty_state", lang))
        else:
            sector_id = common.choice(c1.selectbox, t("sector", lang), sectors["industry_id"].tolist(),
                                      "ind_sector", lang, format_func=lambda i: str(sectors.set_index("industry_id").loc[i, name_col(lang)]))
    avail = [lid for lid in TOGGLE_LAYERS if lid in sp]
    # the Sichuan context is off by default: a fifth of the map payload for orientation only
    show = common.multichoice(c2.multiselect, t("map_layers", lang), avail, "ind_layers", lang,
                              default=[a for a in avail if a != "context"], format_func=lambda lid: pick(sp[lid]["title"], lang))
    _map_panel(lang, tiles, tkey, sector_id, tuple(show))


@st.fragment
def _map_panel(lang: str, tiles: str, tkey: str | None, sector_id: str | None, show: tuple[str, ...]) -> None:
    """Filter, search box, map, legend, the clicked or searched place's card and the downloads as one
    ``st.fragment``: a map click, a search or a filter reruns only this part of the page (issue 15)."""
    f = _frames()
    s1, s2 = st.columns([1, 1])
    with s1:
        text = st.text_input(t("industry_filter", lang), key="ind_filter", placeholder=t("industry_filter_help", lang))
    with s2:
        found = _search(lang)
    iid, rows = (None, None)
    if text.strip():
        iid, rows = resolve(text.strip(), lang)
    lit = rows is not None and not rows.empty
    left, right = st.columns([2, 1])
    m, legend_html = _base_map(lang, tiles, tkey, sector_id, show, lit)
    fg = None
    view = None
    if lit:
        fg = maps.highlight_group(districts=f["districts"], parks=f["parks"], regions=f["regions"],
                                  place_rows=rows, lang=lang, tiles=tiles)
        b = maps.highlight_bounds(districts=f["districts"], parks=f["parks"], regions=f["regions"], place_rows=rows)
        view = maps.view_for_bounds(b, *MAP_VIEW_PX) if b else None
    groups = [fg] if fg is not None else []
    if found:  # a search hit wins over the filter's extent, and its card opens on the map too
        view = maps.view_for_bounds(found[2], *MAP_VIEW_PX, max_zoom=12)
        groups.append(search_popup_group(found[0], found[1], districts=f["districts"], parks=f["parks"],
                                         assignments=f["assignments"], specs=common.specs(), lang=lang, tiles=tiles))
    with left:
        click = common.show_map(m, key=f"industry_map_{lang}_{tiles}_{sector_id}_{'-'.join(show)}",
                                feature_group=groups or None, clicks=True, view=view)
        st.caption(t("approx_note", lang) + " " + t("click_hint", lang) + " " + t("maps_spread_note", lang))
    with right:
        # the legend sits beside the map so that it hides no district (escaped HTML from geoplan.maps)
        with st.expander(t("legend", lang), expanded=True):
            st.html(f"<div class='geoplan-legend' style='font:12px sans-serif'>{legend_html}</div>")
        if iid is not None:
            ind = f["industries"].set_index("industry_id")
            label = ind.loc[iid, name_col(lang)] if iid in ind.index else iid
            st.markdown(f"**{t('industry_resolved', lang)}:** {maps.esc(label)} (`{maps.esc(iid)}`)")
            if not lit:
                st.info(t("no_places", lang))
            else:
                st.markdown(f"**{t('places_lit', lang)}** ({len(rows)})")
                st.dataframe(localize_columns(_table(rows, lang), lang), hide_index=True, width="stretch", height=300)
        place = _clicked_place(click, tiles)
        sig = repr((click or {}).get("last_object_clicked"))
        if found and (place is None or st.session_state.get("_ind_click_sig") == sig):
            place = found[:2]  # the searched place's card, until the user clicks somewhere new
        st.session_state["_ind_click_sig"] = sig
        if place:
            _place_details(place, lang)
        elif iid is None:
            st.caption(t("click_hint", lang))
    common.layer_notes(list(show), lang)
    if lit:
        common.downloads(join_geometry(rows), f"places_{iid}", lang,
                         {"layer": "assignments", "filter": iid, "query": text.strip()}, key="ind")
    else:
        common.downloads(common.layer("parks"), "parks", lang, {"layer": "parks"}, key="ind_parks")
