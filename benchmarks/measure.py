"""Wall time, CPU time and peak memory of one call; the machine's load average over a run.

CPU time is ``time.process_time()``: user + system time of the whole process, every thread (DuckDB's
workers, the sampler below), read from ``CLOCK_PROCESS_CPUTIME_ID`` at nanosecond resolution.
psutil's ``cpu_times`` counts 10 ms ticks, which made a 10⁴-parcel DuckDB query read 0.01 s.

Memory is the peak process RSS above the RSS just before the call: Linux's high-water mark
(``VmHWM`` in ``/proc/self/status``), reset before the call by writing 5 to ``/proc/self/clear_refs``,
so no sampler runs beside the call (a Python thread polling RSS every 2 ms took the GIL from the
measured code and added ~10-40 % CPU to a 0.15 s site query). Where the reset is not allowed, RSS
is sampled every 2 ms by a background thread instead. Before each call we ``gc.collect()`` and ``malloc_trim(0)`` (glibc) so memory
freed by earlier calls is handed back to the OS and not counted twice or hidden. RSS, unlike
tracemalloc, also sees GEOS, PROJ, Arrow and DuckDB allocations, which is where most of the memory
of these workloads lives. The number includes the result the call returns.
"""

from __future__ import annotations

import ctypes
import gc
import os
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


_cpu = time.process_time  # all threads of this process, ns resolution (not 10 ms ticks)


def rss_mb() -> float:
    return _PROC.memory_info().rss / 2**20


@dataclass
class Measurement:
    seconds: float
    peak_mb: float  # peak RSS above the RSS before the call
    cpu_s: float  # process CPU time (user + system, all threads) during the call
    rss_before_mb: float
    value: Any = None


def _hwm_mb() -> float | None:
    """The process's peak RSS since the last reset (``VmHWM``), or None where /proc has no such line."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _reset_hwm() -> bool:
    """Reset the peak RSS to the current RSS (Linux ≥ 4.0); False where that is not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return _hwm_mb() is not None
    except OSError:
        return False


def measure(fn: Callable[[], Any], interval: float = 0.002) -> Measurement:
    """Run ``fn()`` once; its wall time, CPU time and peak RSS increase."""
    trim()
    before = rss_mb()
    if _reset_hwm():  # the kernel keeps the peak: nothing runs beside the call
        c0 = _cpu()
        t0 = time.perf_counter()
        value = fn()
        dt = time.perf_counter() - t0
        cpu = _cpu() - c0
        peak = max(_hwm_mb() or before, rss_mb())
        return Measurement(dt, peak - before, cpu, before, value)
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


class LoadSampler:
    """The 1-minute load average every ``interval`` seconds in a background thread, so a run can
    report the largest and mean load it saw, not only the values at its checkpoints."""

    def __init__(self, interval: float = 5.0) -> None:
        self.interval = interval
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while True:
            self.samples.append(os.getloadavg()[0])
            if self._stop.wait(self.interval):
                return

    def start(self) -> LoadSampler:
        self._thread.start()
        return self

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        self.samples.append(os.getloadavg()[0])
        s = self.samples
        return {"max_1min": max(s), "mean_1min": sum(s) / len(s), "samples": len(s), "interval_s": self.interval}
