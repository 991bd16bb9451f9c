"""The chunk table the BM25 index keeps beside the store, in columns rather than objects.

At start the BM25 index needs, for every stored chunk, what a search returns (the Chunk) and
what a filter tests (publish time, source). As 62,876 Chunk objects parsed from JSON that
was 1.2 s of a cold start; as a few numpy arrays, one UTF-8 text blob (memory-mapped) and a
small per-article table it loads in milliseconds, and a Chunk is built only for a row a
search actually returns.

Rows are sorted by (article id, chunk index), so an article's chunks are one contiguous run
and a chunk id finds its row through a dict of articles, not of chunks.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path

import numpy as np

from retrieval.types import Chunk

# What every chunk of one article shares (one row of the article table). Chunks are grouped
# by all of it, not by the id alone, so a table round-trips whatever the store holds.
Article = tuple[str, str, str, str, str, datetime | None, int, bool]

_ARTICLES, _COLUMNS, _OFFSETS, _TEXTS = ("articles.json", "columns.npy", "offsets.npy",
                                         "texts.npy")
# Per-chunk evidence weight (Chunk.quality); a table saved without it is all 1.0.
_QUALITY = "quality.npy"
# Any str round-trips, lone surrogates included (JSON input can carry them).
_UTF8 = ("utf-8", "surrogatepass")


def _article_of(c: Chunk) -> Article:
    return (c.article_id, c.title, c.source, c.url, c.doc_key, c.published_at, c.count,
            c.title_derived)


def table_order(chunks: Sequence[Chunk]) -> list[Chunk]:
    """The chunks in the order a table keeps them (the BM25 index is built in this order)."""
    return sorted(chunks, key=lambda c: (c.article_id, c.index))


def _replace(path: Path, write: Callable[[Path], object]) -> None:
    """Write a new file and rename it over ``path``: a table still mapping the old file (a
    search running across a rebuild) keeps reading the old inode, never a truncated one."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def _save_array(path: Path, *, array: np.ndarray) -> None:
    with path.open("wb") as fh:  # a file object: np.save would add ".npy" to a path
        np.save(fh, array)


class ChunkTable:
    """Chunks in columns: ``table[i]`` is row i as a Chunk, ``row(chunk_id)`` finds i."""

    def __init__(self, articles: list[Article], columns: np.ndarray, offsets: np.ndarray,
                 texts: np.ndarray, quality: np.ndarray | None = None) -> None:
        # columns: one int64 row per chunk (article row, chunk index, start, end).
        self._articles = articles
        self._article = columns[:, 0]
        self._index = columns[:, 1]
        self._start = columns[:, 2]
        self._end = columns[:, 3]
        self._offsets = offsets  # chunk i's text is texts[offsets[i]:offsets[i + 1]]
        self._texts = texts
        self._quality = quality if quality is not None and len(quality) == len(columns) \
            else None
        stamps = np.array([a[5].timestamp() if a[5] is not None else np.nan for a in articles],
                          dtype=np.float64)
        # Per chunk, for vectorised filters; NaN (undated) fails every date comparison.
        self.ts: np.ndarray = stamps[self._article] if len(articles) else np.zeros(0)
        self._sources = np.array([a[2] for a in articles], dtype=object)
        # Article id -> its run of rows [lo, hi): a run starts where the id changes.
        aid = np.array([a[0] for a in articles], dtype=object)[self._article]
        starts = np.flatnonzero(np.concatenate([[True], aid[1:] != aid[:-1]])) if len(aid) \
            else np.zeros(0, dtype=np.int64)
        bounds = [*starts.tolist(), len(aid)]
        self._runs: dict[str, tuple[int, int]] = {
            str(aid[lo]): (lo, bounds[k + 1]) for k, lo in enumerate(bounds[:-1])}

    @classmethod
    def of(cls, chunks: Sequence[Chunk]) -> ChunkTable:
        """The table of these chunks, which must be in ``table_order``."""
        rows: dict[Article, int] = {}
        columns = np.zeros((len(chunks), 4), dtype=np.int64)
        offsets = np.zeros(len(chunks) + 1, dtype=np.int64)
        quality = np.array([c.quality for c in chunks], dtype=np.float32)
        blobs: list[bytes] = []
        for i, c in enumerate(chunks):
            if i and (c.article_id, c.index) <= (chunks[i - 1].article_id, chunks[i - 1].index):
                raise ValueError("chunks must be in table_order (by article id, then index)")
            columns[i] = (rows.setdefault(_article_of(c), len(rows)), c.index, c.start, c.end)
            blobs.append(c.text.encode(*_UTF8))
            offsets[i + 1] = offsets[i] + len(blobs[-1])
        texts = np.frombuffer(b"".join(blobs), dtype=np.uint8)
        return cls(list(rows), columns, offsets, texts,
                   quality if bool((quality < 1.0).any()) else None)

    def __len__(self) -> int:
        return len(self._article)

    def __getitem__(self, i: int) -> Chunk:
        a = self._articles[int(self._article[i])]
        text = self._texts[self._offsets[i]:self._offsets[i + 1]].tobytes().decode(*_UTF8)
        return Chunk(article_id=a[0], index=int(self._index[i]), text=text,
                     start=int(self._start[i]), end=int(self._end[i]), title=a[1],
                     source=a[2], url=a[3], published_at=a[5], doc_key=a[4], count=a[6],
                     title_derived=a[7],
                     quality=float(self._quality[i]) if self._quality is not None else 1.0)

    def __iter__(self) -> Iterator[Chunk]:
        return (self[i] for i in range(len(self)))

    def row(self, chunk_id: str) -> int | None:
        aid, _, index = chunk_id.rpartition(":")
        run = self._runs.get(aid)
        if run is None or not index.isdigit():
            return None
        lo, hi = run
        at = lo + int(np.searchsorted(self._index[lo:hi], int(index)))
        return at if at < hi and self._index[at] == int(index) else None

    def from_sources(self, sources: Sequence[str]) -> np.ndarray:
        """Per chunk: is its source one of these."""
        return np.isin(self._sources, list(sources))[self._article]

    # Persistence ----------------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        arrays = {_COLUMNS: np.stack([self._article, self._index, self._start, self._end],
                                     axis=1),
                  _OFFSETS: self._offsets, _TEXTS: np.asarray(self._texts)}
        if self._quality is not None:
            arrays[_QUALITY] = self._quality
        else:
            (directory / _QUALITY).unlink(missing_ok=True)
        for name, array in arrays.items():
            _replace(directory / name, functools.partial(_save_array, array=array))
        rows = [[*a[:5], a[5].isoformat() if a[5] is not None else None, a[6], a[7]]
                for a in self._articles]
        _replace(directory / _ARTICLES, lambda tmp: tmp.write_text(json.dumps(rows)))

    @classmethod
    def load(cls, directory: Path) -> ChunkTable:
        """The table saved in ``directory``; ValueError if its files do not make one."""
        raw = json.loads((directory / _ARTICLES).read_text())
        try:
            articles: list[Article] = [
                (str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]),
                 datetime.fromisoformat(r[5]) if r[5] is not None else None, int(r[6]),
                 # Tables saved before titles were marked derived have seven columns.
                 bool(r[7]) if len(r) > 7 else False)
                for r in raw]
        except (TypeError, IndexError, KeyError) as exc:
            raise ValueError(f"chunk table at {directory}: bad article row ({exc})") from exc
        columns = np.load(directory / _COLUMNS)
        offsets = np.load(directory / _OFFSETS)
        # Mapped, not read: a question touches the text of a few dozen rows out of 40 MB.
        texts = (np.load(directory / _TEXTS, mmap_mode="r") if len(offsets) and offsets[-1]
                 else np.zeros(0, dtype=np.uint8))  # an empty file cannot be mapped
        if (columns.ndim != 2 or columns.shape[1] != 4 or len(offsets) != len(columns) + 1
                or (len(columns) and (int(columns[:, 0].max()) >= len(articles)
                                      or int(offsets[-1]) != len(texts)))):
            raise ValueError(f"chunk table at {directory} is inconsistent")
        quality = np.load(directory / _QUALITY) if (directory / _QUALITY).exists() else None
        return cls(articles, columns, offsets, texts, quality)
