"""``write_brief``: the format from the file name, bytes built in memory, written atomically."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError
from ..io.atomic import atomic_output
from ..siting.result import SiteSelectionResult
from .content import TOP_N, brief_content
from .figure import map_png
from .pdf import pdf_bytes
from .word import docx_bytes

FORMATS = ("pdf", "docx")


def brief_bytes(result: SiteSelectionResult, fmt: str = "pdf", lang: str = "zh", top: int = TOP_N) -> bytes:
    """The brief of ``result`` as PDF or DOCX bytes (for a download button)."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(f"a brief is written as {' or '.join(FORMATS)}, not {fmt!r}", field="format")
    content = brief_content(result, lang, top=top)
    png = map_png(content["parks"], lang)
    return pdf_bytes(content, png) if fmt == "pdf" else docx_bytes(content, png)


def write_brief(result: SiteSelectionResult, path: str | os.PathLike, lang: str = "zh",
                fmt: str | None = None, top: int = TOP_N) -> Path:
    """Write the 招商 brief of ``result`` to ``path`` (.pdf or .docx unless ``fmt`` says) in ``lang``.

    Raises
    ------
    InputError
        For an unknown format or language, or a missing output folder.
    ConfigError
        For a PDF when no embeddable Chinese font is found (the message names ``GEOPLAN_CJK_FONT``).
    """
    out = Path(path)
    fmt = fmt or out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(f"'{out.name}': a brief is written as .pdf or .docx", file=out.name, field="--out")
    data = brief_bytes(result, fmt, lang, top=top)
    with atomic_output(out) as tmp:
        tmp.write_bytes(data)
    return out
