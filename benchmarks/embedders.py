"""Stand-in embeddings for corpus sizes whose real encode does not fit the CPU budget.

Embedding 140,000 chunks with MiniLM takes ~35 min of wall time (~70 CPU-min) on two shared
cores, more than a benchmark run may use. Everything else that ingest does (parse, chunk,
Chroma upsert and HNSW build, BM25, records, manifest) is cheap enough to run for real at that
size, and the encode itself scales linearly with the number of chunks (measured at 1,000
pages). So large sizes are ingested with `RecycledEmbedder`: texts embedded for real at a
smaller size get their real vector back (the corpus generator makes page i the same at every
size), and new texts get a real vector of the smaller corpus, chosen by the text's hash and
perturbed. The index then has the clustered geometry of real embeddings, which matters for
HNSW search time, rather than uniform random vectors. Reports label such sizes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.embedder import Embedder

NOISE = 0.025  # per dimension: a perturbed copy keeps cosine ~0.9 with its source vector


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


@dataclass
class VectorTable:
    """Real embeddings by text, plus which of them may be recycled (synthetic pages only: a
    copy of a sample page's vector would plant fake near-duplicates of the golden pages)."""

    keys: np.ndarray  # S16 blake2b digests of the texts
    vectors: np.ndarray  # float32, one normalised row per key
    recyclable: np.ndarray  # bool

    @classmethod
    def build(cls, texts: Sequence[str], vectors: np.ndarray, recyclable: Sequence[bool]):
        keys = np.array([text_key(t) for t in texts], dtype="S16")
        return cls(keys, np.asarray(vectors, dtype=np.float32), np.asarray(recyclable, bool))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, keys=self.keys, vectors=self.vectors, recyclable=self.recyclable)

    @classmethod
    def load(cls, path: Path) -> VectorTable:
        data = np.load(path)
        return cls(data["keys"], data["vectors"], data["recyclable"])


class RecycledEmbedder(Embedder):
    """An Embedder for `sync` that never runs the model (see the module docstring)."""

    def __init__(self, table: VectorTable, batch_size: int = 32) -> None:
        super().__init__("recycled", batch_size=batch_size)
        self._row = {bytes(k): i for i, k in enumerate(table.keys)}
        self._vectors = table.vectors
        self._pool = np.flatnonzero(table.recyclable)
        if not len(self._pool):
            raise ValueError("the vector table has no recyclable (synthetic) vectors")
        self.reused = 0
        self.recycled = 0

    @property
    def dimension(self) -> int:
        return int(self._vectors.shape[1])

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        self.texts_embedded += len(texts)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            key = text_key(text)
            row = self._row.get(key)
            if row is not None:
                out[i] = self._vectors[row]
                self.reused += 1
                continue
            rng = np.random.default_rng(int.from_bytes(key[:8], "little"))
            vector = self._vectors[self._pool[rng.integers(len(self._pool))]]
            vector = vector + rng.normal(0.0, NOISE, self.dimension).astype(np.float32)
            out[i] = vector / np.linalg.norm(vector)
            self.recycled += 1
        return out

    def encode_query(self, text: str) -> np.ndarray:
        raise RuntimeError("RecycledEmbedder is for ingest only; queries use the real model")


class PairedEmbedder(Embedder):
    """The real Embedder for `sync`, with a raw `SentenceTransformer.encode` of the same texts
    run beside it, slice by slice, so the ratio of the two is taken side by side.

    A first attempt timed the raw encode of all texts after the whole sync: another process
    started in between, the raw side ran on ~1.2 cores against the sync's ~1.7, and the ratio
    came out at 1.9. Pairing slices of ~8 s each (alternating which side goes first) makes both
    sides share whatever the machine is doing. Texts are sorted by length first, as
    sentence-transformers sorts them, and slices hold whole batches, so the batches (and their
    padding) are exactly those of one big call.
    """

    SLICE = 512  # a multiple of every batch size we use (32)

    def __init__(self, real: Embedder) -> None:
        super().__init__(real.model_name, real.batch_size, real.torch_threads)
        self._model = real._load()
        self.raw_seconds = 0.0
        self.own_seconds = 0.0
        self.pairs: list[tuple[int, float, float]] = []  # (texts, raw s, own s) per slice
        self.texts: list[str] = []
        self.vectors = np.zeros((0, 0), dtype=np.float32)

    def _raw(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        import time

        if len(texts) <= 1:  # a query, or nothing: not part of the measurement
            return super().encode(texts, progress)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for k, start in enumerate(range(0, len(order), self.SLICE)):
            rows = order[start : start + self.SLICE]
            part = [texts[i] for i in rows]
            timings = {}
            for side in ("raw", "own") if k % 2 == 0 else ("own", "raw"):
                started = time.perf_counter()
                vectors = self._raw(part) if side == "raw" else super().encode(part)
                timings[side] = time.perf_counter() - started
                if side == "own":
                    out[rows] = vectors
            self.raw_seconds += timings["raw"]
            self.own_seconds += timings["own"]
            self.pairs.append((len(part), round(timings["raw"], 3), round(timings["own"], 3)))
        self.texts, self.vectors = list(texts), out
        return out
