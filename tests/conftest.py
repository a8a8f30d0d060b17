"""Shared fixtures: the real bundled embedding model (loaded once) and throw-away stores."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sample_pages import page_text

from assistant.embedder import Embedder
from assistant.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = PROJECT_ROOT / "data" / "procedures"


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder.from_settings(Settings())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` server on a free loopback port, for the whole session."""
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    process = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(tmp_path_factory.mktemp("chroma")),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("chroma run did not start within 60 s")
            time.sleep(0.2)
    yield url
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def store_settings(mode: str, folder: Path, request: pytest.FixtureRequest) -> Settings:
    """Embedded store, or the shared server with a collection of this test's own."""
    if mode == "embedded":
        return Settings(store_dir=folder / "store", content_dir=folder / "pages")
    url = request.getfixturevalue("chroma_server")
    return Settings(
        store_dir=folder / "store",
        content_dir=folder / "pages",
        chroma_url=url,
        collection=f"test-{uuid.uuid4().hex[:12]}",
    )


@pytest.fixture(params=["embedded", "server"])
def settings(tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    return store_settings(request.param, tmp_path, request)


@pytest.fixture
def write_page(tmp_path: Path) -> Callable[..., Path]:
    folder = tmp_path / "pages"
    folder.mkdir(exist_ok=True)

    def write(code: str, title: str, **kwargs: str) -> Path:
        path = folder / f"cpt4_{code}.txt"
        path.write_text(page_text(title, **kwargs), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session", params=["embedded", "server"])
def sample_settings(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder, request: pytest.FixtureRequest
) -> Settings:
    """The bundled sample pages, ingested once per store mode into a throw-away store."""
    from ingest.sync import sync

    settings = store_settings(request.param, tmp_path_factory.mktemp("sample"), request)
    report = sync([SAMPLE_DIR], settings, embedder)
    assert not report.errors, report.errors
    return settings


@pytest.fixture(scope="session")
def assistant(sample_settings: Settings, embedder: Embedder):
    from assistant.service import Assistant

    return Assistant(sample_settings, embedder=embedder)


def store_flags(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """CLI flags that reach a store in either mode (the server mode also needs the local
    manifest folder and the collection, given through the environment)."""
    if not settings.chroma_url:
        return ["--store", str(settings.store_dir)]
    monkeypatch.setenv("PROCEDURE_ASSISTANT_STORE_DIR", str(settings.store_dir))
    monkeypatch.setenv("PROCEDURE_ASSISTANT_COLLECTION", settings.collection)
    return ["--chroma-url", settings.chroma_url]


@pytest.fixture
def store_args(sample_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return store_flags(sample_settings, monkeypatch)


@pytest.fixture(scope="module")
def web(
    sample_settings: Settings,
    embedder: Embedder,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[Any]:
    """The web app, one per test module (imported here so other tests do not load Gradio)."""
    from web_app import running_app

    folder = tmp_path_factory.mktemp(request.module.__name__)
    with running_app(sample_settings, embedder, folder) as app:
        yield app
