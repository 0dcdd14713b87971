"""The ranking order: eligible first, then by score, ties broken by further keys.

``np.lexsort`` with five keys sorts the rows five times. Scores of parcels rarely tie, so
:func:`ranking_order` sorts once by score within each eligibility class and resolves only the runs
of equal scores by the remaining keys; the order is the one ``np.lexsort`` gives (a test compares
them on ties constructed at every key).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["ranking_order"]


def _stable_by(rows: np.ndarray, key: np.ndarray) -> np.ndarray:
    return rows[np.argsort(key[rows], kind="stable")]


def ranking_order(eligible: np.ndarray, key: np.ndarray,
                  tiebreak: tuple[np.ndarray | Callable[[np.ndarray], np.ndarray], ...] = ()) -> np.ndarray:
    """``np.lexsort((*tiebreak, key, ~eligible))``: eligible rows first, then ascending ``key``,
    then ``tiebreak`` (least significant first, as ``np.lexsort`` reads keys), then row position.

    A tie-break key may be a function of row positions returning sort keys for those rows (any keys
    that order them as the whole column would, e.g. codes of strings): it is called only for the
    rows whose ``key`` ties, so string ids are not ranked over every row.

    Examples
    --------
    >>> ranking_order(np.array([False, True, True, True]), np.array([0.0, 2.0, 1.0, 1.0]),
    ...               (np.array([0, 0, 5, 4]),)).tolist()
    [3, 2, 1, 0]
    """
    eligible = np.asarray(eligible, dtype=bool)
    key = np.asarray(key, dtype=float)
    order = np.concatenate([_stable_by(np.flatnonzero(eligible), key), _stable_by(np.flatnonzero(~eligible), key)])
    if not tiebreak or len(order) < 2:
        return order
    k, e = key[order], eligible[order]
    tie = ((k[1:] == k[:-1]) | (np.isnan(k[1:]) & np.isnan(k[:-1]))) & (e[1:] == e[:-1])
    if not tie.any():
        return order
    # runs of equal keys: positions in ``order`` and a run number each; re-sort inside the runs only
    starts = np.flatnonzero(tie & ~np.concatenate([[False], tie[:-1]]))
    in_run = np.zeros(len(order), dtype=bool)
    in_run[1:] |= tie
    in_run[:-1] |= tie
    at = np.flatnonzero(in_run)
    run = np.cumsum(np.isin(at, starts))
    sub = order[at]
    keys = [np.asarray(t(sub)) if callable(t) else np.asarray(t)[sub] for t in tiebreak]
    order[at] = sub[np.lexsort((*keys, run))]
    return order
