"""The whole bot on the in-memory store with the hashed test embedder: ingest, ask with a
cited answer, re-ingest, delete, and a torn article repaired, in about a second. The fast
tier's end-to-end check; the real MiniLM and Chroma versions of these are the rest of the
suite."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import NewsBot
from ingest.article import Article
from ingest.chunking import chunk_article
from retrieval.memory_store import MemoryStore
from tests.conftest import EXAMPLES
from tests.hashed_embedder import HashedEmbedder
from tests.test_answers import body_of

pytestmark = pytest.mark.fast

QUESTION = "When did the ceasefire collapse?"


@pytest.fixture
def bot(tmp_path, monkeypatch) -> NewsBot:
    monkeypatch.setenv("NEWSBOT_STORE_KIND", "memory")  # chosen through Settings, as users do
    return NewsBot(store=tmp_path / "store", embedder=HashedEmbedder())


def test_memory_store_is_chosen_from_settings_and_leaves_no_files(bot, tmp_path):
    assert isinstance(bot.components.store, MemoryStore)
    assert bot.settings.store_kind == "memory"
    report = bot.ingest([EXAMPLES])
    assert report.added == 6 and report.failed == 0
    bot.ask(QUESTION, "2020-10-22")
    assert not (tmp_path / "store").exists()  # not even a BM25 cache


def test_ingest_ask_reingest_delete(bot):
    assert bot.ingest([EXAMPLES]).added == 6
    a = bot.ask(QUESTION, "2020-10-22")
    assert not a.abstained and a.short_answer == "Monday 12 October 2020"
    c = a.citations[0]
    assert body_of(bot, c.article_id)[c.start : c.end] == c.quote
    assert "collapsed on Monday" in c.quote

    again = bot.ingest([EXAMPLES])
    assert (again.added, again.unchanged, again.chunks_written) == (0, 6, 0)

    assert bot.delete(c.article_id) > 0
    after = bot.ask(QUESTION, "2020-10-22")
    assert all(x.article_id != c.article_id for x in after.citations)


def test_a_torn_article_is_hidden_then_repaired_by_the_next_ingest(bot):
    article = Article(
        title="Orchard report", source="Orchard Weekly", doc_key="test:orchard",
        published_at=datetime(2020, 10, 12, 9, 30, tzinfo=UTC),
        body=" ".join(f"Grower {j} of the valley orchard picked {j + 40} crates of pears on "
                      f"day {j}." for j in range(40)))
    s = bot.settings
    chunks = chunk_article(article, s.chunk_chars, s.chunk_overlap)
    assert len(chunks) >= 3
    store, embedder = bot.components.store, bot.components.embedder
    torn = chunks[:2]  # a crash after the first write of this article
    store.add_chunks(torn, embedder.embed([c.embedding_text() for c in torn]))
    assert not store.has_article(article.id)
    hits = bot.search("How many crates of pears did grower 7 pick?", k=5)
    assert all(h.chunk.article_id != article.id for h in hits)

    report = bot.ingest_articles([article])
    assert report.added == 1 and report.chunks_written == len(chunks)
    assert store.has_article(article.id)
    assert sorted(c.id for c in store.iter_chunks()) == sorted(c.id for c in chunks)
    hits = bot.search("How many crates of pears did grower 7 pick?", k=5)
    assert hits and hits[0].chunk.article_id == article.id


def test_store_kind_reads_from_the_config_file_and_rejects_unknown_kinds(tmp_path):
    from pydantic import ValidationError

    from bot.composition import bm25_dir, build_store
    from bot.settings import Settings

    config = tmp_path / "newsbot.toml"
    config.write_text('[store]\nkind = "memory"\n')
    s = Settings.load(config, store=tmp_path / "store")
    assert s.store_kind == "memory" and bm25_dir(s) is None
    assert isinstance(build_store(s, HashedEmbedder()), MemoryStore)
    assert Settings().store_kind == "chroma"  # the default is unchanged
    with pytest.raises(ValidationError):
        Settings.load(store_kind="sqlite")
