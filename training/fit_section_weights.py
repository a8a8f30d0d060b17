"""Fit the weights with which retrieval ranks the sections of the page a question is about.

    python -m training.fit_section_weights [--workdir DIR]

A section's score is W_INTENT * phrasing rules + W_CLASSIFIER * classifier probability
+ W_DENSE * cosine similarity + W_KEYWORD * keyword score (`assistant/retrieval.py`). This
script asks every answerable question of the sets below the way `eval` does (history first),
keeps those whose page retrieval finds, and fits the four weights as a conditional logit: a
softmax over that page's sections, maximising the probability of the labelled one. It prints
the leave-one-set-out section accuracy of the fitted weights against the shipped ones, then
the weights fitted on every set, scaled to W_DENSE = 1, to copy into `retrieval.py`.

The training sets in `training/section_sets/` (pages and questions) were written for training
only (a-g for these weights, h-m in session 9 for the section reader; the shipped weights
were fitted before h-m existed); the golden and the first six held-out sets join them.
Later held-out sets stay out: they measure what the fitted weights do on pages nobody tuned
for.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from assistant import retrieval
from assistant.embedder import Embedder
from assistant.evaluation import load_cases
from assistant.intent import section_intents
from assistant.section_reader import section_side
from assistant.sections import same_section
from assistant.service import Assistant
from assistant.settings import Settings, get_settings
from benchmarks.quality_bench import QUESTION_SETS
from ingest.sync import sync

ROOT = Path(__file__).resolve().parent.parent
SECTION_SETS = Path(__file__).with_name("section_sets")
FITTED_ON = ("golden", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6")
FEATURES = ("W_INTENT", "W_CLASSIFIER", "W_DENSE", "W_KEYWORD")
SHIPPED = np.array([getattr(retrieval, name) for name in FEATURES])


@dataclass(frozen=True)
class Question:
    set_name: str
    features: np.ndarray  # sections x FEATURES
    right: np.ndarray  # which sections hold the answer
    text: str  # the question as asked
    sections: tuple[str, ...]  # what the section reader is shown of each section


def question_sets(fitted_on: tuple[str, ...] = FITTED_ON) -> dict[str, tuple[Path, list[Path]]]:
    """The question sets named in `fitted_on`, then every training set."""
    sets = {
        name: (ROOT / questions, [ROOT / folder for folder in folders])
        for name, (questions, folders) in QUESTION_SETS.items()
        if name in fitted_on
    }
    for folder in sorted(p for p in SECTION_SETS.iterdir() if p.is_dir()):
        sets[f"training-{folder.name}"] = (
            folder / "questions.jsonl",
            [folder / "pages", ROOT / "data/procedures"],
        )
    return sets


def collect(name: str, questions: Path, pages: list[Path], embedder: Embedder, workdir: Path):
    """Each answerable question whose page retrieval finds, with its sections' features."""
    store = workdir / name
    shutil.rmtree(store, ignore_errors=True)
    # The reader's score is not one of the features, and the reader is trained on these.
    settings = Settings(store_dir=store, content_dir=pages[0], section_reader=False)
    sync(pages, settings, embedder)
    assistant = Assistant(settings, embedder=embedder)
    engine = assistant.engine
    found = []
    for case in load_cases(questions):
        if not case.expected_section or not case.expected_code:
            continue
        chat = assistant.new_conversation()
        for earlier in case.history:
            chat.ask(earlier)
        state = chat.state
        result = engine.search(case.question, state.active_code, 99, state.aspect)
        if result.code != case.expected_code:
            continue
        vector = engine.embedder.encode_query(engine.matcher.corrected(case.question))
        probabilities = engine.section_model.probabilities(case.question, vector)
        intents = section_intents(case.question)
        sections = [hit.chunk.canonical_section for hit in result.hits]
        features = np.array(
            [
                [intents.get(s, 0.0), probabilities.get(s, 0.0), hit.similarity, hit.keyword]
                for s, hit in zip(sections, result.hits, strict=True)
            ]
        )
        # What else moved the shipped score (the code lookup's summary boost, the similar-codes
        # penalty, a short follow-up's carried-over aspect), so those do not bias the four.
        others = np.array([hit.score for hit in result.hits]) - features @ SHIPPED
        features = np.column_stack([features, others])
        right = np.array(
            [same_section(h.chunk.section, case.expected_section) for h in result.hits]
        )
        if right.any():
            shown = tuple(section_side(h.chunk.section, h.chunk.text) for h in result.hits)
            found.append(Question(name, features, right, case.question, shown))
    return found


def _loss(weights: np.ndarray, questions: list[Question]) -> tuple[float, np.ndarray]:
    """Mean negative log-probability of the right sections, and its gradient."""
    loss, gradient = 0.0, np.zeros_like(weights)
    for q in questions:
        scores = q.features @ weights
        p = np.exp(scores - scores.max())
        p /= p.sum()
        right = p * q.right
        loss -= np.log(right.sum())
        gradient -= (right / right.sum() - p) @ q.features
    return loss / len(questions), gradient / len(questions)


def fit(questions: list[Question]) -> np.ndarray:
    start = np.zeros(len(FEATURES) + 1)
    return minimize(_loss, start, args=(questions,), jac=True, method="L-BFGS-B").x


def accuracy(weights: np.ndarray, questions: list[Question]) -> float:
    return float(np.mean([q.right[np.argmax(q.features @ weights)] for q in questions]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="where the sets are indexed (default: temp)")
    args = parser.parse_args(argv)
    settings = get_settings()
    embedder = Embedder.from_settings(settings)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="section-weights-"))
    questions = []
    for name, (path, pages) in question_sets().items():
        questions += collect(name, path, pages, embedder, workdir)
    shipped = np.append(SHIPPED, 1.0)
    names = sorted({q.set_name for q in questions})
    print(f"{len(questions)} questions whose page was found, in {len(names)} sets")
    print(f"{'left out':<14} {'n':>4} {'shipped':>8} {'refit':>7}")
    for name in names:
        test = [q for q in questions if q.set_name == name]
        weights = fit([q for q in questions if q.set_name != name])
        row = f"{name:<14} {len(test):>4} {accuracy(shipped, test):>8.3f}"
        print(f"{row} {accuracy(weights, test):>7.3f}")
    weights = fit(questions)
    scaled = weights[: len(FEATURES)] / weights[FEATURES.index("W_DENSE")]
    print(", ".join(FEATURES), "=", ", ".join(f"{w:.2f}" for w in scaled))


if __name__ == "__main__":
    main()
