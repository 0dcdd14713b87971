"""A bureau's spreadsheet in, evaluated rows and rejected rows out (partial acceptance).

:func:`read_bureau_table` reads CSV (UTF-8 or GBK/GB18030) or XLSX, skipping title rows above the
header. :func:`accept_upload` recognises the headers, refuses a table with no metric column, and
normalises with bad rows excluded and listed (row, id, reason) instead of stopping the whole file.
"""

from __future__ import annotations

import io as _io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError
from .headers import find_header_row, recognise_headers, require_metric_columns
from .metrics import compute_metrics
from .normalise import normalise

__all__ = ["Upload", "accept_upload", "read_bureau_table"]


def _text_encoding(data: bytes, name: str) -> str:
    """UTF-8 (BOM or not) when it decodes, else GB18030 (a superset of GBK); same rule as geoplan.io.encoding,
    kept here so that the analyses layer does not import the io layer.
    """
    for codec in ("utf-8-sig", "gb18030"):
        try:
            data.decode(codec)
            return codec
        except UnicodeDecodeError:
            continue
    raise InputError("the text is neither UTF-8 nor GBK/GB18030; save it as UTF-8", file=name)


def read_bureau_table(data: bytes, name: str) -> pd.DataFrame:
    """The table of an uploaded file (bytes) named ``name``; title rows above the header skipped."""
    suffix = Path(name).suffix.lower()
    try:
        if suffix in (".xlsx", ".xls"):
            raw = pd.read_excel(_io.BytesIO(data), header=None, dtype=object)
        elif suffix in (".csv", ".txt", ""):
            enc = _text_encoding(data, name)
            raw = pd.read_csv(_io.StringIO(data.decode(enc)), header=None, dtype=str, keep_default_na=False)
        else:
            raise InputError(f"'{suffix}' files are not read; upload CSV or XLSX", file=name)
    except InputError:
        raise
    except Exception as exc:  # a broken workbook or CSV: the parser's own message
        raise InputError(f"cannot read the table ({type(exc).__name__}: {exc})", file=name) from None
    h = find_header_row(raw)
    header = [str(v).strip() if pd.notna(v) and str(v).strip() else f"column_{i + 1}"
              for i, v in enumerate(raw.iloc[h])]
    body = raw.iloc[h + 1:].reset_index(drop=True)
    body.columns = header
    body = body.replace("", None).dropna(how="all").reset_index(drop=True)
    return body


@dataclass
class Upload:
    """A read bureau spreadsheet: accepted rows, rejected rows with reasons, the column mapping used."""

    table: pd.DataFrame          # accepted rows with metrics
    rejected: pd.DataFrame       # row, id, reason
    mapping: dict[str, str]
    ambiguous: dict[str, str]


def accept_upload(df: pd.DataFrame, *, file: str, overrides: dict[str, str] | None = None,
                  lang: str = "en") -> Upload:
    """Recognise, refuse (no metric column) or partially accept a bureau's table."""
    mapped, mapping, ambiguous = recognise_headers(df, overrides)
    require_metric_columns(mapped, file=file, lang=lang)
    id_col = "enterprise_id" if "enterprise_id" in mapped else ("name_zh" if "name_zh" in mapped else None)
    if "year" in mapped and id_col:
        mapped["_row_key"] = mapped[id_col].astype(str) + "|" + mapped["year"].astype(str)
        id_col = "_row_key"
    norm, rejected = normalise(mapped, id_col=id_col, on_bad="exclude", file=file)
    return Upload(compute_metrics(norm), rejected, mapping, ambiguous)
