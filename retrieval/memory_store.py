"""A store in this process's memory: numpy vectors, exact cosine search, nothing on disk.

For tests (the fast tier's store, and the second backend the store contract is proven on)
and for throwaway archives (``store_kind = "memory"``). It keeps what Chroma keeps and
loses what Chroma loses: each chunk is stored as its metadata record, so publish times
come back in whole seconds, as they do from Chroma.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from retrieval.types import ArticleRecord, Chunk, Hit, SearchFilters, StoreFull, Vectors


class MemoryStore:
    """Chunks and their vectors in dicts and one matrix, behind one lock (ingest writes on
    a thread of its own while questions read)."""

    def __init__(self, name: str = "newsbot", max_chunks: int | None = None) -> None:
        self.location = f"memory:{name}"
        # The memory analogue of a disk's size: a write past it fails whole with StoreFull.
        self.max_chunks = max_chunks
        self._lock = threading.Lock()
        self._records: dict[str, tuple[str, dict[str, Any]]] = {}
        self._vectors: dict[str, Vectors] = {}
        # The search matrix, rebuilt on the first query after a change.
        self._ids: list[str] = []
        self._matrix: Vectors | None = None

    # Writes ------------------------------------------------------------------------------
    def add_chunks(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        if len(chunks) != len(vectors):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        with self._lock:
            new = {c.id for c in chunks} - self._records.keys()
            if self.max_chunks is not None and len(self._records) + len(new) > self.max_chunks:
                raise StoreFull(
                    f"no space left in the in-memory store {self.location} "
                    f"({self.max_chunks} chunks); free some space")
            for c, v in zip(chunks, vectors, strict=True):
                vec = np.asarray(v, dtype=np.float32)
                norm = float(np.linalg.norm(vec))
                self._vectors[c.id] = vec / norm if norm else vec
                self._records[c.id] = (c.text, c.to_metadata())
            self._matrix = None

    def delete_article(self, article_id: str) -> int:
        with self._lock:
            gone = [i for i, (_, m) in self._records.items() if m["article_id"] == article_id]
            for i in gone:
                del self._records[i]
                del self._vectors[i]
            if gone:
                self._matrix = None
            return len(gone)

    # Reads -------------------------------------------------------------------------------
    def _chunks(self) -> list[Chunk]:
        with self._lock:
            records = list(self._records.values())
        return [Chunk.from_record(text, dict(meta)) for text, meta in records]

    def article_ids_for_key(self, doc_key: str) -> list[str]:
        return sorted({c.article_id for c in self._chunks()
                       if c.doc_key == doc_key and c.index == 0})

    def has_article(self, article_id: str) -> bool:
        return any(r.complete for r in self.stored_articles(article_ids=[article_id]))

    def stored_articles(
        self, doc_keys: Sequence[str] = (), article_ids: Sequence[str] = ()
    ) -> list[ArticleRecord]:
        keys, ids = set(doc_keys), set(article_ids)
        chunks = self._chunks()
        ids.update(c.article_id for c in chunks if keys and c.doc_key in keys)
        return _records([c for c in chunks if c.article_id in ids])

    def articles(self) -> list[ArticleRecord]:
        return _records(self._chunks())

    def iter_chunks(self, batch: int = 2000) -> Iterable[Chunk]:
        return iter(self._chunks())

    def count_chunks(self) -> int:
        with self._lock:
            return len(self._records)

    def fingerprint(self) -> str:
        """The same form as ChromaStore's: chunk count and a hash of the sorted ids."""
        with self._lock:
            ids = sorted(self._records)
        digest = hashlib.sha256("".join(f"{i}\n" for i in ids).encode()).hexdigest()
        return f"{len(ids)}:{digest[:24]}"

    def _ranked(self, vector: Vectors) -> list[tuple[str, float]]:
        with self._lock:
            if self._matrix is None:
                self._ids = list(self._vectors)
                self._matrix = (np.stack([self._vectors[i] for i in self._ids])
                                if self._ids else np.zeros((0, 0), dtype=np.float32))
            ids, matrix = self._ids, self._matrix
        if not ids:
            return []
        q = np.asarray(vector, dtype=np.float32).reshape(-1)
        norm = float(np.linalg.norm(q))
        sims = matrix @ (q / norm if norm else q)
        # Ties broken by id, so a result never depends on insertion order.
        order = np.lexsort((np.array(ids), -sims))
        return [(ids[j], float(sims[j])) for j in order]

    def nearest_ids(self, vector: Vectors, k: int) -> list[tuple[str, float]]:
        return self._ranked(vector)[:k]

    def query(self, vector: Vectors, k: int, filters: SearchFilters | None = None) -> list[Hit]:
        with self._lock:
            records = dict(self._records)
        stored: dict[str, int] = {}
        for _, meta in records.values():
            aid = str(meta["article_id"])
            stored[aid] = stored.get(aid, 0) + 1
        hits: list[Hit] = []
        for cid, sim in self._ranked(vector):
            if cid not in records:  # deleted since the ranking
                continue
            text, meta = records[cid]
            chunk = Chunk.from_record(text, dict(meta))
            # A half-written article (a crash mid-ingest) must not be quoted until repaired.
            if chunk.count and stored.get(chunk.article_id, 0) != chunk.count:
                continue
            if filters is not None and not filters.admits(chunk):
                continue
            hits.append(Hit(chunk, sim, {"dense": sim}))
            if len(hits) >= k:
                break
        return hits


def _records(chunks: Iterable[Chunk]) -> list[ArticleRecord]:
    """Per-article records: chunk counts, and the fields of the lowest chunk stored."""
    counts: dict[str, int] = {}
    firsts: dict[str, Chunk] = {}
    for c in chunks:
        counts[c.article_id] = counts.get(c.article_id, 0) + 1
        if c.article_id not in firsts or c.index < firsts[c.article_id].index:
            firsts[c.article_id] = c
    return [ArticleRecord(aid, c.doc_key, c.title, c.source, c.url, c.published_at,
                          counts[aid], c.count)
            for aid, c in firsts.items()]
