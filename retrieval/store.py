"""The Chroma store: embedded (PersistentClient) by default, a `chroma run` server by URL."""

from __future__ import annotations

import errno
import functools
import hashlib
import logging
import math
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlparse

import httpx

from retrieval.chroma_adapter import evict_system, override_checks_off
from retrieval.types import (
    ArticleRecord,
    Chunk,
    Hit,
    SearchFilters,
    StoreFull,
    StoreUnavailable,
    Vectors,
)

log = logging.getLogger(__name__)

# Chroma rejects adds larger than its max batch (5,461 here); stay under it.
MAX_BATCH = 5000
# Filtered dense queries fetch this many times k unfiltered, then filter in Python. On
# RealTime QA dev, 1-2x the search depth scored as well as Chroma's exact filtered list
# (BM25 covers the window exhaustively) at a third of the query time of 6x.
OVERFETCH = 2
# Similarities equal to this many digits are a tie (float noise between identical vectors).
TIE_DIGITS = 6


# How a full disk shows through chromadb: SQLite's SQLITE_FULL (seen on a full tmpfs as
# "InternalError: ... (code: 13) database or disk is full") or the OS's ENOSPC. It can
# also come out as "Error in compaction: Failed to apply logs to the metadata segment",
# which names no cause: then the free space left on the disk decides (see _low_disk).
_DISK_FULL = ("database or disk is full", "no space left on device")
# A failed write with less than this free (or 1/20 of the disk, if smaller) is a full disk.
LOW_DISK_BYTES = 64 * 1024 * 1024


def disk_full(exc: BaseException) -> str | None:
    """What said the disk is full, if ``exc`` (or an exception behind it) is that."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno == errno.ENOSPC:
            return os.strerror(errno.ENOSPC)
        said = next((m for m in _DISK_FULL if m in str(seen).lower()), None)
        if said:
            return said
        seen = seen.__cause__ or seen.__context__
    return None


def _full_disk_cause(store: object, exc: BaseException) -> str | None:
    """Why ``exc`` looks like a full disk under ``store``, or None."""
    said = disk_full(exc)
    if said is not None:
        return said
    low = store._low_disk() if isinstance(store, ChromaStore) else None
    if low is None:
        return None
    first = (str(exc).strip().splitlines() or [""])[0][:120]
    return f"{low}; Chroma said {type(exc).__name__}: {first}"


def _store_full(where: str, cause: str) -> StoreFull:
    return StoreFull(f"no space left on the disk holding the archive at {where} ({cause}); "
                     "free some space")


P = ParamSpec("P")
R = TypeVar("R")


def _reachable(method: Callable[P, R]) -> Callable[P, R]:
    """A Chroma server that goes away mid-run, or a full disk, surfaces as one clear line
    (StoreUnavailable, StoreFull), not as a traceback from deep inside chromadb."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except StoreUnavailable:
            raise
        except httpx.TransportError as exc:
            where = getattr(args[0], "location", "?")
            raise StoreUnavailable(
                f"Chroma server at {where} is unreachable ({type(exc).__name__}: {exc}); "
                "is `chroma run` up?"
            ) from exc
        except Exception as exc:
            cause = _full_disk_cause(args[0], exc)
            if cause is None:
                raise
            if isinstance(args[0], ChromaStore):
                args[0]._writes_wedged = True
            raise _store_full(getattr(args[0], "location", "?"), cause) from exc

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
    return filters is None or filters.admits(chunk)


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
        self._url = url
        self._name = collection
        self._reopen_lock = threading.Lock()
        if not url and path is None:
            raise ValueError("ChromaStore needs a path or a url")
        if url:
            self.location = url
        else:
            assert path is not None
            self.location = str(Path(path).resolve())
        self._client: Any = None
        self._collection: Any = None
        self._writes_wedged = False
        self._whole: set[str] = set()  # articles known to have all their chunks stored
        self._open()

    def _open(self) -> None:
        with override_checks_off():
            self._open_client()

    def _open_client(self) -> None:
        import chromadb
        from chromadb.config import Settings

        settings = Settings(anonymized_telemetry=False)
        try:
            if self._url:
                parsed = urlparse(self._url)
                self._client = chromadb.HttpClient(
                    host=parsed.hostname or "127.0.0.1",
                    port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                    ssl=parsed.scheme == "https",
                    settings=settings,
                )
            else:
                Path(self.location).mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=self.location, settings=settings)
            self._collection = self._client.get_or_create_collection(
                self._name,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
            )
        except Exception as exc:  # chromadb raises many types for "cannot reach/open"
            cause = _full_disk_cause(self, exc)
            if cause is not None:  # opening replays Chroma's log, which needs room
                raise _store_full(self.location, cause) from exc
            raise StoreUnavailable(
                f"cannot open Chroma store at {self._url or self.location}: {exc}") from exc

    @property
    def _col(self) -> Any:
        if self._collection is None:
            with self._reopen_lock:
                if self._collection is None:
                    self._open()
        return self._collection

    def _before_write(self) -> None:
        """Chroma 1.5's embedded backend hangs on every write after one failed for a full
        disk (seen on a full tmpfs), though it still reads, and a new process writes fine
        once space is freed. So after such a failure, reads go on as before; a write while
        the disk is still nearly full fails at once; a write once there is room again first
        reopens Chroma afresh (a fresh one cannot open on a full disk: it must replay its
        log), so the same NewsBot finishes the ingest."""
        if not self._writes_wedged:
            return
        low = self._low_disk()
        if low is not None:
            raise _store_full(self.location, low)
        self._drop_client()
        self._writes_wedged = False

    def _drop_client(self) -> None:
        """Close the client and evict Chroma's cached system for this path, so the next
        call opens a fresh one."""
        if self._url or self._client is None:
            return
        with self._reopen_lock:
            client, self._client, self._collection = self._client, None, None
            if not evict_system(client):
                log.warning("could not evict Chroma's cached system for %s (chromadb's "
                            "internals changed; see retrieval/chroma_adapter.py): the "
                            "reopened store may still hang on writes", self.location)

    def _low_disk(self) -> str | None:
        """Why a failure is likely a full disk: an embedded store with almost no room left."""
        if self._url:
            return None
        try:
            usage = shutil.disk_usage(self.location)
        except OSError:
            return None
        if usage.free >= min(LOW_DISK_BYTES, usage.total // 20):
            return None
        return f"only {usage.free // 1024} KiB free"

    @_reachable
    def add_chunks(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        self._before_write()
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
        self._before_write()
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
        # Wire copies embed to the same vector and HNSW returns equals in any order: ids
        # break the tie, so one question gets one answer on every run.
        hits.sort(key=lambda h: (-round(h.score, TIE_DIGITS), h.chunk.id))
        return hits

    @_reachable
    def nearest_ids(self, vector: Vectors, k: int) -> list[tuple[str, float]]:
        # Ids and distances only: reading documents and metadata back from Chroma's SQLite
        # costs ~0.2 ms a row, ten times the vector search itself.
        res = self._col.query(query_embeddings=[vector.tolist()], n_results=k,
                              include=["distances"])
        ids = res["ids"][0] if res["ids"] else []
        dists = (res["distances"] or [[]])[0]
        pairs = [(i, 1.0 - float(d)) for i, d in zip(ids, dists, strict=True)]
        return sorted(pairs, key=lambda p: (-round(p[1], TIE_DIGITS), p[0]))

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
            # Big pages: each offset makes Chroma skip past every earlier row again (four
            # pages of 20,000 took twice as long as one of 100,000 at 62,876 chunks).
            got = self._col.get(include=[], limit=100_000, offset=offset)
            if not got["ids"]:
                break
            ids.extend(got["ids"])
            offset += len(got["ids"])
        h.update("".join(f"{i}\n" for i in sorted(ids)).encode())  # one update: half the time
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
