"""The Chroma store: embedded (PersistentClient) by default, a `chroma run` server by URL."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from retrieval.types import ArticleRecord, Chunk, Hit, SearchFilters, Vectors

log = logging.getLogger(__name__)

# Chroma rejects adds larger than its max batch (5,461 here); stay under it.
MAX_BATCH = 5000


class StoreUnavailable(RuntimeError):
    """The store cannot be reached or opened; the message says which and where."""


def _where(filters: SearchFilters | None) -> dict[str, Any] | None:
    if filters is None or filters.is_empty():
        return None
    clauses: list[dict[str, Any]] = []
    if filters.since is not None:
        clauses.append({"published_ts": {"$gte": int(filters.since.timestamp())}})
    if filters.until is not None:
        clauses.append({"published_ts": {"$lt": int(filters.until.timestamp())}})
    if filters.sources:
        clauses.append({"source": {"$in": list(filters.sources)}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class ChromaStore:
    """Chunks in one Chroma collection (cosine space); we always pass our own vectors.

    Chroma's own default embedding function would download a model, so the collection is
    opened with ``embedding_function=None`` and never asked to embed text.
    """

    def __init__(
        self, path: str | Path | None = None, url: str | None = None, collection: str = "newsbot"
    ) -> None:
        import chromadb
        from chromadb.config import Settings

        settings = Settings(anonymized_telemetry=False)
        try:
            if url:
                parsed = urlparse(url)
                self.location = url
                self._client = chromadb.HttpClient(
                    host=parsed.hostname or "127.0.0.1",
                    port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                    ssl=parsed.scheme == "https",
                    settings=settings,
                )
            else:
                if path is None:
                    raise ValueError("ChromaStore needs a path or a url")
                Path(path).mkdir(parents=True, exist_ok=True)
                self.location = str(Path(path).resolve())
                self._client = chromadb.PersistentClient(path=self.location, settings=settings)
            self._col = self._client.get_or_create_collection(
                collection,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
            )
        except ValueError:
            raise
        except Exception as exc:  # chromadb raises many types for "cannot reach/open"
            raise StoreUnavailable(f"cannot open Chroma store at {url or path}: {exc}") from exc

    def add_chunks(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        for b in range(0, len(chunks), MAX_BATCH):
            part = chunks[b : b + MAX_BATCH]
            self._col.upsert(
                ids=[c.id for c in part],
                embeddings=vectors[b : b + MAX_BATCH],
                documents=[c.text for c in part],
                metadatas=[c.to_metadata() for c in part],
            )

    def delete_article(self, article_id: str) -> int:
        got = self._col.get(where={"article_id": article_id}, include=[])
        if got["ids"]:
            self._col.delete(ids=got["ids"])
        return len(got["ids"])

    def article_ids_for_key(self, doc_key: str) -> list[str]:
        got = self._col.get(where={"$and": [{"doc_key": doc_key}, {"chunk_index": 0}]},
                            include=["metadatas"])
        return sorted({str(m["article_id"]) for m in got["metadatas"] or []})

    def has_article(self, article_id: str) -> bool:
        got = self._col.get(where={"article_id": article_id}, include=[], limit=1)
        return bool(got["ids"])

    def query(self, vector: Vectors, k: int, filters: SearchFilters | None = None) -> list[Hit]:
        n = self._col.count()
        if n == 0:
            return []
        res = self._col.query(
            query_embeddings=[vector.tolist()],
            n_results=min(k, n),
            where=_where(filters),
            include=["documents", "metadatas", "distances"],
        )
        hits = []
        docs = (res["documents"] or [[]])[0]
        metas = (res["metadatas"] or [[]])[0]
        dists = (res["distances"] or [[]])[0]
        for doc, meta, dist in zip(docs, metas, dists, strict=True):
            sim = 1.0 - float(dist)
            hits.append(Hit(Chunk.from_record(doc or "", dict(meta)), sim, {"dense": sim}))
        return hits

    def iter_chunks(self, batch: int = 2000) -> Iterable[Chunk]:
        offset = 0
        while True:
            got = self._col.get(include=["documents", "metadatas"], limit=batch, offset=offset)
            if not got["ids"]:
                return
            for doc, meta in zip(got["documents"] or [], got["metadatas"] or [], strict=True):
                yield Chunk.from_record(doc or "", dict(meta))
            offset += len(got["ids"])

    def get_chunks(self, ids: Sequence[str]) -> list[Chunk]:
        if not ids:
            return []
        got = self._col.get(ids=list(ids), include=["documents", "metadatas"])
        by_id = {
            i: Chunk.from_record(d or "", dict(m))
            for i, d, m in zip(got["ids"], got["documents"] or [], got["metadatas"] or [],
                               strict=True)
        }
        return [by_id[i] for i in ids if i in by_id]

    def articles(self) -> list[ArticleRecord]:
        out: list[ArticleRecord] = []
        offset = 0
        counts: dict[str, int] = {}
        # One pass over chunk metadata: chunk counts per article, and metadata from chunk 0.
        firsts: dict[str, Chunk] = {}
        while True:
            got = self._col.get(include=["metadatas"], limit=5000, offset=offset)
            if not got["ids"]:
                break
            for meta in got["metadatas"] or []:
                aid = str(meta["article_id"])
                counts[aid] = counts.get(aid, 0) + 1
                if meta.get("chunk_index") == 0:
                    firsts[aid] = Chunk.from_record("", dict(meta))
            offset += len(got["ids"])
        for aid, c in firsts.items():
            out.append(ArticleRecord(aid, c.doc_key, c.title, c.source, c.url, c.published_at,
                                     counts.get(aid, 0)))
        return out

    def fingerprint(self) -> str:
        """Changes whenever the set of stored chunks does (ids embed the content hash)."""
        h = hashlib.sha256()
        ids: list[str] = []
        offset = 0
        while True:
            got = self._col.get(include=[], limit=20000, offset=offset)
            if not got["ids"]:
                break
            ids.extend(got["ids"])
            offset += len(got["ids"])
        for i in sorted(ids):
            h.update(i.encode())
            h.update(b"\n")
        return f"{len(ids)}:{h.hexdigest()[:24]}"

    def count_chunks(self) -> int:
        return int(self._col.count())
