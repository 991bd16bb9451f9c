"""Importing and opening chromadb without the `overrides` package's import-time checks.

chromadb marks ~160 methods ``@override``. As each class body runs, the `overrides` package
disassembles the defining frame's bytecode to find the base classes and compares each
method's signature with the one it overrides: a lint of chromadb's own code (its test suite
runs it), costing ~0.3 s of CPU in every process that opens a store, a fifth of a cold
`newsbot ask` before this. While chromadb loads here, the decorator only marks the method
(``__override__``, which `EnforceOverrides` classes look for), as the passing check would
have left it; the check is back in force afterwards for any other code.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

_lock = threading.Lock()


def _mark_only(method: Callable[..., Any], check_signature: bool = True,
               check_at_runtime: bool = False) -> Callable[..., Any]:
    method.__override__ = True  # type: ignore[attr-defined]
    return method


@contextlib.contextmanager
def unchecked_overrides() -> Iterator[None]:
    """Within this block, ``@override`` marks methods without checking them."""
    with _lock:  # one patcher at a time, so the real check is always what gets restored
        try:
            module = importlib.import_module("overrides.overrides")
        except ImportError:  # a chromadb that no longer uses it
            yield
            return
        real = getattr(module, "_overrides", None)
        if not callable(real):  # another `overrides` layout: leave it alone
            yield
            return
        setattr(module, "_overrides", _mark_only)  # noqa: B010 (a private name mypy lacks)
        try:
            yield
        finally:
            setattr(module, "_overrides", real)  # noqa: B010
