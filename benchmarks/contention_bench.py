"""Query-encode latency with 1 or 2 torch threads, on idle cores and next to a busy process.

Why this exists: on these 2-core machines another process often holds one core (a test run,
a second app). A 2-thread torch op then waits at every sync point for the thread that is not
scheduled, and one short query encode went from ~10 ms to ~400 ms while measuring the query
benchmark. This measures that effect in isolation, side by side: the same model and query,
with a spinning process of our own (same niceness as us) started and stopped around it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

from benchmarks.measure import summary_ms

QUERY = "how long does a diagnostic colonoscopy take"
REPEATS = 40
SPIN = "import time\nend = time.time() + 120\nwhile time.time() < end: pass\n"


def _encode_times(embedder: Any, threads: int, repeats: int) -> list[float]:
    import torch

    torch.set_num_threads(threads)
    embedder.encode_query("warm up")
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        embedder.encode_query(QUERY)
        times.append(time.perf_counter() - started)
    return times


def measure(embedder: Any, repeats: int = REPEATS) -> dict[str, Any]:
    """p50/p95 of one query encode for each (threads, neighbour) combination."""
    import torch

    before = torch.get_num_threads()
    out: dict[str, Any] = {"load_avg_1m_at_start": round(os.getloadavg()[0], 2)}
    try:
        for busy in (False, True):
            spinner = subprocess.Popen([sys.executable, "-c", SPIN]) if busy else None
            try:
                time.sleep(0.5 if busy else 0)
                for threads in (1, 2):
                    key = f"{threads} thread{'s' if threads > 1 else ''}, " + (
                        "plus our spinner" if busy else "no spinner"
                    )
                    out[key] = summary_ms(_encode_times(embedder, threads, repeats))
            finally:
                if spinner:
                    spinner.kill()
                    spinner.wait()
    finally:
        torch.set_num_threads(before)
    return out
