"""The offline answerer: builds the answer only from retrieved page text.

Grounded by construction: every sentence of an answer is copied from the cited chunk; only
the lead-in (procedure name, code, section) and the fixed messages are added.
"""

from __future__ import annotations

import re

from assistant import sections as s
from assistant.answer_types import Source
from assistant.retrieval import Hit
from assistant.text import terms

MAX_ITEMS = 5
MAX_SECOND_ITEMS = 3
SECOND_SECTION_MARGIN = 0.3  # a runner-up this close (score units) may hold the answer: cited [2]
MAX_WORDS = 110
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'])")
_NUMBERS = re.compile(r"\d")
_TIME_WORDS = frozenset(terms("minute minutes hour hours day days week weeks month months"))

# Facts each kind of question usually wants, to prefer the item that carries them.
_CUES: dict[str, frozenset[str]] = {
    s.DURATION: _TIME_WORDS,
    s.RECOVERY: _TIME_WORDS | frozenset(terms("drive work return resume normal activities")),
    s.PREPARATION: frozenset(terms("fast eat drink hours medication stop bring arrange")),
    s.EXPERIENCE: frozenset(terms("awake asleep feel pain pressure sedation discomfort")),
    s.SETTING: frozenset(terms("hospital clinic office outpatient center")),
}


def items_of(text: str) -> list[str]:
    """Bullets and steps stay whole; paragraphs are split into sentences."""
    items: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if not line.strip():
            continue
        if re.match(r"\s*(-|\d+\.)\s", line):
            items.append(line)
        else:
            items.extend(p.strip() for p in _SENTENCE_END.split(line.strip()) if p.strip())
    return items


def _item_score(item: str, question_terms: set[str], section: str) -> float:
    item_terms = set(terms(item))
    score = len(item_terms & question_terms)
    cues = _CUES.get(section, frozenset())
    score += 0.5 * len(item_terms & cues)
    if section in (s.DURATION, s.RECOVERY) and _NUMBERS.search(item):
        score += 1.0
    if item.rstrip().endswith(":"):
        score -= 1.0  # an intro or sub-heading line says little on its own
    return score


def select_items(text: str, question: str, section: str) -> list[str]:
    """The most relevant items of a section, in page order, within the answer's length."""
    items = items_of(text)
    if len(items) <= MAX_ITEMS and sum(len(i.split()) for i in items) <= MAX_WORDS:
        return items
    question_terms = set(terms(question))
    ranked = sorted(
        range(len(items)),
        key=lambda i: (_item_score(items[i], question_terms, section), -i),
        reverse=True,
    )
    chosen: list[int] = []
    words = 0
    for index in ranked:
        size = len(items[index].split())
        if chosen and (len(chosen) >= MAX_ITEMS or words + size > MAX_WORDS):
            continue
        chosen.append(index)
        words += size
    return [items[i] for i in sorted(chosen)]


def to_source(hit: Hit) -> Source:
    c = hit.chunk
    return Source(c.code, c.code_system, c.title, c.section, c.source, hit.score, c.text, c.id)


def compose(question: str, hits: list[Hit]) -> str:
    """Lead-in naming the procedure, code and section, then the chosen items, cited [1].

    When the next section scored almost as well (the question sits between two sections, as
    "can i eat after" between preparation and recovery), its items follow, cited [2].
    """
    best = hits[0].chunk
    items = select_items(best.text, question, best.canonical_section)
    lead = f"**{best.title}** ({best.code_system} {best.code}) — {best.section}:"
    text = f"{lead}\n\n{chr(10).join(items)} [1]"
    if len(hits) > 1 and hits[1].score >= hits[0].score - SECOND_SECTION_MARGIN:
        second = hits[1].chunk
        more = select_items(second.text, question, second.canonical_section)[:MAX_SECOND_ITEMS]
        text += f"\n\n**{second.section}:**\n\n{chr(10).join(more)} [2]"
    return text
