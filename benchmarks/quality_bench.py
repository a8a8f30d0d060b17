"""Answer quality of the assistant against the plain LangChain baseline, by kind of question.

Both systems index the same pages with the same model; each question is put to the assistant
(history replayed first, as `eval` does) and then to the baseline (which has no notion of
history), one right after the other, so their latencies share the machine's state. Metrics are
those of `assistant.evaluation` computed on the same `CaseResult`s, so the figures mean what
`python -m assistant eval` means by them.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.measure import summary_ms, timed

# Pairs of pages a patient easily confuses (the same organ, the same kind of procedure).
NEAR_DUPLICATES = (
    ("45378", "G0121"),
    ("00632", "64520"),
    ("62323", "64483"),
    ("70553", "70551"),
    ("77067", "77066"),
    ("59400", "59510"),
    ("D3330", "D3310"),
    ("27447", "29881"),
    ("47562", "00790"),
    ("43235", "43239"),
)
NEAR_DUPLICATE_CODES = frozenset(code for pair in NEAR_DUPLICATES for code in pair)
# The held-out sets, each in benchmarks/NAME: its questions, and pages indexed with the samples.
HELD_OUT = ("heldout", *(f"heldout{n}" for n in range(2, 21)))
QUESTION_SETS = {
    "golden": ("tests/golden/questions.jsonl", ("data/procedures",)),
    **{
        name: (
            f"benchmarks/{name}/questions.jsonl",
            (f"benchmarks/{name}/pages", "data/procedures"),
        )
        for name in HELD_OUT
    },
}
KIND_ORDER = (
    "all",
    "plain",
    "follow-up",
    "code lookup",
    "near-duplicate",
    "out_of_scope",
    "emergency",
    "clarify",
)


def kinds(case: Any) -> list[str]:
    """The kinds a question belongs to (several at once, e.g. a follow-up on a near-duplicate)."""
    from assistant.procedures import find_codes

    found = []
    if case.history:
        found.append("follow-up")
    if find_codes(case.question):
        found.append("code lookup")
    if case.expected_code in NEAR_DUPLICATE_CODES:
        found.append("near-duplicate")
    if case.expected_outcome != "answer":
        found.append(case.expected_outcome)
    return found or ["plain"]


def _metrics(results: Sequence[Any]) -> dict[str, Any]:
    from assistant.evaluation import report

    metrics = report(list(results), {})["metrics"]
    metrics["latency_ms"] = summary_ms([r.latency_ms / 1000 for r in results])
    return {"n": len(results), **metrics}


def _section_hit(result: Any) -> float | None:
    return result.checks().get("section_hit@1")


def run_set(
    name: str,
    questions: Path,
    page_dirs: Sequence[Path],
    workdir: Path,
    embedder: Any,
    limit: int | None = None,
) -> dict[str, Any]:
    """Index `page_dirs` both ways, ask every question of `questions` to both, compare."""
    from assistant.evaluation import CaseResult, load_cases
    from assistant.service import Assistant
    from assistant.settings import Settings
    from benchmarks.baseline import Baseline
    from ingest.sync import discover, sync

    cases = load_cases(questions)[:limit]
    folder = workdir / f"quality-{name}"
    shutil.rmtree(folder, ignore_errors=True)
    settings = Settings(store_dir=folder / "store", content_dir=page_dirs[0])
    ingest = sync(list(page_dirs), settings, embedder)
    files, _ = discover(list(page_dirs))
    baseline, baseline_index_s = timed(lambda: Baseline(files, embedder, folder / "baseline"))
    assistant = Assistant(settings, embedder=embedder)
    assistant.new_conversation().ask("warm up")
    baseline.answer("warm up")

    ours, theirs = [], []
    for case in cases:
        conversation = assistant.new_conversation()
        for earlier in case.history:
            conversation.ask(earlier)
        answer, seconds = timed(lambda c=conversation, q=case.question: c.ask(q))
        ours.append(CaseResult(case, answer, seconds * 1000))
        answer, seconds = timed(lambda q=case.question: baseline.answer(q))
        theirs.append(CaseResult(case, answer, seconds * 1000))

    grouped: dict[str, list[int]] = defaultdict(list)
    for i, case in enumerate(cases):
        grouped["all"].append(i)
        for kind in kinds(case):
            grouped[kind].append(i)
    by_kind = {}
    for kind in KIND_ORDER:
        rows = grouped.get(kind)
        if not rows:
            continue
        wins = [cases[i].id for i in rows if _beats(ours[i], theirs[i])]
        losses = [cases[i].id for i in rows if _beats(theirs[i], ours[i])]
        by_kind[kind] = {
            "assistant": _metrics([ours[i] for i in rows]),
            "baseline": _metrics([theirs[i] for i in rows]),
            "assistant_wins": wins,
            "baseline_wins": losses,
        }
    return {
        "set": name,
        "questions": str(questions),
        "pages": [str(p) for p in page_dirs],
        "files": len(files),
        "assistant_chunks": ingest.chunks_total,
        "baseline_chunks": baseline.chunks,
        "ingest_errors": [e.file for e in ingest.errors],
        "baseline_index_s": round(baseline_index_s, 2),
        "by_kind": by_kind,
    }


def _beats(a: Any, b: Any) -> bool:
    """`a` gets this question right where `b` does not (first source's section, or outcome)."""
    hit_a, hit_b = _section_hit(a), _section_hit(b)
    if hit_a is not None and hit_b is not None and hit_a != hit_b:
        return hit_a > hit_b
    return a.checks()["outcome_accuracy"] > b.checks()["outcome_accuracy"]
