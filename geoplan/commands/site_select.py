"""`geoplan site-select`: rank parks (or a candidate layer) for an investment project (项目选址)."""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

from ..data.citations import cite
from ..errors import InputError
from ..io import import_file
from ..io.validate import json_safe, terminal_text
from ..siting import select_sites
from ..siting.spec import AXES, SiteSpec, load_spec, save_spec
from ..store import existing_store, open_store

# CLI option → spec field (only options the user gave override a --spec file)
_FIELDS = {"industry": "industry", "land_mu": "land_mu", "investment": "investment_yi",
           "output": "output_yi", "tax": "tax_wan", "max_corridor_km": "max_corridor_km",
           "axis": "axis", "region": "regions", "district": "districts", "exclude": "exclude",
           "top": "top", "floors": "floors", "min_relation": "min_relation", "land": "land"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "site-select",
        help="rank parks for an investment project, with plan citations (项目选址)",
        description="Rank candidate parks for a project: gates (plan support, land, 标准地 floors, "
                    "corridor distance), weighted score with per-criterion contributions, plan "
                    "citations and a weight-stability check.")
    p.add_argument("--industry", help="industry, free text in 中文 or English (e.g. 新能源汽车)")
    p.add_argument("--land-mu", type=float, help="land need in 亩 (> 0)")
    p.add_argument("--investment", type=float, metavar="YI", help="investment, 亿元")
    p.add_argument("--output", type=float, metavar="YI", help="expected annual output, 亿元")
    p.add_argument("--tax", type=float, metavar="WAN", help="expected annual tax, 万元")
    p.add_argument("--max-corridor-km", type=float, metavar="K", help="maximum distance to a corridor, km")
    p.add_argument("--axis", choices=AXES, help="measure corridor distance to this axis only")
    p.add_argument("--region", action="append", metavar="NAME",
                   help="only candidates in this region or district (repeatable), e.g. 主城新区")
    p.add_argument("--district", action="append", metavar="NAME", help="only candidates in this district")
    p.add_argument("--exclude", action="append", metavar="NAME", help="never offer this park/district")
    p.add_argument("--min-relation", choices=("direct", "same_chain", "same_sector"),
                   help="weakest plan relation that counts as support (default same_sector)")
    p.add_argument("--floors", metavar="CSV", help="标准地 floor table (park_id, industry_id, *_min); 'example' for the illustrative table; "
                   "default: none (no published per park values)")
    p.add_argument("--land", metavar="CSV",
                   help="free land per park (park_id, available_land_mu, as_of, source)")
    p.add_argument("--example-land", action="store_true",
                   help="use the ILLUSTRATIVE EXAMPLE free-land table (made-up values, 示例数据)")
    p.add_argument("--exclude-unknown-land", action="store_true",
                   help="drop parks whose free land is unknown")
    p.add_argument("--zones", action="store_true",
                   help="zone-level view: keep sub-zones (组团, 集聚区) as their own rows")
    p.add_argument("--candidates", metavar="FILE",
                   help="candidate layer (GeoJSON/GeoPackage/…) instead of the embedded parks")
    p.add_argument("--weight", action="append", metavar="NAME=W",
                   help="criterion weight, repeatable: industry_fit, corridor, intensity, tier, region_role")
    p.add_argument("--top", type=int, help="how many ranked candidates to return (default 10)")
    p.add_argument("--spec", metavar="FILE", help="read the query from a YAML/JSON spec; options override it")
    p.add_argument("--save-spec", metavar="FILE", help="write the effective query to a YAML/JSON spec")
    p.add_argument("--format", choices=("table", "json", "geojson"), default="table")
    p.add_argument("--store", metavar="URL",
                   help="workspace .gpkg path or postgresql:// URL whose free land and park polygons are used "
                        "(default: GEOPLAN_STORE, else the GEOPLAN_WORKSPACE file when it exists)")
    p.add_argument("--workspace-layer", metavar="NAME",
                   help="a parcels / park-polygon layer stored in the workspace (`geoplan workspace import`) "
                        "as the candidates")
    p.add_argument("--no-workspace", action="store_true",
                   help="ignore the workspace: embedded data (and --land / --example-land) only")
    p.set_defaults(handler=run)


def build_spec(args: argparse.Namespace) -> SiteSpec:
    """The spec from --spec (if any) overridden by the options given on the command line."""
    data = load_spec(args.spec).to_dict() if args.spec else {}
    for opt, fld in _FIELDS.items():
        v = getattr(args, opt, None)
        if v is not None:
            data[fld] = v
    if getattr(args, "example_land", False) and not getattr(args, "land", None):
        data["land"] = "example"
    if getattr(args, "exclude_unknown_land", False):
        data["exclude_unknown_land"] = True
    if getattr(args, "zones", False):
        data["collapse_zones"] = False
    for item in args.weight or []:
        name, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"expected NAME=W, got {item!r}", field="--weight")
        data.setdefault("weights", {})
        data["weights"] = {**data["weights"], name.strip(): value.strip()}
    if "industry" not in data:
        raise InputError("give --industry (or a --spec file with 'industry')", field="industry")
    if "land_mu" not in data:
        raise InputError("give --land-mu, the land need in 亩 (or a --spec file with 'land_mu')",
                         field="land_mu")
    return SiteSpec.from_dict(data)


def _read_candidates(path: str):
    gdf, _report = import_file(path)  # validated, repaired, WGS84; errors name file/row/field
    return gdf


def _select(args: argparse.Namespace, spec: SiteSpec):
    """A stored workspace layer, a --candidates file, or the parks with the workspace's land and polygons."""
    if args.workspace_layer:  # a layer imported earlier (`geoplan workspace import`), its report kept with it
        s = open_store(args.store)
        try:
            cands = s.layer(args.workspace_layer)
        finally:
            s.close()
        return select_sites(spec, cands)
    if args.candidates:
        return select_sites(spec, _read_candidates(args.candidates))
    ws = None if args.no_workspace else existing_store(args.store)
    if ws is None:
        return select_sites(spec)
    try:
        result = ws.run_site_selection(spec)
        print(f"workspace {terminal_text(ws.location)}: free land of {len(ws.land_table())} park(s) and "
              f"{len(ws.park_polygons())} polygon(s) used (--no-workspace ignores it)", file=sys.stderr)
    finally:
        ws.close()
    return result


def run(args: argparse.Namespace) -> int:
    spec = build_spec(args)
    if args.save_spec:
        written = save_spec(spec, args.save_spec)
        print(f"spec written to {terminal_text(str(Path(written).resolve()))}", file=sys.stderr)
    result = _select(args, spec)
    if args.format == "json":
        print(json.dumps(json_safe(json.loads(result.to_json())), ensure_ascii=False, indent=2, allow_nan=False))
    elif args.format == "geojson":
        print(result.to_geojson())
    else:
        print(format_table(result))
    return 0


def _pad(text: str, width: int) -> str:
    """Left-justify for a terminal where CJK characters take two columns."""
    text = str(text)
    cols = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - cols, 1)


def _refs(cites: list[dict]) -> str:
    return "; ".join(dict.fromkeys(x.get("cite") or cite(x["source"], x["source_line"]) for x in cites))


def _land_cell(c: dict) -> str:
    land = c.get("land") or {}
    if land.get("available_mu") is None:
        return "UNKNOWN 未知"
    return f"{land['available_mu']:,.0f}" + (" (ex.)" if land.get("example") else "")


def format_table(result) -> str:
    """A plain-text ranking for the terminal, then reasons, what would change the order, the best
    excluded candidates and the caveats as plain lists.
    """
    e = result.explanation
    ind = e["industry"]
    typed = str(result.spec.industry).strip()
    resolved = "" if typed in (ind["id"], ind["name_zh"], ind["name_en"]) else f"“{typed}” → "
    lines = [(f"{resolved}{ind['name_zh']} / {ind['name_en']} ({ind['id']}), {result.spec.land_mu:g} 亩 — "
              f"{e['n_eligible']} of {e['n_candidates']} candidates pass the gates"
              + ("" if result.spec.collapse_zones else " (zone-level view)"))]
    if e.get("land_table", {}).get("example"):
        lines.append("!! free land = ILLUSTRATIVE EXAMPLE data (made-up values) — 可用地为示例数据，非真实 !!")
    lines.append("rank  score  " + _pad("park 园区", 40) + _pad("host 区县", 12) + "tier  "
                 + _pad("plan level 规划层级", 20) + _pad("corridor 通道", 18) + _pad("free land 亩", 14)
                 + "citations 规划依据")
    for c in e["ranked"]:
        g = c["gates"]
        lines.append(
            f"{c['rank']:>4}  {c['score']:5.1f}  " + _pad(c["name_zh"][:19], 40) + _pad(c["host_zh"], 12)
            + f"{c['tier']:>4}  " + _pad(c["support"].get("plan_level_zh", c["support"]["relation"]), 20)
            + _pad(g["gate_corridor"]["value"].split(" (")[0].replace(" to ", " "), 18)
            + _pad(_land_cell(c), 14) + _refs(c["citations"])[:40])
        bz = c.get("best_zone") or {}
        if bz.get("name_zh"):
            lines.append(f"            ↳ best zone 最适合片区: {bz['name_zh']}; zones: "
                         + "、".join(z["name_zh"] for z in c.get("zones", [])))
        if c["location_precision"] == "district_seat":
            lines.append("            ↳ located at the district seat: corridor distance approximate")
    if e.get("reasons"):
        lines.append("")
        lines.append("reasons 理由:")
        for r in e["reasons"][:5]:
            lines.append(f"  {r['rank']}. {r['zh']}")
            lines.append(f"     {r['en']}")
    if e.get("what_would_change"):
        lines.append("")
        lines.append("what would change the order 如何进入前三:")
        for w in e["what_would_change"]:
            ch = w["changes"] or [{"zh": "无单一改变可进入前三", "en": "no single change brings it into the top 3"}]
            where = f"#{w['rank']}" if w.get("rank") else "excluded 未通过"
            lines.append(f"  {where} {w['name_zh']}: " + "；".join(x["zh"] for x in ch))
            lines.append("      " + "; ".join(x["en"] for x in ch))
    if e.get("excluded_plain"):
        lines.append("")
        lines.append("best excluded 未通过的最高分候选:")
        for x in e["excluded_plain"]:
            lines.append(f"  - {x['zh']}")
            lines.append(f"    {x['en']}")
    st = result.stability
    if st.get("top"):
        lines.append("")
        lines.append(f"stability (±{st['perturbation']:.0%} weights, {st['n_scenarios']} scenarios): "
                     + ", ".join(f"{t['cand_id']} {t['in_top_k_share_all']:.0%}" for t in st["top"]))
        h = st.get("hierarchy")
        if h:
            lines.append("  top 5 without the plan hierarchy 不考虑规划层级时前五: "
                         + ", ".join(h["top_k_without_hierarchy"]) + f" (overlap {h['overlap']})")
    lines.append("")
    lines.append("caveats 注意事项:")
    lines += [f"  - {n}" for n in e.get("caveats", e["notes"])]
    return "\n".join(lines)
