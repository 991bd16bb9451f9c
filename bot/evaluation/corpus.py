"""Ingest a dataset's corpus once into a store cached by the corpus hash and settings."""

from __future__ import annotations

import hashlib
from pathlib import Path

import platformdirs

from bot.settings import Settings


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def corpus_files(corpus: Path) -> list[Path]:
    """The corpus file, or every file under a corpus folder (``articles/``)."""
    if not corpus.is_dir():
        return [corpus]
    return sorted(p for p in corpus.rglob("*") if p.is_file())


def corpus_sha256(corpus: Path) -> str:
    """A corpus file's hash, or a folder's: every file's relative path and content."""
    if not corpus.is_dir():
        return file_sha256(corpus)
    h = hashlib.sha256()
    for f in corpus_files(corpus):
        h.update(f"{f.relative_to(corpus).as_posix()}\0{file_sha256(f)}\0".encode())
    return h.hexdigest()


def cache_root() -> Path:
    return Path(platformdirs.user_cache_dir("newsbot")) / "eval"


def store_dir(corpus: Path, settings: Settings, embedder_name: str, tag: str = "newsbot") -> Path:
    """One store per (corpus content, chunking, embedder): change any and it is rebuilt."""
    key = f"{corpus_sha256(corpus)[:16]}-{tag}-c{settings.chunk_chars}o{settings.chunk_overlap}"
    return cache_root() / f"{key}-{embedder_name}"
