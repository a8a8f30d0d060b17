"""Evaluation runs: replay a JSONL question set through real conversations and score them.

The file format and the report's keys are a contract shared with staff tools (DESIGN.md).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.answer_types import Answer, Outcome
from assistant.sections import same_section

OUTCOMES = frozenset(o.value for o in Outcome)


class EvalFileError(ValueError):
    """A question file that cannot be used; the message names file, line and field."""


@dataclass(frozen=True)
class EvalCase:
    id: str
    question: str
    history: tuple[str, ...] = ()
    expected_code: str | None = None
    expected_section: str | None = None
    must_include: tuple[str, ...] = ()
    expected_outcome: str = Outcome.ANSWER.value


def _string_list(value: Any, where: str, field: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise EvalFileError(f"{where}: '{field}' must be a list of strings")
    return tuple(value)


def parse_case(line: str, where: str) -> EvalCase:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise EvalFileError(f"{where}: not valid JSON ({exc.msg}); one object per line") from None
    if not isinstance(data, dict):
        raise EvalFileError(f"{where}: expected a JSON object")
    for field in ("id", "question"):
        if not isinstance(data.get(field), str) or not data[field].strip():
            raise EvalFileError(f"{where}: '{field}' is required and must be a non-empty string")
    outcome = data.get("expected_outcome", Outcome.ANSWER.value)
    if outcome not in OUTCOMES:
        raise EvalFileError(
            f"{where}: 'expected_outcome' is {outcome!r}; use one of {sorted(OUTCOMES)}"
        )
    for field in ("expected_code", "expected_section"):
        if data.get(field) is not None and not isinstance(data[field], str):
            raise EvalFileError(f"{where}: '{field}' must be a string")
    return EvalCase(
        id=data["id"],
        question=data["question"],
        history=_string_list(data.get("history", []), where, "history"),
        expected_code=(data.get("expected_code") or None) and data["expected_code"].upper(),
        expected_section=data.get("expected_section") or None,
        must_include=_string_list(data.get("must_include", []), where, "must_include"),
        expected_outcome=outcome,
    )


def load_cases(path: Path) -> list[EvalCase]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalFileError(f"{path}: cannot read the question file ({exc})") from None
    cases = [parse_case(line, f"{path}:{n}") for n, line in enumerate(lines, 1) if line.strip()]
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise EvalFileError(f"{path}: id {case.id!r} is used twice; ids must be unique")
        seen.add(case.id)
    if not cases:
        raise EvalFileError(f"{path}: no questions; expected one JSON object per line")
    return cases


def _squash(text: str) -> str:
    text = text.replace("\u2019", "'").replace("**", "")
    return re.sub(r"\s+", " ", text).strip().lower()


@dataclass(frozen=True)
class CaseResult:
    case: EvalCase
    answer: Answer
    latency_ms: float

    def _source_hit(self, k: int) -> bool:
        expected_code, expected_section = self.case.expected_code, self.case.expected_section
        return any(
            (expected_code is None or src.code == expected_code)
            and same_section(src.section, expected_section or "")
            for src in self.answer.sources[:k]
        )

    def checks(self) -> dict[str, float]:
        """Each metric this case defines, as 1.0/0.0 (must_include: share of phrases found)."""
        case, answer = self.case, self.answer
        result = {"outcome_accuracy": float(answer.outcome.value == case.expected_outcome)}
        if case.expected_section:
            result["section_hit@1"] = float(self._source_hit(1))
            result["section_hit@3"] = float(self._source_hit(3))
        if case.expected_code:
            first = answer.sources[0].code if answer.sources else None
            result["code_hit@1"] = float(first == case.expected_code)
        if case.must_include:
            text = _squash(answer.text)
            found = sum(_squash(p) in text for p in case.must_include)
            result["must_include_recall"] = found / len(case.must_include)
        return result


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return round(ordered[index], 1)


METRICS = (
    "section_hit@1",
    "section_hit@3",
    "code_hit@1",
    "must_include_recall",
    "outcome_accuracy",
)


def report(results: list[CaseResult], prompt_versions: dict[str, str]) -> dict[str, Any]:
    totals: dict[str, list[float]] = {m: [] for m in METRICS}
    phrase_found = phrase_total = 0
    failures = []
    for result in results:
        checks = result.checks()
        for metric, value in checks.items():
            totals[metric].append(value)
        if result.case.must_include:
            phrase_total += len(result.case.must_include)
            phrase_found += round(checks["must_include_recall"] * len(result.case.must_include))
        if any(value < 1.0 for value in checks.values()):
            failures.append(_failure(result, checks))
    metrics: dict[str, Any] = {
        m: round(sum(v) / len(v), 4) if v else None for m, v in totals.items()
    }
    metrics["must_include_recall"] = round(phrase_found / phrase_total, 4) if phrase_total else None
    latencies = [r.latency_ms for r in results]
    metrics["latency_ms"] = {"p50": _percentile(latencies, 50), "p95": _percentile(latencies, 95)}
    return {
        "n": len(results),
        "metrics": metrics,
        "prompt_versions": prompt_versions,
        "failures": failures,
    }


def _failure(result: CaseResult, checks: dict[str, float]) -> dict[str, Any]:
    case, answer = result.case, result.answer
    return {
        "id": case.id,
        "question": case.question,
        "history": list(case.history),
        "expected": {
            "code": case.expected_code,
            "section": case.expected_section,
            "outcome": case.expected_outcome,
            "must_include": list(case.must_include),
        },
        "got": {
            "outcome": answer.outcome.value,
            "sources": [f"{s.code} {s.section}" for s in answer.sources[:3]],
            "answer": answer.text,
        },
        "failed": sorted(m for m, v in checks.items() if v < 1.0),
    }


def run_cases(
    cases: Iterable[EvalCase],
    new_conversation: Callable[[], Any],
    on_result: Callable[[CaseResult], None] | None = None,
) -> list[CaseResult]:
    """Each case in a fresh conversation: history replayed first, then the timed question."""
    results = []
    for case in cases:
        conversation = new_conversation()
        for earlier in case.history:
            conversation.ask(earlier)
        started = time.perf_counter()
        answer = conversation.ask(case.question)
        result = CaseResult(case, answer, (time.perf_counter() - started) * 1000)
        results.append(result)
        if on_result:
            on_result(result)
    return results
