"""What every reader shares: the failure record and article validation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ingest.article import Article

MAX_BODY_CHARS = 2_000_000
# Publish dates further ahead than this (time zones put some a few hours ahead) are flagged.
FUTURE_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class _Located:
    where: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        at = f"{self.where}:{self.line}" if self.line is not None else self.where
        # One line always: parser messages sometimes carry newlines.
        return f"{at}: {' '.join(self.reason.split())}"


@dataclass(frozen=True)
class ReadFailure(_Located):
    """One input that could not become an article, with a one-line reason."""


@dataclass(frozen=True)
class ReadWarning(_Located):
    """Something a user should check about an article that was read (kept as given)."""


# "Washington CNN —", "Colombo, Sri Lanka CNN —", "BAKU (Dispatches) –", "LONDON —": where
# and who, not what happened. A few capitalised words ending in an agency in parentheses or
# in capitals ("CNN", "CNN Business", "AP"), then a dash; "The President — who…" is a lead.
DATELINE = re.compile(
    r"^(?:[A-Z][\w.'’&-]*,?\s+){0,5}?(?:\([^()\n]{2,30}\)|[A-Z]{2,}(?:\s+[A-Z][a-z]+)?)"
    r"\s*[—–-]\s+")


def title_from_body(body: str, limit: int = 100) -> str:
    """A fallback title: the lead's first sentence after any dateline, cut at a word
    boundary."""
    from retrieval.sentences import sentence_spans

    dateline = DATELINE.match(body)
    if dateline and dateline.end() < len(body):
        body = body[dateline.end() :]
    spans = sentence_spans(body)
    first = body[spans[0][0] : spans[0][1]] if spans else body
    first = first.strip()
    if len(first) <= limit:
        return first.rstrip(".")
    return first[:limit].rsplit(" ", 1)[0] + "…"


def _date_warnings(article: Article) -> list[str]:
    out = []
    if article.published_at is not None and (
        article.published_at > datetime.now(UTC) + FUTURE_SLACK
    ):
        out.append(f"publish date {article.published_at:%Y-%m-%d} is in the future; "
                   "kept as given, check the source")
    raw = article.extra.get("unparsed_date")
    if raw is not None and article.published_at is None:
        out.append(f"publish date {str(raw)[:60]!r} not understood; stored undated")
    return out


# C0 and C1 control characters other than tab and newline (a carriage return becomes a
# newline): terminal escapes, NULs and bells in stored text reach every front door that
# shows a passage.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """``text`` without control characters; newlines and tabs kept, CR/CRLF made newlines."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def checked(article: Article, where: str, line: int | None = None) -> Article | ReadFailure:
    """Reject bodies that cannot make a useful article; fill a missing title; attach
    warnings (``extra["warnings"]``) about dates a user should check."""
    article.title = strip_controls(article.title)
    body = strip_controls(article.body).strip()
    if not body:
        return ReadFailure(where, "article has no body text", line)
    if len(body) > MAX_BODY_CHARS:
        return ReadFailure(where, f"article body too large ({len(body):,} chars)", line)
    if not any(ch.isalnum() for ch in body):
        return ReadFailure(where, "article body has no words", line)
    article.body = body
    if not article.title.strip():
        article.title = title_from_body(body)
        article.title_derived = True
    article.title = " ".join(article.title.split())
    warnings = [ReadWarning(where, w, line) for w in _date_warnings(article)]
    if warnings:
        article.extra.setdefault("warnings", []).extend(warnings)
    return article
