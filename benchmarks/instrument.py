"""Stage timers patched onto existing functions for one measured run, then removed again.

The benchmarks may not edit `ingest/` or `assistant/`, yet a total alone does not say where
the time goes. Wrapping the functions that `sync` and the retrieval engine call (looked up by
module attribute at call time) gives a per-stage breakdown of the real code path at the cost
of one `perf_counter` pair per call.
"""

from __future__ import annotations

import functools
import inspect
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class StageTimes:
    """Accumulated seconds and call counts per stage name."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        if inspect.isgeneratorfunction(fn):
            return self._wrap_generator(name, fn)

        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started
                self.calls[name] += 1

        return timed

    def _wrap_generator(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Time the work of a generator (every step), not just the call that creates it."""

        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            self.calls[name] += 1
            steps = fn(*args, **kwargs)
            while True:
                started = time.perf_counter()
                try:
                    item = next(steps)
                except StopIteration:
                    return
                finally:
                    self.seconds[name] += time.perf_counter() - started
                yield item

        return timed

    def as_dict(self) -> dict[str, dict[str, float]]:
        return {
            name: {"seconds": round(self.seconds[name], 4), "calls": self.calls[name]}
            for name in sorted(self.seconds, key=self.seconds.get, reverse=True)
        }


@contextmanager
def patched(targets: dict[str, tuple[Any, str]]) -> Iterator[StageTimes]:
    """Time every call of `owner.attr` for each `name: (owner, attr)` inside the block."""
    times = StageTimes()
    saved = []
    for name, (owner, attr) in targets.items():
        # The raw descriptor (a classmethod stays a classmethod), or None for an attribute that
        # only came from the class (an instance's bound method): then the patch is deleted.
        saved.append((owner, attr, vars(owner).get(attr)))
        setattr(owner, attr, times.wrap(name, getattr(owner, attr)))
    try:
        yield times
    finally:
        for owner, attr, raw in reversed(saved):
            if raw is None:
                delattr(owner, attr)
            else:
                setattr(owner, attr, raw)


def ingest_targets(embedder: Any) -> dict[str, tuple[Any, str]]:
    """The stages of `ingest.sync.sync`, by the names its module looks them up under."""
    import ingest.sync as sync_module
    from assistant.index import Store
    from assistant.keyword import KeywordIndex

    return {
        "discover files": (sync_module, "discover"),
        "parse pages": (sync_module, "read_page"),
        "hash files": (sync_module, "content_hash"),
        "chunk pages": (sync_module, "chunk"),
        "embed chunks": (embedder, "encode"),
        "chroma upsert": (Store, "upsert"),
        "chroma delete": (Store, "delete"),
        "load old records": (Store, "load_records"),
        "write records + BM25": (Store, "write_generation"),
        "  of which BM25 build": (KeywordIndex, "build"),
        "load manifest": (Store, "load_manifest"),
        "commit manifest": (Store, "commit_manifest"),
    }
