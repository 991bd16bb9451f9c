"""Plumbing that lets reading, embedding and writing overlap, with bounded memory."""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Generic, TypeVar

from ingest.article import Article
from ingest.readers import MAX_FILE_BYTES, ReadFailure, is_streamed, read_path

T = TypeVar("T")
_DONE = object()


def background(items: Iterable[T], depth: int = 4) -> Iterator[T]:
    """Iterate ``items`` in a worker thread, at most ``depth`` items ahead of the consumer.

    Reading and chunking (Python) overlap with embedding (ONNX, which releases the GIL).
    An exception in the worker is re-raised in the consumer.
    """
    q: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(x: object) -> bool:
        while not stop.is_set():
            try:
                q.put(x, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as exc:  # handed to the consumer, which raises it
            put(_Raised(exc))
            return
        put(_DONE)

    t = threading.Thread(target=work, name="newsbot-read", daemon=True)
    t.start()
    try:
        while True:
            x = q.get()
            if x is _DONE:
                return
            if isinstance(x, _Raised):
                raise x.exc
            yield x  # type: ignore[misc]
    finally:
        stop.set()


class _Raised:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def read_files(files: Iterable[Path | ReadFailure], workers: int = 2,
               max_bytes: int = MAX_FILE_BYTES) -> Iterator[Article | ReadFailure]:
    """Articles from many files, parsed ``workers`` at a time (HTML parsing in lxml runs
    outside the GIL), in input order. JSON Lines are streamed as they are, never held whole."""
    window: deque[Future[list[Article | ReadFailure]]] = deque()
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="newsbot-parse"
                            ) as pool:
        for f in files:
            if isinstance(f, ReadFailure) or is_streamed(f):
                while window:
                    yield from window.popleft().result()
                if isinstance(f, ReadFailure):
                    yield f
                else:
                    yield from read_path(f, max_bytes)
                continue
            window.append(pool.submit(_read_whole, f, max_bytes))
            if len(window) > 2 * workers:
                yield from window.popleft().result()
        while window:
            yield from window.popleft().result()


def _read_whole(path: Path, max_bytes: int) -> list[Article | ReadFailure]:
    return list(read_path(path, max_bytes))


class Writer(Generic[T]):
    """Runs store writes one at a time in a thread while the caller embeds the next batch;
    at most ``depth`` batches wait, and a failed write is raised by the next submit/close."""

    def __init__(self, depth: int = 2) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsbot-write")
        self._pending: deque[Future[T]] = deque()
        self._depth = depth

    def submit(self, job: Callable[[], T]) -> None:
        while len(self._pending) >= self._depth:
            self._pending.popleft().result()
        self._pending.append(self._pool.submit(job))

    def close(self) -> None:
        try:
            while self._pending:
                self._pending.popleft().result()
        finally:
            for f in self._pending:
                f.cancel()
            self._pool.shutdown(wait=True)
