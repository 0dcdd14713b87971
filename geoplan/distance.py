"""Exact planar distances from many geometries to a few polylines, without building geometries.

``shapely.distance`` of 10⁶ parcels to an axis needs the parcels as projected shapely polygons:
projecting the polygons (``to_crs``) costs more than the distances. Here the vertices are projected
as plain arrays, each parcel is bounded by a disk (vertex mean ± the farthest vertex), the axis
segments that can hold the nearest point are kept per parcel, and the distance is the minimum of
the same point-to-segment computations GEOS's ``DistanceOp`` makes — in the same arithmetic
(:func:`point_segment`, GEOS ``Distance::pointToSegment``), so the results are bit-identical
(tests compare every value). Rows the disk cannot decide — a parcel the axis may touch or cross,
multi-part or holed geometries — are sent to GEOS itself; :func:`polyline_distances` returns
how many.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from pyproj import CRS

from .crs import transformer

__all__ = ["point_segment", "polyline_distances"]

# the disk must contain every vertex despite rounding: relative and absolute slack (metres)
_REL, _ABS = 1e-12, 1e-6


def point_segment(px, py, ax, ay, bx, by) -> np.ndarray:
    """Distance from points to segments, elementwise, as GEOS ``Distance::pointToSegment`` computes it.

    Examples
    --------
    >>> float(point_segment(0.0, 1.0, -1.0, 0.0, 1.0, 0.0))
    1.0
    >>> float(point_segment(3.0, 4.0, 0.0, 0.0, 0.0, 0.0))  # a degenerate segment is a point
    5.0
    """
    px, py, ax, ay, bx, by = (np.asarray(v, dtype=float) for v in (px, py, ax, ay, bx, by))
    dx, dy = bx - ax, by - ay
    L2 = dx * dx + dy * dy
    pax, pay = px - ax, py - ay
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (pax * dx + pay * dy) / L2
        s = ((ay - py) * dx - (ax - px) * dy) / L2
    da = np.sqrt(pax * pax + pay * pay)
    pbx, pby = px - bx, py - by
    db = np.sqrt(pbx * pbx + pby * pby)
    out = np.abs(s) * np.sqrt(L2)
    out = np.where(r >= 1.0, db, out)
    return np.where((r <= 0.0) | ((ax == bx) & (ay == by)), da, out)


def _bound_sq(cx: np.ndarray, cy: np.ndarray, ax: float, ay: float, bx: float, by: float) -> np.ndarray:
    """Squared distance of centres to a segment (clipped projection): for bounds only."""
    dx, dy = bx - ax, by - ay
    L2 = dx * dx + dy * dy
    px, py = cx - ax, cy - ay
    t = (px * dx + py * dy) / L2 if L2 > 0 else np.zeros_like(px)
    np.clip(t, 0.0, 1.0, out=t)
    px -= t * dx
    py -= t * dy
    return px * px + py * py


def _gather(starts: np.ndarray, counts: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flat vertex indices of ``rows`` and the offsets of each row's run in that array."""
    cnt = counts[rows]
    offs = np.zeros(len(rows), dtype=np.int64)
    np.cumsum(cnt[:-1], out=offs[1:])
    idx = np.repeat(starts[rows] - offs, cnt) + np.arange(int(cnt.sum()))
    return idx, offs


def _numpy_path(x, y, starts, counts, r, cx, cy, has, refine, out, lines) -> None:
    """The same computation as the compiled kernel, vectorised over geometries (no numba)."""
    n = len(starts)
    for j, lc in enumerate(lines):
        lc = np.asarray(lc, float)
        k = len(lc) - 1
        bsq = np.empty((k, n))
        for s in range(k):
            bsq[s] = _bound_sq(cx, cy, lc[s, 0], lc[s, 1], lc[s + 1, 0], lc[s + 1, 1])
        dc = np.sqrt(bsq, out=bsq)
        dmin = dc.min(axis=0) * (1 + _REL) + _ABS
        refine |= dmin - r <= 0  # the axis may reach the parcel: containment and crossings are GEOS's
        ub = dmin + r
        best = out[:, j]
        live = ~refine
        # (1) the geometry's vertices to each segment that may hold the nearest point
        for s in range(k):
            rows = np.flatnonzero(live & (dc[s] * (1 - _REL) - r <= ub))
            if len(rows):
                idx, offs = _gather(starts, counts, rows)
                d = point_segment(x[idx], y[idx], lc[s, 0], lc[s, 1], lc[s + 1, 0], lc[s + 1, 1])
                best[rows] = np.minimum(best[rows], np.minimum.reduceat(d, offs))
        # (2) the axis' vertices to the geometry's edges (consecutive vertices of its one ring)
        for w in range(k + 1):
            wx, wy = lc[w, 0], lc[w, 1]
            dw = np.hypot(cx - wx, cy - wy) * (1 - _REL)
            rows = np.flatnonzero(live & (counts > 1) & (dw - r <= np.minimum(ub, best)))
            if len(rows):
                cnt = counts[rows] - 1
                offs = np.zeros(len(rows), dtype=np.int64)
                np.cumsum(cnt[:-1], out=offs[1:])
                e0 = np.repeat(starts[rows] - offs, cnt) + np.arange(int(cnt.sum()))
                d = point_segment(wx, wy, x[e0], y[e0], x[e0 + 1], y[e0 + 1])
                best[rows] = np.minimum(best[rows], np.minimum.reduceat(d, offs))


def _kernel_source():
    """The compiled per-geometry loop (numba), or None when numba is not installed."""
    try:
        import numba
    except ImportError:  # optional: the numpy path gives the same numbers, slower
        return None

    @numba.njit(cache=True, nogil=True)
    def p2s(px, py, ax, ay, bx, by):
        if ax == bx and ay == by:
            return np.sqrt((px - ax) * (px - ax) + (py - ay) * (py - ay))
        dx = bx - ax
        dy = by - ay
        L2 = dx * dx + dy * dy
        r = ((px - ax) * dx + (py - ay) * dy) / L2
        if r <= 0.0:
            return np.sqrt((px - ax) * (px - ax) + (py - ay) * (py - ay))
        if r >= 1.0:
            return np.sqrt((px - bx) * (px - bx) + (py - by) * (py - by))
        s = ((ay - py) * dx - (ax - px) * dy) / L2
        return np.abs(s) * np.sqrt(L2)

    @numba.njit(cache=True, nogil=True)
    def run(x, y, starts, counts, simple, lx, ly, lstart, lcount, out, refine):
        n = len(starts)
        m = len(lx)
        # per axis segment, for the bounds only (the exact terms use p2s): start, direction, 1/L²
        sdx = np.empty(m)
        sdy = np.empty(m)
        sinv = np.empty(m)
        for v in range(m - 1):
            sdx[v] = lx[v + 1] - lx[v]
            sdy[v] = ly[v + 1] - ly[v]
            L2 = sdx[v] * sdx[v] + sdy[v] * sdy[v]
            sinv[v] = 1.0 / L2 if L2 > 0.0 else 0.0
        dc = np.empty(m)
        for i in range(n):
            c = counts[i]
            if c == 0 or not simple[i]:
                refine[i] = True
                continue
            s0 = starts[i]
            cx = 0.0
            cy = 0.0
            for v in range(s0, s0 + c):
                cx += x[v]
                cy += y[v]
            cx /= c
            cy /= c
            r2 = 0.0
            for v in range(s0, s0 + c):
                ex = x[v] - cx
                ey = y[v] - cy
                d2 = ex * ex + ey * ey
                if d2 > r2:
                    r2 = d2
            r = np.sqrt(r2) * (1 + 1e-12) + 1e-6
            for j in range(len(lstart)):
                a0 = lstart[j]
                k = lcount[j] - 1
                dmin = np.inf
                for s in range(a0, a0 + k):  # centre to each segment (clipped projection)
                    px = cx - lx[s]
                    py = cy - ly[s]
                    t = (px * sdx[s] + py * sdy[s]) * sinv[s]
                    t = min(max(t, 0.0), 1.0)
                    px -= t * sdx[s]
                    py -= t * sdy[s]
                    d = np.sqrt(px * px + py * py)
                    dc[s] = d
                    if d < dmin:
                        dmin = d
                dmin = dmin * (1 + 1e-12) + 1e-6
                if dmin - r <= 0.0:
                    refine[i] = True
                    break
                ub = dmin + r
                best = np.inf
                for s in range(a0, a0 + k):  # (1) the parcel's vertices to the segments that may be nearest
                    if dc[s] * (1 - 1e-12) - r <= ub:
                        ax = lx[s]
                        ay = ly[s]
                        bx = lx[s + 1]
                        by = ly[s + 1]
                        for v in range(s0, s0 + c):
                            d = p2s(x[v], y[v], ax, ay, bx, by)
                            if d < best:
                                best = d
                lim = min(ub, best) + r
                lim2 = lim * lim * (1 + 1e-11)
                for w in range(a0, a0 + k + 1):  # (2) the axis' vertices to the parcel's edges
                    wx = lx[w]
                    wy = ly[w]
                    ex = cx - wx
                    ey = cy - wy
                    if ex * ex + ey * ey <= lim2:
                        for v in range(s0, s0 + c - 1):
                            d = p2s(wx, wy, x[v], y[v], x[v + 1], y[v + 1])
                            if d < best:
                                best = d
                        lim = min(ub, best) + r
                        lim2 = lim * lim * (1 + 1e-11)
                out[i, j] = best

    return run


_KERNEL: list = []


def _compiled():
    if not _KERNEL:
        _KERNEL.append(_kernel_source())
    return _KERNEL[0]


def polyline_distances(geoms: np.ndarray, crs, metric_crs: CRS, lines: Sequence[np.ndarray],
                       use_compiled: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Distance (metres in ``metric_crs``) of every geometry to each polyline: an (n × lines) matrix.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        In ``crs``; no missing or empty geometries.
    crs : pyproj CRS (or anything ``CRS.from_user_input`` takes)
        The geometries' CRS; when it equals ``metric_crs`` nothing is projected.
    metric_crs : pyproj.CRS
        Where distances are measured.
    lines : sequence of (k × 2) arrays
        Polyline vertices in ``metric_crs``.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The distances, and the indices of the rows GEOS measured (the disk could not decide them).

    Examples
    --------
    >>> import shapely, numpy as np
    >>> from pyproj import CRS
    >>> sq = shapely.box(0, 2, 1, 3)
    >>> d, refined = polyline_distances(np.array([sq]), CRS(3857), CRS(3857), [np.array([[0., 0.], [5., 0.]])])
    >>> float(d[0, 0]), len(refined)
    (2.0, 0)
    """
    n = len(geoms)
    counts = shapely.get_num_coordinates(geoms).astype(np.int64)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    tid = shapely.get_type_id(geoms)
    simple = (tid == 0) | ((tid == 3) & (shapely.get_num_interior_rings(geoms) == 0))
    has = counts > 0
    refine = ~simple | ~has
    src = CRS.from_user_input(crs)
    x, y = _metric_vertices(shapely.get_coordinates(geoms), src, metric_crs, starts, counts, simple & (tid == 3))
    out = np.full((n, len(lines)), np.inf)
    kernel = _compiled() if use_compiled else None
    if kernel is not None:
        lx = np.concatenate([np.asarray(lc, float)[:, 0] for lc in lines])
        ly = np.concatenate([np.asarray(lc, float)[:, 1] for lc in lines])
        lcount = np.array([len(lc) for lc in lines], dtype=np.int64)
        lstart = np.concatenate([[0], np.cumsum(lcount)[:-1]]).astype(np.int64)
        kernel(x, y, starts, counts, simple, lx, ly, lstart, lcount, out, refine)
    else:
        gidx = np.repeat(np.arange(n), counts)
        safe = np.maximum(counts, 1)
        cx = np.bincount(gidx, weights=x, minlength=n) / safe
        cy = np.bincount(gidx, weights=y, minlength=n) / safe
        r = np.zeros(n)
        r[has] = np.maximum.reduceat(np.hypot(x - cx[gidx], y - cy[gidx]), starts[has])
        r = r * (1 + _REL) + _ABS
        _numpy_path(x, y, starts, counts, r, cx, cy, has, refine, out, lines)
    idx = np.flatnonzero(refine)
    if len(idx):
        sub = np.asarray(geoms[idx])
        if not src.equals(metric_crs):
            tr = transformer(src, metric_crs)
            sub = shapely.transform(sub, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))
        for j, lc in enumerate(lines):
            out[idx, j] = shapely.distance(sub, shapely.linestrings(np.asarray(lc, float)))
    return out, idx


def _metric_vertices(coords: np.ndarray, src: CRS, metric_crs: CRS, starts: np.ndarray, counts: np.ndarray,
                     closed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x, y of every vertex in ``metric_crs``. The closing vertex of a single-ring polygon repeats its
    first vertex bit for bit, so it is copied instead of projected (a rectangle: 4 projections, not 5).
    """
    if src.equals(metric_crs):
        return coords[:, 0].copy(), coords[:, 1].copy()
    tr = transformer(src, metric_crs)
    ok = closed & (counts > 1)
    last = (starts + counts - 1)[ok]
    first = starts[ok]
    keep = np.ones(len(coords), bool)
    keep[last] = False
    px, py = coords[keep, 0], coords[keep, 1]  # contiguous copies, projected in place
    tr.transform(px, py, inplace=True)
    x = np.empty(len(coords))
    y = np.empty(len(coords))
    x[keep], y[keep] = px, py
    x[last], y[last] = x[first], y[first]
    return x, y
