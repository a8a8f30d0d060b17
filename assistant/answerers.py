"""Answerers turn a retrieval into answer text, streamed as it grows.

The extractive answerer is the default: offline, fast, grounded by construction. The
generative answerer (a LangChain chat model) is chosen by the `llm` setting and falls back to
the extractive one whenever the model server fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

from assistant.compose import compose
from assistant.prompts import PromptSet
from assistant.retrieval import Retrieval
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.conversation import ConversationState


class Answerer(Protocol):
    def stream(
        self, question: str, retrieval: Retrieval, state: ConversationState
    ) -> Iterator[str]:
        """Yield the answer text so far, growing, ending with the whole answer."""
        ...


class ExtractiveAnswerer:
    def stream(
        self, question: str, retrieval: Retrieval, state: ConversationState
    ) -> Iterator[str]:
        text = compose(f"{question} {retrieval.topic}", retrieval.hits)
        pieces = re.findall(r"\S+\s*", text)
        for end in range(8, len(pieces), 8):  # a few words at a time, like a typed reply
            yield "".join(pieces[:end])
        yield text


def make_answerer(settings: Settings, prompts: PromptSet) -> Answerer:
    if not settings.llm:
        return ExtractiveAnswerer()
    from assistant.generative import GenerativeAnswerer

    return GenerativeAnswerer(settings, prompts, fallback=ExtractiveAnswerer())
