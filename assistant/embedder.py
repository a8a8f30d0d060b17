"""The sentence-transformers embedder, loaded lazily because importing it costs seconds."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from assistant.settings import Settings


class Embedder:
    """Normalised embeddings from one sentence-transformers model, shared by ingest and queries.

    `texts_embedded` counts every text sent to the model: the sync reports it and the tests use
    it to prove that unchanged pages are never re-embedded.
    """

    def __init__(self, model: str, batch_size: int = 32, torch_threads: int = 2) -> None:
        self.model_name = model
        self.batch_size = batch_size
        self.torch_threads = torch_threads
        self.texts_embedded = 0
        self._model = None
        self._whole_words: frozenset[str] | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> Embedder:
        return cls(settings.resolved_model(), settings.batch_size, settings.torch_threads)

    def _load(self):
        with self._lock:
            if self._model is None:
                import torch
                from sentence_transformers import SentenceTransformer

                torch.set_num_threads(self.torch_threads)
                self._model = SentenceTransformer(self.model_name, device="cpu")
        return self._model

    @property
    def dimension(self) -> int:
        return int(self._load().get_embedding_dimension())

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        model = self._load()
        self.texts_embedded += len(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=progress,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)

    @property
    def whole_words(self) -> frozenset[str]:
        """Words the model's tokenizer holds whole: everyday words ("took", "yesterday"),
        as opposed to names it must spell in pieces ("b12", "prolia")."""
        if self._whole_words is None:
            vocabulary = self._load().tokenizer.get_vocab()
            self._whole_words = frozenset(w for w in vocabulary if w.isalnum())
        return self._whole_words

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]
