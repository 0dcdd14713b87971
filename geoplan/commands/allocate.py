"""`geoplan allocate`: place a pipeline of projects jointly on parks (项目批量布局), compared with greedy."""

from __future__ import annotations

import argparse
import sys
import unicodedata

from ..io.validate import terminal_text
from ..siting.allocate import allocate, fit_matrix, greedy, read_projects
from ..siting.display import allocation_land_warning
from ..siting.land import land_summary, read_land
from ..store import existing_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "allocate",
        help="allocate a pipeline of projects to parks under free land (项目批量布局)",
        description="Allocate N projects (CSV/YAML: id, industry, land_mu, investment_yi, output_yi) jointly "
                    "to parks under each park's free land and the 标准地 floors, maximising total fit "
                    "(MILP), and compare with one-at-a-time greedy, listing every over-booking.")
    p.add_argument("projects", help="project list, .csv or .yaml")
    p.add_argument("--land", metavar="CSV",
                   help="free land per park (park_id, available_land_mu, as_of, source); default: the "
                        "ILLUSTRATIVE EXAMPLE table (made-up values)")
    p.add_argument("--floors", metavar="CSV", help="标准地 floor table (default: the example table if present)")
    p.add_argument("--store", metavar="URL",
                   help="workspace .gpkg path or postgresql:// URL whose free land (winning over --land) and park "
                        "polygons are used (default: GEOPLAN_STORE, or GEOPLAN_WORKSPACE when that file exists)")
    p.add_argument("--no-workspace", action="store_true",
                   help="ignore the workspace: embedded data and --land (or the example table) only")
    p.set_defaults(handler=run)


def _pad(text: str, width: int) -> str:
    text = str(text)
    cols = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - cols, 1)


def run(args: argparse.Namespace) -> int:
    projects = read_projects(args.projects)
    land = args.land or "example"
    ws = None if args.no_workspace else existing_store(args.store)
    if ws is None:
        fits = fit_matrix(projects, land=land, floors=args.floors)
        info = land_summary(read_land(land))
    else:  # the same free land and polygons as `geoplan site-select` and the app's pipeline section
        try:
            fits = ws.allocation_fits(projects, land=land, floors=args.floors)
            info = land_summary(ws.land_table_for(land))
            print(f"workspace {terminal_text(ws.location)}: free land of {len(ws.land_table())} park(s) and "
                  f"{len(ws.park_polygons())} polygon(s) used (--no-workspace ignores it)", file=sys.stderr)
        finally:
            ws.close()
    a = allocate(projects, fits=fits)
    g = greedy(projects, fits=fits)
    warning = None
    if info["example"] and info["n_example"] < info["n_parks"]:  # workspace figures beside example ones
        warning = "\n".join(allocation_land_warning(fits[1], [a.assignment, g.naive], info, lang)
                             for lang in ("en", "zh"))
    print(format_report(a, g, example=info["example"], warning=warning))
    return 0


def format_report(a, g, example: bool = True, warning: str | None = None) -> str:
    L = []
    if warning:  # partly example data: which parks still take a made-up figure
        L.append(warning)
    elif example:
        L.append("!! free land = ILLUSTRATIVE EXAMPLE data (made-up values) — 可用地为示例数据，非真实 !!")
    L.append(f"joint allocation (MILP, {a.status}) 联合布局 — total fit {a.total_fit:.3f}, "
             f"{a.n_assigned} of {len(a.assignment)} projects placed")
    L.append(_pad("project", 8) + _pad("industry 产业", 22) + _pad("亩", 8) + _pad("park 园区 (MILP)", 36)
             + _pad("fit", 7) + _pad("greedy 贪心", 36) + "fit")
    gn = g.naive.set_index("project_id")
    for _, r in a.assignment.iterrows():
        n = gn.loc[r["project_id"]]
        L.append(_pad(r["project_id"], 8) + _pad(r["industry"][:10], 22) + _pad(f"{r['land_mu']:g}", 8)
                 + _pad((r["name_zh"] or "— unplaced 未安置")[:17], 36) + _pad(f"{r['fit']:.3f}", 7)
                 + _pad((n["name_zh"] or "—")[:17], 36) + f"{n['fit']:.3f}")
    L.append("")
    L.append("comparison 对比:")
    L.append(f"  joint MILP 联合优化:                         total fit {a.total_fit:.3f}, placed {a.n_assigned}, "
             f"over-booked parks 0")
    L.append(f"  greedy, best park each (ignores the others): total fit {g.naive_total:.3f}, "
             f"over-booked parks {len(g.overbooked)} (infeasible)")
    L.append(f"  greedy one at a time, skipping full parks:   total fit {g.total_fit:.3f}, placed {g.n_assigned}")
    L.append("")
    if len(g.overbooked):
        L.append("greedy over-bookings 贪心方案超额占用:")
        for _, r in g.overbooked.iterrows():
            L.append(f"  - {r['name_zh']} ({r['park_id']}): free {r['free_mu']:,.0f} 亩, greedy books "
                     f"{r['booked_mu']:,.0f} 亩 (+{r['booked_mu'] - r['free_mu']:,.0f}) for {r['projects']}")
    else:
        L.append("greedy over-books no park 贪心方案无超额占用")
    use = a.parks[a.parks["n_projects"] > 0]
    L.append("")
    L.append("park use (MILP) 园区用地:")
    for _, r in use.iterrows():
        L.append(f"  {_pad(r['name_zh'][:17], 36)} {r['used_mu']:,.0f} / {r['free_mu']:,.0f} 亩, {r['n_projects']} projects")
    L += [f"note: {n}" for n in a.notes]
    return "\n".join(L)
