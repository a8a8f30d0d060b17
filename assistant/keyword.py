"""BM25 keyword index over chunk texts, persisted beside the Chroma store."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from pathlib import Path

import bm25s
import numpy as np

from assistant.text import terms

logging.getLogger("bm25s").setLevel(logging.ERROR)


class KeywordIndex:
    """Scores every chunk of the corpus for a query; rows follow the order of `ids`."""

    def __init__(self, ids: Sequence[str], model: bm25s.BM25 | None) -> None:
        self.ids = list(ids)
        self._model = model

    @classmethod
    def build(cls, ids: Sequence[str], texts: Sequence[str]) -> KeywordIndex:
        if not ids:
            return cls([], None)
        model = bm25s.BM25()
        # An empty token list breaks bm25s; a placeholder keeps row numbers aligned with ids.
        model.index([terms(t) or ["_"] for t in texts], show_progress=False)
        return cls(ids, model)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self._model is not None:
            self._model.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, ids: Sequence[str], texts: Sequence[str]) -> KeywordIndex:
        """The saved index, or a fresh one from `texts` when the files are missing."""
        if not (folder / "params.index.json").exists():
            return cls.build(ids, texts)
        return cls(ids, bm25s.BM25.load(str(folder), show_progress=False))

    @property
    def vocabulary(self) -> Collection[str]:
        """Every term some chunk holds."""
        return self._model.vocab_dict.keys() if self._model is not None else frozenset()

    def _span(self, term: str) -> tuple[int, int]:
        """Where the rows holding an (already stemmed) term sit in the index's term column."""
        if self._model is None or term not in self._model.vocab_dict:
            return 0, 0
        index = self._model.vocab_dict[term]
        pointers = self._model.scores["indptr"]
        return int(pointers[index]), int(pointers[index + 1])

    def rows_with_term(self, term: str) -> np.ndarray:
        """Rows whose text holds the term."""
        start, end = self._span(term)
        if start == end:
            return np.empty(0, dtype=np.int64)
        return np.asarray(self._model.scores["indices"][start:end], dtype=np.int64)

    def row_count(self, term: str) -> int:
        """How many rows hold the term, without listing them."""
        start, end = self._span(term)
        return end - start

    def unknown_terms(self, query: str, ignore: frozenset[str] = frozenset()) -> list[str]:
        """Content words of the query that no chunk contains (e.g. a procedure we lack); not
        single letters, which are what is left of "w/o" or "x-ray", nor words with digits
        ("4yo", "2nd", "10am"), which are counts and dates, not topics."""
        vocab = self.vocabulary
        return [
            t
            for t in terms(query)
            if t not in vocab and t not in ignore and len(t) > 1 and not any(c.isdigit() for c in t)
        ]

    def rows_with_all(self, query: str, ignore: frozenset[str] = frozenset()) -> np.ndarray | None:
        """Rows containing every content term of the query (None when it has no such terms)."""
        if self._model is None:
            return None
        query_terms = [t for t in dict.fromkeys(terms(query)) if t not in ignore]
        if not query_terms or any(t not in self._model.vocab_dict for t in query_terms):
            return None
        rows = self.rows_with_term(query_terms[0])
        for term in query_terms[1:]:
            rows = np.intersect1d(rows, self.rows_with_term(term), assume_unique=True)
        return rows

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk (zeros when no query term is in the vocabulary)."""
        if self._model is None:
            return np.zeros(len(self.ids), dtype=np.float32)
        query_terms = [t for t in terms(query) if t in self._model.vocab_dict]
        if not query_terms:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self._model.get_scores(query_terms), dtype=np.float32)
