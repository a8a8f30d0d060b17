"""The generative answerer: a LangChain chat model writes the answer from the retrieved excerpts.

The model only sees numbered excerpts of the chosen page, numbered like the source list the
app shows, so its [n] citations point at sources the patient can open. A model server is one
more thing that can fail while a patient waits, so any failure (or an empty reply) falls back
to the extractive answer, which is grounded by construction and needs no server.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from assistant.prompts import PromptSet
from assistant.retrieval import Hit, Retrieval
from assistant.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.answerers import Answerer
    from assistant.conversation import ConversationState

log = logging.getLogger(__name__)

_DELIMITER = re.compile(r"</?\s*(question|excerpts)\s*>", re.IGNORECASE)


def as_data(text: str) -> str:
    """Text from a patient or a page can never close the prompt's <question>/<excerpts>
    blocks and pose as instructions: the delimiter tags are taken out of it."""
    return _DELIMITER.sub(" ", text)


HISTORY_TURNS = 3  # enough to resolve "it" or "that", short enough to keep the rewrite cheap
PROVIDERS = ("openai", "ollama")
SETTING_NAME = "PROCEDURE_ASSISTANT_LLM"


def parse_llm(value: str) -> tuple[str, str]:
    """Split 'provider:model' at start-up, so a typo stops the app instead of every answer."""
    provider, _, model = value.partition(":")
    if provider in PROVIDERS and model.strip():
        return provider, model.strip()
    raise ValueError(
        f"{SETTING_NAME}={value!r} is not supported; use 'openai:MODEL' (an OpenAI-compatible "
        "server such as vLLM or llama.cpp, at PROCEDURE_ASSISTANT_LLM_BASE_URL), "
        "'ollama:MODEL', or leave it empty for offline extractive answers"
    )


def build_chat_model(settings: Settings) -> BaseChatModel:
    """Import only the chosen provider's package: these imports take seconds."""
    provider, model = parse_llm(settings.llm)
    if provider == "openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model=model,
            base_url=settings.llm_base_url or None,
            api_key=settings.llm_api_key,
            timeout=settings.llm_timeout_s,
            max_retries=settings.llm_max_retries,
            streaming=True,
        )
    from langchain_ollama import ChatOllama

    # ChatOllama has no timeout of its own; its httpx client takes one.
    return ChatOllama(
        model=model,
        base_url=settings.llm_base_url or None,
        client_kwargs={"timeout": settings.llm_timeout_s},
    )


def format_context(hits: list[Hit]) -> str:
    """One numbered excerpt per hit, in the order of the app's source list, so [n] match."""
    return "\n".join(
        f"[{number}] {c.title} ({c.code_system} {c.code}) — {c.section}: {c.text}"
        for number, c in enumerate((hit.chunk for hit in hits), start=1)
    )


def format_history(history: list[tuple[str, str]]) -> str:
    return "\n".join(
        f"Patient: {patient}\nAssistant: {assistant}"
        for patient, assistant in history[-HISTORY_TURNS:]
    )


class GenerativeAnswerer:
    """Shared by all chats; the model is built on first use and then reused."""

    def __init__(self, settings: Settings, prompts: PromptSet, fallback: Answerer) -> None:
        parse_llm(settings.llm)
        self.settings = settings
        self.prompts = prompts
        self.fallback = fallback
        self._model: BaseChatModel | None = None
        self._model_lock = threading.Lock()

    def stream(
        self, question: str, retrieval: Retrieval, state: ConversationState
    ) -> Iterator[str]:
        text = ""
        try:
            for text in self._generate(question, retrieval, state):
                yield text
        except Exception as error:
            log.warning(
                "model %s failed (%s: %s); answering extractively",
                self.settings.llm,
                type(error).__name__,
                error,
            )
        else:
            if text.strip():
                return
            log.warning("model %s gave an empty reply; answering extractively", self.settings.llm)
        # The caller shows the latest cumulative text, so this replaces any partial reply.
        yield from self.fallback.stream(question, retrieval, state)

    def _generate(
        self, question: str, retrieval: Retrieval, state: ConversationState
    ) -> Iterator[str]:
        from langchain_core.messages import HumanMessage, SystemMessage

        model = self._chat_model()
        if state.history:
            question = self._standalone(model, question, state.history)
        answer = self.prompts["answer"].format(
            question=as_data(question),
            context=as_data(format_context(retrieval.hits)),
            procedure=retrieval.hits[0].chunk.title if retrieval.hits else "unknown",
        )
        messages = [SystemMessage(self.prompts["system"].format()), HumanMessage(answer)]
        text = ""
        for chunk in model.stream(messages):
            if chunk.text:
                text += chunk.text
                yield text

    def _standalone(
        self, model: BaseChatModel, question: str, history: list[tuple[str, str]]
    ) -> str:
        """Resolve a follow-up ("how long does it take?") against the conversation; a failed
        rewrite only costs precision, so the patient's own words are used instead."""
        from langchain_core.messages import HumanMessage

        prompt = self.prompts["rewrite"].format(history=format_history(history), question=question)
        try:
            rewritten = model.invoke([HumanMessage(prompt)], stream=False).text.strip()
        except Exception as error:
            log.warning(
                "question rewrite failed (%s: %s); using the question as asked",
                type(error).__name__,
                error,
            )
            return question
        return rewritten or question

    def _chat_model(self) -> BaseChatModel:
        with self._model_lock:
            if self._model is None:
                self._model = build_chat_model(self.settings)
            return self._model
