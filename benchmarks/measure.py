"""Small measuring helpers shared by the benchmarks: clocks, percentiles, memory, the machine.

Every figure the report shows as a target is a ratio of two numbers measured in the same
process, one right after the other: these machines are shared and their absolute speed drifts
by tens of percent between runs, but both sides of a ratio drift together.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
PACKAGES = (
    "torch",
    "sentence-transformers",
    "transformers",
    "chromadb",
    "bm25s",
    "langchain-core",
    "langchain-chroma",
    "langchain-text-splitters",
    "gradio",
    "numpy",
)


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default), 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/mean in milliseconds of a list of durations in seconds."""
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50": round(percentile(ms, 50), 2),
        "p95": round(percentile(ms, 95), 2),
        "p99": round(percentile(ms, 99), 2),
        "mean": round(sum(ms) / len(ms), 2) if ms else 0.0,
    }


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    """(result, seconds) of one call, by the monotonic high-resolution clock."""
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def timed_cpu(fn: Callable[[], T]) -> tuple[T, float, float]:
    """(result, wall seconds, CPU seconds of this process): CPU/wall near the thread count
    means the run had its cores; near 1 or below means it shared them with other work."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    cpu = own.ru_utime + own.ru_stime
    result, wall = timed(fn)
    own = resource.getrusage(resource.RUSAGE_SELF)
    return result, wall, own.ru_utime + own.ru_stime - cpu


@contextmanager
def cpu_clock() -> Iterator[dict[str, float]]:
    """Wall and CPU seconds of a block (this process and its children), to keep benchmark
    runs within the CPU budget of a shared machine and to report it."""
    out: dict[str, float] = {}
    before = _cpu_seconds()
    wall = time.perf_counter()
    try:
        yield out
    finally:
        out["wall_s"] = round(time.perf_counter() - wall, 2)
        out["cpu_s"] = round(_cpu_seconds() - before, 2)


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def proc_peak_rss_mb(pid: int) -> float | None:
    """Peak resident memory (VmHWM) of a running process, None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def machine() -> dict[str, Any]:
    """What the figures were measured on: enough to tell whether two reports compare."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": mem_gib,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
        "nice": os.nice(0),
        "versions": versions,
    }


def save_json(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return path


def load_json(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))
