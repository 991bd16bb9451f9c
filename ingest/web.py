"""URLs as sources: fetch (through the guarded Fetcher), then read a feed, a sitemap or a
page depending on what came back."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ingest.article import Article
from ingest.decoding import NotText, declared_charset, decode_bytes
from ingest.fetch import Fetched, Fetcher, FetchError
from ingest.readers.base import ReadFailure
from ingest.readers.feed import read_feed, sitemap_urls, sniff
from ingest.readers.html import read_html

# doc_key -> already stored? Lets a feed poll skip fetching pages it has.
Known = Callable[[str], bool]


def _text(page: Fetched) -> str:
    if page.charset:
        try:
            return page.body.decode(page.charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(page.body, declared_charset(page.body))


def read_page(url: str, fetcher: Fetcher) -> Article | ReadFailure:
    """One HTML page as one article."""
    try:
        page = fetcher.fetch(url)
        text = _text(page)
    except (FetchError, NotText) as exc:
        return ReadFailure(url, str(exc))
    got = list(read_html(text, f"url:{page.url}", url=page.url))
    return got[0] if got else ReadFailure(url, "no article text found in HTML")


def read_url(
    url: str, fetcher: Fetcher, known: Known | None = None, _depth: int = 0
) -> Iterator[Article | ReadFailure]:
    try:
        page = fetcher.fetch(url)
    except FetchError as exc:
        yield ReadFailure(url, str(exc))
        return
    kind = sniff(page.body, page.content_type)
    if kind == "feed":
        yield from read_feed(page.body, page.url, lambda link: read_page(link, fetcher), known)
    elif kind == "sitemap":
        got = sitemap_urls(page.body, page.url)
        if isinstance(got, ReadFailure):
            yield got
            return
        pages, nested = got
        for link in pages:
            if known is None or not known(f"url:{link}"):
                yield read_page(link, fetcher)
        if _depth < 1:  # a sitemap index lists sitemaps; one level is all the format needs
            for sub in nested:
                yield from read_url(sub, fetcher, known, _depth + 1)
    else:
        try:
            text = _text(page)
        except NotText as exc:
            yield ReadFailure(url, str(exc))
            return
        yield from read_html(text, f"url:{page.url}", url=page.url)
