"""Answering under load: N questions about the bundled example articles asked at once
(asyncio, `NewsBot.aask`, up to --concurrency in flight) while an ingest of generated
articles runs into the same store, beside the same N questions asked one after another on
an idle bot (the baseline), and asked at once on the idle bot (concurrency alone).

    python -m benchmarks.soak [--n 500] [--concurrency 16] [--articles 48] [--no-cache]

Everything runs on this machine, in a temporary store. Both runs start with the same warm
vector cache (one pass over the distinct questions first); --no-cache turns it off.
Latency counts from the moment a question gets a worker. Answers to the questions about
the examples are compared with the baseline's ("mismatches" should be 0). Prints a table
and, on its last line, one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bot import Answer, NewsBot
from bot.evaluation.metrics import percentile

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"

# About the bundled examples; the last one has no answer there.
EXAMPLE_QUESTIONS = [
    "When did the ceasefire collapse?",
    "Who mediated the talks?",
    "How many people died in the attack on Ganja?",
    "How long will the harbour tram line be?",
    "How much will the tram line cost?",
    "How did the council vote on the tram line?",
    "How much did the museum renovation cost?",
    "How many visitors came to the museum on the first day?",
    "What interest rate did the central bank keep?",
    "Who won the national cup?",
    "What was the strongest gust measured during Storm Hilde?",
    "How many homes lost power in the storm?",
    "What is the capital of France?",
]
VILLAGES = ["Velmora", "Ostrik", "Calden", "Fennow", "Marrasby", "Quillon", "Tessaro", "Durnby"]
CROPS = ["apples", "pears", "plums", "cherries", "quinces", "apricots"]


def new_articles(n: int) -> list[dict[str, str]]:
    """Generated articles on topics (orchards, harvests) no example question is about."""
    out = []
    for i in range(n):
        village, crop = VILLAGES[i % len(VILLAGES)], CROPS[(i // len(VILLAGES)) % len(CROPS)]
        sents = [f"The {village} orchard cooperative harvested {40 + 7 * i} tonnes of {crop} "
                 f"in season {i}, its growers reported at the autumn fair."]
        sents += [f"Grower number {j} in {village} pruned {j + i} rows of {crop} trees before "
                  f"the frost of week {j}." for j in range(1, 9)]
        out.append({"title": f"{village} orchard harvest report {i}", "body": " ".join(sents),
                    "source": "Orchard Weekly", "published_at": f"2023-09-{1 + i % 28:02d}",
                    "url": f"https://example.org/orchard/{i}"})
    return out


def new_article_questions(n: int) -> list[str]:
    return [f"How many tonnes of {CROPS[(i // len(VILLAGES)) % len(CROPS)]} did the "
            f"{VILLAGES[i % len(VILLAGES)]} orchard cooperative harvest in season {i}?"
            for i in range(0, n, 5)]


def question_mix(n: int, articles: int) -> list[str]:
    """Four in five about the examples, one in five about the articles being ingested."""
    extra = new_article_questions(articles)
    return [EXAMPLE_QUESTIONS[i % len(EXAMPLE_QUESTIONS)] if i % 5 or not extra
            else extra[(i // 5) % len(extra)] for i in range(n)]


def write_feed(path: Path, articles: int) -> Path:
    path.write_text("".join(json.dumps(a) + "\n" for a in new_articles(articles)))
    return path


def fingerprint(a: Answer) -> tuple[object, ...]:
    """What must not change between a sequential and a concurrent run."""
    return (a.answer, a.short_answer, a.abstained, a.answerer,
            tuple((c.article_id, c.start, c.end, c.quote) for c in a.citations))


def summary(latencies_ms: list[float], seconds: float, errors: int) -> dict[str, float]:
    return {"n": len(latencies_ms) + errors, "errors": errors, "seconds": round(seconds, 2),
            "p50_ms": round(percentile(latencies_ms, 50), 1),
            "p95_ms": round(percentile(latencies_ms, 95), 1),
            "throughput_qps": round(len(latencies_ms) / seconds, 1) if seconds else 0.0}


def sequential(bot: NewsBot, questions: list[str]) -> tuple[dict[str, float], list[Answer]]:
    latencies, answers = [], []
    t0 = time.perf_counter()
    for q in questions:
        t = time.perf_counter()
        answers.append(bot.ask(q))
        latencies.append((time.perf_counter() - t) * 1000)
    return summary(latencies, time.perf_counter() - t0, 0), answers


async def at_once(bot: NewsBot, questions: list[str], concurrency: int,
                     during: Callable[[], object] | None = None
                     ) -> tuple[dict[str, Any], list[Answer | BaseException]]:
    """All questions at once through `aask`, ``concurrency`` at a time, while ``during``
    (an ingest) runs in a thread of its own."""
    loop = asyncio.get_running_loop()
    loop.set_default_executor(ThreadPoolExecutor(concurrency, thread_name_prefix="soak"))
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    side: dict[str, float] = {}

    async def one(q: str) -> Answer:
        async with gate:
            t = time.perf_counter()
            a = await bot.aask(q)
            latencies.append((time.perf_counter() - t) * 1000)
            return a

    def run_during() -> None:
        t = time.perf_counter()
        if during is not None:
            during()
        side["ingest_s"] = round(time.perf_counter() - t, 2)

    worker = threading.Thread(target=run_during, name="soak-ingest")
    t0 = time.perf_counter()
    if during is not None:
        worker.start()
    answers = await asyncio.gather(*(one(q) for q in questions), return_exceptions=True)
    seconds = time.perf_counter() - t0
    if during is not None:
        await asyncio.to_thread(worker.join)
    errors = sum(isinstance(a, BaseException) for a in answers)
    return {**summary(latencies, seconds, errors), **side}, list(answers)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--articles", type=int, default=48, help="generated articles ingested")
    ap.add_argument("--no-cache", action="store_true", help="embedding_cache=0")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsbot-soak-") as tmp:
        overrides = {"embedding_cache": 0} if args.no_cache else {}
        bot = NewsBot(store=Path(tmp) / "store", **overrides)
        bot.ingest([EXAMPLES])
        questions = question_mix(args.n, args.articles)
        expected = {q: fingerprint(bot.ask(q)) for q in EXAMPLE_QUESTIONS}  # and warm-up
        for q in set(questions) - set(expected):
            bot.ask(q)
        base, _ = sequential(bot, questions)
        idle, _ = asyncio.run(at_once(bot, questions, args.concurrency))
        feed = write_feed(Path(tmp) / "orchards.jsonl", args.articles)
        load, answers = asyncio.run(at_once(bot, questions, args.concurrency,
                                               lambda: bot.ingest([feed])))
        mismatches = sum(1 for q, a in zip(questions, answers, strict=True)
                         if q in expected and isinstance(a, Answer)
                         and fingerprint(a) != expected[q])
        chunks = bot.components.store.count_chunks()

    out = {
        "n": args.n, "concurrency": args.concurrency, "articles_ingested": args.articles,
        "cache": not args.no_cache, "chunks_after": chunks, "mismatches": mismatches,
        "errors": load["errors"], "p50_ms": load["p50_ms"], "p95_ms": load["p95_ms"],
        "throughput_qps": load["throughput_qps"],
        "concurrent_with_ingest": load, "concurrent_idle": idle, "sequential_idle": base,
        "ratio_vs_sequential": {
            k: round(load[k] / base[k], 2) if base[k] else None
            for k in ("p50_ms", "p95_ms", "throughput_qps")},
        "ratio_idle_concurrent_vs_sequential": {
            k: round(idle[k] / base[k], 2) if base[k] else None
            for k in ("p50_ms", "p95_ms", "throughput_qps")},
    }
    print(f"{'':26}{'n':>6}{'errors':>8}{'p50 ms':>10}{'p95 ms':>10}{'q/s':>8}")
    for name, row in (("sequential, idle", base), ("concurrent, idle", idle),
                      ("concurrent, with ingest", load)):
        print(f"{name:26}{row['n']:>6}{row['errors']:>8}{row['p50_ms']:>10}"
              f"{row['p95_ms']:>10}{row['throughput_qps']:>8}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
