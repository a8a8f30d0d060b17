"""Where the time of `ask` goes: a pyinstrument profile over the latency questions.

Run when a latency target is missed (`python -m benchmarks profile --sizes 10000`); the text
report lands beside the JSON results so the finding in docs/benchmarks.md can cite it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


def profile_queries(
    store: Path, cases: Sequence[Any], embedder: Any, results: Path, size: int
) -> Path:
    from pyinstrument import Profiler

    from assistant.service import Assistant
    from assistant.settings import Settings

    assistant = Assistant(Settings(store_dir=store), embedder=embedder)
    assistant.new_conversation().ask("warm up")
    conversations = []
    for case in cases:
        conversation = assistant.new_conversation()
        for earlier in case.history:
            conversation.ask(earlier)
        conversations.append((conversation, case.question))
    profiler = Profiler(interval=0.0005)
    with profiler:
        for conversation, question in conversations:
            conversation.ask(question)
    path = results / f"profile-query-{size}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8"
    )
    return path
