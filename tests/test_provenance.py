"""Every seed-cited row of the plan tables quotes its seed line verbatim (whitespace ignored)."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
import pytest

from geoplan.paths import data_dir, seeds_dir

if not seeds_dir().exists():
    pytest.skip(f"seed texts not found at {seeds_dir()} (../shared/seeds); provenance cannot be checked",
                allow_module_level=True)

PLAN_TABLES = {"parks.csv", "industries.csv", "regions.csv", "assignments.csv", "targets.csv", "tongliang_projects.csv",
               "park_lead_industries.csv"}


def _tables_with_provenance() -> list[str]:
    """Every CSV under data/ that has source, source_line and evidence_zh columns."""
    out = []
    for p in sorted(data_dir().rglob("*.csv")):
        cols = set(pd.read_csv(p, nrows=0).columns)
        if {"source", "source_line", "evidence_zh"} <= cols:
            out.append(str(p.relative_to(data_dir())))
    return out


TABLES = _tables_with_provenance()


def test_all_plan_tables_are_covered() -> None:
    assert PLAN_TABLES <= set(TABLES)
_WS = re.compile(r"\s+")
_LINES: dict[str, list[str]] = {}


def _squash(s: str) -> str:
    return _WS.sub("", unicodedata.normalize("NFC", s))


def _line(name: str, n: int) -> str:
    if name not in _LINES:
        _LINES[name] = (seeds_dir() / name).read_text(encoding="utf-8").split("\n")
    lines = _LINES[name]
    return lines[n - 1] if 1 <= n <= len(lines) else ""


def _problems(table: str) -> tuple[int, list[str]]:
    df = pd.read_csv(data_dir() / table, dtype=str, keep_default_na=False)
    seeded = df[df["source"].str.endswith(".txt")]
    bad = []
    for idx, row in seeded.iterrows():  # a few hundred rows: readability over speed
        parts = [p for p in re.split(r"…+|\.\.\.+", row["evidence_zh"]) if _squash(p)]
        text = _squash(_line(row["source"], int(row["source_line"] or 0)))
        if not parts or not all(_squash(p) in text for p in parts):
            bad.append(f"{table} row {idx + 2}: {row['evidence_zh'][:40]!r} not on {row['source']} L{row['source_line']}")
    return len(seeded), bad


@pytest.mark.parametrize("table", TABLES)
def test_evidence_is_on_the_cited_seed_line(table: str) -> None:
    n, bad = _problems(table)
    if table in PLAN_TABLES:
        assert n > 0, f"{table} has no seed-cited rows"
    assert not bad, "\n".join(bad[:20])


def test_seed_files_named_exist() -> None:
    names = set()
    for t in TABLES:
        df = pd.read_csv(data_dir() / t, dtype=str, keep_default_na=False)
        names |= set(df.loc[df["source"].str.endswith(".txt"), "source"])
    missing = [n for n in names if not (seeds_dir() / n).exists()]
    assert not missing, missing


def test_checker_rejects_a_wrong_line() -> None:
    """The check is not vacuous: the same evidence cited one line off must not match."""
    df = pd.read_csv(data_dir() / "assignments.csv", dtype=str, keep_default_na=False)
    row = df[df["source"].str.endswith(".txt")].iloc[0]
    shifted = _squash(_line(row["source"], int(row["source_line"]) + 1))
    assert _squash(row["evidence_zh"]) not in shifted


def test_plan_class_lead_industries_have_evidence_on_their_line() -> None:
    """Issue 11: a lead industry is class ``plan`` only with verbatim evidence on its seed line; the others
    (``general``, ``catalogue``) carry no seed line, so they can never be read as plan text."""
    df = pd.read_csv(data_dir() / "park_lead_industries.csv", dtype=str, keep_default_na=False)
    assert set(df["source_class"]) <= {"plan", "catalogue", "general"}
    plan = df[df["source_class"] == "plan"]
    assert len(plan) and (plan["source"].str.endswith(".txt")).all() and (plan["evidence_zh"] != "").all()
    for _, r in plan.iterrows():
        assert _squash(r["evidence_zh"]) in _squash(_line(r["source"], int(r["source_line"]))), r.to_dict()
    other = df[df["source_class"] != "plan"]
    assert (other["source_line"] == "").all() and (other["evidence_zh"] == "").all()
    cat = df[df["source_class"] == "catalogue"]
    assert (cat["source_title"] != "").all()  # a catalogue row names the catalogue actually seen
    parks = pd.read_csv(data_dir() / "parks.csv", dtype=str, keep_default_na=False)
    want = {(p, i) for p, ids in zip(parks["park_id"], parks["industry_ids"]) for i in ids.split(";") if i}
    assert want == set(zip(df["park_id"], df["industry_id"]))
