"""Load: 20 concurrent gradio_client sessions x 25 messages against the real app (loopback).

Every session talks about its own procedure and asks follow-ups without naming it, so an
answer about anyone else's procedure would show conversations bleeding into each other.
"""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from test_app import chat, last_reply, text_of
from web_app import running_app

SESSIONS = 20
MESSAGES = 25
TOPICS = [
    ("what is a colonoscopy for symptoms like bleeding", "45378"),
    ("tell me about cataract surgery", "66984"),
    ("what is a total knee replacement", "27447"),
    ("what is a screening mammogram", "77067"),
    ("what is an upper endoscopy with biopsy", "43239"),
]
FOLLOW_UPS = [
    "how long does it take?",
    "will i be awake",
    "what could go wrong",
    "when can i drive again",
    "do i need to fast before",
    "who does it",
    "where is it done",
    "what are the other options",
]


def _session(app, number: int) -> tuple[list[float], list[str]]:
    opener, code = TOPICS[number % len(TOPICS)]
    client = app.client()
    latencies: list[float] = []
    problems: list[str] = []
    for turn in range(MESSAGES):
        question = opener if turn == 0 else FOLLOW_UPS[(turn + number) % len(FOLLOW_UPS)]
        started = time.perf_counter()
        reply = last_reply(chat(client, question))
        latencies.append(time.perf_counter() - started)
        titles = [m["metadata"]["title"] for m in reply if m.get("metadata")]
        if not reply or not text_of(reply[0]).strip():
            problems.append(f"session {number} turn {turn}: empty reply")
        elif titles and f" {code})" not in titles[0]:
            problems.append(f"session {number} turn {turn}: {question!r} answered from {titles[0]}")
    return latencies, problems


@pytest.mark.load
def test_twenty_concurrent_sessions_keep_their_own_conversations(
    sample_settings, embedder, tmp_path, capsys
):
    if sample_settings.chroma_url:
        pytest.skip("the load test runs once, on the embedded store")
    with running_app(sample_settings, embedder, tmp_path) as app:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=SESSIONS) as pool:
            results = list(pool.map(lambda n: _session(app, n), range(SESSIONS)))
        wall = time.perf_counter() - started
    latencies = sorted(x for result, _ in results for x in result)
    problems = [p for _, found in results for p in found]
    p95 = latencies[int(0.95 * (len(latencies) - 1))] * 1000
    with capsys.disabled():
        print(
            f"\nload: {len(latencies)} messages in {wall:.1f} s from {SESSIONS} sessions; "
            f"p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {p95:.0f} ms"
        )
    assert len(latencies) == SESSIONS * MESSAGES
    assert not problems, problems[:5]
