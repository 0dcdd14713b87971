"""Hand-mutation run: does the test suite notice meaningful one-line bugs in the core modules?

Usage (from the repository root, with the project's venv)::

    .venv/bin/python scripts/mutation_run.py            # all mutations, writes docs/MUTATION.md
    .venv/bin/python scripts/mutation_run.py -k land    # only mutations whose id contains "land"
    .venv/bin/python scripts/mutation_run.py --no-write # print the table only

Each entry of :data:`MUTATIONS` names a file, an exact text that must occur in it exactly once, its
replacement (a single-line change: an operator, a constant, a dropped escape, a disabled check) and
the tests that should catch it. For each mutation the script

1. checks the text occurs once (otherwise the mutation is reported ``invalid``, never silently skipped),
2. writes the mutated file, runs ``pytest -x -q -p no:cacheprovider -m "not browser"`` on the listed tests,
3. restores the original file byte for byte (also on Ctrl-C), and
4. records ``killed`` (the tests failed or errored) or ``survived`` (they passed).

The result table goes to ``docs/MUTATION.md`` with the survivors listed. This is a script, not a test:
it takes minutes (one pytest run per mutation) and is never collected by pytest.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PINS = "tests/test_hostile_pins.py"
SITING = [PINS, "tests/test_siting.py"]
INTENSITY = [PINS, "tests/test_intensity.py"]
RASTER = [PINS, "tests/test_raster.py"]
MAPS = ["tests/test_maps.py", "tests/test_hostile_maps.py"]
IO = ["tests/test_io_validate.py", "tests/test_io_corpus.py", "tests/test_io_roundtrip.py", "tests/test_io_cli.py"]
HOSTILE = ["tests/test_hostile.py"]


def H(*names: str) -> list[str]:
    """Named tests of tests/test_hostile.py (the whole file runs ~40 s; one mutation needs a few)."""
    return [f"tests/test_hostile.py::{n}" for n in names]


@dataclass(frozen=True)
class Mutation:
    id: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]
    what: str


def M(id_: str, file: str, old: str, new: str, tests: list[str], what: str) -> Mutation:
    return Mutation(id_, file, old, new, tuple(tests), what)


# the corpus pins *which* layer refuses a payload (its message), not only that it is refused
CORPUS = ["tests/test_io_corpus.py"]
FORMULA = H("test_neutralise_formula", "test_csv_export_neutralises_text_not_numbers")
SPECJ = H("test_json_spec_refusals", "test_safe_json_depth_limit_is_exact")
SPECV = H("test_spec_values_refused", "test_spec_bounds_pinned")

MUTATIONS: list[Mutation] = [
    # ---- site selection: gates, scores, defaults
    M("land_gate_at_need", "geoplan/siting/criteria.py", "avail >= need_mu", "avail > need_mu", SITING,
      "land gate fails a park with exactly the land needed"),
    M("corridor_formula_scale", "geoplan/siting/criteria.py", "1.0 - np.asarray(dist_km, float) / scale_km",
      "1.0 - np.asarray(dist_km, float) / (2 * scale_km)", SITING, "corridor score falls to 0 at 2×scale"),
    M("corridor_formula_clip", "geoplan/siting/criteria.py", "/ scale_km, 0.0, 1.0)", "/ scale_km, -1.0, 1.0)",
      SITING, "corridor score negative beyond scale"),
    M("floor_at_floor", "geoplan/siting/criteria.py", "ok = value >= floor", "ok = value > floor",
      SITING + INTENSITY, "a project exactly at the 标准地 floor fails"),
    M("metrics_output_unit", "geoplan/siting/criteria.py", "output_yi * YI_TO_WAN / land_mu", "output_yi / land_mu",
      SITING, "亩均产值 in 亿 instead of 万元"),
    M("metrics_tax", "geoplan/siting/criteria.py", "tax_wan / land_mu", "tax_wan * land_mu", SITING,
      "亩均税收 multiplied"),
    M("default_weight_industry", "config/siting_defaults.yaml", "industry_fit: 0.35", "industry_fit: 0.30", SITING,
      "default weight industry_fit changed"),
    M("default_weight_corridor", "config/siting_defaults.yaml", "corridor: 0.20", "corridor: 0.25", SITING,
      "default weight corridor changed"),
    M("default_weight_intensity", "config/siting_defaults.yaml", "intensity: 0.15", "intensity: 0.10", SITING,
      "default weight intensity changed"),
    # ---- intensity grading
    M("grading_min_count", "geoplan/intensity/grading.py", "if n == 0 or n < min_count:",
      "if n == 0 or n <= min_count:", INTENSITY, "grading refuses exactly min_count rows"),
    # ---- raster georeferencing
    M("raster_x_centre", "geoplan/raster.py", "x = self.left + (np.arange(self.width) + 0.5) * self.res",
      "x = self.left + (np.arange(self.width) + 0.0) * self.res", RASTER, "pixel corner instead of centre (x)"),
    M("raster_y_centre", "geoplan/raster.py", "y = self.top - (np.arange(row0, row0 + nrows) + 0.5) * self.res",
      "y = self.top - (np.arange(row0, row0 + nrows) + 0.0) * self.res", RASTER, "pixel corner instead of centre (y)"),
    M("raster_cx_centre", "geoplan/raster.py", "cx = grid.left + (cols + 0.5) * grid.res",
      "cx = grid.left + (cols + 0.0) * grid.res", RASTER, "pixel corner in the sampling path"),
    # ---- escaping in maps
    M("esc_noop", "geoplan/maps/symbols.py", 'return s.replace("`", "&#96;").replace("$", "&#36;").replace("\\\\", "&#92;")',
      "return str(value)", MAPS, "esc() does nothing"),
    M("esc_backtick", "geoplan/maps/symbols.py", '.replace("`", "&#96;")', "", MAPS,
      "backtick not escaped (template literal break-out)"),
    M("park_tooltip_esc", "geoplan/maps/layers.py", 'tip = esc(rec.get(nm) or rec.get("name_zh"))',
      'tip = str(rec.get(nm) or rec.get("name_zh"))', MAPS, "park tooltip not escaped"),
    M("popup_evidence_esc", "geoplan/maps/popups.py", "<q>{esc(_short(d.get('evidence_zh')))}</q>",
      "<q>{_short(d.get('evidence_zh'))}</q>", MAPS, "popup evidence not escaped"),
    M("popup_source_esc", "geoplan/maps/popups.py", "<small>{esc(d.get('source'))}", "<small>{d.get('source')}",
      MAPS, "popup seed file not escaped"),
    M("safe_text_quote", "geoplan/io/validate.py", 'html.escape(_CONTROL.sub("", str(value)), quote=True)',
      'html.escape(_CONTROL.sub("", str(value)), quote=False)', IO + MAPS, "quotes not escaped in attributes"),
    # ---- file guards
    M("zip_ratio", "geoplan/io/validate.py", "i.file_size > max_ratio * max(i.compress_size, 1)",
      "i.file_size > 10 * max_ratio * max(i.compress_size, 1)", [PINS] + IO, "zip-bomb ratio 10× laxer"),
    M("zip_total", "geoplan/io/validate.py", "    if total > max_bytes:", "    if total > 2 * max_bytes:", [PINS] + IO,
      "zip unpacked-size limit doubled"),
    M("file_size_limit", "geoplan/io/validate.py", "    if size > max_bytes:", "    if size > 2 * max_bytes:", [PINS] + IO,
      "file size limit doubled"),
    M("empty_file", "geoplan/io/validate.py", "    if size == 0:", "    if size < 0:", IO, "empty file accepted"),
    M("zip_slip", "geoplan/io/validate.py", 'if name.startswith("/") or ".." in name.split("/"):',
      'if name.startswith("/"):', IO, "../ member names accepted"),
    M("xlsx_bomb_ratio", "geoplan/io/read.py", "check_zip(p, max_bytes, max_ratio=1000)",
      "check_zip(p, max_bytes, max_ratio=10**9)", [PINS], "xlsx zip-bomb check disabled"),
    M("xlsx_size_message", "geoplan/io/read.py", "if total <= min(max_bytes, XLSX_MAX_UNPACKED):", "if True:",
      H("test_huge_xlsx_gets_size_message_not_zip_bomb"), "huge xlsx called a zip bomb again"),
    M("xlsx_hidden_sheet", "geoplan/io/read.py", 'visible = [n for n, st in states if st == "visible"]',
      "visible = [n for n, st in states]", H("test_hidden_first_sheet_is_reported"), "hidden first sheet read silently"),
    # ---- hostile input round 2
    M("formula_prefix", "geoplan/io/validate.py", 'return "\'" + value', "return value", FORMULA,
      "formula cells written verbatim"),
    M("formula_set", "geoplan/io/validate.py", 'FORMULA_START = ("=", "+", "-", "@", "\\t", "\\r")',
      'FORMULA_START = ("=", "+")', FORMULA, "@, -, TAB, CR not neutralised"),
    M("formula_numbers", "geoplan/io/validate.py", "if isinstance(value, str) and value.startswith(FORMULA_START):",
      "if str(value).startswith(FORMULA_START):", FORMULA, "negative numbers turned into text"),
    M("vrt_sniff", "geoplan/io/read.py", 'if b"<OGRVRTDataSource" in head[:4096] or b"<VRTDataset" in head[:4096]:',
      "if False:", H("test_vrt_and_vsicurl_payloads_refused_through_api") + CORPUS, "VRT content not recognised"),
    M("vsi_path", "geoplan/io/read.py", 'if _GDAL_PREFIX.search(text) or "\\x00" in text:', 'if "\\x00" in text:',
      H("test_vsi_and_prefix_paths_refused"), "/vsicurl/ and DRIVER: paths accepted"),
    M("content_check", "geoplan/io/read.py", "        check_content(fh.read(8192), suffix, file)",
      "        fh.read(8192)", H("test_vrt_and_vsicurl_payloads_refused_through_api") + CORPUS, "content never compared with the extension"),
    M("shp_magic_zip", "geoplan/io/shapefile.py", "            if not head.startswith(SHP_MAGIC):", "            if False:",
      H("test_vrt_and_vsicurl_payloads_refused_through_api") + CORPUS, ".shp in a zip not sniffed"),
    M("shp_max_fields", "geoplan/io/shapefile.py", "if len(cols) > DBF_MAX_FIELDS:",
      "if len(cols) > 100 * DBF_MAX_FIELDS:", H("test_shapefile_export_of_10000_columns"), "10,000 columns reach GDAL"),
    M("cpg_utf8_check", "geoplan/io/encoding.py", 'if encoding.replace("-", "").upper() != "UTF8":', "if True:",
      H("test_gbk_dbf_with_utf8_cpg"), "GBK DBF under a UTF-8 .cpg accepted"),
    M("nul_geojson", "geoplan/io/read.py", 'if b"\\\\u0000" in raw or b"\\x00" in raw:', "if False:", H("test_nul_in_name_and_unknown_crs_member"),
      "NUL in a name truncates silently"),
    M("out_non_regular", "geoplan/io/validate.py", "    if p.exists() and not p.is_file():", "    if False:",
      H("test_out_targets_refused"), "/dev/full accepted as --out"),
    M("out_is_input", "geoplan/io/validate.py", "os.path.samefile(p, src)", "False", H("test_out_equal_to_input_refused"),
      "--out equal to the input overwrites it"),
    M("out_name_max", "geoplan/io/validate.py", "MAX_NAME_BYTES = 255", "MAX_NAME_BYTES = 100_000", H("test_out_targets_refused"),
      "overlong names reach the OS"),
    M("negative_amount", "geoplan/io/validate.py", "neg = (values < 0).to_numpy()", "neg = (values < -1e12).to_numpy()",
      H("test_intensity_refuses_negative_output"), "negative output accepted"),
    M("area_positive", "geoplan/io/validate.py", "np.isfinite(values) & (values <= 0)", "np.isfinite(values) & (values < 0)",
      IO, "zero area accepted"),
    M("terminal_cut", "geoplan/io/validate.py", "def terminal_text(text: str, limit: int = 2000)",
      "def terminal_text(text: str, limit: int = 10**9)", H("test_terminal_text_strips_escapes_and_cuts"), "10 MB strings echoed whole"),
    # ---- specs
    M("json_duplicates", "geoplan/config.py", "            if k in out:", "            if False:", SPECJ,
      "duplicate JSON keys: last wins"),
    M("json_nan", "geoplan/config.py", "parse_constant=_no_constant", "parse_constant=float", SPECJ,
      "NaN/Infinity accepted in JSON"),
    M("max_depth", "geoplan/config.py", "MAX_DEPTH = 20", "MAX_DEPTH = 200", SPECJ, "nesting limit 10× laxer"),
    M("land_max", "geoplan/siting/spec.py", "LAND_MU_MAX = 82_400 * 1500", "LAND_MU_MAX = 82_400 * 15000", SPECV,
      "land need above Chongqing's area accepted"),
    M("bool_number", "geoplan/siting/spec.py", "    if isinstance(value, bool):", "    if False:", SPECV,
      "land_mu: true read as 1"),
    M("inf_number", "geoplan/siting/spec.py", "    if math.isinf(out):", "    if False:", SPECV,
      ".inf accepted"),
    M("weight_max", "geoplan/siting/spec.py", "if v is None or not 0 <= v <= WEIGHT_MAX:", "if v is None or v < 0:",
      SPECV, "weight 1e308 accepted"),
    M("top_max", "geoplan/siting/spec.py", "        if self.top > TOP_MAX:", "        if False:", SPECV,
      "top unbounded"),
]


def run_one(m: Mutation, timeout: float) -> tuple[str, float]:
    path = ROOT / m.file
    original = path.read_bytes()
    text = original.decode("utf-8")
    if text.count(m.old) != 1:
        return f"invalid ({text.count(m.old)} matches)", 0.0
    t0 = time.time()
    try:
        path.write_text(text.replace(m.old, m.new), encoding="utf-8")
        cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-m", "not browser", *m.tests]
        try:
            r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
            status = "survived" if r.returncode == 0 else "killed"
        except subprocess.TimeoutExpired:
            status = "killed (timeout)"
    finally:
        path.write_bytes(original)
    return status, time.time() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-k", default="", help="only mutations whose id contains this text")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--no-write", action="store_true", help="do not write docs/MUTATION.md")
    args = ap.parse_args()
    # a `kill` must restore the mutated file too (the finally block in run_one)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    chosen = [m for m in MUTATIONS if args.k in m.id]
    rows = []
    for i, m in enumerate(chosen, 1):
        status, secs = run_one(m, args.timeout)
        rows.append((m, status, secs))
        print(f"[{i}/{len(chosen)}] {m.id:24} {status:18} {secs:5.1f}s  {m.what}", flush=True)
    valid = [r for r in rows if not r[1].startswith("invalid")]
    killed = [r for r in valid if r[1].startswith("killed")]
    share = len(killed) / len(valid) if valid else 0.0
    summary = f"{len(killed)} of {len(valid)} mutations killed ({share:.0%}); {len(rows) - len(valid)} invalid"
    print(summary)
    if not args.no_write and not args.k:
        lines = ["# Hand-mutation run", "",
                 "Generated by `scripts/mutation_run.py` (see its docstring): one single-line mutation at a time, "
                 "the listed tests run with `pytest -x`, the file restored afterwards.", "",
                 f"**{summary}.**", "", "| id | file | mutation | tests | result |", "|---|---|---|---|---|"]
        for m, status, _secs in rows:
            lines.append(f"| {m.id} | `{m.file}` | {m.what} | {', '.join(Path(t).name for t in m.tests)} | {status} |")
        survivors = [r for r in valid if r[1] == "survived"]
        lines += ["", "## Survivors", ""]
        lines += [f"- `{m.id}` ({m.file}): {m.what}" for m, _s, _t in survivors] or ["- none"]
        (ROOT / "docs" / "MUTATION.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
