"""Rows grouped by the tuple of several columns: the one place site selection combines keys.

Site selection judges many things once per distinct combination of facts (a support lookup per
park/parent/district, a plan level per citation list/park/parent, a note list per combination of
seven facts) and hands the answer to every row of the combination.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["adcode_ints", "first_rows", "group_codes", "identity_codes"]


def group_codes(*columns) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the code of its combination of ``columns`` (0, 1, … in first-seen order), and the
    first row of each combination.

    Columns are arrays or Series of equal length, compared by value (missing values form one
    group of their own).

    Examples
    --------
    >>> inv, first = group_codes(np.array(["a", "b", "a", "a"]), np.array([1, 2, 1, 3]))
    >>> inv.tolist(), first.tolist()
    ([0, 1, 0, 2], [0, 1, 3])
    """
    inverse = np.zeros(len(columns[0]), dtype=np.int64)
    for col in columns:  # one code per combination so far, renumbered each step (stays below n)
        c, u = pd.factorize(col)
        inverse = pd.factorize(inverse * (len(u) + 2) + np.asarray(c) + 1)[0]
    first = np.unique(inverse, return_index=True)[1]
    return inverse, first


def identity_codes(objects: np.ndarray) -> np.ndarray:
    """``id()`` of each object: rows sharing one list object (a shared citation list) group together."""
    return np.fromiter((id(o) for o in objects), dtype=np.int64, count=len(objects))


def first_rows(codes: np.ndarray) -> np.ndarray:
    """For codes 0 … k−1 (each present), the first row holding each code.

    Examples
    --------
    >>> first_rows(np.array([1, 0, 1, 2, 0])).tolist()
    [1, 0, 3]
    """
    codes = np.asarray(codes, dtype=np.int64)
    first = np.empty(int(codes.max(initial=-1)) + 1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]  # written last to first: the first row wins
    return first


def adcode_ints(values) -> np.ndarray:
    """District codes as int64, −1 where there is none (NaN, NA or None): the key site selection
    looks districts up by. An integer array is taken as it is (no masked-array round trip).

    Examples
    --------
    >>> adcode_ints(np.array([500151.0, np.nan])).tolist(), adcode_ints(np.array([500151])).tolist()
    ([500151, -1], [500151])
    """
    a = values.to_numpy() if isinstance(values, pd.Series) else values
    if isinstance(a, np.ndarray) and a.dtype.kind in "iu":
        return a.astype(np.int64, copy=False)
    if isinstance(a, pd.api.extensions.ExtensionArray) and a.dtype.kind in "iu" and not a.isna().any():
        return np.asarray(a, dtype=np.int64)
    return pd.Series(a).astype("Int64").fillna(-1).astype(int).to_numpy()
