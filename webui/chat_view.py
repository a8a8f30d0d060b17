"""How an answer looks in the chat: the answer bubble, then one collapsed message per source.

Gradio renders a message with a metadata title as a collapsible block, which gives each
source an expandable "exact text used" without any HTML of our own. Sources are numbered in
the answer's order, so the answer's citations [1], [2] point at the matching block.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.answer_types import Source
from webui.safe_text import literal, page_markdown

Message = dict[str, Any]


def user_message(text: str) -> Message:
    return {"role": "user", "content": literal(text)}


def answer_message(text: str) -> Message:
    return {"role": "assistant", "content": page_markdown(text)}


def source_title(number: int, source: Source) -> str:
    return f"[{number}] {source.title} ({source.code_system} {source.code}) — {source.section}"


def source_message(number: int, source: Source) -> Message:
    return {
        "role": "assistant",
        "content": page_markdown(source.text) or "_(this section has no text)_",
        "metadata": {"title": literal(source_title(number, source)), "status": "done"},
    }


def answer_messages(text: str, sources: Sequence[Source]) -> list[Message]:
    return [
        answer_message(text),
        *(source_message(n, source) for n, source in enumerate(sources, 1)),
    ]
