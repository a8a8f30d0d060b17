"""Smoke runs of every benchmark on a tiny corpus, so `make bench` cannot rot unnoticed.

The real runs take an hour of CPU and are run by hand; these take seconds, write into
tmp_path only (never docs/ or benchmarks/results/), and check the shape of what each writes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT
from benchmarks.__main__ import main
from benchmarks.corpus import (
    generated_questions,
    make_page,
    reserved_codes,
    write_corpus,
    write_questions,
)
from ingest.chunk import chunk
from ingest.parse import read_page


def run(tmp: Path, *args: str) -> None:
    common = ["--workdir", str(tmp / "work"), "--results", str(tmp / "results")]
    assert main([*args, *common, "--docs", str(tmp / "docs")]) == 0


def result(tmp: Path, name: str) -> dict:
    return json.loads((tmp / "results" / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def bench_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sizes 3 (real model) and 5 (recycled vectors) ingested once for the whole module."""
    tmp = tmp_path_factory.mktemp("bench")
    run(tmp, "ingest", "--sizes", "3,5", "--recycle-above", "3", "--no-samples", "--in-process")
    return tmp


def test_generated_pages_parse_with_unique_unreserved_codes(tmp_path: Path) -> None:
    reserved = reserved_codes(PROJECT_ROOT)
    pages = write_corpus(tmp_path, 12, reserved)
    codes = set()
    for page in pages:
        parsed = read_page(tmp_path / page.filename)
        assert parsed.code == page.code
        assert len(chunk(parsed, "h")) >= 10
        codes.add(parsed.code)
    assert len(codes) == 12 and not codes & reserved
    assert make_page(7, reserved).text == pages[7].text  # page i is the same at every size


def test_ingest_benchmark_measures_real_and_recycled_sizes(bench_dir: Path) -> None:
    real, recycled = result(bench_dir, "ingest-3"), result(bench_dir, "ingest-5")
    assert real["raw_encode_s"] > 0 and not real["recycled"]
    assert recycled["recycled"] and "raw_encode_s" not in recycled
    for data in (real, recycled):
        assert data["first_sync"]["report"]["chunks"]["total"] == data["chunks"]
        assert all(run["report"]["embedded"] == 0 for run in data["no_change"])
        assert data["change_sync"]["report"]["pages"]["updated"] == data["changed_pages"] == 1


def test_query_benchmark_reports_latency_floor_and_components(bench_dir: Path) -> None:
    run(bench_dir, "query", "--sizes", "5", "--no-samples", "--limit", "4")
    data = result(bench_dir, "query-5")
    assert data["questions"] == 4
    assert data["ask_ms"]["p95"] > 0 and data["floor_ms"]["p95"] > 0
    assert "BM25 scores (all chunks)" in data["components_ms"]
    assert "engine.search (all retrieval)" in data["stages_mean_ms"]


def test_startup_benchmark_times_a_fresh_process(bench_dir: Path) -> None:
    run(bench_dir, "startup", "--sizes", "5", "--no-app")
    data = result(bench_dir, "startup-5")
    assert data["assistant"]["chunks"] == result(bench_dir, "ingest-5")["chunks"]
    assert data["assistant"]["peak_rss_mb"] > 0


def test_quality_benchmark_compares_with_the_langchain_baseline(bench_dir: Path) -> None:
    pages = [make_page(i, reserved_codes(PROJECT_ROOT)) for i in range(5)]
    questions = write_questions(bench_dir / "q.jsonl", generated_questions(pages, 4))
    corpus = bench_dir / "work" / "corpus-5"
    run(bench_dir, "quality", "--question-file", str(questions), "--pages", str(corpus))
    data = result(bench_dir, "quality-custom")
    everything = data["by_kind"]["all"]
    assert everything["assistant"]["n"] == everything["baseline"]["n"] == 4
    assert data["baseline_chunks"] > 0


def test_report_renders_markdown_and_plots(bench_dir: Path) -> None:
    run(bench_dir, "query", "--sizes", "5", "--no-samples", "--limit", "2")
    run(bench_dir, "report")
    text = (bench_dir / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert "## Headline" in text and "projected" in text
    for name in ("benchmarks_throughput.png", "benchmarks_latency.png"):
        assert (bench_dir / "docs" / name).stat().st_size > 1000


def test_contention_benchmark_runs(bench_dir: Path) -> None:
    run(bench_dir, "contention", "--limit", "2")
    assert len(result(bench_dir, "contention")["encode_ms"]) == 4
