"""The plain LangChain recipe the assistant is compared with.

RecursiveCharacterTextSplitter (1000 characters, 200 overlap) over each page's whole text,
dense top-k on the same MiniLM model in Chroma through `langchain_chroma.Chroma`, no
conversation handling, and always an answer. To be scored like the assistant it must say which
page and which section it cites: the page is the file the chunk came from (its code as our
parser reads it), the section is the heading whose text the chunk starts in (a chunk that
starts in the page header, before the first heading, counts as the first section).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from assistant.answer_types import Answer, Outcome, Source
from assistant.embedder import Embedder

CHUNK_SIZE, CHUNK_OVERLAP = 1000, 200
COLLECTION = "langchain-baseline"
_BLOCK_TAGS = frozenset({"p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "ul"})


class EmbedderEmbeddings(Embeddings):
    """LangChain's embedding interface over our Embedder: same model, same normalisation."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.encode_query(text).tolist()


class _TextOnly(HTMLParser):
    """What a plain HTML loader keeps: the text, one block per line, no scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def page_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix.lower() in (".html", ".htm"):
        parser = _TextOnly()
        parser.feed(text)
        text = re.sub(r"\n\s*\n+", "\n\n", "".join(parser.parts))
    return text


def heading_offsets(text: str, headings: Sequence[str]) -> list[tuple[int, str]]:
    """Where each section heading starts in the text, in page order (missing ones skipped)."""
    found: list[tuple[int, str]] = []
    position = 0
    for heading in headings:
        pattern = re.compile(rf"^[\W_]*{re.escape(heading)}[\W_]*$", re.I | re.M)
        match = pattern.search(text, position)
        if match:
            found.append((match.start(), heading))
            position = match.end()
    return found


def section_at(offsets: Sequence[tuple[int, str]], start: int) -> str:
    section = offsets[0][1] if offsets else ""
    for position, heading in offsets:
        if position > start:
            break
        section = heading
    return section


@dataclass(frozen=True)
class SplitPage:
    texts: list[str]
    metadatas: list[dict[str, str]]


def split_page(path: Path) -> SplitPage:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from ingest.parse import read_page

    page = read_page(path)
    text = page_text(path)
    offsets = heading_offsets(text, [s.heading for s in page.sections])
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
    )
    docs = splitter.create_documents([text])
    meta = {"code": page.code, "code_system": page.code_system, "title": page.title}
    return SplitPage(
        [d.page_content for d in docs],
        [
            {**meta, "section": section_at(offsets, d.metadata["start_index"]), "source": str(path)}
            for d in docs
        ],
    )


class Baseline:
    """Dense top-k over LangChain-split pages; answers every question with its first chunk."""

    def __init__(self, files: Sequence[Path], embedder: Embedder, store_dir: Path, k: int = 3):
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma

        self.k = k
        client = chromadb.PersistentClient(
            path=str(store_dir), settings=ChromaSettings(anonymized_telemetry=False)
        )
        if COLLECTION in {c.name for c in client.list_collections()}:
            client.delete_collection(COLLECTION)
        client.create_collection(
            COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        self.store = Chroma(
            client=client,
            collection_name=COLLECTION,
            embedding_function=EmbedderEmbeddings(embedder),
        )
        texts: list[str] = []
        metadatas: list[dict[str, str]] = []
        for path in files:
            split = split_page(path)
            texts += split.texts
            metadatas += split.metadatas
        self.chunks = len(texts)
        self.store.add_texts(texts, metadatas=metadatas)

    def answer(self, question: str) -> Answer:
        found = self.store.similarity_search_with_score(question, k=self.k)
        sources = tuple(
            Source(
                code=doc.metadata["code"],
                code_system=doc.metadata["code_system"],
                title=doc.metadata["title"],
                section=doc.metadata["section"],
                source=doc.metadata["source"],
                score=1.0 - float(distance),
                text=doc.page_content,
            )
            for doc, distance in found
        )
        text = sources[0].text if sources else ""
        return Answer(text, sources, Outcome.ANSWER, sources[0].code if sources else None)
