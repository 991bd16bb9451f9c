"""Readers: one module per format, each yielding Articles or ReadFailures."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ingest.article import Article
from ingest.decoding import NotText, decode_bytes
from ingest.readers.base import ReadFailure
from ingest.readers.html import read_html
from ingest.readers.jsonfile import read_json, read_jsonl
from ingest.readers.text import read_text

# Bigger files are refused outright rather than half-read.
MAX_FILE_BYTES = 20 * 1024 * 1024

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
    return sorted(READERS)


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


def read_path(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> Iterator[Article | ReadFailure]:
    """Read one file into articles; every problem becomes a ReadFailure, never an exception."""
    p = Path(path)
    reader = READERS.get(p.suffix.lower())
    if reader is None:
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
    try:
        text = decode_bytes(data)
    except NotText as exc:
        yield ReadFailure(str(p), str(exc))
        return
    key = f"file:{p.resolve()}"
    yield from reader(text, key)


__all__ = ["READERS", "ReadFailure", "iter_files", "read_path", "supported_extensions"]
