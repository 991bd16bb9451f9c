"""BM25 over all stored chunks (bm25s), persisted beside the store.

Local Chroma has no hybrid search, so the lexical side runs in-process. The index is
rebuilt after each ingest or delete (bm25s has no incremental update; 45k chunks take
seconds) and loaded from disk at start when it matches the store.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

import bm25s
import numpy as np

from retrieval.types import Chunk, SearchFilters, Store

log = logging.getLogger(__name__)
# bm25s sets its logger to DEBUG at import and logs every index build; keep the CLI quiet.
logging.getLogger("bm25s").setLevel(logging.WARNING)
_FORMAT = 1


def tokenize(texts: list[str]) -> list[list[str]]:
    out = bm25s.tokenize(texts, stopwords="en", return_ids=False, show_progress=False)
    return [list(t) for t in out]  # type: ignore[union-attr]


def whole_articles(chunks: list[Chunk]) -> list[Chunk]:
    """Drop the chunks of articles a crash left half-written (fewer chunks than recorded)."""
    counts: dict[str, int] = {}
    for c in chunks:
        counts[c.article_id] = counts.get(c.article_id, 0) + 1
    return [c for c in chunks if c.count == 0 or counts[c.article_id] == c.count]


class BM25Index:
    def __init__(self, store: Store, directory: Path | None = None) -> None:
        self._store = store
        self._dir = directory
        self._lock = threading.Lock()
        self._retriever: object | None = None
        self.chunks: list[Chunk] = []
        # Per-chunk publish time and source as arrays, so filters are one vectorised mask.
        self._ts = np.zeros(0)
        self._sources = np.zeros(0, dtype=object)
        self._position: dict[str, int] = {}
        self._stale = True

    def invalidate(self) -> None:
        self._stale = True

    def _fingerprint(self) -> dict[str, object]:
        return {"format": _FORMAT, "store": self._store.fingerprint()}

    def _load(self) -> bool:
        if self._dir is None or not (self._dir / "meta.json").exists():
            return False
        try:
            meta = json.loads((self._dir / "meta.json").read_text())
            if meta.get("fingerprint") != self._fingerprint():
                return False
            self._retriever = bm25s.BM25.load(str(self._dir / "index"), show_progress=False)
            rows = json.loads((self._dir / "chunks.json").read_text())
            self.chunks = [Chunk.from_record(r["text"], r["meta"]) for r in rows]
            return True
        except (OSError, ValueError, KeyError) as exc:
            log.warning("BM25 index at %s unreadable, rebuilding: %s", self._dir, exc)
            return False

    def _build(self) -> None:
        chunks = whole_articles(list(self._store.iter_chunks()))
        retriever = bm25s.BM25()
        if chunks:
            retriever.index(tokenize([c.embedding_text() for c in chunks]), show_progress=False)
        self._retriever, self.chunks = retriever, chunks
        if self._dir is not None and chunks:
            self._dir.mkdir(parents=True, exist_ok=True)
            retriever.save(str(self._dir / "index"), show_progress=False)
            rows = [{"text": c.text, "meta": c.to_metadata()} for c in chunks]
            tmp = self._dir / "chunks.json.tmp"
            tmp.write_text(json.dumps(rows))
            tmp.replace(self._dir / "chunks.json")
            # meta.json last: its presence with a matching fingerprint marks a whole index.
            (self._dir / "meta.json").write_text(json.dumps({"fingerprint": self._fingerprint()}))

    def ensure(self) -> None:
        with self._lock:
            if self._stale:
                if not self._load():
                    self._build()
                self._ts = np.array(
                    [c.published_at.timestamp() if c.published_at else np.nan
                     for c in self.chunks], dtype=np.float64)
                self._sources = np.array([c.source for c in self.chunks], dtype=object)
                self._position = {c.id: i for i, c in enumerate(self.chunks)}
                self._stale = False

    def resolve(self, scored: list[tuple[str, float]], k: int,
                filters: SearchFilters | None) -> list[tuple[Chunk, float]] | None:
        """Dense hits (ids) turned into chunks from this index's table and filtered like
        BM25's own results; None if an id is not in the table (the index lags the store),
        so the caller asks the store instead. Torn articles are not in the table."""
        self.ensure()
        with self._lock:  # the table, positions and date arrays swap together on a rebuild
            keep = self.mask(filters)
            out: list[tuple[Chunk, float]] = []
            for cid, score in scored:
                i = self._position.get(cid)
                if i is None:
                    return None
                if keep is None or keep[i]:
                    out.append((self.chunks[i], score))
                    if len(out) == k:
                        break
            return out

    def mask(self, filters: SearchFilters | None) -> np.ndarray | None:
        if filters is None or filters.is_empty():
            return None
        keep = np.ones(len(self.chunks), dtype=bool)
        # NaN (undated) compares False, so undated chunks drop out of any date window.
        if filters.since is not None:
            keep &= self._ts >= filters.since.timestamp()
        if filters.until is not None:
            keep &= self._ts < filters.until.timestamp()
        if filters.sources:
            keep &= np.isin(self._sources, list(filters.sources))
        return keep.astype(np.float32)

    def search(
        self, query: str, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[Chunk, float]]:
        self.ensure()
        if not self.chunks or self._retriever is None:
            return []
        tokens = tokenize([query])
        if not tokens[0]:
            return []
        mask = self.mask(filters)
        if mask is not None and not mask.any():
            return []
        k = min(k, len(self.chunks))
        docs, scores = self._retriever.retrieve(  # type: ignore[attr-defined]
            tokens, k=k, show_progress=False, weight_mask=mask
        )
        out = []
        for idx, score in zip(docs[0], scores[0], strict=True):
            if score > 0:
                out.append((self.chunks[int(idx)], float(score)))
        return out
