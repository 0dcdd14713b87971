"""The bad-input corpus (tests/corpus/MANIFEST.yaml): every case through the API and the CLI."""

from __future__ import annotations

import html
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from geoplan import errors, io
from geoplan.cli import main
from geoplan.io.validate import safe_text

CORPUS = Path(__file__).parent / "corpus"
CASES = yaml.safe_load((CORPUS / "MANIFEST.yaml").read_text(encoding="utf-8"))["cases"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    sys.path.insert(0, str(CORPUS))
    try:
        import make_corpus
    finally:
        sys.path.remove(str(CORPUS))
    dest = tmp_path_factory.mktemp("corpus_generated")
    make_corpus.build(dest)
    return dest


def _input(case: dict, generated: Path, workdir: Path) -> Path:
    src = (generated if case.get("generated") else CORPUS) / case["file"]
    dst = workdir / "in" / case["file"]
    dst.parent.mkdir(exist_ok=True)
    shutil.copy(src, dst)
    return dst


def _workdir(tmp_path: Path, monkeypatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)  # relative --out names ("../evil.geojson") resolve here
    return work


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_corpus_is_large_enough():
    ids = [c["id"] for c in CASES]
    assert len(ids) >= 30 and len(set(ids)) == len(ids)
    for c in CASES:
        assert c["expect"] in ("ok", "repaired", "warning", "error"), c["id"]
        assert (c["expect"] == "error") == ("error" in c), c["id"]
        if not c.get("generated"):
            assert (CORPUS / c["file"]).exists(), c["file"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_corpus_api(case, generated, tmp_path, monkeypatch):
    work = _workdir(tmp_path, monkeypatch)
    path = _input(case, generated, work)
    before = _files(tmp_path)
    out = case.get("out", "clean.geojson")
    args = dict(case.get("args", {}))
    if "required" in args:
        args["required"] = tuple(args["required"])

    def run():
        gdf, report = io.import_file(path, **args)
        written = io.write_layer(gdf, out, crs=case.get("crs_out"), metadata={"source": case["file"]})
        return gdf, report, written

    if case["expect"] == "error":
        with pytest.raises(errors.InputError) as exc:
            run()
        assert type(exc.value).__name__ == case["error"], str(exc.value)
        assert re.search(case["match"], str(exc.value)), str(exc.value)
        assert _files(tmp_path) == before, "a failed import must leave no file behind"
        return
    gdf, report, written = run()
    assert report.ok and len(gdf) > 0
    assert gdf.crs.to_epsg() == 4326 and gdf.geometry.is_valid.all()
    assert written.exists() and _files(tmp_path) - before == {str(written.resolve().relative_to(tmp_path))}
    kinds = report.kinds()
    if case["expect"] == "ok":
        assert not report.repairs and not report.warnings, report.lines()
    elif case["expect"] == "repaired":
        assert report.repairs and set(case["kinds"]) <= {i.kind for i in report.repairs}, report.lines()
    else:
        assert report.warnings and set(case["kinds"]) <= {i.kind for i in report.warnings}, report.lines()
    assert set(case.get("kinds", [])) <= kinds
    for field, value in case.get("equals", {}).items():
        assert gdf[field].iloc[0] == value
    for field in case.get("escaped", []):
        raw = gdf[field].astype(str)
        assert raw.str.contains(r"[<>\"]").any(), "the case must actually contain markup"
        for v in raw:
            s = safe_text(v)
            assert not re.search(r"[<>\"]", s) and html.unescape(s) == v


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_corpus_cli(case, generated, tmp_path, monkeypatch, capsys):
    work = _workdir(tmp_path, monkeypatch)
    path = _input(case, generated, work)
    before = _files(tmp_path)
    args = case.get("args", {})
    argv = ["import", str(path), "--out", case.get("out", "clean.geojson")]
    for key in ("crs", "layer", "lon", "lat", "id_field"):
        if key in args:
            argv += [f"--{key.replace('_', '-')}", str(args[key])]
    if "required" in args:
        argv += ["--required", ",".join(args["required"])]
    if "max_bytes" in args:
        argv += ["--max-mb", str(args["max_bytes"] / 1e6)]
    if "crs_out" in case:
        argv += ["--out-crs", case["crs_out"]]
    status = main(argv)
    err = capsys.readouterr().err
    if case["expect"] == "error":
        assert status == 2, err
        last = err.strip().splitlines()[-1]
        assert last.startswith("geoplan import: error: ") and re.search(case["match"], last), err
        assert _files(tmp_path) == before, "a failed import must leave no file behind"
    else:
        assert status == 0, err
        new = _files(tmp_path) - before
        assert len(new) == 1 and next(iter(new)).startswith("work/"), new
        if case["expect"] != "ok":
            assert re.search(r"^(repaired|warning): ", err, re.MULTILINE), err
