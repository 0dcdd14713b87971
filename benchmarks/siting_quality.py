"""Site-selection quality (issue 12): plan consistency, land sensitivity, pipeline vs greedy.

    python -m benchmarks.siting_quality            # print the tables, update benchmarks/RESULTS.md
    python -m benchmarks.siting_quality --no-write # print only

Plan consistency: for each of seed 003's 14 industry 专栏 (专栏1–14), the 重点区县 list is parsed from
the seed text itself; the industry is the 专栏 heading resolved through the taxonomy. A listed district
matches a park hosted in it; a listed park (两江新区, 重庆高新区, 万盛经开区) matches that park. Score =
distinct listed places among the top 5 parks / min(5, list length); one row per park; the same method
and defaults for every industry (nothing tuned per industry).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

from geoplan.data import taxonomy
from geoplan.paths import data_dir
from geoplan.siting import select_sites
from geoplan.siting.allocate import allocate, fit_matrix, greedy, read_projects

HERE = Path(__file__).resolve().parent
SEED_003 = "003_47939a72131e0a6e.txt"
HEADING = "## Site-selection quality"
LANDS = (50, 300, 1000)


def seed_path() -> Path:
    for base in (data_dir().parent.parent / "shared" / "seeds", Path("/work/shared/seeds"),
                 HERE.parent.parent / "shared" / "seeds"):
        p = base / SEED_003
        if p.exists():
            return p
    raise FileNotFoundError(f"seed {SEED_003} not found (expected in ../shared/seeds)")


def parse_columns(path: Path) -> list[dict]:
    """The 14 industry 专栏 of seed 003: heading line, industry text, 重点区县 line and places."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out, heading = [], None
    for i, raw in enumerate(lines, start=1):
        s = raw.strip()
        m = re.match(r"专栏(\d+)\s+(.+?)(产业)?发展重点$", s)
        if m:
            heading = (int(m.group(1)), m.group(2), i)
            continue
        if s == "重点区县" and heading is not None:
            j = i  # next line that is neither blank nor "（开发区）"
            while j < len(lines) and (not lines[j].strip() or lines[j].strip() in ("（开发区）", "(开发区)")):
                j += 1
            places = [p.strip() for p in re.split(r"[、，,]", lines[j]) if p.strip()]
            out.append({"column": heading[0], "industry_text": heading[1], "heading_line": heading[2],
                        "list_line": j + 1, "places": places})
            heading = None
    return out


def _matcher(places: list[str]):
    keys = []
    for name in places:
        ptype, pid = taxonomy.resolve_place(name)
        keys.append((name, ptype, str(pid)))

    def matched(row) -> set[str]:
        hit = set()
        for name, ptype, pid in keys:
            if ptype == "park" and row["cand_id"] == pid:
                hit.add(name)
            elif ptype == "district" and str(row["host_adcode"]) == pid:
                hit.add(name)
        return hit
    return matched


def plan_consistency(columns: list[dict], land_mu: float, land: str | None = None) -> list[dict]:
    rows = []
    for col in columns:
        iid = taxonomy.resolve_industry(col["industry_text"])
        res = select_sites({"industry": iid, "land_mu": land_mu, "top": 5, "land": land})
        matched = _matcher(col["places"])
        got = set()
        for _, r in res.ranked.head(5).iterrows():
            got |= matched(r)
        denom = min(5, len(col["places"]))
        rows.append({**col, "industry_id": iid, "top5": list(res.ranked["name_zh"].head(5)),
                     "matched": sorted(got), "score": min(len(got), denom) / denom, "denom": denom})
    return rows


def land_sensitivity() -> dict:
    """With the example land table: 1000 vs 50 亩 rankings differ; nobody short of land passes."""
    out = {}
    for iid in ("new_materials", "nev", "electronics"):
        a = select_sites({"industry": iid, "land_mu": 1000, "land": "example"})
        b = select_sites({"industry": iid, "land_mu": 50, "land": "example"})
        ok = True
        for res, need in ((a, 1000), (b, 50)):
            s = res.scored
            short = s["available_land_mu"].notna() & (s["available_land_mu"] < need)
            ok &= not bool((short & s["eligible"]).any())
        out[iid] = {"top5_1000": list(a.ranked["cand_id"].head(5)), "top5_50": list(b.ranked["cand_id"].head(5)),
                    "differ": list(a.ranked["cand_id"].head(5)) != list(b.ranked["cand_id"].head(5)),
                    "no_short_land_passes": ok}
    return out


def pipeline() -> dict:
    projects = read_projects(HERE.parent / "examples" / "pipeline.csv")
    fits = fit_matrix(projects, land="example")
    alloc = allocate(projects, fits=fits)
    gr = greedy(projects, fits=fits)
    return {"n_projects": len(projects), "milp_total": alloc.total_fit, "milp_assigned": alloc.n_assigned,
            "greedy_naive_total": gr.naive_total, "greedy_naive_overbooked": len(gr.overbooked),
            "greedy_feasible_total": gr.total_fit, "greedy_feasible_assigned": gr.n_assigned,
            "exceeds_free_land": alloc.max_overbooking_mu() > 1e-6}


def render(cons: dict[int, list[dict]], sens: dict, pipe: dict) -> str:
    L = [HEADING, "",
         "Produced by `python -m benchmarks.siting_quality` (default weights, one row per park, no per-industry "
         "settings). Reference: seed 003's own 重点区县 lists (专栏1–14), parsed from the seed text. "
         "Free land unknown for the consistency rows (the embedded data has none), so 50/300/1000 亩 give the same ranking here (land fit is "
         "neutral when land is unknown; land effects are in the land-sensitivity table). Caveat: the same 专栏 lists are also rows of "
         "data/assignments.csv that the ranking uses, so this measures whether the score FOLLOWS the plans "
         "(the issue's complaint: corridor and one generic sentence used to outrank them), not an independent "
         "validation. The general rules that got it there (no per-industry setting): the plan hierarchy; "
         "a district designation is carried by the district's best park first; a citation of a narrower "
         "industry than the query ranks in the lower half of its level.", "",
         "### Plan consistency (share of listed places in the top 5 / min(5, list length))", "",
         "| 专栏 | industry | listed | " + " | ".join(f"{m} 亩" for m in LANDS) + " | matched (300 亩) |",
         "| --- | --- | --- | " + " | ".join("---" for _ in LANDS) + " | --- |"]
    first = cons[LANDS[0]]
    for k, col in enumerate(first):
        L.append(f"| {col['column']} | {col['industry_text']} ({col['industry_id']}) | {len(col['places'])} | "
                 + " | ".join(f"{cons[m][k]['score']:.2f}" for m in LANDS)
                 + f" | {'、'.join(cons[300][k]['matched'])} |")
    L.append("| **mean** | | | " + " | ".join(f"**{np.mean([r['score'] for r in cons[m]]):.3f}**" for m in LANDS)
             + " | target ≥ 0.9 |")
    L.append("| **min** | | | " + " | ".join(f"**{min(r['score'] for r in cons[m]):.2f}**" for m in LANDS)
             + " | target ≥ 0.6 |")
    L += ["", "### Land sensitivity (ILLUSTRATIVE EXAMPLE land table data/examples/available_land_example.csv)", "",
          "| industry | top 5 at 1000 亩 | top 5 at 50 亩 | rankings differ | no park short of land passes |",
          "| --- | --- | --- | --- | --- |"]
    for iid, r in sens.items():
        L.append(f"| {iid} | {', '.join(r['top5_1000'])} | {', '.join(r['top5_50'])} | {r['differ']} | "
                 f"{r['no_short_land_passes']} |")
    L += ["", "### Pipeline (examples/pipeline.csv, 20 EXAMPLE projects, example land)", "",
          "| method | total fit | projects placed | over-booked parks |", "| --- | --- | --- | --- |",
          f"| joint MILP (pulp/CBC) | {pipe['milp_total']:.3f} | {pipe['milp_assigned']} | 0 |",
          f"| greedy, each project its best park (ignores the others; infeasible) | {pipe['greedy_naive_total']:.3f} | "
          f"{pipe['n_projects']} | {pipe['greedy_naive_overbooked']} |",
          f"| greedy one at a time, skipping full parks | {pipe['greedy_feasible_total']:.3f} | "
          f"{pipe['greedy_feasible_assigned']} | 0 |", "",
          f"Allocation exceeds a park's free land: {pipe['exceeds_free_land']}.", ""]
    return "\n".join(L)


def write_results(text: str, path: Path = HERE / "RESULTS.md") -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if HEADING in old:
        head, _, rest = old.partition(HEADING)
        nxt = re.search(r"^## ", rest[1:], flags=re.M)
        tail = rest[1 + nxt.start():] if nxt else ""
        old = head.rstrip() + "\n\n" + text + ("\n" + tail if tail else "")
    else:
        old = old.rstrip() + "\n\n" + text
    path.write_text(old.rstrip() + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.siting_quality", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--no-write", action="store_true", help="print only; do not update RESULTS.md")
    args = p.parse_args(argv)
    cols = parse_columns(seed_path())
    cons = {m: plan_consistency(cols, m) for m in LANDS}
    text = render(cons, land_sensitivity(), pipeline())
    print(text)
    if not args.no_write:
        write_results(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
