"""``python -m benchmarks run`` — the parcel-scale benchmark suite (see benchmarks/README.md).

    python -m benchmarks run                       # N = 10k, 100k, 1M, all workloads → RESULTS.md
    python -m benchmarks run --sizes 10000 --workloads ab --out /tmp/r.md
    python -m benchmarks generate --n 100000       # just write the cached GeoParquet
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _results_path(workdir: str, out: str) -> Path:
    """Raw rows of a run, one file per report (a quick run to /tmp does not replace RESULTS.md's)."""
    return Path(workdir) / f"results_{Path(out).stem}.json"


BEGIN, END = "<!-- benchmarks run: begin -->", "<!-- benchmarks run: end -->"
SUPERSEDED = ("## Round 2: (a) exact corridor distances",)  # earlier partial runs this section replaces


def write_report(out: Path, body: str) -> None:
    """Replace only this harness's section of ``out``; sections others appended (plan ingestion
    quality, site-selection quality, …) are kept as they are.

    The section sits between two HTML comments. A file written before they existed is read as: this
    harness's text up to the first ``## `` heading the new run does not produce, the rest kept
    (except earlier partial runs named in ``SUPERSEDED``).
    """
    block = f"{BEGIN}\n{body.rstrip()}\n{END}\n"
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    if BEGIN in old and END in old:
        head, rest = old.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        out.write_text(head + block + ("\n" + tail.lstrip("\n") if tail.strip() else ""), encoding="utf-8")
        return
    own = {ln.strip() for ln in body.splitlines() if ln.startswith("## ")}
    lines = old.splitlines()
    cut = next((i for i, ln in enumerate(lines) if ln.startswith("## ") and ln.strip() not in own), len(lines))
    kept, skip = [], False
    for ln in lines[cut:]:
        if ln.startswith("## "):
            skip = ln.startswith(SUPERSEDED)
        if not skip:
            kept.append(ln)
    tail = "\n".join(kept).strip()
    out.write_text(block + ("\n" + tail + "\n" if tail else ""), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="run the workloads and write RESULTS.md")
    r.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated N")
    r.add_argument("--workloads", default="abcd", help="subset of a, b, c, d")
    r.add_argument("--seed", type=int, default=2021)
    r.add_argument("--budget", type=float, default=60.0,
                   help="seconds; slower predicted runs are extrapolated instead (default 60)")
    r.add_argument("--out", default=str(HERE / "RESULTS.md"))
    r.add_argument("--notes", default=str(HERE / "NOTES.md"),
                   help="markdown inserted into RESULTS.md (targets, profiles); skipped when absent or ''")
    r.add_argument("--workdir", default=str(HERE / "_data"), help="cache of generated parcels")
    r.add_argument("--app-parcels", type=int, default=1_000_000,
                   help="at the end, benchmarks/app_render.py --parcels N in a subprocess (0: skip; "
                        "needs /usr/bin/chromium)")
    rp = sub.add_parser("report", help="re-render a report from its last run (_data/results_<name>.json) with new notes")
    rp.add_argument("--out", default=str(HERE / "RESULTS.md"))
    rp.add_argument("--notes", default=str(HERE / "NOTES.md"))
    rp.add_argument("--workdir", default=str(HERE / "_data"))
    g = sub.add_parser("generate", help="write the cached synthetic parcels (GeoParquet)")
    g.add_argument("--n", type=int, required=True)
    g.add_argument("--seed", type=int, default=2021)
    g.add_argument("--workdir", default=str(HERE / "_data"))
    a = p.parse_args(argv)

    if a.cmd == "generate":
        from .parcels import ensure_parcels

        print(ensure_parcels(a.n, seed=a.seed, workdir=a.workdir))
        return 0

    from .report import render, targets16

    if a.cmd == "report":
        meta = json.loads(_results_path(a.workdir, a.out).read_text())
        notes = Path(a.notes).read_text(encoding="utf-8") if a.notes and Path(a.notes).is_file() else ""
        write_report(Path(a.out), render(meta, meta["command"], notes))
        print(f"wrote {a.out} (from the run of {meta.get('finished', '?')})")
        return 0

    from .run import run_all

    sizes = [int(s) for s in a.sizes.split(",") if s.strip()]
    command = "python -m benchmarks " + " ".join(shlex.quote(x) for x in (argv or sys.argv[1:]))
    meta = run_all(sizes, workloads=a.workloads, seed=a.seed, budget_s=a.budget, workdir=Path(a.workdir),
                   app_parcels=a.app_parcels)
    meta["command"] = command
    meta["finished"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    Path(a.workdir).mkdir(parents=True, exist_ok=True)
    _results_path(a.workdir, a.out).write_text(json.dumps(meta, indent=1, default=str))
    notes = Path(a.notes).read_text(encoding="utf-8") if a.notes and Path(a.notes).is_file() else ""
    write_report(Path(a.out), render(meta, command, notes))
    print("\nTargets (issue 16)\n" + targets16(meta["rows"], meta))
    print(f"\nwrote {a.out}\nreproduce with:\n  {command}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
