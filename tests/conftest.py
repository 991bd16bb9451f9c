"""Shared fixtures, and a guard that fails any connection that leaves this machine."""

from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "articles"
SHARED = Path(os.environ.get("NEWSBOT_SHARED", REPO.parent / "shared"))
SEED_DIR = SHARED / "seed"
SEED_FILE = SEED_DIR / "000_5de2810223cfa222.txt"

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _is_loopback(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if not isinstance(host, str):
        return True  # AF_UNIX paths and the like
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _network_guard(event: str, args: tuple[object, ...]) -> None:
    # A hidden model download or telemetry ping must fail the test, not pass quietly.
    if event == "socket.getaddrinfo":
        if not _is_loopback(args[0]):
            raise ConnectionRefusedError(f"test tried to resolve non-local host {args[0]!r}")
    elif event == "socket.connect":
        addr = args[1]
        if isinstance(addr, tuple) and addr and not _is_loopback(addr[0]):
            raise ConnectionRefusedError(f"test tried to connect to {addr!r}")


if not getattr(sys, "_newsbot_guard", False):
    sys.addaudithook(_network_guard)
    sys._newsbot_guard = True  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def embedder():
    from retrieval.embeddings import MiniLMEmbedder

    return MiniLMEmbedder()


@pytest.fixture
def make_bot(tmp_path, embedder):
    """A NewsBot on a fresh store in tmp_path, sharing the loaded embedding model."""
    from bot import NewsBot

    def make(name: str = "store", **overrides):
        return NewsBot(store=tmp_path / name, embedder=embedder, **overrides)

    return make


@pytest.fixture(scope="session")
def examples_bot(tmp_path_factory, embedder):
    from bot import NewsBot

    bot = NewsBot(store=tmp_path_factory.mktemp("examples") / "store", embedder=embedder)
    report = bot.ingest([EXAMPLES])
    assert report.failed == 0, report.failures
    return bot


@pytest.fixture(scope="session")
def seed_bot(tmp_path_factory, embedder):
    if not SEED_FILE.exists():
        pytest.skip(f"seed article not found at {SEED_FILE} (set NEWSBOT_SHARED)")
    from bot import NewsBot

    bot = NewsBot(store=tmp_path_factory.mktemp("seed") / "store", embedder=embedder)
    bot.ingest([SEED_FILE])
    return bot



@pytest.fixture
def fake_llm():
    """A scripted OpenAI-compatible server on 127.0.0.1 (see tests/fake_openai.py)."""
    from tests.fake_openai import FakeOpenAIServer

    with FakeOpenAIServer() as server:
        yield server
