"""Reranking the fused candidates. No cross-encoder weights ship on PyPI, so the default is
a learning-free blend of the signals we already have; the Reranker protocol is the seam for
a cross-encoder or an LLM reranker."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from retrieval.timewindow import TimeIntent, recency_weight
from retrieval.types import Hit

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("""a an the of to in on at for from by with and or is are was were be this
that which what who when where how why did does do has have had will it its as after
before about into over this week""".split())


def _terms(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


class Reranker(Protocol):
    def rerank(self, query: str, hits: list[Hit], intent: TimeIntent,
               now: datetime | None) -> list[Hit]: ...


@dataclass
class SignalReranker:
    """score = fused RRF score x recency prior, plus a nudge for headline overlap.

    Time is the strongest signal in news: with a "now", a passage from a month-old article
    must beat today's only on clearly better text evidence.
    """

    title_weight: float = 0.15
    recency_power: float = 1.0
    # An article that matches in several passages is more likely about the question than one
    # lucky passage: each passage gains this share of its article's next best two passages'
    # scores, so an article ranks by best + w x (2nd + 3rd).
    sibling_weight: float = 0.2
    # Siblings whose words mostly repeat a passage already counted (the same paragraph
    # pasted again) add nothing: an article's own repetition is no second piece of evidence.
    # Overlapping neighbours share at most the chunk overlap (a fifth of a chunk), far below.
    sibling_max_overlap: float = 0.6

    def rerank(self, query: str, hits: list[Hit], intent: TimeIntent,
               now: datetime | None) -> list[Hit]:
        if not hits:
            return hits
        q = _terms(query)
        top = max(h.score for h in hits) or 1.0
        out = []
        for h in hits:
            rel = h.score / top
            title = _terms(h.chunk.title)
            overlap = len(q & title) / len(q) if q else 0.0
            # A junk section kept beside its article's real text (ingest/quality.py) counts
            # for what it is worth as evidence.
            score = rel * (1 + self.title_weight * overlap) * h.chunk.quality
            recency = 1.0
            if now is not None and intent.half_life_days:
                recency = recency_weight(h.chunk.published_at, now, intent.half_life_days)
                score *= recency ** self.recency_power
            out.append(replace(h, score=score, signals={**h.signals, "title": overlap,
                                                         "recency": recency}))
        return self._with_siblings(out)

    def _with_siblings(self, hits: list[Hit]) -> list[Hit]:
        by_article: dict[str, list[Hit]] = {}
        for h in hits:
            by_article.setdefault(h.chunk.article_id, []).append(h)
        for group in by_article.values():
            group.sort(key=lambda x: -x.score)
        words: dict[int, set[str]] = {}

        def terms(x: Hit) -> set[str]:
            if id(x) not in words:
                words[id(x)] = _terms(x.chunk.text)
            return words[id(x)]

        out = []
        for h in hits:
            # The next best two distinct passages of the article other than this one.
            kept: list[Hit] = [h]
            others: list[float] = []
            for s in by_article[h.chunk.article_id]:
                if s is h:
                    continue
                if len(others) == 2:
                    break
                if any(_jaccard(terms(s), terms(k)) > self.sibling_max_overlap for k in kept):
                    continue
                kept.append(s)
                others.append(s.score)
            bonus = self.sibling_weight * sum(others)
            out.append(replace(h, score=h.score + bonus,
                               signals={**h.signals, "siblings": bonus}))
        out.sort(key=lambda h: -h.score)
        return out
