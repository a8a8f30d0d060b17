"""One patient's chat: keeps the active procedure and turns each message into an Answer.

Decision order, from the most to the least urgent: emergency, personal medical advice, which
procedure (code, name, active procedure, clear retrieval winner), then whether the pages cover
the question. Each chat owns its own state; the engine, model and prompts are shared.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.anatomy import BODY_PART
from assistant.answer_types import Answer, Outcome
from assistant.compose import to_source
from assistant.courtesy import courtesy
from assistant.procedures import ProcedureMatcher
from assistant.retrieval import Retrieval
from assistant.safety import Concern, Screening, clean_message, screen
from assistant.text import terms

if TYPE_CHECKING:
    from assistant.service import Assistant

MAX_MESSAGE_CHARS = 2000
OUT_OF_SCOPE_SIMILARITY = 0.30  # below this nothing in the pages is about the question
FOLLOW_UP_SIMILARITY = 0.15  # an unnamed question this far from the active page is off-topic
# Procedure names are built from these endings ("tonsillectomy", "bronchoscopy").
_PROCEDURE_WORD = re.compile(
    r"\w{3,}(ectom|otom|ostom|oscop|plast|graph|gram|pex|rrhaph|centes|trips)\w{0,3}$"
    r"|^(transplant|graft)\w*$"
)
# Words that follow a procedure's name: "lasik eye surgery", "whipple procedure".
_PROCEDURE_NOUNS = r"(surgery|surgeries|procedure|operation|transplant|implant|treatment)"
# "a hair transplant", "is cochlear implant surgery": a name, where a determiner or "is" leads
# in; "to avoid surgery", "w/o surgery", "dont want surgery" name nothing.
_NAMED_BEFORE_NOUN = re.compile(
    r"\b(?:a|an|the|my|his|her|their|your|our|this|that|is|whats|about|for|of|get|getting|had"
    rf"|having)\s+([a-z]+)\s+{_PROCEDURE_NOUNS}\b",
    re.IGNORECASE,
)
# Words before a procedure noun that say which one of the patient's, not what it is.
_QUALIFIERS = frozenset(
    terms(
        "minor major big small simple quick outpatient inpatient elective emergency planned "
        "scheduled upcoming recent last previous prior next other same first second third "
        "whole entire actual real cosmetic medical routine regular standard usual"
    )
)
_MARKUP = re.compile(r"<[^>]{0,200}>")  # pasted tags are not words of the question
# "covered" and "billed" are left out: every code page says what a code covers or is billed with.
_INSURANCE_TERMS = frozenset(
    terms("insurance insurer insured coverage medicare medicaid copay deductible reimbursement")
)
_BILLING_TERMS = _INSURANCE_TERMS | frozenset(terms("cost costs price prices pay paid fee fees"))
# A price: a currency sign or word; "pounds" alone is a weight ("up to 450 pounds").
_AMOUNT = re.compile(r"[$£€]\s?\d|\d\s?(dollars|usd|euros)\b", re.IGNORECASE)


def page_covers(reason: str, text: str) -> bool:
    """Whether a page's text can answer a cost question: a price needs an amount ("no ongoing
    cost" answers nothing), insurance and billing the words for them; booking, opening hours
    and finding a provider are never on a procedure page."""
    if reason == "cost":
        return _AMOUNT.search(text) is not None
    if reason in ("insurance", "billing"):
        vocabulary = _INSURANCE_TERMS if reason == "insurance" else _BILLING_TERMS
        return bool(vocabulary & set(terms(text)))
    return False


@dataclass
class ConversationState:
    active_code: str | None = None
    aspect: dict[str, float] = field(default_factory=dict)  # what the last question asked
    history: list[tuple[str, str]] = field(default_factory=list)  # (patient, assistant)


class Conversation:
    """A chat with its own state over a shared Assistant."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.state = ConversationState()

    def ask(self, message: str) -> Answer:
        *_, answer = self.stream(message)
        assert isinstance(answer, Answer)
        return answer

    def stream(self, message: str) -> Iterator[str | Answer]:
        """The answer text so far as it grows, then the final Answer."""
        answer: Answer | None = None
        for event in self._respond(message):
            if isinstance(event, Answer):
                answer = event
            yield event
        assert answer is not None
        self.state.active_code = answer.active_code
        self.state.history.append((message, answer.text))

    def _fixed(self, name: str, outcome: Outcome, notice: str = "", **values: str) -> Answer:
        prompts = self.assistant.prompts
        text = prompts[name].format(**values)
        if outcome is not Outcome.EMERGENCY:
            text = f"{text}\n\n_{prompts['disclaimer'].format()}_"
        return Answer(
            f"{notice}{text}",
            (),
            outcome,
            self.state.active_code,
            self.assistant.prompts.versions(),
        )

    def _respond(self, message: str) -> Iterator[str | Answer]:
        text, truncated = clean_message(message, MAX_MESSAGE_CHARS)
        notice = ""
        if truncated:
            notice = (
                self.assistant.prompts["too_long"].format(limit=str(MAX_MESSAGE_CHARS)) + "\n\n"
            )
        if not text:
            yield self._fixed("clarify_open", Outcome.CLARIFY)
            return
        screening = screen(text)
        if screening.concern is Concern.EMERGENCY:
            yield self._fixed("emergency", Outcome.EMERGENCY, notice)
            return
        if screening.concern is Concern.MEDICAL_ADVICE:
            yield self._fixed("decline_advice", Outcome.OUT_OF_SCOPE, notice)
            return
        reply = courtesy(text)
        if reply:
            yield self._fixed(reply, Outcome.CLARIFY, notice)  # it invites the next question
            return
        if self.assistant.corpus.empty:
            yield self._fixed("no_content", Outcome.OUT_OF_SCOPE, notice)
            return

        retrieval = self.assistant.engine.search(
            _MARKUP.sub(" ", text), self.state.active_code, previous_aspect=self.state.aspect
        )
        self.state.aspect = retrieval.aspect
        outcome = self._judge(text, retrieval, screening)
        if outcome is Outcome.CLARIFY:
            if retrieval.candidates and (retrieval.named or retrieval.top_similarity >= 0.4):
                listing = "\n".join(f"- {p.label}" for p in retrieval.candidates[:4])
                yield self._fixed("clarify", Outcome.CLARIFY, notice, candidates=listing)
            else:
                yield self._fixed("clarify_open", Outcome.CLARIFY, notice)
            return
        if outcome is Outcome.OUT_OF_SCOPE:
            yield self._fixed("refusal", Outcome.OUT_OF_SCOPE, notice)
            return

        sources = tuple(to_source(hit) for hit in retrieval.hits)
        body = ""
        for body in self.assistant.answerer.stream(text, retrieval, self.state):
            yield notice + body
        disclaimer = self.assistant.prompts["disclaimer"].format()
        final = f"{notice}{body}\n\n_{disclaimer}_"
        yield final
        yield Answer(
            final, sources, Outcome.ANSWER, retrieval.code, self.assistant.prompts.versions()
        )

    def _judge(self, text: str, retrieval: Retrieval, screening: Screening) -> Outcome:
        """Answer, ask which procedure, or refuse: by what retrieval found, not by keywords."""
        concern = screening.concern
        everyday = self.assistant.engine.embedder.whole_words
        other_procedure = any(
            _PROCEDURE_WORD.search(t) or _names_procedure(t, text, t in everyday)
            for t in retrieval.unknown_terms
        )
        if other_procedure and retrieval.how != "code":
            return Outcome.OUT_OF_SCOPE  # "a tonsillectomy": no page even uses the word
        matcher = self.assistant.engine.matcher
        code, pages_using = retrieval.code, self.assistant.corpus.pages_using
        if retrieval.how != "code" and _names_unlisted_procedure(
            text, matcher, lambda term: code in pages_using(term)
        ):
            return Outcome.OUT_OF_SCOPE  # "hair transplant"; "cochlear implant" on the lens page
        if (
            retrieval.code
            and retrieval.how != "code"
            and matcher.other_body_part(retrieval.code, text)
        ):
            return Outcome.OUT_OF_SCOPE  # "hip replacement" on the knee replacement page
        if retrieval.code is None:
            if any(_asks_what_is(term, text) for term in retrieval.unknown_terms):
                return Outcome.OUT_OF_SCOPE  # "what is lasik and how long is the recovery"
            asks_section = any(w >= 0.9 for w in retrieval.intents.values())
            if concern is Concern.COST or (retrieval.unknown_terms and not asks_section):
                return Outcome.OUT_OF_SCOPE  # names something the pages never mention
            if retrieval.top_similarity < OUT_OF_SCOPE_SIMILARITY and (
                retrieval.unknown_terms or not asks_section
            ):
                return Outcome.OUT_OF_SCOPE  # "do i need a ride home after" asks which one
            return Outcome.CLARIFY
        best = retrieval.hits[0]
        asked_by_code = retrieval.how == "code"  # "V2784 on my bill?" asks what the code is
        if (
            concern is Concern.COST
            and not asked_by_code
            and not page_covers(screening.reason, best.chunk.text)
        ):
            return Outcome.OUT_OF_SCOPE
        unnamed = retrieval.how == "active" and not retrieval.named
        off_topic = retrieval.unknown_terms and best.similarity < FOLLOW_UP_SIMILARITY
        if unnamed and not retrieval.intents and off_topic:
            return Outcome.OUT_OF_SCOPE
        return Outcome.ANSWER


def _names_procedure(term: str, text: str, everyday: bool) -> bool:
    """An unknown word right before a procedure noun names a procedure the pages lack; one
    word before that ("lasik eye surgery") only when it is a rare word: an everyday word there
    qualifies a procedure we have ("is it true thyroid surgery ...")."""
    gap = "" if everyday else r"(\w+\s+)?"
    pattern = rf"\b{re.escape(term)}\w*\s+{gap}{_PROCEDURE_NOUNS}\b"
    return re.search(pattern, text, re.IGNORECASE) is not None


def _asks_what_is(term: str, text: str) -> bool:
    """'what is X' for a word X no page uses: the message asks what something else is."""
    pattern = rf"\bwhat(?:s| is| are)(?: an?| the)? {re.escape(term)}\w*"
    return re.search(pattern, text, re.IGNORECASE) is not None


def _names_unlisted_procedure(
    text: str, matcher: ProcedureMatcher, chosen_page_uses: Callable[[str], bool]
) -> bool:
    """A word before a procedure noun that no page's name uses, nor the chosen page's text,
    names a procedure the pages lack ("hair transplant", "cochlear implant" beside the lens
    implant page); a body part ("back surgery") or a qualifier ("my last surgery") leaves
    the procedure open, which retrieval or a clarifying question settles."""
    for match in _NAMED_BEFORE_NOUN.finditer(text):
        found = terms(match.group(1))
        if not found or found[0] in _QUALIFIERS or found[0] in BODY_PART:
            continue
        if matcher.name_term(found[0]) is None and not chosen_page_uses(found[0]):
            return True
    return False
