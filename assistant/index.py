"""The index: Chroma collection + keyword index + manifest. The only place that knows the schema.

Layout of the store folder:
    manifest.json          the committed state: every page's hash and chunk ids (commit point)
    chroma/                the embedded Chroma store (unused when a Chroma server URL is set)
    keyword/<generation>/  chunk records (records.jsonl) and the BM25 index of that generation

Readers trust only what `manifest.json` names: chunks that a crashed ingest left in Chroma but
never committed are invisible to them and are swept by the next ingest.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from assistant.keyword import KeywordIndex
from assistant.settings import Settings

MANIFEST_VERSION = 1
CHROMA_MAX_BATCH = 5461


@dataclass(frozen=True)
class Chunk:
    """One section (or part of a long section) of one procedure page."""

    id: str
    text: str  # the section text as shown to patients
    code: str
    code_system: str
    title: str
    section: str  # heading as written on the page
    canonical_section: str
    position: int  # order of the chunk within its page
    source: str
    page_hash: str
    common_names: tuple[str, ...] = ()

    @property
    def context_text(self) -> str:
        """What is embedded and keyword-indexed: the text with the page and section it is from,
        so that "1 to 2 hours" is found by "how long does a lumbar sympathectomy take"."""
        names = f" (also called {'; '.join(self.common_names)})" if self.common_names else ""
        return f"{self.title}{names}. {self.code_system} {self.code}. {self.section}: {self.text}"

    def metadata(self) -> dict[str, str | int]:
        return {
            "code": self.code,
            "code_system": self.code_system,
            "title": self.title,
            "section": self.section,
            "canonical_section": self.canonical_section,
            "position": self.position,
            "source": self.source,
            "page_hash": self.page_hash,
            "common_names": "; ".join(self.common_names),
        }

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "common_names": list(self.common_names)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Chunk:
        return cls(**{**data, "common_names": tuple(data.get("common_names", ()))})


@dataclass
class PageEntry:
    source: str
    hash: str
    code: str
    code_system: str
    title: str
    common_names: list[str]
    chunk_ids: list[str]


@dataclass
class Manifest:
    generation: int = 0
    model: str = ""
    collection: str = ""
    updated_at: str = ""
    pages: dict[str, PageEntry] = field(default_factory=dict)  # keyed by source path
    last_report: dict[str, Any] = field(default_factory=dict)

    def chunk_ids(self) -> set[str]:
        return {cid for page in self.pages.values() for cid in page.chunk_ids}


def write_atomic(path: Path, text: str) -> None:
    """Write-then-rename so a reader or a crash never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class Store:
    """Files of one index: manifest, keyword generations, and the Chroma collection."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = Path(settings.store_dir)
        self._client = None

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def keyword_dir(self, generation: int) -> Path:
        return self.root / "keyword" / str(generation)

    # -- manifest -------------------------------------------------------------------------
    def load_manifest(self) -> Manifest:
        if not self.manifest_path.exists():
            return Manifest(collection=self.settings.collection)
        data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        if data.get("version") != MANIFEST_VERSION:
            raise ValueError(
                f"{self.manifest_path}: index format {data.get('version')!r} is not "
                f"{MANIFEST_VERSION}; run `python -m ingest --rebuild`"
            )
        pages = {src: PageEntry(**entry) for src, entry in data["pages"].items()}
        return Manifest(
            generation=data["generation"],
            model=data["model"],
            collection=data["collection"],
            updated_at=data.get("updated_at", ""),
            pages=pages,
            last_report=data.get("last_report", {}),
        )

    def commit_manifest(self, manifest: Manifest) -> None:
        data = {"version": MANIFEST_VERSION, **asdict(manifest)}
        write_atomic(self.manifest_path, json.dumps(data, indent=1, ensure_ascii=False))

    # -- records + keyword index -------------------------------------------------------------
    def load_records(self, generation: int) -> list[Chunk]:
        path = self.keyword_dir(generation) / "records.jsonl"
        if generation == 0 or not path.exists():
            return []
        with path.open(encoding="utf-8") as handle:
            return [Chunk.from_json(json.loads(line)) for line in handle if line.strip()]

    def write_generation(self, generation: int, chunks: Sequence[Chunk]) -> None:
        """Write records and BM25 of a new generation; visible only once the manifest names it."""
        folder = self.keyword_dir(generation)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        lines = "".join(json.dumps(c.to_json(), ensure_ascii=False) + "\n" for c in chunks)
        write_atomic(folder / "records.jsonl", lines)
        KeywordIndex.build([c.id for c in chunks], [c.context_text for c in chunks]).save(folder)

    def drop_generations_except(self, keep: int) -> None:
        parent = self.root / "keyword"
        if parent.exists():
            for folder in parent.iterdir():
                if folder.name != str(keep):
                    shutil.rmtree(folder, ignore_errors=True)

    # -- chroma -------------------------------------------------------------------------------
    def client(self):
        if self._client is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            chroma_settings = ChromaSettings(anonymized_telemetry=False)
            if self.settings.chroma_url:
                url = urlparse(self.settings.chroma_url)
                self._client = chromadb.HttpClient(
                    host=url.hostname or "127.0.0.1",
                    port=url.port or 8000,
                    ssl=url.scheme == "https",
                    settings=chroma_settings,
                )
            else:
                path = self.root / "chroma"
                path.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        return self._client

    def collection(self, name: str):
        return self.client().get_or_create_collection(
            name=name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )

    def drop_collection(self, name: str) -> None:
        if name in {c.name for c in self.client().list_collections()}:
            self.client().delete_collection(name)

    def upsert(self, name: str, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        collection = self.collection(name)
        for start in range(0, len(chunks), CHROMA_MAX_BATCH):
            batch = chunks[start : start + CHROMA_MAX_BATCH]
            collection.upsert(
                ids=[c.id for c in batch],
                embeddings=vectors[start : start + CHROMA_MAX_BATCH],
                documents=[c.text for c in batch],
                metadatas=[c.metadata() for c in batch],
            )

    def delete(self, name: str, ids: Iterable[str]) -> None:
        ids = list(ids)
        collection = self.collection(name)
        for start in range(0, len(ids), CHROMA_MAX_BATCH):
            collection.delete(ids=ids[start : start + CHROMA_MAX_BATCH])

    def stored_ids(self, name: str) -> set[str]:
        collection = self.collection(name)
        ids: set[str] = set()
        offset, page = 0, 5000
        while True:
            got = collection.get(include=[], limit=page, offset=offset)["ids"]
            ids.update(got)
            if len(got) < page:
                return ids
            offset += page
