"""Candidate fixes for the query hot spots the profile found, measured before/after.

The fixes belong in `assistant/`, which other engineers own: here they are applied by
monkeypatch only, for one measurement, and written so they can be pasted there unchanged.
Each question is asked with and without them, one right after the other (alternating which
goes first), and the answers are compared: a fix that changed an answer would show up in
`identical_answers`.

1. `ProcedureMatcher._name_term` (assistant/procedures.py) scans the whole name vocabulary
   for every message word that is not a name word: two `startswith` list comprehensions and
   `difflib.get_close_matches` over all of it, and `corrected`, `mentions` and
   `without_name_of` each do so again for the same words. Its cost grows with the vocabulary
   (~2,700 words at 10,000 pages). Fix: memoise per matcher (the vocabulary is fixed for its
   lifetime: a new corpus generation builds a new matcher), find prefixes by bisection in the
   sorted vocabulary, and give difflib only words whose length can reach the cutoff.
2. `Corpus.collection` (assistant/corpus.py) calls Chroma's `get_or_create_collection` for
   every dense query and vector fetch. Fix: keep the collection object until the corpus
   reloads.
"""

from __future__ import annotations

import bisect
import difflib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from benchmarks.measure import summary_ms, timed

CLOSE_CUTOFF = 0.84  # as in ProcedureMatcher._name_term


def _uncached_name_term(matcher: Any, term: str) -> str | None:
    """Exactly what `ProcedureMatcher._name_term` returns, without scanning the vocabulary."""
    if term in matcher._idf:
        return term
    vocab: list[str] = matcher._vocab
    if len(term) >= 4:
        longer = []
        at = bisect.bisect_left(vocab, term)
        while at < len(vocab) and vocab[at].startswith(term) and len(longer) < 2:
            longer.append(vocab[at])
            at += 1
        shorter = [term[:k] for k in range(3, len(term)) if term[:k] in matcher._idf]
        if len(longer) == 1:
            return longer[0]
        if len(shorter) == 1 and len(term) - len(shorter[0]) <= 4:
            return shorter[0]
    if len(term) >= 5:
        candidates = _length_candidates(matcher, len(term))
        close = difflib.get_close_matches(term, candidates, n=1, cutoff=CLOSE_CUTOFF)
        if close:
            return close[0]
    return None


def _length_candidates(matcher: Any, length: int) -> list[str]:
    """Vocabulary words whose length lets difflib's ratio reach the cutoff at all:
    ratio <= 2 * min(a, b) / (a + b), the bound difflib's own real_quick_ratio applies."""
    by_length = matcher.__dict__.get("_by_length")
    if by_length is None:
        by_length = defaultdict(list)
        for word in matcher._vocab:
            by_length[len(word)].append(word)
        matcher.__dict__["_by_length"] = by_length
    return [
        word
        for other, words in by_length.items()
        if 2 * min(length, other) / (length + other) >= CLOSE_CUTOFF
        for word in words
    ]


def name_term(self: Any, term: str) -> str | None:
    """Drop-in `ProcedureMatcher._name_term`: memoised, and no full scans when computed."""
    cache = self.__dict__.setdefault("_name_term_cache", {})
    if term not in cache:
        cache[term] = _uncached_name_term(self, term)
    return cache[term]


def collection(self: Any) -> Any:
    """Drop-in `Corpus.collection`: one Chroma collection object per loaded manifest."""
    name = self.manifest.collection
    cached = self.__dict__.get("_collection_cache")
    if cached is None or cached[0] != name:
        cached = (name, self.store.collection(name))
        self.__dict__["_collection_cache"] = cached
    return cached[1]


@contextmanager
def applied() -> Iterator[None]:
    from assistant.corpus import Corpus
    from assistant.procedures import ProcedureMatcher

    saved = (ProcedureMatcher._name_term, Corpus.collection)
    ProcedureMatcher._name_term = name_term  # type: ignore[method-assign]
    Corpus.collection = collection  # type: ignore[method-assign]
    try:
        yield
    finally:
        ProcedureMatcher._name_term, Corpus.collection = saved  # type: ignore[method-assign]


def _ask(assistant: Any, case: Any) -> tuple[Any, float]:
    conversation = assistant.new_conversation()
    for earlier in case.history:
        conversation.ask(earlier)
    return timed(lambda: conversation.ask(case.question))


def measure(assistant: Any, cases: Sequence[Any], k: int) -> dict[str, Any]:
    """`ask` without and with the fixes, question by question, plus the floor."""
    import numpy as np

    for _ in range(2):
        assistant.new_conversation().ask("how long does a knee arthroscopy take")
    collection_ = assistant.corpus.collection()
    before, after, floors = [], [], []
    identical = 0
    for i, case in enumerate(cases):
        vector, encode_s = timed(lambda q=case.question: assistant.embedder.encode_query(q))
        _, query_s = timed(
            lambda v=vector: collection_.query(
                query_embeddings=[v.tolist()], n_results=k, include=["distances"]
            )
        )
        floors.append(encode_s + query_s)
        answers = {}
        for fixed in (False, True) if i % 2 == 0 else (True, False):
            if fixed:
                with applied():
                    answers[fixed], seconds = _ask(assistant, case)
            else:
                answers[fixed], seconds = _ask(assistant, case)
            (after if fixed else before).append(seconds)
        identical += _same(answers[False], answers[True])

    scores = np.random.default_rng(0).random(len(assistant.corpus.chunks)).astype(np.float32)
    _, sort_s = timed(lambda: [np.argsort(-scores)[:k] for _ in range(20)])
    _, part_s = timed(lambda: [_top_k(scores, k) for _ in range(20)])
    floor = summary_ms(floors)
    return {
        "questions": len(cases),
        "floor_ms": floor,
        "before_ms": summary_ms(before),
        "after_ms": summary_ms(after),
        "ratio_p95_before": round(summary_ms(before)["p95"] / floor["p95"], 2),
        "ratio_p95_after": round(summary_ms(after)["p95"] / floor["p95"], 2),
        "identical_answers": identical,
        "keyword_top_k_ms": {
            "argsort (current)": round(sort_s / 20 * 1000, 3),
            "argpartition + sort of k": round(part_s / 20 * 1000, 3),
        },
    }


def _top_k(scores: Any, k: int) -> Any:
    """Rows of the k best scores, best first: what `np.argsort(-scores)[:k]` gives."""
    import numpy as np

    if k >= len(scores):
        return np.argsort(-scores)
    rows = np.argpartition(-scores, k)[:k]
    return rows[np.argsort(-scores[rows])]


def _same(a: Any, b: Any) -> bool:
    return (a.text, a.outcome, [(s.code, s.section) for s in a.sources]) == (
        b.text,
        b.outcome,
        [(s.code, s.section) for s in b.sources],
    )
