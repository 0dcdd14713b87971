"""Plan-ingestion quality: ``geoplan.ingest`` on the five seeds against the hand-checked rows.

    python -m benchmarks.ingest_quality              # print the table, append it to RESULTS.md
    python -m benchmarks.ingest_quality --no-write   # print only

A proposal matches a row of ``data/assignments.csv`` when industry_id, place_id and line agree.
Recall and precision per seed and per kind: the gold kind is the row's ``kind`` column when the
data have one, else "siting"; a proposal's kind is its own. Misses are listed by seed and line.
Not a test: pytest never runs it.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from geoplan.data import catalog
from geoplan.ingest import propose, read_plan
from geoplan.paths import seeds_dir

HERE = Path(__file__).resolve().parent
HEADING = "## Plan ingestion quality"


def _key(df: pd.DataFrame) -> pd.Series:
    return df["industry_id"].astype(str) + "|" + df["place_id"].astype(str) + "|" + df["line"].astype(str)


def evaluate(seeds: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, float]:
    """(per-seed table, per-kind table, misses, seconds) for the seeds in ``seeds``."""
    kb = catalog.assignments().copy()
    kb["line"] = kb["source_line"]
    kb["kind"] = kb["kind"].fillna("").replace("", "siting") if "kind" in kb.columns else "siting"
    per_seed, per_kind_gold, per_kind_prop, misses = [], [], [], []
    t0 = time.perf_counter()
    for path in sorted(seeds.glob("*.txt")):
        gold = kb[kb["source"] == path.name].copy()
        prop = propose(read_plan(path))
        gold["key"], prop["key"] = _key(gold), _key(prop)
        gold["hit"] = gold["key"].isin(set(prop["key"]))
        kinds_at = prop.groupby("key")["kind"].agg(set).to_dict()
        gold["same_kind"] = [k in kinds_at.get(key, ()) for key, k in zip(gold["key"], gold["kind"])]
        prop["hit"] = prop["key"].isin(set(gold["key"]))
        gs, ps = gold[gold["kind"] == "siting"], prop[prop["kind"] == "siting"]
        per_seed.append({"seed": path.name, "gold": len(gold), "proposed": len(prop),
                         "matched_gold": int(gold["hit"].sum()), "matched_proposed": int(prop["hit"].sum()),
                         "s_gold": len(gs), "s_matched_gold": int(gs["hit"].sum()),
                         "s_proposed": len(ps), "s_matched_proposed": int(ps["hit"].sum())})
        per_kind_gold.append(gold[["kind", "hit", "same_kind"]])
        per_kind_prop.append(prop[["kind", "hit"]])
        for _, r in gold[~gold["hit"]].iterrows():
            misses.append({"seed": path.name, "line": int(r["line"]), "industry_id": r["industry_id"],
                           "place": f"{r['place_zh']} ({r['place_id']})", "kind": r["kind"]})
    secs = time.perf_counter() - t0
    seed_t = pd.DataFrame(per_seed)
    g = pd.concat(per_kind_gold)
    p = pd.concat(per_kind_prop)
    kinds = sorted(set(g["kind"]) | set(p["kind"]))
    kind_t = pd.DataFrame([{"kind": k, "gold": int((g["kind"] == k).sum()),
                            "matched_gold": int(g.loc[g["kind"] == k, "hit"].sum()),
                            "same_kind": int(g.loc[g["kind"] == k, "same_kind"].sum()),
                            "proposed": int((p["kind"] == k).sum()),
                            "matched_proposed": int(p.loc[p["kind"] == k, "hit"].sum())} for k in kinds])
    return seed_t, kind_t, pd.DataFrame(misses), secs


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            return next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "–"


def render(seed_t: pd.DataFrame, kind_t: pd.DataFrame, misses: pd.DataFrame, secs: float,
           overall_kind: pd.DataFrame | None = None) -> str:
    lines = [HEADING, "",
             f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node() or 'unknown host'} "
             f"({_cpu()}, {os.cpu_count()} logical cores, "
             f"{platform.platform()}, Python {platform.python_version()}); ingestion of all five seeds took "
             f"{secs:.1f} s. Command: `python -m benchmarks.ingest_quality`.",
             "",
             "Match = same industry_id + place_id + line as a row of `data/assignments.csv`. Recall = matched "
             "gold rows / gold rows; precision = matched proposals / proposals. Gold rows without a `kind` "
             "count as siting. The hand-checked rows are a selection (not every industry–place sentence of a "
             "seed was entered), so an unmatched proposal is not necessarily wrong; precision here is a lower bound.",
             "", "| seed | gold rows | proposals | recall | precision | siting gold | siting recall "
                 "| siting proposals | siting precision |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    tot = seed_t.drop(columns="seed").sum()
    for _, r in [*seed_t.iterrows(), (None, {"seed": "**all**", **tot.to_dict()})]:
        lines.append(f"| {r['seed']} | {r['gold']} | {r['proposed']} | {_ratio(r['matched_gold'], r['gold'])} "
                     f"| {_ratio(r['matched_proposed'], r['proposed'])} | {r['s_gold']} "
                     f"| {_ratio(r['s_matched_gold'], r['s_gold'])} | {r['s_proposed']} "
                     f"| {_ratio(r['s_matched_proposed'], r['s_proposed'])} |")
    lines += ["", "Per kind: recall by the gold row's kind, precision by the proposal's own kind; *kind agrees* = "
                  "share of matched gold rows whose proposal carries the same kind.", "",
              "| kind | gold rows | recall | kind agrees | proposals | precision |",
              "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for _, r in kind_t.iterrows():
        lines.append(f"| {r['kind']} | {r['gold']} | {_ratio(r['matched_gold'], r['gold'])} "
                     f"| {_ratio(r['same_kind'], r['matched_gold'])} | {r['proposed']} "
                     f"| {_ratio(r['matched_proposed'], r['proposed'])} |")
    sit = kind_t[kind_t["kind"] == "siting"]
    if not sit.empty:
        r = sit.iloc[0]
        rec = r["matched_gold"] / r["gold"] if r["gold"] else float("nan")
        pre = r["matched_proposed"] / r["proposed"] if r["proposed"] else float("nan")
        ok = "met" if rec >= 0.9 and pre >= 0.9 else "NOT met"
        lines += ["", f"Target (siting: recall ≥ 0.90 and precision ≥ 0.90): **{ok}** "
                      f"(recall {rec:.2f}, precision {pre:.2f})."]
    lines += ["", f"Misses ({len(misses)} gold rows not proposed), by seed and line:", ""]
    if not misses.empty:
        for (seed, line), grp in misses.groupby(["seed", "line"], sort=True):
            items = "; ".join(f"{a} → {b} [{k}]" for a, b, k in zip(grp["industry_id"], grp["place"], grp["kind"]))
            lines.append(f"- {seed} L{line}: {items}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.ingest_quality", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default=None, help="folder of seed .txt files (default: geoplan.paths.seeds_dir())")
    ap.add_argument("--out", default=str(HERE / "RESULTS.md"), help="file to append the section to")
    ap.add_argument("--no-write", action="store_true", help="print only")
    a = ap.parse_args(argv)
    seeds = Path(a.seeds) if a.seeds else seeds_dir()
    if not seeds.is_dir() or not list(seeds.glob("*.txt")):
        print(f"no seeds found in {seeds}", file=sys.stderr)
        return 2
    seed_t, kind_t, misses, secs = evaluate(seeds)
    text = render(seed_t, kind_t, misses, secs)
    print(text)
    if not a.no_write:
        out = Path(a.out)
        old = out.read_text(encoding="utf-8") if out.exists() else ""
        if HEADING in old:  # replace the previous run's section in place, keep everything else
            head, _, rest = old.partition(HEADING)
            nxt = rest.find("\n## ")
            tail = rest[nxt + 1:] if nxt >= 0 else ""
            new = head.rstrip("\n") + "\n\n" + text + ("\n" + tail if tail else "")
        else:
            new = old.rstrip("\n") + "\n\n" + text
        out.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
