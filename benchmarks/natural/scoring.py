"""Scoring for the natural-questions benchmark: pure functions over `Question` and `Answer`.

Definitions (also in README.md):
- key fact: the answer text (``Answer.answer`` only, never the citations' quotes) holds at
  least one alternative of every ``key_facts`` group, after lower-casing, straightening curly
  quotes, unifying dashes and dropping thousands separators; answerable questions only; a
  refused answer (``abstained``) holds no key fact.
- short answer: shown when not abstained and ``short_answer`` is non-empty. EM and token F1
  (SQuAD normalisation) take the max over ``answer`` + ``aliases``; a short answer not shown
  scores 0; scored on answerable questions with a gold ``answer``.
- right: a short answer has F1 >= 0.5 against a gold form AND holds every number of that
  form ("Wednesday 12 March 2025" is not "10 March 2025", though their F1 is 0.57; "3,200
  hectares" is not "4,100 hectares"). Issue 21 defines right as F1 >= 0.5 alone; that
  variant is reported beside (``*_f1only``): it can only be kinder.
- factoid shown & right: over answerable who/when/where/how_many/how_much/how_long
  questions with a gold ``answer``, the share whose short answer is shown and right.
- misleading: over all questions, a short answer is shown and it is wrong (the question is
  unanswerable, or has no gold short answer, or it is not right).
- abstention: precision / recall of ``abstained`` against unanswerable, and the share of
  answerable questions refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bot.answer import Answer
from bot.evaluation.metrics import exact_match, f1_score, percentile

KINDS = ("who", "when", "where", "how_many", "how_much", "how_long", "why", "what_said",
         "what_happened", "who_replaced", "other")
FACTOID_KINDS = frozenset({"who", "when", "where", "how_many", "how_much", "how_long"})
RIGHT_F1 = 0.5
ROOT = Path(__file__).resolve().parent
SPLITS = ("dev", "test")


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    now: date
    kind: str
    answerable: bool
    answer: str | None
    aliases: tuple[str, ...]
    key_facts: tuple[tuple[str, ...], ...]
    articles: tuple[str, ...]
    story: str
    split: str = ""

    @classmethod
    def from_dict(cls, d: dict[str, Any], split: str = "") -> Question:
        kind = str(d["kind"])
        if kind not in KINDS:
            raise ValueError(f"{d.get('id')}: unknown kind {kind!r}")
        answer = d.get("answer")
        return cls(
            id=str(d["id"]),
            question=str(d["question"]),
            now=date.fromisoformat(str(d["now"])),
            kind=kind,
            answerable=bool(d["answerable"]),
            answer=None if answer is None else str(answer),
            aliases=tuple(str(a) for a in d.get("aliases") or ()),
            key_facts=tuple(tuple(str(a) for a in g) for g in d.get("key_facts") or ()),
            articles=tuple(str(a) for a in d.get("articles") or ()),
            story=str(d.get("story", "")),
            split=split,
        )

    @property
    def golds(self) -> tuple[str, ...]:
        return (self.answer, *self.aliases) if self.answer is not None else ()


def load_split(split: str, root: Path = ROOT) -> list[Question]:
    path = Path(root) / split / "queries.jsonl"
    out = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    out.append(Question.from_dict(json.loads(line), split))
                except (KeyError, ValueError, TypeError) as exc:
                    raise ValueError(f"{path}:{n}: {exc}") from exc
    return out


def load(split: str = "dev", root: Path = ROOT) -> list[Question]:
    """``split`` is dev, test or all."""
    return [q for s in (SPLITS if split == "all" else (split,)) for q in load_split(s, root)]


# Normalisation -------------------------------------------------------------------------------
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"',
                         "„": '"', "–": "-", "—": "-", "‑": "-", "\u00a0": " "})
_THOUSANDS = re.compile(r"(?<=\d)[,\u202f ](?=\d{3}(?!\d))")


def normalise_fact_text(text: str) -> str:
    """Lower case, straight quotes, one kind of dash, no thousands separators, single spaces."""
    text = text.translate(_QUOTES).lower()
    text = _THOUSANDS.sub("", text)
    return " ".join(text.split())


def has_key_facts(text: str, key_facts: Sequence[Sequence[str]]) -> bool:
    """Every group has at least one alternative inside ``text``."""
    norm = normalise_fact_text(text)
    return all(any(normalise_fact_text(alt) in norm for alt in group) for group in key_facts)


def short_shown(answer: Answer) -> bool:
    return not answer.abstained and bool((answer.short_answer or "").strip())


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def numbers(text: str) -> set[str]:
    """The numbers in ``text``, thousands separators and leading zeros dropped."""
    out = set()
    for n in _NUMBER.findall(normalise_fact_text(text)):
        whole, dot, frac = n.partition(".")
        out.add((whole.lstrip("0") or "0") + (dot + frac.rstrip("0") if frac.strip("0") else ""))
    return out


def is_right(prediction: str, golds: Iterable[str], numbers_too: bool = True) -> bool:
    """F1 >= 0.5 against some gold form that (with ``numbers_too``) has no number missing
    from the prediction."""
    if not prediction.strip():
        return False
    have = numbers(prediction)
    return any(f1_score(normalise_fact_text(prediction), normalise_fact_text(g)) >= RIGHT_F1
               and (not numbers_too or numbers(g) <= have) for g in golds)


def best_em_f1(prediction: str, golds: Iterable[str]) -> tuple[float, float]:
    golds = list(golds)
    if not golds or not prediction.strip():
        return 0.0, 0.0
    pred = normalise_fact_text(prediction)
    em = max(exact_match(pred, normalise_fact_text(g)) for g in golds)
    f1 = max(f1_score(pred, normalise_fact_text(g)) for g in golds)
    return em, f1


# One question ------------------------------------------------------------------------------
@dataclass
class Score:
    id: str
    kind: str
    answerable: bool
    question: str
    gold: str | None
    short_answer: str | None
    answer: str
    abstained: bool
    shown: bool
    key_fact: bool | None  # None: unanswerable
    em: float | None  # None: no gold short answer
    f1: float | None
    factoid_right: bool | None  # None: not an answerable factoid with a gold answer
    misleading: bool
    # Issue 21's looser rule (right = F1 >= 0.5, numbers unchecked), reported beside.
    factoid_right_f1only: bool | None = None
    misleading_f1only: bool = False
    latency_ms: float = 0.0
    split: str = ""

    @property
    def ok(self) -> bool:
        """One verdict for --verbose: unanswerable refused; answerable with the key fact and
        no misleading short answer."""
        if not self.answerable:
            return self.abstained
        return bool(self.key_fact) and not self.misleading

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def score(q: Question, answer: Answer, latency_ms: float = 0.0) -> Score:
    shown = short_shown(answer)
    short = (answer.short_answer or "").strip() if shown else ""
    em = f1 = None
    if q.answerable and q.answer is not None:
        em, f1 = best_em_f1(short, q.golds)
    key_fact = None
    if q.answerable:
        key_fact = not answer.abstained and has_key_facts(answer.answer, q.key_facts)
    scorable = q.answerable and q.answer is not None
    right = scorable and is_right(short, q.golds)
    right_f1 = scorable and (f1 or 0.0) >= RIGHT_F1
    factoid = scorable and q.kind in FACTOID_KINDS
    return Score(
        id=q.id, kind=q.kind, answerable=q.answerable, question=q.question, gold=q.answer,
        short_answer=answer.short_answer, answer=answer.answer, abstained=answer.abstained,
        shown=shown, key_fact=key_fact, em=em, f1=f1,
        factoid_right=(shown and right) if factoid else None,
        misleading=shown and not right,
        factoid_right_f1only=(shown and right_f1) if factoid else None,
        misleading_f1only=shown and not right_f1, latency_ms=latency_ms, split=q.split,
    )


# Totals ------------------------------------------------------------------------------------
def _mean(values: Sequence[float | bool]) -> float | None:
    return sum(float(v) for v in values) / len(values) if values else None


@dataclass
class Totals:
    n: int
    answerable: int
    unanswerable: int
    key_fact: float | None
    short_em: float | None
    short_f1: float | None
    factoid_n: int
    factoid_shown_right: float | None
    misleading: float | None
    abstain_precision: float | None
    abstain_recall: float | None
    answerable_refused: float | None
    p50_ms: float
    p95_ms: float
    factoid_shown_right_f1only: float | None = None
    misleading_f1only: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def totals(scores: Sequence[Score]) -> Totals:
    ans = [s for s in scores if s.answerable]
    unans = [s for s in scores if not s.answerable]
    shorts = [s for s in ans if s.em is not None]
    factoids = [s for s in scores if s.factoid_right is not None]
    refused = [s for s in scores if s.abstained]
    lat = [s.latency_ms for s in scores]
    return Totals(
        n=len(scores), answerable=len(ans), unanswerable=len(unans),
        key_fact=_mean([bool(s.key_fact) for s in ans]),
        short_em=_mean([s.em or 0.0 for s in shorts]),
        short_f1=_mean([s.f1 or 0.0 for s in shorts]),
        factoid_n=len(factoids),
        factoid_shown_right=_mean([bool(s.factoid_right) for s in factoids]),
        misleading=_mean([s.misleading for s in scores]),
        abstain_precision=_mean([not s.answerable for s in refused]),
        abstain_recall=_mean([s.abstained for s in unans]),
        answerable_refused=_mean([s.abstained for s in ans]),
        p50_ms=percentile(lat, 50), p95_ms=percentile(lat, 95),
        factoid_shown_right_f1only=_mean([bool(s.factoid_right_f1only) for s in factoids]),
        misleading_f1only=_mean([s.misleading_f1only for s in scores]),
    )


def by_kind(scores: Sequence[Score]) -> dict[str, Totals]:
    return {k: totals([s for s in scores if s.kind == k]) for k in KINDS
            if any(s.kind == k for s in scores)}
