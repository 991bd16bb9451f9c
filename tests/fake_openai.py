"""A scripted OpenAI-compatible chat server on 127.0.0.1 (standard library only), so tests
drive the real `openai` client over real HTTP.

Each request takes the next scripted step; a step is a Reply or a function of the request
body returning one. Every request body is recorded for assertions on the prompt."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    text: str | None = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    hang: float = 0.0  # seconds to stall before answering
    raw: bytes | None = None  # a body sent as is (garbage)
    error: str = "scripted failure"
    delay: float = 0.0  # seconds between streamed pieces (a slow model)
    fail_after: int | None = None  # streamed pieces before an error event (fails mid-stream)


Step = Reply | Callable[[dict[str, Any]], Reply]


def text(t: str) -> Reply:
    return Reply(t)


def status(code: int, **headers: str) -> Reply:
    # retry-after-ms keeps the client's backoff short in tests.
    return Reply(None, code, {"retry-after-ms": "20", **headers})


def slow(t: str, delay: float) -> Reply:
    """Streams ``t`` with ``delay`` seconds between its pieces."""
    return Reply(t, delay=delay)


def fails_midway(t: str, after: int, delay: float = 0.0) -> Reply:
    """Streams ``after`` pieces of ``t``, then an error event (the model died mid-answer)."""
    return Reply(t, delay=delay, fail_after=after)


def hang(seconds: float) -> Reply:
    return Reply("too late", hang=seconds)


def user_prompt(body: dict[str, Any]) -> str:
    return next(m["content"] for m in body["messages"] if m["role"] == "user")


def system_prompt(body: dict[str, Any]) -> str:
    return next(m["content"] for m in body["messages"] if m["role"] == "system")


def storm(reply: Reply, n: int) -> list[Step]:
    """The same failure ``n`` times (a 429 storm, a 5xx run): ``script(*storm(...), ok)``."""
    return [reply] * n


class FakeOpenAIServer:
    """``port`` 0 picks a free one; give a port to bring a "down" model back up on it."""

    def __init__(self, port: int = 0, models: tuple[str, ...] = ("test",)) -> None:
        self.models = models
        self.steps: list[Step] = []
        self.requests: list[dict[str, Any]] = []
        self.auth_headers: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # /v1/models: what a health check reads
                if self.path.rstrip("/").endswith("/models"):
                    data = [{"id": m, "object": "model", "owned_by": "test"}
                            for m in server.models]
                    self._write(200, "application/json",
                                json.dumps({"object": "list", "data": data}).encode(), {})
                else:
                    self._write(404, "application/json", b"{}", {})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with server._lock:
                    server.requests.append(body)
                    server.auth_headers.append(self.headers.get("Authorization", ""))
                    step = server.steps.pop(0) if server.steps else Reply(None, 500,
                                                                          error="unscripted")
                reply = step(body) if callable(step) else step
                if reply.hang:
                    server._stop.wait(reply.hang)
                # The client may have given up already (the timeout test).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._send(body, reply)

            def _send(self, body: dict[str, Any], reply: Reply) -> None:
                if reply.raw is not None:
                    self._write(200, "application/json", reply.raw, reply.headers)
                elif reply.status != 200:
                    payload = json.dumps({"error": {"message": reply.error, "type": "test"}})
                    self._write(reply.status, "application/json", payload.encode(),
                                reply.headers)
                elif body.get("stream"):
                    self._stream(body, reply.text or "", reply.delay, reply.fail_after)
                else:
                    payload = {
                        "id": "chatcmpl-test", "object": "chat.completion", "created": 0,
                        "model": body.get("model", "test"),
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": reply.text}}],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1,
                                  "total_tokens": 2},
                    }
                    self._write(200, "application/json", json.dumps(payload).encode(),
                                reply.headers)

            def _write(self, code: int, ctype: str, data: bytes,
                       headers: dict[str, str]) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, body: dict[str, Any], content: str, delay: float = 0.0,
                        fail_after: int | None = None) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                # Small uneven pieces: markers and sentence ends split across deltas.
                pieces = [content[i : i + 7] for i in range(0, len(content), 7)]
                for i, piece in enumerate([*pieces, None]):
                    if fail_after is not None and i >= fail_after:
                        error = {"error": {"message": "model crashed", "type": "server_error"}}
                        self.wfile.write(f"data: {json.dumps(error)}\n\n".encode())
                        self.wfile.flush()
                        self.close_connection = True
                        return
                    if delay and i:
                        server._stop.wait(delay)
                    delta = {"content": piece} if piece is not None else {}
                    chunk = {
                        "id": "chatcmpl-test", "object": "chat.completion.chunk",
                        "created": 0, "model": body.get("model", "test"),
                        "choices": [{"index": 0, "delta": delta,
                                     "finish_reason": None if piece is not None else "stop"}],
                    }
                    if i == 0:
                        chunk["choices"][0]["delta"]["role"] = "assistant"
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def script(self, *steps: Step) -> FakeOpenAIServer:
        with self._lock:
            self.steps.extend(steps)
        return self

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()  # release hanging handlers
        time.sleep(0.01)
        self.httpd.shutdown()
        self.httpd.server_close()


def main(argv: list[str] | None = None) -> None:
    """A child process standing in for llama.cpp's server (the supervisor tests):
    ``python -m tests.fake_openai --port N --alias A [--reply TEXT] [--crash-after N]``.
    Every request gets ``--reply``; with ``--crash-after`` the process exits (code 3) after
    answering that many requests."""
    import argparse
    import os

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--alias", default="test")
    parser.add_argument("--reply", default="I don't know.")
    parser.add_argument("--crash-after", type=int, default=0)
    parser.add_argument("--start-delay", type=float, default=0.0)
    args = parser.parse_args(argv)
    time.sleep(args.start_delay)  # a model still loading: the health check must wait
    answered = 0

    def step(body: dict[str, Any]) -> Reply:
        nonlocal answered
        answered += 1
        if args.crash_after and answered > args.crash_after:
            os._exit(3)
        server.script(step)  # the next request gets the same
        return Reply(args.reply)

    server = FakeOpenAIServer(args.port, models=(args.alias,)).script(step)
    server.httpd.serve_forever()


if __name__ == "__main__":
    main()
