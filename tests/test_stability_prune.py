"""The weight-stability report ranks only candidates that can reach the top k: same ranks as all."""

from __future__ import annotations

import numpy as np

from geoplan.siting.spec import CRITERIA
from geoplan.siting.stability import ranks_of, scenario_weights, stability_report, top_k_order

CFG = {"top_k": 5, "perturbation": 0.2, "random_draws": 50, "seed": 0}


def _all_ranks(S, off, span, w, tiebreak, top):
    """Ranks of ``top`` against every candidate (no pruning), the unpruned reference."""
    W, _ = scenario_weights(w, list(CRITERIA), CFG["perturbation"], CFG["random_draws"], CFG["seed"])
    scores = off[:, None] + span * (S @ (W / W.sum(axis=1, keepdims=True)).T)
    return ranks_of(scores, tiebreak, top)


def test_pruned_ranks_equal_full_ranks_with_levels_and_ties():
    rng = np.random.default_rng(5)
    n = 3000
    S = rng.uniform(0, 1, (n, len(CRITERIA)))
    S[10] = S[11]  # an exact tie, broken by the tie-break key
    S[:40] = np.clip(S[:40] + 0.5, 0, 1)  # strong candidates, so most rows cannot reach the top 5
    off = np.where(np.arange(n) < 300, 0.6, np.where(np.arange(n) < 1500, 0.3, 0.0))  # plan levels
    w = np.array([3.0, 2.0, 1.0, 1.0, 1.0, 0.5])
    span = 0.2
    tiebreak = np.arange(n)
    rep = stability_report(S, w, list(CRITERIA), tiebreak, [f"C{i}" for i in range(n)], CFG, offset=off, span=span)
    plain = S @ (w / w.sum())
    top = np.lexsort((tiebreak, -(off + span * plain)))[:5]
    ref = _all_ranks(S, off, span, w, tiebreak, top)
    assert [r["cand_id"] for r in rep["top"]] == [f"C{i}" for i in top]
    for i, row in enumerate(rep["top"]):
        assert row["rank_min"] == ref[i].min() and row["rank_max"] == ref[i].max()
        assert row["in_top_k_share_all"] == round(float((ref[i] <= 5).mean()), 3)
    same = float(np.mean([(ref[:, s] <= 5).all() for s in range(ref.shape[1])]))
    assert rep["top_k_set_unchanged_share"] == round(same, 3)
    assert rep["n_candidates"] == n


def test_top_k_by_argpartition_is_the_head_of_the_full_sort():
    """Ties at the k-th score (and NaN scores, and k beyond n) give the head of np.lexsort."""
    key = np.array([-2.0, -5.0, -2.0, np.nan, -2.0, -1.0])
    tb = np.array([5, 0, 1, 2, 3, 4])
    # by hand: -5 (row 1), then the three tied at -2 by tiebreak: rows 2 (1), 4 (3), 0 (5)
    assert top_k_order(key, tb, 3).tolist() == [1, 2, 4]
    assert top_k_order(key, tb, 10).tolist() == [1, 2, 4, 0, 5, 3]
    rng = np.random.default_rng(11)
    for _ in range(300):
        n, k = int(rng.integers(0, 25)), int(rng.integers(0, 7))
        s = rng.integers(0, 3, n).astype(float)
        s[rng.random(n) < 0.1] = np.nan
        t = rng.permutation(n)
        assert top_k_order(s, t, k).tolist() == np.lexsort((t, s))[:k].tolist()
