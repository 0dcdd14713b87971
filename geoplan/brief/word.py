"""The brief as a Word document (python-docx), the map inserted as a picture."""

from __future__ import annotations

import io
from typing import Any


def docx_bytes(content: dict[str, Any], png: bytes) -> bytes:
    """The .docx of ``content`` (from ``brief_content``) with the map ``png``."""
    import docx  # heavy, optional at import time
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    doc = docx.Document()
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        st = doc.styles[name]
        rpr = st.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        rfonts.set(qn("w:eastAsia"), "Microsoft YaHei")
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.core_properties.title = content["title"]
    doc.core_properties.author = "geoplan"

    doc.add_heading(content["title"], level=0)
    for s in (content["subtitle"], content["date"]):
        doc.add_paragraph(s).runs[0].font.size = Pt(9)
    doc.add_heading(content["h_project"], level=1)
    tab = doc.add_table(rows=0, cols=2)
    tab.style = "Table Grid"
    for k, v in content["project"]:
        cells = tab.add_row().cells
        cells[0].text, cells[1].text = k, v
    doc.add_heading(content["h_parks"], level=1)
    if not content["parks"]:
        doc.add_paragraph(content["no_parks"])
    for p in content["parks"]:
        doc.add_heading(f"{p['rank']}. {p['name']}", level=2)
        doc.add_paragraph(f"{p['host']}; {p['score']}")
        doc.add_paragraph(f"{content['l_reasons']}:")
        for r in p["reasons"]:
            doc.add_paragraph(r, style="List Bullet")
        if p["citations"]:
            doc.add_paragraph(f"{content['l_basis']}:")
            for c in p["citations"]:
                para = doc.add_paragraph()
                para.paragraph_format.left_indent = Cm(0.6)
                run = para.add_run(f"{content['l_sentence']}「{c['text']}」")
                run.font.color.rgb = RGBColor(0x1A, 0x3D, 0x6D)
                para.add_run(f" — {c['ref']}").font.size = Pt(9)
    doc.add_heading(content["h_map"], level=1)
    doc.add_picture(io.BytesIO(png), width=Cm(16))
    doc.add_paragraph(content["map_caption"]).runs[0].font.size = Pt(9)
    doc.add_heading(content["h_land"], level=1)
    doc.add_paragraph(content["land_need"])
    if content["land_rows"]:
        tab = doc.add_table(rows=1, cols=len(content["land_header"]))
        tab.style = "Table Grid"
        for cell, h in zip(tab.rows[0].cells, content["land_header"]):
            cell.text = h
        for r in content["land_rows"]:
            for cell, v in zip(tab.add_row().cells, r):
                cell.text = v
    for f in content["floors"]:
        doc.add_paragraph(f).runs[0].font.size = Pt(9)
    doc.add_heading(content["h_caveats"], level=1)
    for c in content["caveats"]:
        doc.add_paragraph(c, style="List Bullet")
    if content["notes"]:
        doc.add_paragraph(content["h_notes"])
        for n in content["notes"]:
            doc.add_paragraph(n, style="List Bullet").runs[0].font.size = Pt(9)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
