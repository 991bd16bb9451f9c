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
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from bot.answer import Citation
from bot.attribution import attribute
from bot.temporal import resolve_dates
from bot.topicwords import about, tokens, topic_words
from retrieval.sentences import sentence_spans
from retrieval.types import Embedder, Hit

# Two same-day sentences tell one event when their MiniLM cosine reaches this. Measured on
# hand-written pairs: one event in two outlets' words 0.58-0.88 (one paraphrase sharing no
# words, 0.23, stays two lines); two events of one story on one day 0.09-0.32. Copies are 1.0.
SAME_EVENT_COSINE = 0.5
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


@dataclass
class _Dated:
    hit: Hit
    start: int
    end: int
    day: date
    sentence: str


# "will meet on Friday": a weekday in a sentence about what is to come is the next one,
# not (news style for what happened) the last one.
_FUTURE = re.compile(r"\b(?:will|(?:is|are)\s+(?:due|expected|scheduled)\s+to|plans?\s+to)\b",
                     re.IGNORECASE)
_WEEKDAY = re.compile(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
                      re.IGNORECASE)
# A dateline opening the copy ("ROTTERDAM (Harbour Gazette) - "): not the event's words.
_DATELINE = re.compile(r"^[A-Z][A-Z .,'’-]{2,40}(?:\([^)]{1,60}\))?\s*[-–—]\s+")


def event_day(sentence: str, published: datetime | None) -> date | None:
    """The day the sentence's event happened: its first date phrase, resolved against the
    article's publish date; a weekday after "will" is the coming one."""
    dates = resolve_dates(sentence, published)
    if not dates:
        return None
    first = dates[0]
    day = first.day
    if (published is not None and first.relative and _WEEKDAY.search(first.phrase)
            and _FUTURE.search(sentence[: first.start]) and day < published.date()):
        day = day + timedelta(days=7)
    return day


def dated_sentences(topic: str, hits: Sequence[Hit], now: datetime | None,
                    since: datetime | None, until: datetime | None) -> list[_Dated]:
    words = topic_words(topic)
    if not words:
        return []
    # Relevance is decided per article, over all its retrieved passages and its title.
    seen_words: dict[str, set[str]] = {}
    for hit in hits:
        got = seen_words.setdefault(hit.chunk.article_id, tokens(hit.chunk.title))
        got |= tokens(hit.chunk.text)
    relevant = {aid for aid, toks in seen_words.items() if about(words, toks)}
    out: list[_Dated] = []
    seen: set[tuple[str, int]] = set()
    for hit in hits:
        if hit.chunk.article_id not in relevant:
            continue
        c = hit.chunk
        for s, e in sentence_spans(c.text):
            if (c.article_id, c.start + s) in seen:
                continue  # chunk overlap: the same sentence twice
            seen.add((c.article_id, c.start + s))
            sentence = c.text[s:e]
            day = event_day(sentence, c.published_at)
            if day is None:
                continue
            if now is not None and day > now.date():
                continue
            if c.published_at is not None and day > c.published_at.date():
                continue  # a plan ("will divert ships on Friday"), not yet an event
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
        events.append(Event(first.day, _DATELINE.sub("", " ".join(first.sentence.split())),
                            cites))
    events.sort(key=lambda e: e.day)
    return Timeline(topic, events)
