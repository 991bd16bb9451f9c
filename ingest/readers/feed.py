"""RSS and Atom feeds (feedparser), and sitemaps: entries become articles keyed by GUID.

Feed XML is untrusted: a document that declares entities (billion laughs, external
entities) is refused before feedparser sees it. Dates come from the entry (published, then
updated), else from the linked page's own metadata; an undated entry stays undated, never
"now".
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from ingest.article import Article
from ingest.dates import parse_date
from ingest.readers.base import ReadFailure, checked

# An entry shorter than this is probably a teaser; the linked page is read when we can.
TEASER_CHARS = 600
MAX_SITEMAP_URLS = 10_000
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
          "section", "article", "pre"}

# link -> the article read from the page, or None/a failure when it cannot be read.
PageReader = Callable[[str], Article | ReadFailure | None]


def unsafe_xml(data: bytes) -> str | None:
    """Why this XML must not be parsed, or None. Entity declarations are refused outright:
    feeds never need them and they are how entity-expansion and XXE attacks work."""
    import defusedxml
    import defusedxml.ElementTree as SafeET

    if _ENTITY_DECL.search(data):
        return "XML declares entities (refused: entity-expansion/XXE risk)"
    try:
        SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        return f"unsafe XML refused ({type(exc).__name__})"
    except Exception:  # broken XML: feedparser's lenient parser may still read it
        return None
    return None


def sniff(data: bytes, content_type: str = "") -> str:
    """"feed", "sitemap" or "html", from the content type and the first bytes."""
    head = data[:4096].lstrip().lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if any(t in content_type for t in ("rss", "atom", "rdf")):
        return "feed"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    return "html"


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, paragraphs on their own lines."""
    if "<" not in fragment:
        return fragment.strip()
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ParserError, ValueError):
        return re.sub(r"<[^>]+>", " ", fragment).strip()
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCK:
            el.tail = "\n\n" + (el.tail or "")
    text = root.text_content()
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _date(entry: Any) -> datetime | None:
    for field in ("published_parsed", "updated_parsed", "created_parsed"):
        # dict.get: FeedParserDict maps a missing "updated" to "published" with a warning.
        st = dict.get(entry, field)
        if st:
            when = datetime.fromtimestamp(calendar.timegm(st), tz=UTC)
            # feedparser gives UTC; the entry's own text keeps the source's offset, and
            # with it the source's local day.
            local = parse_date(dict.get(entry, field.removesuffix("_parsed")))
            return local if local is not None and local == when else when
    return None


def _doc_key(entry: Any, where: str, n: int) -> str:
    guid = str(entry.get("id") or "").strip()
    link = str(entry.get("link") or "").strip()
    if guid.startswith(("http://", "https://")):
        return f"url:{guid}"
    if guid:
        return f"guid:{guid}"
    if link:
        return f"url:{link}"
    return f"{where}#{n}"


def read_feed(
    data: bytes, where: str, page_reader: PageReader | None = None,
    known: Callable[[str], bool] | None = None,
) -> Iterator[Article | ReadFailure]:
    """Articles from RSS/Atom bytes. ``page_reader`` fetches teaser entries' pages (for the
    full text, and for the date when the entry has none); ``known(doc_key)`` says an entry is
    stored already, so its page is not fetched again on every poll."""
    import feedparser

    reason = unsafe_xml(data)
    if reason:
        yield ReadFailure(where, reason)
        return
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=True)
    if not parsed.entries:
        head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if not head.startswith(b"<"):
            why = "not XML at all"
        elif b"<html" in head or b"<!doctype html" in head:
            why = "an HTML page (save it as .html to read it as an article)"
        else:
            why = str(parsed.get("bozo_exception") or "") if parsed.get("bozo") else ""
            why = why or "no entries"
        yield ReadFailure(where, f"not a readable feed: {why}")
        return
    feed_title = str(parsed.feed.get("title") or "")
    host = urlsplit(str(parsed.feed.get("link") or where)).hostname or ""
    seen: set[str] = set()
    for n, entry in enumerate(parsed.entries, start=1):
        key = _doc_key(entry, where, n)
        if key in seen:  # the same GUID twice in one feed: keep the first
            continue
        seen.add(key)
        link = str(entry.get("link") or "")
        contents = [str(c.get("value") or "") for c in entry.get("content") or []]
        contents.append(str(entry.get("summary") or ""))
        body = max((html_to_text(c) for c in contents), key=len)
        published = _date(entry)
        page: Article | ReadFailure | None = None
        if page_reader and link and (published is None or len(body) < TEASER_CHARS):
            if known is not None and known(key):
                continue  # GUID seen before: the stored full text beats this teaser
            page = page_reader(link)
        if isinstance(page, Article):
            if len(page.body) > len(body):
                body = page.body
            published = published or page.published_at
        extra: dict[str, Any] = {}
        if published is None:
            extra["date_unknown"] = True
            raw_date = dict.get(entry, "published") or dict.get(entry, "updated")
            if raw_date:
                extra["unparsed_date"] = str(raw_date)
        if isinstance(page, ReadFailure) and not body.strip():
            yield ReadFailure(where, f"entry {n}: no text in the feed, and {page}")
            continue
        yield checked(
            Article(
                title=html_to_text(str(entry.get("title") or "")),
                body=body,
                source=feed_title or host,
                url=link,
                published_at=published,
                doc_key=key,
                extra=extra,
            ),
            where,
            n,
        )


def sitemap_urls(data: bytes, where: str) -> tuple[list[str], list[str]] | ReadFailure:
    """(page URLs, nested sitemap URLs) of a sitemap or sitemap index."""
    import defusedxml.ElementTree as SafeET

    reason = unsafe_xml(data)
    if reason:
        return ReadFailure(where, reason)
    try:
        root = SafeET.fromstring(data)
    except Exception as exc:
        return ReadFailure(where, f"not a readable sitemap: {exc}")
    locs = [
        (el.text or "").strip()
        for el in root.iter()
        if isinstance(el.tag, str) and el.tag.rsplit("}", 1)[-1] == "loc" and el.text
    ][:MAX_SITEMAP_URLS]
    if root.tag.rsplit("}", 1)[-1] == "sitemapindex":
        return [], locs
    return locs, []
