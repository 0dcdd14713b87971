"""Bilingual notes: an English note string that carries its Chinese text.

A :class:`Note` *is* the English ``str`` (JSON, the CLI and every existing consumer see the English
text unchanged) and carries ``.zh``; :func:`note_text` picks the reader's language. The templates
live in ``geoplan/_labels/siting.py`` (``siting_note_*``), so both languages have one home.
"""

from __future__ import annotations

from typing import Any

from ..i18n import t


class Note(str):
    """English note text with its Chinese version in ``.zh`` (a plain ``str`` everywhere else)."""

    zh: str

    def __new__(cls, en: str, zh: str) -> Note:  # noqa: D102 — a str with one more attribute
        obj = super().__new__(cls, en)
        obj.zh = zh
        return obj

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]  # pickle/deepcopy keep .zh
        return str(self), self.zh


def note(key: str, **fields: Any) -> Note:
    """The note ``siting_note_<key>`` in both languages, formatted with ``fields``.

    Parameters
    ----------
    key : str
        Template name, e.g. ``"example_land"``.
    **fields
        Values for the template's ``{placeholders}``.

    Returns
    -------
    Note
        The English text, with ``.zh`` set.

    Examples
    --------
    >>> n = note("no_floors")
    >>> str(n).startswith("no 标准地 floor table"), n.zh.startswith("未提供")
    (True, True)
    """
    return Note(t(f"siting_note_{key}", "en").format(**fields), t(f"siting_note_{key}", "zh").format(**fields))


def note_text(n: object, lang: str) -> str:
    """A note in ``lang``: the Chinese of a :class:`Note` on the 中文 screen, else the text as it is.

    Parameters
    ----------
    n : object
        A :class:`Note` or any string (notes read back from saved JSON are plain English strings).
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
    """
    return str(getattr(n, "zh", n)) if lang == "zh" else str(n)
