"""RESULTS.md from a run: machine, versions, one table per workload with ratios to geoplan."""

from __future__ import annotations

import os
import platform
from datetime import datetime, timezone

import pandas as pd

TITLES = {
    "load": "Loading 1 file of N parcels (after which every workload starts)",
    "prepare": "Preparing a parcel layer once (host district + distance to each axis, stored as columns)",
    "a": "(a) distance of every parcel to each corridor axis + nearest axis",
    "b": "(b) site-selection query over all parcels (gates + weighted score + top-k)",
    "c": "(c) land-weighted 亩均产值 of parcels per district (spatial join + aggregation)",
    "d": "(d) distance-to-corridor raster over all Chongqing",
}
REFERENCE = {"a": "geoplan corridor_distances", "prepare": "geoplan prepare_parcels", "b": "vectorised (geoplan.parcels)", "c": "geoplan",
             "load": "geoplan load_parcels (GeoParquet)"}


def machine() -> dict[str, str]:
    import duckdb
    import geopandas
    import numpy
    import pyarrow
    import pyproj
    import shapely
    import psutil

    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "cpu": f"{cpu}, {os.cpu_count()} logical cores",
        "memory": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": (f"geopandas {geopandas.__version__}, shapely {shapely.__version__} "
                     f"(GEOS {shapely.geos_version_string}), numpy {numpy.__version__}, pyarrow "
                     f"{pyarrow.__version__}, pyproj {pyproj.__version__} (PROJ {pyproj.proj_version_str}), "
                     f"duckdb {duckdb.__version__} + duckdb-extension-spatial"),
    }


def _fmt_s(v) -> str:
    return "—" if v is None or pd.isna(v) else (f"{v:.3f}" if v < 10 else f"{v:.1f}")


def _fmt_mb(v) -> str:
    return "—" if v is None or pd.isna(v) else f"{v:,.0f}"


def tables(rows: list[dict]) -> str:
    df = pd.DataFrame(rows)
    out = []
    for wl in ("load", "prepare", "a", "b", "c", "d"):
        sub = df[df["workload"] == wl]
        if sub.empty:
            continue
        out.append(f"### {TITLES[wl]}\n")
        ref_name = REFERENCE.get(wl)
        nlabel = "cells" if wl == "d" else "N"
        out.append(f"| {nlabel} | method | time (s) | CPU (s) | peak RSS (MB) | × reference time | how | check |")
        out.append("|---:|---|---:|---:|---:|---:|---|---|")
        for n, grp in sub.groupby("n", sort=True):
            ref = grp[grp["method"] == ref_name]["seconds"]
            ref_s = float(ref.iloc[0]) if len(ref) and pd.notna(ref.iloc[0]) else None
            for _, r in grp.iterrows():
                ratio = (f"{r['seconds'] / ref_s:,.1f}×" if ref_s and r["seconds"] is not None
                         and pd.notna(r["seconds"]) and r["method"] != ref_name else "")
                if r["method"] == ref_name:
                    ratio = "reference"
                out.append(f"| {int(n):,} | {r['method']} | {_fmt_s(r['seconds'])} | {_fmt_s(r.get('cpu_s'))} "
                           f"| {_fmt_mb(r['peak_mb'])} "
                           f"| {ratio} | {r['mode']} | {r['check']} |")
        out.append("")
    return "\n".join(out)


def render(meta: dict, command: str, notes: str = "") -> str:
    m = machine()
    when = meta.get("finished") or datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# geoplan parcel-scale benchmarks — results",
        "",
        f"Measured {when} with:",
        "",
        "```",
        command,
        "```",
        "",
        "## Machine",
        "",
        *(f"- **{k}**: {v}" for k, v in m.items()),
        "",
        "## How to read this",
        "",
        "- Same process, same parcels (seeded generator `benchmarks/parcels.py`, seed "
        f"{meta['seed']}) for every method. Times are wall-clock seconds of one call **after loading** "
        "(the `load` table times loading separately).",
        "- Peak memory = peak process RSS above the RSS before the call, sampled every 2 ms by psutil "
        "(after `gc.collect()` + `malloc_trim(0)`); it counts GEOS/PROJ/Arrow/DuckDB memory, which "
        "tracemalloc would miss, and includes the returned result.",
        f"- A method predicted (linearly in N from its largest measured N) to take more than "
        f"{meta['budget_s']:g} s is not run; its row says *extrapolated from N=…*.",
        "- DuckDB uses all cores (its default); geoplan and the per-row baseline run on one core. "
        "CPU = user + system time of the whole process during the call (includes the 2 ms sampler); "
        "on a shared machine CPU time is the steadier number, wall time the one users feel.",
        "",
        notes,
        "",
        "## Results",
        "",
        tables(meta["rows"]),
    ]
    return "\n".join(lines).rstrip() + "\n"
