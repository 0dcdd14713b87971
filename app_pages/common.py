"""Shared Streamlit plumbing of the app pages: cached loaders, map display, downloads, messages.

No analysis here: pages call ``geoplan`` functions and show the results.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from geoplan import maps
from geoplan.data import layers as gl
from geoplan.errors import GeoplanError
from geoplan.i18n import t
from geoplan.io.validate import neutralise_frame

MAP_HEIGHT = 720  # px: most of a laptop screen (issue 15: 560 px was too small)

# Upload size limits per kind, in one place (below Streamlit's own 200 MB server.maxUploadSize);
# checked on the upload's size before anything is parsed.
UPLOAD_LIMITS_MB = {"spec": 0.064, "table": 20, "vector": 50}

_MD_SPECIAL = re.compile(r"([\\`*\[\]<>!#|~$&])|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def plain(text: object, limit: int = 2000) -> str:
    """User text (file names, cell values, error messages) made inert for ``st.error``/``st.caption``/
    ``st.markdown``: Markdown and HTML special characters are backslash-escaped (``![t](url)`` stays
    literal text, never an image, a link or HTML), ``://`` and ``www.`` cannot autolink, control
    characters are dropped and very long text is cut. Intra-word ``_`` (``land_mu``) stays as it is."""
    s = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", str(text))
    if len(s) > limit:
        s = s[:limit] + "…"
    s = _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), s)
    s = re.sub(r"(?i)://", r":\/\/", s)
    s = re.sub(r"(?i)\bwww\.", "www\\.", s)
    return s.replace("\n", "  \n")


def localise_widgets(lang: str) -> None:
    """Streamlit's own file-uploader texts ("Upload", "200MB per file …") in Chinese on the 中文 screen.

    Streamlit has no language setting for them, so a stylesheet hides the English and shows the label
    from ``geoplan.i18n`` in its place (the size line also disappears: geoplan's own per-kind limits,
    not Streamlit's 200 MB, decide, and an over-size upload is refused with its own message).
    """
    if lang != "zh":
        return
    button, zone = json.dumps(t("upload_button", lang), ensure_ascii=False), json.dumps(t("upload_dropzone", lang),
                                                                                   ensure_ascii=False)
    dz = "[data-testid='stFileUploaderDropzone']"
    st.html(
        f"<style>{dz} button [data-testid='stMarkdownContainer'] p{{visibility:hidden;position:relative}}"
        f"{dz} button [data-testid='stMarkdownContainer'] p::after{{content:{button};visibility:visible;"
        "position:absolute;left:0;white-space:nowrap}"
        f"{dz} [data-testid='stFileUploaderDropzoneInstructions'] span{{visibility:hidden;position:relative}}"
        f"{dz} [data-testid='stFileUploaderDropzoneInstructions'] span::after{{content:{zone};visibility:visible;"
        "position:absolute;left:0;white-space:nowrap}</style>")


def upload_too_large(up: Any, kind: str, lang: str) -> bool:
    """Show an error and return True when the upload is over the limit of its ``kind``."""
    limit = UPLOAD_LIMITS_MB[kind]
    size = int(getattr(up, "size", 0) or 0)
    if size > limit * 1e6:
        msg = (f"{plain(up.name)}: {size / 1e6:.1f} MB，超过上限 {limit:g} MB" if lang == "zh"
               else f"{plain(up.name)}: {size / 1e6:.1f} MB, over the limit of {limit:g} MB")
        st.error(msg)
        return True
    return False


@st.cache_resource(show_spinner=False)
def specs() -> dict[str, dict[str, Any]]:
    """Every layer spec by id (read once per process)."""
    return {i: gl.layer_spec(i) for i in gl.layer_ids()}


@st.cache_resource(show_spinner=False)
def layer(layer_id: str, display: bool = True) -> gpd.GeoDataFrame:
    """A layer as loaded by ``geoplan.layers`` (display geometries by default); treat as read-only."""
    return gl.load_layer(layer_id, display=display)


def layer_or_none(layer_id: str, display: bool = True) -> gpd.GeoDataFrame | None:
    try:
        return layer(layer_id, display)
    except (GeoplanError, FileNotFoundError, OSError) as exc:
        st.caption(plain(f"{layer_id}: {exc}"))
        return None


def tianditu_key() -> str | None:
    """The user's Tianditu key from the environment or Streamlit secrets (never stored in the repo)."""
    key = os.environ.get("TIANDITU_KEY")
    if key:
        return key
    try:
        return st.secrets.get("TIANDITU_KEY")  # type: ignore[no-any-return]
    except Exception:  # noqa: BLE001 — no secrets.toml: that is the normal case
        return None


def sidebar_tiles(lang: str) -> tuple[str, str | None]:
    """Basemap choice in the sidebar → (tiles, tianditu key); falls back to no tiles with a notice."""
    choice_ = choice(st.sidebar.selectbox, t("basemap", lang), list(maps.TILE_CHOICES), "tiles", lang,
                     format_func=lambda c: t(f"tiles_{c}", lang))
    key = None
    if choice_ == "tianditu":
        key = tianditu_key()
        if not key:
            st.sidebar.warning(t("tianditu_no_key", lang))
            choice_ = "none"
    elif choice_ == "amap":
        st.sidebar.caption(t("amap_note", lang))
    if choice_ == "none":
        st.sidebar.caption(t("offline_note", lang))
    return choice_, key


def show_map(m: Any, key: str, *, feature_group: Any = None, height: int = MAP_HEIGHT,
             clicks: bool = False, view: tuple[tuple[float, float], int] | None = None) -> dict[str, Any] | None:
    """Render a folium map (streamlit-folium when installed) and return the click state if asked;
    ``view`` = ``((lat, lon), zoom)`` moves the map there (search hit, filter results)."""
    try:
        from streamlit_folium import st_folium
    except ImportError:  # pragma: no cover - streamlit-folium is a dependency
        import streamlit.components.v1 as components

        components.html(m.get_root().render(), height=height)
        return None
    return st_folium(m, key=key, height=height, use_container_width=True,
                     returned_objects=["last_object_clicked"] if clicks else [],
                     feature_group_to_add=feature_group,
                     center=view[0] if view else None, zoom=view[1] if view else None)


#: the file-name suffix of each download format: a Shapefile download is the zipped set, named .zip
EXPORT_SUFFIX = {"geojson": ".geojson", "gpkg": ".gpkg", "shp": ".zip", "csv": ".csv"}


def _written_bytes(frame: gpd.GeoDataFrame | pd.DataFrame, fmt: str, name: str,
                   metadata: dict[str, Any] | None) -> bytes:
    from geoplan import io as gio

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{name}{EXPORT_SUFFIX[fmt]}"
        gio.write_layer(frame, out, fmt, metadata=metadata)
        return out.read_bytes()


@st.cache_data(show_spinner=False, max_entries=32)
def _cached_bytes(_frame: Any, digest: str, fmt: str, name: str, metadata: dict | None) -> bytes:
    return _written_bytes(_frame, fmt, name, metadata)


def _digest(frame: pd.DataFrame) -> str:
    body = pd.DataFrame(frame.drop(columns=[c for c in ("geometry",) if c in frame])).astype(str)
    h = pd.util.hash_pandas_object(body, index=False).sum()
    geo = ""
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame:
        import hashlib

        geo = hashlib.sha1(b"".join(w or b"" for w in frame.geometry.to_wkb().to_numpy())).hexdigest()
    return f"{len(frame)}-{h}-{geo}"


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as CSV bytes for a download button, formula cells neutralised (see
    :func:`geoplan.io.validate.neutralise_formula`), BOM for Excel."""
    return neutralise_frame(pd.DataFrame(frame)).to_csv(index=False).encode("utf-8-sig")


def downloads(frame: gpd.GeoDataFrame | pd.DataFrame | None, name: str, lang: str,
              metadata: dict[str, Any] | None = None, key: str = "") -> None:
    """GeoJSON (when the frame has geometry) and CSV download buttons; provenance columns included."""
    if frame is None or len(frame) == 0:
        return
    cols = st.columns(3)
    meta = dict(metadata or {})
    is_geo = isinstance(frame, gpd.GeoDataFrame) and frame.geometry.notna().any()
    try:
        if is_geo:
            data = _cached_bytes(frame, _digest(frame), "geojson", name, meta)
            cols[0].download_button(t("download_geojson", lang), data, file_name=f"{name}.geojson",
                                    mime="application/geo+json", key=f"dl_geo_{key or name}")
            try:  # a layer a Shapefile cannot hold (GeometryCollections) simply gets no Shapefile button
                data = _cached_bytes(frame, _digest(frame), "shp", name, meta)
                cols[2].download_button(t("shell_download_shp", lang), data, file_name=f"{name}{EXPORT_SUFFIX['shp']}",
                                        mime="application/zip", key=f"dl_shp_{key or name}")
            except GeoplanError:
                pass
            data = _cached_bytes(frame, _digest(frame), "csv", name, meta)
        else:
            data = csv_bytes(frame)
    except Exception as exc:  # noqa: BLE001 — export unavailable or refused: a plain CSV keeps the columns
        st.caption(plain(f"GeoJSON export unavailable: {type(exc).__name__}: {exc}"))
        data = csv_bytes(frame.drop(columns=[c for c in ("geometry",) if c in frame]))
    cols[1].download_button(t("download_csv", lang), data, file_name=f"{name}.csv", mime="text/csv",
                            key=f"dl_csv_{key or name}")


def layer_notes(layer_ids: list[str], lang: str) -> None:
    """An expander with each layer's source, CRS note and precision note (from its spec)."""
    sp = specs()
    with st.expander(t("metadata", lang)):
        for lid in layer_ids:
            if lid not in sp:
                continue
            s = sp[lid]
            md = s.get("metadata", {})
            title = s["title"].get(lang) if isinstance(s.get("title"), dict) else lid
            st.markdown(f"**{title}**")
            note = {k: md.get(f"{k}_{lang}") or md.get(k, "") for k in ("source", "crs_note", "precision_note")}
            st.text(f"{t('source', lang)}: {note['source']}\n{note['crs_note']}\n{note['precision_note']}")


def choice_key(name: str, lang: str) -> str:
    """Widget key per language: a widget whose option labels change keeps showing its old labels in
    Streamlit, so each language gets its own widget, and ``_val_<name>`` carries the value across."""
    return name if lang == "zh" else f"{name}__{lang}"


def _localized(widget: Any, label: str, options: list[Any], name: str, lang: str, value: Any, value_kw: dict,
               **kw: Any) -> Any:
    key = choice_key(name, lang)
    switched = st.session_state.get(f"_lang_{name}") not in (None, lang)
    if key in st.session_state:
        if switched:  # the other language's widget was the live one: carry its value over
            st.session_state[key] = value
        out = widget(label, options, key=key, **kw)
    else:
        out = widget(label, options, key=key, **value_kw, **kw)
    st.session_state[f"_val_{name}"] = out
    st.session_state[f"_lang_{name}"] = lang
    return out


def choice(widget: Any, label: str, options: list[Any], name: str, lang: str, *, default: Any = None,
           **kw: Any) -> Any:
    """A selectbox/radio over language-neutral ``options`` whose value survives the language switch."""
    options = list(options)
    value = st.session_state.get(f"_val_{name}", default)
    if value not in options:
        value = default if default in options else (options[0] if options else None)
    index = options.index(value) if value in options else 0
    return _localized(widget, label, options, name, lang, value, {"index": index}, **kw)


def multichoice(widget: Any, label: str, options: list[Any], name: str, lang: str, *,
                default: list[Any] | None = None, **kw: Any) -> list[Any]:
    """A multiselect over language-neutral ``options`` whose value survives the language switch."""
    options = list(options)
    value = [v for v in st.session_state.get(f"_val_{name}", default or []) if v in options]
    kw.setdefault("placeholder", t("shell_choose", lang))  # never Streamlit's English "Choose options"
    return list(_localized(widget, label, options, name, lang, value, {"default": value}, **kw))
