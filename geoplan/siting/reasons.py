"""Reasons in plain words (中文/English) for a site-selection result, and "what would change the order".

For each of the top rows: which plan names it (the plan's title, not its file), its free land, the
corridor distance, and why it beats the next row. For a park outside the top 3: the smallest change
that would bring it in — a plan designation at a stronger level, more free land, or one weight
raised — computed from the same scores the ranking uses (``level base + refine_span × weighted
mean``). Caveats and the best excluded candidates become plain lists of sentences.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from ..data import catalog
from ..data.citations import cite as cite_label
from .explain import CRITERION_LABELS, row_records
from .land import is_example_source, land_summary
from .levels import LEVEL_LABELS, RANK
from .spec import CRITERIA, LEVELS

WEIGHT_FACTORS = np.round(np.concatenate([np.arange(1.1, 3.01, 0.1), np.arange(3.5, 10.01, 0.5)]), 2)


def plan_title(cite: dict, lang: str = "zh") -> str:
    """Reader-facing label of a citation: the plan's title and line, never a file name."""
    if cite.get("source_class") == "catalogue":
        t = cite.get("source_title") or ("园区目录" if lang == "zh" else "park catalogue")
        return t
    line = cite.get("source_line")
    line = None if line is None or pd.isna(line) else int(line)
    label = cite_label(str(cite.get("source", "")), line, lang=lang)  # data/plans.csv: title, number, 专栏
    where = f" 第{line}行" if lang == "zh" else f", line {line}"
    return label + (where if line else "")


def _land_words(row: dict, lang: str, example: bool) -> str:
    a = row["available_land_mu"]
    # only a figure that came from the example table is tagged (a workspace figure beside it is not)
    example = example and is_example_source(row.get("land_source"))
    tag = ("（示例数据）" if lang == "zh" else " (example data)") if example else ""
    if pd.isna(a):
        return "可用地：未知" if lang == "zh" else "free land: UNKNOWN"
    asof = str(row.get("land_as_of", "") or "")
    if lang == "zh":
        return f"可用地 {a:,.0f} 亩{('（截至 ' + asof + '）') if asof else ''}{tag}"
    return f"free land {a:,.0f} mu{(' (as of ' + asof + ')') if asof else ''}{tag}"


def _plan_words(row: dict, lang: str) -> str:
    lv = row["support_level_reached"]
    label = LEVEL_LABELS[lv][0 if lang == "zh" else 1]
    cites = row["level_citations"] or []
    if not cites:
        return label
    c = cites[0]
    place = c.get("place_zh") or row["name_zh"]
    title = plan_title(c, lang)
    if c.get("source_class") == "catalogue":
        return f"{label}：{title}" if lang == "zh" else f"{label}: {title}"
    ind = c.get("industry_zh", "")
    if lang == "zh":
        return f"{label}：{title} 将{place}列为{ind}重点地区"
    return f"{label}: {title} names {place} for {ind}"


def _beats(row: dict, nxt: dict | None, lang: str) -> str:
    if nxt is None:
        return ""
    name = nxt["name_zh"] if lang == "zh" else nxt["name_en"]
    if row["level_rank"] < nxt["level_rank"]:
        a = LEVEL_LABELS[row["support_level_reached"]][0 if lang == "zh" else 1]
        b = LEVEL_LABELS[nxt["support_level_reached"]][0 if lang == "zh" else 1]
        return (f"领先于{name}：本园区为“{a}”，后者仅为“{b}”" if lang == "zh"
                else f"ahead of {name}: {a}, the next only {b}")
    diffs = {c: float(row[f"c_{c}"]) - float(nxt[f"c_{c}"]) for c in CRITERIA}
    c = max(diffs, key=diffs.get)
    lab = CRITERION_LABELS[c][0 if lang == "zh" else 1]
    d = row["score"] - nxt["score"]
    if lang == "zh":
        return f"领先于{name}（同一规划层级）：主要因为{lab}更高（+{diffs[c]:.1f} 分，总分差 {d:.1f}）"
    return f"ahead of {name} (same plan level) mainly on {lab} (+{diffs[c]:.1f} points, {d:.1f} in total)"


def _corridor_names() -> dict[str, tuple[str, str]]:
    """Corridor id → (Chinese, English) name, so a sentence never shows an id such as ``CY_MAIN``."""
    return dict(_corridor_names_of(catalog.generation()))


@lru_cache(maxsize=4)
def _corridor_names_of(_generation: int) -> dict[str, tuple[str, str]]:
    c = catalog.corridors()
    return {str(i): (str(z), str(e)) for i, z, e in zip(c["corridor_id"], c["corridor_zh"], c["corridor_en"])}


def reason_sentences(ranked: list[dict], example_land: bool) -> list[dict]:
    """One or two sentences per ranked row (rows as ``explain.row_records`` gives them), in both languages."""
    out = []
    names = _corridor_names()
    for j, r in enumerate(ranked):
        nxt = ranked[j + 1] if j + 1 < len(ranked) else None
        corr_zh, corr_en = names.get(r["corridor_id"], (r["corridor_id"], r["corridor_id"]))
        zone_zh = f"（最适合的片区：{r['best_zone_zh']}）" if r.get("best_zone_zh") else ""
        zone_en = f" (best zone: {r['best_zone_en']})" if r.get("best_zone_en") else ""
        zh = (f"{r['name_zh']}{zone_zh}：{_plan_words(r, 'zh')}；{_land_words(r, 'zh', example_land)}；"
              f"距{corr_zh} {r['corridor_km']:.0f} km。{_beats(r, nxt, 'zh')}")
        en = (f"{r['name_en']}{zone_en}: {_plan_words(r, 'en')}; {_land_words(r, 'en', example_land)}; "
              f"{r['corridor_km']:.0f} km from the {corr_en}. {_beats(r, nxt, 'en')}")
        out.append({"cand_id": r["cand_id"], "rank": int(r["rank"]), "level": r["support_level_reached"],
                    "zh": zh.rstrip("。 ") + "。", "en": en.rstrip(". ") + "."})
    return out


def _scorer(cfg: dict):
    """score(level, criterion scores, weights, carrier) exactly as the query computes it.

    ``weights`` may be one vector (a float is returned) or a stack of them, one per row (an array of
    scores, each computed as the single vector would be: rows are normalised and summed alone).
    """
    h = cfg["hierarchy"]
    on = bool(h["enabled"])
    span = float(h["refine_span"]) if on else 1.0
    split = on and bool(h["shared_district_designation"])

    def score(lv: str, s: np.ndarray, w: np.ndarray, carrier: bool = True):
        base = float(h["level_base"][lv]) * 100.0 if on else 0.0
        w = np.asarray(w, dtype=float)
        refine = ((w / w.sum(axis=-1, keepdims=True)) * s).sum(axis=-1) * 100.0
        out = base + span / 2.0 * (100.0 * bool(carrier) + refine) if split else base + span * refine
        return float(out) if np.ndim(out) == 0 else out
    return score


def _carrier(row: dict) -> bool:
    return bool(row["designation_carrier"]) if "designation_carrier" in row else True


def changes_to_enter(row: dict, s_row: np.ndarray, third: dict, s_third: np.ndarray,
                     w: np.ndarray, cfg: dict, need_mu: float) -> list[dict]:
    """The smallest changes (one of each kind that works) lifting ``row`` above the rank-3 row."""
    score = _scorer(cfg)
    t_lv, t_car = third["support_level_reached"], _carrier(third)
    target = score(t_lv, s_third, w, t_car)
    mine_lv, mine_car = row["support_level_reached"], _carrier(row)
    out: list[dict] = []
    # 1. a plan designation naming this park at a stronger level (weakest that suffices)
    levels_up = list(reversed(LEVELS[: RANK[mine_lv]]))
    if not mine_car and mine_lv not in ("none", "related"):
        levels_up.insert(0, mine_lv)  # a designation naming the park itself, not only its district
    for lv in levels_up:
        if lv == "none":
            continue
        if score(lv, s_row, w, True) > target:
            zh, en = LEVEL_LABELS[lv]
            out.append({"kind": "designation", "level": lv,
                        "zh": f"若获得“{zh}”的规划支持（点名本园区），可进入前三",
                        "en": f"a plan designation naming this park at level '{en}' would bring it into the top 3"})
            break
    # 2. more free land (enough for the best land fit)
    j = CRITERIA.index("land_fit")
    lf = cfg["land_fit"]
    if s_row[j] < 1.0 and w[j] > 0:
        s2 = s_row.copy()
        s2[j] = 1.0
        if score(mine_lv, s2, w, mine_car) > target:
            mu = need_mu * float(lf["tight_ratio"])
            avail = row["available_land_mu"]
            now_zh = "未知" if pd.isna(avail) else f"{avail:,.0f} 亩"
            now_en = "unknown" if pd.isna(avail) else f"{avail:,.0f} mu"
            out.append({"kind": "land", "land_mu": round(mu, 1),
                        "zh": f"若确认可用地在 {mu:,.0f}–{need_mu * float(lf['loose_ratio']):,.0f} 亩之间（现为{now_zh}），可进入前三",
                        "en": f"confirmed free land between {mu:,.0f} and {need_mu * float(lf['loose_ratio']):,.0f} mu "
                              f"(now {now_en}) would bring it into the top 3"})
    # 3. one weight raised (smallest factor that works; a weight cannot cross a plan level): every
    # factor of one criterion at once, the first that lifts the row above rank 3
    best = None
    for k, c in enumerate(CRITERIA):
        if s_row[k] <= s_third[k] or w[k] == 0:
            continue
        w2 = np.repeat(np.asarray(w, dtype=float)[None, :], len(WEIGHT_FACTORS), axis=0)
        w2[:, k] *= WEIGHT_FACTORS
        above = np.flatnonzero(score(mine_lv, s_row, w2, mine_car) > score(t_lv, s_third, w2, t_car))
        if len(above) and (best is None or WEIGHT_FACTORS[above[0]] < best[1]):
            best = (c, float(WEIGHT_FACTORS[above[0]]))
    if best is not None:
        zh, en = CRITERION_LABELS[best[0]]
        out.append({"kind": "weight", "criterion": best[0], "factor": best[1],
                    "zh": f"若将“{zh}”的权重提高到 {best[1]:g} 倍，可超过第三名",
                    "en": f"raising the weight of '{en}' ×{best[1]:g} would lift it above rank 3"})
    elif RANK[mine_lv] > RANK[t_lv] or (mine_car != t_car):
        out.append({"kind": "weight", "criterion": None, "factor": None,
                    "zh": "调整权重无法跨越规划支持层级", "en": "no weight change can cross a plan-support level"})
    if not any(c["kind"] in ("designation", "land") or c.get("factor") for c in out):
        out.append({"kind": "none", "zh": "没有单一改变能使其进入前三（需同时具备更高层级的规划点名和更好的其他条件）",
                    "en": "no single change brings it into the top 3 (it would need a stronger plan designation "
                          "and better other criteria together)"})
    return out


def what_would_change(scored_elig: list[dict], S_elig: np.ndarray, w: np.ndarray, cfg: dict,
                      need_mu: float, limit: int = 7) -> list[dict]:
    """For eligible rows ranked 4 … 3 + limit: the smallest changes bringing each into the top 3.
    ``scored_elig``: the eligible rows in rank order (at least the first 3 + limit), as records.
    """
    if len(scored_elig) < 4:
        return []
    third = scored_elig[2]
    out = []
    for j in range(3, min(len(scored_elig), 3 + limit)):
        r = scored_elig[j]
        ch = changes_to_enter(r, S_elig[j], third, S_elig[2], w, cfg, need_mu)
        out.append({"cand_id": r["cand_id"], "name_zh": r["name_zh"], "name_en": r["name_en"],
                    "rank": int(r["rank"]), "changes": ch})
    return out


def excluded_by_land_alone(eligible: np.ndarray, failed_gates: np.ndarray, available_mu: np.ndarray) -> np.ndarray:
    """Rows excluded by the land gate and no other, with a known free-land figure: the rows
    :func:`land_short_changes` can say "this much more land" of.
    """
    return ~np.asarray(eligible, bool) & (np.asarray(failed_gates, object) == "gate_land") & ~np.isnan(
        np.asarray(available_mu, float))


def land_short_changes(out: pd.DataFrame, S_out: np.ndarray, w: np.ndarray, cfg: dict, need_mu: float,
                       limit: int = 3, records=None) -> list[dict]:
    """For the best candidates excluded ONLY by the land gate: the free land that would let them in,
    and whether that alone would bring them into the top 3. ``records(positions)``: those rows of
    ``out`` as records (default: converted from ``out``).
    """
    elig = out["eligible"].to_numpy(bool)
    if elig.sum() < 3:
        return []
    score = _scorer(cfg)
    third_score = float(out["score"].to_numpy(float)[np.flatnonzero(elig)[2]])
    j = CRITERIA.index("land_fit")
    res = []
    only_land = excluded_by_land_alone(elig, out["failed_gates"].to_numpy(object),
                                       out["available_land_mu"].to_numpy(float))
    rows = np.flatnonzero(only_land)[:limit]
    for i, r in zip(rows, records(rows) if records is not None else row_records(out.take(rows))):
        s2 = S_out[i].copy()
        s2[j] = float(cfg["land_fit"]["tight_score"])  # free land exactly = need; the plan level stays
        new = score(r["support_level_reached"], s2, w, _carrier(r))
        extra = need_mu - float(r["available_land_mu"])
        top3 = new > third_score
        res.append({"cand_id": r["cand_id"], "name_zh": r["name_zh"], "name_en": r["name_en"], "rank": None,
                    "excluded": True, "changes": [{
                        "kind": "land", "land_mu": need_mu, "top3": bool(top3),
                        "zh": f"可用地再增加 {extra:,.0f} 亩（达到 {need_mu:,.0f} 亩）即可通过用地门槛"
                              + ("，并进入前三" if top3 else ""),
                        "en": f"{extra:,.0f} mu more free land (reaching {need_mu:,.0f} mu) would pass the land gate"
                              + (" and bring it into the top 3" if top3 else "")}]})
        if len(res) >= limit:
            break
    return res


def excluded_sentences(excluded: list[dict], n: int = 5) -> list[dict]:
    """The best excluded candidates (records, best first) and why, one plain sentence each (zh/en)."""
    out = []
    for r in excluded[:n]:
        gates = [g for g in str(r["failed_gates"]).split(";") if g]
        why_zh, why_en = [], []
        for g in gates:
            if g == "gate_land":
                a = r["available_land_mu"]
                why_zh.append("可用地未知（已选择排除未知）" if pd.isna(a) else f"可用地 {a:,.0f} 亩不足")
                why_en.append("free land unknown (unknowns excluded)" if pd.isna(a) else f"only {a:,.0f} mu free")
            elif g == "gate_industry":
                why_zh.append("无规划支持该产业")
                why_en.append("no plan supports the industry here")
            else:
                why_zh.append(g.replace("gate_", ""))
                why_en.append(g.replace("gate_", ""))
        out.append({"cand_id": r["cand_id"], "score": float(r["score"]),
                    "zh": f"{r['name_zh']}（{r['score']:.1f} 分）未通过：{'；'.join(why_zh)}",
                    "en": f"{r['name_en']} ({r['score']:.1f}) excluded: {'; '.join(why_en)}"})
    return out


def enrich_explanation(explanation: dict, spec, out: pd.DataFrame, ranked: list[dict], excluded: list[dict],
                       S_out: np.ndarray, w: np.ndarray, cfg: dict, land_table: pd.DataFrame | None,
                       out_rows: list[dict] | None = None) -> None:
    """Add levels, zones, land, reasons, what-would-change, caveats and excluded sentences (in place).

    ``out``: the scored rows in final order (all, or a subset holding the ranked ones, the first ten
    eligible and the head of the excluded list), ``S_out`` their criterion scores; ``ranked`` and
    ``excluded`` (its head) as ``explain.row_records`` rows; ``out_rows``: every row of ``out`` as
    records, when already built (otherwise the few rows read are converted here).
    """
    def records(at: np.ndarray) -> list[dict]:
        return [out_rows[i] for i in at] if out_rows is not None else row_records(out.take(at))

    summary = land_summary(land_table)
    example = summary["example"]
    for d, r in zip(explanation["ranked"] + explanation["excluded_best"],
                    ranked + excluded[:len(explanation["excluded_best"])]):
        lv = r["support_level_reached"]
        d["level_points"] = float(r["level_base"])  # score = level_points + sum(contributions)
        d["support"]["plan_level"] = lv
        d["support"]["plan_level_zh"], d["support"]["plan_level_en"] = LEVEL_LABELS[lv]
        d["support"]["plan_level_sources"] = list(dict.fromkeys(plan_title(c, "zh") for c in r["level_citations"]))[:3]
        d["best_zone"] = {"id": r.get("best_zone_id", ""), "name_zh": r.get("best_zone_zh", ""),
                          "name_en": r.get("best_zone_en", "")}
        d["zones"] = list(r["zones"]) if "zones" in r and isinstance(r["zones"], list) else []
        d["land"] = {"available_mu": None if pd.isna(r["available_land_mu"]) else float(r["available_land_mu"]),
                     "as_of": r.get("land_as_of", ""), "source": r["land_source"],
                     "fit": float(r["land_fit"]), "status": r["gate_land"],
                     "example": is_example_source(r["land_source"])}
    elig = np.flatnonzero(out["eligible"].to_numpy(bool))[:10]  # rank 3 and the seven after it
    explanation["reasons"] = reason_sentences(ranked, example)
    explanation["what_would_change"] = what_would_change(records(elig), S_out[elig], w, cfg, spec.land_mu)
    explanation["excluded_plain"] = excluded_sentences(excluded)
    explanation["what_would_change"] += land_short_changes(out, S_out, w, cfg, spec.land_mu, records=records)
    explanation["caveats"] = list(explanation["notes"])
    explanation["land_table"] = summary  # used, example, n_parks, n_example (a mixed table is not "all example")
    explanation["plan_levels"] = {lv: {"zh": LEVEL_LABELS[lv][0], "en": LEVEL_LABELS[lv][1],
                                       "base": float(cfg["hierarchy"]["level_base"][lv])} for lv in LEVELS}
