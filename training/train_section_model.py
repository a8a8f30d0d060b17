"""Train the question -> section classifier shipped in `assistant/models/section_model.npz`.

    python -m training.train_section_model [--data FILE] [--out FILE]

The training questions (`training/section_questions.jsonl`) were written for this purpose only,
about procedures of every family, and never taken from an evaluation set: the golden and the
held-out questions stay unseen so that they still measure generalisation. Two logistic
regressions are trained, one on the question's embedding (the configured model) and one on its
words (TF-IDF of words and word pairs, which survives a change of embedding model); the
assistant averages their probabilities. Run it again after editing the questions or changing
the embedding model, then re-run the evaluations.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline, make_pipeline

from assistant import sections as s
from assistant.embedder import Embedder
from assistant.section_model import DEFAULT_PATH, FINGERPRINT_TEXT, WORD_PATTERN
from assistant.settings import get_settings

DATA = Path(__file__).with_name("section_questions.jsonl")
C = 8.0  # inverse regularisation of both regressions (5-fold accuracy is flat from 4 to 16)


def load(path: Path) -> tuple[list[str], list[str]]:
    questions, labels = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row["section"] not in s.CANONICAL_SECTIONS:
            raise SystemExit(f"{path}:{number}: unknown section {row['section']!r}")
        questions.append(row["question"])
        labels.append(row["section"])
    return questions, labels


def word_pipeline() -> Pipeline:
    """The word regression: TF-IDF of words and word pairs, then a logistic regression."""
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=WORD_PATTERN)
    return make_pipeline(words, LogisticRegression(C=C, max_iter=5000))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args(argv)

    questions, labels = load(args.data)
    embedder = Embedder.from_settings(get_settings())
    vectors = embedder.encode(questions)
    y = np.array(labels)
    by_embedding = LogisticRegression(C=C, max_iter=5000)
    by_words = word_pipeline()
    words = by_words[0]

    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    p_embedding = cross_val_predict(by_embedding, vectors, y, cv=folds, method="predict_proba")
    p_words = cross_val_predict(by_words, questions, y, cv=folds, method="predict_proba")
    classes = np.unique(y)
    for name, p in (
        ("embedding", p_embedding),
        ("words", p_words),
        ("both", p_embedding + p_words),
    ):
        print(f"5-fold accuracy, {name}: {np.mean(classes[p.argmax(1)] == y):.3f}")

    by_embedding.fit(vectors, y)
    by_words.fit(questions, y)
    vocabulary = sorted(words.vocabulary_, key=words.vocabulary_.get)
    regression = by_words[-1]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        sections=by_embedding.classes_,
        embedding_coef=by_embedding.coef_.astype(np.float32),
        embedding_intercept=by_embedding.intercept_.astype(np.float32),
        fingerprint=embedder.encode([FINGERPRINT_TEXT])[0],
        vocabulary=np.array(vocabulary),
        idf=words.idf_.astype(np.float32),
        word_coef=regression.coef_.astype(np.float32),
        word_intercept=regression.intercept_.astype(np.float32),
    )
    print(f"{len(questions)} questions, {len(vocabulary)} word features -> {args.out}")


if __name__ == "__main__":
    main()
