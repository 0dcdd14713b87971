"""Page 5 — 工作空间 / Workspace: edit park attributes (kept in the store), browse and re-open saved results."""

from __future__ import annotations

import os
from typing import Any

import pandas as pd
import streamlit as st

from geoplan import io as gio
from geoplan import store as gstore
from geoplan.data import catalog
from geoplan.errors import StaleWriteError
from geoplan.i18n import localize_columns, name_col, t

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
    if saved:
        st.success(t("ws_saved", lang) + str(saved))


def _results(s: gstore.Store, lang: str) -> None:
    st.subheader(t("ws_results", lang))
    saved = s.saved_results()
    if saved.empty:
        st.info(t("ws_no_results", lang))
        return
    st.dataframe(localize_columns(saved[["fid", "name", "created_at", "created_by", "data_version", "code_version"]], lang),
                 hide_index=True, width="stretch")
    fid = st.selectbox(t("ws_reopen", lang), list(saved["fid"]), key="ws_pick",
                       format_func=lambda f: f"{f} — {saved.set_index('fid').loc[f, 'name']}")
    if st.button(t("ws_reopen", lang), key="ws_reopen_btn"):
        st.session_state["ws_open"] = int(fid)
    if st.session_state.get("ws_open") is not None:
        ro = s.reopen_result(st.session_state["ws_open"])
        nm = name_col(lang)
        st.markdown(f"**{t('ws_as_saved', lang)}**")
        ranked = pd.DataFrame(ro["result"].get("ranked", []))
        st.dataframe(localize_columns(ranked[[c for c in ("rank", "cand_id", nm, "score", "available_land_mu") if c in ranked]], lang),
                     hide_index=True, width="stretch")
        cmp = ro["comparison"]
        if cmp["data_changed"]:
            st.caption(t("ws_data_changed", lang))
        if cmp["ranking_changed"]:
            st.markdown(f"**{t('ws_changes', lang)}**")
            st.dataframe(localize_columns(pd.DataFrame(cmp["changes"]), lang), hide_index=True, width="stretch")
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
           "embedded_mu": st.column_config.NumberColumn("data/parks.csv", disabled=True),
           "available_land_mu": st.column_config.NumberColumn(t("ws_available_land", lang), min_value=0.0),
           "land_as_of": st.column_config.DateColumn(t("ws_as_of", lang)),
           "land_source": st.column_config.TextColumn(t("ws_land_source", lang)),
           "notes": st.column_config.TextColumn(t("ws_notes", lang)),
           "version": st.column_config.NumberColumn(t("ws_version", lang), disabled=True)}
    after = st.data_editor(before, column_config=cfg, hide_index=True, width="stretch", key="ws_editor",
                           num_rows="fixed")
    if st.button(t("ws_save", lang), key="ws_save_btn"):
        _save(s, before, after, lang)
        st.rerun()
    _polygon(s, before, lang)
    _results(s, lang)


def _polygon(s: gstore.Store, table: pd.DataFrame, lang: str) -> None:
    """Upload a park polygon (GeoJSON/GPKG/zipped Shapefile, any supported CRS) into the park's override."""
    st.subheader(t("ws_polygon", lang))
    nm = name_col(lang)
    labels = dict(zip(table["park_id"], table[nm]))
    pid = st.selectbox(t("park", lang), list(table["park_id"]), key="ws_poly_park", format_func=lambda p: labels[p])
    up = st.file_uploader(t("ws_polygon_file", lang), type=["geojson", "json", "gpkg", "zip"], key="ws_poly_file")
    if up is not None and st.button(t("ws_save", lang), key="ws_poly_save"):
        gdf, _ = gio.import_bytes(up.getvalue(), up.name)
        shape = gdf.geometry.union_all()
        if shape.geom_type not in ("Polygon", "MultiPolygon"):
            st.error(f"{up.name}: {t('ws_polygon_bad', lang)}")
            return
        v = int(table.set_index("park_id").loc[pid, "version"])
        try:
            s.update_park(pid, {"geometry": shape}, expected_version=v)
            st.success(t("ws_saved", lang) + "1")
        except StaleWriteError:
            st.error(t("ws_stale", lang))
