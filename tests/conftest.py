"""Shared fixtures: the real bundled embedding model (loaded once) and throw-away stores."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sample_pages import page_text

from assistant.embedder import Embedder
from assistant.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = PROJECT_ROOT / "data" / "procedures"


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder.from_settings(Settings())


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(store_dir=tmp_path / "store", content_dir=tmp_path / "pages")


@pytest.fixture
def write_page(tmp_path: Path) -> Callable[..., Path]:
    folder = tmp_path / "pages"
    folder.mkdir(exist_ok=True)

    def write(code: str, title: str, **kwargs: str) -> Path:
        path = folder / f"cpt4_{code}.txt"
        path.write_text(page_text(title, **kwargs), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def sample_settings(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Settings:
    """The bundled sample pages, ingested once into a throw-away store for the session."""
    from ingest.sync import sync

    settings = Settings(store_dir=tmp_path_factory.mktemp("sample") / "store")
    report = sync([SAMPLE_DIR], settings, embedder)
    assert not report.errors, report.errors
    return settings


@pytest.fixture(scope="session")
def assistant(sample_settings: Settings, embedder: Embedder):
    from assistant.service import Assistant

    return Assistant(sample_settings, embedder=embedder)
