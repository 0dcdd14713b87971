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

:func:`polyline_nearest` also returns where on each polyline the nearest point lies (metres along
it from its first vertex), from the same minimum: the pair that attains it is either a geometry
vertex and an axis segment (the vertex's projection onto the segment) or an axis vertex and a
geometry edge (that axis vertex). GEOS-refined rows are located by ``shapely.shortest_line`` and
``line_locate_point`` on those rows only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from pyproj import CRS

from .crs import transformer

__all__ = ["point_segment", "polyline_distances", "polyline_nearest"]

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


def _segment_param(px, py, ax: float, ay: float, bx: float, by: float) -> np.ndarray:
    """Where points project onto a segment, as a fraction of it clipped to [0, 1] (0 when degenerate):
    the parameter of the nearest point, the ``r`` of :func:`point_segment`.
    """
    dx, dy = bx - ax, by - ay
    L2 = dx * dx + dy * dy
    if L2 == 0.0:
        return np.zeros(np.shape(px))
    return np.clip(((px - ax) * dx + (py - ay) * dy) / L2, 0.0, 1.0)


def _measures(lc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Metres along a polyline to each vertex, and each segment's length (sequential sums, as GEOS)."""
    d = np.diff(lc, axis=0)
    seg = np.sqrt(d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1])
    cum = np.zeros(len(lc))
    np.cumsum(seg, out=cum[1:])
    return cum, seg


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


def _first_min(d: np.ndarray, offs: np.ndarray, gmin: np.ndarray) -> np.ndarray:
    """Position in ``d`` of the first value of each run (starting at ``offs``) equal to its minimum."""
    runs = np.diff(np.append(offs, len(d)))
    pos = np.where(d == np.repeat(gmin, runs), np.arange(len(d)), len(d))
    return np.minimum.reduceat(pos, offs)


def _numpy_path(x, y, starts, counts, r, cx, cy, refine, out, lines, along) -> None:
    """The same computation as the compiled kernel, vectorised over geometries (no numba).

    The nearest pair is kept as the kernel keeps it (the first strict minimum over segments, then
    vertices; then axis vertices, then edges), so both paths locate ties on the same point.
    """
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
        loc = along[:, j] if len(along) else None
        cum, seg = _measures(lc)
        live = ~refine
        # (1) the geometry's vertices to each segment that may hold the nearest point
        for s in range(k):
            rows = np.flatnonzero(live & (dc[s] * (1 - _REL) - r <= ub))
            if len(rows):
                ax, ay, bx, by = lc[s, 0], lc[s, 1], lc[s + 1, 0], lc[s + 1, 1]
                idx, offs = _gather(starts, counts, rows)
                d = point_segment(x[idx], y[idx], ax, ay, bx, by)
                gmin = np.minimum.reduceat(d, offs)
                if loc is not None:  # the nearest point: that vertex's projection onto the segment
                    better = gmin < best[rows]
                    v = idx[_first_min(d, offs, gmin)[better]]
                    loc[rows[better]] = cum[s] + _segment_param(x[v], y[v], ax, ay, bx, by) * seg[s]
                best[rows] = np.minimum(best[rows], gmin)
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
                gmin = np.minimum.reduceat(d, offs)
                if loc is not None:  # the nearest point: the axis vertex itself
                    loc[rows[gmin < best[rows]]] = cum[w]
                best[rows] = np.minimum(best[rows], gmin)


def _p2s(px, py, ax, ay, bx, by):
    """:func:`point_segment` for scalars, for the compiled kernel (GEOS ``Distance::pointToSegment``)."""
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


def _kernel(x, y, starts, counts, simple, lx, ly, lstart, lcount, lcum, lseg, out, along, refine):
    """The per-geometry loop, compiled by numba (:func:`_kernel_source`); ``along`` with 0 rows: no location.

    A module-level function without closure variables, so numba's on-disk cache key is the same in
    every process (a closure over a jitted helper pickles that dispatcher's per-process id into the
    key: every new process compiled the kernel again and added an entry to the cache).
    """
    n = len(starts)
    m = len(lx)
    locate = along.shape[0] > 0
    # per axis segment, for the bounds only (the exact terms use _p2s): start, direction, 1/L²
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
            bs = -1  # the nearest pair: geometry vertex bv and axis segment bs, or axis vertex bw
            bv = -1
            bw = -1
            for s in range(a0, a0 + k):  # (1) the parcel's vertices to the segments that may be nearest
                if dc[s] * (1 - 1e-12) - r <= ub:
                    ax = lx[s]
                    ay = ly[s]
                    bx = lx[s + 1]
                    by = ly[s + 1]
                    for v in range(s0, s0 + c):
                        d = _p2s(x[v], y[v], ax, ay, bx, by)
                        if d < best:
                            best = d
                            bs = s
                            bv = v
            lim = min(ub, best) + r
            lim2 = lim * lim * (1 + 1e-11)
            for w in range(a0, a0 + k + 1):  # (2) the axis' vertices to the parcel's edges
                wx = lx[w]
                wy = ly[w]
                ex = cx - wx
                ey = cy - wy
                if ex * ex + ey * ey <= lim2:
                    for v in range(s0, s0 + c - 1):
                        d = _p2s(wx, wy, x[v], y[v], x[v + 1], y[v + 1])
                        if d < best:
                            best = d
                            bw = w
                    lim = min(ub, best) + r
                    lim2 = lim * lim * (1 + 1e-11)
            out[i, j] = best
            if locate:
                if bw >= 0:  # an axis vertex is nearest
                    along[i, j] = lcum[bw]
                elif bs >= 0:  # a vertex's projection onto segment bs, as _segment_param computes it
                    dx = lx[bs + 1] - lx[bs]
                    dy = ly[bs + 1] - ly[bs]
                    L2 = dx * dx + dy * dy
                    t = 0.0
                    if L2 != 0.0:
                        t = ((x[bv] - lx[bs]) * dx + (y[bv] - ly[bs]) * dy) / L2
                        t = min(max(t, 0.0), 1.0)
                    along[i, j] = lcum[bs] + t * lseg[bs]


def _kernel_source():
    """:func:`_kernel` compiled (numba, cached on disk), or None when numba is not installed."""
    try:
        import numba
        from numba.extending import register_jitable
    except ImportError:  # optional: the numpy path gives the same numbers, slower
        return None
    register_jitable(_p2s)  # callable from compiled code, inlined into the kernel's own cache entry
    return numba.njit(cache=True, nogil=True)(_kernel)


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
    use_compiled : bool, default True
        Use the numba kernel when numba is installed (``False``: the numpy path, same numbers).

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
    dist, _along, idx = _measure(geoms, crs, metric_crs, lines, use_compiled, locate=False)
    return dist, idx


def polyline_nearest(geoms: np.ndarray, crs, metric_crs: CRS, lines: Sequence[np.ndarray],
                     use_compiled: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`polyline_distances` and where the nearest point lies on each polyline.

    Parameters
    ----------
    geoms, crs, metric_crs, lines, use_compiled
        As for :func:`polyline_distances`.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, numpy.ndarray)
        The distances; metres along each polyline from its first vertex to the point on it nearest
        to each geometry (n × lines; where several points are equally near, one of them); and the
        indices of the rows GEOS measured and located (``shortest_line`` + ``line_locate_point``).

    Examples
    --------
    >>> import shapely, numpy as np
    >>> from pyproj import CRS
    >>> axis = np.array([[0., 0.], [5., 0.], [5., 5.]])
    >>> tri = shapely.Polygon([(1, 2), (2, 3), (1, 3)])
    >>> geoms = np.array([tri, shapely.Point(7, 1), shapely.box(6, -2, 7, -1)])
    >>> d, along, refined = polyline_nearest(geoms, CRS(3857), CRS(3857), [axis])
    >>> d[:, 0].tolist(), along[:, 0].tolist()  # a vertex's foot; a foot on the 2nd segment; the bend
    ([2.0, 2.0, 1.4142135623730951], [1.0, 6.0, 5.0])
    """
    return _measure(geoms, crs, metric_crs, lines, use_compiled, locate=True)


def _measure(geoms: np.ndarray, crs, metric_crs: CRS, lines: Sequence[np.ndarray], use_compiled: bool,
             locate: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(geoms)
    lines = [np.asarray(lc, float) for lc in lines]
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
    along = np.full((n if locate else 0, len(lines)), np.nan)
    kernel = _compiled() if use_compiled else None
    if kernel is not None:
        lx = np.concatenate([lc[:, 0] for lc in lines])
        ly = np.concatenate([lc[:, 1] for lc in lines])
        lcount = np.array([len(lc) for lc in lines], dtype=np.int64)
        lstart = np.concatenate([[0], np.cumsum(lcount)[:-1]]).astype(np.int64)
        if locate:
            ms = [_measures(lc) for lc in lines]
            lcum = np.concatenate([cum for cum, _ in ms])
            lseg = np.concatenate([np.append(seg, 0.0) for _, seg in ms])
        else:  # not read by the kernel
            lcum = lseg = lx
        kernel(x, y, starts, counts, simple, lx, ly, lstart, lcount, lcum, lseg, out, along, refine)
    else:
        gidx = np.repeat(np.arange(n), counts)
        safe = np.maximum(counts, 1)
        cx = np.bincount(gidx, weights=x, minlength=n) / safe
        cy = np.bincount(gidx, weights=y, minlength=n) / safe
        r = np.zeros(n)
        r[has] = np.maximum.reduceat(np.hypot(x - cx[gidx], y - cy[gidx]), starts[has])
        r = r * (1 + _REL) + _ABS
        _numpy_path(x, y, starts, counts, r, cx, cy, refine, out, lines, along)
    idx = np.flatnonzero(refine)
    if len(idx):
        sub = np.asarray(geoms[idx])
        if not src.equals(metric_crs):
            tr = transformer(src, metric_crs)
            sub = shapely.transform(sub, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))
        for j, lc in enumerate(lines):
            line = shapely.linestrings(lc)
            out[idx, j] = shapely.distance(sub, line)
            if locate:  # the point on the line of the shortest line, then its position along the line
                along[idx, j] = shapely.line_locate_point(line, shapely.get_point(shapely.shortest_line(sub, line), 1))
    return out, along, idx


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
