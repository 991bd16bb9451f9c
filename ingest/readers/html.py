"""HTML pages: trafilatura for the text and metadata, htmldate for the original publish date."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ingest.article import Article
from ingest.dates import parse_date
from ingest.readers.base import ReadFailure, checked


def read_html(html: str, key: str, url: str = "") -> Iterator[Article | ReadFailure]:
    import trafilatura
    from htmldate import find_date

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
    if not (meta.get("text") or "").strip():
        yield ReadFailure(where, "no article text found in HTML")
        return
    try:
        # original_date: the first-published date, not a "last modified" one.
        date = find_date(html, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S")
    except Exception:
        date = None
    yield checked(
        Article(
            title=meta.get("title") or "",
            body=meta.get("text") or "",
            source=meta.get("sitename") or meta.get("hostname") or "",
            url=url or meta.get("url") or "",
            published_at=parse_date(date) or parse_date(meta.get("date")),
            doc_key=f"url:{url}" if url else key,
            extra={"author": meta["author"]} if meta.get("author") else {},
        ),
        where,
    )
