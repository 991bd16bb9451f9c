"""BM25 over all stored chunks (bm25s), persisted beside the store.

Local Chroma has no hybrid search, so the lexical side runs in-process. The index is
rebuilt after each ingest or delete (bm25s has no incremental update; 45k chunks take
seconds) and loaded from disk at start when it matches the store.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np

from retrieval.background import Background
from retrieval.chunktable import ChunkTable, table_order
from retrieval.types import Chunk, SearchFilters, Store

log = logging.getLogger(__name__)
# bm25s sets its logger to DEBUG at import and logs every index build; keep the CLI quiet.
logging.getLogger("bm25s").setLevel(logging.WARNING)
# 2: the chunk table in columns (table/), not chunks.json. An index saved in another format
# fails the fingerprint and is rebuilt.
_FORMAT = 2


def tokenize(texts: list[str]) -> list[list[str]]:
    out = bm25s.tokenize(texts, stopwords="en", return_ids=False, show_progress=False)
    return [list(t) for t in out]  # type: ignore[union-attr]


def whole_articles(chunks: list[Chunk]) -> list[Chunk]:
    """Drop the chunks of articles a crash left half-written (fewer chunks than recorded)."""
    counts: dict[str, int] = {}
    for c in chunks:
        counts[c.article_id] = counts.get(c.article_id, 0) + 1
    return [c for c in chunks if c.count == 0 or counts[c.article_id] == c.count]


@dataclass(frozen=True)
class _Built:
    """One built index. A search takes it once and uses only it, so a rebuild swapping in
    the next never mixes two versions (hit positions from one, chunks from the other)."""

    retriever: bm25s.BM25
    table: ChunkTable  # row i is the chunk the retriever calls document i

    def mask(self, filters: SearchFilters | None) -> np.ndarray | None:
        if filters is None or filters.is_empty():
            return None
        keep = np.ones(len(self.table), dtype=bool)
        # NaN (undated) compares False, so undated chunks drop out of any date window.
        if filters.since is not None:
            keep &= self.table.ts >= filters.since.timestamp()
        if filters.until is not None:
            keep &= self.table.ts < filters.until.timestamp()
        if filters.sources:
            keep &= self.table.from_sources(filters.sources)
        return keep.astype(np.float32)


class BM25Index:
    def __init__(self, store: Store, directory: Path | None = None) -> None:
        self._store = store
        self._dir = directory
        self._lock = threading.Lock()
        self._built: _Built | None = None
        # Every store change takes the next number; the index is current when it was built
        # after the latest one. (A bare "stale" flag, cleared when a rebuild ends, lost the
        # changes that landed while the rebuild was reading the store.)
        self._changes = itertools.count(1)
        self._latest = 0
        self._built_at = -1
        # The change number a load from disk last failed at (missing or stale index): the
        # question that follows builds at once instead of fingerprinting the store again.
        self._load_failed_at = -1

    def invalidate(self) -> None:
        self._latest = next(self._changes)

    @property
    def chunks(self) -> list[Chunk]:
        """Every indexed chunk, built afresh (slow on a big store: for inspection and tests)."""
        return list(self._built.table) if self._built is not None else []

    def _fingerprint(self) -> dict[str, object]:
        return {"format": _FORMAT, "store": self._store.fingerprint()}

    def _load(self) -> _Built | None:
        if self._dir is None or not (self._dir / "meta.json").exists():
            return None
        try:
            meta = json.loads((self._dir / "meta.json").read_text())
            saved = meta.get("fingerprint") if isinstance(meta, dict) else None
            if not isinstance(saved, dict) or saved.get("format") != _FORMAT:
                return None  # another format's files: never read as this one's
            # The files load while the store reads its ids for the fingerprint (both mostly
            # in native code); on a mismatch they are dropped.
            directory = self._dir
            files = Background(lambda: (
                bm25s.BM25.load(str(directory / "index"), show_progress=False),
                ChunkTable.load(directory / "table")), name="bm25-files")
            if saved != self._fingerprint():
                return None
            retriever, table = files.result()
            return _Built(retriever, table)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("BM25 index at %s unreadable, rebuilding: %s", self._dir, exc)
            return None

    def _build(self) -> _Built:
        # The fingerprint is taken before the chunks are read: a write landing in between
        # makes the saved index disagree with the store (rebuilt next start), never agree
        # with a store it does not cover.
        fingerprint = self._fingerprint()
        chunks = table_order(whole_articles(list(self._store.iter_chunks())))
        table = ChunkTable.of(chunks)
        retriever = bm25s.BM25()
        if chunks:
            retriever.index(tokenize([c.embedding_text() for c in chunks]), show_progress=False)
        if self._dir is not None and chunks:
            try:
                self._save(retriever, table, self._dir, fingerprint)
            except OSError as exc:
                # The index is a cache of the store: a full disk must not fail the ingest
                # that has just stored the articles. It serves from memory, and the next
                # start that finds no whole index on disk rebuilds and saves it.
                log.error("could not save the BM25 index to %s (%s); it is kept in memory "
                          "and saved again at the next start", self._dir,
                          exc.strerror or exc)
        return _Built(retriever, table)

    @staticmethod
    def _save(retriever: bm25s.BM25, table: ChunkTable, directory: Path,
              fingerprint: dict[str, object]) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        # meta.json goes first and comes back last: a save cut short (a full disk, a kill)
        # leaves no meta.json, so the mix of old and new files is never loaded as whole.
        (directory / "meta.json").unlink(missing_ok=True)
        retriever.save(str(directory / "index"), show_progress=False)
        table.save(directory / "table")
        (directory / "chunks.json").unlink(missing_ok=True)  # format 1's table
        (directory / "meta.json").write_text(json.dumps({"fingerprint": fingerprint}))

    def _current(self, wait: bool) -> _Built | None:
        built = self._built
        if built is not None and self._built_at == self._latest:
            return built
        if not self._lock.acquire(blocking=wait):
            # Another thread is rebuilding: search the previous index meanwhile rather than
            # stall every question for the seconds a big rebuild takes.
            return built
        try:
            latest = self._latest  # read before the store, so later changes stay pending
            if self._built is None or self._built_at != latest:
                loaded = self._load() if self._load_failed_at != latest else None
                self._built = loaded or self._build()
                self._built_at = latest
            return self._built
        finally:
            self._lock.release()

    def preload(self) -> Background[None] | None:
        """Start loading the saved index on a thread; the first question waits only for
        what is left of it. Checking the store's fingerprint is Chroma reading every id, in
        native code, so it overlaps the process's own start-up work. Never builds: a
        missing or stale index is built by the first question, as before."""
        if self._dir is None or self._built is not None:
            return None
        return Background(self._preload, name="bm25-preload")

    def _preload(self) -> None:
        with self._lock:
            latest = self._latest
            if self._built is not None and self._built_at == latest:
                return
            loaded = self._load()
            if loaded is None:
                self._load_failed_at = latest
            else:
                self._built, self._built_at = loaded, latest

    def ensure(self) -> None:
        """Bring the index up to date with the store, waiting for a rebuild under way."""
        self._current(wait=True)

    def mask(self, filters: SearchFilters | None) -> np.ndarray | None:
        built = self._current(wait=True)
        return built.mask(filters) if built is not None else None

    def resolve(self, scored: list[tuple[str, float]], k: int,
                filters: SearchFilters | None) -> list[tuple[Chunk, float]] | None:
        """Dense hits (ids) turned into chunks from this index's table and filtered like
        BM25's own results; None if an id is not in the table (the index lags the store,
        or a torn article), so the caller asks the store instead."""
        built = self._current(wait=self._built is None)
        if built is None:
            return None
        keep = built.mask(filters)
        out: list[tuple[Chunk, float]] = []
        for cid, score in scored:
            i = built.table.row(cid)
            if i is None:
                return None
            if keep is None or keep[i]:
                out.append((built.table[i], score))
                if len(out) == k:
                    break
        return out

    def search(
        self, query: str, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[Chunk, float]]:
        built = self._current(wait=self._built is None)
        if built is None or not len(built.table):
            return []
        tokens = tokenize([query])
        if not tokens[0]:
            return []
        mask = built.mask(filters)
        if mask is not None and not mask.any():
            return []
        k = min(k, len(built.table))
        docs, scores = built.retriever.retrieve(
            tokens, k=k, show_progress=False, weight_mask=mask
        )
        out = []
        for idx, score in zip(docs[0], scores[0], strict=True):
            if score > 0:
                out.append((built.table[int(idx)], float(score)))
        return out
