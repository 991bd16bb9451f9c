"""What a cold start relies on: the BM25 chunk table in columns (exact round trip, lookups,
filters, its format version), the saved index loaded on a thread, the embedding session
loaded on a thread. (chromadb imported without the `overrides` checks: test_chroma_adapter.)"""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from bot import NewsBot
from bot.composition import bm25_dir
from ingest.article import Article
from retrieval.background import Background
from retrieval.chunktable import ChunkTable, table_order
from retrieval.lexical import BM25Index
from retrieval.types import Chunk, SearchFilters

DAY = datetime(2024, 3, 6, 14, 30, tzinfo=UTC)


def chunk(article: str, index: int, text: str, **meta: Any) -> Chunk:
    return Chunk(article_id=article, index=index, text=text, start=index * 100,
                 end=index * 100 + len(text), **meta)


def sample() -> list[Chunk]:
    return table_order([
        chunk("a-2", 1, "naïve café, 東京, 🚢, lone \ud800 surrogate", title="Ferry",
              source="Gazette", url="https://example.org/ferry", published_at=DAY,
              doc_key="file:x#1", count=2),
        chunk("a-2", 0, "The Skarvik ferry was cancelled.", title="Ferry", source="Gazette",
              url="https://example.org/ferry", published_at=DAY, doc_key="file:x#1", count=2),
        chunk("a-1", 0, "Undated, from an older store (no chunk count).", title="Old"),
        chunk("a-4", 0, "CNN — Ford is pulling the plug.", title="Ford is pulling the plug",
              title_derived=True, count=1),
        # Same article id, other metadata (a store can hold that): kept as it is, not merged.
        chunk("a-3", 0, "", title="Tram", source="Wire",
              published_at=DAY + timedelta(days=2, microseconds=7)),
        chunk("a-3", 5, "A later chunk, after a gap.", title="Tram (updated)", source="Wire",
              published_at=DAY + timedelta(days=2)),
    ])


def test_the_chunk_table_round_trips_every_field(tmp_path):
    chunks = sample()
    table = ChunkTable.of(chunks)
    assert list(table) == chunks
    table.save(tmp_path / "table")
    loaded = ChunkTable.load(tmp_path / "table")
    assert len(loaded) == len(chunks)
    assert [loaded[i] for i in range(len(chunks))] == chunks
    for i, c in enumerate(chunks):
        assert loaded.row(c.id) == i
    for missing in ("a-3:1", "a-3:6", "a-9:0", "a-2", "a-2:x", ""):
        assert loaded.row(missing) is None


def test_a_chunk_table_saved_before_derived_titles_loads_them_as_given(tmp_path):
    ChunkTable.of(sample()).save(tmp_path)
    rows = json.loads((tmp_path / "articles.json").read_text())
    (tmp_path / "articles.json").write_text(json.dumps([r[:7] for r in rows]))
    loaded = ChunkTable.load(tmp_path)
    assert [c.title_derived for c in loaded] == [False] * len(sample())
    assert [replace(c, title_derived=False) for c in sample()] == list(loaded)


def test_the_chunk_table_filters_like_the_chunks_it_holds(tmp_path):
    chunks = sample()
    ChunkTable.of(chunks).save(tmp_path)
    table = ChunkTable.load(tmp_path)
    since = DAY + timedelta(days=1)
    by_date = (table.ts >= since.timestamp()).tolist()
    assert by_date == [c.published_at is not None and c.published_at >= since for c in chunks]
    assert table.from_sources(["Wire", "Nobody"]).tolist() == [c.source == "Wire"
                                                               for c in chunks]


def test_the_chunk_table_wants_its_own_order_and_refuses_torn_files(tmp_path):
    with pytest.raises(ValueError, match="table_order"):
        ChunkTable.of(list(reversed(sample())))
    ChunkTable.of(sample()).save(tmp_path)
    np.save(tmp_path / "offsets.npy", np.zeros(2, dtype=np.int64))  # not one per chunk + 1
    with pytest.raises(ValueError, match="inconsistent"):
        ChunkTable.load(tmp_path)
    (tmp_path / "articles.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="bad article row"):
        ChunkTable.load(tmp_path)


def test_an_empty_chunk_table_saves_and_loads(tmp_path):
    ChunkTable.of([]).save(tmp_path)
    table = ChunkTable.load(tmp_path)
    assert len(table) == 0 and list(table) == [] and table.row("a:0") is None


def ferry_bot(make_bot, tmp_path) -> NewsBot:
    folder = tmp_path / "news"
    folder.mkdir(exist_ok=True)
    (folder / "ferry.txt").write_text("Title: Ferry cancelled\nSource: Gazette\n"
                                      "Date: 2024-03-06\n\nThe Skarvik ferry was cancelled "
                                      "because of fog.\n")
    bot = make_bot()
    bot.ingest([folder])
    return bot


def counting(monkeypatch, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(BM25Index, name)

    def count(self: BM25Index) -> Any:
        calls.append(1)
        return real(self)

    monkeypatch.setattr(BM25Index, name, count)
    return calls


def test_an_index_saved_in_the_old_format_is_rebuilt_not_misread(make_bot, tmp_path,
                                                                monkeypatch):
    first = ferry_bot(make_bot, tmp_path)
    directory = bm25_dir(first.settings)
    assert (directory / "table" / "texts.npy").exists() and not (directory / "chunks.json").exists()
    # What format 1 left: its fingerprint (of this very store), chunks.json, no table.
    meta = json.loads((directory / "meta.json").read_text())
    meta["fingerprint"]["format"] = 1
    (directory / "meta.json").write_text(json.dumps(meta))
    (directory / "chunks.json").write_text(json.dumps(
        [{"text": c.text, "meta": c.to_metadata()} for c in first.components.bm25.chunks]))
    builds = counting(monkeypatch, "_build")
    second = make_bot()
    hits = second.components.bm25.search("Skarvik ferry", 5)
    assert [c.title for c, _ in hits] == ["Ferry cancelled"] and len(builds) == 1
    assert json.loads((directory / "meta.json").read_text())["fingerprint"]["format"] == 2
    assert not (directory / "chunks.json").exists()  # the old table does not linger


def test_torn_table_files_are_rebuilt(make_bot, tmp_path, monkeypatch, caplog):
    first = ferry_bot(make_bot, tmp_path)
    (bm25_dir(first.settings) / "table" / "offsets.npy").write_bytes(b"not numpy")
    builds = counting(monkeypatch, "_build")
    hits = make_bot().components.bm25.search("Skarvik ferry", 5)
    assert [c.title for c, _ in hits] == ["Ferry cancelled"] and len(builds) == 1
    assert any("unreadable, rebuilding" in r.getMessage() for r in caplog.records)


def test_a_new_bot_loads_the_saved_index_in_the_background(make_bot, tmp_path, monkeypatch):
    first = ferry_bot(make_bot, tmp_path)
    expected = first.ask("Why was the Skarvik ferry cancelled?")
    loads, builds = counting(monkeypatch, "_load"), counting(monkeypatch, "_build")
    loaded = threading.Event()
    real_preload = BM25Index._preload

    def preload(self: BM25Index) -> None:
        real_preload(self)
        loaded.set()

    monkeypatch.setattr(BM25Index, "_preload", preload)
    second = make_bot()
    assert loaded.wait(30)  # with no question asked yet
    assert second.components.bm25._built is not None and (loads, builds) == ([1], [])
    assert second.ask("Why was the Skarvik ferry cancelled?").answer == expected.answer
    assert (loads, builds) == ([1], [])


def test_a_stale_saved_index_is_fingerprinted_once_then_rebuilt(make_bot, tmp_path,
                                                                monkeypatch):
    ferry_bot(make_bot, tmp_path)
    # Another process changes the store and saves no index.
    make_bot().ingest_articles([Article(title="Museum reopens", body="The Pellham museum "
                                        "reopened after repairs.")])
    loads, builds = counting(monkeypatch, "_load"), counting(monkeypatch, "_build")
    bot = make_bot()
    hits = bot.components.bm25.search("Pellham museum", 5)
    assert [c.title for c, _ in hits] == ["Museum reopens"]
    assert (loads, builds) == ([1], [1])  # the preload's failed load is not repeated


def test_dense_hits_resolve_through_the_table_with_filters(make_bot, tmp_path):
    bot = ferry_bot(make_bot, tmp_path)
    bm25 = bot.components.bm25
    [c] = bm25.chunks
    assert bm25.resolve([(c.id, 0.9)], 5, None) == [(c, 0.9)]
    assert bm25.resolve([(c.id, 0.9)], 5, SearchFilters(sources=("Other",))) == []
    assert bm25.resolve([("a-unknown:0", 0.5)], 5, None) is None  # the caller asks the store


def test_background_work_returns_its_value_or_raises_in_the_caller():
    assert Background(lambda: 41 + 1, name="t").result() == 42

    def fail() -> None:
        raise FileNotFoundError("model.onnx")

    with pytest.raises(FileNotFoundError, match=r"model\.onnx"):
        Background(fail, name="t").result()


def test_the_embedder_loads_on_a_thread_and_runs_batches_side_by_side(embedder):
    from retrieval.embeddings import MiniLMEmbedder

    # Enough texts of varied length for several batches, on one core and on two.
    texts = [f"The Skarvik ferry was cancelled {'because of fog ' * (i % 9)}on day {i}."
             for i in range(37)]
    one_core = MiniLMEmbedder(threads=1).embed(texts)
    assert np.array_equal(MiniLMEmbedder(threads=2).embed(texts), one_core)
    assert np.array_equal(embedder.embed(texts), one_core)
    # Each text alone gets the same vector as in a batch (padding is masked out).
    assert np.allclose(embedder.embed(texts[5:6])[0], one_core[5], atol=1e-6)
    norms = np.linalg.norm(one_core, axis=1)
    assert np.allclose(norms, 1.0, atol=1e-5)
