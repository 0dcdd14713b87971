"""The weight-stability report ranks only candidates that can reach the top k: same ranks as all."""

from __future__ import annotations

import numpy as np

from geoplan.siting.spec import CRITERIA
from geoplan.siting.stability import ranks_of, scenario_weights, stability_report

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
