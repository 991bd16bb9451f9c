"""Story clusters: syndicated copies and light rewrites of one article, found by MinHash.

Each copy stays its own article in the store; a cluster only names which articles carry the
same story, so answers can cite one and list the others (``also_reported_by``) and search
can keep the top-k from being five copies of one story.

Clusters are computed from article text alone (word shingles → MinHash → LSH candidates →
estimated Jaccard check → union-find), never from vectors, so they are rebuilt from the
stored chunk texts in a sidecar beside the store (like the BM25 index) and an existing
store needs no re-embedding.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

from retrieval.background import Background
from retrieval.types import ArticleRecord, Chunk, Store

log = logging.getLogger(__name__)

# Tuned numbers (measured on the RealTime QA corpus, see README "Wire copies folded"):
# - 5-word shingles: short enough that a light edit (a changed dateline, a reworded lead)
#   leaves most shingles intact, long enough that two stories sharing stock phrases
#   ("said in a statement", boilerplate) do not look alike.
SHINGLE_WORDS = 5
# - 128 permutations: estimated Jaccard within about ±0.04 at the threshold.
NUM_PERM = 128
# - Two articles are copies when their shingle sets overlap by at least this (Jaccard).
#   Copies and rewrites measured well above it; different stories of one topic well below.
THRESHOLD = 0.5
# - Bodies under this many shingles say too little to call copies (teasers, captions).
MIN_SHINGLES = 8
# - Copies of one story are published close together; text that recurs months apart
#   (a standing blurb, an evergreen explainer) is not one story.
MAX_DAYS_APART = 7.0
# - A titled page counts as carrying its story only when this share of the title's words
#   occur in its text (RealTime QA has dozens of pages whose only text is a sign-up form;
#   a rewrite's new headline, "Strike halts Europe's biggest port", still shares 2 of 5).
TITLE_IN_BODY = 0.34
# - Shingles shared by at least this many such text-less pages are boilerplate: dropped
#   from every article, and an article left with less than half its shingles is text-less
#   too (an untitled page holding the same sign-up form).
BOILERPLATE_PAGES = 2
# The hash scheme signatures are saved under (stored signatures must match it).
SCHEME = "affine32"
_FORMAT = 1

_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = SHINGLE_WORDS) -> set[bytes]:
    words = [w.casefold() for w in _WORD.findall(text)]
    if len(words) < n:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)}


def signature(grams: set[bytes]) -> MinHash | None:
    if len(grams) < MIN_SHINGLES:
        return None
    m = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    m.update_batch(list(grams))
    return m


_STOP = frozenset(
    "the a an and or of to in on for at by with from as is are was were be has have had "
    "its it this that what how why who new news says said after over into about".split())


def title_words(title: str) -> set[str]:
    # "Headline | CNN", "Headline - CNN Politics": the part after the last bar or dash is
    # the outlet, not the story.
    head = re.split(r"\s[|\u2013\u2014-]\s(?!.*\s[|\u2013\u2014-]\s)", title)[0]
    return {w.casefold() for w in _WORD.findall(head)
            if len(w) > 2 and w.casefold() not in _STOP and not w.isdigit()}


def about_its_title(title: str, body: str) -> bool:
    """False for a page whose text is not the story its title names: a failed scrape that
    kept only a cookie notice, a newsletter sign-up or a video player's feedback form.
    Such pages are identical across unrelated stories and must never be called copies."""
    words = title_words(title)
    if len(words) < 2:
        return True  # no title to check against
    text = {w.casefold() for w in _WORD.findall(body)}
    return len(words & text) >= TITLE_IN_BODY * len(words)


@dataclass(frozen=True)
class Doc:
    """What clustering needs of one article."""

    article_id: str
    text: str
    published_at: datetime | None = None
    title: str = ""


def _close_in_time(a: datetime | None, b: datetime | None) -> bool:
    if a is None or b is None:
        return True
    return abs((a - b).total_seconds()) <= MAX_DAYS_APART * 86400


def jaccard(a: set[bytes], b: set[bytes]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def cluster_signatures(
    sigs: dict[str, np.ndarray], dates: dict[str, datetime | None],
    exact: Callable[[str, str], float] | None = None,
) -> dict[str, str]:
    """article id → cluster key (the smallest article id of its cluster)."""
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    minhashes: dict[str, MinHash] = {}
    for aid in sorted(sigs):
        m = MinHash(num_perm=NUM_PERM, hashvalues=sigs[aid], scheme=SCHEME)
        minhashes[aid] = m
        lsh.insert(aid, m)
    parent = {aid: aid for aid in sigs}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for aid, m in minhashes.items():
        for other in lsh.query(m):
            if other <= aid:
                continue
            # The estimate finds candidates; the exact overlap decides (a 128-permutation
            # estimate is off by up to ~0.08, enough to join two daily newsletters).
            similar = (exact(aid, other) if exact is not None
                       else m.jaccard(minhashes[other]))
            if similar >= THRESHOLD and _close_in_time(dates.get(aid), dates.get(other)):
                ra, rb = find(aid), find(other)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    return {aid: find(aid) for aid in sigs}


def cluster_docs(docs: Iterable[Doc]) -> dict[str, str]:
    """Cluster key of every article (its own id when it has no copy).

    One article's shingles at a time (the RealTime QA corpus holds ~6 M of them): signatures
    are kept, shingle sets are rebuilt only for the few candidate pairs LSH proposes."""
    docs = list(docs)
    textless = {d.article_id for d in docs if not about_its_title(d.title, d.text)}
    seen: dict[bytes, int] = {}
    for d in docs:
        if d.article_id in textless:
            for g in shingles(d.text):
                seen[g] = seen.get(g, 0) + 1
    boiler = {g for g, n in seen.items() if n >= BOILERPLATE_PAGES}
    del seen
    sigs: dict[str, np.ndarray] = {}
    dates: dict[str, datetime | None] = {}
    keys: dict[str, str] = {}
    for d in docs:
        keys[d.article_id] = d.article_id
        if d.article_id in textless:
            continue
        mine = shingles(d.text)
        kept = mine - boiler if boiler else mine
        if len(kept) * 2 < len(mine):
            continue
        sig = signature(kept)
        if sig is not None:
            sigs[d.article_id] = sig.hashvalues
            dates[d.article_id] = d.published_at
    texts = {d.article_id: d.text for d in docs}

    def exact(a: str, b: str) -> float:
        return jaccard(shingles(texts[a]) - boiler, shingles(texts[b]) - boiler)

    keys.update(cluster_signatures(sigs, dates, exact))
    return keys


def article_texts(chunks: Iterable[Chunk]) -> dict[str, tuple[str, datetime | None]]:
    """Each article's body as far as its chunks cover it (overlaps laid once, by offset)."""
    by_article: dict[str, list[Chunk]] = {}
    for c in chunks:
        by_article.setdefault(c.article_id, []).append(c)
    out: dict[str, tuple[str, datetime | None]] = {}
    for aid, cs in by_article.items():
        cs.sort(key=lambda c: c.start)
        body = ""
        for c in cs:
            if c.start <= len(body):
                body = body[: c.start] + c.text
            else:
                body = body + " " * (c.start - len(body)) + c.text
        out[aid] = (body, cs[0].published_at)
    return out


class StoryIndex:
    """Story clusters of the stored articles, persisted beside the store (stories.json).

    Rebuilt from the stored chunk texts when the store's fingerprint changes (after an
    ingest or delete): about 16 s for the 3,786 RealTime QA articles on 2 cores, no vectors.
    """

    def __init__(self, store: Store, directory: Path | None = None) -> None:
        self._store = store
        self._dir = directory
        self._lock = threading.Lock()
        self._keys: dict[str, str] | None = None
        self._members: dict[str, list[str]] = {}
        self._records: dict[str, ArticleRecord] = {}
        self._stale = True

    def invalidate(self) -> None:
        self._stale = True

    def _load(self, fingerprint: str) -> dict[str, str] | None:
        if self._dir is None:
            return None
        try:
            meta = json.loads((self._dir / "stories.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if meta.get("format") != _FORMAT or meta.get("fingerprint") != fingerprint:
            return None
        keys = meta.get("keys")
        return {str(k): str(v) for k, v in keys.items()} if isinstance(keys, dict) else None

    def _save(self, fingerprint: str, keys: dict[str, str]) -> None:
        if self._dir is None:
            return
        try:
            self._dir.mkdir(parents=True, exist_ok=True)
            # Another process may be saving the same clusters: a temporary file of its own.
            tmp = self._dir / f"stories.json.{os.getpid()}.{threading.get_ident()}.tmp"
            tmp.write_text(json.dumps({"format": _FORMAT, "fingerprint": fingerprint,
                                       "keys": keys}), encoding="utf-8")
            tmp.replace(self._dir / "stories.json")
        except OSError as exc:  # a read-only store still answers; it rebuilds next time
            log.warning("could not save story clusters: %s", exc)

    def preload(self) -> Background[None] | None:
        """Load the saved clusters on a thread (never builds: a missing or stale file is
        rebuilt by the first question that needs it, or by the next ingest)."""
        if self._dir is None or not (self._dir / "stories.json").exists():
            return None
        return Background(self._preload, name="stories-preload")

    def _preload(self) -> None:
        with self._lock:
            if not self._stale:
                return
            try:
                self._refresh(build=False)
            except Exception as exc:  # the first question tries again, and says why
                log.debug("story clusters not preloaded: %s", exc)

    def _refresh(self, build: bool = True) -> None:
        records = {r.article_id: r for r in self._store.articles()}
        fingerprint = f"{_FORMAT}:{self._store.fingerprint()}"
        keys = self._load(fingerprint)
        if keys is None and not build:
            return
        if keys is None:
            texts = article_texts(self._store.iter_chunks())
            keys = cluster_docs(
                Doc(aid, text, published, records[aid].title if aid in records else "")
                for aid, (text, published) in texts.items())
            self._save(fingerprint, keys)
        members: dict[str, list[str]] = {}
        for aid, key in keys.items():
            members.setdefault(key, []).append(aid)
        self._keys, self._members, self._records = keys, members, records
        self._stale = False

    def _current(self) -> dict[str, str]:
        with self._lock:
            if self._stale or self._keys is None:
                self._refresh()
            assert self._keys is not None
            return self._keys

    def cluster_of(self, article_id: str) -> str:
        """The story key of an article (its own id when it has no copies or is unknown)."""
        return self._current().get(article_id, article_id)

    def chunk_key(self, chunk: Chunk) -> str:
        """The hook search diversifies by: one story, one key."""
        return self.cluster_of(chunk.article_id)

    def copies(self, article_id: str) -> list[ArticleRecord]:
        """The other stored articles of this article's story, earliest first."""
        key = self.cluster_of(article_id)
        others = [self._records[a] for a in self._members.get(key, [])
                  if a != article_id and a in self._records]
        return sorted(others, key=lambda r: (r.published_at is None, r.published_at
                                             or datetime.min, r.source, r.article_id))

    def clusters(self) -> list[list[str]]:
        """Every story with more than one article."""
        self._current()
        return [sorted(m) for m in self._members.values() if len(m) > 1]

