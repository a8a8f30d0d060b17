"""Which section a question asks for, learned from example questions (`training/`).

A second opinion beside the phrasing rules of `intent.py`. The rules know some hundred
phrasings exactly and nothing else; the classifier generalises from 2,240 questions written
for every section, which is what new phrasings on unseen pages need. Plain numpy at run time:
the trained weights ship as one small file and scikit-learn is only needed to retrain them.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DEFAULT_PATH = Path(__file__).parent / "models" / "section_model.npz"
FINGERPRINT_TEXT = "how long does the procedure take"  # tells which embedding model it fits
WORD_PATTERN = r"(?u)\b\w\w+\b"  # scikit-learn's default tokens, which the weights expect
SAME_MODEL = 0.999  # cosine of the fingerprints of one model on two machines

_WORD = re.compile(WORD_PATTERN)


def _softmax(logits: np.ndarray) -> np.ndarray:
    exp = np.exp(logits - logits.max())
    return exp / exp.sum()


@dataclass(frozen=True)
class SectionModel:
    sections: tuple[str, ...]
    embedding_coef: np.ndarray  # sections x embedding dimension
    embedding_intercept: np.ndarray
    fingerprint: np.ndarray  # the training model's embedding of FINGERPRINT_TEXT
    vocabulary: dict[str, int]  # words and word pairs -> feature column
    idf: np.ndarray
    word_coef: np.ndarray  # sections x features
    word_intercept: np.ndarray

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> SectionModel:
        try:
            data = np.load(path, allow_pickle=False)
            return cls(
                tuple(str(x) for x in data["sections"]),
                data["embedding_coef"],
                data["embedding_intercept"],
                data["fingerprint"],
                {str(term): i for i, term in enumerate(data["vocabulary"])},
                data["idf"],
                data["word_coef"],
                data["word_intercept"],
            )
        except (OSError, KeyError, ValueError) as error:
            raise RuntimeError(
                f"{path}: cannot read the section model ({error}); restore it from the "
                "repository or rebuild it with `python -m training.train_section_model`"
            ) from error

    def fits(self, fingerprint: np.ndarray) -> bool:
        """Whether the embedding weights were trained on the model that made `fingerprint`;
        with another model only the word weights are used."""
        if fingerprint.shape != self.fingerprint.shape:
            return False
        return float(fingerprint @ self.fingerprint) >= SAME_MODEL

    def word_features(self, question: str) -> dict[int, float]:
        """TF-IDF of the question's words and word pairs (sublinear, L2-normalised), exactly
        as scikit-learn's TfidfVectorizer computed it for training."""
        tokens = _WORD.findall(question.lower())
        grams = [*tokens, *(f"{a} {b}" for a, b in itertools.pairwise(tokens))]
        counts = Counter(self.vocabulary[g] for g in grams if g in self.vocabulary)
        weights = {col: (1 + math.log(n)) * float(self.idf[col]) for col, n in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return {col: w / norm for col, w in weights.items()} if norm else {}

    def probabilities(self, question: str, vector: np.ndarray | None = None) -> dict[str, float]:
        """Section -> probability; the mean of the word and the embedding regressions, or the
        word regression alone when no fitting vector is given."""
        logits = self.word_intercept.astype(np.float64)
        for col, weight in self.word_features(question).items():
            logits = logits + weight * self.word_coef[:, col]
        p = _softmax(logits)
        if vector is not None:
            p = (p + _softmax(self.embedding_coef @ vector + self.embedding_intercept)) / 2
        return dict(zip(self.sections, p.tolist(), strict=True))
