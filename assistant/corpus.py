"""A read-only view of the committed index, loaded once and reloaded when ingest commits.

Holds every chunk record in memory (the keyword index, exact code lookup and per-page section
scoring need them) and the Chroma collection for dense search. Only ids that the manifest
names are ever returned, so chunks left behind by an interrupted ingest stay invisible.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from assistant.index import Chunk, Manifest, Store
from assistant.keyword import KeywordIndex
from assistant.settings import Settings


@dataclass(frozen=True)
class PageInfo:
    code: str
    code_system: str
    title: str
    common_names: tuple[str, ...]
    source: str

    @property
    def label(self) -> str:
        return f"{self.title} ({self.code_system} {self.code})"


class Corpus:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = Store(settings)
        self._lock = threading.Lock()
        self._load()

    def _load(self) -> None:
        self._stamp = self._manifest_stamp()
        manifest = self.store.load_manifest()
        chunks = self.store.load_records(manifest.generation)
        self.manifest: Manifest = manifest
        self.generation = manifest.generation
        self.chunks: list[Chunk] = chunks
        self.row_of: dict[str, int] = {c.id: i for i, c in enumerate(chunks)}
        rows_by_code: dict[str, list[int]] = defaultdict(list)
        for row, c in enumerate(chunks):
            rows_by_code[c.code].append(row)
        self.rows_by_code = dict(rows_by_code)
        self._codes = list(self.rows_by_code)
        self._page_of_row = np.empty(len(chunks), dtype=np.int32)
        for index, rows in enumerate(self.rows_by_code.values()):
            self._page_of_row[rows] = index
        self.pages: dict[str, PageInfo] = {
            entry.code: PageInfo(
                entry.code,
                entry.code_system,
                entry.title,
                tuple(entry.common_names),
                entry.source,
            )
            for entry in manifest.pages.values()
        }
        self.keyword = KeywordIndex.load(
            self.store.keyword_dir(manifest.generation),
            [c.id for c in chunks],
            [c.context_text for c in chunks],
        )
        self._vectors: dict[str, np.ndarray] = {}
        self._collection = None

    def _manifest_stamp(self) -> int:
        path = self.store.manifest_path
        return path.stat().st_mtime_ns if path.exists() else 0

    def refresh(self) -> bool:
        """Pick up a newer committed generation (after a staff ingest); True when reloaded.

        Cheap when nothing changed (one stat), so it can run at every new conversation."""
        stamp = self._manifest_stamp()
        if stamp == self._stamp:
            return False
        with self._lock:
            manifest = self.store.load_manifest()
            if manifest.generation == self.generation:
                self.manifest, self._stamp = manifest, stamp  # a no-change run's new report
                return False
            self._load()
        return True

    @property
    def empty(self) -> bool:
        return not self.chunks

    def collection(self):
        return self.store.collection(self.manifest.collection)

    def dense(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(row, cosine similarity) of the k nearest committed chunks."""
        if self.empty:
            return []
        result = self.collection().query(
            query_embeddings=[vector.tolist()],
            n_results=min(k, len(self.chunks)),
            include=["distances"],
        )
        hits = []
        for cid, distance in zip(result["ids"][0], result["distances"][0], strict=True):
            row = self.row_of.get(cid)
            if row is not None:
                hits.append((row, 1.0 - float(distance)))
        return hits

    def pages_using(self, term: str) -> set[str]:
        """Codes of the pages whose text holds a (stemmed) term."""
        pages = np.unique(self._page_of_row[self.keyword.rows_with_term(term)])
        return {self._codes[index] for index in pages}

    def only_page_using(self, term: str, max_rows: int) -> str | None:
        """The one page whose text holds the term, if it is that rare (cheap for common
        words: the row count alone rules them out)."""
        if not 0 < self.keyword.row_count(term) <= max_rows:
            return None
        pages = self.pages_using(term)
        return pages.pop() if len(pages) == 1 else None

    def vectors(self, rows: list[int]) -> np.ndarray:
        """Stored embeddings of some chunks (cached: a page's chunks are asked for repeatedly)."""
        missing = [self.chunks[r].id for r in rows if self.chunks[r].id not in self._vectors]
        if missing:
            got = self.collection().get(ids=missing, include=["embeddings"])
            for cid, vec in zip(got["ids"], got["embeddings"], strict=True):
                self._vectors[cid] = np.asarray(vec, dtype=np.float32)
        return np.stack([self._vectors[self.chunks[r].id] for r in rows])
