"""Text encodings of GIS files from Chinese sources, and DBF field-name limits.

Shapefiles from Chinese GIS teams are often GBK-encoded without a ``.cpg``; GDAL would then read
them as Latin-1 and produce mojibake, so we detect the encoding ourselves before reading.
"""

from __future__ import annotations

import struct

from ..errors import InputError

# .cpg contents seen in the wild → Python/GDAL codec names. GB18030 is a superset of GBK and
# GB2312, so decoding GBK files as GB18030 never loses characters.
_CPG_ALIASES = {
    "utf-8": "UTF-8", "utf8": "UTF-8", "65001": "UTF-8",
    "gbk": "GB18030", "cp936": "GB18030", "936": "GB18030", "gb2312": "GB18030",
    "gb18030": "GB18030", "54936": "GB18030", "big5": "BIG5", "950": "BIG5",
    "latin1": "ISO-8859-1", "iso-8859-1": "ISO-8859-1", "88591": "ISO-8859-1", "1252": "CP1252",
}
# DBF header byte 29 ("language driver id") values that mean Simplified Chinese.
_LDID_CHINESE = {0x4D, 0x7A}


def encoding_from_cpg(text: str) -> str:
    """The codec named by a ``.cpg`` file's content (``UTF-8``, ``GBK``, ``936`` …)."""
    key = text.strip().lower().replace("_", "-")
    for cand in (key, key.removeprefix("ansi").strip(), key.removeprefix("cp").strip()):
        if cand in _CPG_ALIASES:
            return _CPG_ALIASES[cand]
    raise InputError(f"unknown code page '{text.strip()}' in the .cpg file; expected UTF-8, GBK, GB18030 or 936",
                     field=".cpg")


def detect_text_encoding(data: bytes, *, file: str | None = None) -> str:
    """``UTF-8`` when ``data`` decodes as UTF-8 (ASCII included), else ``GB18030`` when that works."""
    for codec in ("UTF-8", "GB18030"):
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        return codec
    raise InputError("text is neither UTF-8 nor GBK/GB18030; save it as UTF-8", file=file)


def _dbf_text(dbf: bytes, file: str | None) -> tuple[bytes, int]:
    """Field names and record bytes of a DBF (the parts that carry text), and its LDID byte."""
    if len(dbf) < 32:
        raise InputError("the .dbf attribute file is truncated (shorter than its 32-byte header)", file=file)
    n_records, header_len, record_len = struct.unpack("<IHH", dbf[4:12])
    names = b"".join(dbf[off:off + 11].split(b"\0", 1)[0]
                     for off in range(32, max(32, header_len - 1), 32))
    body = dbf[header_len:header_len + n_records * record_len]
    return names + b" " + body, dbf[29]


def detect_dbf_encoding(dbf: bytes, cpg: str | None = None, *, file: str | None = None) -> str:
    """Encoding of a DBF: the ``.cpg`` when present, else detected from the bytes (UTF-8, else GB18030).

    The header's language-driver byte is only a hint: many tools write 0 or a wrong value.
    """
    if cpg is not None and cpg.strip():
        return encoding_from_cpg(cpg)
    text, ldid = _dbf_text(dbf, file)
    try:
        text.decode("ascii")
        return "GB18030" if ldid in _LDID_CHINESE else "UTF-8"
    except UnicodeDecodeError:
        return detect_text_encoding(text, file=file)


def check_cpg_utf8(dbf: bytes, encoding: str, *, file: str | None = None) -> None:
    """InputError when a ``.cpg`` says UTF-8 but the DBF's text is not UTF-8 (GDAL would fail or
    garble every name): the user must fix or delete the ``.cpg``.
    """
    if encoding.replace("-", "").upper() != "UTF8":
        return
    text, _ldid = _dbf_text(dbf, file)
    try:
        text.decode("utf-8")
    except UnicodeDecodeError:
        hint = ""
        try:
            text.decode("gb18030")
            hint = " (they look like GBK/GB18030)"
        except UnicodeDecodeError:
            pass
        raise InputError(f"the .cpg file says UTF-8 but the attribute table is not UTF-8{hint}; write "
                         "GBK into the .cpg or delete it (.cpg 声明 UTF-8，但属性表不是 UTF-8 编码)",
                         file=file) from None


def truncate_utf8(text: str, max_bytes: int) -> str:
    """``text`` cut to at most ``max_bytes`` UTF-8 bytes without splitting a character."""
    raw = text.encode("utf-8")
    if len(raw) <= max_bytes:
        return text
    return raw[:max_bytes].decode("utf-8", errors="ignore")


def short_field_names(names: list[str], max_bytes: int = 10) -> dict[str, str]:
    """Map field names to unique DBF names of at most ``max_bytes`` UTF-8 bytes (shapefile limit).

    Names that fit are kept; longer ones are cut and, on a clash, end in ``_1``, ``_2`` ….
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:  # names that already fit keep priority over truncated ones
        if len(name.encode("utf-8")) <= max_bytes:
            out[name] = name
            used.add(name.lower())
    for name in names:
        if name in out:
            continue
        cand = truncate_utf8(name, max_bytes)
        i = 1
        while cand.lower() in used:
            suffix = f"_{i}"
            cand = truncate_utf8(name, max_bytes - len(suffix)) + suffix
            i += 1
        out[name] = cand
        used.add(cand.lower())
    return {n: out[n] for n in names}
