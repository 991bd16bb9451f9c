"""Plain-text and Markdown articles, with optional ``Key: value`` header lines.

Wire-service exports often start with a page date, a news id and a "Publish Date:" line
before the body, and end with comment-box residue; both are metadata or boilerplate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ingest.article import Article
from ingest.dates import parse_date
from ingest.readers.base import ReadFailure, checked

_HEADER = re.compile(r"^\s*(?P<key>[A-Za-z][A-Za-z _-]{1,30}):\s*(?P<value>.*\S)?\s*$")
_KEYS = {
    "title": "title", "headline": "title",
    "source": "source", "publisher": "source", "outlet": "source",
    "url": "url", "link": "url",
    "publish date": "published", "published": "published", "published at": "published",
    "date": "published", "published_at": "published", "pubdate": "published",
    "news id": "ignore", "id": "ignore", "author": "author", "by": "author",
}
# A line that is only a date (the page's print date) sits above the real metadata.
_BARE_DATE = re.compile(
    r"^\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?\d{1,2}\s+[A-Za-z]+\s+\d{4}\s*$",
    re.IGNORECASE,
)
_TRAILER = re.compile(r"^\s*\*\s*Comment:.*\Z", re.MULTILINE | re.DOTALL)
_DATELINE_AGENCY = re.compile(r"^[A-Z][A-Z .,'-]{1,40}\((?P<agency>[A-Za-z .&-]{2,30})\)\s*[–—-]")


def read_text(text: str, key: str) -> Iterator[Article | ReadFailure]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta: dict[str, str] = {}
    page_date = None
    i = 0
    # Front matter fenced by --- is accepted too.
    fenced = bool(lines) and lines[0].strip() == "---"
    if fenced:
        i = 1
    while i < len(lines):
        line = lines[i]
        if fenced and line.strip() == "---":
            i += 1
            break
        if not line.strip():
            if meta or page_date:
                i += 1
                break
            i += 1
            continue
        m = _HEADER.match(line)
        field = _KEYS.get(m.group("key").strip().lower()) if m else None
        if m and field:
            if field != "ignore":
                meta.setdefault(field, (m.group("value") or "").strip())
            i += 1
            continue
        if page_date is None and not meta and _BARE_DATE.match(line):
            page_date = line.strip()
            i += 1
            continue
        break
    body_lines = lines[i:]
    title = meta.get("title", "")
    # Markdown: a leading "# Heading" is the title.
    while body_lines and not body_lines[0].strip():
        body_lines.pop(0)
    if body_lines and body_lines[0].lstrip().startswith("# "):
        heading = body_lines.pop(0).lstrip()[2:].strip()
        title = title or heading
    body = _TRAILER.sub("", "\n".join(body_lines)).strip()
    source = meta.get("source", "")
    dateline = _DATELINE_AGENCY.match(body)
    if dateline and not source:
        source = dateline.group("agency").strip()
    published = parse_date(meta.get("published")) or parse_date(page_date)
    extra: dict[str, object] = {"author": meta["author"]} if "author" in meta else {}
    if published is None and (meta.get("published") or page_date):
        extra["unparsed_date"] = meta.get("published") or page_date
    yield checked(
        Article(
            title=title,
            body=body,
            source=source,
            url=meta.get("url", ""),
            published_at=published,
            doc_key=key,
            extra=extra,
        ),
        key.removeprefix("file:"),
    )
