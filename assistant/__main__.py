"""`python -m assistant ask "QUESTION" [--history MSG ...] [--store DIR] [--json]`
`python -m assistant eval QUESTIONS.jsonl [--store DIR] [--prompts DIR] [--json] [--out FILE]`

Exit codes: 0 done, 2 unusable arguments or input files.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from assistant.settings import settings_from_flags


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def common(sub: argparse.ArgumentParser) -> None:
        where = sub.add_mutually_exclusive_group()
        where.add_argument("--store", type=Path, help="index folder (default: configured store)")
        where.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000")
        sub.add_argument("--prompts", type=Path, help="prompt folder (default: prompts/)")
        sub.add_argument("--json", action="store_true", help="print one JSON object")

    ask = commands.add_parser("ask", help="answer one question")
    ask.add_argument("question")
    ask.add_argument(
        "--history",
        action="append",
        default=[],
        metavar="MESSAGE",
        help="an earlier message of the same chat, oldest first (repeatable)",
    )
    common(ask)

    evaluate = commands.add_parser("eval", help="score a JSONL question set")
    evaluate.add_argument("questions", type=Path)
    evaluate.add_argument("--out", type=Path, help="also write the report to this JSON file")
    common(evaluate)
    return parser


def run_ask(args: argparse.Namespace, assistant: Any) -> int:
    from assistant.answer_types import Answer

    conversation = assistant.new_conversation()
    for earlier in args.history:
        conversation.ask(earlier)
    started = time.perf_counter()
    answer: Answer | None = None
    printed = 0
    for event in conversation.stream(args.question):
        if isinstance(event, Answer):
            answer = event
        elif not args.json:
            sys.stdout.write(event[printed:])
            sys.stdout.flush()
            printed = len(event)
    latency = (time.perf_counter() - started) * 1000
    assert answer is not None
    if args.json:
        payload = {
            "answer": answer.text,
            "outcome": answer.outcome.value,
            "sources": [
                {k: v for k, v in src.to_json().items() if k not in ("text", "chunk_id")}
                for src in answer.sources
            ],
            "latency_ms": round(latency, 1),
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    if printed < len(answer.text):
        sys.stdout.write(answer.text[printed:])
    print()
    for n, src in enumerate(answer.sources, 1):
        print(f"[{n}] {src.title} ({src.code_system} {src.code}) — {src.section}  {src.source}")
    return 0


def run_eval(args: argparse.Namespace, assistant: Any) -> int:
    from assistant.evaluation import load_cases, report, run_cases

    cases = load_cases(args.questions)
    results = run_cases(cases, assistant.new_conversation)
    result = report(results, assistant.prompts.versions())
    if args.out:
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    print(f"questions: {result['n']}")
    for name, value in result["metrics"].items():
        print(f"  {name:20} {value}")
    for failure in result["failures"]:
        print(
            f"FAIL {failure['id']}: {failure['question']!r} -> {failure['got']['outcome']} "
            f"{failure['got']['sources'][:1]} (failed: {', '.join(failure['failed'])})"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = settings_from_flags(args.store, args.chroma_url, args.prompts)

    from assistant.evaluation import EvalFileError
    from assistant.prompts import PromptError
    from assistant.service import Assistant

    try:
        assistant = Assistant(settings)
        return run_ask(args, assistant) if args.command == "ask" else run_eval(args, assistant)
    except (EvalFileError, PromptError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
