"""A real ingest killed with SIGKILL at many points never leaves a broken or mixed index.

Each round edits, adds and deletes pages, starts `python -m ingest` in a subprocess and kills
it: at a chosen step between two writes (fault points) or after a delay spread over the run.
After every kill the committed index must still answer and hold, for every page, exactly one
whole version (old or new) with all its chunks; the crashed run's leftovers must be invisible.
The next run continues from the crashed state; the last run must converge to the files.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sample_pages import page_text

from assistant.corpus import Corpus
from assistant.index import Store
from assistant.settings import Settings
from ingest.sync import content_hash, source_name

FAULT_POINTS = ["before_upsert", "after_upsert", "after_generation", "after_commit"]
ROUNDS = 24  # kills; 4 at each fault point, the rest at delays spread over the run


def _ingest(folder: Path, store: Path, fault: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "PROCEDURE_ASSISTANT_FAULT_AT": fault or ""}
    return subprocess.Popen(
        [sys.executable, "-m", "ingest", str(folder), "--store", str(store), "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _versions_on_disk(folder: Path) -> dict[str, str]:
    return {source_name(p): content_hash(p.read_bytes()) for p in sorted(folder.glob("*.txt"))}


def _check_committed_index(settings: Settings, allowed: dict[str, set[str]]) -> None:
    """Every committed page is one whole version that existed on disk; readers see no strays."""
    store = Store(settings)
    if not store.manifest_path.exists():
        return  # killed before the first commit: an empty index is a valid old version
    manifest = store.load_manifest()
    records = store.load_records(manifest.generation)
    by_source: dict[str, set[str]] = {}
    for record in records:
        by_source.setdefault(record.source, set()).add(record.id)
    stored = store.stored_ids(manifest.collection)
    for source, entry in manifest.pages.items():
        assert entry.hash in allowed.get(source, set()), f"{source}: unknown version"
        ids = set(entry.chunk_ids)
        assert len(ids) == len(entry.chunk_ids), f"{source}: duplicate chunk ids"
        assert by_source.get(source) == ids, f"{source}: records and manifest disagree"
        assert ids <= stored, f"{source}: committed chunks missing from Chroma"
        assert {record.page_hash for record in records if record.source == source} == {
            entry.hash
        }, f"{source}: chunks of two versions"
    assert set(by_source) == set(manifest.pages), "records of pages the manifest does not hold"
    corpus = Corpus(settings)
    assert {c.id for c in corpus.chunks} == manifest.chunk_ids()


def _mutate(folder: Path, rng: random.Random, round_no: int) -> None:
    pages = sorted(folder.glob("*.txt"))
    for path in rng.sample(pages, k=min(3, len(pages))):
        path.write_text(
            page_text(f"Procedure {path.stem} revision {round_no}", f"{round_no} minutes"),
            encoding="utf-8",
        )
    if len(pages) > 6:
        rng.choice(pages).unlink()
    new = folder / f"cpt4_{20000 + round_no:05d}.txt"
    new.write_text(page_text(f"New procedure {round_no}"), encoding="utf-8")


def test_sigkill_at_any_point_leaves_a_whole_index_that_converges(tmp_path: Path):
    rng = random.Random(20261125)
    folder = tmp_path / "pages"
    folder.mkdir()
    for n in range(12):
        (folder / f"cpt4_{10000 + n:05d}.txt").write_text(
            page_text(f"Procedure {n}", f"{n + 10} minutes"), encoding="utf-8"
        )
    settings = Settings(store_dir=tmp_path / "store")
    allowed: dict[str, set[str]] = {}

    def remember_disk() -> None:
        for source, version in _versions_on_disk(folder).items():
            allowed.setdefault(source, set()).add(version)

    remember_disk()
    started = time.monotonic()
    assert _ingest(folder, settings.store_dir).wait(timeout=300) == 0
    full_run = time.monotonic() - started

    kills = 0
    for round_no in range(ROUNDS):
        _mutate(folder, rng, round_no)
        remember_disk()
        fault = FAULT_POINTS[round_no % len(FAULT_POINTS)] if round_no < 16 else None
        process = _ingest(folder, settings.store_dir, fault)
        if fault is None:
            time.sleep(rng.uniform(0.2, full_run))
            process.send_signal(signal.SIGKILL)
        code = process.wait(timeout=300)
        kills += code == -signal.SIGKILL
        _check_committed_index(settings, allowed)

    assert kills >= 20, f"only {kills} runs were killed"
    assert _ingest(folder, settings.store_dir).wait(timeout=300) == 0
    manifest = Store(settings).load_manifest()
    assert {s: e.hash for s, e in manifest.pages.items()} == _versions_on_disk(folder)
    assert Store(settings).stored_ids(manifest.collection) == manifest.chunk_ids()
