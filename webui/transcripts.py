"""Optional transcript log (setting `store_transcripts`, off by default).

Off, the app keeps no record of what patients ask beyond the answers they choose to rate.
On, each answered question is appended with a random per-chat id, still nothing that
identifies the person.
"""

from __future__ import annotations

from pathlib import Path

from webui.chat_session import Turn
from webui.feedback import source_fields
from webui.jsonl_log import JsonlLog, now_iso


class TranscriptLog:
    def __init__(self, path: Path) -> None:
        self.log = JsonlLog(path)

    def record(self, chat_id: str, turn: Turn) -> None:
        self.log.append(
            {
                "time": now_iso(),
                "chat": chat_id,
                "question": turn.question,
                "answer": turn.answer.text,
                "outcome": turn.answer.outcome.value,
                "sources": [source_fields(s) for s in turn.answer.sources],
                "prompt_versions": dict(turn.answer.prompt_versions),
            }
        )
