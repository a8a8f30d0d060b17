"""Patients' ratings of answers: an append-only log, and the staff's view and CSV export of it.

A record holds the answer being rated and nothing about the person: no IP, session, earlier
messages or browser details. A comment sent after a thumb click is a new record with the same
answer id; readers keep the latest record per answer, so the log itself is never rewritten.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.answer_types import Source
from webui.chat_session import Turn
from webui.jsonl_log import JsonlLog, now_iso

HELPFUL, NOT_HELPFUL = "helpful", "not helpful"
RATINGS = (HELPFUL, NOT_HELPFUL)
MAX_COMMENT_CHARS = 1000
CSV_COLUMNS = ("time", "rating", "comment", "question", "answer", "sources", "prompt_versions")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def source_fields(source: Source) -> dict[str, str]:
    """What identifies a cited chunk; the chunk id names the page version that was used."""
    return {
        "code": source.code,
        "code_system": source.code_system,
        "title": source.title,
        "section": source.section,
        "chunk_id": source.chunk_id,
    }


def feedback_record(
    turn: Turn, rating: str, comment: str, clock: Callable[[], str] = now_iso
) -> dict[str, Any]:
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {RATINGS}, not {rating!r}")
    return {
        "id": turn.answer_id,
        "time": clock(),
        "rating": rating,
        "comment": comment.strip()[:MAX_COMMENT_CHARS],
        "question": turn.question,
        "answer": turn.answer.text,
        "sources": [source_fields(s) for s in turn.answer.sources],
        "prompt_versions": dict(turn.answer.prompt_versions),
    }


class FeedbackLog:
    def __init__(self, path: Path) -> None:
        self.log = JsonlLog(path)

    def record(self, turn: Turn, rating: str, comment: str = "") -> dict[str, Any]:
        record = feedback_record(turn, rating, comment)
        self.log.append(record)
        return record

    def entries(self, only_not_helpful: bool = False) -> list[dict[str, Any]]:
        """Newest first, one per answer (its latest rating and comment)."""
        latest: dict[str, dict[str, Any]] = {}
        for record in self.log.read():
            latest.pop(str(record.get("id")), None)  # re-insert: order by latest update
            latest[str(record.get("id"))] = record
        entries = list(reversed(latest.values()))
        if only_not_helpful:
            entries = [e for e in entries if e.get("rating") == NOT_HELPFUL]
        return entries


def table_row(entry: dict[str, Any]) -> list[str]:
    """One entry as flat text cells, in CSV_COLUMNS order."""
    sources = "; ".join(
        f"{s.get('code_system', '')} {s.get('code', '')} {s.get('section', '')}".strip()
        for s in entry.get("sources", [])
    )
    versions = ", ".join(f"{k} v{v}" for k, v in entry.get("prompt_versions", {}).items())
    return [
        str(entry.get("time", "")),
        str(entry.get("rating", "")),
        str(entry.get("comment", "")),
        str(entry.get("question", "")),
        str(entry.get("answer", "")),
        sources,
        versions,
    ]


def _spreadsheet_safe(cell: str) -> str:
    """Patients' words must not become formulas when staff open the export in a spreadsheet."""
    return f"'{cell}" if cell.startswith(_FORMULA_START) else cell


def write_csv(entries: list[dict[str, Any]], path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for entry in entries:
            writer.writerow([_spreadsheet_safe(cell) for cell in table_row(entry)])
    return path
