"""Page 5 — 工作空间 / Workspace: edit park attributes (kept in the store), browse and re-open saved results."""

from __future__ import annotations

import os
from typing import Any

import pandas as pd
import streamlit as st
from folium.plugins import Draw
from streamlit_folium import st_folium

from geoplan import io as gio
from geoplan import maps
from geoplan import store as gstore
from geoplan.data import catalog
from geoplan.errors import GeoplanError, StaleWriteError
from geoplan.i18n import name_col, t
from geoplan.maps.base import STATIC_URL
from geoplan.siting import GATE_LABELS

from . import common

EDITABLE = ("available_land_mu", "land_as_of", "land_source", "notes")


@st.cache_resource(show_spinner=False)
def _store(url: str) -> gstore.Store:
    return gstore.open_store(url or None)


def current_store() -> gstore.Store:
    """The workspace store named by GEOPLAN_STORE / GEOPLAN_WORKSPACE (one per URL per server)."""
    return _store(os.environ.get("GEOPLAN_STORE") or str(gstore.default_workspace_path()))


def _table(s: gstore.Store, lang: str) -> pd.DataFrame:
    parks = pd.DataFrame(catalog.parks().drop(columns="geometry"))
    nm = name_col(lang)
    base = parks[["park_id", nm, "available_land_mu"]].rename(columns={"available_land_mu": "embedded_mu"})
    ov = pd.DataFrame(s.park_overrides().drop(columns="geometry"))
    df = base.merge(ov[["park_id", *EDITABLE, "version"]], on="park_id", how="left")
    df["embedded_mu"] = [t("ws_unknown", lang) if pd.isna(v) else f"{v:,.0f}" for v in df["embedded_mu"]]
    df["available_land_mu"] = df["available_land_mu"].astype(float)
    df["land_as_of"] = pd.to_datetime(df["land_as_of"], errors="coerce").dt.date
    df["version"] = df["version"].fillna(0).astype(int)
    for c in ("land_source", "notes"):
        df[c] = df[c].fillna("").astype(str)
    return df


def _save(s: gstore.Store, before: pd.DataFrame, after: pd.DataFrame, lang: str) -> None:
    saved = 0
    for i in range(len(after)):
        a, b = after.iloc[i], before.iloc[i]
        changes: dict[str, Any] = {}
        for c in EDITABLE:
            va, vb = a[c], b[c]
            if (pd.isna(va) and pd.isna(vb)) or (not pd.isna(va) and not pd.isna(vb) and va == vb):
                continue
            changes[c] = None if pd.isna(va) or va == "" else (va.isoformat() if c == "land_as_of" else va)
        if not changes:
            continue
        try:
            s.update_park(str(a["park_id"]), changes, expected_version=int(b["version"]))
            saved += 1
        except StaleWriteError as exc:
            st.error(f"{t('ws_stale', lang)} ({a['park_id']}: {exc.current})")
    if saved:  # shown after the rerun that reloads the table
        st.session_state["ws_flash"] = t("ws_saved", lang) + str(saved)


def _results(s: gstore.Store, lang: str) -> None:
    st.subheader(t("ws_results", lang))
    saved = s.saved_results()
    if saved.empty:
        st.info(t("ws_no_results", lang))
        return
    lcols = {"fid": "#", "name": t("ws_result_name", lang), "created_at": t("ws_saved_at", lang),
             "created_by": t("ws_saved_by", lang), "data_version": t("ws_data_version", lang),
             "code_version": t("ws_code_version", lang)}
    st.dataframe(saved[list(lcols)].rename(columns=lcols), hide_index=True, width="stretch")
    names = saved.set_index("fid")["name"]
    fid = st.selectbox(t("ws_reopen", lang), list(saved["fid"])[::-1], key="ws_pick",
                       format_func=lambda f: f"{f} — {names.loc[f]}")
    if st.button(t("ws_reopen", lang), key="ws_reopen_btn"):
        st.session_state["ws_open"] = int(fid)
    if st.session_state.get("ws_open") is not None:
        _reopened(s, st.session_state["ws_open"], lang)


def _reopened(s: gstore.Store, fid: int, lang: str) -> None:
    """A saved result exactly as saved, then how a run on today's data differs."""
    ro = s.reopen_result(fid)
    nm = name_col(lang)
    spec = ro["spec"]
    st.markdown(f"**{t('ws_as_saved', lang)}** — #{ro['id']} {ro['name']} ({ro['created_at']}, {ro['created_by']})")
    st.caption(f"{t('spec_industry', lang)}: {spec.get('industry')} · {t('spec_land', lang)}: {spec.get('land_mu')} · "
               f"{t('ws_data_version', lang)}: {ro['data_version']} · {t('ws_code_version', lang)}: {ro['code_version']}")
    ranked = gstore.ranking_frame(ro["result"].get("ranked", []))
    cols = {"rank": t("rank", lang), nm: t("park", lang), "score": t("score", lang),
            "available_land_mu": t("ws_available_land", lang), "land_source": t("ws_land_source", lang)}
    st.dataframe(ranked[list(cols)].rename(columns=cols), hide_index=True, width="stretch")
    cmp = ro["comparison"]
    if cmp["data_changed"]:
        st.warning(f"{t('ws_data_changed', lang)} {ro['data_version']} → {cmp['data_version_now']}")
    if cmp["code_changed"]:
        st.caption(f"{t('ws_code_version', lang)}: {ro['code_version']} → {cmp['code_version_now']}")
    if cmp["rerun_error"]:
        st.warning(t("ws_rerun_failed", lang) + common.plain(cmp["rerun_error"]))
    elif cmp["ranking_changed"]:
        st.markdown(f"**{t('ws_changes', lang)}**")
        ch = pd.DataFrame(cmp["changes"])
        ch["change"] = [t(f"ws_change_{c}", lang) for c in ch["change"]]
        ch["gates_now"] = [", ".join(GATE_LABELS[g][0 if lang == "zh" else 1] for g in v.split(";") if g in GATE_LABELS)
                           for v in ch["gates_now"]]
        dcols = {nm: t("park", lang), "change": t("ws_change", lang), "rank_then": t("ws_rank_then", lang),
                 "rank_now": t("ws_rank_now", lang), "land_then": t("ws_land_then", lang),
                 "land_now": t("ws_land_now", lang), "gates_now": t("ws_gates_now", lang)}
        st.dataframe(ch[list(dcols)].rename(columns=dcols), hide_index=True, width="stretch")
    else:
        st.success(t("ws_no_change", lang))


def render(lang: str, tiles: str, tkey: str | None) -> None:
    st.header(t("page_workspace", lang))
    s = current_store()
    st.caption(f"{t('ws_location', lang)}: {s.location}")  # a PostGIS password is masked
    st.subheader(t("ws_parks", lang))
    before = _table(s, lang)
    nm = name_col(lang)
    cfg = {"park_id": st.column_config.TextColumn("ID", disabled=True),
           nm: st.column_config.TextColumn(t("park", lang), disabled=True),
           "embedded_mu": st.column_config.TextColumn(t("ws_embedded_land", lang), disabled=True),
           "available_land_mu": st.column_config.NumberColumn(t("ws_available_land", lang), min_value=0.0,
                                                              help=t("ws_available_help", lang)),
           "land_as_of": st.column_config.DateColumn(t("ws_as_of", lang)),
           "land_source": st.column_config.TextColumn(t("ws_land_source", lang)),
           "notes": st.column_config.TextColumn(t("ws_notes", lang)),
           "version": st.column_config.NumberColumn(t("ws_version", lang), disabled=True)}
    # an empty cell (free land or date not entered) reads 未知 / unknown, never "None"
    after = st.data_editor(before, column_config=cfg, hide_index=True, width="stretch", key="ws_editor",
                           num_rows="fixed", placeholder=t("ws_unknown", lang))
    if st.button(t("ws_save", lang), key="ws_save_btn"):
        _save(s, before, after, lang)
        st.rerun()
    if st.session_state.get("ws_flash"):
        st.success(st.session_state.pop("ws_flash"))
    _polygon(s, before, lang, tiles, tkey)
    _results(s, lang)


def _polygon(s: gstore.Store, table: pd.DataFrame, lang: str, tiles: str, tkey: str | None) -> None:
    """A park polygon into the park's override: uploaded (GeoJSON/GPKG/zipped Shapefile, any supported CRS)
    or drawn on the map (Leaflet.draw, served from static/leaflet-draw/)."""
    st.subheader(t("ws_polygon", lang))
    nm = name_col(lang)
    labels = dict(zip(table["park_id"], table[nm]))
    pid = st.selectbox(t("park", lang), list(table["park_id"]), key="ws_poly_park", format_func=lambda p: labels[p])
    version = int(table.set_index("park_id").loc[pid, "version"])
    up = st.file_uploader(t("ws_polygon_file", lang), type=["geojson", "json", "gpkg", "zip"], key="ws_poly_file")
    if up is not None and st.button(t("ws_save", lang), key="ws_poly_save"):
        try:  # the safe reader: size cap, GDAL driver allow-list, CRS detection, errors naming the upload
            gdf, _ = gio.import_bytes(up.getvalue(), up.name)
            shape = gstore.park_polygon(gdf)
        except GeoplanError as exc:
            st.error(t("upload_error", lang) + common.plain(exc))
            return
        if shape is None:
            st.error(f"{common.plain(up.name)}: {t('ws_polygon_bad', lang)}")
            return
        _save_polygon(s, pid, shape, version, lang)
    st.caption(t("ws_draw_help", lang))
    m = maps.base_map(tiles, tianditu_key=tkey)
    maps.add_districts(m, maps.to_display(common.layer("districts"), tiles), common.specs()["districts"], lang,
                       popups=False)
    maps.add_draw_locale(m, lang)  # before the control: its toolbar reads the texts when built
    draw = Draw(export=False, draw_options={"polyline": False, "circle": False, "marker": False,
                                            "circlemarker": False, "polygon": True, "rectangle": True},
                edit_options={"edit": False, "remove": False})
    draw.default_js = [("leaflet_draw_js", f"{STATIC_URL}/leaflet-draw/leaflet.draw.js")]  # offline
    draw.default_css = [("leaflet_draw_css", f"{STATIC_URL}/leaflet-draw/leaflet.draw.css")]
    draw.add_to(m)
    out = st_folium(m, key=f"ws_draw_{tiles}", height=420, use_container_width=True,
                    returned_objects=["last_active_drawing"])
    drawing = (out or {}).get("last_active_drawing")
    if drawing and st.button(t("ws_draw_save", lang), key="ws_draw_save"):
        try:
            shape = gstore.polygon_from_drawing(drawing, maps.display_datum(tiles))
        except GeoplanError as exc:
            st.error(common.plain(exc))
            return
        _save_polygon(s, pid, shape, version, lang)


def _save_polygon(s: gstore.Store, pid: str, shape: Any, version: int, lang: str) -> None:
    try:
        s.update_park(pid, {"geometry": shape}, expected_version=version)
    except StaleWriteError:
        st.error(t("ws_stale", lang))
        return
    st.session_state["ws_flash"] = t("ws_saved", lang) + "1"
    st.rerun()  # the park table above shows the new version
