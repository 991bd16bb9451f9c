"""Soak: 500 concurrent SDK questions (asyncio and threads) while an ingest of other
articles runs into the same store, all on this machine. No question may fail, every
citation must quote the stored article exactly, and questions about the articles stored
before the ingest must get the answers a sequential run gives. Latency is printed and
recorded (not asserted: figures live in benchmarks/soak.py, which shares this workload)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from benchmarks.soak import (
    EXAMPLE_QUESTIONS,
    fingerprint,
    new_article_questions,
    question_mix,
    write_feed,
)
from bot import Answer, NewsBot
from bot.evaluation.metrics import percentile
from tests.conftest import EXAMPLES

N_QUESTIONS = 500
N_NEW_ARTICLES = 48


def stored_bodies(bot: NewsBot) -> dict[str, str]:
    """Each stored article's body, rebuilt from its chunks' offsets."""
    chunks = sorted(bot.components.store.iter_chunks(), key=lambda c: (c.article_id, c.start))
    bodies: dict[str, str] = {}
    for c in chunks:
        body = bodies.get(c.article_id, "")
        bodies[c.article_id] = body[: c.start] + c.text if len(body) >= c.start else body + c.text
    return bodies


def check_well_formed(bot: NewsBot, a: Answer, bodies: dict[str, str]) -> None:
    assert isinstance(a, Answer) and a.answer and a.timings_ms["total"] >= 0
    assert a.abstained == (not a.citations)
    complete = {r.article_id for r in bot.components.store.articles() if r.complete}
    for n, c in enumerate(a.citations, 1):
        assert c.n == n and c.article_id in complete
        assert bodies[c.article_id][c.start : c.end] == c.quote and c.quote


@pytest.mark.slow
async def test_500_concurrent_questions_while_ingesting(tmp_path: Path, embedder,
                                                        record_property):
    bot = NewsBot(store=tmp_path / "store", embedder=embedder)
    assert bot.ingest([EXAMPLES]).failed == 0
    before = {r.article_id for r in bot.components.store.articles()}
    expected = {q: fingerprint(bot.ask(q)) for q in EXAMPLE_QUESTIONS}
    assert sum(not e[2] for e in expected.values()) >= len(EXAMPLE_QUESTIONS) - 2

    feed = write_feed(tmp_path / "orchards.jsonl", N_NEW_ARTICLES)
    # Small write batches: many store writes, and so many BM25 invalidations, under load.
    bot.components.indexer.batch_chunks = 12
    bot.components.indexer.lookup_articles = 4

    extra = new_article_questions(N_NEW_ARTICLES)
    questions = question_mix(N_QUESTIONS, N_NEW_ARTICLES)
    ingest_result: dict[str, object] = {}

    def ingest() -> None:
        t = time.perf_counter()
        ingest_result["report"] = bot.ingest([feed])
        ingest_result["seconds"] = time.perf_counter() - t

    # Wall time from submission (queueing behind the other questions included), and the
    # moments answers arrived, to count those answered while the ingest was still running.
    latencies: list[float] = []
    arrived: list[float] = []
    lock = threading.Lock()

    def done(t: float) -> None:
        with lock:
            now = time.perf_counter()
            latencies.append((now - t) * 1000)
            arrived.append(now)

    async def timed_aask(q: str) -> Answer:
        t = time.perf_counter()
        a = await bot.aask(q)
        done(t)
        return a

    def timed_ask(q: str) -> Answer:
        t = time.perf_counter()
        a = bot.ask(q)
        done(t)
        return a

    t0 = time.perf_counter()
    ingester = threading.Thread(target=ingest, name="soak-ingest")
    ingester.start()
    assert ingester.is_alive()  # the questions below start while it runs
    # Four in five through asyncio (aask), the rest on a thread pool (ask), all at once.
    by_async = [q for i, q in enumerate(questions) if i % 5 != 1]
    by_thread = [q for i, q in enumerate(questions) if i % 5 == 1]
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="soak-ask") as pool:
        futures = [pool.submit(timed_ask, q) for q in by_thread]
        async_answers = await asyncio.gather(*(timed_aask(q) for q in by_async),
                                             return_exceptions=True)
        thread_answers = [f.exception() or f.result() for f in futures]
    await asyncio.to_thread(ingester.join, 120)
    elapsed = time.perf_counter() - t0
    assert not ingester.is_alive()

    results = list(zip(by_async, async_answers, strict=True)) + list(
        zip(by_thread, thread_answers, strict=True))
    errors = [(q, r) for q, r in results if isinstance(r, BaseException)]
    assert errors == [], errors[:3]
    assert len(results) == N_QUESTIONS

    report = ingest_result["report"]
    assert report.failed == 0 and report.added == N_NEW_ARTICLES  # type: ignore[attr-defined]
    bodies = stored_bodies(bot)
    assert before <= set(bodies) and len(bodies) == len(before) + N_NEW_ARTICLES
    for q, a in results:
        assert isinstance(a, Answer)
        check_well_formed(bot, a, bodies)
        if q in expected:
            assert fingerprint(a) == expected[q], q

    # Once the ingest is done, the new articles answer too (the BM25 index caught up).
    for q in extra[:3]:
        a = bot.ask(q)
        assert not a.abstained and a.citations[0].source == "Orchard Weekly", q

    service = [a.timings_ms["total"] for _, a in results if isinstance(a, Answer)]
    ingest_end = t0 + float(ingest_result["seconds"])  # type: ignore[arg-type]
    figures = {"n": len(results), "errors": len(errors), "seconds": round(elapsed, 1),
               "p50_ms": round(percentile(latencies, 50), 1),
               "p95_ms": round(percentile(latencies, 95), 1),
               "service_p50_ms": round(percentile(service, 50), 1),
               "service_p95_ms": round(percentile(service, 95), 1),
               "answered_during_ingest": sum(t < ingest_end for t in arrived),
               "ingest_s": round(float(ingest_result["seconds"]), 1)}  # type: ignore[arg-type]
    for k, v in figures.items():
        record_property(k, v)
    print("soak:", json.dumps(figures))
