"""Ingest throughput: the real `sync` against raw `SentenceTransformer.encode` of the same texts.

Each size runs in a child process of its own (`python -m benchmarks.ingest_bench JOB.json`),
so its peak RSS is that of one ingest and not of every size run before it. In the child:

1. the model is loaded and warmed up (both sides of the ratio exclude the load);
2. the chunk texts are prepared exactly as `sync` will prepare them (`Chunk.context_text`);
3. `sync` runs into a fresh store, with per-stage timers (instrument.py), and with
   `PairedEmbedder`: each slice of texts that sync embeds also goes through raw
   `SentenceTransformer.encode` (same batch size) right before or after, and that raw time is
   taken out of the sync's time again. The ratio ingest/raw of chunks per second is the
   headline figure, taken side by side slice by slice (see PairedEmbedder for why);
4. a no-change re-run (three times), then a run after editing 1 % of the pages.

At sizes above `recycle_above` step 3 uses `RecycledEmbedder` (see embedders.py) and no raw
encode runs: the encode share of such a run is projected from the chunks/s measured at the largest
real size, and the report labels the figure as projected.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks.measure import peak_rss_mb, timed, timed_cpu

CHANGE_SHARE = 0.01
NO_CHANGE_REPEATS = 3


@dataclass(frozen=True)
class IngestJob:
    size: int
    paths: tuple[str, ...]  # synthetic corpus folder first, then the sample pages if included
    store_dir: str
    table_path: str  # real vectors: written by a real run, read by a recycled one
    recycled: bool
    out_path: str


def prepare_texts(paths: list[Path]) -> tuple[list[str], list[bool], int]:
    """The texts `sync` embeds on a first run, in its order, and whether each is synthetic."""
    from dataclasses import replace

    from ingest.chunk import chunk
    from ingest.parse import read_page
    from ingest.sync import content_hash, discover, source_name

    files, _ = discover(paths)
    texts: list[str] = []
    synthetic: list[bool] = []
    for path in files:
        page = replace(read_page(path), source=source_name(path))
        chunks = chunk(page, content_hash(path.read_bytes()))
        texts += [c.context_text for c in chunks]
        synthetic += [path.parent == paths[0]] * len(chunks)
    return texts, synthetic, len(files)


def _timed_sync(paths: list[Path], settings: Any, embedder: Any) -> dict[str, Any]:
    from benchmarks.instrument import ingest_targets, patched
    from ingest.sync import sync

    load_before = os.getloadavg()[0]
    with patched(ingest_targets(embedder)) as stages:
        report, seconds, cpu = timed_cpu(lambda: sync(paths, settings, embedder))
    return {
        "seconds": round(seconds, 3),
        "cpu_s": round(cpu, 3),
        "load_avg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "report": report.to_json(),
        "stages": stages.as_dict(),
    }


def measure(job: IngestJob) -> dict[str, Any]:
    """Steps 1-4 of the module docstring; returns the figures as plain JSON data."""
    from assistant.embedder import Embedder
    from assistant.settings import Settings
    from benchmarks.corpus import mutate
    from benchmarks.embedders import PairedEmbedder, RecycledEmbedder, VectorTable

    paths = [Path(p) for p in job.paths]
    store = Path(job.store_dir)
    shutil.rmtree(store, ignore_errors=True)
    settings = Settings(store_dir=store, content_dir=paths[0])
    real = Embedder.from_settings(settings)
    _, load_s = timed(lambda: real.encode_query("warm up"))
    result: dict[str, Any] = {"model_load_s": round(load_s, 3), "recycled": job.recycled}

    (texts, synthetic, files), prepare_s = timed(lambda: prepare_texts(paths))
    words = sum(len(t.split()) for t in texts)
    result |= {
        "files": files,
        "chunks": len(texts),
        "words_per_chunk": round(words / max(len(texts), 1), 1),
        "prepare_s": round(prepare_s, 3),
        "batch_size": settings.batch_size,
        "rss_before_sync_mb": peak_rss_mb(),
    }

    if job.recycled:
        embedder: Any = RecycledEmbedder(VectorTable.load(Path(job.table_path)))
    else:
        embedder = PairedEmbedder(real)
    first = _timed_sync(paths, settings, embedder)
    result["rss_after_sync_mb"] = peak_rss_mb()
    if job.recycled:
        result["recycled_vectors"] = {"reused": embedder.reused, "recycled": embedder.recycled}
    else:
        # The sync's wall time included the raw slices run beside it: take them out again.
        raw = embedder.raw_seconds
        first["seconds_with_raw_slices"] = first["seconds"]
        first["seconds"] = round(first["seconds"] - raw, 3)
        first["stages"]["embed chunks"]["seconds"] = round(embedder.own_seconds, 4)
        result["raw_encode_s"] = round(raw, 3)
        result["slices"] = embedder.pairs
        samples = {t for t, is_synthetic in zip(texts, synthetic, strict=True) if not is_synthetic}
        recyclable = [t not in samples for t in embedder.texts]
        VectorTable.build(embedder.texts, embedder.vectors, recyclable).save(Path(job.table_path))
    result["first_sync"] = first

    result["no_change"] = [_timed_sync(paths, settings, real) for _ in range(NO_CHANGE_REPEATS)]
    changed = mutate(paths[0], sorted(p.name for p in paths[0].glob("*.txt")), CHANGE_SHARE)
    result["changed_pages"] = len(changed)
    result["change_sync"] = _timed_sync(paths, settings, real)
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def run_job(job: IngestJob, in_process: bool = False) -> dict[str, Any]:
    """Run one size in a child process (or here, for the smoke test) and read its figures."""
    if in_process:
        data = measure(job)
    else:
        job_file = Path(job.out_path).with_suffix(".job.json")
        job_file.write_text(json.dumps(asdict(job)), encoding="utf-8")
        subprocess.run([sys.executable, "-m", "benchmarks.ingest_bench", str(job_file)], check=True)
        data = json.loads(Path(job.out_path).read_text(encoding="utf-8"))
        job_file.unlink(missing_ok=True)
    return data


def main(argv: list[str]) -> int:
    job = IngestJob(**json.loads(Path(argv[0]).read_text(encoding="utf-8")))
    job = IngestJob(**{**asdict(job), "paths": tuple(job.paths)})
    Path(job.out_path).write_text(json.dumps(measure(job), indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
