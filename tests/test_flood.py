"""No article can drown the others (issue 24): a few real articles, then a flood of junk
aimed at them. Every answer about the real articles must be what it was without the junk.
Real parts throughout: the packaged MiniLM embedder, embedded Chroma, the extractive
answerer, and the junk folder a user makes with `python -m benchmarks.flood.make_junk`."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from benchmarks.flood.make_junk import write_junk
from bot import NewsBot
from ingest import quality
from ingest.article import Article
from ingest.chunking import chunk_spans
from tests.conftest import EXAMPLES

QUESTIONS = [
    "When did the ceasefire collapse?",
    "Who mediated the talks?",
    "How much will the tram line cost?",
    "How many homes lost power?",
    "Who won the national cup?",
    "How many visitors came to the reopened museum?",
    "What did the central bank do with interest rates?",
]


def _answer_key(a: Any) -> tuple[Any, ...]:
    """What a user sees of an answer: the words, the short answer, and what is cited."""
    return (a.answer, a.short_answer, a.abstained,
            [(c.title, c.quote, c.start, c.end) for c in a.citations])


@pytest.fixture(scope="module")
def flood(tmp_path_factory, embedder) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("flood")
    real = root / "real"
    shutil.copytree(EXAMPLES, real)
    junk = root / "junk"
    junk_files = write_junk(junk, aim=[real], copies=10)
    clean = NewsBot(store=root / "clean", embedder=embedder)
    clean_report = clean.ingest([real])
    flooded = NewsBot(store=root / "flooded", embedder=embedder)
    flooded_report = flooded.ingest([real, junk])
    return {"clean": clean, "flooded": flooded, "clean_report": clean_report,
            "report": flooded_report, "junk": junk_files}


def test_the_junk_folder_has_ten_articles_of_five_shapes(flood):
    files = [p.name for p in flood["junk"]]
    shapes = {n.rsplit(".", 1)[0].rstrip("0123456789-") for n in files}
    assert len(files) >= 10 and len(shapes) >= 5, files


@pytest.mark.parametrize("question", QUESTIONS)
def test_answers_about_the_real_articles_do_not_change_with_the_flood(flood, question):
    before = flood["clean"].ask(question)
    after = flood["flooded"].ask(question)
    assert not before.abstained, before.answer  # a question the real articles answer
    assert _answer_key(after) == _answer_key(before)


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_junk_does_not_push_the_real_passages_down(flood, question):
    before = flood["clean"].search(question, k=8)
    after = flood["flooded"].search(question, k=8)
    assert after[0].chunk.id == before[0].chunk.id, [h.chunk.title for h in after]
    # The clean store's best three passages are still among the eight, and no junk
    # section (a down-weighted passage) ranks above any of them.
    ids = [h.chunk.id for h in after]
    assert {h.chunk.id for h in before[:3]} <= set(ids)
    last = max(ids.index(h.chunk.id) for h in before[:3])
    assert all(h.chunk.quality == 1.0 for h in after[:last]), [h.chunk.title for h in after]


def test_each_skipped_junk_file_has_one_line_reason(flood):
    report = flood["report"]
    by_file = {str(f).split(": ", 1)[0]: str(f) for f in report.failures}
    junk = [p for p in flood["junk"]
            if not p.name.startswith(("huge-one-paragraph", "press-copy"))]
    floods = [p for p in junk if len(p.read_text()) >= quality.FLOOD_CHARS]
    assert len(floods) >= 6
    for path in floods:
        line = by_file.get(str(path))
        assert line is not None, (path, list(by_file))
        assert "low-information text" in line and "\n" not in line
    assert report.failed == len(floods)
    # The real articles, the ordinary press releases, the huge article's real paragraph and
    # the junk too small to flood (its every passage weighted down) are stored.
    assert report.added == flood["clean_report"].added + 10 + 1 + len(junk) - len(floods)
    small = {str(p) for p in junk} - {str(p) for p in floods}
    assert small  # the cookie wall
    stored = [h.chunk for h in flood["flooded"].search("cookies privacy consent", k=50)]
    assert any(c.doc_key.removeprefix("file:") in small for c in stored)
    assert all(c.quality < 1.0 for c in stored if c.doc_key.removeprefix("file:") in small)


def test_a_real_paragraph_in_a_huge_junk_article_is_kept_and_the_junk_weighs_little(flood):
    bot = flood["flooded"]
    hits = bot.search("How many people will the Westhaven terminal employ?", k=8)
    assert hits[0].chunk.title == "Harborline opens Westhaven terminal"
    assert "about 600 people" in hits[0].chunk.text and hits[0].chunk.quality == 1.0
    # No article takes more than its share of the passages, however many chunks it has.
    per_article: dict[str, int] = {}
    for h in hits:
        per_article[h.chunk.article_id] = per_article.get(h.chunk.article_id, 0) + 1
    assert max(per_article.values()) <= 4
    answer = bot.ask("How many people will the Westhaven terminal employ?")
    assert answer.short_answer and "600" in answer.short_answer


class _Counting:
    """The real embedder, counting the texts it is given."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.texts = 0

    def embed(self, texts):
        self.texts += len(texts)
        return self.inner.embed(texts)


def test_identical_chunks_are_embedded_once(embedder):
    from ingest.indexer import embed_once

    counting = _Counting(embedder)
    texts = ["Dockers walked out at the port."] * 50 + ["The union called the strike."]
    vectors = embed_once(counting, texts)
    assert counting.texts == 2 and vectors.shape == (51, embedder.dim)
    assert (vectors[0] == vectors[49]).all() and not (vectors[0] == vectors[50]).all()


def test_a_junk_section_repeating_itself_is_stored_once(tmp_path, embedder):
    counting = _Counting(embedder)
    bot = NewsBot(store=tmp_path / "s", embedder=counting)
    real = ("Harborline Logistics said on Thursday that its new terminal in Westhaven will "
            "open in March and employ about 600 people. ")
    filler = "Click here to read more stories like this one, every day of the week. "
    path = tmp_path / "huge.txt"
    body = real + "\n\n" + (filler + "\n\n") * 4000
    path.write_text("Title: Terminal\n\n" + body)
    report = bot.ingest(path)
    assert (report.added, report.failed) == (1, 0)
    assert report.chunks_written < 5 and counting.texts == report.chunks_written
    (record,) = bot._c.store.articles()
    assert record.complete and record.chunks == report.chunks_written
    hit = bot.search("How many people will the Westhaven terminal employ?", k=1)[0]
    assert "about 600 people" in hit.chunk.text


def test_ordinary_articles_are_untouched_by_the_quality_check():
    # Every example article: nothing skipped, every chunk at full weight.
    from ingest.readers import read_path

    for path in sorted(EXAMPLES.iterdir()):
        for article in read_path(path):
            assert isinstance(article, Article), article
            assert quality.article_junk(article.body) is None
            assert quality.unrepeated(article.body) is None
            spans = chunk_spans(article.body, 700, 140)
            assert all(q.weight == 1.0 for q in quality.chunk_quality(article.body, spans))


@pytest.mark.parametrize("body,reason", [
    ("word " * 5000, "one word"),
    ("The strike ended on Friday after talks. " * 200, "repeating"),
    (" ".join(["Rotterdam strike end news. Rotterdam port strike ended latest."] * 60),
     "repeating"),
])
def test_low_information_bodies_are_named(body: str, reason: str):
    verdict = quality.article_junk(body) or quality.unrepeated(body)
    assert verdict is not None and reason in verdict and "\n" not in verdict


@pytest.mark.parametrize("body", [
    "click here buy now !!!! $$$",
    "Best prices on watches. Free shipping, order now!",
])
def test_a_short_text_of_calls_to_action_is_an_advert(body: str):
    verdict = quality.advert(body)
    assert verdict is not None and verdict.startswith("advertising text") and "\n" not in verdict


@pytest.mark.parametrize("body", [
    "The council approved the 2026 budget on Tuesday by 31 votes to 12.",
    # News about an advert quotes one call to action inside a sentence of news.
    "The bank said the text telling customers to 'click here' was a scam and warned them.",
    "Shoppers queued overnight as the chain's best prices drew crowds to Harwick on Friday.",
])
def test_a_short_news_brief_is_not_an_advert(body: str):
    assert quality.advert(body) is None


def test_keyword_stuffing_without_exact_repeats_is_junk():
    import random

    rng = random.Random(1)
    names = ["Rotterdam", "strike", "dockers", "port", "union", "ended", "FNV", "wages"]
    sentences = []
    for _ in range(150):
        rng.shuffle(names)
        sentences.append(" ".join(names[: rng.randint(3, 6)]).capitalize() + ".")
    body = " ".join(sentences)
    spans = chunk_spans(body, 700, 140)
    verdicts = quality.chunk_quality(body, spans)
    assert len(body) >= quality.FLOOD_CHARS
    assert quality.all_junk(verdicts, len(body)) is not None
    assert {q.reason for q in verdicts} <= {"keyword stuffing", "repeated text"}


def test_navigation_and_cookie_walls_are_boilerplate():
    page = ("Skip to main content\nHome\nWorld\nBusiness\nSport\nCulture\nVideo\n"
            "We use cookies. Accept all or manage preferences. Read our privacy policy.\n"
            "Subscribe\nSign in\n")
    (q,) = quality.chunk_quality(page, [(0, len(page))])
    assert q.reason == "boilerplate or navigation" and q.weight < 0.5
    data = "Alabama gas prices\nRegular: $4.13\nMid-grade: $4.50\nPremium: $4.80\nDiesel: $5.1\n"
    (q,) = quality.chunk_quality(data, [(0, len(data))])
    assert q.weight == 1.0  # a table of figures is data, not a menu


# The search-side guards, on plain hits ---------------------------------------------------------

def _hit(article: str, index: int, text: str, score: float, quality_: float = 1.0):
    from retrieval.types import Chunk, Hit

    return Hit(Chunk(article, index, text, 0, len(text), quality=quality_), score)


def test_one_article_places_at_most_four_passages():
    from retrieval.search import MAX_PER_GROUP, _hit_chunk, article_key, capped

    flood = [_hit("junk", i, f"word word word {i}", 2.0 - i / 100) for i in range(50)]
    real = [_hit("real", i, t, 1.0 - i / 10) for i, t in enumerate(
        ["The strike ended on Friday.", "Dockers returned to work.", "Pay rose 4 percent."])]
    top = capped([*flood, *real], _hit_chunk, article_key, MAX_PER_GROUP)[:8]
    ids = [h.chunk.article_id for h in top]
    assert ids == ["junk"] * MAX_PER_GROUP + ["real"] * 3


def test_a_cluster_key_caps_a_story_across_its_articles():
    from retrieval.search import _hit_chunk, capped

    hits = [_hit(f"a{i}", 0, f"passage {i} of the story", 1.0) for i in range(8)] + [
        _hit("other", 0, "Something else entirely.", 0.5)]
    top = capped(hits, _hit_chunk, lambda c: "story" if c.article_id[0] == "a" else "x", 3)
    assert [h.chunk.article_id for h in top] == ["a0", "a1", "a2", "other"]


def test_repeated_passages_earn_no_sibling_bonus():
    from retrieval.rerank import SignalReranker
    from retrieval.timewindow import TimeIntent

    pasted = [_hit("spam", i, "Rotterdam strike ends, says the port of Rotterdam.", 0.9)
              for i in range(4)]
    real = [_hit("real", i, t, s) for i, (t, s) in enumerate(
        [("The Rotterdam strike ended on Friday after talks.", 0.9),
         ("Dockers returned to work at the port on Saturday.", 0.5),
         ("The union won a pay rise of four percent.", 0.4)])]
    ranked = SignalReranker().rerank("When did the Rotterdam strike end?", [*pasted, *real],
                                     TimeIntent(), None)
    assert ranked[0].chunk.article_id == "real"
    assert all(h.signals["siblings"] == 0 for h in ranked if h.chunk.article_id == "spam")


def test_a_down_weighted_junk_section_counts_for_its_weight():
    from retrieval.rerank import SignalReranker
    from retrieval.timewindow import TimeIntent

    junk = _hit("huge", 1, "Click here for the latest on the Rotterdam strike.", 1.0, 0.2)
    real = _hit("real", 0, "The Rotterdam strike ended on Friday.", 0.6)
    ranked = SignalReranker().rerank("Rotterdam strike", [junk, real], TimeIntent(), None)
    assert [h.chunk.article_id for h in ranked] == ["real", "huge"]


@pytest.mark.parametrize("page", [
    "Rotterdam strike: Rotterdam port strike news. Find the latest Rotterdam strike updates "
    "here. Rotterdam dockers strike, Rotterdam strike end, Rotterdam strike ended, when did "
    "the Rotterdam strike end? Rotterdam strike today.",
    "Best deals on harbour tram tickets! Harbour tram line cost, tram line council, harbour "
    "tram news. Council tram line approved. Tram harbour cost 2024. Harbour tram line latest. "
    "Buy harbour tram tickets now.",
])
def test_a_short_page_stuffed_with_a_storys_names_weighs_little(page: str):
    verdicts = quality.chunk_quality(page, [(0, len(page))])
    assert verdicts[0].reason == "keyword stuffing" and verdicts[0].weight <= 0.1
    # Too short to flood anything: stored, weighted, not skipped.
    assert quality.all_junk(verdicts, len(page)) is None
    long = " ".join([page] * 20)
    verdicts = quality.chunk_quality(long, chunk_spans(long, 700, 140))
    assert "low-information text" in (quality.all_junk(verdicts, len(long)) or "")


def test_lists_of_names_and_figures_are_content_not_junk():
    roster = "\n".join(f"{n}: {name}\nPosition: {pos}\nYears: {y}" for n, name, pos, y in [
        (33, "Dick Lane", "CB", "1952-1965"), (6, "Joe Montana", "QB", "1979-1994"),
        (14, "Anthony Munoz", "LT", "1980-92"), (31, "Bob Lilly", "DT", "1961-74")])
    nominees = "\n".join(["Kieran Culkin, “Succession”", "Park Hae-soo, “Squid Game”",
                          "Matthew Macfadyen, “Succession”", "John Turturro, “Severance”",
                          "Christopher Walken, “Severance”", "Oh Yeong-su, “Squid Game”"])
    for text in (roster, nominees):
        (q,) = quality.chunk_quality(text, [(0, len(text))])
        assert q.weight == 1.0, (q, text)


def test_junk_marks_survive_the_store_and_a_restart(make_bot, tmp_path):
    # Both backends (embedded and a `chroma run` server): the mark is chunk metadata, and the
    # BM25 chunk table saved beside the store keeps it too.
    body = ("Harborline Logistics said on Thursday that its new terminal in Westhaven will "
            "open in March and employ about 600 people, its first expansion in a decade.\n\n"
            + "\n".join(["Home", "World", "Business", "Sport", "Culture", "Video", "Weather",
                         "Travel", "Sign in", "Subscribe"] * 8))
    path = tmp_path / "page.txt"
    path.write_text("Title: Westhaven terminal\n\n" + body)
    bot = make_bot()
    assert bot.ingest(path).added == 1
    first = {h.chunk.index: h.chunk.quality for h in bot.search("Westhaven terminal jobs")}
    assert first[0] == 1.0 and min(first.values()) < 1.0
    again = make_bot()  # a new process's view: store metadata and the saved table
    second = {h.chunk.index: h.chunk.quality for h in again.search("Westhaven terminal jobs")}
    assert second == first
