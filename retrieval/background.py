"""Start-up work done on a thread while the process gets on with the rest.

A cold `newsbot ask` waits on work that runs in native code and releases the GIL (building
the ONNX session, Chroma reading its segments, numpy reading files) while the interpreter
is busy importing modules: doing the first on a thread hides it behind the second.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Background(Generic[T]):
    """``work()`` running on its own thread; ``result()`` waits for it and returns its value
    or raises its exception, in the caller's thread."""

    def __init__(self, work: Callable[[], T], name: str) -> None:
        self._work = work
        self._value: T | None = None
        self._error: BaseException | None = None
        # Not a daemon: a process that exits before the work is done waits for it rather
        # than tearing the interpreter down under native code still running.
        self._thread = threading.Thread(target=self._run, name=name)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._work()
        except BaseException as exc:  # handed to whoever asks for the result
            self._error = exc

    def done(self) -> bool:
        return not self._thread.is_alive()

    def result(self) -> T:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]
