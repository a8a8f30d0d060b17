"""Append-only JSON-lines files for feedback, staff actions and (optional) transcripts.

One `write` per record on an O_APPEND descriptor keeps lines whole even with several app
processes; the files hold patients' words, so they are created readable by the owner only.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def now_iso() -> str:
    """Record time: UTC, to the second (finer would only help re-identify a patient)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class JsonlLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def append(self, record: dict[str, Any]) -> None:
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)

    def read(self) -> list[dict[str, Any]]:
        """All records, oldest first; a line cut short by a crash is skipped, not fatal."""
        if not self.path.exists():
            return []
        records = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                records.append(record)
        return records
