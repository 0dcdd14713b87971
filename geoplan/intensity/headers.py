"""Recognise the headers of a bureau's spreadsheet (用地面积(亩), 工业总产值(万元), 实缴税金 …).

:func:`recognise_headers` renames recognised columns to the names :func:`geoplan.intensity.normalise`
reads (``land_mu``, ``output_wan``, ``tax_wan``, ``energy_tce`` …), taking the unit from the header
(in parentheses or brackets) or from a unit row just below it. A column whose field or unit cannot be
decided is reported as ambiguous (the app asks the user), never guessed.
:func:`require_metric_columns` refuses a table with no recognised land or metric column, listing the
columns found and the ones expected. :func:`find_header_row` finds the header below title rows.
"""

from __future__ import annotations

import io
import re

import pandas as pd

from ..errors import InputError

__all__ = ["AMB_NO_UNIT", "AMB_SEVERAL", "AMB_UNKNOWN_UNIT", "MAPPING_TARGETS", "FIELD_SYNONYMS", "ID_SYNONYMS", "LAND_UNITS", "MONEY_UNITS", "TEMPLATE_COLUMNS", "find_header_row",
           "recognise_headers", "require_metric_columns", "split_unit", "template_frame", "template_xlsx"]

# canonical field -> header stems (longest match wins); money fields get a unit suffix
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "land": ("用地面积", "占地面积", "土地面积", "宗地面积", "用地", "land"),
    "output": ("工业总产值", "工业产值", "总产值", "年产值", "产值", "output"),
    "revenue": ("营业收入", "主营业务收入", "销售收入", "营收", "revenue"),
    "value_added": ("工业增加值", "增加值", "value_added"),
    "tax": ("实缴税金", "实缴税收", "税收实缴", "税收", "税金", "纳税额", "tax"),
    "investment": ("固定资产投资", "投资额", "投资", "investment"),
    "rd": ("研发投入", "研发经费", "研发费用", "r&d经费", "rd"),
    "energy_tce": ("综合能耗", "能耗", "energy"),
    "employees": ("从业人员", "职工人数", "员工人数", "从业人数", "employees"),
    "emissions_t": ("排放量", "主要污染物排放", "emissions"),
}
ID_SYNONYMS: dict[str, tuple[str, ...]] = {
    "enterprise_id": ("统一社会信用代码", "信用代码", "enterprise_id"),
    "name_zh": ("企业名称", "单位名称", "企业", "name"),
    "park_zh": ("所在园区", "园区名称", "园区", "park"),
    "year": ("年份", "年度", "year"),
}
MONEY = ("output", "revenue", "value_added", "tax", "investment", "rd")
LAND_UNITS = {"亩": "mu", "mu": "mu", "平方米": "m2", "㎡": "m2", "m2": "m2", "m²": "m2", "公顷": "ha",
              "ha": "ha", "平方公里": "km2", "km2": "km2"}
MONEY_UNITS = {"万元": "wan", "wan": "wan", "亿元": "yi", "yi": "yi", "元": "yuan", "yuan": "yuan"}
FIXED_UNITS = {"energy_tce": ("吨标煤", "吨标准煤", "tce"), "employees": ("人", "个"),
               "emissions_t": ("吨", "t")}
# codes of the reasons a column is ambiguous (the app words them in the user's language)
AMB_NO_UNIT = "no_unit"
AMB_UNKNOWN_UNIT = "unknown_unit"
AMB_SEVERAL = "several"
# what the app's mapping step offers for an ambiguous column (geoplan's column names)
MAPPING_TARGETS: tuple[str, ...] = (
    "land_mu", "land_m2", "land_ha", "output_wan", "output_yi", "revenue_wan", "revenue_yi", "value_added_wan",
    "value_added_yi", "tax_wan", "tax_yi", "investment_wan", "investment_yi", "rd_wan", "rd_yi", "energy_tce",
    "employees", "enterprise_id", "name_zh", "park_zh", "year")
_UNIT_RE = re.compile(r"^(.*?)[(（\[【]\s*([^)）\]】]*)\s*[)）\]】]\s*$")


def split_unit(header: object) -> tuple[str, str]:
    """``"用地面积(亩)"`` → ``("用地面积", "亩")``; no unit → ``(name, "")``."""
    s = re.sub(r"\s+", "", str(header))
    m = _UNIT_RE.match(s)
    return (m.group(1), m.group(2)) if m else (s, "")


def _field(stem: str) -> tuple[str | None, str | None]:
    """(kind, canonical) of a header stem: kind 'metric' or 'id'."""
    low = stem.lower()
    best: tuple[int, str, str] | None = None
    for kind, table in (("metric", FIELD_SYNONYMS), ("id", ID_SYNONYMS)):
        for canon, syns in table.items():
            for syn in syns:
                if low == syn.lower() or (len(syn) >= 2 and not syn.isascii() and syn in stem):
                    score = len(syn) + (100 if low == syn.lower() else 0)
                    if best is None or score > best[0]:
                        best = (score, kind, canon)
    return (best[1], best[2]) if best else (None, None)


def _unit_code(field: str, unit: str) -> str | None:
    u = unit.strip().lower()
    if field == "land":
        return LAND_UNITS.get(u)
    if field in MONEY:
        return MONEY_UNITS.get(u)
    if field in FIXED_UNITS:
        return "" if (u == "" or u in FIXED_UNITS[field]) else None
    return None


def _is_unit_row(row: pd.Series) -> bool:
    cells = [str(v).strip() for v in row if pd.notna(v) and str(v).strip()]
    known = set(LAND_UNITS) | set(MONEY_UNITS) | {u for us in FIXED_UNITS.values() for u in us}
    return bool(cells) and sum(c.strip("()（）[]") in known for c in cells) >= max(1, len(cells) // 2 + 1)


def recognise_headers(df: pd.DataFrame, overrides: dict[str, str] | None = None
                      ) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    """Rename a bureau's columns to geoplan's; return (frame, mapping, ambiguous).

    ``mapping`` maps each original header to its new name; ``ambiguous`` maps a header to the coded
    reason it was not mapped, ``"<code>:<detail>"`` with code ``no_unit``, ``unknown_unit`` (detail: the
    unit) or ``several`` (detail: the field two columns claim); the app translates the code. ``overrides`` (header → new
    name, e.g. from the app's mapping step) take precedence; an empty string means "ignore".
    Columns already in geoplan's names pass unchanged.
    """
    overrides = dict(overrides or {})
    out = df.copy()
    unit_row: dict[str, str] = {}
    if len(out) and _is_unit_row(out.iloc[0]):
        unit_row = {c: str(v).strip().strip("()（）[]") for c, v in out.iloc[0].items() if pd.notna(v)}
        out = out.iloc[1:].reset_index(drop=True)
    mapping: dict[str, str] = {}
    ambiguous: dict[str, str] = {}
    for col in out.columns:
        if col in overrides:
            if overrides[col]:
                mapping[col] = overrides[col]
            continue
        stem, unit = split_unit(col)
        unit = unit or unit_row.get(col, "")
        kind, canon = _field(stem)
        if kind is None:
            continue
        if kind == "id":
            mapping[col] = canon
            continue
        if re.fullmatch(r"[a-z_]+_(mu|m2|ha|km2|wan|yi|yuan)", str(col)) or str(col) in FIXED_UNITS:
            continue  # already geoplan's name
        code = _unit_code(canon, unit)
        if code is None:
            ambiguous[col] = f"{AMB_UNKNOWN_UNIT}:{unit}" if unit else f"{AMB_NO_UNIT}:"
            continue
        mapping[col] = f"{canon}_{code}" if code else canon
    targets: dict[str, list[str]] = {}
    for col, new in mapping.items():
        targets.setdefault(new, []).append(col)
    for new, cols in targets.items():
        if len(cols) > 1:
            for c in cols:
                if c not in overrides:
                    mapping.pop(c, None)
                    ambiguous[c] = f"{AMB_SEVERAL}:{new}"
    out = out.rename(columns=mapping)
    return out, mapping, ambiguous


LAND_COLUMNS = ("land_mu", "land_m2", "land_ha", "land_km2")
METRIC_COLUMNS = tuple(f"{f}_{u}" for f in MONEY for u in ("wan", "yi", "yuan")) + (
    "energy_tce", "employees", "emissions_t")


def require_metric_columns(df: pd.DataFrame, *, file: str | None = None, lang: str = "en") -> None:
    """Refuse a table without a land column and at least one metric column (named by the found columns)."""
    cols = [str(c) for c in df.columns]
    has_land = any(c in cols for c in LAND_COLUMNS) or ("land" in cols and "land_unit" in cols)
    has_metric = any(c in cols for c in METRIC_COLUMNS)
    if has_land and has_metric:
        return
    expected_zh = "用地面积(亩/平方米/公顷)，以及至少一项：工业总产值/营业收入/增加值/税收/固定资产投资/研发投入(万元/亿元/元)、综合能耗(吨标煤)、从业人员"
    expected_en = ("land area (亩 / 平方米 / 公顷) and at least one of output / revenue / value added / tax / "
                   "investment / R&D (万元 / 亿元 / 元), energy (吨标煤), employees")
    lack_zh = "用地面积" if not has_land else "指标列"
    lack_en = "land-area" if not has_land else "metric"
    if lang == "zh":
        msg = f"未识别到{lack_zh}列，未作评价。文件中的列：{'、'.join(cols)}；需要：{expected_zh}"
    else:
        msg = (f"no recognised {lack_en} column, nothing was evaluated. Columns found: {', '.join(cols)}; "
               f"expected: {expected_en}")
    raise InputError(msg, file=file)


def find_header_row(raw: pd.DataFrame, max_rows: int = 10) -> int:
    """Index of the header row in a frame read without header (title rows above it are skipped)."""
    for i in range(min(max_rows, len(raw))):
        cells = [v for v in raw.iloc[i] if pd.notna(v) and str(v).strip()]
        hits = sum(_field(split_unit(v)[0])[0] is not None for v in cells)
        if hits >= 2:
            return i
    return 0


# the upload template: one spec for the CSV, the XLSX and data/examples/intensity_template.csv
TEMPLATE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("统一社会信用代码", "91500000EXAMPLE001"), ("企业名称", "示例企业（示例数据）"), ("所在园区", "示例园区"),
    ("年份", "2024"), ("用地面积(亩)", "50"), ("工业总产值(万元)", "30000"), ("营业收入(万元)", "28000"),
    ("增加值(万元)", "8000"), ("税收(万元)", "900"), ("固定资产投资(万元)", "15000"), ("研发投入(万元)", "600"),
    ("综合能耗(吨标煤)", "3000"), ("从业人员(人)", "200"),
)


def template_frame() -> pd.DataFrame:
    """The upload template: the recognised headers and one illustrative row (示例数据, not real figures)."""
    return pd.DataFrame([[v for _, v in TEMPLATE_COLUMNS]], columns=[c for c, _ in TEMPLATE_COLUMNS])


def template_xlsx() -> bytes:
    """The template as an XLSX workbook (bytes)."""

    buf = io.BytesIO()
    template_frame().to_excel(buf, index=False, sheet_name="亩均评价模板")
    return buf.getvalue()
