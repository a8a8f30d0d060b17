"""Incremental sync of page files into the index.

Order of writes, chosen so that a crash at any point leaves the committed index intact:
new chunks are upserted under fresh version ids, then the new keyword generation is written,
then the manifest is replaced atomically (the commit point), and only then are the old
versions' chunks deleted. A `pending` marker left by a crash makes the next run sweep the
chunks that were written but never committed.
"""

from __future__ import annotations

import hashlib
import os
import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.embedder import Embedder
from assistant.index import Chunk, Manifest, PageEntry, Store
from assistant.settings import PROJECT_ROOT, Settings
from ingest.chunk import chunk
from ingest.lock import store_lock
from ingest.page import IngestError, ProcedurePage
from ingest.parse import SUPPORTED_SUFFIXES, read_page

MAX_PAGE_BYTES = 5 * 2**20  # real pages are a few kB; anything this big is not one page
PIPELINE_VERSION = "6"  # bump when parse or chunk output changes for the same file bytes


@dataclass(frozen=True)
class FileError:
    file: str
    reason: str


@dataclass
class SyncReport:
    pages_added: int = 0
    pages_updated: int = 0
    pages_removed: int = 0
    pages_unchanged: int = 0
    chunks_added: int = 0
    chunks_removed: int = 0
    chunks_total: int = 0
    texts_embedded: int = 0
    rebuilt: bool = False
    errors: list[FileError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.pages_added or self.pages_updated or self.pages_removed or self.rebuilt)

    def to_json(self) -> dict[str, Any]:
        return {
            "pages": {
                "added": self.pages_added,
                "updated": self.pages_updated,
                "removed": self.pages_removed,
                "unchanged": self.pages_unchanged,
            },
            "chunks": {
                "added": self.chunks_added,
                "removed": self.chunks_removed,
                "total": self.chunks_total,
            },
            "errors": [{"file": e.file, "reason": e.reason} for e in self.errors],
            "seconds": round(self.seconds, 3),
            "embedded": self.texts_embedded,
            "rebuilt": self.rebuilt,
        }


def fault_point(name: str) -> None:
    """Crash here when the crash-safety tests ask for it (PROCEDURE_ASSISTANT_FAULT_AT=name),
    so every step between two writes is proven to leave a usable index behind."""
    if os.environ.get("PROCEDURE_ASSISTANT_FAULT_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def source_name(path: Path) -> str:
    """A stable name for a file whatever the working directory: relative to the project if
    inside it, else absolute."""
    resolved = path.absolute()
    try:
        return resolved.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return resolved.as_posix()


def discover(paths: Sequence[Path]) -> tuple[list[Path], list[FileError]]:
    """Page files under `paths`; files of other types are reported, hidden files skipped."""
    files: list[Path] = []
    errors: list[FileError] = []
    for root in paths:
        candidates = (
            sorted(p for p in root.rglob("*") if not p.is_dir()) if root.is_dir() else [root]
        )
        for path in candidates:
            if any(part.startswith(".") for part in path.relative_to(root).parts):
                continue
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                files.append(path)
            else:
                expected = ", ".join(sorted(SUPPORTED_SUFFIXES))
                errors.append(
                    FileError(
                        source_name(path),
                        f"unsupported file type '{path.suffix or '(none)'}'; expected {expected}",
                    )
                )
    return files, errors


def content_hash(data: bytes) -> str:
    return hashlib.sha256(PIPELINE_VERSION.encode() + b"\0" + data).hexdigest()


def _entry(page: ProcedurePage, page_hash: str, chunks: list[Chunk]) -> PageEntry:
    return PageEntry(
        source=page.source,
        hash=page_hash,
        code=page.code,
        code_system=page.code_system,
        title=page.title,
        common_names=list(page.common_names),
        chunk_ids=[c.id for c in chunks],
    )


def sync(
    paths: Sequence[Path],
    settings: Settings,
    embedder: Embedder | None = None,
    rebuild: bool = False,
    progress: bool = False,
) -> SyncReport:
    """Make the index hold exactly the pages under `paths` (bad files keep their old version)."""
    store = Store(settings)
    with store_lock(store.root):
        return _sync_locked(paths, settings, store, embedder, rebuild, progress)


def _sync_locked(
    paths: Sequence[Path],
    settings: Settings,
    store: Store,
    embedder: Embedder | None,
    rebuild: bool,
    progress: bool,
) -> SyncReport:
    started = time.perf_counter()
    report = SyncReport()
    old = store.load_manifest()
    model = settings.resolved_model()
    rebuild = rebuild or bool(old.pages and old.model != model)
    report.rebuilt = rebuild

    kept, fresh = _read_files(paths, old, rebuild, report)
    removed = [src for src in old.pages if src not in kept and src not in fresh]
    report.pages_unchanged = 0 if rebuild else len(kept)
    report.pages_added = sum(1 for src in fresh if src not in old.pages)
    report.pages_updated = sum(1 for src in fresh if src in old.pages)
    report.pages_removed = len(removed)

    new_chunks = {src: chunk(page, page_hash) for src, (page, page_hash) in fresh.items()}
    manifest = Manifest(
        generation=old.generation,
        model=model,
        collection=old.collection or settings.collection,
        updated_at=old.updated_at,
        pages={
            **kept,
            **{src: _entry(page, h, new_chunks[src]) for src, (page, h) in fresh.items()},
        },
    )
    pending = store.root / "pending"
    crashed_before = pending.exists()
    if not (report.changed or crashed_before):
        report.chunks_total = sum(len(p.chunk_ids) for p in manifest.pages.values())
        report.seconds = time.perf_counter() - started
        manifest.last_report = report.to_json()
        store.commit_manifest(manifest)
        return report

    pending.touch()
    old_records = store.load_records(old.generation)
    if rebuild:
        manifest.collection = f"{settings.collection}-r{old.generation + 1}"
        store.drop_collection(manifest.collection)  # left over by a crashed rebuild
        # Files that failed this time keep their old version, re-embedded into the new store.
        to_embed = [c for c in old_records if c.source in kept]
    else:
        to_embed = []
    to_embed += [c for chunks in new_chunks.values() for c in chunks]
    embedder = embedder or Embedder.from_settings(settings)
    before = embedder.texts_embedded
    vectors = embedder.encode([c.context_text for c in to_embed], progress=progress)
    report.texts_embedded = embedder.texts_embedded - before
    fault_point("before_upsert")
    store.upsert(manifest.collection, to_embed, vectors)
    fault_point("after_upsert")

    changed = set(fresh) | set(removed)
    stale_ids = [cid for src in changed if src in old.pages for cid in old.pages[src].chunk_ids]
    records = [c for c in old_records if c.source in kept and not rebuild]
    records += [c for chunks in new_chunks.values() for c in chunks]
    if rebuild:
        records = to_embed
    report.chunks_added = sum(len(c) for c in new_chunks.values())
    report.chunks_removed = len(stale_ids)
    report.chunks_total = len(records)

    manifest.generation = old.generation + 1
    store.write_generation(manifest.generation, records)
    fault_point("after_generation")
    manifest.updated_at = datetime.now(UTC).isoformat(timespec="seconds")
    report.seconds = time.perf_counter() - started
    manifest.last_report = report.to_json()
    store.commit_manifest(manifest)  # the commit point
    fault_point("after_commit")

    if old.collection and old.collection != manifest.collection:
        store.drop_collection(old.collection)
    else:
        store.delete(manifest.collection, stale_ids)
    if crashed_before:
        orphans = store.stored_ids(manifest.collection) - manifest.chunk_ids()
        store.delete(manifest.collection, orphans)
    store.drop_generations_except(manifest.generation)
    pending.unlink(missing_ok=True)
    report.seconds = time.perf_counter() - started
    return report


def _read_files(
    paths: Sequence[Path], old: Manifest, rebuild: bool, report: SyncReport
) -> tuple[dict[str, PageEntry], dict[str, tuple[ProcedurePage, str]]]:
    """Split the files into unchanged (or failed: their old version stays) and fresh pages."""
    files, report.errors = discover(paths)
    kept: dict[str, PageEntry] = {}
    fresh: dict[str, tuple[ProcedurePage, str]] = {}
    for path in files:
        source = source_name(path)
        previous = old.pages.get(source)
        try:
            size = path.stat().st_size
            if size > MAX_PAGE_BYTES:
                raise IngestError(
                    f"file is {size / 2**20:.1f} MB; pages over "
                    f"{MAX_PAGE_BYTES // 2**20} MB are refused (is it really one page?)"
                )
            data = path.read_bytes()
            page_hash = content_hash(data)
            if previous and previous.hash == page_hash and not rebuild:
                kept[source] = previous
                continue
            page = read_page(path)
        except OSError as exc:
            report.errors.append(FileError(source, f"cannot read the file: {exc.strerror}"))
        except IngestError as exc:
            report.errors.append(FileError(source, str(exc).removeprefix(f"{path}: ")))
        else:
            fresh[source] = (replace(page, source=source), page_hash)
            continue
        if previous:
            kept[source] = previous

    owners = {entry.code: src for src, entry in kept.items()}
    for src in sorted(fresh):
        page, _ = fresh[src]
        owner = owners.setdefault(page.code, src)
        if owner != src:
            # Exact code lookup needs one page per code: the newcomer is the error.
            report.errors.append(
                FileError(
                    src,
                    f"code {page.code} is already used by {owner}; each code needs exactly one "
                    "page: remove or fix one of the two files",
                )
            )
            del fresh[src]
            if src in old.pages:
                kept[src] = old.pages[src]
    return kept, fresh
