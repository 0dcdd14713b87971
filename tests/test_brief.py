"""The 招商 brief: PDF (embedded CJK font) and Word, Chinese and English, from a real site selection."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pypdf
import pytest
from streamlit.testing.v1 import AppTest

import geoplan as gp
from geoplan import cli
from geoplan.brief import find_cjk_font, write_brief
from geoplan.brief.content import brief_content
from geoplan.data import catalog
from geoplan.errors import ConfigError, InputError
from geoplan.i18n import t
from geoplan.store import open_store

SPEC = {"industry": "新能源汽车", "land_mu": 300}


def _flat(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.fixture(scope="module")
def result():
    return gp.select_sites(SPEC)


@pytest.fixture(scope="module")
def files(result, tmp_path_factory):
    d = tmp_path_factory.mktemp("brief")
    out = {}
    for lang in ("zh", "en"):
        for fmt in ("pdf", "docx"):
            out[lang, fmt] = write_brief(result, d / f"brief_{lang}.{fmt}", lang=lang)
    return out


def _pdf_text(path) -> str:
    return "".join(p.extract_text() for p in pypdf.PdfReader(path).pages)


def _docx_text(path) -> str:
    d = docx.Document(path)
    cells = [c.text for tab in d.tables for row in tab.rows for c in row.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def test_pdf_has_the_top_parks_and_the_plan_sentence(result, files):
    text = _flat(_pdf_text(files["zh", "pdf"]))
    for name in result.ranked["name_zh"].head(3):
        assert _flat(name) in text
    top = result.explanation["ranked"][0]["citations"][0]
    assert _flat(top["evidence_zh"]) in text
    assert f"第{top['source_line']}行" in text  # the 1-based seed line beside the sentence
    assert "规划原文" in text and "推荐园区" in text and "注意事项" in text


def test_unknown_land_says_unknown_never_zero(result, files):
    # data/parks.csv has no available-land figure for the top parks: the brief must say 未知, not 0
    top = result.ranked.head(5)
    assert top["available_land_mu"].isna().all()
    content = brief_content(result, "zh")
    assert [r[2] for r in content["land_rows"]] == ["未知"] * 5
    assert "用地需求:300亩" in _flat(_pdf_text(files["zh", "pdf"]))
    # the project gave no investment: 未提供, not 0
    assert dict(content["project"])["投资(亿元)"] == "未提供"


def test_pdf_embeds_its_cjk_font(files):
    reader = pypdf.PdfReader(files["zh", "pdf"])
    embedded = []
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            f = f.get_object()
            for d in [f] + [x.get_object() for x in f.get("/DescendantFonts", [])]:
                desc = d.get("/FontDescriptor")
                if desc is not None and "/FontFile2" in desc.get_object():
                    embedded.append(str(d["/BaseFont"]))
    assert embedded, "no TrueType font program (/FontFile2) embedded"


def test_docx_has_names_citation_and_the_map(result, files):
    path = files["zh", "docx"]
    text = _flat(_docx_text(path))
    for name in result.ranked["name_zh"].head(3):
        assert _flat(name) in text
    assert _flat(result.explanation["ranked"][0]["citations"][0]["evidence_zh"]) in text
    d = docx.Document(path)
    assert len(d.inline_shapes) == 1
    blob = d.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert d.part.related_parts[blob].content_type == "image/png"


def test_english_brief_has_english_labels(result, files):
    for text in (_pdf_text(files["en", "pdf"]), _docx_text(files["en", "docx"])):
        flat = " ".join(text.split())
        for label in ("Investment site brief", "Recommended parks", "Plan sentence", "Caveats",
                      "Land and 标准地", "unknown"):
            assert label in flat
        assert "推荐园区" not in flat and "注意事项" not in flat
        assert result.ranked["name_en"].iloc[0] in flat


def test_corridor_reason_is_in_words_with_the_corridor_name(result):
    content = brief_content(result, "en")
    row = result.ranked.iloc[0]
    axis = catalog.corridors().set_index("corridor_id").loc[row["corridor_id"], "corridor_en"]
    assert any(r.startswith(f"{row['corridor_km']:.1f} km from the {axis}") for r in content["parks"][0]["reasons"])
    assert not any("/work/" in n or "/tmp/" in n for n in content["notes"])  # no local folders for a reader


def test_bad_format_and_language(result, tmp_path):
    with pytest.raises(InputError, match=r"\.pdf or \.docx"):
        write_brief(result, tmp_path / "brief.txt")
    with pytest.raises(InputError, match="language"):
        brief_content(result, "fr")
    assert not list(tmp_path.iterdir())


def test_font_override_names_the_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("GEOPLAN_CJK_FONT", str(tmp_path / "missing.ttf"))
    with pytest.raises(ConfigError, match="GEOPLAN_CJK_FONT"):
        find_cjk_font()
    monkeypatch.delenv("GEOPLAN_CJK_FONT")
    path, idx = find_cjk_font()
    assert path.is_file() and idx == 0


def test_cli_writes_the_brief(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("industry: 新能源汽车\nland_mu: 300\n", encoding="utf-8")
    out = tmp_path / "brief.docx"
    assert cli.main(["brief", "--spec", str(spec), "--out", str(out), "--lang", "en", "--top", "3"]) == 0
    d = docx.Document(io.BytesIO(out.read_bytes()))
    assert sum(p.style.name == "Heading 2" for p in d.paragraphs) == 3
    zh = tmp_path / "简报.docx"  # the default language: Chinese park names and plan titles
    assert cli.main(["brief", "--spec", str(spec), "--out", str(zh), "--top", "3"]) == 0
    d = docx.Document(str(zh))
    parks = [p.text.split(". ", 1)[1] for p in d.paragraphs if p.style.name == "Heading 2"]
    assert len(parks) == 3 and set(parks) <= set(catalog.parks()["name_zh"]) and "重庆两江新区" in parks
    text = _docx_text(zh)
    assert "《重庆市战略性新兴产业发展“十四五”规划》" in text and ".txt" not in text  # titles (data/plans.csv), not files



def test_cli_brief_reads_the_workspace(tmp_path, monkeypatch, capsys):
    ws = tmp_path / "ws.gpkg"
    monkeypatch.setenv("GEOPLAN_WORKSPACE", str(ws))
    monkeypatch.delenv("GEOPLAN_STORE", raising=False)
    s = open_store(ws)
    s.update_park("liangjiang", {"available_land_mu": 299.0, "land_source": "园区核查"})  # < 300 亩 needed
    s.close()
    spec = tmp_path / "spec.yaml"
    spec.write_text("industry: 新能源汽车\nland_mu: 300\n", encoding="utf-8")
    out = tmp_path / "brief.docx"
    assert cli.main(["brief", "--spec", str(spec), "--out", str(out), "--top", "5"]) == 0
    assert "free land of 1 park(s)" in capsys.readouterr().err
    parks = [p.text.split(". ", 1)[1] for p in docx.Document(str(out)).paragraphs if p.style.name == "Heading 2"]
    assert len(parks) == 5 and "重庆两江新区" not in parks  # the land gate fails on the workspace's 299 亩


def test_site_selection_page_offers_the_brief():
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=120)
    at.session_state["page"] = "page_siting"  # straight to the site-selection page
    at.run()
    at.button[0].click().run()
    assert not at.exception and not at.error
    labels = [b.label for b in at.get("download_button")]
    assert t("brief_download_pdf", "zh") in labels and t("brief_download_docx", "zh") in labels
