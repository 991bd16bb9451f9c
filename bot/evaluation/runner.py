"""Run a dataset's questions through newsbot (or the naive baseline) and score them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bot.answer import Answer
from bot.evaluation.corpus import corpus_files
from bot.evaluation.dataset import Dataset, Query
from bot.evaluation.metrics import (
    contains_answer,
    exact_match,
    f1_score,
    normalize_answer,
    percentile,
)
from bot.evaluation.quiz import quiz_span
from bot.newsbot import NewsBot
from ingest.article import Article
from ingest.readers import read_path
from retrieval.types import Hit

KS = (1, 3, 5, 10, 20)


class System(Protocol):
    """What the evaluator needs from a system: ranked passages, then an answer from them."""

    name: str

    def retrieve(self, q: Query) -> list[Hit]: ...

    def answer(self, q: Query, hits: list[Hit]) -> Answer: ...

    def copies(self, article_id: str) -> list[str]:
        """Other stored articles of the same story, which the system folded into this one."""
        ...


@dataclass
class NewsBotSystem:
    bot: NewsBot
    depth: int = 50
    name: str = "newsbot"

    def retrieve(self, q: Query) -> list[Hit]:
        return self.bot.search(q.question, k=self.depth, now=q.question_date)

    def answer(self, q: Query, hits: list[Hit]) -> Answer:
        top = hits[: self.bot.settings.top_k]
        return self.bot.components.answerer.answer(q.question, top, q.question_date)

    def copies(self, article_id: str) -> list[str]:
        stories = self.bot.components.stories
        if stories is None or not self.bot.settings.fold_copies:
            return []
        return [r.article_id for r in stories.copies(article_id)]


@dataclass
class QueryResult:
    id: str
    question: str
    gold: str
    prediction: str
    abstained: bool
    em: float | None
    f1: float | None
    gold_in_corpus: bool
    rank: int | None  # 1-based rank of the first gold article, None if not in the top 20
    citation_precision: float | None
    retrieve_ms: float
    answer_ms: float
    mc_correct: bool | None = None  # multiple choice, picked from the passages
    # F1 of what a user is shown (the short answer, else the answer text), without the guess.
    f1_shown: float | None = None

    top_titles: list[str] = field(default_factory=list)


def article_map(corpus: Path) -> dict[str, set[str]]:
    """Our content-hash article id -> the dataset's article ids (copies share one of ours).
    In an ``articles/`` folder an article's dataset id is its file name."""
    out: dict[str, set[str]] = {}
    if corpus.is_dir():
        for f in corpus_files(corpus):
            for a in read_path(f):
                if isinstance(a, Article):
                    out.setdefault(a.id, set()).add(f.name)
        return out
    for a in read_path(corpus):
        if isinstance(a, Article) and "id" in a.extra:
            out.setdefault(a.id, set()).add(str(a.extra["id"]))
    return out


def ranked_articles(hits: Iterable[Hit], idmap: dict[str, set[str]],
                    copies: Callable[[str], list[str]] = lambda _a: []) -> list[str]:
    """Dataset ids in rank order. A wire copy the search folded into a hit's story stands
    where the hit does: the story was found, and one copy of it shown."""
    ranked: list[str] = []
    seen: set[str] = set()
    for h in hits:
        for article in (h.chunk.article_id, *copies(h.chunk.article_id)):
            if article in seen:
                continue
            seen.add(article)
            ranked.extend(sorted(idmap.get(article, {article})))
    return ranked


def _citation_precision(answer: Answer, hits: list[Hit], q: Query) -> float | None:
    if not answer.citations:
        return None
    good = 0
    for c in answer.citations:
        passage = next(
            (h.chunk.text for h in hits if h.chunk.article_id == c.article_id
             and h.chunk.start <= c.start < h.chunk.end),
            c.quote,
        )
        norm = normalize_answer(passage)
        if contains_answer(passage, q.answer) or any(
            normalize_answer(f) in norm or f1_score(c.quote, f) >= 0.6 for f in q.facts
        ):
            good += 1
    return good / len(answer.citations)


def pick_choice(choices: tuple[str, ...], hits: list[Hit], passages: int = 8,
                answer: str = "") -> int | None:
    """The choice the short answer names, if it names one; else the choice best supported by
    the top passages: named outright in a high-ranked passage beats partial word overlap
    further down."""
    if not choices:
        return None
    if answer:
        overlap = [f1_score(answer, c) for c in choices]
        top = max(overlap)
        if top >= 0.5 and overlap.count(top) == 1:
            return overlap.index(top)
    texts = [normalize_answer(h.chunk.title + " " + h.chunk.text) for h in hits[:passages]]
    best, best_score = 0, -1.0
    for i, choice in enumerate(choices):
        words = normalize_answer(choice).split()
        score = 0.0
        for rank, text in enumerate(texts):
            if not words:
                break
            have = set(text.split())
            cover = 1.0 if " ".join(words) in text else sum(w in have for w in words) / len(
                words) * 0.5
            score = max(score, cover / (1 + 0.15 * rank))
        if score > best_score:
            best, best_score = i, score
    return best


def evaluate(system: System, ds: Dataset, idmap: dict[str, set[str]],
             corpus_ids: set[str], progress: Callable[[int, int], None] | None = None,
             ) -> list[QueryResult]:
    results = []
    if ds.queries:
        # Untimed warm-up: the first search loads the lexical index and the date parser's
        # data (seconds, once per process: cold start is measured by its own benchmark).
        system.answer(ds.queries[0], system.retrieve(ds.queries[0]))
    for n, q in enumerate(ds.queries, start=1):
        t0 = time.perf_counter()
        hits = system.retrieve(q)
        t1 = time.perf_counter()
        answer = system.answer(q, hits)
        t2 = time.perf_counter()
        gold = set(q.evidence_article_ids)
        ranked = ranked_articles(hits, idmap, system.copies)
        rank = next((i + 1 for i, a in enumerate(ranked[:20]) if a in gold), None)
        # A quiz wants a span: the reader's best one counts even where the product would show
        # only the quote (Answer.guess); what users see is scored by the natural benchmark.
        span = quiz_span(q.question, answer) or answer.short_answer or answer.guess
        prediction = "" if answer.abstained else (span or answer.answer)
        choice = pick_choice(q.choices, hits, answer=span or "")
        scored = not q.skipped_for_answers
        results.append(QueryResult(
            id=q.id, question=q.question, gold=q.answer, prediction=prediction,
            abstained=answer.abstained,
            em=exact_match(prediction, q.answer) if scored else None,
            f1=f1_score(prediction, q.answer) if scored else None,
            f1_shown=f1_score("" if answer.abstained else answer.short_answer or answer.answer,
                              q.answer) if scored else None,
            gold_in_corpus=bool(gold & corpus_ids), rank=rank,
            citation_precision=_citation_precision(answer, hits, q),
            retrieve_ms=(t1 - t0) * 1000, answer_ms=(t2 - t1) * 1000,
            top_titles=[h.chunk.title for h in hits[:3]],
            mc_correct=(choice in q.answer_index) if choice is not None else None,
        ))
        if progress:
            progress(n, len(ds.queries))
    return results


def summarize(results: list[QueryResult]) -> dict[str, Any]:
    with_gold = [r for r in results if r.gold_in_corpus]
    scored = [r for r in results if r.em is not None]
    cited = [r.citation_precision for r in results if r.citation_precision is not None]
    ranked = [r.rank for r in with_gold]

    def mean(xs: list[float]) -> float:
        return round(sum(xs) / len(xs), 4) if xs else 0.0

    out: dict[str, Any] = {
        "questions": len(results),
        "with_gold_article": len(with_gold),
        **{f"hits@{k}": mean([float(r is not None and r <= k) for r in ranked]) for k in KS},
        "mrr@10": mean([1.0 / r if r is not None and r <= 10 else 0.0 for r in ranked]),
        "em": mean([r.em for r in scored if r.em is not None]),
        "f1": mean([r.f1 for r in scored if r.f1 is not None]),
        "f1_shown": mean([r.f1_shown for r in scored if r.f1_shown is not None]),
        "mc_accuracy": mean([float(r.mc_correct) for r in results if r.mc_correct is not None]),
        "citation_precision": mean(cited),
        "abstention_rate": mean([float(r.abstained) for r in results]),
        "retrieve_ms_p50": round(percentile([r.retrieve_ms for r in results], 50), 1),
        "retrieve_ms_p95": round(percentile([r.retrieve_ms for r in results], 95), 1),
        "total_ms_p50": round(percentile([r.retrieve_ms + r.answer_ms for r in results], 50), 1),
        "total_ms_p95": round(percentile([r.retrieve_ms + r.answer_ms for r in results], 95), 1),
    }
    return out


def as_rows(results: list[QueryResult]) -> list[dict[str, Any]]:
    return [asdict(r) for r in results]

