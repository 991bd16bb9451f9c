"""Readers: one module per format, each yielding Articles or ReadFailures."""

from __future__ import annotations

import codecs
import errno
import gzip
import io
import logging
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import AnyStr

from ingest.article import Article
from ingest.decoding import NotText, declared_charset, decode_bytes
from ingest.readers.base import ReadFailure, ReadWarning
from ingest.readers.feed import read_feed, sniff
from ingest.readers.html import read_html
from ingest.readers.jsonfile import jsonl_line, read_json, read_jsonl
from ingest.readers.text import read_text

# Bump when the readers turn the same input into different articles (titles, bodies, dates):
# a store built by an older version then needs its inputs ingested again.
READER_VERSION = 2
# Bigger files are refused outright rather than half-read (JSON Lines are streamed instead).
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_LINE_BYTES = 5 * 1024 * 1024
STREAMED = {".jsonl", ".ndjson"}
# Saved feeds are parsed from bytes: the XML declaration, not our guess, names the encoding.
FEEDS = {".xml", ".rss", ".atom"}

log = logging.getLogger(__name__)

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


def _kind(p: Path) -> str:
    """"file", "dir", or why ``p`` cannot be read (one line)."""
    try:
        st = p.stat()
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return "broken symbolic link" if p.is_symlink() else "no such file or folder"
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISDIR(st.st_mode):
        return "dir"
    if stat.S_ISREG(st.st_mode):
        return "file"
    # Reading a FIFO or a device could block forever or never end.
    return "not a regular file (a pipe, device or socket)"


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path | ReadFailure]:
    """Expand folders recursively (sorted, hidden files skipped); paths that cannot be read
    (missing, link loops, pipes) are failures, each reported once."""
    for raw in paths:
        p = Path(raw)
        kind = _kind(p)
        if kind == "dir":
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if any(part.startswith(".") for part in rel):
                    continue
                sub = _kind(f)
                if sub == "file":
                    yield f
                elif sub != "dir":
                    yield ReadFailure(str(f), sub)
        elif kind == "file":
            yield p
        else:
            yield ReadFailure(str(p), kind)


def _suffix(p: Path) -> str:
    """The format suffix, looking through a trailing .gz ("corpus.jsonl.gz" -> ".jsonl")."""
    suffixes = [s.lower() for s in p.suffixes]
    if suffixes and suffixes[-1] == ".gz" and len(suffixes) > 1:
        return suffixes[-2]
    return p.suffix.lower()


def is_streamed(p: Path) -> bool:
    """Read a line at a time (never whole), whatever its size."""
    return _suffix(p) in STREAMED


def open_binary(p: Path) -> io.BufferedReader | gzip.GzipFile:
    if p.suffix.lower() == ".gz":
        return gzip.GzipFile(p, "rb")
    return p.open("rb")


def _lines(readline: Callable[[int], AnyStr], limit: int) -> Iterator[tuple[int, AnyStr, int]]:
    """(line number, line, its size) a line at a time; a line over ``limit`` is skipped in
    bounded pieces (and given empty), so one enormous line never sits in memory whole."""
    n = 0
    while True:
        raw = readline(limit + 1)
        if not raw:
            return
        n += 1
        size = len(raw)
        if size > limit and raw[-1:] not in ("\n", b"\n"):
            while True:
                more = readline(1 << 20)
                size += len(more)
                if not more or more[-1:] in ("\n", b"\n"):
                    break
            yield n, raw[:0], size
            continue
        yield n, raw, size


_WIDE = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _stream_jsonl(p: Path) -> Iterator[Article | ReadFailure]:
    """JSON Lines are read a line at a time, so a 1 GB export never sits in memory whole."""
    key = f"file:{p.resolve()}"
    where = str(p)
    try:
        with open_binary(p) as fh:
            head = fh.peek(8192)[:8192]
            wide = next((enc for bom, enc in _WIDE if head.startswith(bom)), None)
            if wide is not None:
                # UTF-16/32 cannot be split into lines as bytes.
                text = io.TextIOWrapper(fh, encoding=wide)
                for n, line, size in _lines(text.readline, MAX_LINE_BYTES // 2):
                    if not line.strip():
                        if size > MAX_LINE_BYTES // 2:
                            yield ReadFailure(where, f"line too large ({size:,} characters)", n)
                        continue
                    yield from jsonl_line(line, key, where, n)
                return
            if b"\x00" in head:
                yield ReadFailure(where, "binary file (NUL bytes), not JSON Lines")
                return
            for n, raw, size in _lines(fh.readline, MAX_LINE_BYTES):
                if not raw.strip():
                    if size > MAX_LINE_BYTES:
                        yield ReadFailure(where, f"line too large ({size:,} bytes > "
                                          f"{MAX_LINE_BYTES:,})", n)
                    continue
                try:
                    line = decode_bytes(raw)
                except NotText as exc:
                    yield ReadFailure(where, str(exc), n)
                    continue
                yield from jsonl_line(line, key, where, n)
    except (OSError, EOFError, zlib.error) as exc:
        # A truncated or corrupt .gz: the lines read before the damage are kept.
        yield ReadFailure(where, f"cannot read file: {exc}")
    except UnicodeDecodeError as exc:
        yield ReadFailure(where, f"invalid {exc.encoding} text: {exc.reason}")


def read_path(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> Iterator[Article | ReadFailure]:
    """Read one file into articles; every problem becomes a ReadFailure, never an exception."""
    p = Path(path)
    try:
        yield from _read_path(p, max_bytes)
    except Exception as exc:  # a parser limit nobody foresaw must not end the whole run
        log.warning("reading %s failed", p, exc_info=True)
        yield ReadFailure(str(p), f"cannot read file: {type(exc).__name__}: {exc}")


def _read_path(p: Path, max_bytes: int) -> Iterator[Article | ReadFailure]:
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
            yield ReadFailure(str(p), f"file too large ({size:,} bytes > max_file_bytes "
                              f"{max_bytes:,})")
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
        text = decode_bytes(data, declared_charset(data) if reader is read_html else None)
    except NotText as exc:
        yield ReadFailure(str(p), str(exc))
        return
    if not text.strip():  # e.g. only a BOM, or UTF-16 whitespace
        yield ReadFailure(str(p), "empty file")
        return
    key = f"file:{p.resolve()}"
    yield from reader(text, key)


__all__ = ["READERS", "ReadFailure", "ReadWarning", "is_streamed", "iter_files", "read_path",
           "supported_extensions"]
