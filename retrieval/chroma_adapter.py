"""Every use of chromadb's private state, in one place.

chromadb is pinned (``chromadb==1.5.9`` in pyproject.toml) because the two workarounds below
reach into code chromadb does not promise to keep: a patch release may rename or drop what
they touch. Each one has a test in tests/test_chroma_adapter.py that fails, naming the
missing piece, if the installed chromadb (or the `overrides` package it pulls) no longer
has it; bump the pin only with those tests green. At run time a workaround whose target is
gone degrades to chromadb's own behaviour (slower import, or no eviction) rather than
crashing a user's ``newsbot ask``.

1. ``override_checks_off``: importing and opening chromadb without the `overrides` package's
   import-time checks. chromadb marks ~160 methods ``@override``. As each class body runs,
   `overrides` disassembles the defining frame's bytecode to find the base classes and
   compares each method's signature with the one it overrides: a lint of chromadb's own code
   (its test suite runs it), costing ~0.3 s of CPU in every process that opens a store, a
   fifth of a cold `newsbot ask` before this. While chromadb loads here, the decorator only
   marks the method (``__override__``, which `EnforceOverrides` classes look for), as the
   passing check would have left it; the check is back in force afterwards for other code.

2. ``evict_system``: chromadb caches one `System` per persist path in class-level dicts of
   `SharedSystemClient`, and hands it to every new client of that path. After a write failed
   on a full disk, Chroma 1.5's embedded backend hangs on every later write (reads still
   work), so reopening the store must build a fresh system: the cached one is stopped and
   removed from the cache.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

# The chromadb versions tests/test_chroma_adapter.py has run against.
TESTED_CHROMADB = ("1.5.9",)

# What each workaround touches: (module, attribute).
OVERRIDES_HOOK = ("overrides.overrides", "_overrides")
SYSTEM_CACHE = ("chromadb.api.shared_system_client", "SharedSystemClient")
SYSTEM_CACHE_DICTS = ("_identifier_to_system", "_identifier_to_refcount")
CLIENT_IDENTIFIER = "_identifier"

_lock = threading.Lock()


class ChromaInternalsChanged(RuntimeError):
    """What a workaround touches is no longer in the installed chromadb."""


def _mark_only(method: Callable[..., Any], check_signature: bool = True,
               check_at_runtime: bool = False) -> Callable[..., Any]:
    method.__override__ = True  # type: ignore[attr-defined]
    return method


def overrides_hook() -> tuple[Any, Callable[..., Any]]:
    """The module and the function ``@override`` delegates its check to; raises
    ChromaInternalsChanged if `overrides` is gone or laid out otherwise."""
    module_name, attr = OVERRIDES_HOOK
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ChromaInternalsChanged(
            f"{module_name} no longer imports ({exc}): chromadb may have dropped the "
            "`overrides` package; override_checks_off() is then not needed") from exc
    real = getattr(module, attr, None)
    if not callable(real):
        raise ChromaInternalsChanged(
            f"{module_name}.{attr} is gone or not callable: the `overrides` package changed "
            "how @override checks; override_checks_off() no longer skips the check")
    return module, real


@contextlib.contextmanager
def override_checks_off() -> Iterator[None]:
    """Within this block, ``@override`` marks methods without checking them."""
    with _lock:  # one patcher at a time, so the real check is always what gets restored
        try:
            module, real = overrides_hook()
        except ChromaInternalsChanged:  # slower import, same behaviour
            yield
            return
        _, attr = OVERRIDES_HOOK
        setattr(module, attr, _mark_only)
        try:
            yield
        finally:
            setattr(module, attr, real)


def system_cache() -> tuple[dict[str, Any], dict[str, int]]:
    """chromadb's per-path caches of systems and their client counts; raises
    ChromaInternalsChanged if they are gone."""
    module_name, cls_name = SYSTEM_CACHE
    try:
        cls = getattr(importlib.import_module(module_name), cls_name)
    except (ImportError, AttributeError) as exc:
        raise ChromaInternalsChanged(
            f"{module_name}.{cls_name} is gone ({exc}): evict_system() cannot drop a "
            "wedged embedded Chroma") from exc
    systems, refcounts = (getattr(cls, name, None) for name in SYSTEM_CACHE_DICTS)
    if not isinstance(systems, dict) or not isinstance(refcounts, dict):
        missing = [n for n, d in zip(SYSTEM_CACHE_DICTS, (systems, refcounts), strict=True)
                   if not isinstance(d, dict)]
        raise ChromaInternalsChanged(
            f"{cls_name} no longer has the dicts {missing}: chromadb changed how it caches "
            "one system per path; evict_system() cannot drop a wedged embedded Chroma")
    return systems, refcounts


def client_identifier(client: object) -> str:
    """The cache key chromadb filed ``client``'s system under."""
    identifier = getattr(client, CLIENT_IDENTIFIER, None)
    if not isinstance(identifier, str):
        raise ChromaInternalsChanged(
            f"{type(client).__name__}.{CLIENT_IDENTIFIER} is gone: chromadb no longer "
            "records which cached system a client uses")
    return identifier


def evict_system(client: object) -> bool:
    """Stop the system behind an embedded ``client`` and drop it from chromadb's cache, so
    the next client for that path builds a fresh one. False if chromadb's internals moved
    (nothing is evicted; the caller's reopen then gets the cached system back)."""
    try:
        systems, refcounts = system_cache()
        identifier = client_identifier(client)
    except ChromaInternalsChanged:
        return False
    # Stopped even if other clients share it: a wedged system is no use to them either,
    # and a live one beside the fresh one would hold SQLite's write lock.
    system = systems.pop(identifier, None)
    refcounts.pop(identifier, None)
    if system is not None:
        with contextlib.suppress(Exception):
            system.stop()
    return True
