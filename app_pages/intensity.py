"""Page 2 — 亩均效益 / Land-output intensity: choropleth, A/B/C/D grading, distribution, uploads."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import altair as alt
import geopandas as gpd
import pandas as pd
import streamlit as st

from geoplan import intensity as gi
from geoplan import io as gio
from geoplan import maps
from geoplan.data import catalog
from geoplan.errors import GeoplanError, InputError
from geoplan.i18n import localize_columns, name_col, t, unit
from geoplan.intensity import grading

from . import common

SCHEMES = ("Quantiles", "NaturalBreaks", "EqualInterval", "FisherJenks")
LEVELS = ("district", "park", "region")
LEVEL_KEY = {"district": "adcode", "park": "park_id", "region": "region_id"}


def _read_upload(name: str, data: bytes, crs: str) -> pd.DataFrame:
    """The uploaded CSV/Excel through geoplan.io.read_table (size, encoding and coordinate checks)."""
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / f"upload{suffix}"
        p.write_bytes(data)
        try:
            frame = gio.read_table(p, crs=crs, max_bytes=int(common.UPLOAD_LIMITS_MB["table"] * 1e6),
                                   negative="rows")
        except InputError as exc:  # name the user's file, never our temporary copy
            user = Path(name).name
            raise type(exc)(exc.bare.replace(str(p), user).replace(tmp, ""), file=user, row=exc.row,
                            field=exc.field) from None
    return frame


@st.cache_data(show_spinner=False, max_entries=2)
def _cached_upload(name: str, digest: str, crs: str, _data: bytes) -> pd.DataFrame:
    """The parsed table, keyed on the upload's digest: the raw bytes are never part of the cache."""
    return _read_upload(name, _data, crs)


def _upload_frame(name: str, data: bytes, crs: str) -> pd.DataFrame:
    return _cached_upload(name, hashlib.sha256(data).hexdigest(), crs, data)


def _metrics(raw: pd.DataFrame, file: str, uploaded: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    if uploaded:
        rows, excluded = gi.evaluate_rows(raw, file=file)
    else:
        norm, excluded = gi.normalise(raw, on_bad="exclude", file=file)
        rows = gi.compute_metrics(norm)
    if "park_id" in rows or "host_park_id" in rows:
        rows = gi.attach_places(rows)
    return rows, excluded


def _aggregate(rows: pd.DataFrame, level: str, metric: str) -> gpd.GeoDataFrame | None:
    """Aggregates at district/park/region joined to display geometry; None when the rows lack the key."""
    key = {"district": "adcode", "park": "park_id", "region": "region_id"}[level]
    if key not in rows or rows[key].isna().all():
        return None
    agg = gi.aggregate(rows.dropna(subset=[key]), by=key, metrics=[metric])
    if level == "district":
        base = common.layer("districts")[["adcode", "name_zh", "name_en", "geometry"]]
        agg["adcode"] = agg["adcode"].astype(int)
        return base.merge(agg, on="adcode", how="inner")
    if level == "park":
        base = common.layer("parks")[["park_id", "name_zh", "name_en", "location_precision", "geometry"]]
        return base.merge(agg, on="park_id", how="inner")
    reg = common.layer("regions")[["region_id", "name_zh", "name_en", "geometry"]]
    return reg.merge(agg, on="region_id", how="inner")


def render(lang: str, tiles: str, tkey: str | None) -> None:
    st.header(t("page_intensity", lang))

    up_col, crs_col = st.columns([3, 1])
    upload = up_col.file_uploader(t("upload", lang), type=["csv", "xlsx", "xls", "txt"], key="int_upload",
                                  help=t("upload_help", lang))
    crs = crs_col.selectbox("CRS", ["wgs84", "gcj02", "bd09", "cgcs2000"], key="int_crs")
    raw, label, file = None, t("using_default", lang), "data/tongliang_projects.csv"
    mapping: dict[str, str] = {}
    if upload is not None and common.upload_too_large(upload, "table", lang):
        upload = None
    if upload is not None:
        try:
            with st.spinner(t("intensity_reading_upload", lang).format(file=common.plain(upload.name))):
                raw = _upload_frame(upload.name, upload.getvalue(), crs)
            label, file = t("using_upload", lang) + f" ({common.plain(upload.name)})", upload.name
        except GeoplanError as exc:
            st.error(t("upload_error", lang) + common.plain(exc))
            raw = None
        except Exception as exc:  # noqa: BLE001 — a broken file must never take the page down
            st.error(t("upload_error", lang) + common.plain(f"{type(exc).__name__}: {exc}"))
            raw = None
    if raw is None:
        raw = catalog.tongliang_projects()
    elif upload is not None:
        raw, mapping = _bureau_step(raw, upload, lang)
        if raw is None:
            raw, label, file = catalog.tongliang_projects(), t("using_default", lang), "data/tongliang_projects.csv"
    st.caption(label)
    c_t1, c_t2 = st.columns(2)
    c_t1.download_button(t("template_csv", lang), gi.template_frame().to_csv(index=False).encode("utf-8-sig"),
                         file_name="intensity_template.csv", mime="text/csv", key="int_tpl_csv")
    c_t2.download_button(t("template_xlsx", lang), gi.template_xlsx(), file_name="intensity_template.xlsx",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="int_tpl_xlsx")
    try:
        with st.spinner(t("intensity_evaluating", lang)):
            rows, excluded = _metrics(pd.DataFrame(raw.drop(columns="geometry", errors="ignore")), file,
                                      uploaded=file != "data/tongliang_projects.csv")
    except GeoplanError as exc:
        st.error(t("upload_error", lang) + common.plain(exc))
        rows, excluded = _metrics(catalog.tongliang_projects(), "data/tongliang_projects.csv", uploaded=False)
        st.caption(t("using_default", lang))
    if len(excluded):
        shown_rej = gi.localise_rejected(excluded, lang, mapping)
        st.warning(t("rejected_rows", lang).format(n=len(excluded), file=common.plain(Path(file).name)))
        st.dataframe(shown_rej, hide_index=True)
        st.download_button(t("download_rejected", lang), shown_rej.to_csv(index=False).encode("utf-8-sig"),
                           file_name=f"{Path(file).stem}_rejected.csv", mime="text/csv", key="int_rejected")

    labels = gi.METRIC_LABELS
    present = [m for m in labels if m in rows and rows[m].notna().any()] or list(labels)[:1]
    c1, c2, c3, c4 = st.columns(4)
    metric = common.choice(c1.selectbox, t("metric", lang), present, "int_metric", lang,
                           format_func=lambda m: f"{labels[m][0 if lang == 'zh' else 1]} ({unit(labels[m][2], lang)})")
    scheme = common.choice(c2.selectbox, t("scheme", lang), list(SCHEMES), "int_scheme", lang,
                           format_func=lambda s: t(f"scheme_{s}", lang))
    k = c3.slider(t("classes", lang), 2, 7, 5, key="int_k")
    levels = [lv for lv in LEVELS if LEVEL_KEY[lv] in rows and rows[LEVEL_KEY[lv]].nunique() >= 2]
    levels = levels + ["project"] if upload is not None else ["project"] + levels
    level = common.choice(c4.selectbox, t("level_agg", lang), levels,
                          "int_level" if upload is None else "int_level_upload", lang,
                          format_func=lambda v: t(v, lang))
    title, munit = labels[metric][0 if lang == "zh" else 1], unit(labels[metric][2], lang)

    agg = None
    try:
        agg = None if level == "project" else _aggregate(rows, level, metric)
    except GeoplanError as exc:
        st.error(common.plain(exc))
    row_points = rows if isinstance(rows, gpd.GeoDataFrame) else None
    if isinstance(raw, gpd.GeoDataFrame) and "geometry" in raw:
        row_points = gpd.GeoDataFrame(rows, geometry=raw.loc[rows.index].geometry, crs=raw.crs)
    located_at_park = False
    if level == "project" and row_points is None and "park_id" in rows and rows["park_id"].notna().any():
        parks = common.layer("parks")[["park_id", "geometry"]]
        geo = rows.merge(parks, on="park_id", how="inner")
        if len(geo):
            row_points, located_at_park = gpd.GeoDataFrame(geo, geometry="geometry", crs=parks.crs), True
    left, right = st.columns([3, 2])
    with left:
        shown = agg if agg is not None and len(agg) else row_points
        if located_at_park:
            st.caption(t("located_at_park", lang))
        if shown is None or not len(shown):
            st.info(t("no_geometry_note", lang))
            if level == "project":
                pcols = [c for c in ("project_id", "enterprise_id", "name_zh", "name", "park_id", "land_mu",
                                     metric) if c in rows]
                st.dataframe(localize_columns(pd.DataFrame(rows[pcols]), lang), hide_index=True, width="stretch", height=280)
        else:
            label_col = next((c for c in (name_col(lang), "name_zh", "name", "enterprise", "企业名称", "project_id",
                                          "id") if c in shown), None)
            m, _legend = maps.choropleth_map(shown, metric, scheme=scheme, k=k, title=title, unit=munit, lang=lang,
                                             tiles=tiles, tianditu_key=tkey, base=common.layer("districts"),
                                             label_column=label_col)
            maps.fit_to(m, common.layer("districts"))
            common.show_map(m, key=f"int_map_{lang}_{tiles}_{metric}_{scheme}_{k}_{level}_{len(shown)}")
            if agg is not None:
                tbl = pd.DataFrame(agg.drop(columns="geometry"))
                nm = name_col(lang)
                keep = [c for c in (nm, "n_rows", "land_mu", metric, f"{metric}_base", f"{metric}_n") if c in tbl]
                names = {nm: t(level, lang), "n_rows": t("rows_table", lang), "land_mu": t("land_mu", lang),
                         metric: f"{title} ({munit})", f"{metric}_base": t("base_mu", lang),
                         f"{metric}_n": t("n_contributing", lang)}
                st.dataframe(localize_columns(tbl[keep].rename(columns=names), lang), hide_index=True, width="stretch")
        _composite_section(rows, level, lang)
        _trend_section(rows, lang)
    with right:
        st.subheader(t("distribution", lang))
        vals = pd.DataFrame({"v": pd.to_numeric(rows[metric], errors="coerce")}).dropna()
        if vals.empty:
            st.caption(t("empty_state", lang))
        else:
            chart = alt.Chart(vals).mark_bar().encode(
                x=alt.X("v:Q", bin=alt.Bin(maxbins=20), title=f"{title} ({munit})"),
                y=alt.Y("count():Q", title="n"))
            st.altair_chart(chart, width="stretch")
        st.subheader(t("grading", lang))
        cfg = grading.load_config()
        names = list(cfg["schemes"])
        sch = common.choice(st.selectbox, t("scheme", lang), names, "int_grade_scheme", lang,
                            format_func=lambda s: cfg["schemes"][s].get(f"label_{lang}", s))
        try:
            graded = grading.grade(rows, sch, cfg)
        except GeoplanError as exc:
            st.error(common.plain(exc))
            graded = rows
        if "grade" in graded:
            counts = graded["grade"].replace("", "—").value_counts().sort_index()
            st.bar_chart(counts)
        id_col = next((c for c in ("project_id", "id", "enterprise_id", "parcel_id") if c in graded), None)
        show_cols = [c for c in (id_col, "name_zh", "name", metric, "grade", "grade_zh" if lang == "zh" else "grade_en",
                                 "grade_note", "source", "source_line") if c and c in graded]
        st.dataframe(localize_columns(pd.DataFrame(graded[show_cols]), lang), hide_index=True, width="stretch", height=280)
    out = pd.DataFrame(graded.drop(columns="geometry", errors="ignore"))
    common.downloads(out, "intensity_rows", lang, {"metric": metric, "data": file}, key="int_rows")
    if agg is not None and len(agg):
        common.downloads(agg, f"intensity_{level}", lang, {"metric": metric, "level": level, "data": file},
                         key="int_agg")


def _bureau_step(raw: pd.DataFrame, upload, lang: str) -> tuple[pd.DataFrame | None, dict[str, str]]:
    """Recognise a bureau's headers (title rows, unit rows, GBK), ask about ambiguous columns, refuse a
    table with no metric column. (None, {}) when refused (the message is shown); else (frame, mapping)."""
    frame = pd.DataFrame(raw.drop(columns="geometry", errors="ignore"))
    _, _, amb = gi.recognise_headers(frame)
    try:
        gi.require_metric_columns(gi.recognise_headers(frame)[0], file=upload.name, lang=lang)
    except GeoplanError:
        try:  # a title row above the header, or a unit row: read the bytes again the bureau way
            alt_frame = gi.read_bureau_table(upload.getvalue(), upload.name)
            gi.require_metric_columns(gi.recognise_headers(alt_frame)[0], file=upload.name, lang=lang)
            frame, raw = alt_frame, alt_frame
            _, _, amb = gi.recognise_headers(frame)
        except GeoplanError:
            pass
    overrides: dict[str, str] = {}
    if amb:
        st.warning(t("map_columns", lang))
        for i, (col, why) in enumerate(amb.items()):
            prompt = t("intensity_map_prompt", lang).format(col=col) + f" ({gi.explain_ambiguous(why, lang)})"
            overrides[col] = st.selectbox(common.plain(prompt), [""] + list(gi.MAPPING_TARGETS),
                                          key=f"int_map_col_{i}", format_func=lambda v: gi.field_label(v, lang))
    mapped, mapping, _ = gi.recognise_headers(frame, overrides)
    try:
        gi.require_metric_columns(mapped, file=upload.name, lang=lang)
    except GeoplanError as exc:
        st.error(t("upload_error", lang) + t("refused", lang).format(file=common.plain(upload.name))
                 + common.plain(exc.bare))
        return None, {}
    if isinstance(raw, gpd.GeoDataFrame):
        return gpd.GeoDataFrame(mapped, geometry=raw.geometry.values, crs=raw.crs), mapping
    return mapped, mapping


def _composite_section(rows: pd.DataFrame, level: str, lang: str) -> None:
    st.subheader(t("composite", lang))
    methods, default = gi.load_methods()
    names = list(methods)
    mid = common.choice(st.selectbox, t("method", lang), names, "int_method", lang,
                        format_func=lambda m: getattr(methods[m], f"label_{lang}", m))
    m = methods[mid]
    st.caption(t("method_source", lang) + f"{m.doc_title}（{m.doc_number}，{m.date}） {m.url}")
    if not m.weights_public:
        st.info(t("weights_not_public", lang) + (m.weights_statement_zh if lang == "zh" else m.weights_statement_en))
    if m.scoring_assumption:
        st.warning(t("assumption", lang) + (m.scoring_statement_zh if lang == "zh" else m.scoring_statement_en))
    for ind in m.indicators:
        if ind.assumption:
            st.warning(t("assumption", lang) + (ind.assumption_zh if lang == "zh" else ind.assumption_en))
    if not m.classes_public:
        st.caption(t("classes_not_public", lang) + (m.classes_statement_zh if lang == "zh" else m.classes_statement_en))
    id_col = next((c for c in ("project_id", "enterprise_id", "name_zh", "id") if c in rows), None)
    scored, missing = gi.composite(rows, m, id_col=id_col)
    if len(missing):
        st.warning(t("missing_indicators", lang).format(n=len(missing)))
        st.dataframe(localize_columns(missing, lang), hide_index=True, width="stretch", height=160)
    if m.scored and scored["composite_score"].notna().any():
        cols = [c for c in (id_col, "land_mu") if c] + [c for c in scored if c.endswith("_points")] + [
            "composite_score", "composite_class"]
        st.dataframe(localize_columns(pd.DataFrame(scored[cols]), lang), hide_index=True, width="stretch", height=200)
        key = {"district": "adcode", "park": "park_id", "region": "region_id"}.get(level)
        grp = key if key in scored else ("park_zh" if "park_zh" in scored else None)
        if grp:
            st.caption(t("composite_by", lang).format(level=t(level, lang) if key == grp else grp))
            st.dataframe(localize_columns(gi.aggregate_composite(scored, grp, m), lang), hide_index=True, width="stretch")


def _trend_section(rows: pd.DataFrame, lang: str) -> None:
    """Multi-year uploads: each enterprise's and park's trend of the first metric with data."""
    if "year" not in rows or pd.to_numeric(rows["year"], errors="coerce").nunique() < 2:
        return
    st.subheader(t("trend", lang))
    metrics = [c for c in ("output_per_mu", "tax_per_mu", "va_per_mu") if c in rows and rows[c].notna().any()]
    if not metrics:
        return
    metric = common.choice(st.selectbox, t("metric", lang), metrics, "int_trend_metric", lang,
                           format_func=lambda m: gi.METRIC_LABELS[m][0 if lang == "zh" else 1])
    mname = gi.METRIC_LABELS[metric][0 if lang == "zh" else 1]
    munit = unit(gi.METRIC_LABELS[metric][2], lang)
    year_t = t("intensity_year", lang)
    for by, key in ((next((c for c in ("name_zh", "enterprise_id") if c in rows), None), "intensity_trend_enterprise"),
                    ("park_zh" if "park_zh" in rows else None, "intensity_trend_park")):
        if by is None:
            continue
        long = gi.trend(rows, metric, by)
        if long.empty:
            continue
        st.caption(t(key, lang).format(metric=f"{mname} ({munit})"))
        chart = alt.Chart(long).mark_line(point=True).encode(
            x=alt.X("year:O", title=year_t), y=alt.Y("value:Q", title=f"{mname} ({munit})"),
            color=alt.Color(f"{by}:N", title=None))
        st.altair_chart(chart.properties(height=220), width="stretch")
        table = gi.trend_table(long, by).rename(columns={"change_pct": t("intensity_trend_change", lang)})
        table.columns = [str(c) for c in table.columns]  # years as text: one column type for Arrow
        st.dataframe(table, hide_index=True, width="stretch")
