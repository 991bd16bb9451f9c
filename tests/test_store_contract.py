"""The Store contract (tests/store_contract.py) run against every backend: the in-memory
store (fast tier), embedded Chroma and a `chroma run` server."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import chromadb.api.models.Collection
import chromadb.errors
import pytest

from retrieval.memory_store import MemoryStore
from retrieval.store import ChromaStore
from retrieval.types import Store
from tests.chroma_server import ChromaServer, free_port
from tests.store_contract import StoreContract

# What chromadb raised on a full tmpfs (tests/test_faults.py has the real full disk).
DISK_FULL = ("Query error: Database error: error returned from database: (code: 13) "
             "database or disk is full")


@contextlib.contextmanager
def chroma_disk_full(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every Chroma write raises what chromadb raises on a full disk; faked at chromadb's
    public Collection API, the edge of what the store owns."""
    def full(self: object, *args: object, **kwargs: object) -> None:
        raise chromadb.errors.InternalError(DISK_FULL)

    with monkeypatch.context() as m:
        m.setattr(chromadb.api.models.Collection.Collection, "upsert", full)
        m.setattr(chromadb.api.models.Collection.Collection, "add", full)
        yield


class TestMemoryStore(StoreContract):
    pytestmark = pytest.mark.fast

    @pytest.fixture
    def store(self) -> Store:
        return MemoryStore("contract")

    @contextlib.contextmanager
    def full_disk(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        assert isinstance(store, MemoryStore)
        store.max_chunks = store.count_chunks()
        try:
            yield
        finally:
            store.max_chunks = None


class TestEmbeddedChroma(StoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Store:
        return ChromaStore(path=tmp_path / "store", collection="contract")

    @contextlib.contextmanager
    def full_disk(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        with chroma_disk_full(monkeypatch):
            yield

    def open_unreachable(self, tmp_path: Path) -> Store:
        (tmp_path / "not-a-directory").write_text("a file where the store should be")
        return ChromaStore(path=tmp_path / "not-a-directory")


class TestServerChroma(StoreContract):
    @pytest.fixture
    def store(self, chroma_server: ChromaServer) -> Store:
        return ChromaStore(url=chroma_server.url, collection=f"c-{uuid.uuid4().hex[:12]}")

    @contextlib.contextmanager
    def full_disk(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        with chroma_disk_full(monkeypatch):
            yield

    def open_unreachable(self, tmp_path: Path) -> Store:
        return ChromaStore(url=f"http://127.0.0.1:{free_port()}")

    @contextlib.contextmanager
    def lost_store(self, tmp_path: Path) -> Iterator[tuple[Store, Callable[[], None]]]:
        server = ChromaServer(tmp_path / "data", tmp_path / "chroma.log").start()
        try:
            yield ChromaStore(url=server.url, collection="contract"), server.stop
        finally:
            server.stop()
