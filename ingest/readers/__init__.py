"""Readers: one module per format, each yielding Articles or ReadFailures."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from ingest.article import Article
from ingest.decoding import NotText, decode_bytes
from ingest.readers.base import ReadFailure
from ingest.readers.feed import read_feed, sniff
from ingest.readers.html import read_html
from ingest.readers.jsonfile import jsonl_line, read_json, read_jsonl
from ingest.readers.text import read_text

# Bigger files are refused outright rather than half-read (JSON Lines are streamed instead).
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_LINE_BYTES = 5 * 1024 * 1024
STREAMED = {".jsonl", ".ndjson"}
# Saved feeds are parsed from bytes: the XML declaration, not our guess, names the encoding.
FEEDS = {".xml", ".rss", ".atom"}

Reader = Callable[[str, str], Iterable[Article | ReadFailure]]

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_text,
    ".markdown": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".json": read_json,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
}


def supported_extensions() -> list[str]:
    return sorted([*READERS, *FEEDS, ".jsonl.gz"])


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path | ReadFailure]:
    """Expand folders recursively (sorted, hidden files skipped); missing paths are failures."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if f.is_file() and not any(part.startswith(".") for part in rel):
                    yield f
        elif p.is_file():
            yield p
        else:
            yield ReadFailure(str(p), "no such file or folder")


def _suffix(p: Path) -> str:
    """The format suffix, looking through a trailing .gz ("corpus.jsonl.gz" -> ".jsonl")."""
    suffixes = [s.lower() for s in p.suffixes]
    if suffixes and suffixes[-1] == ".gz" and len(suffixes) > 1:
        return suffixes[-2]
    return p.suffix.lower()


def is_streamed(p: Path) -> bool:
    """Read a line at a time (never whole), whatever its size."""
    return _suffix(p) in STREAMED


def open_binary(p: Path) -> IO[bytes]:
    if p.suffix.lower() == ".gz":
        return gzip.GzipFile(p, "rb")  # type: ignore[return-value]
    return p.open("rb")


def _stream_jsonl(p: Path) -> Iterator[Article | ReadFailure]:
    """JSON Lines are read a line at a time, so a 1 GB export never sits in memory whole."""
    key = f"file:{p.resolve()}"
    where = str(p)
    try:
        with open_binary(p) as fh:
            for n, raw in enumerate(fh, start=1):
                if not raw.strip():
                    continue
                if len(raw) > MAX_LINE_BYTES:
                    yield ReadFailure(where, f"line too large ({len(raw):,} bytes)", n)
                    continue
                try:
                    line = decode_bytes(raw)
                except NotText as exc:
                    yield ReadFailure(where, str(exc), n)
                    continue
                yield from jsonl_line(line, key, where, n)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield ReadFailure(where, f"cannot read file: {exc}")


def read_path(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> Iterator[Article | ReadFailure]:
    """Read one file into articles; every problem becomes a ReadFailure, never an exception."""
    p = Path(path)
    suffix = _suffix(p)
    if suffix in STREAMED:
        yield from _stream_jsonl(p)
        return
    reader = READERS.get(suffix) if p.suffix.lower() != ".gz" else None
    if reader is None and suffix not in FEEDS:
        yield ReadFailure(
            str(p), f"unsupported file type {p.suffix or '(none)'!r}; "
            f"supported: {', '.join(supported_extensions())}"
        )
        return
    try:
        size = p.stat().st_size
        if size > max_bytes:
            yield ReadFailure(str(p), f"file too large ({size:,} bytes > {max_bytes:,})")
            return
        data = p.read_bytes()
    except OSError as exc:
        yield ReadFailure(str(p), f"cannot read file: {exc.strerror or exc}")
        return
    if not data.strip():
        yield ReadFailure(str(p), "empty file")
        return
    if reader is None:
        if sniff(data) == "sitemap":
            yield ReadFailure(str(p), "a sitemap lists URLs: ingest it by its URL instead")
        else:
            yield from read_feed(data, str(p))
        return
    try:
        text = decode_bytes(data)
    except NotText as exc:
        yield ReadFailure(str(p), str(exc))
        return
    key = f"file:{p.resolve()}"
    yield from reader(text, key)


__all__ = ["READERS", "ReadFailure", "is_streamed", "iter_files", "read_path",
           "supported_extensions"]
