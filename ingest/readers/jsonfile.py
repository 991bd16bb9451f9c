"""JSON exports: one article per object, in a .json file (object, list, or {"articles": [...]})
or a .jsonl file (one object per line; a bad line fails alone, with its line number)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ingest.article import Article
from ingest.dates import parse_date
from ingest.readers.base import ReadFailure, checked

_BODY = ("body", "text", "content", "article", "description")
# json.loads recurses once per nesting level; no article export nests a thousand deep.
TOO_DEEP = "invalid JSON: nested too deeply"
_DATE = ("published_at", "published", "date", "publish_date", "pubDate", "datetime")


def _first(obj: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for k in keys:
        if obj.get(k) not in (None, ""):
            return obj[k]
    return None


_JSON_TYPES = {dict: "an object", list: "a list", str: "a string", int: "a number",
               float: "a number", bool: "true/false", type(None): "null"}

_PLURAL = {"a list": "lists", "a string": "strings", "a number": "numbers",
           "true/false": "true/false values", "null": "nulls"}


def _kind(obj: Any) -> str:
    return _JSON_TYPES.get(type(obj), type(obj).__name__)


def article_from_object(obj: Any, key: str, where: str, line: int | None) -> Article | ReadFailure:
    if not isinstance(obj, dict):
        return ReadFailure(where, f"expected a JSON object, got {_kind(obj)}", line)
    body = _first(obj, _BODY)
    if not isinstance(body, str):
        return ReadFailure(where, f"no text field (one of {', '.join(_BODY)})", line)
    raw_date = _first(obj, _DATE)
    published = parse_date(raw_date)
    extra = {k: v for k, v in obj.items() if k in ("id", "authors", "author")}
    if raw_date is not None and published is None:
        extra["unparsed_date"] = str(raw_date)[:100]
    url = str(obj.get("url") or obj.get("link") or "")
    if obj.get("id"):
        doc_key = f"{key}#id={obj['id']}"
    elif url:
        doc_key = f"url:{url}"
    else:
        doc_key = f"{key}#{line or 1}"
    return checked(
        Article(
            title=str(obj.get("title") or obj.get("headline") or ""),
            body=body,
            source=str(obj.get("source") or obj.get("publisher") or ""),
            url=url,
            published_at=published,
            doc_key=doc_key,
            extra=extra,
        ),
        where,
        line,
    )


def jsonl_line(line: str, key: str, where: str, n: int) -> Iterator[Article | ReadFailure]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        yield ReadFailure(where, f"invalid JSON: {exc.msg} (column {exc.colno})", n)
        return
    except RecursionError:
        yield ReadFailure(where, TOO_DEEP, n)
        return
    yield article_from_object(obj, key, where, n)


def read_jsonl(text: str, key: str) -> Iterator[Article | ReadFailure]:
    where = key.removeprefix("file:")
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield from jsonl_line(line, key, where, n)


def read_json(text: str, key: str) -> Iterator[Article | ReadFailure]:
    where = key.removeprefix("file:")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # A .json file holding JSON Lines is common enough to accept.
        if exc.msg == "Extra data":
            yield from read_jsonl(text, key)
            return
        yield ReadFailure(where, f"invalid JSON: {exc.msg}", exc.lineno)
        return
    except RecursionError:
        yield ReadFailure(where, TOO_DEEP)
        return
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    items = data if isinstance(data, list) else [data]
    if not items:
        yield ReadFailure(where, "no articles in the file (an empty list)")
        return
    if len(items) > 1 and not any(isinstance(obj, dict) for obj in items):
        # One line for a file that is not an export at all, not one per element.
        kinds = sorted({_PLURAL.get(_kind(o), _kind(o)) for o in items})
        yield ReadFailure(where, f"expected article objects, got a list of {' and '.join(kinds)}")
        return
    for n, obj in enumerate(items, start=1):
        # Position in the list stands in for the line number.
        yield article_from_object(obj, f"{key}" if len(items) == 1 else f"{key}[{n}]", where,
                                  n if len(items) > 1 else None)
