"""Rules that turn plan lines into proposed industry → place rows.

Method (no model, no download): the gazetteer's longest-match scan finds industry and place names;
sentences are cut at 。；！？ and clauses at ，; places standing next to each other (、 和 与 及 —)
form a group, and each industry belongs to the nearest group before it in its clause. A clause
that names places but no industry lends its group to the following clauses of the sentence
(“结合A、B等建设，积极争取C、D…”); a sentence opening with 其中 continues the previous sentence's
last group. A 专栏 box names its industry in its title, and its “重点区县” list assigns that
industry to every place listed. Names of sites the gazetteer lacks (…园/基地/集聚区/组团…) after
依托/立足/在/以 are kept as new sites, never dropped. Kind cues: 合作/共建/协作 → cooperation,
现有/已形成/集聚了/目前/入选 → current_state, 大科学装置/科学中心 → science_infrastructure,
a region → regional_direction, otherwise siting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from ..data import catalog
from ..data.taxonomy import normalize_text
from .gazetteer import Gazetteer, Match, gazetteer
from .read import PlanLine

__all__ = ["KINDS", "PROPOSAL_COLUMNS", "home_district", "kind_of", "propose"]

KINDS = ("siting", "regional_direction", "cooperation", "current_state", "science_infrastructure")
PROPOSAL_COLUMNS = ["proposal_id", "industry_id", "industry_zh", "matched_phrase", "place_zh", "place_type",
                    "place_id", "kind", "page", "line", "line_label", "evidence", "confidence", "reason"]

_SENTENCE = re.compile(r"[^。；;！？!?\t]+[。；;！？!?]?")
_CLAUSE_SPLIT = re.compile(r"[，,：:；;]")
_SEMI = re.compile(r"[；;]")
# a clause opening with one of these verbs has no subject of its own: it continues the previous
# clause's place (“高新区正在打造A，规划B”)
_ZERO_SUBJECT = re.compile(r"^(?:规划|布局|配套发展|重点发展|积极发展|加快发展|大力发展|发展|建设|打造|培育|引进|"
                           r"重点聚焦发展|聚焦发展|重点聚焦|聚焦)")
_JOIN = re.compile(r"^[\s、，,和与及—\-－“”\"'‘’（）()等地区部分西南北东]*$")
_TRIGGER = re.compile(r"发展|布局|建设|打造|围绕|聚焦|集聚|依托|重点|引育|着眼|争取|培育|推动|推进|壮大|做大做强|"
                      r"做强|形成|入选|协作|合作|共建|承接|主阵地|为核心|旗舰|集中区|引领|落户|引进|支持|设立|"
                      r"立足|基地|集群|试点|示范")
_COOP = re.compile(r"合作|共建|协作|协同发展|对口")
_CURRENT = re.compile(r"现有|已形成|集聚了|目前|入选|已建成|培育形成|现已|截至|已有|初具规模|十三五”(?:期|时期|末)")
_SCIENCE = re.compile(r"大科学装置|科学中心|大科学工程|重大科技基础设施|科学装置|实验室")
_BOX = re.compile(r"^\s*专栏\s*\d+")
_BOX_END = re.compile(r"^\s*(\[bookmark|第[一二三四五六七八九十]+[章节]|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
_KEY_LIST = re.compile(r"重点区县|重点园区|重点区域|布局区县|承载区县|重点开发区")
_SITE_SUFFIX = ("产业园区", "工业园区", "产业园", "工业园", "物流园", "园区", "集聚区", "组团", "基地", "示范区",
                "公园", "新城", "港区", "产业城", "科学城", "园")
_SITE = re.compile(r"(?:依托|立足|在|以|落户|入驻)([\u4e00-\u9fff·A-Za-z0-9（）()]{2,20}?(?:"
                   + "|".join(_SITE_SUFFIX) + r"))")
_SITE_BAD = re.compile(r"建设|打造|发展|推动|推进|一批|若干|各类|各区|国家级|市级|省级|相关|有关|现有|重点|"
                       r"特色|一个|区域|加快|支持|创建|产业链|园区内|基础|等")
_TITLE = re.compile(r"《[^》]*》")
# a place name that is the name of an institution or of a programme, not a location
# a place after 对/向 is whom a measure serves (“强化对X重点企业的金融服务”), not where it goes
_BENEFICIARY_BEFORE = frozenset("对向")
_INSTITUTION_AFTER = re.compile(r"区委|县委|市委|党委|人民政府|政府|委员会|管委会")
# a place that acts (“高新区要…”, “…负责”) is an administration, not a location
_ACTOR_AFTER = re.compile(r"(?:要|应当|应|须|负责|牵头)")
_PROGRAMME_AFTER = re.compile(r"建设|战略|等国家|等重大")
_CARRY_REACH = 40  # characters from a borrowed place group to the industries it may take
_SERVED = re.compile(r"^(面向|服务于|服务)")
_PUNCT_STRIP = " \t\u3000　"


@dataclass
class _Group:
    places: list[Match]
    end: int
    new_sites: list[Match] = field(default_factory=list)

    @property
    def members(self) -> list[Match]:
        return self.places + self.new_sites


def kind_of(text: str, place_type: str, area: bool | None = None) -> str:
    """The kind a clause's wording suggests for a row at a place of ``place_type``.

    ``area`` says whether the place is a region made of districts (a regional direction); a named
    site stored among the regions is not. ``None`` takes every region as an area.
    """
    if _SCIENCE.search(text):
        return "science_infrastructure"
    if _COOP.search(text):
        return "cooperation"
    if _CURRENT.search(text):
        return "current_state"
    if place_type == "region" and area is not False:
        return "regional_direction"
    return "siting"


def _merge(groups: list[_Group]) -> _Group:
    return _Group([p for gr in groups for p in gr.places], groups[-1].end,
                  [p for gr in groups for p in gr.new_sites])


def _groups(places: list[Match], text: str, scope: frozenset[str] = frozenset({"whole_city"})) -> list[_Group]:
    """Adjacent places as groups; a group naming only the plan's scope (the whole city, a district
    plan's own district) is no place an industry is sent to.
    """
    groups: list[_Group] = []
    for m in sorted(places, key=lambda m: m.start):
        if groups and _JOIN.match(text[groups[-1].end:m.start]) and m.start - groups[-1].end <= 6:
            groups[-1].places.append(m)
            groups[-1].end = m.end
        else:
            groups.append(_Group([m], m.end))
    return [gr for gr in groups if any(p.ident not in scope for p in gr.members)]


def _new_sites(text: str, start: int, end: int, known: list[Match]) -> list[Match]:
    out = []
    for m in _SITE.finditer(text, start, end):
        s, e = m.span(1)
        name = text[s:e]
        if _SITE_BAD.search(name) or any(k.start < e and s < k.end for k in known):
            continue
        out.append(Match("place", s, e, name, "", "new_site"))
    return out


def _filter(matches: list[Match], text: str) -> list[Match]:
    """Drop names inside 《document titles》, institutions (…区委, …政府), programme names of regions
    (…经济圈建设), and a collective noun closing a list (“A、B等支柱产业”).
    """
    titles = [m.span() for m in _TITLE.finditer(text)]
    out: list[Match] = []
    for m in matches:
        if any(s <= m.start < e for s, e in titles):
            continue
        if m.what == "place":
            if _INSTITUTION_AFTER.match(text, m.end) or _ACTOR_AFTER.match(text, m.end):
                continue
            if m.start and text[m.start - 1] in _BENEFICIARY_BEFORE:
                continue
            if m.place_type == "region" and _PROGRAMME_AFTER.match(text, m.end):
                continue
        elif (out and out[-1].what == "industry" and m.start >= 1 and text[m.start - 1] == "等"
              and out[-1].end == m.start - 1):
            continue
        out.append(m)
    return out


class _LineState:
    """What the lines before tell the current one: the open 专栏 box and whether a key list is due."""

    def __init__(self) -> None:
        self.box_industries: list[Match] = []
        self.box_title = ""
        self.list_due = False
        self.scope: frozenset[str] = frozenset({"whole_city"})


def _row(g: Gazetteer, line: PlanLine, ind: Match, place: Match, kind: str, ev: tuple[int, int],
         conf: float, reason: str) -> dict:
    s, e = ev
    evidence = line.text[s:e].strip(_PUNCT_STRIP)
    if evidence not in line.text:  # pragma: no cover - slices of the line always are
        evidence = line.text.strip()
    ptype = place.place_type
    pid = place.ident if ptype != "new_site" else ""
    return {"industry_id": ind.ident, "industry_zh": g.industry_names.get(ind.ident, ""),
            "matched_phrase": ind.phrase, "place_zh": place.phrase, "place_type": ptype, "place_id": pid,
            "kind": kind, "page": line.page, "line": line.line, "line_label": line.label,
            "evidence": evidence, "confidence": round(conf, 2), "reason": reason}


def _line_rows(g: Gazetteer, line: PlanLine, st: _LineState) -> list[dict]:  # noqa: C901 - one pass of rules
    text = line.text
    rows: list[dict] = []
    stripped = text.strip()
    if not stripped:
        return rows
    matches = _filter(g.scan(text), text)
    places = [m for m in matches if m.what == "place"]
    inds = [m for m in matches if m.what == "industry"]

    # ---- 专栏 boxes
    if _BOX.match(text):
        st.box_industries = inds[:1] if inds else []
        st.box_title = stripped
        st.list_due = False
        return rows
    if st.box_industries and _BOX_END.match(text):
        st.box_industries, st.list_due = [], False
    if st.box_industries and _KEY_LIST.search(text):
        after = _KEY_LIST.search(text).end()
        listed = [p for p in places if p.start >= after]
        if not listed:
            st.list_due = True
            return rows
        places = listed
        st.list_due = True
    if st.box_industries and st.list_due and places and not inds:
        covered = sum(p.end - p.start for p in places)
        body = len(re.sub(r"[\s、，,和及与等（）()]", "", text))
        if covered >= 0.6 * body:
            ind = st.box_industries[0]
            ev = (places[0].start, places[-1].end)
            for p in places:
                rows.append(_row(g, line, ind, p, "siting", ev, 0.9,
                                 f"专栏「{st.box_title[:20]}」重点区县名单 / key-district list of the box"))
            st.box_industries, st.list_due = [], False
            return rows

    # ---- sentences and clauses
    prev_group: _Group | None = None
    for sm in _SENTENCE.finditer(text):
        s0, s1 = sm.span()
        sentence = text[s0:s1]
        if not sentence.strip():
            continue
        s_places = [p for p in places if s0 <= p.start < s1]
        s_inds = [m for m in inds if s0 <= m.start < s1]
        sites = _new_sites(text, s0, s1, s_places)
        # a sentence opening with 其中, or one after a ；, with no place of its own continues the
        # previous one's last place group
        after_semi = s0 > 0 and text[s0 - 1] in "；;"
        if (sentence.lstrip().startswith("其中") or after_semi) and not s_places and prev_group is not None:
            inherited: _Group | None = prev_group
        else:
            inherited = None
        if not s_inds:
            pg = _groups(s_places, text, st.scope)
            if pg:
                prev_group = pg[-1]
            continue
        if not _TRIGGER.search(sentence):
            continue
        groups = _groups(s_places + sites, text, st.scope)
        # clause boundaries inside the sentence
        bounds = [s0] + [s0 + m.end() for m in _CLAUSE_SPLIT.finditer(sentence)] + [s1]
        clauses = [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]
        carry = inherited
        anchor = s0  # borrowed places reach _CARRY_REACH characters (面向… clauses not counted)
        last: _Group | None = None  # the group the previous clause placed industries at
        semis = [s0] + [s0 + m.end() for m in _SEMI.finditer(sentence)] + [s1]
        for c0, c1 in clauses:
            c_groups = [gr for gr in groups if c0 <= gr.members[0].start < c1]
            c_inds = [m for m in s_inds if c0 <= m.start < c1]
            head = text[c0:c1].lstrip(_PUNCT_STRIP + "，,")
            if _SERVED.match(head):
                anchor = c1
                continue  # 面向…领域: the industries served, not the ones sited here
            if not c_groups and last is not None and _ZERO_SUBJECT.match(head):
                carry, anchor = last, c0
            if c_groups and not any(m.start > c_groups[0].members[0].start for m in c_inds):
                # places without an industry after them lend themselves to the following clauses
                carry = _merge(c_groups)
                continue
            for m in c_inds:
                before = [gr for gr in c_groups if gr.end <= m.start]
                if before:
                    grp, conf, why = before[-1], 0.8, "地名后接产业 / industry after place in clause"
                elif carry is not None and m.start - max(carry.end, anchor) <= _CARRY_REACH:
                    grp, conf, why = carry, 0.65, "承接前一分句地名 / place from preceding clause"
                else:
                    continue
                ev0 = min(grp.members[0].start, m.start)
                ev1 = max(grp.end, m.end)
                # the kind cue is read in the ；-parts that hold the place and the industry
                k0 = max((b for b in semis if b <= ev0), default=ev0)
                k1 = min((b for b in semis if b >= ev1), default=ev1)
                last = grp
                for p in grp.members:
                    k = kind_of(text[k0:k1], p.place_type, g.is_area(p))
                    c = conf if p.place_type != "new_site" else min(conf, 0.5)
                    r = why if p.place_type != "new_site" else why + "；地名未收录，作为新地点 / unknown place, new site"
                    rows.append(_row(g, line, m, p, k, (ev0, ev1), c, r))
            # a clause that placed industries at places of its own does not lend them further;
            # a clause that borrowed the group keeps lending it (“大庙组团：布局A，配套发展B”)
            if c_inds and c_groups:
                carry = None
        if groups:
            prev_group = groups[-1]
    # 专栏 box: a place sentence inside the box with no industry of its own takes the box industry
    if st.box_industries and not rows and places and not inds and _TRIGGER.search(text):
        ind = st.box_industries[0]
        for p in (p for gr in _groups(places, text, st.scope) for p in gr.members):
            rows.append(_row(g, line, ind, p, kind_of(text, p.place_type, g.is_area(p)), (p.start, p.end), 0.55,
                             "专栏标题的产业 / industry from the box title"))
    return rows


# In a district's own plan the district is the plan's scope; it is still the place of the industries
# a plan verb lists in a 。-sentence that names the district (“本区重点发展A、B…；配套发展C”).
_PLAN_VERB = re.compile(r"重点发展|配套发展|大力发展|加快发展|培育打造|加速形成|组建|布局")
_CLAUSE_END = re.compile(r"[，,；;。！？!?：:]")
_FULL_STOP = re.compile(r"[^。！？!?\t]+[。！？!?]?")


def _home_rows(g: Gazetteer, line: PlanLine, home: str) -> list[dict]:
    """Rows sending industries to the plan's own district: industries listed in the clause right
    after a plan verb, in a 。-sentence that names the district.
    """
    text = line.text
    matches = _filter(g.scan(text), text)
    out = []
    for sm in _FULL_STOP.finditer(text):
        s0, s1 = sm.span()
        homes = [m for m in matches if m.what == "place" and m.ident == home and s0 <= m.start < s1]
        if not homes:
            continue
        for vm in _PLAN_VERB.finditer(text, s0, s1):
            end = _CLAUSE_END.search(text, vm.end())
            c1 = min(end.start() if end else s1, s1)
            for m in matches:
                if m.what == "industry" and vm.end() <= m.start < c1:
                    place = min(homes, key=lambda h: abs(h.start - m.start))
                    ev = (min(place.start, vm.start()), max(place.end, m.end)) if abs(place.start - m.start) <= 60 \
                        else (vm.start(), m.end)
                    out.append(_row(g, line, m, place, kind_of(text[s0:s1], "district"), ev, 0.6,
                                    "本区规划：规划动词后列出的产业 / the plan's own district: industry listed after a plan verb"))
    return out


_BARE_PARK_NAMES = frozenset({"高新区", "高新技术产业开发区", "高新技术开发区"})


def _home_park(adcode: str) -> str | None:
    """The hi-tech zone a district hosts (a top-level park, not one of its parts), for a bare 高新区."""
    pk = catalog.parks()
    top = pk["parent_park_id"].isna() | (pk["parent_park_id"].astype(str).str.strip().isin(["", "nan", "None"]))
    cand = pk[(pk["host_adcode"].astype(str) == str(adcode)) & pk["name_zh"].str.contains("高新", na=False) & top]
    if cand.empty:
        return None
    return str(cand.loc[cand["name_zh"].str.len().idxmin(), "park_id"])


def home_district(lines: list[PlanLine], gaz: Gazetteer | None = None) -> str | None:
    """The district a plan is about: the adcode of ≥ 40 % (and ≥ 10) of its district mentions, else None.

    A district's own plan names itself on most pages ("铜梁区大力发展…"); such sentences state the
    plan's scope, not where inside it an industry goes, so ``propose`` leaves them out.
    """
    g = gaz or gazetteer()
    counts: dict[str, int] = {}
    for line in lines:
        for m in g.scan(line.text):
            if m.what == "place" and m.place_type == "district":
                counts[m.ident] = counts.get(m.ident, 0) + 1
    total = sum(counts.values())
    if not counts:
        return None
    best, n = max(counts.items(), key=lambda kv: kv[1])
    return best if n >= 10 and n >= 0.4 * total else None


def propose(lines: list[PlanLine], gaz: Gazetteer | None = None, home: str | None = "auto") -> pd.DataFrame:
    """Proposed rows (``PROPOSAL_COLUMNS``), one per (industry, place, line), best confidence kept.

    ``home``: the plan's own district (adcode), whose rows are scope statements and left out;
    "auto" detects it with ``home_district``, None keeps every row.
    """
    g = gaz or gazetteer()
    home = home_district(lines, g) if home == "auto" else home
    st = _LineState()
    if home:
        st.scope = frozenset({"whole_city", str(home)})
    rows: list[dict] = []
    for line in lines:
        rows.extend(_line_rows(g, line, st))
        if home:
            rows.extend(_home_rows(g, line, str(home)))
    if home:
        rows = [r for r in rows if not (r["place_type"] == "district" and r["place_id"] == home)
                or r["reason"].startswith("本区规划")]
        local = _home_park(home)
        if local:
            for r in rows:
                if normalize_text(r["place_zh"]) in _BARE_PARK_NAMES:
                    r["place_id"] = local
                    r["reason"] += "；本区规划中的“高新区”指本区的高新区 / in a district plan, its own hi-tech zone"
    df = pd.DataFrame(rows, columns=[c for c in PROPOSAL_COLUMNS if c != "proposal_id"])
    if df.empty:
        return pd.DataFrame(columns=PROPOSAL_COLUMNS)
    df["_pk"] = df["place_id"].where(df["place_type"] != "new_site", df["place_zh"])
    df = (df.sort_values("confidence", ascending=False, kind="stable")
            .drop_duplicates(["industry_id", "place_type", "_pk", "page", "line"])
            .sort_values(["page", "line"], kind="stable", na_position="first")
            .drop(columns="_pk").reset_index(drop=True))
    df.insert(0, "proposal_id", [f"P{i:04d}" for i in range(1, len(df) + 1)])
    return df
