"""Shared fixtures, and a guard that fails any connection that leaves this machine."""

from __future__ import annotations

import ipaddress
import os
import sys
import uuid
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


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """One real `chroma run` server for the session, on a free 127.0.0.1 port."""
    from tests.chroma_server import ChromaServer

    root = tmp_path_factory.mktemp("chroma-server")
    server = ChromaServer(root / "data", root / "chroma.log").start()
    yield server
    server.stop()


def _backend(request) -> dict[str, str]:
    """Settings overrides for the store under test: embedded, or a collection of its own on
    the shared server."""
    if request.param == "embedded":
        return {}
    server = request.getfixturevalue("chroma_server")
    return {"store_url": server.url, "collection": f"t-{uuid.uuid4().hex[:12]}"}


# Store, ingest and ask tests run against both the embedded store and a `chroma run` server.
BACKENDS = ["embedded", "server"]


@pytest.fixture(params=BACKENDS)
def store_backend(request) -> dict[str, str]:
    return _backend(request)


@pytest.fixture
def make_bot(tmp_path, embedder, store_backend):
    """A NewsBot on a fresh store (in tmp_path, or on the server), sharing the embedder."""
    from bot import NewsBot

    def make(name: str = "store", **overrides):
        extra = dict(store_backend)
        if extra and name != "store":
            extra["collection"] += f"-{name}"
        return NewsBot(store=tmp_path / name, embedder=embedder, **extra, **overrides)

    return make


def _examples(tmp_path_factory, embedder, **overrides):
    from bot import NewsBot

    bot = NewsBot(store=tmp_path_factory.mktemp("examples") / "store", embedder=embedder,
                  **overrides)
    report = bot.ingest([EXAMPLES])
    assert report.failed == 0, report.failures
    return bot


@pytest.fixture(scope="session")
def examples_bot(tmp_path_factory, embedder):
    return _examples(tmp_path_factory, embedder)


@pytest.fixture(scope="session")
def examples_server_bot(tmp_path_factory, embedder, chroma_server):
    """The examples in a collection on the `chroma run` server."""
    return _examples(tmp_path_factory, embedder, store_url=chroma_server.url,
                     collection="examples")


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


# Discord: a client on real discord.py objects with HTTP recorded (tests/discord_harness.py)
class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_discord(monkeypatch, clock):
    from bot.discord_app import DiscordConfig
    from tests.discord_harness import ready_client

    async def make(newsbot, delta_stream=None, **config):
        cfg = DiscordConfig(**{"ingest_role": "news-editor", **config})
        door_options = {"clock": clock}
        if delta_stream is not None:
            door_options["delta_stream"] = delta_stream
        return await ready_client(newsbot, cfg, door_options, monkeypatch)

    return make


# The fast tier (`make check` runs `pytest -m fast`): tests marked `fast` where they stand,
# and these modules of plain logic whole. Nothing in it may load the real model or Chroma:
# the in-memory store and tests/hashed_embedder.py stand in where those are not under test.
FAST_MODULES = {"test_discord_parts", "test_excerpts", "test_feeds", "test_readers",
                "test_settings", "test_timewindow"}
_HEAVY_FIXTURES = {"embedder", "chroma_server", "store_backend", "make_bot", "examples_bot",
                   "examples_server_bot", "seed_bot"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = getattr(item, "module", None)
        if module is not None and module.__name__.rsplit(".", 1)[-1] in FAST_MODULES:
            item.add_marker(pytest.mark.fast)
        heavy = _HEAVY_FIXTURES & set(getattr(item, "fixturenames", ()))
        if heavy and item.get_closest_marker("fast"):
            raise pytest.UsageError(f"{item.nodeid} is marked fast but uses {sorted(heavy)}: "
                                    "the fast tier runs without MiniLM and Chroma")
