"""Rank stability of a weighted site ranking under ±x % weight perturbations.

Scenarios: each weight alone × (1 − x) and × (1 + x) (2k scenarios), plus ``random_draws`` draws where
every weight is multiplied by U(1 − x, 1 + x) with a fixed seed. For each of the base top-k
candidates we report how often it stays in the top k, and its rank range. Vectorised: one matrix
product for all scenarios, then "how many candidates beat this one" counts.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def scenario_weights(weights: np.ndarray, names: list[str], perturbation: float, random_draws: int,
                     seed: int) -> tuple[np.ndarray, list[str]]:
    """Weight matrix (scenarios × criteria) and scenario labels."""
    w = np.asarray(weights, float)
    rows, labels = [], []
    for j, name in enumerate(names):
        if w[j] == 0:
            continue  # ±20 % of nothing is nothing
        for sign in (-1, 1):
            v = w.copy()
            v[j] *= 1 + sign * perturbation
            rows.append(v)
            labels.append(f"{name} {'+' if sign > 0 else '-'}{perturbation:.0%}")
    rng = np.random.default_rng(seed)
    draws = w * rng.uniform(1 - perturbation, 1 + perturbation, size=(random_draws, len(w)))
    rows.extend(draws)
    labels.extend(f"random #{i + 1}" for i in range(random_draws))
    return np.array(rows).reshape(-1, len(w)), labels


def ranks_of(scores: np.ndarray, tiebreak: np.ndarray, who: np.ndarray) -> np.ndarray:
    """Rank (1 = best) of candidates ``who`` in every scenario column of ``scores`` (n × s).

    Equal scores are ordered by ``tiebreak`` (lower first), as in the base ranking.
    """
    out = np.empty((len(who), scores.shape[1]), dtype=int)
    for k, c in enumerate(who):
        mine = scores[c]
        better = (scores > mine).sum(axis=0)
        ties = ((scores == mine) & (tiebreak < tiebreak[c])[:, None]).sum(axis=0)
        out[k] = better + ties + 1
    return out


def top_k_order(key: np.ndarray, tiebreak: np.ndarray, k: int) -> np.ndarray:
    """The first ``k`` of ``np.lexsort((tiebreak, key))`` (ascending key, ties by tiebreak), found
    with ``np.argpartition``: only the rows at or below the k-th key are sorted.

    Examples
    --------
    >>> top_k_order(np.array([3.0, 1.0, 2.0, 1.0, 2.0]), np.array([0, 4, 2, 3, 1]), 3).tolist()
    [3, 1, 4]
    """
    key, tiebreak = np.asarray(key, float), np.asarray(tiebreak)
    k = min(int(k), len(key))
    if k <= 0:
        return np.array([], dtype=np.int64)
    kth = key[np.argpartition(key, k - 1)[k - 1]]
    rows = np.arange(len(key)) if np.isnan(kth) else np.flatnonzero(key <= kth)  # every tie at the k-th key
    return rows[np.lexsort((tiebreak[rows], key[rows]))][:k]


def _contenders(S: np.ndarray, off: np.ndarray, span: float, Wn: np.ndarray, tiebreak: np.ndarray,
                top: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scenario scores of the only candidates that can outrank one of ``top`` in some scenario.

    A weighted mean never exceeds the largest criterion score, so ``off + span × max(S_c)`` bounds
    candidate c's score in every scenario; a candidate whose bound is below the lowest scenario score
    of every top candidate never beats one, and dropping it leaves every rank unchanged. Returns
    (scores of the kept rows, their tie-break keys, the positions of ``top`` among them).
    """
    top_scores = off[top, None] + span * (S[top] @ Wn)
    floor = top_scores.min()
    ub = off + span * S.max(axis=1)
    keep = np.flatnonzero(ub * (1 + 1e-9) + 1e-9 >= floor)
    keep = np.union1d(keep, top)
    scores = off[keep, None] + span * (S[keep] @ Wn)
    return scores, tiebreak[keep], np.searchsorted(keep, top)


def stability_report(criterion_scores: np.ndarray, weights: np.ndarray, names: list[str],
                     tiebreak: np.ndarray, ids: list[str] | np.ndarray, cfg: dict, offset: np.ndarray | None = None,
                     span: float = 1.0, name_of: Callable[[int], str] | None = None) -> dict:
    """How often each of the base top-k stays in the top k under weight perturbations.

    ``criterion_scores`` is candidates × criteria (each 0–1), ``tiebreak`` the base order key.
    With the plan hierarchy, the score is ``offset + span × weighted mean`` (``offset`` = the level
    base of each candidate, 0–1): perturbing weights reorders within a level only, and the report's
    ``hierarchy`` entry shows the trade-off — the top k with and without the hierarchy.
    ``name_of(i)``: the name of candidate ``i`` (a row position), added to each top row as ``name_zh``.
    """
    k = int(cfg.get("top_k", 5))
    x = float(cfg.get("perturbation", 0.2))
    n_rand = int(cfg.get("random_draws", 200))
    seed = int(cfg.get("seed", 0))
    n = len(criterion_scores)
    base = {"perturbation": x, "top_k": k, "random_draws": n_rand, "seed": seed, "n_candidates": n}
    if n == 0:
        return {**base, "top": [], "note": "no candidate passed the gates"}
    off = np.zeros(n) if offset is None else np.asarray(offset, float)
    W, labels = scenario_weights(weights, names, x, n_rand, seed)
    Wn = (W / W.sum(axis=1, keepdims=True)).T
    plain = criterion_scores @ (np.asarray(weights, float) / np.sum(weights))
    base_scores = off + span * plain
    top = top_k_order(-base_scores, tiebreak, k)
    r = ranks_of(*_contenders(criterion_scores, off, span, Wn, tiebreak, top))
    one = np.array([not lab.startswith("random") for lab in labels])
    rows = []
    for i, c in enumerate(top):
        rows.append({
            "cand_id": ids[c],
            "base_rank": i + 1,
            "in_top_k_share_one_at_a_time": round(float((r[i, one] <= k).mean()), 3) if one.any() else None,
            "in_top_k_share_random": round(float((r[i, ~one] <= k).mean()), 3) if (~one).any() else None,
            "in_top_k_share_all": round(float((r[i] <= k).mean()), 3),
            "rank_min": int(r[i].min()),
            "rank_max": int(r[i].max()),
            "rank_by_one_at_a_time": {lab: int(v) for lab, v, o in zip(labels, r[i], one) if o},
        })
        if name_of is not None:
            rows[-1]["name_zh"] = name_of(int(c))
    same_set = float((r <= k).all(axis=0).mean())  # scenarios keeping every one of the top k
    out = {**base, "n_scenarios": len(labels), "n_one_at_a_time": int(one.sum()),
           "top_k_set_unchanged_share": round(same_set, 3), "top": rows}
    if offset is not None:
        flat = top_k_order(-plain, tiebreak, k)
        with_h, without = [ids[c] for c in top], [ids[c] for c in flat]
        out["hierarchy"] = {
            "top_k_with_hierarchy": with_h, "top_k_without_hierarchy": without,
            "overlap": len(set(with_h) & set(without)),
            "note": ("weights reorder candidates within a plan-support level only; without the hierarchy "
                     "the plain weighted score would give the second list (权重只在同一规划支持层级内调整排序)")}
    return out
