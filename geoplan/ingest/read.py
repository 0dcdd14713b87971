"""Read a plan (.txt, .docx, .pdf) into numbered lines, the way the plan numbers them.

A text file gives 1-based lines; a .docx gives one line per paragraph (table cells joined by tabs,
in document order); a PDF gives page + line within the page (lines as the text layer breaks them).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..io.encoding import detect_text_encoding

__all__ = ["PlanLine", "read_plan", "SUPPORTED_SUFFIXES"]

SUPPORTED_SUFFIXES = (".txt", ".docx", ".pdf")


@dataclass(frozen=True)
class PlanLine:
    """One numbered line of a plan: ``line`` is 1-based (within ``page`` for a PDF)."""

    line: int
    text: str
    page: int | None = None

    @property
    def label(self) -> str:
        """``L12`` or ``p3 L5`` — how a citation names this line."""
        return f"L{self.line}" if self.page is None else f"p{self.page} L{self.line}"


def _run_text(el) -> str:
    """The text of a paragraph or cell element: w:t text, w:tab as a tab (so 专栏 lists keep their indent)."""
    parts = []
    for t in el.iter():
        tag = t.tag.rsplit("}", 1)[-1]
        if tag == "t":
            parts.append(t.text or "")
        elif tag == "tab":
            parts.append("\t")
    return "".join(parts)


def _docx_lines(path: Path, name: str) -> list[str]:
    try:
        import docx  # optional heavy dependency, only for .docx input
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise InputError("reading .docx needs the python-docx package", file=name) from exc
    try:
        doc = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a broken package
        raise InputError(f"not a readable .docx file ({exc.__class__.__name__})", file=name) from exc
    out: list[str] = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append(_run_text(child))
        elif tag == "tbl":
            for tr in child.iter():
                if not tr.tag.endswith("}tr"):
                    continue
                cells = []
                for tc in tr.iterchildren():
                    if tc.tag.endswith("}tc"):
                        cells.append(_run_text(tc))
                out.append("\t".join(cells))
    return out


def _pdf_pages(path: Path, name: str) -> list[list[str]]:
    try:
        import pypdf  # optional heavy dependency, only for .pdf input
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise InputError("reading .pdf needs the pypdf package", file=name) from exc
    try:
        reader = pypdf.PdfReader(str(path))
        return [(page.extract_text() or "").splitlines() for page in reader.pages]
    except Exception as exc:  # pypdf raises many types for damaged files
        raise InputError(f"not a readable PDF file ({exc.__class__.__name__})", file=name) from exc


def read_plan(path: str | Path, name: str | None = None) -> list[PlanLine]:
    """The plan's lines (every line, blank ones included, so numbering matches the document).

    ``name`` is the file name a user knows (an upload's name rather than a temporary path).
    """
    p = Path(path)
    name = name or p.name
    suffix = Path(name).suffix.lower() or p.suffix.lower()
    if not p.is_file():
        raise InputError("plan file not found", file=name)
    if suffix == ".txt":
        data = p.read_bytes()
        text = data.decode(detect_text_encoding(data, file=name)).lstrip("\ufeff")
        return [PlanLine(i, s) for i, s in enumerate(text.splitlines(), start=1)]
    if suffix == ".docx":
        return [PlanLine(i, s) for i, s in enumerate(_docx_lines(p, name), start=1)]
    if suffix == ".pdf":
        return [PlanLine(j, s, page=i) for i, lines in enumerate(_pdf_pages(p, name), start=1)
                for j, s in enumerate(lines, start=1)]
    raise InputError(f"unsupported plan type '{suffix or '(none)'}'; expected one of "
                     + ", ".join(SUPPORTED_SUFFIXES), file=name)
