"""The Chroma store: embedded (PersistentClient) by default, a `chroma run` server by URL."""

from __future__ import annotations

import functools
import hashlib
import logging
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlparse

import httpx

from retrieval.types import ArticleRecord, Chunk, Hit, SearchFilters, Vectors

log = logging.getLogger(__name__)

# Chroma rejects adds larger than its max batch (5,461 here); stay under it.
MAX_BATCH = 5000
# Filtered dense queries fetch this many times k unfiltered, then filter in Python. On
# RealTime QA dev, 1-2x the search depth scored as well as Chroma's exact filtered list
# (BM25 covers the window exhaustively) at a third of the query time of 6x.
OVERFETCH = 2


class StoreUnavailable(RuntimeError):
    """The store cannot be reached or opened; the message says which and where."""


P = ParamSpec("P")
R = TypeVar("R")


def _reachable(method: Callable[P, R]) -> Callable[P, R]:
    """A Chroma server that goes away mid-run surfaces as StoreUnavailable, not as an
    httpx traceback from deep inside chromadb."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except httpx.TransportError as exc:
            where = getattr(args[0], "location", "?")
            raise StoreUnavailable(
                f"Chroma server at {where} is unreachable ({type(exc).__name__}: {exc}); "
                "is `chroma run` up?"
            ) from exc

    return wrapper


def article_batches(chunks: Sequence[Chunk], limit: int = MAX_BATCH) -> Iterator[Sequence[Chunk]]:
    """Consecutive slices of at most ``limit`` chunks that never split an article, so each
    article lands in one Chroma write (one article longer than ``limit`` is cut, and the
    chunk_count in its metadata keeps it invisible until whole)."""
    start = 0
    while start < len(chunks):
        end = min(start + limit, len(chunks))
        if end < len(chunks):
            cut = end
            while cut > start and chunks[cut].article_id == chunks[cut - 1].article_id:
                cut -= 1
            if cut > start:
                end = cut
        yield chunks[start:end]
        start = end


def _in(field: str, values: Iterable[str]) -> Any:
    return {field: {"$in": sorted(set(values))}}


def _keeps(chunk: Chunk, filters: SearchFilters | None) -> bool:
    """The same test as `_where`, on a chunk already fetched."""
    if filters is None:
        return True
    ts = chunk.published_at
    if filters.since is not None and (ts is None or ts < filters.since):
        return False
    if filters.until is not None and (ts is None or ts >= filters.until):
        return False
    return not (filters.sources and chunk.source not in filters.sources)


def _where(filters: SearchFilters | None) -> dict[str, Any] | None:
    if filters is None or filters.is_empty():
        return None
    clauses: list[dict[str, Any]] = []
    # Stored times are whole seconds, bounds may not be ("now" has microseconds): for an
    # integer t, t >= x and t < x hold exactly when they hold for ceil(x). int() truncated,
    # letting in an article from just before `since` and dropping one just before `until`,
    # unlike `_keeps` and the BM25 mask.
    if filters.since is not None:
        clauses.append({"published_ts": {"$gte": math.ceil(filters.since.timestamp())}})
    if filters.until is not None:
        clauses.append({"published_ts": {"$lt": math.ceil(filters.until.timestamp())}})
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
        self._whole: set[str] = set()  # articles known to have all their chunks stored
        if not url and path is None:
            raise ValueError("ChromaStore needs a path or a url")
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
                assert path is not None
                Path(path).mkdir(parents=True, exist_ok=True)
                self.location = str(Path(path).resolve())
                self._client = chromadb.PersistentClient(path=self.location, settings=settings)
            self._col = self._client.get_or_create_collection(
                collection,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
            )
        except Exception as exc:  # chromadb raises many types for "cannot reach/open"
            raise StoreUnavailable(f"cannot open Chroma store at {url or path}: {exc}") from exc

    @_reachable
    def add_chunks(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        start = 0
        for part in article_batches(chunks):
            self._col.upsert(
                ids=[c.id for c in part],
                embeddings=vectors[start : start + len(part)],
                documents=[c.text for c in part],
                metadatas=[c.to_metadata() for c in part],
            )
            start += len(part)

    @_reachable
    def delete_article(self, article_id: str) -> int:
        self._whole.discard(article_id)
        got = self._col.get(where={"article_id": article_id}, include=[])
        if got["ids"]:
            self._col.delete(ids=got["ids"])
        return len(got["ids"])

    @_reachable
    def article_ids_for_key(self, doc_key: str) -> list[str]:
        got = self._col.get(where={"$and": [{"doc_key": doc_key}, {"chunk_index": 0}]},
                            include=["metadatas"])
        return sorted({str(m["article_id"]) for m in got["metadatas"] or []})

    @_reachable
    def has_article(self, article_id: str) -> bool:
        """True only for a complete article: a half-written one counts as absent."""
        return any(r.complete for r in self.stored_articles(article_ids=[article_id]))

    @_reachable
    def stored_articles(
        self, doc_keys: Sequence[str] = (), article_ids: Sequence[str] = ()
    ) -> list[ArticleRecord]:
        ids = set(article_ids)
        if doc_keys:
            got = self._col.get(where=_in("doc_key", doc_keys),
                                include=["metadatas"])
            ids.update(str(m["article_id"]) for m in got["metadatas"] or [])
        if not ids:
            return []
        got = self._col.get(where=_in("article_id", ids), include=["metadatas"])
        return _records(got["metadatas"] or [])

    def _complete_ids(self, hits: Sequence[Chunk]) -> set[str]:
        """Which of these chunks' articles have all their chunks stored."""
        # An article seen whole stays whole (ids are content hashes; a re-ingest writes the
        # same chunks), so only unseen or torn articles cost a metadata lookup.
        expected = {c.article_id: c.count for c in hits
                    if c.count and c.article_id not in self._whole}
        if expected:
            got = self._col.get(where=_in("article_id", expected), include=[])
            counts: dict[str, int] = {}
            for cid in got["ids"]:
                aid = cid.rsplit(":", 1)[0]
                counts[aid] = counts.get(aid, 0) + 1
            self._whole.update(a for a, n in expected.items() if counts.get(a, 0) == n)
        return {c.article_id for c in hits
                if not c.count or c.article_id in self._whole}

    def _query(self, vector: Vectors, n: int, where: dict[str, Any] | None) -> list[Hit]:
        res = self._col.query(
            query_embeddings=[vector.tolist()],
            n_results=n,
            where=where,
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

    @_reachable
    def nearest_ids(self, vector: Vectors, k: int) -> list[tuple[str, float]]:
        # Ids and distances only: reading documents and metadata back from Chroma's SQLite
        # costs ~0.2 ms a row, ten times the vector search itself.
        res = self._col.query(query_embeddings=[vector.tolist()], n_results=k,
                              include=["distances"])
        ids = res["ids"][0] if res["ids"] else []
        dists = (res["distances"] or [[]])[0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, dists, strict=True)]

    @_reachable
    def query(self, vector: Vectors, k: int, filters: SearchFilters | None = None) -> list[Hit]:
        # No count() first: Chroma returns what it has when asked for more (and nothing from
        # an empty collection), and the count was 14 ms of every query on a 60k-chunk store.
        hits = []
        where = _where(filters)
        if where is not None:
            # A `where` clause makes Chroma scan metadata (300+ ms at 60k chunks, against
            # ~20 ms for the plain vector search), so over-fetch unfiltered and filter here;
            # only a window that nothing survives takes the slow exact path. BM25 covers
            # the window exhaustively, so a short dense list costs little recall.
            hits = [h for h in self._query(vector, k * OVERFETCH, None)
                    if _keeps(h.chunk, filters)][:k]
            if not hits:
                hits = self._query(vector, k, where)
        else:
            hits = self._query(vector, k, None)
        # A half-written article (a crash mid-ingest) must not be quoted until it is repaired.
        whole = self._complete_ids([h.chunk for h in hits])
        return [h for h in hits if h.chunk.article_id in whole]

    @_reachable
    def iter_chunks(self, batch: int = 2000) -> Iterable[Chunk]:
        offset = 0
        while True:
            got = self._col.get(include=["documents", "metadatas"], limit=batch, offset=offset)
            if not got["ids"]:
                return
            for doc, meta in zip(got["documents"] or [], got["metadatas"] or [], strict=True):
                yield Chunk.from_record(doc or "", dict(meta))
            offset += len(got["ids"])

    @_reachable
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

    @_reachable
    def articles(self) -> list[ArticleRecord]:
        """Every article with any chunk stored, complete or not (see ArticleRecord.complete)."""
        def metas() -> Iterator[Any]:
            offset = 0
            while True:
                got = self._col.get(include=["metadatas"], limit=5000, offset=offset)
                if not got["ids"]:
                    return
                yield from got["metadatas"] or []
                offset += len(got["ids"])

        return _records(metas())

    @_reachable
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

    @_reachable
    def count_chunks(self) -> int:
        return int(self._col.count())


def _records(metas: Iterable[Any]) -> list[ArticleRecord]:
    """Per-article records from chunk metadata: chunk counts, and the fields of the lowest
    chunk seen (chunk 0 unless a crash lost it)."""
    counts: dict[str, int] = {}
    firsts: dict[str, Chunk] = {}
    for meta in metas:
        aid = str(meta["article_id"])
        counts[aid] = counts.get(aid, 0) + 1
        if aid not in firsts or int(meta["chunk_index"]) < firsts[aid].index:
            firsts[aid] = Chunk.from_record("", dict(meta))
    return [
        ArticleRecord(aid, c.doc_key, c.title, c.source, c.url, c.published_at, counts[aid],
                      c.count)
        for aid, c in firsts.items()
    ]
