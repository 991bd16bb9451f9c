"""What every reader shares: the failure record and article validation."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.article import Article

MAX_BODY_CHARS = 2_000_000


@dataclass(frozen=True)
class ReadFailure:
    """One input that could not become an article, with a one-line reason."""

    where: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        at = f"{self.where}:{self.line}" if self.line is not None else self.where
        return f"{at}: {self.reason}"


def title_from_body(body: str, limit: int = 100) -> str:
    """A fallback title: the first sentence, cut at a word boundary."""
    from retrieval.sentences import sentence_spans

    spans = sentence_spans(body)
    first = body[spans[0][0] : spans[0][1]] if spans else body
    first = first.strip()
    if len(first) <= limit:
        return first.rstrip(".")
    return first[:limit].rsplit(" ", 1)[0] + "…"


def checked(article: Article, where: str, line: int | None = None) -> Article | ReadFailure:
    """Reject bodies that cannot make a useful article; fill a missing title."""
    body = article.body.strip()
    if not body:
        return ReadFailure(where, "article has no body text", line)
    if len(body) > MAX_BODY_CHARS:
        return ReadFailure(where, f"article body too large ({len(body):,} chars)", line)
    if not any(ch.isalnum() for ch in body):
        return ReadFailure(where, "article body has no words", line)
    article.body = body
    if not article.title.strip():
        article.title = title_from_body(body)
    article.title = " ".join(article.title.split())
    return article
