"""The web app running in the test process, shared by the HTTP and the browser tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT, SAMPLE_DIR, free_port
from gradio_client import Client

from assistant.embedder import Embedder
from assistant.service import Assistant
from assistant.settings import Settings
from webui.config import WebSettings
from webui.context import AppContext
from webui.server import build_app, serve

# Tests through the server use the sample store in embedded mode only: the app adds nothing
# Chroma-server-specific, and the session's embedded store is already built.
over_http = pytest.mark.parametrize("sample_settings", ["embedded"], indirect=True)

STAFF_USER, STAFF_PASSWORD = "staff", "correct horse battery staple"


@dataclass(frozen=True)
class WebApp:
    url: str
    context: AppContext
    folder: Path

    @property
    def feedback_dir(self) -> Path:
        return self.context.config.feedback_dir

    def client(self) -> Client:
        return Client(self.url, verbose=False)


@contextmanager
def running_app(settings: Settings, embedder: Embedder, folder: Path) -> Iterator[WebApp]:
    """The app on a free port, with its own copy of the prompts (the lab saves versions) and
    its own feedback folder; staff credentials set as an operator would."""
    prompts = folder / "prompts"
    shutil.copytree(PROJECT_ROOT / "prompts", prompts)
    settings = settings.model_copy(update={"prompts_dir": prompts, "content_dir": SAMPLE_DIR})
    config = WebSettings(
        staff_user=STAFF_USER,
        staff_password=STAFF_PASSWORD,
        feedback_dir=folder / "feedback",
        store_transcripts=False,
    )
    context = AppContext.create(Assistant(settings, embedder=embedder), config, failure_delay_s=0.0)
    demo = build_app(context)
    url = serve(demo, "127.0.0.1", free_port(), block=False)
    try:
        yield WebApp(url, context, folder)
    finally:
        demo.close()
