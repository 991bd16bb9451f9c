"""A story's timeline: dated sentences about a topic, ordered by the day they happened.

A sentence's day is its first date phrase resolved against its own article's publish date
("on Monday" in Tuesday 9 April's paper is 8 April), not the publish date. Sentences of one
day that tell the same event (wire copies, or two outlets in their own words) are one event
with all their citations. Only articles about the topic count: their passage (or title)
must hold the topic's words, so a story that shares one word stays out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np

from bot.answer import Citation
from bot.attribution import attribute
from bot.temporal import resolve_dates
from retrieval.sentences import sentence_spans
from retrieval.types import Embedder, Hit

# Two same-day sentences tell one event when their MiniLM cosine reaches this (copies are
# ~1.0; "walked out on Monday" vs "the strike began on Monday" ~0.7; two different events
# of one story on one day measured below 0.6 on tests/data/news_native).
SAME_EVENT_COSINE = 0.66
_STOP = frozenset(
    "the a an of in on at to for by from and or with about over after before what when "
    "where who how why is are was were timeline story news".split())
_WORD = re.compile(r"[a-z0-9]+")


def _stems(text: str) -> set[str]:
    return {w[:5] for w in _WORD.findall(text.casefold()) if len(w) > 2 and w not in _STOP}


@dataclass
class Event:
    day: date
    text: str
    citations: list[Citation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "text": self.text,
                "citations": [c.to_dict() for c in self.citations]}


@dataclass
class Timeline:
    topic: str
    events: list[Event] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "events": [e.to_dict() for e in self.events]}


def about(topic_words: set[str], hit: Hit) -> bool:
    """The hit's article is about the topic: its passage and title hold the topic's words
    (all of them for a one- or two-word topic, two or more otherwise)."""
    have = _stems(hit.chunk.text) | _stems(hit.chunk.title)
    need = len(topic_words) if len(topic_words) <= 2 else max(2, (len(topic_words) + 1) // 2)
    return len(topic_words & have) >= need


@dataclass
class _Dated:
    hit: Hit
    start: int
    end: int
    day: date
    sentence: str


def dated_sentences(topic: str, hits: Sequence[Hit], now: datetime | None,
                    since: datetime | None, until: datetime | None) -> list[_Dated]:
    words = _stems(topic)
    out: list[_Dated] = []
    seen: set[tuple[str, int]] = set()
    for hit in hits:
        if not words or not about(words, hit):
            continue
        c = hit.chunk
        for s, e in sentence_spans(c.text):
            if (c.article_id, c.start + s) in seen:
                continue  # chunk overlap: the same sentence twice
            seen.add((c.article_id, c.start + s))
            sentence = c.text[s:e]
            dates = resolve_dates(sentence, c.published_at)
            if not dates:
                continue
            day = dates[0].day
            if now is not None and day > now.date():
                continue
            if since is not None and day < since.date():
                continue
            if until is not None and day >= until.date():
                continue
            out.append(_Dated(hit, s, e, day, sentence))
    return out


def _citation(d: _Dated, n: int) -> Citation:
    c = d.hit.chunk
    return Citation(
        n=n, article_id=c.article_id, title=c.title, source=c.source, url=c.url,
        published_at=c.published_at, quote=d.sentence, start=c.start + d.start,
        end=c.start + d.end,
        resolved_dates=tuple((r.phrase, r.day.isoformat())
                             for r in resolve_dates(d.sentence, c.published_at) if r.relative),
        score=d.hit.score, attributed_to=attribute(d.sentence),
    )


def build_timeline(topic: str, hits: Sequence[Hit], embedder: Embedder,
                   now: datetime | None = None, since: datetime | None = None,
                   until: datetime | None = None) -> Timeline:
    dated = dated_sentences(topic, hits, now, since, until)
    if not dated:
        return Timeline(topic)
    # Earliest report first: it gives the event its wording.
    dated.sort(key=lambda d: (d.day, d.hit.chunk.published_at.timestamp()
                              if d.hit.chunk.published_at else float("inf"),
                              d.hit.chunk.article_id, d.start))
    vecs = np.asarray(embedder.embed([" ".join(d.sentence.split()) for d in dated]))
    groups: list[list[int]] = []
    for i, d in enumerate(dated):
        for g in groups:
            head = g[0]
            if dated[head].day == d.day and float(vecs[head] @ vecs[i]) >= SAME_EVENT_COSINE:
                if all(dated[j].hit.chunk.article_id != d.hit.chunk.article_id for j in g):
                    g.append(i)
                break
        else:
            groups.append([i])
    events = []
    for g in groups:
        first = dated[g[0]]
        cites = [_citation(dated[j], n + 1) for n, j in enumerate(g)]
        events.append(Event(first.day, " ".join(first.sentence.split()), cites))
    events.sort(key=lambda e: e.day)
    return Timeline(topic, events)
