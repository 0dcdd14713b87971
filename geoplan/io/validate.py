"""Validation of imported data and guards against hostile input.

Everything here turns a malformed input into an :class:`Issue` (file, row, field, message) or an
:class:`~geoplan.errors.InputError`; nothing guesses silently. Rows are 1-based data rows
(feature numbers in a vector file, lines after the header in a table).
"""

from __future__ import annotations

import html
import math
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..crs import REGION_BBOX, area_km2, check_in_region, detect_gk_prefixed
from ..errors import CRSError, InputError

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100          # uncompressed / compressed; real shapefiles stay far below
MAX_ZIP_MEMBERS = 1000
# Columns whose values must be numbers: units in the column name (see DATA_CONTRACT), plus
# the usual names of area columns in files from Chinese GIS teams.
NUMERIC_SUFFIXES = ("_km2", "_mu", "_yi", "_wan", "_m2", "_ha")
NUMERIC_NAMES = {"area", "面积", "用地面积", "占地面积", "亩", "land_area"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PATH_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_NAME_BYTES = 255   # NAME_MAX of Linux/macOS file systems
MAX_PATH_BYTES = 4096  # PATH_MAX


_TERMINAL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\\\)?|[\x00-\x1f\x7f-\x9f]")


def terminal_text(text: str, limit: int = 2000) -> str:
    """``text`` safe to print on a terminal: escape sequences and control characters (newlines in
    file names too) become ``?``, and anything longer than ``limit`` characters is cut.
    """
    out = _TERMINAL.sub("?", str(text))
    return out if len(out) <= limit else out[:limit] + f"… ({len(out) - limit} more characters)"


def json_safe(obj: object) -> object:
    """``obj`` with every non-finite float (NaN, ±Infinity) replaced by ``None`` (JSON ``null``)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):
        try:
            return json_safe(obj.item())
        except (TypeError, ValueError):
            return obj
    return obj


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    """A spreadsheet cell that Excel/WPS cannot execute (OWASP CSV injection rule).

    Text starting with ``= + - @``, TAB or CR gets a leading single quote (the value stays readable);
    everything that is not text — numbers, including negative ones, None, NaN — is returned unchanged.

    >>> neutralise_formula("=SUM(A1)"), neutralise_formula(-3.5), neutralise_formula("园区")
    ("'=SUM(A1)", -3.5, '园区')
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell and column name passed through :func:`neutralise_formula`."""
    out = pd.DataFrame(df).copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or isinstance(s.dtype, pd.StringDtype):
            out[col] = s.astype(object).map(neutralise_formula)
    out.columns = [neutralise_formula(c) if isinstance(c, str) else c for c in out.columns]
    return out


def safe_text(value: object) -> str:
    """``value`` as text safe to put into HTML (maps, popups, tables): escaped, no control chars.

    ``None`` and NaN become ``""``. Use it for every user-supplied string shown in a page.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return html.escape(_CONTROL.sub("", str(value)), quote=True)


@dataclass(frozen=True)
class Issue:
    """One finding: ``severity`` is ``error``, ``repaired`` or ``warning``; ``kind`` a stable tag."""

    severity: str
    kind: str
    message: str
    file: str | None = None
    row: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = [f"file {self.file}"] if self.file else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"field '{self.field}'")
        return f"{self.severity}: {', '.join(where)}: {self.message}" if where else f"{self.severity}: {self.message}"


@dataclass
class ValidationReport:
    """The findings of one import; ``raise_for_errors`` turns errors into one InputError."""

    file: str | None = None
    issues: list[Issue] = field(default_factory=list)

    def add(self, severity: str, kind: str, message: str, *, row: int | None = None,
            field: str | None = None) -> None:
        """Record one issue (error, repair or warning) with its row and field."""
        self.issues.append(Issue(severity, kind, message, self.file, row, field))

    @property
    def errors(self) -> list[Issue]:
        """Issues that make the file unusable."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def repairs(self) -> list[Issue]:
        """Changes made to the data (e.g. a polygon made valid), reported to the user."""
        return [i for i in self.issues if i.severity == "repaired"]

    @property
    def warnings(self) -> list[Issue]:
        """Issues worth a look that did not change the data."""
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there are no errors."""
        return not self.errors

    def kinds(self) -> set[str]:
        """The kinds of issue found."""
        return {i.kind for i in self.issues}

    def lines(self, limit: int = 20) -> list[str]:
        """Up to ``limit`` issues as readable lines."""
        out = [str(i) for i in self.issues[:limit]]
        if len(self.issues) > limit:
            out.append(f"… and {len(self.issues) - limit} more")
        return out

    def to_frame(self) -> pd.DataFrame:
        """The issues as a table (severity, kind, row, field, message)."""
        return pd.DataFrame([i.__dict__ for i in self.issues],
                            columns=["severity", "kind", "message", "file", "row", "field"])

    def raise_for_errors(self, limit: int = 5) -> None:
        """Raise one InputError naming the first errors (file, row, field) when there are any."""
        errs = sorted(self.errors, key=lambda e: (e.row if e.row is not None else 0, e.field or ""))
        if not errs:
            return
        first = errs[0]
        parts = []
        for e in errs[:limit]:
            loc = " ".join(x for x in (f"row {e.row}" if e.row is not None else "",
                                       f"field '{e.field}'" if e.field else "") if x)
            parts.append(f"{loc}: {e.message}" if loc else e.message)
        detail = "; ".join(parts)
        more = f" (and {len(errs) - limit} more)" if len(errs) > limit else ""
        raise InputError(f"{len(errs)} problem(s): {detail}{more}", file=self.file,
                         row=first.row if len(errs) == 1 else None,
                         field=first.field if len({e.field for e in errs}) == 1 else None)


# ---------------------------------------------------------------- guards on files and names
def check_file_size(path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES) -> int:
    """Size of ``path`` in bytes; InputError when missing, empty or over ``max_bytes`` (checked before reading)."""
    p = Path(path)
    if not p.is_file():
        raise InputError("no such file", file=str(p))
    size = p.stat().st_size
    if size == 0:
        raise InputError("the file is empty (0 bytes)", file=str(p))
    if size > max_bytes:
        raise InputError(f"the file is {size / 1e6:.1f} MB, over the limit of {max_bytes / 1e6:.1f} MB "
                         "(raise the limit with --max-mb if you trust it)", file=str(p))
    return size


def check_zip(path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES,
              max_ratio: float = MAX_ZIP_RATIO) -> list[str]:
    """Member names of a zip after checking its declared sizes: refuses zip bombs and unsafe names."""
    p = Path(path)
    try:
        with zipfile.ZipFile(p) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise InputError(f"not a valid zip archive ({exc})", file=str(p)) from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise InputError(f"the zip holds {len(infos)} files (limit {MAX_ZIP_MEMBERS})", file=str(p))
    total = sum(i.file_size for i in infos)
    if total > max_bytes:
        raise InputError(f"the zip unpacks to {total / 1e6:.1f} MB, over the limit of "
                         f"{max_bytes / 1e6:.1f} MB (possible zip bomb)", file=str(p))
    for i in infos:
        if i.file_size > 1_000_000 and i.file_size > max_ratio * max(i.compress_size, 1):
            raise InputError(f"member '{i.filename}' expands {i.file_size / max(i.compress_size, 1):.0f}-fold "
                             f"(limit {max_ratio:.0f}); refused as a possible zip bomb", file=str(p))
        name = i.filename.replace("\\", "/")
        if name.startswith("/") or ".." in name.split("/"):
            raise InputError(f"member name '{i.filename}' points outside the archive", file=str(p))
    return [i.filename for i in infos if not i.is_dir()]


def safe_output_path(path: str | os.PathLike, *, base_dir: str | os.PathLike | None = None,
                     inputs: tuple[str | os.PathLike | None, ...] = ()) -> Path:
    """``path`` as a Path after refusing traversal (``..``), NUL/control characters (newlines too),
    names longer than the OS allows, existing non-regular targets (``/dev/full``, a folder, a pipe),
    symbolic links, one of the ``inputs`` and, with ``base_dir``, anything that resolves outside it.
    """
    text = os.fspath(path)
    if not text or not text.strip():
        raise InputError("the output file name is empty", field="--out")
    if _PATH_CONTROL.search(text):
        raise InputError("the output file name contains control characters", field="--out")
    parts = re.split(r"[\\/]", text)
    if ".." in parts:
        raise InputError(f"output name '{text}' contains '..' (path traversal is not allowed)",
                         field="--out")
    p = Path(text)
    if any(len(part.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES for part in p.parts) \
            or len(text.encode("utf-8", "surrogateescape")) > MAX_PATH_BYTES:
        raise InputError(f"output name is too long for the file system (a name holds at most {MAX_NAME_BYTES} "
                         f"bytes, a path {MAX_PATH_BYTES}): '{text[:60]}…'", field="--out")
    if base_dir is not None:
        base = Path(base_dir).resolve()
        if p.is_absolute() or not (base / p).resolve().is_relative_to(base):
            raise InputError(f"output name '{text}' points outside {base}", field="--out")
        p = base / p
    if p.name in ("", ".") or p.is_dir():
        raise InputError(f"output name '{text}' is a folder, not a file name", field="--out")
    if p.exists() and not p.is_file():
        raise InputError(f"output '{text}' exists and is not a regular file (a device, pipe or socket); "
                         "choose a file name", field="--out")
    if p.is_symlink():
        raise InputError(f"output '{text}' is a symbolic link; give the real file name", field="--out")
    for src in inputs:
        if src is not None and p.exists() and Path(src).exists() and os.path.samefile(p, src):
            raise InputError(f"output '{text}' is the input file; write to a new file (it would be "
                             "overwritten)", field="--out")
    return p


def safe_layer_name(name: str) -> str:
    """A layer / member name made of letters (any script), digits, ``_``, ``-`` and ``.`` only."""
    cleaned = re.sub(r"[^\w.-]+", "_", unicodedata.normalize("NFKC", str(name))).strip("._")
    if not cleaned:
        raise InputError(f"layer name '{name}' has no usable characters", field="layer")
    return cleaned[:60]


# ---------------------------------------------------------------- geometry and attributes
def _rows(mask: np.ndarray) -> list[int]:
    return (np.flatnonzero(mask) + 1).tolist()


def validate_geometries(gdf: gpd.GeoDataFrame, report: ValidationReport) -> gpd.GeoDataFrame:
    """Report null/empty/non-finite geometries (errors) and repair invalid ones with ``make_valid``."""
    geoms = gdf.geometry.to_numpy()
    null = shapely.is_missing(geoms)
    for r in _rows(null):
        report.add("error", "null_geometry", "the feature has no geometry", row=r)
    empty = ~null & shapely.is_empty(geoms)
    for r in _rows(empty):
        report.add("error", "empty_geometry", "the geometry is empty", row=r)
    coords, idx = shapely.get_coordinates(geoms, return_index=True)
    bad = np.zeros(len(geoms), bool)
    bad[idx[~np.isfinite(coords).all(axis=1)]] = True
    for r in _rows(bad):
        report.add("error", "nonfinite_coordinates", "coordinates contain NaN or infinity", row=r)
    check = ~null & ~empty & ~bad
    invalid = check & ~shapely.is_valid(np.where(check, geoms, None))
    if invalid.any():
        reasons = shapely.is_valid_reason(geoms[invalid])
        polygonal = np.isin(shapely.get_type_id(geoms[invalid]), (3, 6))
        fixed = geoms[invalid].copy()
        # "structure" keeps polygons polygonal (no stray lines in a GeometryCollection)
        fixed[polygonal] = shapely.make_valid(fixed[polygonal], method="structure", keep_collapsed=False)
        fixed[~polygonal] = shapely.make_valid(fixed[~polygonal])
        for r, reason, g in zip(_rows(invalid), reasons, fixed):
            if g is None or g.is_empty:
                report.add("error", "invalid_geometry", f"invalid geometry ({reason}) collapses when repaired",
                           row=r)
            else:
                report.add("repaired", "invalid_geometry",
                           f"invalid geometry ({reason}) repaired with make_valid", row=r)
        geoms = geoms.copy()
        geoms[invalid] = fixed
        gdf = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
    return gdf


def numeric_columns(columns: list[str]) -> list[str]:
    """Columns that must hold numbers, by their unit suffix or a known area name."""
    return [c for c in columns if str(c).lower().endswith(NUMERIC_SUFFIXES) or str(c).lower() in NUMERIC_NAMES]


def validate_attributes(df: pd.DataFrame, report: ValidationReport, *, id_field: str | None = None,
                        required: tuple[str, ...] = (), numeric: list[str] | None = None,
                        positive: list[str] | None = None) -> pd.DataFrame:
    """Check required fields, unique ids and numbers; numeric columns come back as float.

    Empty and NaN numbers stay empty (unknown, never 0) with a warning for NaN text; text,
    infinity, and zero/negative values in ``positive`` columns (areas, land) are errors.
    """
    df = df.copy()
    cols = [c for c in df.columns if c != getattr(df, "_geometry_column_name", None)]
    for f in (*required, *([id_field] if id_field else [])):
        if f not in df.columns:
            report.add("error", "missing_field",
                       f"required field is missing; the file has: {', '.join(map(str, cols)) or '(none)'}", field=f)
    for f in required:
        if f in df.columns:
            blank = df[f].isna().to_numpy() | (df[f].astype(str).str.strip() == "").to_numpy()
            for r in _rows(blank):
                report.add("error", "missing_value", "required value is empty", row=r, field=f)
    if id_field and id_field in df.columns:
        ids = df[id_field].astype(str).str.strip()
        blank = df[id_field].isna().to_numpy() | (ids == "").to_numpy()
        for r in _rows(blank):
            report.add("error", "missing_value", "id is empty", row=r, field=id_field)
        dup = ids.duplicated(keep="first").to_numpy() & ~blank
        first_row = {v: i + 1 for i, v in reversed(list(enumerate(ids)))}
        for r in _rows(dup):
            report.add("error", "duplicate_id",
                       f"duplicate id '{ids.iloc[r - 1]}' (first on row {first_row[ids.iloc[r - 1]]})",
                       row=r, field=id_field)
    numeric = numeric_columns(cols) if numeric is None else numeric
    positive = numeric if positive is None else positive
    for f in numeric:
        if f not in df.columns:
            continue
        raw = df[f]
        text = raw.astype(str).str.strip()
        blank = raw.isna().to_numpy() | text.isin(["", "None", "<NA>"]).to_numpy()
        values = pd.to_numeric(text.str.replace(",", "", regex=False).where(~blank, None), errors="coerce")
        values = np.array(values.astype(float).to_numpy(), dtype=float)  # writable copy
        nan_text = ~blank & text.str.lower().isin(["nan", "na", "n/a"]).to_numpy()
        not_num = ~blank & ~nan_text & np.isnan(values)
        for r in _rows(not_num):
            report.add("error", "not_numeric", f"'{text.iloc[r - 1]}' is not a number", row=r, field=f)
        for r in _rows(nan_text):
            report.add("warning", "nan_value", "NaN read as empty (unknown)", row=r, field=f)
        for r in _rows(np.isinf(values)):
            report.add("error", "not_finite", "infinite value", row=r, field=f)
        if f in positive:
            for r in _rows(np.isfinite(values) & (values <= 0)):
                report.add("error", "not_positive",
                           f"{values[r - 1]:g} is not a valid amount; must be > 0 (leave empty when unknown)",
                           row=r, field=f)
        values[nan_text | not_num] = np.nan
        df[f] = values
    return df


AMOUNT_PREFIXES = ("output", "tax", "investment", "revenue", "value_added", "land", "产值", "税收", "投资",
                   "营收", "增加值", "用地", "面积")


def refuse_negative_amounts(df: pd.DataFrame, file: str | None = None) -> None:
    """InputError naming the row and column of a negative amount (output, tax, investment, land …):
    a negative output would give a negative 亩均 figure (e.g. −3,000 万元/亩), which means nothing.
    """
    for col in df.columns:
        name = str(col).strip().lower()
        if not name.startswith(AMOUNT_PREFIXES):
            continue
        values = pd.to_numeric(df[col].astype(str).str.replace(",", "", regex=False).str.strip(), errors="coerce")
        neg = (values < 0).to_numpy()
        if neg.any():
            r = int(np.flatnonzero(neg)[0]) + 1
            raise InputError(f"{values.iloc[r - 1]:g} is negative; amounts (output, tax, investment, land) must "
                             f"be 0 or more ({int(neg.sum())} negative row(s); 金额和面积不能为负)",
                             file=file, row=r, field=str(col))


def validate_gdf(gdf: gpd.GeoDataFrame, *, file: str | None = None, id_field: str | None = None,
                 required: tuple[str, ...] = (), numeric: list[str] | None = None,
                 positive: list[str] | None = None,
                 report: ValidationReport | None = None) -> tuple[gpd.GeoDataFrame, ValidationReport]:
    """Validate geometry and attributes of an imported layer; returns the repaired frame and the report.

    The caller decides whether to ``report.raise_for_errors()``; repairs are always applied.
    """
    report = report if report is not None else ValidationReport(file=file)
    if len(gdf) == 0:
        report.add("error", "no_features", "the layer has no features")
        return gdf, report
    gdf = validate_attributes(gdf, report, id_field=id_field, required=required, numeric=numeric,
                              positive=positive)
    gdf = validate_geometries(gdf, report)
    return gdf, report


# ---------------------------------------------------------------- coordinates vs region
def _region_test(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return np.asarray(check_in_region(lon, lat), bool)


def check_region(gdf: gpd.GeoDataFrame, report: ValidationReport, *, declared: str) -> None:
    """Check that WGS84 coordinates fall in the Chengdu–Chongqing region.

    Raises CRSError when no feature is in the region (with a diagnosis: projected metres declared
    as degrees, or swapped lat/lon); features partly outside become warnings by row.
    """
    geoms = gdf.geometry.to_numpy()
    coords, idx = shapely.get_coordinates(geoms, return_index=True)
    ok = np.isfinite(coords).all(axis=1)
    coords, idx = coords[ok], idx[ok]
    if len(coords) == 0:
        return
    x, y = coords[:, 0], coords[:, 1]
    w, s, e, n = REGION_BBOX
    region = f"lon {w:g}–{e:g}, lat {s:g}–{n:g}"
    swapped = _region_test(y, x).mean() > 0.5
    if swapped and not _region_test(x, y).any():
        raise CRSError(f"no coordinate lies in the Chengdu–Chongqing region ({region}), but they do with "
                       "x and y exchanged: latitude and longitude look swapped (expected lon first, "
                       "or name the columns with --lon/--lat)", file=report.file, row=1)
    impossible = (np.abs(x) > 180) | (np.abs(y) > 90)
    if impossible.any():
        r = int(idx[np.argmax(impossible)]) + 1
        hint = _projected_hint(x[impossible])
        raise CRSError(f"coordinates ({x[impossible][0]:.1f}, {y[impossible][0]:.1f}) are not longitude/latitude "
                       f"for the declared CRS '{declared}'; {hint}", file=report.file, row=r)
    inside = _region_test(x, y)
    row_out = np.bincount(idx[~inside], minlength=len(geoms)) > 0
    if inside.any():
        for r in _rows(row_out)[:50]:
            report.add("warning", "outside_region",
                       f"coordinates lie outside the Chengdu–Chongqing region ({region}) for CRS '{declared}'",
                       row=r)
        return
    raise CRSError(f"no coordinate lies in the Chengdu–Chongqing region ({region}) for the declared CRS "
                   f"'{declared}' (first: {x[0]:.5f}, {y[0]:.5f}); check the CRS", file=report.file, row=1)


def _projected_hint(x: np.ndarray) -> str:
    zone = detect_gk_prefixed(x)
    if zone is not None:
        return (f"they look like Gauss–Krüger metres with the zone number {zone} prefixed to the easting: "
                f"declare e.g. --crs gk3:{zone} (CGCS2000 3-degree zone {zone})")
    return ("they look like projected metres (e.g. Gauss–Krüger without zone prefix): declare the CRS, "
            "e.g. --crs gk3:105 for central meridian 105°E")


# ---------------------------------------------------------------- park polygons
def merge_park_polygons(parks_points: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame, *,
                        key: str = "park_id", mode: str = "replace") -> gpd.GeoDataFrame:
    """Combine embedded park points with imported park polygons matched on ``key``.

    ``replace``: matched parks take the polygon as geometry (others keep their point).
    ``complement``: every point stays and each matched polygon is added as an extra feature.
    Matched rows get ``polygon_area_km2`` (equal-area CHINA_ALBERS), ``geometry_kind`` and
    ``location_precision = "polygon"``. Unknown keys and non-polygons are InputErrors.
    """
    if mode not in ("replace", "complement"):
        raise InputError(f"unknown mode '{mode}'; expected replace or complement", field="mode")
    for name, frame in (("park points", parks_points), ("polygons", polygons)):
        if key not in frame.columns:
            raise InputError(f"the {name} have no '{key}' column", field=key)
    poly = polygons.to_crs(parks_points.crs) if polygons.crs is not None else polygons
    types = shapely.get_type_id(poly.geometry.to_numpy())
    if not np.isin(types, (3, 6)).all():
        r = int(np.argmax(~np.isin(types, (3, 6)))) + 1
        raise InputError("park geometry must be a Polygon or MultiPolygon", row=r, field="geometry")
    keys = poly[key].astype(str)
    dup = keys.duplicated()
    if dup.any():
        raise InputError(f"duplicate {key} '{keys[dup].iloc[0]}' among the polygons",
                         row=int(np.argmax(dup.to_numpy())) + 1, field=key)
    known = set(parks_points[key].astype(str))
    unknown = sorted(set(keys) - known)
    if unknown:
        raise InputError(f"polygons for unknown {key}: {', '.join(unknown[:10])}; valid ids are those of "
                         "the parks layer (geoplan export parks)", field=key)
    area = area_km2(poly)
    by_key = dict(zip(keys, zip(poly.geometry.to_numpy(), area)))
    pts = parks_points.copy()
    pts["geometry_kind"] = "point"
    pts["polygon_area_km2"] = np.nan
    matched = pts[key].astype(str).isin(by_key).to_numpy()
    if mode == "replace":
        ks = pts.loc[matched, key].astype(str)
        pts.loc[matched, "polygon_area_km2"] = [by_key[k][1] for k in ks]
        pts.loc[matched, "geometry_kind"] = "polygon"
        if "location_precision" in pts:
            pts.loc[matched, "location_precision"] = "polygon"
        geoms = pts.geometry.to_numpy().copy()
        geoms[matched] = [by_key[k][0] for k in ks]
        return pts.set_geometry(gpd.GeoSeries(geoms, index=pts.index, crs=pts.crs))
    extra = pts[matched].copy()
    ks = extra[key].astype(str)
    extra["polygon_area_km2"] = [by_key[k][1] for k in ks]
    extra["geometry_kind"] = "polygon"
    if "location_precision" in extra:
        extra["location_precision"] = "polygon"
    extra = extra.set_geometry(gpd.GeoSeries([by_key[k][0] for k in ks], index=extra.index, crs=pts.crs))
    return gpd.GeoDataFrame(pd.concat([pts, extra], ignore_index=True), geometry="geometry", crs=pts.crs)
