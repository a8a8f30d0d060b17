"""Start-up time and peak memory of the assistant over an ingested store, in fresh processes.

Two measurements, each in a process of its own so the start-up and the peak RSS are real:
- `Assistant` construction + first answer (`python -m benchmarks.startup_bench STORE Q`):
  import, construct (loads records, BM25, manifest), warm-up (imports sentence-transformers,
  loads the model), first answer; the child reports its own peak RSS.
- the web app (`python app.py --store STORE --port P`): time until HTTP answers, then until
  the first answer arrives through `gradio_client`; peak RSS is read from /proc (VmHWM) just
  before the app is stopped.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from assistant.settings import PROJECT_ROOT
from benchmarks.measure import peak_rss_mb, proc_peak_rss_mb

QUESTION = "how long does a diagnostic colonoscopy take"
APP_TIMEOUT_S = 600


def child(store: str, question: str) -> dict[str, Any]:
    """Runs in the fresh process: each step of getting to a first answer, timed."""
    started = time.perf_counter()
    from assistant.service import Assistant
    from assistant.settings import Settings

    imported = time.perf_counter()
    assistant = Assistant(Settings(store_dir=Path(store)))
    constructed = time.perf_counter()
    assistant.warm_up()
    warm = time.perf_counter()
    answer = assistant.new_conversation().ask(question)
    answered = time.perf_counter()
    return {
        "import_s": round(imported - started, 3),
        "construct_s": round(constructed - imported, 3),
        "warm_up_s": round(warm - constructed, 3),
        "first_answer_s": round(answered - warm, 3),
        "in_process_total_s": round(answered - started, 3),
        "outcome": answer.outcome.value,
        "chunks": len(assistant.corpus.chunks),
        "peak_rss_mb": peak_rss_mb(),
    }


def measure_assistant(store: Path, question: str = QUESTION) -> dict[str, Any]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.startup_bench", str(store), question],
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return {**data, "process_wall_s": round(wall, 3)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure_app(store: Path, log: Path, question: str = QUESTION) -> dict[str, Any]:
    """Start app.py, wait for HTTP, ask one question through gradio_client, stop it."""
    from gradio_client import Client  # after assistant.settings: offline, no telemetry

    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as out:
        started = time.perf_counter()
        app = subprocess.Popen(
            [sys.executable, "app.py", "--store", str(store), "--port", str(port)],
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            ready = _wait_http(url, app, started)
            client = Client(url, verbose=False)
            reply = client.predict(question, [], api_name="/chat")
            answered = time.perf_counter() - started
            peak = proc_peak_rss_mb(app.pid)
        finally:
            app.send_signal(signal.SIGTERM)
            try:
                app.wait(timeout=30)
            except subprocess.TimeoutExpired:
                app.kill()
    return {
        "http_ready_s": round(ready, 3),
        "first_answer_s": round(answered, 3),
        "reply_chars": len(json.dumps(reply)),
        "peak_rss_mb": peak,
    }


def _wait_http(url: str, app: subprocess.Popen, started: float) -> float:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except OSError:
            pass
        if app.poll() is not None:
            raise RuntimeError(f"app.py exited with {app.returncode} before answering HTTP")
        if time.perf_counter() - started > APP_TIMEOUT_S:
            raise RuntimeError(f"app.py did not answer HTTP within {APP_TIMEOUT_S} s")
        time.sleep(0.2)


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    print(json.dumps(child(sys.argv[1], sys.argv[2])))
