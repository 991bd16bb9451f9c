"""Hybrid search: fusion, the time window, reranking, filters on a real store, and the BM25
index persisted beside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.composition import bm25_dir
from ingest.article import Article
from retrieval.lexical import BM25Index
from retrieval.rerank import SignalReranker
from retrieval.search import narrow, rrf_fuse
from retrieval.store import _keeps, _where
from retrieval.timewindow import TimeIntent, resolve_time
from retrieval.types import Chunk, Hit, SearchFilters


def chunk(article: str, text: str = "Dockers walked out at the port.", index: int = 0,
          title: str = "", published: datetime | None = None) -> Chunk:
    return Chunk(article, index, text, 0, len(text), title=title, published_at=published)


def day(m: int, d: int, h: int = 9) -> datetime:
    return datetime(2024, m, d, h, tzinfo=UTC)


# Fusion and windows ---------------------------------------------------------------------------

def test_rrf_adds_scores_across_lists_and_orders_by_the_sum():
    a, b, c = chunk("a"), chunk("b"), chunk("c")
    fused = rrf_fuse({"dense": [a, b, c], "bm25": [b, c]}, k=10)
    scores = {ch.id: s for ch, s in fused}
    assert scores["b:0"] == pytest.approx(1 / 12 + 1 / 11)
    assert scores["a:0"] == pytest.approx(1 / 11)
    assert [ch.id for ch, _ in fused] == ["b:0", "c:0", "a:0"]
    assert rrf_fuse({"dense": [], "bm25": []}) == []


def test_rrf_dedups_by_chunk_id_not_by_text():
    # Two syndicated copies: same words, separate articles, so separate hits.
    wire_a, wire_b = chunk("gazette"), chunk("courier")
    same_as_wire_a = chunk("gazette")
    fused = rrf_fuse({"dense": [wire_a, wire_b], "bm25": [same_as_wire_a]})
    assert [ch.id for ch, _ in fused] == ["gazette:0", "courier:0"]
    assert fused[0][0].text == fused[1][0].text


def test_narrow_intersects_user_filters_with_the_question_window():
    user = SearchFilters(since=day(3, 1), until=day(3, 20), sources=("Wire A",))
    window = TimeIntent(since=day(3, 5), until=day(3, 25))
    assert narrow(user, window) == SearchFilters(day(3, 5), day(3, 20), ("Wire A",))
    assert narrow(user, TimeIntent(half_life_days=7)) == user
    assert narrow(SearchFilters(), window) == SearchFilters(day(3, 5), day(3, 25))
    # Disjoint: an empty window, which the searcher then relaxes (tested below).
    empty = narrow(SearchFilters(until=day(2, 1)), TimeIntent(since=day(3, 1)))
    assert empty.since is not None and empty.until is not None and empty.since >= empty.until


# Reranking --------------------------------------------------------------------------------------

def test_recency_puts_the_newest_of_equal_text_first_only_when_there_is_a_now():
    now = day(3, 14)
    hits = [Hit(chunk(name, published=published), 0.5)
            for name, published in [("month", day(2, 14)), ("day", day(3, 13)),
                                    ("week", day(3, 7))]]
    query = "Why did the dockers walk out?"
    ranked = SignalReranker().rerank(query, hits, resolve_time(query, now), now)
    assert [h.chunk.article_id for h in ranked] == ["day", "week", "month"]

    timeless = SignalReranker().rerank(query, hits, resolve_time(query, None), None)
    assert [h.chunk.article_id for h in timeless] == ["month", "day", "week"]
    assert {h.score for h in timeless} == {timeless[0].score}
    assert all(h.signals["recency"] == 1.0 for h in timeless)


def test_title_overlap_nudges_but_does_not_override():
    reranker = SignalReranker()
    query = "Why did Pellham close its bridge?"
    plain = Hit(chunk("plain", title="Council news"), 0.5)
    titled = Hit(chunk("titled", title="Pellham bridge closed"), 0.5)
    ranked = reranker.rerank(query, [plain, titled], TimeIntent(), None)
    assert ranked[0].chunk.article_id == "titled"
    assert ranked[0].signals["title"] > 0 == ranked[1].signals["title"]

    # A text score ahead by more than the largest possible nudge keeps its place.
    clearly_better = Hit(chunk("plain", title="Council news"),
                         0.5 * (1 + 2 * reranker.title_weight))
    ranked = reranker.rerank(query, [titled, clearly_better], TimeIntent(), None)
    assert ranked[0].chunk.article_id == "plain"


def test_an_article_matching_in_several_passages_beats_one_lucky_passage():
    lone = Hit(chunk("lone"), 0.9)
    # Distinct passages: a passage repeated word for word is no second piece of evidence
    # (test_repeated_passages_earn_no_sibling_bonus).
    texts = ["Dockers walked out at the port.", "The union called the strike over pay.",
             "Ships queued outside the harbour for two days."]
    many = [Hit(chunk("many", t, index=i), s)
            for i, (t, s) in enumerate(zip(texts, [0.9, 0.6, 0.5], strict=True))]
    ranked = SignalReranker().rerank("dockers", [lone, *many], TimeIntent(), None)
    assert ranked[0].chunk.id == "many:0"
    assert ranked[0].signals["siblings"] > 0 == next(
        h for h in ranked if h.chunk.article_id == "lone").signals["siblings"]
    # Alone (one passage per article), the order is the text order.
    ranked = SignalReranker().rerank("dockers", [Hit(chunk("x"), 0.4), Hit(chunk("y"), 0.9)],
                                     TimeIntent(), None)
    assert [h.chunk.article_id for h in ranked] == ["y", "x"]


# A real store: filters end to end -------------------------------------------------------------

STRIKE = ("Tram drivers in Pellham walked out over pay on the morning shift, and the strike "
          "left commuters waiting at every stop along the harbour line. ")

# name: (source, published); "undated" has no date.
TRAM_ARTICLES = {
    "january": ("Wire B", day(1, 10)),
    "march-1": ("Wire A", day(3, 1)),
    "march-5": ("Wire B", day(3, 5)),
    "march-9": ("Wire A", day(3, 9)),
    "undated": ("Wire B", None),
}


def tram_bot(make_bot):
    """A store of five tram-strike reports; returns the bot and article id -> name.

    The reports are copies of one story: folding them is off, so filters see every copy."""
    bot = make_bot(fold_copies=False)
    articles = [Article(title=f"Tram strike report ({name})", body=STRIKE + f"Report {name}.",
                        source=source, published_at=published)
                for name, (source, published) in TRAM_ARTICLES.items()]
    report = bot.ingest_articles(articles)
    assert report.added == len(articles)
    return bot, {a.id: name for a, name in zip(articles, TRAM_ARTICLES, strict=True)}


def names(hits, by_id) -> set[str]:
    return {by_id[h.chunk.article_id] for h in hits}


FILTER_CASES = {
    "since": (dict(since=day(3, 4)), {"march-5", "march-9"}),
    "until": (dict(until=day(3, 6)), {"january", "march-1", "march-5"}),
    "source": (dict(sources=["Wire B"]), {"january", "march-5", "undated"}),
    "all three": (dict(since=day(3, 2), until=day(3, 8), sources=["Wire B"]), {"march-5"}),
    "none": ({}, set(TRAM_ARTICLES)),
}


def test_filters_end_to_end_on_both_sides(make_bot):
    bot, by_id = tram_bot(make_bot)
    searcher = bot.components.searcher
    assert searcher.bm25 is not None
    query = "Why did the Pellham tram drivers strike?"
    vec = bot.components.embedder.embed([query])[0]
    for case, (kwargs, expected) in FILTER_CASES.items():
        assert names(bot.search(query, k=10, **kwargs), by_id) == expected, case
        # Each side on its own honours the same filters.
        filters = SearchFilters(kwargs.get("since"), kwargs.get("until"),
                                tuple(kwargs.get("sources", ())))
        assert names(searcher.store.query(vec, 10, filters), by_id) == expected, case
        lexical = searcher.bm25.search(query, 10, filters)
        assert {by_id[c.article_id] for c, _ in lexical} == expected, case


def test_bm25_mask_store_filter_and_chroma_where_agree(make_bot):
    """Three implementations of one filter (numpy mask for BM25, Python for over-fetched
    dense hits, Chroma `where` for the exact dense path) must keep the same chunks, at the
    boundaries too: `since` inclusive, `until` exclusive, undated never inside a window."""
    bot, by_id = tram_bot(make_bot)
    bm25, store = bot.components.bm25, bot.components.store
    bm25.ensure()
    vec = bot.components.embedder.embed(["tram strike"])[0]
    half = timedelta(milliseconds=500)
    cases = [
        SearchFilters(since=day(3, 5)),
        SearchFilters(until=day(3, 9)),
        SearchFilters(since=day(3, 5) + half),
        SearchFilters(until=day(3, 9) + half),
        SearchFilters(since=day(3, 5) - half, until=day(3, 5) + half),
        SearchFilters(sources=("Wire A",)),
        SearchFilters(since=day(1, 1), sources=("Wire B",)),
    ]
    for f in cases:
        kept = {by_id[c.article_id] for c in bm25.chunks if _keeps(c, f)}
        mask = bm25.mask(f)
        assert mask is not None
        masked = {by_id[c.article_id] for c, m in zip(bm25.chunks, mask, strict=True) if m}
        where = {by_id[h.chunk.article_id] for h in store._query(vec, 10, _where(f))}  # type: ignore[attr-defined]
        assert masked == kept == where, f
        assert "undated" not in kept or (f.since is None and f.until is None)
    assert {by_id[c.article_id] for c in bm25.chunks if _keeps(c, cases[0])} == {
        "march-5", "march-9"}


def test_a_window_with_nothing_in_it_inside_the_archive_still_finds_nothing(make_bot):
    """The dense side falls back to an exact Chroma query when its over-fetched list has
    nothing in the window; that fallback must not let in an article from just before it."""
    bot, _ = tram_bot(make_bot)
    vec = bot.components.embedder.embed(["tram strike"])[0]
    after_march_5 = SearchFilters(since=day(3, 5) + timedelta(milliseconds=500),
                                  until=day(3, 5, 10))
    assert bot.components.store.query(vec, 10, after_march_5) == []


def test_an_empty_question_window_relaxes_to_the_users_filters(make_bot):
    bot, by_id = tram_bot(make_bot)
    query = "What happened with the tram strike this week?"
    # A week with news in it: the window holds, the January report stays out.
    assert names(bot.search(query, k=10, now=day(3, 10)), by_id) == {
        "march-1", "march-5", "march-9"}
    # Months later, "this week" holds nothing: the archive answers rather than silence...
    later = names(bot.search(query, k=10, now=day(6, 10)), by_id)
    assert later >= {"january", "march-1", "march-5", "march-9"}
    # ...within the user's own filters, which are never relaxed.
    assert names(bot.search(query, k=10, now=day(6, 10), sources=["Wire B"]), by_id) == {
        "january", "march-5", "undated"}
    assert bot.search(query, k=10, now=day(6, 10), since=day(5, 1)) == []


def test_wire_copies_stay_separate_and_the_newer_ranks_first(make_bot):
    """Identical text under two headlines: two articles, two hits. Each store dates the
    copies the other way round, so the order comes from recency, not from the text."""
    body = ("Dockers at the northern terminal stopped work on Monday after talks over night "
            "shifts broke down, leaving container ships waiting offshore.")
    query = "Why did the dockers stop work?"
    for name, (older, newer) in {"one": ("Harbour unrest", "Unrest at the harbour"),
                                 "two": ("Unrest at the harbour", "Harbour unrest")}.items():
        bot = make_bot(name)
        bot.ingest_articles([
            Article(title=older, body=body, source="Wire A", published_at=day(2, 1)),
            Article(title=newer, body=body, source="Wire B", published_at=day(3, 1)),
        ])
        hits = bot.search(query, k=5, now=day(3, 2))
        assert [h.chunk.title for h in hits] == [newer, older], name
        assert hits[0].chunk.text == hits[1].chunk.text
        timeless = bot.search(query, k=5)
        assert {h.chunk.title for h in timeless} == {older, newer}
        assert all(h.signals["recency"] == 1.0 for h in timeless)


# A self-made corpus where BM25 alone, dense alone and the fusion each win one case -----------

# title: (date, body). Short articles: one chunk each.
CORPUS = {
    # BM25 wins: the exact product code. Dense reads ZT-5512 and ZT-5521 as near the same.
    "Harwick grounds delivery fleet": (
        "2024-03-04", "Harwick grounded its ZT-5512 delivery drones after one fell onto a car "
        "park."),
    "Skyloft grounds ZT-5521 drones after crash": (
        "2024-03-05", "Skyloft grounded its ZT-5521 and ZT-5100 delivery drones after a crash "
        "near the depot."),
    # Dense wins: a paraphrase sharing no word with the question; BM25 finds only the decoy
    # that shares "collapse".
    "Ceasefire fell apart within hours": (
        "2024-03-06", "The ceasefire between the two armies fell apart within hours on Sunday, "
        "as shelling resumed along the front line near the border villages."),
    "Harbour footbridge collapse injures two": (
        "2024-03-06", "Part of the old harbour footbridge gave way on Saturday. Engineers "
        "blamed rust; the collapse injured two cyclists."),
    "Peace talks planned in Geneva": (
        "2024-03-02", "Diplomats said negotiators from both sides would meet in Geneva next "
        "month to discuss prisoner exchanges."),
    # Fusion wins: the answer is second in both lists, behind a different article in each
    # (a look-alike product for dense, a namesake rally car for BM25).
    "Gadget week in brief": (
        "2024-03-06", "Voltaris opened a shop in Leeds and cut tablet prices. Brightmoor "
        "withdrew its KT-3308 power bank after fires. Phone sales fell again in February."),
    "Voltaris recalls its KT3380 battery pack": (
        "2024-03-05", "Voltaris is taking back the pack because its battery can catch fire "
        "while charging."),
    "KT-3308 rally car wins in Wales": (
        "2024-03-03", "The KT-3308 rally car won in Wales; the KT-3308 team and KT-3308 fans "
        "celebrated."),
    # Background on the same topics, sharing meaning but no rare words with the questions.
    "Fire service warns about charging phones overnight": (
        "2024-03-01", "Firefighters say charging phones under pillows overnight has caused "
        "several house fires."),
    "Laptop maker takes back faulty batteries": (
        "2024-03-04", "A laptop maker is taking back batteries that can overheat."),
    "Adapters withdrawn after fires": (
        "2024-03-04", "Shops withdrew travel adapters after several overheated."),
    "Regulator orders e-bike batteries off shelves": (
        "2024-03-04", "The regulator ordered shops to stop selling two e-bike batteries that "
        "can overheat."),
    "Weather: rain all week": ("2024-03-04", "Rain is expected all week in the north."),
    "Museum reopens": ("2024-03-04", "The city museum reopened after four years of repairs."),
}


@dataclass
class Ranks:
    dense: int | None
    bm25: int | None
    fused: int | None


def corpus_bot(make_bot, tmp_path: Path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for n, (title, (date, body)) in enumerate(CORPUS.items()):
        (folder / f"{n:02d}.txt").write_text(
            f"Title: {title}\nSource: Test Wire\nDate: {date}\n\n{body}\n")
    bot = make_bot()
    report = bot.ingest([folder])
    assert report.added == len(CORPUS), report.failures
    return bot


def ranks(bot, question: str, title: str) -> Ranks:
    searcher = bot.components.searcher
    vec = bot.components.embedder.embed([question])[0]

    def where(titles: list[str]) -> int | None:
        return titles.index(title) if title in titles else None

    dense = [h.chunk.title for h in searcher.store.query(vec, searcher.depth, None)]
    lexical = [c.title for c, _ in searcher.bm25.search(question, searcher.depth, None)]
    fused = [h.chunk.title for h in searcher.fused(question, None)]
    return Ranks(where(dense), where(lexical), where(fused))


def test_each_method_wins_one_case(make_bot, tmp_path):
    bot = corpus_bot(make_bot, tmp_path)

    code = ranks(bot, "Which company grounded the ZT-5512 drones?",
                 "Harwick grounds delivery fleet")
    assert code.bm25 == 0 and code.dense not in (None, 0), code

    paraphrase = ranks(bot, "When did the truce collapse?", "Ceasefire fell apart within hours")
    assert paraphrase.dense == 0 and paraphrase.bm25 is None, paraphrase

    both = ranks(bot, "Why were KT-3308 power banks recalled?", "Gadget week in brief")
    assert both.fused == 0, both
    assert both.dense not in (None, 0) and both.bm25 not in (None, 0), both

    # Whichever single method fails, the fused list keeps the answer near the top.
    assert all(r.fused is not None and r.fused <= 1 for r in (code, paraphrase, both))


# BM25 persistence ------------------------------------------------------------------------------

def test_bm25_index_is_loaded_when_the_store_is_unchanged_and_rebuilt_when_it_changes(
        make_bot, tmp_path, monkeypatch):
    builds: list[int] = []
    real_build = BM25Index._build

    def counting_build(self: BM25Index) -> Any:
        builds.append(1)
        return real_build(self)

    monkeypatch.setattr(BM25Index, "_build", counting_build)
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "ferry.txt").write_text("Title: Ferry cancelled\nDate: 2024-03-06\n\n"
                                      "The Skarvik ferry was cancelled because of fog.\n")

    def lexical(bot, query: str) -> list[str]:
        return [c.title for c, _ in bot.components.bm25.search(query, 5)]

    first = make_bot()
    first.ingest([folder])
    assert len(builds) == 1  # built and saved at ingest, not at the first question
    assert (bm25_dir(first.settings) / "meta.json").exists()
    assert lexical(first, "Skarvik ferry") == ["Ferry cancelled"]
    assert len(builds) == 1

    # A new process on the same, unchanged store loads the saved index.
    second = make_bot()
    assert lexical(second, "Skarvik ferry") == ["Ferry cancelled"]
    assert len(builds) == 1

    # An ingest through the bot rebuilds it.
    (folder / "tram.txt").write_text("Title: Tram strike\nDate: 2024-03-07\n\n"
                                     "Pellham tram drivers walked out over pay.\n")
    report = second.ingest([folder])
    assert report.added == 1 and len(builds) == 2
    assert lexical(second, "Pellham tram") == ["Tram strike"]

    # So does a delete, at the next question.
    tram_id = next(r.article_id for r in second.components.store.articles()
                   if r.title == "Tram strike")
    assert second.delete(tram_id) > 0
    assert lexical(second, "Pellham tram") == []
    assert len(builds) == 3

    # A store changed behind the saved index's back (another process) fails its fingerprint.
    make_bot().ingest_articles([Article(title="Museum reopens", body="The Pellham museum "
                                        "reopened after repairs.")])
    fresh = make_bot()
    assert lexical(fresh, "Pellham museum") == ["Museum reopens"]
    assert len(builds) == 4
    assert lexical(make_bot(), "Pellham museum") == ["Museum reopens"]
    assert len(builds) == 4
