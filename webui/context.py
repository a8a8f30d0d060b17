"""Everything the UI handlers share, wired once per process."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.service import Assistant
from webui.config import WebSettings
from webui.feedback import FeedbackLog
from webui.jsonl_log import JsonlLog
from webui.staff_auth import StaffGate
from webui.transcripts import TranscriptLog


@dataclass(frozen=True)
class AppContext:
    assistant: Assistant
    config: WebSettings
    feedback: FeedbackLog
    gate: StaffGate
    transcripts: TranscriptLog | None = None  # None unless `store_transcripts` is on

    @classmethod
    def create(
        cls, assistant: Assistant, config: WebSettings, failure_delay_s: float = 1.0
    ) -> AppContext:
        folder = config.feedback_dir
        return cls(
            assistant=assistant,
            config=config,
            feedback=FeedbackLog(folder / "feedback.jsonl"),
            gate=StaffGate(
                config, JsonlLog(folder / "staff_log.jsonl"), failure_delay_s=failure_delay_s
            ),
            transcripts=(
                TranscriptLog(folder / "transcripts.jsonl") if config.store_transcripts else None
            ),
        )
