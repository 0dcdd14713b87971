"""Page 4 — 项目选址 / Site selection: a project form, ranked parks (one row per park, plan level, free
land), reasons in plain words, what would change the order, excluded candidates and caveats,
contributions, citations, stability — and a pipeline section (upload projects → joint allocation
compared with greedy)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import altair as alt
import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st

from geoplan import maps, siting
from geoplan.data import catalog
from geoplan.errors import GeoplanError
from geoplan.i18n import localize_columns, name_col, t
from geoplan.maps.parcels import add_parcel_layer
from geoplan.siting import CRITERIA, display
from geoplan.siting.allocate import allocate, greedy, read_projects
from geoplan.siting.land import land_summary
from geoplan.siting.notes import note_text
from geoplan.siting.spec import spec_from_bytes

from . import common
from .brief import brief_downloads
from .workspace import current_store

AXES = ("", "CY_MAIN", "CY_MID", "CSY")



def tx(key: str, lang: str) -> str:
    """A label of this page (``siting_page_<key>`` in geoplan/_labels/siting.py)."""
    return t(f"siting_page_{key}", lang)
REGION_IDS = ("central_urban", "new_main_urban", "ne_three_gorges", "se_wuling")


def _load_spec(name: str, data: bytes) -> dict[str, Any]:
    """A spec file (JSON/YAML) read through geoplan.siting.load_spec (validated)."""

    # same loader as the CLI; size capped before parsing, no YAML aliases, no duplicate JSON keys
    return spec_from_bytes(data, Path(name).name).to_dict()


def _prefill(spec: dict[str, Any], lang: str) -> None:
    """Write a loaded spec into the form's widget state (widgets ignore ``value=`` once they exist)."""
    values = {"sit_industry": str(spec.get("industry", "")), "sit_land": float(spec.get("land_mu") or 1.0),
              "sit_inv": float(spec.get("investment_yi") or 0.0),
              "sit_maxkm": float(spec.get("max_corridor_km") or 0.0),
              "sit_axis": spec.get("axis") if spec.get("axis") in AXES else "", "sit_top": min(max(int(spec.get("top") or 10), 3), 20)}
    for k, v in values.items():
        st.session_state[k] = v
    regions = [r for r in spec.get("regions", []) if r in REGION_IDS]
    st.session_state["_val_sit_regions"] = regions
    st.session_state[common.choice_key("sit_regions", lang)] = regions


DEFAULTS = {"sit_industry": "新能源汽车", "sit_land": 300.0, "sit_inv": 10.0, "sit_maxkm": 0.0, "sit_axis": "",
            "sit_top": 10}


def _init(key: str) -> dict[str, Any]:
    """``value=`` for a form widget only on its first run (afterwards its state, e.g. a loaded spec, rules)."""
    if key in st.session_state:
        return {}
    v = DEFAULTS[key]
    return {"index": AXES.index(v)} if key == "sit_axis" else {"value": v}


def _form(lang: str) -> dict[str, Any] | None:
    regions = catalog.regions_table().set_index("region_id")
    with st.form("siting_form"):
        st.subheader(t("spec_form", lang))
        c1, c2, c3 = st.columns(3)
        industry = c1.text_input(t("spec_industry", lang), key="sit_industry", **_init("sit_industry"))
        land = c2.number_input(t("spec_land", lang), min_value=1.0, step=50.0, key="sit_land", **_init("sit_land"))
        inv = c3.number_input(t("spec_investment", lang), min_value=0.0, step=1.0, key="sit_inv", **_init("sit_inv"))
        c4, c5, c6 = st.columns(3)
        max_km = c4.number_input(t("spec_max_corridor", lang), min_value=0.0, step=10.0, key="sit_maxkm",
                                 help=t("siting_no_limit", lang), **_init("sit_maxkm"))
        axes = catalog.corridors().set_index("corridor_id")[f"corridor_{'en' if lang == 'en' else 'zh'}"]
        axis = c5.selectbox(t("nearest_axis", lang), AXES, key="sit_axis",
                            format_func=lambda a: "—" if not a else str(axes.get(a, a)), **_init("sit_axis"))
        top = c6.slider(t("spec_top", lang), 3, 20, key="sit_top", **_init("sit_top"))
        avail = [r for r in REGION_IDS if r in regions.index]
        regs = common.multichoice(st.multiselect, t("region", lang), avail, "sit_regions", lang,
                                  format_func=lambda r: str(regions.loc[r, name_col(lang)]))
        c7, c8, c9 = st.columns(3)
        ex_land = c7.checkbox(tx("example_land", lang), value=True, key="sit_example_land")
        ex_unknown = c8.checkbox(tx("exclude_unknown", lang), value=False, key="sit_exclude_unknown")
        zones = c9.checkbox(tx("zone_view", lang), value=False, key="sit_zone_view")
        submitted = st.form_submit_button(t("run_siting", lang))
    if not submitted:
        return None
    spec: dict[str, Any] = {"industry": industry, "land_mu": land, "investment_yi": inv or None, "top": top,
                            "regions": regs, "land": "example" if ex_land else None,
                            "exclude_unknown_land": ex_unknown, "collapse_zones": not zones}
    if max_km > 0:
        spec["max_corridor_km"] = max_km
    if axis:
        spec["axis"] = axis
    return spec


def _run(spec: dict[str, Any], lang: str, parcels: gpd.GeoDataFrame | None = None) -> Any:
    """The ranking with the workspace's free land and park polygons (geoplan.store.Store.run_site_selection),
    or over a workspace parcel layer (``parcels``, their own free land), with a progress bar naming the stage."""
    st.session_state["sit_data_version"] = current_store().data_version()
    bar = st.progress(0.0, text=t("siting_stage_candidates", lang))

    def progress(f: float, stage: str) -> None:
        bar.progress(f, text=t(f"siting_stage_{stage}", lang))

    try:
        if parcels is not None:  # parcels carry their own free land: no park land table applies
            return siting.select_sites({**spec, "land": None}, candidates=parcels, progress=progress)
        return current_store().run_site_selection(spec, progress=progress)
    finally:
        bar.empty()


@st.cache_resource(show_spinner=False, max_entries=2)
def _workspace_layer(name: str, fid: int, n_features: int) -> gpd.GeoDataFrame:
    """A workspace layer, read once per (name, id, size); treat as read-only."""
    return current_store().layer(name)


def _candidate_source(lang: str) -> gpd.GeoDataFrame | None:
    """The candidates to rank: the embedded parks (None) or a parcel layer of the workspace."""
    try:
        layers = current_store().layers()
    except GeoplanError:
        return None
    layers = layers[layers["kind"].eq("parcels")]
    if layers.empty:
        return None
    rows = {int(r.fid): r for r in layers.itertuples(index=False)}
    options = [0, *rows]
    pick = common.choice(st.selectbox, t("siting_source", lang), options, "sit_source", lang,
                         format_func=lambda k: t("siting_source_parks", lang) if k == 0 else
                         t("siting_source_layer", lang).format(name=rows[k].name, n=f"{rows[k].n_features:,}"))
    if not pick:
        return None
    r = rows[pick]
    return _workspace_layer(str(r.name), int(r.fid), int(r.n_features))


def _save_result(res: Any, lang: str) -> None:
    """Keep this result in the workspace (spec, ranking, the data and code versions it was computed on)."""
    spec = st.session_state.get("sit_spec") or {}
    c1, c2 = st.columns([2, 1])
    name = c1.text_input(t("ws_result_name", lang), value=f"{spec.get('industry', '')} {spec.get('land_mu', 0):g}",
                         key="sit_result_name")
    if c2.button(t("ws_save_result", lang), key="sit_save_result"):
        fid = current_store().save_result(spec, res, name=name,
                                          data_version=st.session_state.get("sit_data_version"))
        st.success(t("ws_result_saved", lang) + str(fid))


def _criterion_label(c: str, lang: str) -> str:
    return display.criterion_label(c, lang)


def _candidate_names(ranked: pd.DataFrame, nm: str) -> dict[str, str]:
    """Candidate/park id → shown name: the ranked rows, then every embedded park (for ids outside the list)."""
    parks = catalog.parks()
    names = {str(k): str(v) for k, v in zip(parks["park_id"], parks[nm])}
    for col in ("cand_id", "park_id"):
        if col in ranked:
            names.update({str(k): str(v) for k, v in zip(ranked[col], ranked[nm])})
    return names


def _show_result(res: Any, lang: str, tiles: str, tkey: str | None,
                 parcels: gpd.GeoDataFrame | None = None) -> None:

    ranked = res.ranked
    st.subheader(t("ranked", lang) + f" ({len(ranked)})")
    if ranked.empty:
        st.info(t("empty_state", lang))
        notes = res.explanation.get("notes", [])
        for n in notes:
            st.caption(common.plain(note_text(n, lang)))
        return
    nm = name_col(lang)
    li = 0 if lang == "zh" else 1
    e = res.explanation
    warn = display.example_land_warning(ranked, e.get("land_table", {}), lang)
    if warn:  # which parks still use example figures when workspace land is in use too
        st.warning(warn)
    ranked = ranked.copy()
    lv = e.get("plan_levels", {})
    ranked["plan_level"] = [lv.get(v, {}).get(lang, v) for v in ranked["support_level_reached"]]
    ranked["free_land"] = [tx("unknown", lang) if pd.isna(v) else f"{v:,.0f}" for v in ranked["available_land_mu"]]
    bz = "best_zone_zh" if lang == "zh" else "best_zone_en"
    cols = {"rank": t("rank", lang), nm: t("park", lang), "score": t("score", lang), "plan_level": tx("plan_level", lang),
            "free_land": tx("free_land", lang), bz: tx("best_zone", lang), "tier": t("tier", lang),
            "location_precision": t("precision", lang), "corridor_km": t("distance_km", lang)}
    cols.update({g: siting.GATE_LABELS[g][li] for g in siting.GATES})
    cols["citation_refs"] = t("citations", lang)
    view = pd.DataFrame(ranked[[c for c in cols if c in ranked]])
    for g in siting.GATES:  # gate states in words, never "pass/unknown/n/a"
        if g in view:
            view[g] = [display.state_label(v, lang) for v in view[g]]
    view["location_precision"] = [maps.precision_label(v, lang) for v in view["location_precision"]]
    view = view.rename(columns=cols)
    # map and ranking side by side at the top (issue 15)
    map_col, table_col = st.columns([1, 1])
    with map_col:
        _result_map(ranked, lang, tiles, tkey, parcels)
    with table_col:
        st.dataframe(view, hide_index=True, width="stretch", height=min(common.MAP_HEIGHT, 35 * (len(view) + 1) + 3))
    _show_words(e, lang)

    left, right = st.columns([1, 1])
    with left:
        st.markdown(f"**{t('contributions', lang)}**")
        long = pd.DataFrame(ranked[[nm] + [f"c_{c}" for c in CRITERIA]]).melt(id_vars=nm, var_name="c", value_name="v")
        long["criterion"] = long["c"].str[2:].map(lambda c: _criterion_label(c, lang))
        labels, colours = display.criterion_scale(lang)
        chart = alt.Chart(long).mark_bar().encode(
            y=alt.Y(f"{nm}:N", sort=list(ranked[nm]), title=None),
            x=alt.X("sum(v):Q", title=t("score", lang)),
            color=alt.Color("criterion:N", title=None, sort=labels,  # one colour per criterion in both languages
                            scale=alt.Scale(domain=labels, range=colours)),
            tooltip=[alt.Tooltip("criterion:N", title=t("contributions", lang)),
                     alt.Tooltip("v:Q", title=t("score", lang), format=".3f")])
        st.altair_chart(chart, width="stretch")
    with right:
        st.markdown(f"**{t('stability', lang)}**")
        stab = res.stability or {}
        names = _candidate_names(ranked, nm)
        summary, top = display.stability_tables(stab, names, lang)
        st.dataframe(localize_columns(summary, lang), hide_index=True, width="stretch")
        if not top.empty:
            st.dataframe(localize_columns(top, lang), hide_index=True, width="stretch")
        h = stab.get("hierarchy")
        if h:
            st.caption(t("siting_top_without_hierarchy", lang)
                       + ", ".join(names.get(str(i), str(i)) for i in h["top_k_without_hierarchy"])
                       + t("siting_overlap", lang).format(n=h["overlap"]))
    st.markdown(f"**{t('citations', lang)}**")
    for _, row in ranked.iterrows():
        cites = row.get("citations") or []
        with st.expander(f"{row.get('rank')}. {row.get(nm)} — {len(cites)}"):
            for n in row.get("notes") or []:
                st.caption(common.plain(note_text(n, lang)))
            if cites:
                st.dataframe(localize_columns(display.citation_table(cites, lang), lang), hide_index=True, width="stretch")
    with st.expander(t("explanation", lang)):
        st.json(res.explanation, expanded=False)

    c1, c2, c3 = st.columns(3)
    c1.download_button(t("download_result", lang), res.to_json(), file_name="site_selection.json",
                       mime="application/json", key="sit_dl_json")
    c2.download_button(t("download_geojson", lang), res.to_geojson(), file_name="site_selection.geojson",
                       mime="application/geo+json", key="sit_dl_geo")
    flat = pd.DataFrame(siting.flat_frame(ranked).drop(columns="geometry"))
    c3.download_button(t("download_csv", lang), common.csv_bytes(flat),
                       file_name="site_selection.csv", mime="text/csv", key="sit_dl_csv")


def _result_map(ranked: Any, lang: str, tiles: str, tkey: str | None,
                parcels: gpd.GeoDataFrame | None = None) -> None:
    """The ranked parks on the map, labelled with their rank; crowded ones fanned out so labels do not overlap.
    Over a parcel layer: every parcel in one overview image, the ranked parcels as polygons
    (:func:`geoplan.maps.add_parcel_layer`)."""
    sp = common.specs()
    m = maps.base_map(tiles, tianditu_key=tkey)
    maps.add_districts(m, maps.to_display(common.layer("districts"), tiles), sp["districts"], lang, popups=False)
    maps.add_corridors(m, maps.to_display(common.layer("corridors"), tiles), sp["corridors"], lang)
    if parcels is not None:
        try:
            add_parcel_layer(m, parcels, ranked, tiles=tiles, lang=lang, id_col="cand_id")
        except GeoplanError:
            st.warning(t("siting_parcels_no_amap", lang))
        maps.add_measure(m, lang)
        maps.fit_to(m, ranked)
        common.show_map(m, key=f"sit_parcel_map_{lang}_{tiles}_{len(parcels)}_{ranked['score'].sum():.3f}")
        st.caption(t("siting_parcels_map_note", lang).format(n=f"{len(parcels):,}"))
        return
    pts = gpd.GeoDataFrame(pd.DataFrame(ranked.drop(columns="geometry")), geometry=shapely.centroid(ranked.geometry.to_numpy()),
                           crs=ranked.crs)
    if "park_id" not in pts:
        pts["park_id"] = pts.get("cand_id")
    label = pd.Series(ranked["rank"].astype(str).to_numpy(), index=pts["park_id"].to_numpy())
    maps.add_parks(m, maps.to_display(pts, tiles), sp["parks"], lang, popups=False, highlight_ids=pts["park_id"],
                   label=label)
    maps.add_legend(m, [maps.parks_legend(sp["parks"], lang)], t("legend", lang), collapsed=True)  # half-width map
    maps.spread_markers(m)
    maps.add_measure(m, lang)
    maps.fit_to(m, pts)
    common.show_map(m, key=f"sit_map_{lang}_{tiles}_{len(ranked)}_{ranked['score'].sum():.3f}")


def _show_words(e: dict, lang: str) -> None:
    """Reasons, what would change the order, best excluded and caveats as plain text (not JSON)."""
    st.markdown(f"**{tx('reasons', lang)}**")
    st.markdown("\n".join(f"{r['rank']}. {r[lang]}" for r in e.get("reasons", [])[:5]))
    if e.get("what_would_change"):
        st.markdown(f"**{tx('change', lang)}**")
        lines = []
        for w in e["what_would_change"]:
            name = w["name_zh"] if lang == "zh" else w["name_en"]
            ch = "；".join(c["zh"] for c in w["changes"]) if lang == "zh" else "; ".join(c["en"] for c in w["changes"])
            where = f"#{w['rank']}" if w.get("rank") else ("未通过" if lang == "zh" else "excluded")
            lines.append(f"- {where} {name}: {ch or '—'}")
        st.markdown("\n".join(lines))
    if e.get("excluded_plain"):
        st.markdown(f"**{tx('excluded', lang)}**")
        st.markdown("\n".join(f"- {x[lang]}" for x in e["excluded_plain"]))
    st.markdown(f"**{tx('caveats', lang)}**")
    st.markdown("\n".join(f"- {common.plain(note_text(n, lang))}" for n in e.get("caveats", e.get("notes", []))))


def _pipeline(lang: str) -> None:
    """Upload a project list → joint allocation table + greedy comparison + over-bookings."""
    st.subheader(tx("pipeline", lang))
    st.caption(tx("pipeline_help", lang))
    up = st.file_uploader(tx("pipeline_upload", lang), type=["csv", "yaml", "yml"], key="sit_pipeline_upload")
    use_example = st.checkbox(tx("pipeline_example", lang), value=up is None, key="sit_pipeline_example")
    ex_land = st.checkbox(tx("example_land", lang), value=True, key="sit_pipeline_example_land")
    if not st.button(tx("pipeline_run", lang), key="sit_pipeline_run"):
        return
    try:
        if up is not None and not use_example:
            with tempfile.TemporaryDirectory() as tmp:
                p = Path(tmp) / Path(up.name).name
                p.write_bytes(up.getvalue())
                projects = read_projects(p, name=up.name)
        else:
            projects = read_projects(_example_pipeline())
        store = current_store()  # the workspace's free land and polygons, as in the ranking above
        land = "example" if ex_land else None
        fits = store.allocation_fits(projects, land=land)
        a = allocate(projects, fits=fits)
        g = greedy(projects, fits=fits)
        land_info = land_summary(store.land_table_for(land))
    except GeoplanError as exc:
        st.error(t("error", lang) + str(exc))
        return
    warn = display.allocation_land_warning(fits[1], [a.assignment, g.naive], land_info, lang)
    if warn:
        st.warning(warn)
    nm = "name_zh" if lang == "zh" else "name_en"
    table = a.assignment[["project_id", "industry", "land_mu", nm, "fit"]].merge(
        g.naive[["project_id", nm, "fit"]], on="project_id", suffixes=("", "_greedy"))
    table = table.rename(columns={f"{nm}_greedy": "name_greedy"})
    st.dataframe(localize_columns(table, lang), hide_index=True, width="stretch")
    st.markdown(f"- {tx('alloc_total', lang)}: **{a.total_fit:.3f}** ({a.n_assigned}/{len(projects)})\n"
                f"- {tx('greedy_total', lang)}: {g.total_fit:.3f} ({g.n_assigned}/{len(projects)})\n"
                f"- {tx('naive_total', lang)}: {g.naive_total:.3f}")
    if len(g.overbooked):
        st.markdown(f"**{tx('overbook', lang)}**")
        st.markdown("\n".join(f"- {r[nm] if nm in r else r['name_zh']}: {r['free_mu']:,.0f} → {r['booked_mu']:,.0f} 亩 "
                               f"({r['projects']})" for _, r in g.overbooked.iterrows()))
    else:
        st.caption(tx("no_overbook", lang))


def _example_pipeline() -> Path:
    return Path(__file__).resolve().parent.parent / "examples" / "pipeline.csv"


def render(lang: str, tiles: str, tkey: str | None) -> None:
    st.header(t("page_siting", lang))
    up = st.file_uploader(t("spec_load", lang), type=["json", "yaml", "yml"], key="sit_spec_upload")
    initial: dict[str, Any] = {}
    if up is not None and common.upload_too_large(up, "spec", lang):
        up = None
    if up is not None:
        try:
            initial = _load_spec(up.name, up.getvalue())
            if st.session_state.get("_sit_loaded") != up.file_id:  # a new file: put it into the form
                _prefill(initial, lang)
                st.session_state["_sit_loaded"] = up.file_id
        except GeoplanError as exc:
            st.error(t("upload_error", lang) + common.plain(exc))
        except Exception as exc:  # noqa: BLE001 — malformed JSON/YAML must not take the page down
            st.error(t("upload_error", lang) + common.plain(f"{type(exc).__name__}: {exc}"))
    parcels = _candidate_source(lang)
    spec = _form(lang)
    if spec is not None:
        try:
            st.session_state["sit_result"] = _run(spec, lang, parcels)
            st.session_state["sit_spec"] = spec
            st.session_state["sit_parcels"] = parcels
        except GeoplanError as exc:
            st.session_state.pop("sit_result", None)
            st.error(t("error", lang) + common.plain(exc))
    cur = st.session_state.get("sit_spec")
    if cur:
        st.download_button(t("spec_save", lang), json.dumps(cur, ensure_ascii=False, indent=2),
                           file_name="site_spec.json", mime="application/json", key="sit_dl_spec")
    res = st.session_state.get("sit_result")
    if res is None:
        st.caption(t("siting_prompt", lang))
    else:
        _show_result(res, lang, tiles, tkey, st.session_state.get("sit_parcels"))
        brief_downloads(res, lang)
        _save_result(res, lang)
    _pipeline(lang)
