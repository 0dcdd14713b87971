"""Every page in both languages through Streamlit's AppTest (issue 15, "fully bilingual").

The walk collects the text a user reads — headers, markdown, captions, alerts, plain text, metric
labels, widget labels/options/placeholders/help, expander and tab labels, dataframe column headers,
the gate-state cells of tables, and the titles and legend values of charts — and fails on

- a raw identifier (snake_case such as ``in_top_k_share_one_at_a_time``, or a catalogue id such as
  ``liangjiang``) anywhere,
- an English word on the 中文 screen, and
- Chinese characters on the English screen,

allowing proper names listed in ``data/`` (park, district, plan and industry names, which stay in
their own language where no translation exists), units, numbers and the short allow-list below.
"""

from __future__ import annotations

import json
import re
from functools import cache

import pandas as pd
import pyarrow as pa
import pytest
from appserver import ROOT
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, UnknownElement

from geoplan.i18n import t
from geoplan.siting import CRITERIA
from geoplan.siting.display import criterion_label

APP = str(ROOT / "app.py")

#: the app's pages, read from app.py's PAGES table (so a page added there is walked too)
PAGES = tuple(re.findall(r'^\s+"(page_\w+)":', (ROOT / "app.py").read_text(encoding="utf-8"), re.M))

#: English words a Chinese screen may show: formats, standards, units, product and library names
EN_ALLOWED = {
    "geojson", "csv", "gpkg", "geopackage", "shapefile", "shp", "zip", "json", "yaml", "yml", "xlsx", "xls",
    "excel", "pdf", "docx", "word", "png", "tif", "geotiff", "gis", "qgis", "wgs", "cgcs", "epsg", "gcj",
    "crs", "km", "mb", "kb", "gb", "mu", "id", "gdp", "osm", "openstreetmap", "amap", "tianditu", "leaflet",
    "streamlit", "geoplan", "cnmaps", "data", "utf", "bom", "http", "https", "api", "url", "top", "ab", "abc",
    "abcd", "vs", "gk", "cm", "bd", "ok", "dbf", "prj", "cpg", "gdal", "ogr", "postgis", "sql", "tce",
    "fisher", "jenks", "albers", "txt",
}
#: CJK an English screen may show besides data proper names: the language switch and the policy
#: terms the English text glosses on purpose (亩均产值 "output per mu" …), as the plans write them
ZH_ALLOWED = {"中文", "语言", "亩均论英雄", "亩均产值", "亩均税收", "亩均效益", "亩均", "标准地", "一区两群", "亩"}
#: document numbers (渝府办发〔2023〕72号, 渝亩均办 …) are proper names
DOC_NUMBER = re.compile(r"[\u3400-\u9fff]*〔\d{4}〕\d+号|渝亩均办|\d+号")
#: whole texts allowed as they are: the language switch shows both languages on purpose
TEXT_ALLOWED = {t("language", "zh"), "中文", "English"}
#: enumerated states that must never reach a screen untranslated
RAW_STATES = {"pass", "fail", "unknown", "n/a"}
CODE_COLUMN = re.compile(r"^ID$|编号|\bcode\b", re.I)

SNAKE = re.compile(r"(?<![\w./\\-])(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?![\w./\\-])")
WORD = re.compile(r"[A-Za-z]{2,}")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
URLISH = re.compile(r"(https?://|www\.)\S+|\S+\.(csv|json|yaml|yml|geojson|gpkg|zip|shp|xlsx|txt|pdf|docx|py)\b|`[^`]*`",
                    re.I)


@cache
def _names() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(CJK runs, English words, catalogue ids) of the proper names in ``data/`` and the titles of the
    documents named in ``config/``. An id that is also an ordinary lower-case English word of a
    name ("electronics") is not an id."""
    runs: set[str] = set()
    words: set[str] = set()
    ids: set[str] = set()
    lower: set[str] = set()
    for p in (ROOT / "config").glob("*.yaml"):
        for m in re.finditer(r"^\s*(?:doc_title|doc_number|title_zh|document)\w*:\s*(.+)$", p.read_text(encoding="utf-8"),
                             re.M):
            runs |= set(CJK.findall(m.group(1)))
    for p in (ROOT / "data").glob("*.csv"):
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
        for c in df.columns:
            vals = df[c].astype(str)
            if c.endswith("_id") or c in ("adcode", "code"):
                ids |= {v for v in vals if re.fullmatch(r"[a-z][a-z0-9_]{3,}", v)}
            if c.startswith(("name", "title", "alias", "short", "plan", "place", "park", "district", "region",
                             "host", "evidence", "sector", "industry", "zone", "issuer", "document")):
                for v in vals:
                    runs |= set(CJK.findall(v))
                    if not c.endswith("_zh"):
                        words |= {w.lower() for w in WORD.findall(v)}
                        if c.startswith("name"):
                            lower |= set(re.findall(r"\b[a-z]{3,}\b", v))
    return frozenset(runs), frozenset(words), frozenset(ids - lower)


def _chart_texts(el: UnknownElement) -> list[str]:
    """Titles, axis/legend titles and the string values (legend entries, tooltips) of a Vega-Lite chart."""
    out: list[str] = []
    spec = json.loads(el.proto.spec or "{}")

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "title" and isinstance(v, str):
                    out.append(v)
                elif k == "title" and isinstance(v, dict) and isinstance(v.get("text"), str):
                    out.append(v["text"])
                elif k == "domain" and isinstance(v, list):  # legend entries of a fixed colour scale
                    out.extend(str(x) for x in v if isinstance(x, str))
                elif k not in ("data", "datasets", "$schema", "field", "name", "aggregate", "type", "range"):
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    for ds in list(el.proto.datasets) + ([el.proto.data] if el.proto.HasField("data") else []):
        raw = ds.data.data if hasattr(ds, "data") and hasattr(ds.data, "data") else b""
        if not raw:
            continue
        table = pa.ipc.open_stream(raw).read_all().to_pandas()
        shown = {e.get("field") for e in _encodings(spec) if isinstance(e, dict)}
        for c in table.columns:
            if c in shown and not pd.api.types.is_numeric_dtype(table[c]):
                out.extend(str(v) for v in table[c].dropna().unique())
    return out


def _encodings(spec: dict) -> list:
    encs = []
    for layer in [spec, *spec.get("layer", []), *spec.get("vconcat", []), *spec.get("hconcat", [])]:
        encs.extend((layer.get("encoding") or {}).values())
    return encs


def _texts(node, path: str = "") -> list[tuple[str, str]]:
    """(where, text) pairs of everything visible under ``node``."""
    out: list[tuple[str, str]] = []
    if isinstance(node, Block):
        label = getattr(node, "label", None)
        if isinstance(label, str) and label:
            out.append((f"{path}/{node.type}", label))
        for child in node.children.values():
            out.extend(_texts(child, f"{path}/{node.type}"))
        return out
    kind = getattr(node, "type", "?")
    where = f"{path}/{kind}"
    if kind in ("markdown", "caption", "header", "subheader", "title", "text", "error", "warning", "info",
                "success", "toast", "latex"):
        out.append((where, str(node.value)))
    elif kind in ("dataframe", "table"):
        df = node.value
        config = json.loads(getattr(node.proto, "columns", "") or "{}")  # st.column_config labels, hidden columns
        for c in df.columns:
            cc = config.get(str(c)) or {}
            if cc.get("hidden"):
                continue
            header = str(cc.get("label") or c)
            out.append((where + " column", header))
            if pd.api.types.is_numeric_dtype(df[c]) or CODE_COLUMN.search(header):
                continue  # a column headed "ID"/"编号" shows codes on purpose
            out.extend((where + f" cell[{header}]", str(v)) for v in df[c].dropna().astype(str).unique()
                       if str(v).strip().lower() in RAW_STATES or SNAKE.fullmatch(str(v).strip()))
    elif kind == "metric":
        out.extend((where, str(x)) for x in (node.label, node.value, node.proto.delta) if x)
    elif kind == "arrow_vega_lite_chart" or kind == "vega_lite_chart":
        out.extend((where, s) for s in _chart_texts(node))
    elif kind == "json":
        out.append((where, str(node.value)))
    else:
        proto = getattr(node, "proto", None)
        for attr in ("label", "placeholder", "help"):
            v = getattr(proto, attr, None)
            if isinstance(v, str) and v:
                out.append((f"{where}.{attr}", v))
        for o in getattr(proto, "options", []) or []:
            out.append((f"{where}.option", str(o)))
    return out


def _problems(texts: list[tuple[str, str]], lang: str) -> list[str]:
    runs, words, ids = _names()
    found = []
    for where, text in texts:
        if text in TEXT_ALLOWED:
            continue
        body = DOC_NUMBER.sub(" ", URLISH.sub(" ", text))
        for m in SNAKE.findall(body):
            found.append(f"{where}: raw id {m!r} in {text[:80]!r}")
        for w in set(re.findall(r"[a-z][a-z0-9]+", body)) & ids:
            if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", body):
                found.append(f"{where}: catalogue id {w!r} in {text[:80]!r}")
        if lang == "zh" and text.strip().lower() in RAW_STATES:
            found.append(f"{where}: untranslated state {text!r}")
        if lang == "zh":
            bad = {w for w in WORD.findall(body) if w.lower() not in EN_ALLOWED and w.lower() not in words
                   and not re.fullmatch(r"[A-Z]{1,4}\d*", w)}  # grades A–D, axis codes, tiers
            if bad:
                found.append(f"{where}: English {sorted(bad)} in {text[:80]!r}")
        else:
            bad = {r for r in CJK.findall(body) if r not in runs and r not in ZH_ALLOWED}
            if bad:
                found.append(f"{where}: Chinese {sorted(bad)} in {text[:80]!r}")
    return found


@pytest.fixture(scope="module")
def walked() -> dict[str, dict[str, list[tuple[str, str]]]]:
    """lang → page → visible texts: one AppTest session per language clicks through every page (cheap:
    one script run per page), then runs the site selection for its result view."""
    out: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for lang in ("zh", "en"):
        at = AppTest.from_file(APP, default_timeout=180)
        at.run()
        if lang != "zh":
            at.sidebar.radio(key="lang").set_value(lang).run()
        key = "page" if lang == "zh" else f"page__{lang}"
        seen: dict[str, list[tuple[str, str]]] = {}
        for page in PAGES:
            at.sidebar.radio(key=key).set_value(page).run()
            assert not at.exception, (page, lang, at.exception)
            seen[page] = _visible(at)
        at.sidebar.radio(key=key).set_value("page_siting").run()
        at.button[0].click().run()  # the form's submit: rank sites with the default project
        assert not at.exception, at.exception
        seen["siting_result"] = _visible(at)
        out[lang] = seen
    return out


def _visible(at: AppTest) -> list[tuple[str, str]]:
    """The visible texts, without the raw JSON inside the explanation expander (a deliberate
    developer view of the whole result, named so in both languages)."""
    explanation = {t("explanation", "zh"), t("explanation", "en")}
    out: list[tuple[str, str]] = []

    def walk(node, inside: bool) -> None:
        if isinstance(node, Block):
            label = getattr(node, "label", None)
            if isinstance(label, str) and label:
                out.append((node.type, label))
            for child in node.children.values():
                walk(child, inside or (node.type == "expander" and label in explanation))
        elif not (inside and getattr(node, "type", "") == "json"):
            out.extend(_texts(node))

    walk(at._tree, False)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", [*PAGES, "siting_result"])
def test_page_speaks_one_language(page, lang, walked):
    texts = walked[lang][page]
    assert len(texts) > 5, f"{page}: hardly any visible text collected — the walker is broken"
    header = t(page if page in PAGES else "page_siting", lang)
    assert any(x == header for _, x in texts), f"{page}: the page header {header!r} is missing"
    if page == "siting_result":
        assert any(w.endswith(" column") for w, _ in texts), "the result table is missing"
        charted = {x for w, x in texts if "vega_lite" in w}  # the contributions chart's legend was read
        assert {criterion_label(c, lang) for c in CRITERIA} <= charted, sorted(charted)[:10]
    problems = _problems(texts, lang)
    assert not problems, f"{page} ({lang}): {len(problems)} problems\n" + "\n".join(problems[:80])


def test_checker_catches_what_it_should():
    """The rules themselves, on hand-written strings (so a broken regex cannot pass silently)."""
    assert _problems([("x", "in_top_k_share_one_at_a_time: 0.4")], "en")
    assert _problems([("x", "Top 5: liangjiang, bishan_gaoxin")], "en")
    assert _problems([("x", "CY_MAIN")], "en")
    assert _problems([("x", "pass")], "zh")
    assert _problems([("x", "Choose options")], "zh")
    assert _problems([("x", "0 = no limit")], "zh")
    assert _problems([("x", "规划层级")], "en")
    assert not _problems([("x", "下载 GeoJSON（12.5 km，300 亩）")], "zh")
    assert not _problems([("x", "Free land (mu): 300")], "en")
