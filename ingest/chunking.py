"""Sentence-aware chunks with character offsets into the article body."""

from __future__ import annotations

from ingest.article import Article
from retrieval.sentences import sentence_spans
from retrieval.types import Chunk


def chunk_spans(
    body: str, max_chars: int = 1000, overlap_chars: int = 200
) -> list[tuple[int, int]]:
    """Group whole sentences into spans of at most ``max_chars`` (a longer sentence is cut by
    the splitter), each next span starting with up to ``overlap_chars`` of trailing sentences
    of the previous one, so a fact straddling a boundary is whole in at least one chunk."""
    sents = sentence_spans(body, max_chars=max_chars)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(sents):
        j = i
        while j + 1 < len(sents) and sents[j + 1][1] - sents[i][0] <= max_chars:
            j += 1
        spans.append((sents[i][0], sents[j][1]))
        if j + 1 >= len(sents):
            break
        # Step back over trailing sentences that fit in the overlap, but always advance.
        k = j + 1
        while k - 1 > i and sents[j][1] - sents[k - 1][0] <= overlap_chars:
            k -= 1
        i = k
    return spans


def chunk_article(article: Article, max_chars: int = 1000, overlap_chars: int = 200) -> list[Chunk]:
    aid = article.id
    spans = chunk_spans(article.body, max_chars, overlap_chars)
    return [
        Chunk(
            article_id=aid,
            index=n,
            text=article.body[s:e],
            start=s,
            end=e,
            title=article.title,
            title_derived=article.title_derived,
            source=article.source,
            url=article.url,
            published_at=article.published_at,
            doc_key=article.doc_key,
            count=len(spans),
        )
        for n, (s, e) in enumerate(spans)
    ]
