"""Plain data shared by ingest and bot, and the small protocols the backends implement."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Chunk:
    """A slice of one article's body, ``text == body[start:end]``, with the article's metadata."""

    article_id: str
    index: int
    text: str
    start: int
    end: int
    title: str = ""
    source: str = ""
    url: str = ""
    published_at: datetime | None = None
    doc_key: str = ""
    # How many chunks the whole article has (0: unknown, written before this was recorded).
    # A reader that finds fewer chunks than this is looking at a half-written article.
    count: int = 0
    # The title is the reader's fallback (the lead's first sentence), not a headline.
    title_derived: bool = False
    # How much this passage is worth as evidence, 0..1 (ingest/quality.py): below 1 for a
    # junk section (repetition, boilerplate, no sentences) kept because its article has a
    # real part. Search multiplies the passage's score by it.
    quality: float = 1.0

    @property
    def id(self) -> str:
        return f"{self.article_id}:{self.index}"

    def embedding_text(self) -> str:
        """Title and date help the embedder place the chunk; they are never quoted."""
        # A derived title is the body's own first sentence: embedding it again would give
        # every chunk of the article its lead (an anecdote as often as a summary).
        head = [self.title] if self.title and not self.title_derived else []
        if self.published_at:
            head.append(self.published_at.strftime("%d %B %Y"))
        return " — ".join(head) + "\n" + self.text if head else self.text

    def to_metadata(self) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "article_id": self.article_id,
            "chunk_index": self.index,
            "start": self.start,
            "end": self.end,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "doc_key": self.doc_key,
        }
        if self.count:
            meta["chunk_count"] = self.count
        if self.title_derived:
            meta["title_derived"] = True
        if self.quality < 1.0:
            meta["quality"] = round(self.quality, 3)
        if self.published_at is not None:
            # Chroma range filters take numbers only.
            meta["published_ts"] = int(self.published_at.timestamp())
            # The source's own UTC offset: an article published at 21:00 in New York is
            # dated that day there (its "yesterday" means the day before), not the next
            # day in UTC.
            offset = self.published_at.utcoffset()
            if offset:
                meta["utc_offset_s"] = int(offset.total_seconds())
        return meta

    @classmethod
    def from_record(cls, text: str, meta: dict[str, Any]) -> Chunk:
        ts = meta.get("published_ts")
        return cls(
            article_id=str(meta["article_id"]),
            index=int(meta["chunk_index"]),
            text=text,
            start=int(meta["start"]),
            end=int(meta["end"]),
            title=str(meta.get("title", "")),
            source=str(meta.get("source", "")),
            url=str(meta.get("url", "")),
            published_at=_published(ts, meta.get("utc_offset_s")),
            doc_key=str(meta.get("doc_key", "")),
            count=int(meta.get("chunk_count") or 0),
            title_derived=bool(meta.get("title_derived", False)),
            quality=float(meta.get("quality", 1.0)),
        )


def local_zone(offset_s: int | float | None) -> timezone:
    """A fixed-offset zone for a stored UTC offset (UTC for none or a nonsensical one)."""
    try:
        return timezone(timedelta(seconds=int(offset_s or 0)))
    except (ValueError, TypeError, OverflowError):  # beyond +-24 h: not a real offset
        return UTC


def _published(ts: object, offset_s: object) -> datetime | None:
    if ts is None:
        return None
    when = datetime.fromtimestamp(int(ts), tz=UTC)  # type: ignore[call-overload]
    return when.astimezone(local_zone(offset_s)) if offset_s else when  # type: ignore[arg-type]


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    # Per-signal scores (dense, bm25, fused, ...) for debugging and reranking.
    signals: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchFilters:
    since: datetime | None = None
    until: datetime | None = None
    sources: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return self.since is None and self.until is None and not self.sources

    def admits(self, chunk: Chunk) -> bool:
        """since <= published_at < until, and one of the sources; an undated chunk is
        outside any time bound."""
        ts = chunk.published_at
        if self.since is not None and (ts is None or ts < self.since):
            return False
        if self.until is not None and (ts is None or ts >= self.until):
            return False
        return not (self.sources and chunk.source not in self.sources)


@dataclass(frozen=True)
class ArticleRecord:
    """What the store knows about one stored article (from its first chunk)."""

    article_id: str
    doc_key: str
    title: str
    source: str
    url: str
    published_at: datetime | None
    chunks: int
    # Chunks the article should have (0: unknown, an older store); fewer stored = incomplete.
    expected: int = 0

    @property
    def complete(self) -> bool:
        return self.chunks > 0 and (self.expected == 0 or self.chunks == self.expected)


class StoreUnavailable(RuntimeError):
    """The store cannot be reached or opened; the message says which and where."""


class StoreFull(StoreUnavailable):
    """No room left for the store's data. The failed write leaves each article as it was or
    cut short (hidden as incomplete until rewritten), reads go on, and the same ingest
    finishes once space is freed."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised vectors."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> Vectors: ...


@runtime_checkable
class Store(Protocol):
    """Where chunks and their vectors live.

    The contract every backend meets (tests/store_contract.py runs it against each one):
    - ``add_chunks`` upserts by chunk id: writing the same chunks again changes nothing.
    - An article whose chunks record a count (``Chunk.count``) is *incomplete* while fewer
      are stored: ``query`` and ``has_article`` do not see it; ``stored_articles``,
      ``articles`` and ``iter_chunks`` do (so ingest can repair it).
    - Publish times are kept in whole seconds; filters hold ``since <= t < until`` for
      fractional bounds as ``SearchFilters.admits`` does.
    - Scores are cosine similarity, best first.
    - Failures surface as ``StoreUnavailable`` (cannot reach or open) or ``StoreFull``.
    """

    location: str

    def add_chunks(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        """Write chunks in one call; callers keep each article's chunks within one call."""
        ...

    def delete_article(self, article_id: str) -> int: ...

    def article_ids_for_key(self, doc_key: str) -> list[str]: ...

    def has_article(self, article_id: str) -> bool: ...

    def stored_articles(
        self, doc_keys: Sequence[str] = (), article_ids: Sequence[str] = ()
    ) -> list[ArticleRecord]:
        """Every stored article holding one of these doc keys or ids, complete or not."""
        ...

    def query(self, vector: Vectors, k: int, filters: SearchFilters | None = None) -> list[Hit]: ...

    def nearest_ids(self, vector: Vectors, k: int) -> list[tuple[str, float]]:
        """The k nearest chunk ids with their cosine similarity, unfiltered, no payload."""
        ...

    def iter_chunks(self, batch: int = 2000) -> Iterable[Chunk]: ...

    def articles(self) -> list[ArticleRecord]: ...

    def count_chunks(self) -> int: ...

    def fingerprint(self) -> str: ...
