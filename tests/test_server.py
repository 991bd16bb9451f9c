"""The store behind a real `chroma run` server: a server that is down, or goes down in
the middle of an ingest, is a clear StoreUnavailable error, and the ingest resumes after."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from bot import NewsBot
from bot.cli import app
from ingest.article import Article
from retrieval.store import ChromaStore, StoreUnavailable
from tests.chroma_server import ChromaServer, free_port


def test_server_down_at_open_is_a_clear_error():
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(StoreUnavailable, match=f"cannot open Chroma store at {url}"):
        ChromaStore(url=url)


def test_cli_with_server_down_prints_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSBOT_CHROMA_URL", f"http://127.0.0.1:{free_port()}")
    res = CliRunner().invoke(app, ["stats", "--store", str(tmp_path / "s")])
    assert res.exit_code == 2
    assert "cannot open the archive" in res.output and "Traceback" not in res.output


def news(n: int) -> list[Article]:
    return [
        Article(title=f"Council vote {i}", body=(
            f"The council of district {i} voted on the new budget on Tuesday. "
            f"Item {i} passed with {i + 20} votes after a long debate about road repairs. ") * 6,
            source="Server Times", doc_key=f"test:server/{i}")
        for i in range(n)
    ]


@pytest.mark.slow
def test_server_stopped_mid_ingest_then_resumed(tmp_path, embedder):
    server = ChromaServer(tmp_path / "data", tmp_path / "chroma.log").start()
    try:
        articles = news(24)
        stopped = threading.Event()

        def stop_halfway() -> Iterator[Article]:
            for i, a in enumerate(articles):
                if i == 12:
                    # Reading runs ahead of writing: wait until some articles are stored,
                    # then the server goes away under the running ingest.
                    deadline = time.monotonic() + 60
                    while bot.components.store.count_chunks() == 0:
                        assert time.monotonic() < deadline
                        time.sleep(0.05)
                    server.stop()
                    stopped.set()
                yield a

        bot = NewsBot(store=tmp_path / "bm25", embedder=embedder, store_url=server.url)
        bot.components.indexer.batch_chunks = 8
        bot.components.indexer.lookup_articles = 4
        with pytest.raises(StoreUnavailable, match="unreachable"):
            bot.ingest_articles(stop_halfway())

        assert stopped.wait(30)  # the reader thread has finished stopping it
        server.start()  # same path, same port
        bot = NewsBot(store=tmp_path / "bm25", embedder=embedder, store_url=server.url)
        before = len(bot.components.store.articles())
        assert 0 < before < 24
        report = bot.ingest_articles(articles)
        assert report.added == 24 - before and report.unchanged == before
        records = bot.components.store.articles()
        assert len(records) == 24 and all(r.complete for r in records)
        assert bot.ask("How many votes did item 7 pass with?").citations
    finally:
        server.stop()
