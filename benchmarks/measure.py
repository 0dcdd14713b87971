"""Wall time and peak memory of one call.

Memory is the peak process RSS (psutil) above the RSS just before the call, sampled every 2 ms by
a background thread. Before each call we ``gc.collect()`` and ``malloc_trim(0)`` (glibc) so memory
freed by earlier calls is handed back to the OS and not counted twice or hidden. RSS, unlike
tracemalloc, also sees GEOS, PROJ, Arrow and DuckDB allocations, which is where most of the memory
of these workloads lives. The number includes the result the call returns.
"""

from __future__ import annotations

import ctypes
import gc
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psutil

_PROC = psutil.Process()
try:
    _LIBC = ctypes.CDLL("libc.so.6")
except OSError:  # not glibc: no trim, numbers may undercount reuse
    _LIBC = None


def trim() -> None:
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _cpu() -> float:
    t = _PROC.cpu_times()
    return t.user + t.system


def rss_mb() -> float:
    return _PROC.memory_info().rss / 2**20


@dataclass
class Measurement:
    seconds: float
    peak_mb: float  # peak RSS above the RSS before the call
    cpu_s: float  # process CPU time (user + system, all threads) during the call
    rss_before_mb: float
    value: Any = None


def measure(fn: Callable[[], Any], interval: float = 0.002) -> Measurement:
    """Run ``fn()`` once; its wall time and peak RSS increase."""
    trim()
    before = rss_mb()
    peak = [before]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            r = rss_mb()
            peak[0] = max(peak[0], r)
            time.sleep(interval)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    c0 = _cpu()
    t0 = time.perf_counter()
    try:
        value = fn()
    finally:
        dt = time.perf_counter() - t0
        cpu = _cpu() - c0
        stop.set()
        t.join()
    peak[0] = max(peak[0], rss_mb())
    return Measurement(dt, peak[0] - before, cpu, before, value)
