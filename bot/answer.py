"""Answers as plain data: every front door (CLI, Discord, SDK, JSON) renders these."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Report:
    """Another article that carries a cited story."""

    source: str
    title: str
    url: str
    published_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "title": self.title, "url": self.url,
                "published_at": self.published_at.isoformat() if self.published_at else None}


@dataclass(frozen=True)
class ConflictValue:
    """One value a source gives for a disputed quantity."""

    kind: str  # "deaths", "turnout", …
    value: str  # as written: "nine", "61 percent"
    attributed_to: str | None
    citation: int  # the Citation.n that holds it

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Citation:
    """One cited passage: ``quote == article_body[start:end]``."""

    n: int
    article_id: str
    title: str
    source: str
    url: str
    published_at: datetime | None
    quote: str
    start: int
    end: int
    # Relative date phrases in the quote with the day each means, e.g. ("on Monday", "2020-10-12").
    resolved_dates: tuple[tuple[str, str], ...] = ()
    verified: bool = True
    score: float = 0.0
    # Who the quote attributes its claim to ("the union", "officials in Baku"), or None.
    attributed_to: str | None = None
    # Other articles carrying the same story (wire copies, light rewrites), folded into this one.
    also_reported_by: tuple[Report, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["published_at"] = self.published_at.isoformat() if self.published_at else None
        d["resolved_dates"] = [{"phrase": p, "date": day} for p, day in self.resolved_dates]
        d["also_reported_by"] = [r.to_dict() for r in self.also_reported_by]
        return d


@dataclass(frozen=True)
class ClaimCheck:
    """How one sentence of a generated answer fared against the passages it cited."""

    claim: str
    cited: tuple[int, ...]  # source numbers the model wrote
    # supported | recited (held by another prompt source than the one cited) | unsupported
    # | no_source (cited a number that is no source) | uncited
    verdict: str
    citations: tuple[int, ...] = ()  # citation numbers shown for it
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "cited": list(self.cited), "citations": list(self.citations),
                "score": round(self.score, 4)}


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    # The shortest span that answers ("Monday 12 October 2020", "Moscow"); None if only a
    # whole sentence answers.
    short_answer: str | None = None
    answerer: str = "extractive"
    timings_ms: dict[str, float] = field(default_factory=dict)
    # One line for the user when something degraded (model down, fallback used).
    notice: str | None = None
    # Generated answers: each claim the model made and whether its citation held.
    checks: list[ClaimCheck] = field(default_factory=list)
    # Sources give different values for what was asked: each value with its source.
    conflict: bool = False
    conflict_values: list[ConflictValue] = field(default_factory=list)
    # The reader's best span when it is not sure enough to show one as ``short_answer``.
    # Never rendered; quiz benchmarks that demand a span (``newsbot eval``) score it.
    guess: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "short_answer": self.short_answer,
            "abstained": self.abstained,
            "answerer": self.answerer,
            "notice": self.notice,
            "citations": [c.to_dict() for c in self.citations],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "checks": [c.to_dict() for c in self.checks],
            "conflict": self.conflict,
            "conflict_values": [v.to_dict() for v in self.conflict_values],
        }
