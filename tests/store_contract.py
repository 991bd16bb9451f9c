"""The Store contract (retrieval.types.Store), as one reusable test class.

A backend proves itself by subclassing ``StoreContract`` in a ``Test*`` class and giving it a
``store`` fixture (a fresh, empty store) and, where the backend has them, the fault hooks
below; tests/test_store_contract.py does so for embedded Chroma, the `chroma run` server
and the in-memory store. The tests use only the protocol, never a backend's internals, so a
new backend that passes them can stand behind the indexer, BM25 and the searcher.
(Modelled on haystack's DocumentStore test mixins and langchain-tests' standard suites.)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from retrieval.types import (
    ArticleRecord,
    Chunk,
    SearchFilters,
    Store,
    StoreFull,
    StoreUnavailable,
    Vectors,
)
from tests.hashed_embedder import HashedEmbedder

EMBED = HashedEmbedder()
NOON = datetime(2020, 10, 12, 12, 0, 0, tzinfo=UTC)


def article(aid: str, texts: list[str], *, published: datetime | None = NOON,
            source: str = "Contract Times", doc_key: str = "", count: int | None = None,
            title: str = "") -> list[Chunk]:
    """Chunks of one article; ``count`` (default: all of them) is what each chunk records."""
    body_at = 0
    chunks = []
    for i, text in enumerate(texts):
        chunks.append(Chunk(
            article_id=aid, index=i, text=text, start=body_at, end=body_at + len(text),
            title=title or f"Title of {aid}", source=source, url=f"https://example.org/{aid}",
            published_at=published, doc_key=doc_key or f"test:{aid}",
            count=len(texts) if count is None else count))
        body_at += len(text) + 1
    return chunks


def vectors(chunks: list[Chunk]) -> Vectors:
    return EMBED.embed([c.text for c in chunks])


def put(store: Store, chunks: list[Chunk]) -> list[Chunk]:
    store.add_chunks(chunks, vectors(chunks))
    return chunks


def ask(store: Store, text: str, k: int = 10, filters: SearchFilters | None = None) -> list[str]:
    return [h.chunk.id for h in store.query(EMBED.embed([text])[0], k, filters)]


FERRY = ["The harbour ferry to Skarvik was cancelled because of fog on Monday.",
         "Passengers waited at pier four until the evening boat left."]
TRAM = ["The new tram line opened along the harbour road on Tuesday.",
        "Tickets cost two euros and trams run every ten minutes."]
MUSEUM = ["The city museum reopened its east wing after repairs to the roof."]


class StoreContract:
    """Every test runs on a fresh ``store``; subclasses supply it and the fault hooks."""

    @pytest.fixture
    def store(self) -> Store:
        raise NotImplementedError("a backend's test class gives a fresh, empty store")

    # Fault hooks: a backend without such a fault skips the tests that need it.
    @contextlib.contextmanager
    def full_disk(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        """Within the block, writes find no room left; after it, room again."""
        pytest.skip(f"{type(self).__name__} has no full-disk fault")
        yield

    def open_unreachable(self, tmp_path: Path) -> Store:
        """Open a store where none can be reached or opened (expected to raise)."""
        pytest.skip(f"{type(self).__name__} cannot be unreachable")

    @contextlib.contextmanager
    def lost_store(self, tmp_path: Path) -> Iterator[tuple[Store, Callable[[], None]]]:
        """A working store, and a callable that cuts it off mid-run."""
        pytest.skip(f"{type(self).__name__} has no connection to lose")
        yield  # pragma: no cover

    # Shape ------------------------------------------------------------------------------
    def test_is_a_store_and_starts_empty(self, store: Store) -> None:
        assert isinstance(store, Store)
        assert isinstance(store.location, str) and store.location
        assert store.count_chunks() == 0
        assert list(store.iter_chunks()) == [] and store.articles() == []
        assert store.query(EMBED.embed(["fog"])[0], 5) == []
        assert store.nearest_ids(EMBED.embed(["fog"])[0], 5) == []
        assert store.fingerprint() == store.fingerprint()
        assert store.fingerprint().startswith("0:")
        assert not store.has_article("nothing") and store.delete_article("nothing") == 0

    def test_chunks_read_back_as_written(self, store: Store) -> None:
        written = put(store, article("ferry", FERRY) + article("tram", TRAM, source="Tram News"))
        assert store.count_chunks() == 4
        assert sorted(store.iter_chunks(batch=3), key=lambda c: c.id) == sorted(
            written, key=lambda c: c.id)
        by_id = {r.article_id: r for r in store.articles()}
        assert by_id["ferry"] == ArticleRecord(
            "ferry", "test:ferry", "Title of ferry", "Contract Times",
            "https://example.org/ferry", NOON, chunks=2, expected=2)
        assert by_id["tram"].source == "Tram News" and by_id["tram"].complete
        assert store.has_article("ferry") and store.has_article("tram")
        assert store.article_ids_for_key("test:tram") == ["tram"]
        assert store.article_ids_for_key("test:none") == []
        assert [r.article_id for r in store.stored_articles(doc_keys=["test:ferry"])] == ["ferry"]
        assert {r.article_id for r in store.stored_articles(
            doc_keys=["test:ferry"], article_ids=["tram", "unknown"])} == {"ferry", "tram"}
        assert store.stored_articles() == []

    def test_versions_under_one_doc_key_are_all_found(self, store: Store) -> None:
        # An edit stores the new version before deleting the old (a kill in between leaves
        # both): ingest finds every version by the key to supersede the stale ones.
        put(store, article("v1", FERRY, doc_key="test:story")
            + article("v2", [*FERRY, "Update: the evening boat was cancelled too."],
                      doc_key="test:story") + article("other", TRAM))
        assert store.article_ids_for_key("test:story") == ["v1", "v2"]
        assert {r.article_id for r in store.stored_articles(doc_keys=["test:story"])} == {
            "v1", "v2"}
        store.delete_article("v1")
        assert store.article_ids_for_key("test:story") == ["v2"]

    # Writes -----------------------------------------------------------------------------
    def test_reingest_is_idempotent(self, store: Store) -> None:
        chunks = put(store, article("ferry", FERRY) + article("tram", TRAM))
        before = (store.count_chunks(), store.fingerprint(), store.articles())
        put(store, chunks)
        put(store, chunks[:2])
        assert (store.count_chunks(), store.fingerprint()) == before[:2]
        assert sorted(store.articles(), key=lambda r: r.article_id) == sorted(
            before[2], key=lambda r: r.article_id)

    def test_upsert_replaces_a_chunk_with_the_same_id(self, store: Store) -> None:
        put(store, article("ferry", FERRY))
        fp = store.fingerprint()
        edited = article("ferry", [FERRY[0], "Passengers were sent to the tram instead."])
        put(store, edited)
        assert store.count_chunks() == 2 and store.fingerprint() == fp  # same ids
        texts = {c.id: c.text for c in store.iter_chunks()}
        assert texts["ferry:1"] == "Passengers were sent to the tram instead."
        assert ask(store, "Passengers were sent to the tram instead.", 1) == ["ferry:1"]

    def test_delete_article_removes_it_and_only_it(self, store: Store) -> None:
        put(store, article("ferry", FERRY) + article("tram", TRAM) + article("museum", MUSEUM))
        fp = store.fingerprint()
        assert store.delete_article("tram") == 2
        assert store.delete_article("tram") == 0
        assert store.count_chunks() == 3 and store.fingerprint() != fp
        assert not store.has_article("tram") and store.has_article("ferry")
        assert {r.article_id for r in store.articles()} == {"ferry", "museum"}
        assert store.article_ids_for_key("test:tram") == []
        assert not any(i.startswith("tram:") for i in ask(store, TRAM[0]))
        assert not any(i.startswith("tram:") for i, _ in store.nearest_ids(
            EMBED.embed([TRAM[0]])[0], 10))

    def test_fingerprint_follows_the_set_of_chunks(self, store: Store) -> None:
        empty = store.fingerprint()
        put(store, article("ferry", FERRY))
        one = store.fingerprint()
        put(store, article("tram", TRAM))
        assert len({empty, one, store.fingerprint()}) == 3
        assert store.fingerprint().startswith("4:")
        store.delete_article("tram")
        assert store.fingerprint() == one

    # Search -----------------------------------------------------------------------------
    def test_query_ranks_by_cosine_best_first(self, store: Store) -> None:
        put(store, article("ferry", FERRY) + article("tram", TRAM) + article("museum", MUSEUM))
        hits = store.query(EMBED.embed([TRAM[1]])[0], 3)
        assert hits[0].chunk.id == "tram:1"
        assert hits[0].score == pytest.approx(1.0, abs=1e-3)
        assert hits[0].signals["dense"] == pytest.approx(hits[0].score)
        scores = [h.score for h in hits]
        assert scores == sorted(scores, reverse=True) and len(hits) == 3
        assert hits[0].chunk == next(c for c in store.iter_chunks() if c.id == "tram:1")
        assert len(store.query(EMBED.embed([TRAM[1]])[0], 50)) == 5  # all there is
        near = store.nearest_ids(EMBED.embed([TRAM[1]])[0], 3)
        assert [i for i, _ in near] == [h.chunk.id for h in hits]
        assert [s for _, s in near] == pytest.approx(scores, abs=1e-4)

    def test_filters_since_until_and_source(self, store: Store) -> None:
        day = timedelta(days=1)
        put(store, article("mon", FERRY, published=NOON)
            + article("tue", TRAM, published=NOON + day, source="Tram News")
            + article("wed", MUSEUM, published=NOON + 2 * day)
            + article("undated", ["The harbour fog lifted at last."], published=None))

        def articles_for(f: SearchFilters) -> set[str]:
            return {i.split(":")[0] for i in ask(store, "harbour fog tram museum", 10, f)}

        assert articles_for(SearchFilters(since=NOON + day)) == {"tue", "wed"}  # inclusive
        assert articles_for(SearchFilters(until=NOON + day)) == {"mon"}  # exclusive
        assert articles_for(SearchFilters(since=NOON, until=NOON + 2 * day)) == {"mon", "tue"}
        assert articles_for(SearchFilters(sources=("Tram News",))) == {"tue"}
        assert articles_for(SearchFilters(sources=("Contract Times",))) == {
            "mon", "wed", "undated"}
        assert articles_for(SearchFilters(since=NOON + day, sources=("Contract Times",))) == {
            "wed"}
        assert articles_for(SearchFilters(since=NOON + 3 * day)) == set()
        assert articles_for(SearchFilters()) == {"mon", "tue", "wed", "undated"}

    def test_fractional_seconds_in_dates_and_bounds(self, store: Store) -> None:
        # Stored times are whole seconds; bounds ("now") may not be: for a stored t,
        # since <= t < until must hold exactly as SearchFilters.admits says.
        put(store, article("ferry", FERRY, published=NOON + timedelta(microseconds=700_000)))
        (stored,) = store.articles()
        assert stored.published_at == NOON  # truncated to the second, as written
        half = timedelta(milliseconds=500)

        def found(f: SearchFilters) -> bool:
            return bool(ask(store, FERRY[0], 5, f))

        assert not found(SearchFilters(since=NOON + half))  # 12:00:00 < 12:00:00.5
        assert found(SearchFilters(since=NOON - half))
        assert found(SearchFilters(since=NOON))
        assert found(SearchFilters(until=NOON + half))  # 12:00:00 < 12:00:00.5
        assert not found(SearchFilters(until=NOON))
        assert not found(SearchFilters(until=NOON - half))
        for f in (SearchFilters(since=NOON + half), SearchFilters(until=NOON + half)):
            chunk = next(iter(store.iter_chunks()))
            assert found(f) == f.admits(chunk)

    # Crash visibility -------------------------------------------------------------------
    def test_an_incomplete_article_is_invisible_until_whole(self, store: Store) -> None:
        """A crash mid-write leaves an article short of the chunk count each chunk records:
        questions must not see it, ingest must (to repair it)."""
        whole = article("ferry", FERRY)
        torn = article("tram", [*TRAM, "A third passage the crash never wrote."])
        put(store, whole + torn[:2])
        assert store.count_chunks() == 4
        assert not any(i.startswith("tram:") for i in ask(store, TRAM[0]))
        assert not any(i.startswith("tram:") for i in ask(
            store, TRAM[0], filters=SearchFilters(since=NOON - timedelta(days=1))))
        assert not store.has_article("tram") and store.has_article("ferry")
        (record,) = store.stored_articles(article_ids=["tram"])
        assert (record.chunks, record.expected, record.complete) == (2, 3, False)
        assert {r.article_id: r.complete for r in store.articles()} == {
            "ferry": True, "tram": False}
        assert {c.id for c in store.iter_chunks()} >= {"tram:0", "tram:1"}
        assert store.stored_articles(doc_keys=["test:tram"])[0].complete is False

        put(store, torn[2:])  # the repair writes the rest
        assert store.has_article("tram")
        assert ask(store, TRAM[0], 1) == ["tram:0"]

    def test_chunks_without_a_recorded_count_are_complete(self, store: Store) -> None:
        # Stores written before the count was recorded hold count == 0: never hidden.
        put(store, article("old", FERRY, count=0))
        assert store.has_article("old")
        assert store.articles()[0].complete and store.articles()[0].expected == 0
        assert ask(store, FERRY[0], 1) == ["old:0"]

    # Faults -----------------------------------------------------------------------------
    def test_full_disk_is_store_full_then_the_same_store_writes_again(
        self, store: Store, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        put(store, article("ferry", FERRY))
        tram = article("tram", TRAM)
        with self.full_disk(store, monkeypatch):
            with pytest.raises(StoreFull) as full:
                put(store, tram)
            message = str(full.value)
            assert "no space left" in message and "\n" not in message
            assert store.location in message
            # Reads go on, and nothing of the failed write is visible.
            assert ask(store, FERRY[0], 1) == ["ferry:0"]
            assert not store.has_article("tram")
        put(store, tram)  # room again: the same store object finishes the write
        assert store.has_article("tram") and store.count_chunks() == 4
        assert all(r.complete for r in store.articles())

    def test_unreachable_at_open_is_store_unavailable(self, tmp_path: Path) -> None:
        with pytest.raises(StoreUnavailable) as down:
            self.open_unreachable(tmp_path)
        assert str(down.value)

    def test_lost_mid_run_is_store_unavailable(self, tmp_path: Path) -> None:
        with self.lost_store(tmp_path) as (store, cut_off):
            put(store, article("ferry", FERRY))
            assert store.has_article("ferry")
            cut_off()
            with pytest.raises(StoreUnavailable, match="unreachable"):
                store.query(EMBED.embed([FERRY[0]])[0], 3)
            with pytest.raises(StoreUnavailable, match="unreachable"):
                put(store, article("tram", TRAM))
