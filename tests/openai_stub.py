"""PROTOCOL STAND-IN for an OpenAI-compatible chat server (vLLM, llama.cpp), for tests only.

It is not a model: it answers with fixed or configured text, so tests can check our wire
handling (the prompts we send, how we read a token stream, how we survive a failing server)
without a real server. It speaks just enough of the chat-completions protocol:

- `POST /v1/chat/completions` with `stream: false` (one JSON completion) or `stream: true`
  (Server-Sent Events of `chat.completion.chunk` objects, ending with `data: [DONE]`);
- `GET /v1/models`.

It listens on 127.0.0.1 only, on a free port, in a background thread. Failures to simulate:
`fail_with_status` (an HTTP error reply), `break_after_chunks` (the connection is dropped
mid-stream, without [DONE] or the end of the chunked body) and `delay_s` (a slow server).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = str | Callable[[dict[str, Any]], str]


def echo_excerpts(body: dict[str, Any]) -> str:
    """Cites the excerpt numbers the last message carried, so tests can see what was sent."""
    last = body["messages"][-1]["content"]
    numbers = re.findall(r"^\[(\d+)\]", last, flags=re.MULTILINE)
    cites = "".join(f" [{n}]" for n in numbers)
    return f"According to the page, it takes about 1 to 2 hours{cites}."


@dataclass
class OpenAIStub:
    """Options can be changed while the server runs; `requests` holds every body received."""

    reply: Reply = echo_excerpts
    fail_with_status: int | None = None
    break_after_chunks: int | None = None
    delay_s: float = 0.0
    model: str = "stub-model"
    requests: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def reply_to(self, body: dict[str, Any]) -> str:
        return self.reply(body) if callable(self.reply) else self.reply


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # chunked streaming, like real servers
    server: _StubServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests' output is not the place for an access log."""

    def do_GET(self) -> None:
        if self.path.rstrip("/") != "/v1/models":
            self._send_json(404, {"error": {"message": f"no route {self.path}"}})
            return
        model = {"id": self.server.stub.model, "object": "model", "owned_by": "stub"}
        self._send_json(200, {"object": "list", "data": [model]})

    def do_POST(self) -> None:
        stub = self.server.stub
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._send_json(404, {"error": {"message": f"no route {self.path}"}})
            return
        stub.requests.append(body)
        if stub.delay_s and stub.stopping.wait(stub.delay_s):
            return
        if stub.fail_with_status:
            error = {"message": "simulated failure", "type": "server_error"}
            self._send_json(stub.fail_with_status, {"error": error})
            return
        text = stub.reply_to(body)
        if body.get("stream"):
            self._send_stream(text)
        else:
            self._send_json(200, _completion(stub.model, text))

    def _send_json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_stream(self, text: str) -> None:
        stub = self.server.stub
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self._send_event(_chunk(stub.model, {"role": "assistant", "content": ""}))
        for sent, piece in enumerate(re.findall(r"\S+\s*", text)):
            if sent == stub.break_after_chunks:
                self.close_connection = True  # no [DONE], no end of the chunked body
                return
            self._send_event(_chunk(stub.model, {"content": piece}))
        self._send_event(_chunk(stub.model, {}, finish_reason="stop"))
        self._send_event("[DONE]")
        self._write_chunk(b"")

    def _send_event(self, data: dict[str, Any] | str) -> None:
        payload = data if isinstance(data, str) else json.dumps(data)
        self._write_chunk(f"data: {payload}\n\n".encode())

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


class _StubServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, stub: OpenAIStub) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stub = stub

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up on a slow or broken reply is what the tests are about."""


def _completion(model: str, text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def _chunk(model: str, delta: dict[str, str], finish_reason: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


@contextmanager
def running_stub(**options: Any) -> Iterator[OpenAIStub]:
    """Serve an `OpenAIStub(**options)` for the block; afterwards its port refuses connections."""
    stub = OpenAIStub(**options)
    server = _StubServer(stub)
    stub.port = server.server_address[1]
    # A short poll interval: shutdown() waits for the next poll, once per test.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        stub.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join()
