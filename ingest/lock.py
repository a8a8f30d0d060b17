"""One writer at a time: an exclusive lock on a file in the store, released by the OS on exit."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class StoreBusyError(RuntimeError):
    """Another ingest holds the store; the message names its PID."""


@contextmanager
def store_lock(store_dir: Path) -> Iterator[None]:
    """flock dies with its process, so a killed ingest never leaves a stale lock behind."""
    store_dir.mkdir(parents=True, exist_ok=True)
    path = store_dir / "ingest.lock"
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise StoreBusyError(
                f"{store_dir}: another ingest (PID {holder}) is writing this index; "
                "wait for it to finish, then run again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
