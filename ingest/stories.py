"""Story clusters: syndicated copies and light rewrites of one article, found by MinHash.

Each copy stays its own article in the store; a cluster only names which articles carry the
same story, so answers can cite one and list the others (``also_reported_by``) and search
can keep the top-k from being five copies of one story.

Clusters are computed from article text alone (word shingles → MinHash → LSH candidates →
exact checks on the two texts: shared shingles for a copy, shared sentences for a rewrite →
union-find), never from vectors, so they are rebuilt from the
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
from retrieval.sentences import sentence_spans
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
# - Rewrites ("Dockers at Rotterdam's port walked out …" for "Dock workers at the port of
#   Rotterdam walked out …") share few 5-word runs (0.29 for a light edit) but keep most
#   sentences: LSH proposes pairs from this estimated Jaccard on, and a pair published
#   within REWRITE_DAYS whose shorter text has REWRITE_ALIGNED of its sentences (of at least
#   REWRITE_SENTENCE_WORDS words) nearly word for word in the other is one story. On
#   RealTime QA, 0.7 added a truncated copy and a wire rewrite; every pair from 0.5 to 0.68
#   was two articles (follow-ups, pages sharing a "related stories" block).
CANDIDATE_JACCARD = 0.2
REWRITE_DAYS = 2.0
REWRITE_ALIGNED = 0.7
REWRITE_SENTENCE_WORDS = 6
# - ...and the shorter text's first sentence is among the other's first few.
LEAD_SENTENCES = 3
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


def jaccard(a: set[bytes], b: set[bytes]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _days_apart(a: datetime | None, b: datetime | None) -> float:
    if a is None or b is None:
        return 0.0
    return abs((a - b).total_seconds()) / 86400


def cluster_signatures(
    sigs: dict[str, np.ndarray], dates: dict[str, datetime | None],
    same_story: Callable[[str, str], bool] | None = None,
) -> dict[str, str]:
    """article id → cluster key (the smallest article id of its cluster).

    LSH proposes pairs whose estimated Jaccard may reach CANDIDATE_JACCARD; ``same_story``
    (exact checks on the texts) decides, else the estimate against THRESHOLD."""
    # Weighted for recall: a missed candidate is a missed copy, a spare one costs a check.
    lsh = MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=NUM_PERM, weights=(0.1, 0.9))
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
            if same_story is not None:
                joined = same_story(aid, other)
            else:
                joined = (m.jaccard(minhashes[other]) >= THRESHOLD
                          and _days_apart(dates.get(aid), dates.get(other)) <= MAX_DAYS_APART)
            if joined:
                ra, rb = find(aid), find(other)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    return {aid: find(aid) for aid in sigs}


def _sentence_words(text: str) -> list[set[str]]:
    out = []
    for s, e in sentence_spans(text):
        words = {w.casefold() for w in _WORD.findall(text[s:e])}
        if len(words) >= REWRITE_SENTENCE_WORDS:
            out.append(words)
    return out


def aligned(a: str, b: str) -> float:
    """Share of the shorter text's sentences that the other text also tells, nearly word for
    word (word-set Jaccard >= 0.5): a rewrite keeps most sentences, reworded a little."""
    sa, sb = _sentence_words(a), _sentence_words(b)
    if len(sa) > len(sb):
        sa, sb = sb, sa
    if len(sa) < 2:
        return 0.0

    def told(x: set[str], among: list[set[str]]) -> bool:
        return max((len(x & y) / len(x | y) for y in among), default=0.0) >= 0.5

    # A rewrite or a cut copy keeps the lead; a digest that quotes a story further down
    # ("Hurricane Ian, credit scores, …, human composting") is not a copy of it.
    if not told(sa[0], sb[:LEAD_SENTENCES]):
        return 0.0
    return sum(told(x, sb) for x in sa) / len(sa)


_FIGURE = re.compile(r"\d[\d,.]*\d|\d")
# A copy or a rewrite keeps the story's figures: at least this share of the figures of the
# article with fewer of them is in the other. Templated reports (council votes district by
# district, daily tallies) share their phrasing and differ in exactly these.
SAME_FIGURES = 0.5


def same_figures(a: str, b: str) -> bool:
    fa, fb = set(_FIGURE.findall(a)), set(_FIGURE.findall(b))
    if not fa or not fb:
        return True
    return len(fa & fb) >= SAME_FIGURES * min(len(fa), len(fb))


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

    def same_story(a: str, b: str) -> bool:
        # The estimate only proposes (128 permutations are off by up to ~0.08, enough to
        # join two daily newsletters); the texts decide.
        apart = _days_apart(dates.get(a), dates.get(b))
        if apart > MAX_DAYS_APART:
            return False
        if not same_figures(texts[a], texts[b]):
            return False  # one template, other news: "Item 7 passed with 27 votes"
        if jaccard(shingles(texts[a]) - boiler, shingles(texts[b]) - boiler) >= THRESHOLD:
            return True  # a copy
        return apart <= REWRITE_DAYS and aligned(texts[a], texts[b]) >= REWRITE_ALIGNED

    keys.update(cluster_signatures(sigs, dates, same_story))
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

