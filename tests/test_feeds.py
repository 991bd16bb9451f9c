"""Feed parsing on saved RSS/Atom files: GUID keys, dates, dedup, broken and hostile XML."""

from datetime import UTC, datetime
from pathlib import Path

import feedparser

from ingest.article import Article
from ingest.readers import ReadFailure, read_path
from ingest.readers.feed import html_to_text, read_feed, sniff

FEEDS = Path(__file__).parent / "data" / "feeds"


def articles(name: str) -> list[Article | ReadFailure]:
    return list(read_path(FEEDS / name))


def test_rss2_entries_become_articles_keyed_by_guid():
    got = articles("rss2.xml")
    assert all(isinstance(a, Article) for a in got)
    ferry, cafe = got  # the repeated GUID is dropped
    assert isinstance(ferry, Article) and isinstance(cafe, Article)
    assert ferry.doc_key == "url:https://example.org/fjordline/ferry-winter"
    assert cafe.doc_key == "guid:fjordline-2024-0117"
    assert ferry.source == "Fjordline Courier"
    assert ferry.url == "https://example.org/fjordline/ferry-winter"
    # content:encoded (full text) wins over the one-line description, as plain text
    assert "2,300 residents" in ferry.body and "<p>" not in ferry.body
    assert "\n" in ferry.body  # paragraphs kept apart
    assert ferry.published_at == datetime(2024, 11, 5, 7, 30, tzinfo=UTC)
    assert "sixty people" in cafe.body


def test_atom_published_then_updated():
    dredging, market = articles("atom.xml")
    assert isinstance(dredging, Article) and isinstance(market, Article)
    assert dredging.published_at == datetime(2024, 3, 7, 16, 15, tzinfo=UTC)  # not updated
    assert market.published_at == datetime(2024, 3, 6, 10, 0, tzinfo=UTC)  # only updated
    assert dredging.doc_key == "guid:urn:uuid:7c0e1d8a-0d43-4b56-8e5d-13c2e9ab7f10"
    assert dredging.source == "Harbour Ledger"
    assert "nine days ahead" in dredging.body


def test_missing_dates_stay_missing_not_now():
    (choir,) = articles("no-dates.xml")
    assert isinstance(choir, Article)
    assert choir.published_at is None
    assert choir.extra.get("date_unknown") is True


def test_missing_date_falls_back_to_the_page():
    data = (FEEDS / "no-dates.xml").read_bytes()
    page = Article("Choir", "The Holm youth choir won. " * 40, published_at=datetime(
        2024, 5, 1, tzinfo=UTC))
    asked: list[str] = []

    def reader(link: str) -> Article:
        asked.append(link)
        return page

    (choir,) = read_feed(data, "no-dates.xml", reader)
    assert asked == ["https://example.org/undated/choir"]
    assert isinstance(choir, Article)
    assert choir.published_at == datetime(2024, 5, 1, tzinfo=UTC)
    assert choir.body == page.body.strip()  # the page's full text beats the teaser
    # A GUID already stored is not fetched again.
    assert list(read_feed(data, "no-dates.xml", reader, known=lambda key: True)) == []
    assert len(asked) == 1


def test_broken_xml_is_read_leniently():
    # A bare "&", and the channel and rss elements never closed.
    assert b"delayed & over" in (FEEDS / "broken.xml").read_bytes()
    (bridge,) = articles("broken.xml")
    assert isinstance(bridge, Article)
    assert "stone bridge" in bridge.body
    assert bridge.published_at == datetime(2024, 3, 4, 7, 0, tzinfo=UTC)


def test_not_a_feed_is_one_clear_failure():
    (fail,) = articles("not-a-feed.xml")
    assert isinstance(fail, ReadFailure)
    assert "not-a-feed.xml" in str(fail)


def test_billion_laughs_is_refused_before_parsing():
    data = (FEEDS / "billion-laughs.xml").read_bytes()
    (fail,) = read_feed(data, "bomb.xml")
    assert isinstance(fail, ReadFailure) and "entities" in fail.reason
    # And feedparser on its own does not expand the bomb either (its XML parser refuses
    # entity declarations and the lenient fallback leaves the reference as text).
    parsed = feedparser.parse(data)
    assert all(len(e.get("summary", "")) < 1000 for e in parsed.entries)


def test_sniff_and_html_to_text():
    assert sniff(b"<?xml version='1.0'?><rss>") == "feed"
    assert sniff(b"<feed xmlns='http://www.w3.org/2005/Atom'>") == "feed"
    assert sniff(b"<urlset xmlns='x'><url><loc>https://a</loc></url></urlset>") == "sitemap"
    assert sniff(b"<!doctype html><html>", "text/html") == "html"
    assert html_to_text("<p>One <b>two</b></p><script>x()</script><p>three</p>") == (
        "One two\n\nthree")
