"""Reading, chunking, embedding and storing articles: dedup by content, upsert by source key."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest import quality
from ingest.article import Article
from ingest.chunking import chunk_article
from ingest.fetch import Fetcher, is_url
from ingest.pipeline import Writer, background, read_files
from ingest.readers import (
    MAX_FILE_BYTES,
    ReadFailure,
    ReadWarning,
    is_streamed,
    iter_files,
    open_binary,
)
from ingest.web import read_url
from retrieval.types import Chunk, Embedder, Store, Vectors

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    added: int = 0
    unchanged: int = 0
    updated: int = 0
    failed: int = 0
    chunks_written: int = 0
    failures: list[ReadFailure] = field(default_factory=list)
    # Articles kept as given but worth a look (a publish date in the future, say).
    warnings: list[ReadWarning] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "added": self.added,
            "unchanged": self.unchanged,
            "updated": self.updated,
            "failed": self.failed,
            "chunks_written": self.chunks_written,
            "failures": [str(f) for f in self.failures],
            "warnings": [str(w) for w in self.warnings],
        }


# Called as articles are done with (done, expected total or None); the total is an estimate
# (lines of JSON Lines files, one per other file or URL) and grows if it is passed.
Progress = Callable[[int, int | None], None]


@dataclass
class _Write:
    """One article to write, and the stored articles it replaces."""

    article: Article
    chunks: list[Chunk]
    # Left over by a crash: chunks of this same article from an unfinished write.
    repair: bool
    # Other articles stored under the same doc_key (older versions of it).
    superseded: list[str]


def estimate_articles(sources: Sequence[Path | ReadFailure | str]) -> int:
    """A cheap article count for progress: JSON Lines lines are counted (streamed), every
    other file or URL counts one."""
    total = 0
    for s in sources:
        if isinstance(s, Path) and is_streamed(s):
            try:
                with open_binary(s) as fh:
                    # Newlines counted in blocks: one huge line must not be read whole.
                    total += max(1, sum(block.count(b"\n")
                                        for block in iter(lambda: fh.read(1 << 20), b"")))
            except (OSError, EOFError, zlib.error):
                total += 1
        else:
            total += 1
    return total


def embed_once(embedder: Embedder, texts: Sequence[str]) -> Vectors:
    """Vectors for ``texts``, each distinct text embedded once (a block pasted a thousand
    times, or a press release's identical paragraphs, cost one embedding)."""
    distinct = list(dict.fromkeys(texts))
    if len(distinct) == len(texts):
        return embedder.embed(texts)
    at = {t: i for i, t in enumerate(distinct)}
    vectors = embedder.embed(distinct)
    return vectors[[at[t] for t in texts]] if len(texts) else vectors


class Indexer:
    """Writes articles into a Store. An edited article (same source key, new content) replaces
    its old chunks; identical content from anywhere is stored once.

    Crash safety: every chunk records its article's chunk count, so an article cut short by
    a kill is seen as incomplete (hidden from queries, rewritten on the next run), and an
    older version left beside its replacement (killed between write and delete) is removed
    when the next run meets its doc_key again.
    """

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        chunk_chars: int = 1000,
        overlap_chars: int = 200,
        batch_chunks: int = 512,
        on_change: Callable[[], None] | None = None,
        fetcher: Fetcher | None = None,
        read_workers: int = 2,
        lookup_articles: int = 64,
        max_file_bytes: int = MAX_FILE_BYTES,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.chunk_chars = chunk_chars
        self.overlap_chars = overlap_chars
        # Chunks per embedding call: large enough for length-sorted batches to pad little.
        self.batch_chunks = batch_chunks
        # Lets derived indexes (BM25) know the store changed.
        self.on_change = on_change
        self.fetcher = fetcher
        self.read_workers = read_workers
        # Articles looked up in the store per query (dedup and crash-repair checks).
        self.lookup_articles = lookup_articles
        self.max_file_bytes = max_file_bytes

    def ingest_paths(
        self, paths: Iterable[str | Path], progress: Progress | None = None
    ) -> IngestReport:
        """Files, folders and http(s) URLs (pages, RSS/Atom feeds, sitemaps)."""
        sources: list[Path | ReadFailure | str] = []
        for raw in paths:
            if isinstance(raw, str) and is_url(raw):
                sources.append(raw)
            else:
                sources.extend(iter_files([raw]))
        total = estimate_articles(sources) if progress else None
        return self.ingest(self._read(sources), progress=progress, total=total)

    def _read(self, sources: list[Path | ReadFailure | str]) -> Iterator[Article | ReadFailure]:
        files: list[Path | ReadFailure] = []
        for s in sources:
            if isinstance(s, str):
                yield from read_files(files, self.read_workers, self.max_file_bytes)
                files = []
                if self.fetcher is None:
                    yield ReadFailure(s, "URL ingest is not configured (no fetcher)")
                else:
                    yield from read_url(s, self.fetcher, known=self._known)
            else:
                files.append(s)
        yield from read_files(files, self.read_workers, self.max_file_bytes)

    def _known(self, doc_key: str) -> bool:
        return any(r.complete for r in self.store.stored_articles(doc_keys=[doc_key]))

    def _chunked(self, items: Iterable[Article | ReadFailure]
                 ) -> Iterator[list[tuple[Article, list[Chunk]] | ReadFailure]]:
        group: list[tuple[Article, list[Chunk]] | ReadFailure] = []
        for item in items:
            if isinstance(item, ReadFailure):
                group.append(item)
            else:
                group.append(self._assessed(item))
            if len(group) >= self.lookup_articles:
                yield group
                group = []
        if group:
            yield group

    def _assessed(self, article: Article) -> tuple[Article, list[Chunk]] | ReadFailure:
        """The article's chunks weighted by ingest/quality.py, or a one-line failure when
        the whole article is low-information text."""
        # Where the article came from, as the readers name a failure (a path, a URL).
        where = (article.doc_key.removeprefix("url:").removeprefix("file:") or article.url
                 or article.title[:80])
        reason = (quality.article_junk(article.body) or quality.unrepeated(article.body)
                  or quality.advert(article.body))
        if reason is not None:
            return ReadFailure(where, reason)
        chunks = chunk_article(article, self.chunk_chars, self.overlap_chars)
        weights = quality.chunk_quality(article.body, [(c.start, c.end) for c in chunks])
        reason = quality.all_junk(weights, len(article.body))
        if reason is not None:
            return ReadFailure(where, reason)
        kept = [c if q.weight == 1.0 else replace(c, quality=q.weight)
                for c, q in zip(chunks, weights, strict=True) if q.reason != quality.REPEAT]
        if len(kept) < len(chunks):  # numbered again, so the stored count stays whole
            kept = [replace(c, index=n, count=len(kept)) for n, c in enumerate(kept)]
        return article, kept

    def ingest(
        self,
        items: Iterable[Article | ReadFailure],
        report: IngestReport | None = None,
        progress: Progress | None = None,
        total: int | None = None,
    ) -> IngestReport:
        report = report or IngestReport()
        seen: set[str] = set()
        # doc_key -> article written earlier in this run (the store may not show it yet).
        written: dict[str, str] = {}
        pending: list[_Write] = []
        pending_chunks = 0
        done = 0
        writer: Writer[None] = Writer()
        try:
            for group in background(self._chunked(items)):
                for w in self._plan(group, report, seen, written):
                    pending.append(w)
                    pending_chunks += len(w.chunks)
                    if pending_chunks >= self.batch_chunks:
                        self._flush(pending, report, writer)
                        pending, pending_chunks = [], 0
                done += len(group)
                if progress:
                    progress(done, max(total, done) if total is not None else None)
            self._flush(pending, report, writer)
        finally:
            writer.close()
        return report

    def _plan(
        self,
        group: list[tuple[Article, list[Chunk]] | ReadFailure],
        report: IngestReport,
        seen: set[str],
        written: dict[str, str],
    ) -> Iterator[_Write]:
        """Decide, for each article of a group, whether to write it, and what it replaces."""
        articles = [g for g in group if not isinstance(g, ReadFailure)]
        records = self.store.stored_articles(
            doc_keys=[a.doc_key for a, _ in articles if a.doc_key],
            article_ids=[a.id for a, _ in articles],
        ) if articles else []
        by_id = {r.article_id: r for r in records}
        by_key: dict[str, set[str]] = {}
        for r in records:
            by_key.setdefault(r.doc_key, set()).add(r.article_id)
        for g in group:
            if isinstance(g, ReadFailure):
                report.failed += 1
                report.failures.append(g)
                log.warning("skipped %s", g)
                continue
            article, chunks = g
            for w in article.extra.get("warnings", ()):
                report.warnings.append(w)
                log.warning("%s", w)
            aid = article.id
            report.article_ids.append(aid)
            if aid in seen:
                report.unchanged += 1
                continue
            seen.add(aid)
            same_key = set(by_key.get(article.doc_key, ())) if article.doc_key else set()
            if article.doc_key in written:
                same_key.add(written[article.doc_key])
            # Never delete an article this run has just met under another key.
            superseded = sorted(same_key - seen)
            if article.doc_key:
                written[article.doc_key] = aid
            mine = by_id.get(aid)
            if mine is not None and mine.complete:
                if superseded:  # an edit whose new text is stored already (or a crash
                    # between writing the new version and deleting the old one)
                    yield _Write(article, [], False, superseded)
                else:
                    report.unchanged += 1
                continue
            yield _Write(article, chunks, mine is not None, superseded)

    def _flush(self, pending: list[_Write], report: IngestReport, writer: Writer[None]) -> None:
        if not pending:
            return
        chunks = [c for w in pending for c in w.chunks]
        vectors = embed_once(self.embedder, [c.embedding_text() for c in chunks])
        for w in pending:
            if w.superseded:
                report.updated += 1
            elif w.chunks:
                report.added += 1
        report.chunks_written += len(chunks)
        repair = [w.article.id for w in pending if w.repair]
        superseded = [old for w in pending for old in w.superseded]

        def write() -> None:
            # Leftovers of a half-written copy go first (they are hidden from queries
            # anyway); new chunks land before the versions they replace are deleted, so an
            # edited article is never missing, and a kill in between is repaired next run.
            for aid in repair:
                self.store.delete_article(aid)
            if chunks:
                self.store.add_chunks(chunks, vectors)
            for old in superseded:
                self.store.delete_article(old)
            if self.on_change:
                self.on_change()

        writer.submit(write)

    def repair(self) -> list[str]:
        """Delete every incomplete article (its chunks cut short by a crash) in one scan;
        for stores whose original inputs will not be ingested again."""
        broken = [r.article_id for r in self.store.articles() if not r.complete]
        for aid in broken:
            self.store.delete_article(aid)
        if broken and self.on_change:
            self.on_change()
        return broken

    def delete(self, article_id: str) -> int:
        n = self.store.delete_article(article_id)
        if n and self.on_change:
            self.on_change()
        return n
