"""Reading, chunking, embedding and storing articles: dedup by content, upsert by source key."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ingest.article import Article
from ingest.chunking import chunk_article
from ingest.readers import ReadFailure, iter_files, read_path
from retrieval.types import Chunk, Embedder, Store

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    added: int = 0
    unchanged: int = 0
    updated: int = 0
    failed: int = 0
    chunks_written: int = 0
    failures: list[ReadFailure] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "added": self.added,
            "unchanged": self.unchanged,
            "updated": self.updated,
            "failed": self.failed,
            "chunks_written": self.chunks_written,
            "failures": [str(f) for f in self.failures],
        }


# Called after each input file (or other unit of progress) with (done, total or None).
Progress = Callable[[int, int | None], None]


class Indexer:
    """Writes articles into a Store. An edited article (same source key, new content) replaces
    its old chunks; identical content from anywhere is stored once."""

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        chunk_chars: int = 1000,
        overlap_chars: int = 200,
        batch_chunks: int = 256,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.chunk_chars = chunk_chars
        self.overlap_chars = overlap_chars
        self.batch_chunks = batch_chunks
        # Lets derived indexes (BM25) know the store changed.
        self.on_change = on_change

    def ingest_paths(
        self, paths: Iterable[str | Path], progress: Progress | None = None
    ) -> IngestReport:
        files = list(iter_files(paths))
        report = IngestReport()

        def articles() -> Iterator[Article | ReadFailure]:
            for n, f in enumerate(files, start=1):
                if isinstance(f, ReadFailure):
                    yield f
                else:
                    yield from read_path(f)
                if progress:
                    progress(n, len(files))

        return self.ingest(articles(), report)

    def ingest(
        self, items: Iterable[Article | ReadFailure], report: IngestReport | None = None
    ) -> IngestReport:
        report = report or IngestReport()
        pending: list[tuple[Article, list[Chunk], list[str]]] = []
        pending_chunks = 0
        seen: set[str] = set()
        for item in items:
            if isinstance(item, ReadFailure):
                report.failed += 1
                report.failures.append(item)
                log.warning("skipped %s", item)
                continue
            aid = item.id
            report.article_ids.append(aid)
            previous = [] if not item.doc_key else self.store.article_ids_for_key(item.doc_key)
            if aid in seen or aid in previous or (not previous and self.store.has_article(aid)):
                report.unchanged += 1
                continue
            seen.add(aid)
            chunks = chunk_article(item, self.chunk_chars, self.overlap_chars)
            pending.append((item, chunks, previous))
            pending_chunks += len(chunks)
            if pending_chunks >= self.batch_chunks:
                self._flush(pending, report)
                pending, pending_chunks = [], 0
        self._flush(pending, report)
        return report

    def _flush(self, pending: list[tuple[Article, list[Chunk], list[str]]],
               report: IngestReport) -> None:
        if not pending:
            return
        chunks = [c for _, cs, _ in pending for c in cs]
        vectors = self.embedder.embed([c.embedding_text() for c in chunks])
        # New chunks land before old ones go, so a replaced article is never missing.
        self.store.add_chunks(chunks, vectors)
        report.chunks_written += len(chunks)
        for article, _, previous in pending:
            for old in previous:
                if old != article.id:
                    self.store.delete_article(old)
            if previous:
                report.updated += 1
            else:
                report.added += 1
        if self.on_change:
            self.on_change()

    def delete(self, article_id: str) -> int:
        n = self.store.delete_article(article_id)
        if n and self.on_change:
            self.on_change()
        return n
