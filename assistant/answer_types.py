"""What the assistant returns, whichever answerer produced it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    ANSWER = "answer"
    OUT_OF_SCOPE = "out_of_scope"
    EMERGENCY = "emergency"
    CLARIFY = "clarify"


@dataclass(frozen=True)
class Source:
    """One cited chunk; `section` is the page's own heading text."""

    code: str
    code_system: str
    title: str
    section: str
    source: str
    score: float
    text: str = ""  # the exact text used, shown when a patient expands the source
    chunk_id: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["score"] = round(self.score, 4)
        return data


@dataclass(frozen=True)
class Answer:
    text: str
    sources: tuple[Source, ...] = ()
    outcome: Outcome = Outcome.ANSWER
    active_code: str | None = None  # the procedure the conversation is now about
    prompt_versions: dict[str, str] = field(default_factory=dict)
