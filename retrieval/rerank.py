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
            score = rel * (1 + self.title_weight * overlap)
            recency = 1.0
            if now is not None and intent.half_life_days:
                recency = recency_weight(h.chunk.published_at, now, intent.half_life_days)
                score *= recency ** self.recency_power
            out.append(replace(h, score=score, signals={**h.signals, "title": overlap,
                                                         "recency": recency}))
        return self._with_siblings(out)

    def _with_siblings(self, hits: list[Hit]) -> list[Hit]:
        by_article: dict[str, list[float]] = {}
        for h in hits:
            by_article.setdefault(h.chunk.article_id, []).append(h.score)
        for scores in by_article.values():
            scores.sort(reverse=True)
        out = []
        for h in hits:
            siblings = by_article[h.chunk.article_id]
            # The next best two of the article other than this passage itself.
            others = list(siblings)
            others.remove(h.score)
            bonus = self.sibling_weight * sum(others[:2])
            out.append(replace(h, score=h.score + bonus,
                               signals={**h.signals, "siblings": bonus}))
        out.sort(key=lambda h: -h.score)
        return out
