"""Reads a question and a section together and scores how well the section answers it.

The other section scores look at the question and the section apart (two embeddings, shared
words, phrasing rules, a classifier over section types), and patients' pages put the same
fact under different headings: whether "will i be awake" is answered under Patient
Experience, Procedure Description or Anesthesia depends on where that page wrote it. A
cross-encoder sees both texts at once. It is the bundled MiniLM with its six layers
and a scoring head trained on labelled questions (`training/`; listwise, over the best
sections of each question's page by the other scores), so only those weights ship
(`models/section_reader.npz`, float16) and the embeddings load from the model package.
Retrain: `python -m training.train_section_reader`.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

DEFAULT_PATH = Path(__file__).parent / "models" / "section_reader.npz"
MAX_TOKENS = 256  # question and section together; longer sections are cut at the end
HEAD = "head."  # keys of the scoring head in the weights file; the others are the encoder's


def section_side(heading: str, text: str) -> str:
    """What the reader is shown of a section: its heading as written, then its text."""
    return f"{heading}: {text}"


class SectionReader:
    """Scores (question, section) pairs; loads on first use because torch loads for seconds."""

    def __init__(self, base_model: str, weights: Path = DEFAULT_PATH, threads: int = 2) -> None:
        self.base_model = base_model
        self.weights = weights
        self.threads = threads
        self._loaded = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._loaded is None:
                self._loaded = self._build()
        return self._loaded

    def _build(self):
        import torch
        from transformers import AutoModel, AutoTokenizer

        try:
            data = np.load(self.weights, allow_pickle=False)
            tensors = {key: torch.from_numpy(data[key].astype(np.float32)) for key in data.files}
        except (OSError, ValueError) as error:
            raise RuntimeError(
                f"{self.weights}: cannot read the section reader ({error}); restore it from the "
                "repository or retrain it with `python -m training.train_section_reader`"
            ) from error
        torch.set_num_threads(self.threads)
        encoder = AutoModel.from_pretrained(self.base_model)
        head = torch.nn.Linear(encoder.config.hidden_size, 1)
        head_state = {k.removeprefix(HEAD): v for k, v in tensors.items() if k.startswith(HEAD)}
        try:
            loaded = encoder.load_state_dict(
                {k: v for k, v in tensors.items() if not k.startswith(HEAD)}, strict=False
            )
            if loaded.unexpected_keys:
                raise ValueError(f"unknown layers {loaded.unexpected_keys[:3]}")
            head.load_state_dict(head_state)
        except (RuntimeError, ValueError) as error:
            raise RuntimeError(
                f"{self.weights}: these weights do not fit the model {self.base_model} "
                f"({error}); retrain them with `python -m training.train_section_reader`"
            ) from error
        encoder.eval()
        return AutoTokenizer.from_pretrained(self.base_model), encoder, head

    def scores(self, question: str, sections: list[str]) -> np.ndarray:
        """One score per section (text from `section_side`); higher answers better."""
        if not sections:
            return np.zeros(0, dtype=np.float32)
        import torch

        tokenizer, encoder, head = self._load()
        with torch.inference_mode():
            return forward(tokenizer, encoder, head, question, sections).numpy()


@lru_cache(maxsize=4)
def shared_reader(base_model: str, weights: Path = DEFAULT_PATH, threads: int = 2) -> SectionReader:
    """One reader per process and weights file: every assistant of the process (the app's,
    a staff evaluation run's, a benchmark's) shares the loaded model."""
    return SectionReader(base_model, weights, threads)


def forward(tokenizer, encoder, head, question: str, sections: list[str]):
    """The reader's scores as a torch tensor: mean-pooled encoder output of each (question,
    section) pair through the head. Shared by inference and training so the two never differ."""
    batch = tokenizer(
        [question] * len(sections),
        sections,
        truncation="only_second",
        max_length=MAX_TOKENS,
        padding=True,
        return_tensors="pt",
    )
    hidden = encoder(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    return head((hidden * mask).sum(1) / mask.sum(1)).squeeze(-1)


def save(path: Path, encoder, head, trained: list[str]) -> None:
    """Writes the head and the encoder weights named in `trained`, as float16."""
    state = encoder.state_dict()
    arrays = {name: state[name].detach().numpy().astype(np.float16) for name in trained}
    for name, value in head.state_dict().items():
        arrays[HEAD + name] = value.detach().numpy().astype(np.float16)
    np.savez_compressed(path, **arrays)
