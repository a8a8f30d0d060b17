"""`python -m benchmarks [COMMAND] [--sizes 1000,10000] ...` (`make bench` runs them all).

Commands: corpus, ingest, query, contention, startup, quality, profile, report, all
(the default; `profile` is for investigating a missed target).
Each writes JSON into --results; `report` (run last by `all`) turns every JSON there into
docs/benchmarks.md and its plots. Run heavy commands niced on a shared machine:
`nice -n 19 .venv/bin/python -m benchmarks ingest --sizes 1000`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.settings import PROJECT_ROOT
from benchmarks.measure import cpu_clock, load_json, machine, save_json
from benchmarks.quality_bench import QUESTION_SETS

COMMANDS = (
    "all",
    "corpus",
    "ingest",
    "query",
    "contention",
    "startup",
    "quality",
    "profile",
    "report",
)
SYNTHETIC_QUESTIONS = 64
QUESTIONS_GOLDEN = "tests/golden/questions.jsonl"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="Speed and quality benchmarks (see README)."
    )
    parser.add_argument("command", nargs="?", default="all", choices=COMMANDS)
    parser.add_argument(
        "--sizes", default="1000,10000", help="synthetic corpus sizes in pages, comma-separated"
    )
    parser.add_argument(
        "--recycle-above",
        type=int,
        default=1000,
        help="ingest larger sizes with recycled real vectors instead of running the model",
    )
    parser.add_argument("--workdir", type=Path, default=PROJECT_ROOT / "benchmarks" / ".work")
    parser.add_argument("--results", type=Path, default=PROJECT_ROOT / "benchmarks" / "results")
    parser.add_argument("--docs", type=Path, default=PROJECT_ROOT / "docs")
    parser.add_argument(
        "--no-samples", action="store_true", help="scaled corpora without the bundled pages"
    )
    parser.add_argument("--limit", type=int, help="at most this many questions per set")
    parser.add_argument("--in-process", action="store_true", help="no child processes (tests)")
    parser.add_argument("--no-app", action="store_true", help="startup: skip the web app")
    parser.add_argument(
        "--set",
        action="append",
        choices=tuple(QUESTION_SETS),
        help="quality: question sets (default all)",
    )
    parser.add_argument("--question-file", type=Path, help="quality: a custom question file")
    parser.add_argument("--pages", type=Path, nargs="+", help="quality: pages of --question-file")
    return parser


class Bench:
    """One invocation's options and the shared pieces (model, reserved codes), made lazily."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.sizes = [int(s) for s in str(args.sizes).split(",") if s.strip()]
        self.workdir: Path = args.workdir
        self.results: Path = args.results
        self._embedder: Any = None
        self._reserved: frozenset[str] | None = None

    # -- shared pieces ---------------------------------------------------------------------
    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            from assistant.embedder import Embedder
            from assistant.settings import Settings

            self._embedder = Embedder.from_settings(Settings())
        return self._embedder

    @property
    def reserved(self) -> frozenset[str]:
        if self._reserved is None:
            from benchmarks.corpus import reserved_codes

            self._reserved = reserved_codes(PROJECT_ROOT)
        return self._reserved

    def corpus_dir(self, size: int) -> Path:
        return self.workdir / f"corpus-{size}"

    def store_dir(self, size: int) -> Path:
        return self.workdir / f"store-{size}"

    def paths(self, size: int) -> list[Path]:
        samples = [] if self.args.no_samples else [PROJECT_ROOT / "data" / "procedures"]
        return [self.corpus_dir(size), *samples]

    def save(self, name: str, data: dict[str, Any]) -> None:
        path = save_json(self.results / f"{name}.json", data)
        print(f"wrote {path}", file=sys.stderr)

    # -- commands ---------------------------------------------------------------------------
    def corpus(self) -> list[Any]:
        from benchmarks.corpus import write_corpus

        pages = []
        for size in self.sizes:
            pages = write_corpus(self.corpus_dir(size), size, self.reserved)
            print(f"{size} pages in {self.corpus_dir(size)}", file=sys.stderr)
        return pages

    def ingest(self) -> None:
        from benchmarks.corpus import write_corpus
        from benchmarks.ingest_bench import IngestJob, run_job

        for size in self.sizes:
            write_corpus(self.corpus_dir(size), size, self.reserved)
            recycled = size > self.args.recycle_above
            table = self.workdir / "vectors.npz"
            if recycled and not table.exists():
                sys.exit(
                    f"error: size {size} recycles real vectors, but {table} is missing: run a "
                    f"size <= --recycle-above ({self.args.recycle_above}) first"
                )
            job = IngestJob(
                size=size,
                paths=tuple(str(p) for p in self.paths(size)),
                store_dir=str(self.store_dir(size)),
                table_path=str(table),
                recycled=recycled,
                out_path=str(self.workdir / f"ingest-{size}.out.json"),
            )
            with cpu_clock() as clock:
                data = run_job(job, in_process=self.args.in_process)
            self.save(f"ingest-{size}", {"size": size, **data, "bench_cost": clock})

    def _query_cases(self, size: int) -> list[Any]:
        from assistant.evaluation import load_cases, parse_case
        from benchmarks.corpus import generated_questions, make_page

        limit = self.args.limit
        pages = [make_page(i, self.reserved) for i in range(size)]
        synthetic = [
            parse_case(json.dumps(c), "generated")
            for c in generated_questions(pages, SYNTHETIC_QUESTIONS)
        ]
        golden = [] if self.args.no_samples else load_cases(PROJECT_ROOT / QUESTIONS_GOLDEN)
        return (golden[:limit] if limit else golden) + (synthetic[:limit] if limit else synthetic)

    def query(self) -> None:
        from assistant.retrieval import CANDIDATE_K
        from assistant.service import Assistant
        from assistant.settings import Settings
        from benchmarks.query_bench import measure

        for size in self.sizes:
            self._require_store(size)
            cases = self._query_cases(size)
            with cpu_clock() as clock:
                assistant = Assistant(Settings(store_dir=self.store_dir(size)), self.embedder)
                data = measure(assistant, cases, CANDIDATE_K)
            self.save(f"query-{size}", {"size": size, **data, "bench_cost": clock})

    def contention(self) -> None:
        from benchmarks.contention_bench import REPEATS, measure

        with cpu_clock() as clock:
            data = measure(self.embedder, self.args.limit or REPEATS)
        load = data.pop("load_avg_1m_at_start")
        self.save("contention", {"encode_ms": data, "load_avg_1m": load, "bench_cost": clock})

    def startup(self) -> None:
        from benchmarks.startup_bench import measure_app, measure_assistant

        for size in self.sizes:
            self._require_store(size)
            with cpu_clock() as clock:
                data: dict[str, Any] = {"assistant": measure_assistant(self.store_dir(size))}
                if not self.args.no_app:
                    log = self.workdir / f"app-{size}.log"
                    data["app"] = measure_app(self.store_dir(size), log)
            ingest = load_json(self.results / f"ingest-{size}.json") or {}
            data["ingest_peak_rss_mb"] = ingest.get("rss_after_sync_mb")
            self.save(f"startup-{size}", {"size": size, **data, "bench_cost": clock})

    def quality(self) -> None:
        from benchmarks.quality_bench import run_set

        if self.args.question_file:
            sets = {"custom": (self.args.question_file, tuple(self.args.pages or ()))}
        else:
            sets = {
                name: (PROJECT_ROOT / q, tuple(PROJECT_ROOT / p for p in pages))
                for name, (q, pages) in QUESTION_SETS.items()
                if name in (self.args.set or QUESTION_SETS)
            }
        for name, (questions, pages) in sets.items():
            with cpu_clock() as clock:
                data = run_set(
                    name, Path(questions), pages, self.workdir, self.embedder, self.args.limit
                )
            self.save(f"quality-{name}", {**data, "bench_cost": clock})

    def profile(self) -> None:
        from benchmarks.profile_bench import profile_queries

        for size in self.sizes:
            self._require_store(size)
            path = profile_queries(
                self.store_dir(size), self._query_cases(size), self.embedder, self.results, size
            )
            print(f"wrote {path}", file=sys.stderr)

    def report(self) -> None:
        from benchmarks.report import write_report

        path = write_report(self.results, self.args.docs)
        print(f"wrote {path}", file=sys.stderr)

    def _require_store(self, size: int) -> None:
        if not (self.store_dir(size) / "manifest.json").exists():
            sys.exit(f"error: no index for size {size}: run `python -m benchmarks ingest` first")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    bench = Bench(args)
    if args.command not in ("corpus", "report"):
        bench.save("machine", machine())
    steps = {
        "corpus": [bench.corpus],
        "ingest": [bench.ingest],
        "query": [bench.query],
        "contention": [bench.contention],
        "startup": [bench.startup],
        "quality": [bench.quality],
        "profile": [bench.profile],
        "report": [bench.report],
        "all": [
            bench.ingest,
            bench.query,
            bench.contention,
            bench.startup,
            bench.quality,
            bench.report,
        ],
    }[args.command]
    for step in steps:
        step()
    return 0


if __name__ == "__main__":
    sys.exit(main())
