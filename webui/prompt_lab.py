"""Prompt lab: the saved prompts against an unsaved edit, on a question set or one question.

Both sides are full Assistants over the same index and embedding model (shared, so a run
costs no second model load); they differ only in their PromptSet. The saved side is loaded
from disk at each run, so a version saved since the app started is what "saved" means.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.answer_types import Answer
from assistant.evaluation import METRICS, CaseResult, EvalCase, load_cases, report, run_cases
from assistant.prompts import (
    Prompt,
    PromptSet,
    list_versions,
    load_prompts,
    parse_prompt,
    prompt_path,
)
from assistant.service import Assistant
from assistant.settings import PROJECT_ROOT

GOLDEN_SET = PROJECT_ROOT / "tests" / "golden" / "questions.jsonl"
MAX_CASES = 2000  # a lab run holds a worker for ~20 ms per question and side
Progress = Callable[[int, int, str], None]


def draft_prompt(saved: PromptSet, name: str, template: str, description: str) -> Prompt:
    """The edit as its next version would be saved, validated the same way, but not written."""
    current = saved[name]
    version = max(list_versions(saved.directory, name), default=current.version) + 1
    meta = {
        "name": name,
        "version": version,
        "description": description.strip() or current.description,
        "input_variables": list(current.input_variables),
    }
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1_000)
    return parse_prompt(
        f"---\n{front}---\n{template.strip()}\n", prompt_path(saved.directory, name, version)
    )


@dataclass(frozen=True)
class LabPair:
    """The two sides of a comparison and the prompt versions each one reports."""

    saved: Assistant
    edited: Assistant
    edited_versions: dict[str, str]

    @classmethod
    def build(cls, main: Assistant, name: str, template: str, description: str) -> LabPair:
        saved_prompts = load_prompts(main.settings.prompts_dir)
        draft = draft_prompt(saved_prompts, name, template, description)
        edited_prompts = saved_prompts.with_override(draft)
        return cls(
            saved=Assistant(main.settings, embedder=main.embedder, prompts=saved_prompts),
            edited=Assistant(main.settings, embedder=main.embedder, prompts=edited_prompts),
            edited_versions={**saved_prompts.versions(), name: f"{draft.version} (unsaved)"},
        )

    def ask_both(self, question: str) -> tuple[Answer, Answer]:
        return (
            self.saved.new_conversation().ask(question),
            self.edited.new_conversation().ask(question),
        )

    def evaluate(self, cases: list[EvalCase], progress: Progress | None = None) -> LabRun:
        done = 0

        def counter(side: str) -> Callable[[CaseResult], None]:
            def on_result(_: CaseResult) -> None:
                nonlocal done
                done += 1
                if progress:
                    progress(done, 2 * len(cases), side)

            return on_result

        saved = run_cases(cases, self.saved.new_conversation, counter("saved prompts"))
        edited = run_cases(cases, self.edited.new_conversation, counter("edited prompts"))
        return LabRun(
            saved_report=report(saved, self.saved.prompts.versions()),
            edited_report=report(edited, self.edited_versions),
            changes=changed_cases(saved, edited),
        )


@dataclass(frozen=True)
class CaseChange:
    id: str
    question: str
    what: str  # e.g. "score, answer text"
    saved: str
    edited: str


@dataclass(frozen=True)
class LabRun:
    saved_report: dict[str, Any]
    edited_report: dict[str, Any]
    changes: list[CaseChange]

    def metric_rows(self) -> list[list[Any]]:
        """metric, saved, edited, change: the side-by-side table."""
        saved, edited = self.saved_report["metrics"], self.edited_report["metrics"]
        rows: list[list[Any]] = [["questions", self.saved_report["n"], self.edited_report["n"], 0]]
        for metric in METRICS:
            before, after = saved[metric], edited[metric]
            change = None if before is None or after is None else round(after - before, 4)
            rows.append([metric, before, after, change])
        for pct in ("p50", "p95"):
            before, after = saved["latency_ms"][pct], edited["latency_ms"][pct]
            rows.append([f"latency {pct} ms", before, after, round(after - before, 1)])
        return rows


def _summary(result: CaseResult) -> str:
    answer = result.answer
    first = f"{answer.sources[0].code} {answer.sources[0].section}" if answer.sources else "-"
    failed = sorted(m for m, v in result.checks().items() if v < 1.0)
    verdict = f"failed {', '.join(failed)}" if failed else "passed"
    return f"{answer.outcome.value}; {first}; {verdict}"


def changed_cases(saved: list[CaseResult], edited: list[CaseResult]) -> list[CaseChange]:
    """Questions whose result differs, those whose score moved first."""
    changes = []
    for before, after in zip(saved, edited, strict=True):
        what = []
        if before.checks() != after.checks():
            what.append("score")
        if before.answer.outcome != after.answer.outcome:
            what.append("outcome")
        if [s.chunk_id for s in before.answer.sources] != [
            s.chunk_id for s in after.answer.sources
        ]:
            what.append("sources")
        if before.answer.text != after.answer.text:
            what.append("answer text")
        if what:
            changes.append(
                CaseChange(
                    before.case.id,
                    before.case.question,
                    ", ".join(what),
                    _summary(before),
                    _summary(after),
                )
            )
    return sorted(changes, key=lambda change: not change.what.startswith("score"))


def question_set(upload: Path | None) -> tuple[Path, list[EvalCase]]:
    """The uploaded JSONL, or the golden set; EvalFileError/ValueError say what is wrong."""
    path = upload or GOLDEN_SET
    cases = load_cases(path)
    if len(cases) > MAX_CASES:
        raise ValueError(f"{len(cases)} questions; the lab runs at most {MAX_CASES} at a time")
    return path, cases
