"""Dictionaries of industry and place names (from ``data/``) and a longest-match scanner.

The keys are the taxonomy's and the gazetteer's Chinese names and aliases, normalised like
``geoplan.data.taxonomy.normalize_text``; scanning normalises the text character by character and
keeps a map back to the original offsets, so every match is a verbatim slice of the line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from ..data import catalog
from ..data.taxonomy import normalize_text

__all__ = ["Match", "Gazetteer", "gazetteer", "clear_cache", "SCOPE_WORDS"]

_CJK = re.compile(r"[\u4e00-\u9fff]")
# Words that name the plan's own scope, not a place an industry is sent to (全市 = "the whole city").
SCOPE_WORDS = frozenset({"全市", "全区", "全县", "本市", "本区", "一区两群", "“一区两群”"})
# Single generic words the alias tables hold that read as ordinary vocabulary inside sentences.
_GENERIC_INDUSTRY = frozenset({"材料", "能源", "装备", "机械", "金融", "物流"})


# Generic heads a plan often leaves off a name (页岩气开采设备 for 页岩气开采设备制造, 中欧班列 for 中欧班列物流).
_HEADS = ("服务业", "物流", "产业", "制造", "服务")
_HEAD_STEM_MIN = 4  # a shorter stem is too generic to stand alone
# Synonymous words inside industry names (装备 = 设备 "equipment").
_SYNONYMS = (("设备", "装备"), ("装备", "设备"))
_PAREN = re.compile(r"^(.+?)\(([^()]{2,})\)$")
# a parenthesised note that is a verb (“新兴产业（培育）”) is no short form of the name
_NOTE_VERBS = frozenset({"培育", "发展", "建设", "引进", "推动", "壮大", "提升", "草案"})


def _industry_variants(key: str) -> list[str]:
    """Other spellings of a normalised industry name: without a generic head, with a synonym swapped,
    and the parts of "A(B)" (a name with a parenthesised short form).
    """
    out = []
    m = _PAREN.match(key)
    if m:
        out += [m.group(1)] + ([m.group(2)] if m.group(2) not in _NOTE_VERBS else [])
    for head in _HEADS:
        if key.endswith(head) and len(key) - len(head) >= _HEAD_STEM_MIN:
            out.append(key[: -len(head)])
            break
    for a, b in _SYNONYMS:
        if a in key:
            out += [v.replace(a, b) for v in [key, *out]]
    return [v for v in out if len(v) >= 2 and _CJK.search(v)]


def _park_variants(key: str) -> list[str]:
    """A park name with a prefix before a quoted name is also cited from the quote on
    (X“一带一路”…合作区 → “一带一路”…合作区).
    """
    i = key.find("“")
    return [key[i:]] if 0 < i and len(key) - i >= 8 else []


_AFTER_SHORT = re.compile(r"[、，,—\-－–和与及等；;。：:（()）\s“”\"]|地区|部分|西部|南部|北部|东部|片区|组团|$")


def _bounded(text: str, end: int) -> bool:
    """Whether a short place name ends at a word boundary (a separator or an area word follows)."""
    return bool(_AFTER_SHORT.match(text, end))


@dataclass(frozen=True)
class Match:
    """A dictionary hit: ``what`` is "industry" or "place"; ``start``/``end`` index the line."""

    what: str
    start: int
    end: int
    phrase: str
    ident: str
    place_type: str = ""


def _norm_char(ch: str) -> str:
    return normalize_text(unicodedata.normalize("NFKC", ch))


class Gazetteer:
    """Longest-match scanner over industry and place dictionaries."""

    def __init__(self, industries: dict[str, str], places: dict[str, tuple[str, str]],
                 place_names: dict[tuple[str, str], str], industry_names: dict[str, str],
                 areas: frozenset[str] = frozenset()) -> None:
        self.industries = industries
        self.places = places
        self.place_names = place_names
        self.industry_names = industry_names
        self.areas = areas
        self._maxlen = max(map(len, list(industries) + list(places)), default=1)
        self._blockers = {normalize_text(w) for w in SCOPE_WORDS}

    def scan(self, text: str) -> list[Match]:
        """Non-overlapping matches, leftmost-longest; a longer place beats a shorter industry."""
        chars, index = [], []
        for i, ch in enumerate(text):
            n = _norm_char(ch)
            for c in n:
                chars.append(c)
                index.append(i)
        norm = "".join(chars)
        out: list[Match] = []
        i, n = 0, len(norm)
        while i < n:
            hit = None
            for L in range(min(self._maxlen, n - i), 1, -1):
                key = norm[i:i + L]
                if key in self._blockers:  # a scope word hides the shorter names inside it (一区两群 ⊃ 两群)
                    hit = ("scope", L, "", "")
                    break
                if key in self.places:
                    ptype, pid = self.places[key]
                    hit = ("place", L, pid, ptype)
                    break
                if key in self.industries:
                    hit = ("industry", L, self.industries[key], "")
                    break
            if hit is None:
                i += 1
                continue
            what, L, ident, ptype = hit
            if what == "scope":
                i += L
                continue
            s, e = index[i], index[i + L - 1] + 1
            if what == "place" and L <= 2 and not _bounded(text, e):
                i += 1  # a bare two-character name inside a longer word (长寿命, 成都市场…)
                continue
            out.append(Match(what, s, e, text[s:e], ident, ptype))
            i += L
        return out

    def is_area(self, m: Match) -> bool:
        """Whether a place match is a region made of districts (not a single named site)."""
        return m.place_type == "region" and m.ident in self.areas

    def place_label(self, place_type: str, place_id: str) -> str:
        """The place's Chinese name ("" when unknown)."""
        return self.place_names.get((place_type, place_id), "")


@cache
def gazetteer() -> Gazetteer:
    """The scanner built from ``data/`` (cached; ``clear_cache`` after data changes)."""
    ind = catalog.industries()
    industries: dict[str, str] = {}
    for name, iid in zip(ind["name_zh"], ind["industry_id"]):
        if isinstance(name, str) and _CJK.search(name):
            industries[normalize_text(name)] = iid
    al = catalog.industry_aliases()
    for a, iid in zip(al["alias"], al["industry_id"]):
        if isinstance(a, str) and _CJK.search(a):
            industries.setdefault(normalize_text(a), iid)
    for k, iid in list(industries.items()):
        for v in _industry_variants(k):
            industries.setdefault(v, iid)
    industries = {k: v for k, v in industries.items() if len(k) >= 2 and k not in _GENERIC_INDUSTRY}

    places: dict[tuple[str, str], str] = {}
    lookup: dict[str, tuple[str, str]] = {}
    pa = catalog.place_aliases()
    for a, t, i in zip(pa["alias"], pa["place_type"], pa["place_id"]):
        if isinstance(a, str) and _CJK.search(a):
            lookup.setdefault(normalize_text(a), (str(t), str(i)))
    pk = catalog.parks()
    for name, pid in zip(pk["name_zh"], pk["park_id"]):
        lookup.setdefault(normalize_text(name), ("park", str(pid)))
        places[("park", str(pid))] = name
    for name, pid in zip(pk["name_zh"], pk["park_id"]):
        for v in _park_variants(normalize_text(name)):
            lookup.setdefault(v, ("park", str(pid)))
    rg = catalog.regions_table()
    for name, rid in zip(rg["name_zh"], rg["region_id"]):
        lookup.setdefault(normalize_text(name), ("region", str(rid)))
        places[("region", str(rid))] = name
    ds = catalog.districts(display=True)
    name_col = "name_zh" if "name_zh" in ds.columns else ds.columns[0]
    code_col = "adcode" if "adcode" in ds.columns else ds.columns[1]
    for name, code in zip(ds[name_col], ds[code_col]):
        lookup.setdefault(normalize_text(name), ("district", str(code)))
        places[("district", str(code))] = name
    lookup = {k: v for k, v in lookup.items() if len(k) >= 2 and k not in SCOPE_WORDS}
    names = dict(zip(ind["industry_id"], ind["name_zh"]))
    # a region of kind "named_site" is one site, not an area of districts
    areas = frozenset(str(r) for r, k in zip(rg["region_id"], rg["kind"]) if str(k) != "named_site")
    return Gazetteer(industries, lookup, places, names, areas)


def clear_cache() -> None:
    """Forget the cached dictionaries (after ``data/`` was regenerated)."""
    gazetteer.cache_clear()
