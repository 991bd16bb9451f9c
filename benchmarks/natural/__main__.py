"""Run the natural-questions benchmark: ingest the articles, ask every question, score.

    python -m benchmarks.natural [--split dev|test|all] [--answerer extractive|llm]
                                 [--config FILE] [--json] [--verbose] [--store DIR]

The store is a temporary directory unless --store names one (ingesting again is a no-op).
``--answerer llm`` uses the project's settings (TOML via --config, ``NEWSBOT_LLM_BASE_URL``,
``NEWSBOT_LLM_MODEL``, ...): point them at a running OpenAI-compatible server.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.natural.scoring import (
    ROOT,
    Question,
    Score,
    Totals,
    by_kind,
    load,
    score,
    totals,
)

ARTICLES = ROOT / "articles"


def asked_at(q: Question) -> datetime:
    """The user asks at noon UTC on the question's ``now`` day."""
    return datetime(q.now.year, q.now.month, q.now.day, 12, tzinfo=UTC)


def run(questions: list[Question], store: Path, answerer: str | None,
        config: str | None) -> tuple[list[Score], dict[str, Any]]:
    from bot import NewsBot
    from bot.settings import Settings

    settings = Settings.load(config, store=store, answerer=answerer)
    bot = NewsBot(settings=settings)
    t0 = time.perf_counter()
    report = bot.ingest([ARTICLES])
    info: dict[str, Any] = {
        "answerer": settings.answerer,
        "llm_base_url": settings.llm_base_url if settings.answerer == "llm" else None,
        "llm_model": settings.llm_model if settings.answerer == "llm" else None,
        "ingest_s": round(time.perf_counter() - t0, 2),
        "ingest": {"added": report.added, "unchanged": report.unchanged,
                   "updated": report.updated, "failed": report.failed,
                   "chunks_written": report.chunks_written},
    }
    if questions:  # untimed warm-up: loads the lexical index, the date parser's data
        bot.ask(questions[0].question, now=asked_at(questions[0]))
    scores = []
    for q in questions:
        t = time.perf_counter()
        answer = bot.ask(q.question, now=asked_at(q))
        ms = (time.perf_counter() - t) * 1000
        scores.append(score(q, answer, ms))
    return scores, info


def _fmt(v: float | None) -> str:
    return "   -" if v is None else f"{v:.2f}"


def table(rows: dict[str, Totals]) -> str:
    head = (f"{'':14} {'n':>4} {'unans':>5} {'keyfact':>7} {'EM':>5} {'F1':>5} "
            f"{'fact✓':>5} {'mislead':>7} {'abs.P':>5} {'abs.R':>5} {'ans.ref':>7} "
            f"{'p50ms':>6} {'p95ms':>6}")
    lines = [head, "-" * len(head)]
    for name, t in rows.items():
        lines.append(
            f"{name:14} {t.n:>4} {t.unanswerable:>5} {_fmt(t.key_fact):>7} "
            f"{_fmt(t.short_em):>5} {_fmt(t.short_f1):>5} {_fmt(t.factoid_shown_right):>5} "
            f"{_fmt(t.misleading):>7} {_fmt(t.abstain_precision):>5} "
            f"{_fmt(t.abstain_recall):>5} {_fmt(t.answerable_refused):>7} "
            f"{t.p50_ms:>6.0f} {t.p95_ms:>6.0f}")
    return "\n".join(lines)


def _trim(text: str, n: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def verbose_lines(scores: list[Score]) -> str:
    out = []
    for s in scores:
        mark = "✓" if s.ok else "✗"
        gold = s.gold if s.answerable else "(unanswerable)"
        short = "(refused)" if s.abstained else (s.short_answer or "—")
        out.append(f"{mark} {s.id} [{s.kind}] {s.question}\n"
                   f"    gold: {gold}   short: {short}   keyfact: {s.key_fact}"
                   f"{'   MISLEADING' if s.misleading else ''}\n"
                   f"    answer: {_trim(s.answer)}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.natural", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    ap.add_argument("--answerer", choices=("extractive", "llm"), default=None,
                    help="default: the settings' answerer (extractive unless configured)")
    ap.add_argument("--config", help="newsbot TOML settings file")
    ap.add_argument("--store", type=Path, help="persistent store dir (default: a temp dir)")
    ap.add_argument("--json", action="store_true", help="totals, per kind and per question")
    ap.add_argument("--verbose", action="store_true", help="every question, gold and answer")
    args = ap.parse_args(argv)

    questions = load(args.split)
    if args.store:
        scores, info = run(questions, args.store, args.answerer, args.config)
    else:
        with tempfile.TemporaryDirectory(prefix="newsbot-natural-") as tmp:
            scores, info = run(questions, Path(tmp) / "store", args.answerer, args.config)

    overall = totals(scores)
    kinds = by_kind(scores)
    if args.json:
        json.dump({"split": args.split, **info, "totals": overall.to_dict(),
                   "by_kind": {k: t.to_dict() for k, t in kinds.items()},
                   "questions": [s.to_dict() for s in scores]},
                  sys.stdout, indent=1, ensure_ascii=False)
        print()
        return 0
    if args.verbose:
        print(verbose_lines(scores))
        print()
    print(f"natural benchmark · split {args.split} · answerer {info['answerer']} · "
          f"{overall.n} questions ({overall.unanswerable} unanswerable) · "
          f"ingest {info['ingest_s']} s")
    print(table({"all": overall, **kinds}))
    print(f"issue 21's looser rule (right = F1 >= 0.5, numbers unchecked): fact✓ "
          f"{_fmt(overall.factoid_shown_right_f1only)}, mislead {_fmt(overall.misleading_f1only)}")
    print("keyfact: answer text holds every key fact (answerable) · EM/F1: short answer "
          "(answerable with gold) · fact✓: factoid short answer shown and right (F1 ≥ 0.5 "
          "and no gold number missing) · "
          "mislead: short answer shown and wrong (all questions) · abs.P/abs.R: refusals vs "
          "unanswerable · ans.ref: answerable refused")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
