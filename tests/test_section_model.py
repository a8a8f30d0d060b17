"""The learned question -> section classifier: shipped weights, numpy inference, model check."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant import sections as s
from assistant.section_model import FINGERPRINT_TEXT, SectionModel
from training.train_section_model import DATA, load, word_pipeline

# Phrasings none of the golden or held-out questions use.
UNSEEN = [
    ("who else is in the room with me", s.PERSONNEL),
    ("what other choices do i have besides this", s.ALTERNATIVES),
    ("how many ppl does it actually help", s.BENEFITS),
    ("whats the billing code if they do both sides", s.SIMILAR),
]


@pytest.fixture(scope="module")
def model() -> SectionModel:
    return SectionModel.load()


def test_training_questions_cover_every_section_evenly():
    _, labels = load(DATA)
    counts = {section: labels.count(section) for section in s.CANONICAL_SECTIONS}
    # Even up to the few questions two writers happened to phrase alike (kept once).
    assert max(counts.values()) - min(counts.values()) <= 5 and min(counts.values()) >= 100


def test_shipped_word_weights_are_those_the_training_questions_give(model):
    """Catches both a stale model file (questions edited, not retrained) and any drift of the
    numpy TF-IDF from scikit-learn's."""
    questions, labels = load(DATA)
    pipeline = word_pipeline().fit(questions, labels)
    probes = [q for q, _ in UNSEEN] + ["can i eat before", "", "ok"]
    expected = pipeline.predict_proba(probes)
    for probe, row in zip(probes, expected, strict=True):
        got = model.probabilities(probe)
        assert [got[c] for c in pipeline.classes_] == pytest.approx(row, abs=1e-4)


@pytest.mark.parametrize(("question", "section"), UNSEEN)
def test_new_phrasings_get_their_section(model, embedder, question, section):
    probabilities = model.probabilities(question, embedder.encode_query(question))
    assert max(probabilities, key=probabilities.get) == section
    assert sum(probabilities.values()) == pytest.approx(1.0)


def test_shipped_model_fits_the_bundled_embedding_model(model, embedder):
    assert model.fits(embedder.encode_query(FINGERPRINT_TEXT))


def test_another_embedding_model_is_detected(model):
    other = np.zeros_like(model.fingerprint)
    other[0] = 1.0
    assert not model.fits(other)
    assert not model.fits(np.ones(768, dtype=np.float32) / np.sqrt(768))


def test_an_unreadable_model_file_names_the_file_and_the_fix(tmp_path):
    broken = tmp_path / "section_model.npz"
    broken.write_text(json.dumps({"not": "a model"}))
    with pytest.raises(RuntimeError, match=r"section_model\.npz.*train_section_model"):
        SectionModel.load(broken)
