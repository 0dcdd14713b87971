"""A bureau's spreadsheet in, evaluated rows and rejected rows out (partial acceptance).

:func:`read_bureau_table` reads CSV (UTF-8 or GBK/GB18030) or XLSX, skipping title rows above the
header. :func:`accept_upload` recognises the headers, refuses a table with no metric column, and
normalises with bad rows excluded and listed (row, id, reason) instead of stopping the whole file.
:func:`localise_rejected` words the rejection list in the user's language, naming the user's own column
headers; :func:`explain_ambiguous` and :func:`field_label` word the mapping step.
"""

from __future__ import annotations

import io as _io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..i18n import t
from .headers import find_header_row, recognise_headers, require_metric_columns
from .metrics import compute_metrics
from .normalise import normalise

__all__ = ["Upload", "accept_upload", "evaluate_rows", "upload_ids", "explain_ambiguous", "field_label", "localise_rejected", "read_bureau_table"]


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
    rows, rejected = evaluate_rows(mapped, file=file)
    return Upload(rows, rejected, mapping, ambiguous)


def evaluate_rows(mapped: pd.DataFrame, *, file: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-row metrics of a recognised table, bad rows excluded and listed (``row``, ``id``, ``reason``).

    The id is the credit code (else the name); with a ``year`` column one enterprise may appear once per
    year, so the id checked for duplicates is ``<id>|<year>``.
    """
    mapped, id_col = upload_ids(mapped)
    norm, rejected = normalise(mapped, id_col=id_col, on_bad="exclude", file=file)
    return compute_metrics(norm), rejected


def upload_ids(mapped: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """The id column of a recognised table: the credit code, else the name; ``<id>|<year>`` (column
    ``_row_key``) when a ``year`` column lets one enterprise appear once per year.
    """
    mapped = mapped.copy()
    id_col = "enterprise_id" if "enterprise_id" in mapped else ("name_zh" if "name_zh" in mapped else None)
    if "year" in mapped and id_col:
        mapped["_row_key"] = mapped[id_col].astype(str) + "|" + mapped["year"].astype(str)
        id_col = "_row_key"
    return mapped, id_col


def localise_rejected(rejected: pd.DataFrame, lang: str, mapping: dict[str, str] | None = None) -> pd.DataFrame:
    """The rejected rows (``row``, ``id``, ``reason_code``) with headers and reasons in ``lang``.

    Each reason names the user's own column header (``mapping``: original header → geoplan name, as
    returned by :func:`geoplan.intensity.recognise_headers`), e.g. 「用地面积(亩)」不是数字.

    Examples
    --------
    >>> rej = pd.DataFrame({"row": [2], "id": ["x"], "reason": ["-"], "reason_code": ["not_number:land_mu"]})
    >>> localise_rejected(rej, "zh", {"用地面积(亩)": "land_mu"})["原因"].tolist()
    ['「用地面积(亩)」不是数字']
    >>> localise_rejected(rej, "en", {"用地面积(亩)": "land_mu"}).columns.tolist()
    ['row', 'id', 'reason']
    """
    inverse = {new: old for old, new in (mapping or {}).items()}
    sep = "；" if lang == "zh" else "; "

    def word(codes: object) -> str:
        parts = []
        for item in str(codes or "").split("; "):
            code, _, col = item.partition(":")
            if code:
                parts.append(t(f"intensity_reason_{code}", lang).format(col=inverse.get(col, col)))
        return sep.join(parts)

    codes = rejected["reason_code"] if "reason_code" in rejected else pd.Series("", index=rejected.index)
    return pd.DataFrame({t("intensity_rej_row", lang): rejected["row"].to_list(),
                         t("intensity_rej_id", lang): rejected["id"].to_list(),
                         t("intensity_rej_reason", lang): [word(c) for c in codes]})


def explain_ambiguous(reason: str, lang: str) -> str:
    """A coded ambiguity reason of :func:`geoplan.intensity.recognise_headers` in ``lang``.

    Examples
    --------
    >>> explain_ambiguous("unknown_unit:千元", "zh")
    '单位「千元」无法识别'
    """
    code, _, detail = reason.partition(":")
    return t(f"intensity_amb_{code}", lang).format(detail=detail)


def field_label(name: str, lang: str) -> str:
    """The label of a mapping target (``land_mu``, ``tax_wan`` …) in ``lang``; '' is "ignore this column"."""
    return t(f"intensity_field_{name}", lang) if name else t("ignore_column", lang)
