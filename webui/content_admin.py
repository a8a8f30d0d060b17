"""Content tools for staff: index status, the incremental ingest, and a page browser.

The ingest is the same `ingest.sync.sync` the command line runs, so the app never has its own
idea of what the index should hold; afterwards the shared corpus reloads the new generation,
and new conversations see it at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.corpus import Corpus, PageInfo
from assistant.index import Chunk
from assistant.service import Assistant
from ingest.sync import SyncReport, sync


class ContentFolderMissing(FileNotFoundError):
    """Ingesting a missing folder would empty the index (sync removes pages not found)."""


@dataclass(frozen=True)
class IndexStatus:
    pages: int
    chunks: int
    updated_at: str
    last_report: dict[str, Any]

    @classmethod
    def of(cls, corpus: Corpus) -> IndexStatus:
        corpus.refresh()  # an ingest from the command line may have committed meanwhile
        manifest = corpus.manifest
        return cls(len(corpus.pages), len(corpus.chunks), manifest.updated_at, manifest.last_report)

    @property
    def errors(self) -> list[dict[str, str]]:
        return list(self.last_report.get("errors", []))


def run_ingest(assistant: Assistant) -> SyncReport:
    """Bring the index in line with `settings.content_dir`; StoreBusyError if one is running."""
    folder = assistant.settings.content_dir
    if not folder.is_dir():
        raise ContentFolderMissing(
            f"{folder}: content folder not found; nothing was changed. Set "
            "PROCEDURE_ASSISTANT_CONTENT_DIR to the folder of procedure pages."
        )
    report = sync([folder], assistant.settings, assistant.embedder, progress=True)
    assistant.corpus.refresh()
    return report


def find_pages(corpus: Corpus, query: str, limit: int = 50) -> list[PageInfo]:
    """Pages whose code, title or common names contain every word of the query."""
    words = query.lower().split()
    found = []
    for page in sorted(corpus.pages.values(), key=lambda p: (p.code_system, p.code)):
        haystack = " ".join((page.code, page.code_system, page.title, *page.common_names))
        if all(word in haystack.lower() for word in words):
            found.append(page)
    return found[:limit]


def page_chunks(corpus: Corpus, code: str) -> list[Chunk]:
    """A page's chunks in page order: what retrieval can cite, exactly as indexed."""
    rows = corpus.rows_by_code.get(code, [])
    return sorted((corpus.chunks[row] for row in rows), key=lambda chunk: chunk.position)
