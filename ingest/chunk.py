"""Turn a parsed page into chunks: one per section, long sections split between items."""

from __future__ import annotations

import hashlib
import re

from assistant.index import Chunk
from ingest.page import ProcedurePage

MAX_WORDS = 180  # all-MiniLM-L6-v2 reads 256 word pieces; leave room for the context header
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def _word_count(text: str) -> int:
    return len(text.split())


def _units(text: str) -> list[str]:
    """Lines (bullets, steps, paragraphs), with any over-long line cut between sentences."""
    units: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if _word_count(line) <= MAX_WORDS:
            units.append(line)
            continue
        current = ""
        for sentence in _SENTENCE_END.split(line):
            if current and _word_count(current) + _word_count(sentence) > MAX_WORDS:
                units.append(current)
                current = sentence
            else:
                current = f"{current} {sentence}".strip()
        if current:
            units.append(current)
    return units


def split_section(text: str) -> list[str]:
    """Pack whole lines into parts of at most MAX_WORDS words, so no item is ever cut."""
    parts: list[str] = []
    current: list[str] = []
    for unit in _units(text):
        if current and _word_count("\n".join([*current, unit])) > MAX_WORDS:
            parts.append("\n".join(current))
            current = []
        current.append(unit)
    if current:
        parts.append("\n".join(current))
    return parts


def version_key(source: str, page_hash: str) -> str:
    """Chunk ids name the page version, so an old and a new version never share an id."""
    return hashlib.sha256(f"{source}\0{page_hash}".encode()).hexdigest()[:12]


def chunk(page: ProcedurePage, page_hash: str) -> list[Chunk]:
    key = version_key(page.source, page_hash)
    chunks: list[Chunk] = []
    for section in page.sections:
        for part in split_section(section.text):
            position = len(chunks)
            chunks.append(
                Chunk(
                    id=f"{page.code}-{key}-{position:03d}",
                    text=part,
                    code=page.code,
                    code_system=page.code_system,
                    title=page.title,
                    section=section.heading,
                    canonical_section=section.canonical,
                    position=position,
                    source=page.source,
                    page_hash=page_hash,
                    common_names=page.common_names,
                )
            )
    return chunks
