"""HTML pages: trafilatura for the text and metadata, htmldate for the original publish date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ingest.article import Article
from ingest.dates import parse_date
from ingest.readers.base import ReadFailure, ReadWarning, checked

_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"
# libxml2 stops building the tree at this depth: anything nested deeper is never read.
MAX_DEPTH = 255


def _too_deep(html: str) -> bool:
    import lxml.html

    parser = lxml.html.HTMLParser()
    try:
        lxml.html.document_fromstring(html, parser=parser)
    except Exception:  # unparseable is trafilatura's to report
        return False
    return any("Excessive depth" in e.message for e in parser.error_log)


def publish_date(html: str) -> datetime | None:
    """The page's original publish date, or None: never a guess from a copyright line."""
    from htmldate import find_date

    try:
        # original_date: the first-published date, not a "last modified" one.
        found = find_date(html, original_date=True, outputformat=_DATE_FORMAT)
        if found is None or found.endswith("-01-01T00:00:00"):
            # htmldate's last resorts are a copyright or a bare year, given as 1 January,
            # and it drops dates after today. Ask the metadata alone, with no upper bound:
            # a declared future date is kept (and flagged), a year guess is not.
            found = find_date(html, original_date=True, outputformat=_DATE_FORMAT,
                              extensive_search=False, max_date="2999-12-31")
    except Exception:
        return None
    return parse_date(found)


def read_html(html: str, key: str, url: str = "") -> Iterator[Article | ReadFailure]:
    import trafilatura

    where = url or key.removeprefix("file:")
    try:
        doc = trafilatura.bare_extraction(
            html, url=url or None, with_metadata=True, include_comments=False,
            include_tables=False, favor_precision=True,
        )
    except Exception as exc:  # trafilatura surfaces lxml errors on hostile markup
        yield ReadFailure(where, f"cannot parse HTML: {exc}")
        return
    meta: dict[str, Any] = doc if isinstance(doc, dict) else (doc.as_dict() if doc else {})
    deep = _too_deep(html)
    if not (meta.get("text") or "").strip():
        why = (f" (markup nested deeper than {MAX_DEPTH} levels, where the parser stops)"
               if deep else "")
        yield ReadFailure(where, f"no article text found in HTML{why}")
        return
    article = checked(
        Article(
            title=meta.get("title") or "",
            body=meta.get("text") or "",
            source=meta.get("sitename") or meta.get("hostname") or "",
            url=url or meta.get("url") or "",
            published_at=publish_date(html),
            doc_key=f"url:{url}" if url else key,
            extra={"author": meta["author"]} if meta.get("author") else {},
        ),
        where,
    )
    if deep and isinstance(article, Article):
        article.extra.setdefault("warnings", []).append(ReadWarning(
            where, f"markup nested deeper than {MAX_DEPTH} levels: text below that depth "
            "was not read"))
    yield article
