"""Calibrate the citation-support threshold (bot/citations.py) on RealTime QA dev.

    python benchmarks/calibrate_citations.py ../shared/eval/realtimeqa [--chunk-chars 700]

Claims are the sentences (of five words or more) of each evidence `fact`, as the answerer
checks a generated answer sentence by sentence. Positives: each claim against the passage
(chunk) of its gold article that shares most words with it — what a correct citation looks
like. They are noisy: the facts are quiz-writers' summaries, rarely verbatim, and some of
their sentences are background the article does not state. Negatives, three kinds:
- hard: the fact against the best passage of the top BM25 articles that are neither its
  evidence nor from its quiz week (same vocabulary, different story);
- numbers: the fact with one number changed, against its own gold passage (a fabricated
  figure in an otherwise faithful sentence);
- truncated: only the fact's first half of words paired with another question's gold
  passage (a short, generic claim).
Prints score distributions and, per threshold, the share of positives accepted and of each
negative kind accepted, and the threshold that keeps hard negatives at or under 5 %.
The evaluation data is read in place and never copied.

Result (dev, 700/140 chunks, w_lexical 0.5; 155 positive claims, 312 hard negatives):
threshold 0.60 accepts 67.7 % of positives, 7.1 % of hard negatives, 0 % of short
off-passage claims; the figure check rejects 60 of 65 claims with a changed number.
0.70 would hold hard negatives under 5 % but drop half the positives; the hard negatives
are noisy too (other outlets report the same facts in later weeks), so 0.60 is the default
(`llm_support_threshold`). Runtime ≈ 6 min on 2 shared cores.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import bm25s

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.answering.question import content_terms
from bot.citations import CitationVerifier, split_claims
from ingest.article import Article
from ingest.chunking import chunk_article
from retrieval.embeddings import MiniLMEmbedder
from retrieval.types import Chunk


def load(folder: Path) -> tuple[dict[str, dict], list[dict]]:
    arts = {}
    with gzip.open(folder / "corpus.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            a = json.loads(line)
            arts[a["id"]] = a
    queries = [json.loads(x) for x in (folder / "dev" / "queries.jsonl").open(encoding="utf-8")]
    return arts, queries


def chunks_of(a: dict, chunk_chars: int, overlap: int) -> list[Chunk]:
    pub = datetime.fromisoformat(a["published_at"]).replace(tzinfo=UTC) if a.get(
        "published_at") else None
    art = Article(a.get("title") or "", a["body"], a.get("source") or "", a.get("url") or "",
                  pub)
    return chunk_article(art, chunk_chars, overlap)


def best_chunk(fact: str, chunks: list[Chunk]) -> Chunk | None:
    terms = set(content_terms(fact))
    if not chunks or not terms:
        return None
    return max(chunks, key=lambda c: len(terms & set(content_terms(c.text))))


def change_a_number(fact: str, rng: random.Random) -> str | None:
    nums = list(re.finditer(r"\d[\d,]*", fact))
    if not nums:
        return None
    m = rng.choice(nums)
    old = int(m.group().replace(",", ""))
    new = old + rng.choice([3, 7, 11, 40]) if old < 1900 or old > 2100 else old - 2
    return fact[: m.start()] + str(new) + fact[m.end() :]


def rate(scores: list[float], t: float) -> float:
    return sum(s >= t for s in scores) / len(scores) if scores else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("--chunk-chars", type=int, default=700)
    ap.add_argument("--overlap", type=int, default=140)
    ap.add_argument("--w-lexical", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    arts, queries = load(args.folder)
    ids = list(arts)
    retriever = bm25s.BM25()
    corpus_tokens = bm25s.tokenize([f"{arts[i].get('title', '')} {arts[i]['body'][:4000]}"
                                    for i in ids], stopwords="en", show_progress=False)
    retriever.index(corpus_tokens, show_progress=False)
    verifier = CitationVerifier(MiniLMEmbedder(), w_lexical=args.w_lexical,
                                w_dense=1 - args.w_lexical)

    pos: list[float] = []
    hard: list[float] = []
    numbers: list[float] = []
    numbers_pass: list[bool] = []
    short: list[float] = []
    golds: list[Chunk] = []
    pairs: list[tuple[str, Chunk]] = []
    for q in queries:
        facts = [(ev, claim) for ev in q.get("evidence", [])
                 for claim in split_claims((ev.get("fact") or "").strip())
                 if len(claim.split()) >= 5]
        for ev, fact in facts:
            if ev.get("article_id") in arts:
                gold = best_chunk(fact, chunks_of(arts[ev["article_id"]], args.chunk_chars,
                                                  args.overlap))
                if gold is not None:
                    pairs.append((fact, gold))
            # Hard negatives: lexically close articles about other stories.
            res, _ = retriever.retrieve(bm25s.tokenize([fact], stopwords="en",
                                                       show_progress=False), k=30,
                                        show_progress=False)
            taken = 0
            for j in res[0]:
                a = arts[ids[int(j)]]
                if a["id"] in q.get("evidence_article_ids", []) or q["week"] in a.get(
                        "weeks", []):
                    continue
                c = best_chunk(fact, chunks_of(a, args.chunk_chars, args.overlap))
                sup = verifier.support(fact, c) if c else None
                if sup is not None:
                    hard.append(sup.score if sup.numbers_ok else -1.0)
                    taken += 1
                if taken == 2:
                    break
    for fact, gold in pairs:
        sup = verifier.support(fact, gold)
        if sup is None:
            continue
        pos.append(sup.score if sup.numbers_ok else -1.0)
        golds.append(gold)
        changed = change_a_number(fact, rng)
        if changed:
            s2 = verifier.support(changed, gold)
            if s2 is not None:
                numbers_pass.append(s2.numbers_ok)
                numbers.append(s2.score if s2.numbers_ok else -1.0)
    for i, (fact, _gold) in enumerate(pairs):
        words = fact.split()
        other = golds[(i + 1 + rng.randrange(max(1, len(golds) - 1))) % len(golds)]
        if other.article_id == _gold.article_id:
            continue
        sup = verifier.support(" ".join(words[: max(4, len(words) // 2)]), other)
        if sup is not None:
            short.append(sup.score if sup.numbers_ok else -1.0)

    def q(xs: list[float]) -> str:
        xs = [x for x in xs if x >= 0] or [0.0]
        qs = statistics.quantiles(xs, n=20) if len(xs) > 1 else [xs[0]] * 19
        return f"p5 {qs[0]:.3f}  p50 {statistics.median(xs):.3f}  p95 {qs[-1]:.3f}"

    print(f"w_lexical={args.w_lexical}  chunks {args.chunk_chars}/{args.overlap}  "
          f"({time.perf_counter() - t0:.0f} s)")
    print(f"positives          n={len(pos):4d}  {q(pos)}")
    print(f"hard negatives     n={len(hard):4d}  {q(hard)}  (number check failed "
          f"{sum(x < 0 for x in hard)})")
    print(f"changed number     n={len(numbers):4d}  number check caught "
          f"{sum(not ok for ok in numbers_pass)}/{len(numbers_pass)}")
    print(f"short off-passage  n={len(short):4d}  {q(short)}")
    print("threshold  accept-pos  accept-hard  accept-number  accept-short")
    chosen = None
    for t in [x / 100 for x in range(30, 81, 5)]:
        print(f"  {t:.2f}      {rate(pos, t):.3f}       {rate(hard, t):.3f}        "
              f"{rate(numbers, t):.3f}          {rate(short, t):.3f}")
        if chosen is None and rate(hard, t) <= 0.05:
            chosen = t
    print(f"lowest threshold with hard-negative acceptance <= 5 %: {chosen}")


if __name__ == "__main__":
    main()
