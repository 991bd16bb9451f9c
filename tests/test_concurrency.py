"""Questions and ingests at the same time on one NewsBot: the BM25 index is rebuilt under
running searches and must never mix two versions of itself, nor forget a change that
lands while it is being rebuilt; the shared vector cache gives every thread the
embedder's own vectors."""

from __future__ import annotations

import threading
from collections.abc import Iterable

import bm25s
import numpy as np

from bot import NewsBot
from ingest.article import Article
from retrieval.embedcache import CachedEmbedder
from retrieval.types import Chunk


def article(word: str, n: int = 0) -> Article:
    return Article(title=f"{word.title()} report {n}",
                   body=f"The {word} festival drew {100 + n} visitors on Sunday. " * 3,
                   source="Test Gazette", doc_key=f"test:{word}/{n}")


def test_a_change_during_a_rebuild_is_not_lost(tmp_path, embedder):
    bot = NewsBot(store=tmp_path / "store", embedder=embedder)
    bot.ingest_articles([article("lantern")])
    bm25, store = bot.components.bm25, bot.components.store
    real_iter = store.iter_chunks
    listed, go = threading.Event(), threading.Event()

    def slow_iter(batch: int = 2000) -> Iterable[Chunk]:
        chunks = list(real_iter(batch))  # the rebuild has read the store...
        listed.set()
        assert go.wait(30)  # ...and is still indexing when the next article lands
        return chunks

    store.iter_chunks = slow_iter  # type: ignore[method-assign]
    bm25.invalidate()
    rebuild = threading.Thread(target=bm25.search, args=("lantern", 5))
    rebuild.start()
    assert listed.wait(30)
    store.iter_chunks = real_iter  # type: ignore[method-assign]
    bot.ingest_articles([article("kite")])  # stored, and the index told it is stale
    go.set()
    rebuild.join(30)
    found = bm25.search("kite festival", 5)
    assert found and found[0][0].title == "Kite report 0"


def test_a_search_running_across_a_rebuild_keeps_its_own_index(tmp_path, embedder,
                                                               monkeypatch):
    bot = NewsBot(store=tmp_path / "store", embedder=embedder)
    words = ["lantern", "kite", "harbour", "violin"]
    report = bot.ingest_articles([article(w) for w in words])
    bm25 = bot.components.bm25
    bm25.ensure()
    inside, go = threading.Event(), threading.Event()
    real_retrieve = bm25s.BM25.retrieve

    def paused_retrieve(self, *args, **kwargs):
        out = real_retrieve(self, *args, **kwargs)
        if threading.current_thread().name == "searcher":
            inside.set()
            assert go.wait(30)  # hit positions taken; the chunks not yet looked up
        return out

    monkeypatch.setattr(bm25s.BM25, "retrieve", paused_retrieve)
    hits: list[tuple[Chunk, float]] = []
    searcher = threading.Thread(target=lambda: hits.extend(bm25.search("violin", 2)),
                                name="searcher")
    searcher.start()
    assert inside.wait(30)
    # Deleting the first stored article shifts every position in the rebuilt index.
    first = next(iter(bot.components.store.iter_chunks())).article_id
    assert first in report.article_ids and bot.delete(first)
    bm25.ensure()
    go.set()
    searcher.join(30)
    assert hits and all("violin" in c.text for c, _ in hits)


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.texts: list[str] = []
        self._lock = threading.Lock()

    def embed(self, texts):
        with self._lock:
            self.texts.extend(texts)
        return self.inner.embed(texts)


def test_cached_vectors_are_the_embedders_own_and_shared_across_threads(embedder):
    counting = CountingEmbedder(embedder)
    cached = CachedEmbedder(counting, size=6)
    texts = [f"The {w} festival drew a crowd on Sunday." for w in
             ("lantern", "kite", "harbour", "violin", "drum")]
    direct = embedder.embed(texts)
    assert np.array_equal(cached.embed(texts), direct)
    assert np.array_equal(cached.embed(texts[::-1]), direct[::-1])  # all from the cache
    assert counting.texts == texts

    results: list[np.ndarray] = []

    def ask() -> None:
        for _ in range(20):
            results.append(cached.embed([texts[1], "a new question?", texts[3]]))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    fresh = embedder.embed([texts[1], "a new question?", texts[3]])
    assert len(results) == 80 and all(np.array_equal(r, fresh) for r in results)
    assert len(cached) == 6  # bounded: the oldest text went
    # Least recently used: "drum" (the reversed pass touched it first), then "harbour".
    cached.embed(["one more", "and another"])
    assert len(cached) == 6 and counting.texts.count(texts[4]) == 1
    cached.embed([texts[4], texts[0]])  # drum was evicted, so embedded again; lantern kept
    assert counting.texts.count(texts[4]) == 2 and counting.texts.count(texts[0]) == 1
