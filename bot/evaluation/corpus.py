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


def cache_root() -> Path:
    return Path(platformdirs.user_cache_dir("newsbot")) / "eval"


def store_dir(corpus: Path, settings: Settings, embedder_name: str, tag: str = "newsbot") -> Path:
    """One store per (corpus content, chunking, embedder): change any and it is rebuilt."""
    key = f"{file_sha256(corpus)[:16]}-{tag}-c{settings.chunk_chars}o{settings.chunk_overlap}"
    return cache_root() / f"{key}-{embedder_name}"
