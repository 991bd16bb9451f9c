"""Calibrate the answer check of bot/citations.py (CitationVerifier.answer_support) on
RealTime QA dev multiple-choice questions.

    python benchmarks/calibrate_answer_support.py ../shared/eval/realtimeqa

The answer check accepts a claim that restates the question when one sentence of the cited
passage holds every word the claim adds. Its risk is a wrong answer that the passage also
names. Each question whose gold article is in the corpus gives one claim per choice (the
question restated with the choice as its answer), checked against every passage of the gold
article: the right choice is a positive, each wrong choice a hard negative (same passage, a
plausible wrong answer the quiz writer chose to tempt). Prints the share of each accepted,
and the same for the whole-claim check at its threshold, side by side. The answer check is
lexical; the whole-claim check embeds, which is most of the runtime.

Result (dev, 700/140 chunks, 72 questions, 288 claims; 5 min on 2 shared cores):

    check                 right choice accepted   wrong choice accepted
    answer                58/72 = 80.6 %          22/216 = 10.2 %
    whole                 47/72 = 65.3 %          71/216 = 32.9 %
    either                63/72 = 87.5 %          79/216 = 36.6 %
    answer if it applies  59/72 = 81.9 %          23/216 = 10.6 %

A claim that restates the question is mostly the question: the whole-claim score barely
depends on the answer it adds, so it lets a third of the wrong answers through. The verifier
therefore judges a claim that adds at most ANSWER_TERMS_MAX words by the answer check alone
("answer if it applies"; bot/citations.py, VerifiedText._judge), and any other claim whole.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.calibrate_citations import chunks_of, load
from bot.citations import CitationVerifier, answer_terms
from retrieval.embeddings import MiniLMEmbedder


def claim_for(question: str, choice: str) -> str:
    """The question as a statement with ``choice`` as its answer, the way a small model
    restates it ("Which city ...?" -> "Which city ...: Moscow.")."""
    return f"{question.rstrip(' ?')}: {choice}."


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("--chunk-chars", type=int, default=700)
    ap.add_argument("--overlap", type=int, default=140)
    args = ap.parse_args()
    t0 = time.perf_counter()
    arts, queries = load(args.folder)
    verifier = CitationVerifier(MiniLMEmbedder())
    checks = ("answer", "whole", "either", "answer if it applies")
    counts = {(kind, check): [0, 0] for kind in ("right", "wrong") for check in checks}
    for q in queries:
        gold = [a for a in q.get("evidence_article_ids", []) if a in arts]
        choices = q.get("choices") or []
        if not gold or not choices or "except" in q["question"].lower():
            continue
        chunks = [c for a in gold for c in chunks_of(arts[a], args.chunk_chars, args.overlap)]
        for i, choice in enumerate(choices):
            kind = "right" if i in q.get("answer_index", []) else "wrong"
            claim = claim_for(q["question"], choice)
            answer = any(verifier.answer_support(claim, c, q["question"]) is not None
                         for c in chunks)
            whole = any(verifier.supports(verifier.support(claim, c)) for c in chunks)
            applies = bool(answer_terms(claim, q["question"]))
            for check, ok in (("answer", answer), ("whole", whole), ("either", answer or whole),
                              ("answer if it applies", answer if applies else whole)):
                counts[(kind, check)][0] += ok
                counts[(kind, check)][1] += 1
    print(f"{'check':<22}{'right choice accepted':>24}{'wrong choice accepted':>24}")
    for check in checks:
        cells = []
        for kind in ("right", "wrong"):
            ok, n = counts[(kind, check)]
            cells.append(f"{ok}/{n} = {ok / n:.1%}" if n else "-")
        print(f"{check:<22}{cells[0]:>24}{cells[1]:>24}")
    print(f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
