"""The brief as PDF (reportlab), the Chinese TrueType font embedded as a subset."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from .fonts import find_cjk_font

FONT_NAME = "GeoplanCJK"


def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics  # heavy, optional at import time
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        path, idx = find_cjk_font()
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=idx))
    return FONT_NAME


def pdf_bytes(content: dict[str, Any], png: bytes) -> bytes:
    """The PDF of ``content`` (from ``brief_content``) with the map ``png``."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _register_font()
    wrap = "CJK"  # Chinese lines break between characters; English words stay whole enough at this width
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14, wordWrap=wrap)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=12, textColor=colors.HexColor("#333333"))
    quote = ParagraphStyle("quote", parent=small, leftIndent=14, textColor=colors.HexColor("#1a3d6d"))
    title = ParagraphStyle("title", parent=body, fontSize=17, leading=23, spaceAfter=4)
    h1 = ParagraphStyle("h1", parent=body, fontSize=12.5, leading=18, spaceBefore=10, spaceAfter=4,
                        textColor=colors.HexColor("#7a1f1f"))
    h2 = ParagraphStyle("h2", parent=body, fontSize=10.5, leading=15, spaceBefore=6)
    P = lambda text, style=body: Paragraph(escape(str(text)), style)

    story: list = [P(content["title"], title), P(content["subtitle"], small), P(content["date"], small),
                   P(content["h_project"], h1)]
    rows = [[P(k), P(v)] for k, v in content["project"]]
    grid = TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                       ("VALIGN", (0, 0), (-1, -1), "TOP"), ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f0ea"))])
    story.append(Table(rows, colWidths=[5.5 * cm, 11 * cm], style=grid))
    story.append(P(content["h_parks"], h1))
    if not content["parks"]:
        story.append(P(content["no_parks"]))
    for p in content["parks"]:
        block = [P(f"{p['rank']}. {p['name']}", h2), P(f"{p['host']}；{p['score']}" if content["lang"] == "zh"
                                                          else f"{p['host']}; {p['score']}", small),
                 P(f"{content['l_reasons']}:", small)]
        block += [P(f"· {r}", small) for r in p["reasons"]]
        if p["citations"]:
            block.append(P(f"{content['l_basis']}:", small))
            for c in p["citations"]:
                block.append(P(f"{content['l_sentence']}「{c['text']}」 — {c['ref']}", quote))
        story.append(KeepTogether(block))
    story += [P(content["h_map"], h1), Image(io.BytesIO(png), width=16 * cm, height=16 * cm * 5.2 / 7.0),
              P(content["map_caption"], small)]
    story += [P(content["h_land"], h1), P(content["land_need"])]
    if content["land_rows"]:
        head = [P(h, small) for h in content["land_header"]]
        table = [head] + [[P(v, small) for v in r] for r in content["land_rows"]]
        ts = TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                         ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0ea"))])
        story.append(Table(table, colWidths=[1.3 * cm, 6.2 * cm, 2.8 * cm, 3 * cm, 3.2 * cm], style=ts,
                           repeatRows=1))
    story += [Spacer(1, 4)] + [P(f, small) for f in content["floors"]]
    story.append(P(content["h_caveats"], h1))
    story += [P(f"· {c}", small) for c in content["caveats"]]
    if content["notes"]:
        story.append(P(content["h_notes"], small))
        story += [P(f"– {n}", small) for n in content["notes"]]

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=1.8 * cm,
                            bottomMargin=1.8 * cm, title=content["title"], author="geoplan",
                            lang="zh-CN" if content["lang"] == "zh" else "en")
    doc.build(story)
    return buf.getvalue()
