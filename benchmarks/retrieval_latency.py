"""Retrieval latency on the full evaluation corpus: newsbot's hybrid search (query
embedding + dense + BM25 + time window + fusion + rerank) beside the plain dense top-k query
on the same store, run side by side on the same questions.

    python -m benchmarks.retrieval_latency ../shared/eval/realtimeqa [--repeat 3]

The store is the one `newsbot eval` builds and caches (run that first). Prints a table and,
on its last line, one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from bot import NewsBot, Settings
from bot.composition import build_embedder
from bot.evaluation import dataset
from bot.evaluation.corpus import store_dir
from bot.evaluation.metrics import percentile


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("dataset", type=Path)
    ap.add_argument("--split", default="dev")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    ds = dataset.load(args.dataset, args.split)
    settings = Settings.load()
    embedder = build_embedder(settings)
    directory = store_dir(ds.corpus, settings, embedder.name)
    if not (directory / "COMPLETE").exists():
        raise SystemExit(f"no complete eval store at {directory}: run `newsbot eval` first")
    t0 = time.perf_counter()
    # No embedding cache: with --repeat, a cached question vector would leave the query
    # embedding out of every pass but the first, and a real channel rarely repeats itself.
    bot = NewsBot(settings=settings.model_copy(update={"store": directory, "embedding_cache": 0}),
                  embedder=embedder)
    c = bot.components
    c.bm25.ensure()
    load_s = time.perf_counter() - t0

    hybrid: list[float] = []
    dense: list[float] = []
    embed: list[float] = []
    for _ in range(args.repeat):
        for q in ds.queries:
            t = time.perf_counter()
            vec = c.embedder.embed([q.question])[0]
            t1 = time.perf_counter()
            c.store.query(vec, 10)
            t2 = time.perf_counter()
            embed.append((t1 - t) * 1000)
            dense.append((t2 - t) * 1000)
            t = time.perf_counter()
            bot.search(q.question, k=10, now=q.question_date)
            hybrid.append((time.perf_counter() - t) * 1000)

    def stats(xs: list[float]) -> dict[str, float]:
        return {"p50": round(percentile(xs, 50), 2), "p95": round(percentile(xs, 95), 2),
                "mean": round(statistics.fmean(xs), 2)}

    out = {
        "chunks": c.store.count_chunks(),
        "queries": len(hybrid),
        "store_open_and_bm25_load_s": round(load_s, 2),
        "hybrid_ms": stats(hybrid),
        "dense_only_ms": stats(dense),
        "query_embedding_ms": stats(embed),
        "hybrid_over_dense_p50": round(percentile(hybrid, 50) / percentile(dense, 50), 2),
        "goal": {"p50_ms": 40, "p95_ms": 80},
    }
    print(f"{'':18}{'p50 ms':>10}{'p95 ms':>10}")
    for name in ("hybrid_ms", "dense_only_ms", "query_embedding_ms"):
        print(f"{name:18}{out[name]['p50']:>10}{out[name]['p95']:>10}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
