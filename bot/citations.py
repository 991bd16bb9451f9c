"""Checking a generated answer against the passages it cites.

Each sentence of the model's answer is a claim. A claim stays only if a sentence of a passage
it cites supports it: enough of its words (lexical) and its meaning (embedding cosine) are
there, and every number it states occurs in that passage. Markers that point at no source
are dropped; a claim its cited passage does not hold but another prompt source does is
re-cited to that source ("recited"); claims left without support are removed (or marked).
What survives is renumbered by first appearance, and each citation quotes the passage
sentence that best supports its claim, with offsets into the article body.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from bot.answer import Citation, ClaimCheck
from bot.answering.candidates import citation_for_span
from bot.answering.question import SPEECH_VERB, content_terms, term_set
from bot.answering.taint import is_instruction_like, is_tainted
from bot.attribution import attribute
from bot.temporal import NUMBER_WORDS, format_day, resolve_dates
from retrieval.sentences import sentence_spans
from retrieval.types import Chunk, Embedder

MARKER = re.compile(r"\[\s*(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*\]")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\s*\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*\])+\s*[.!?]?")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_ABSTAINS = re.compile(
    r"\b(?:sources?|articles?|passages?|context)\b.{0,40}\b(?:don'?t|do not|does not|doesn'?t)\b"
    r".{0,20}\b(?:say|answer|mention|contain|provide|state|specify)"
    r"|\bI (?:don'?t|do not) know\b|\bnot (?:enough|sufficient) information\b"
    r"|\bno information\b",
    re.IGNORECASE,
)

Verdict = Literal["supported", "recited", "unsupported", "no_source", "uncited"]
# How many words a claim may add to the question and still be checked as an answer to it.
ANSWER_TERMS_MAX = 4
# A question word this long that starts a claim word makes the claim word its derivative.
DERIVED_PREFIX = 5


@dataclass(frozen=True)
class Support:
    score: float
    lexical: float
    dense: float
    numbers_ok: bool
    start: int  # offsets in the chunk text
    end: int


def markers(text: str) -> list[int]:
    return [int(n) for m in MARKER.finditer(text) for n in re.split(r"\s*[,;]\s*", m.group(1))]


def strip_markers(text: str) -> str:
    out = MARKER.sub("", text)
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(out.split()))


def split_claims(text: str) -> list[str]:
    """Sentences of an answer. Markers written after a sentence's period belong to that
    sentence ("... on Monday. [1]" and "... on Monday. [1] Then ...")."""
    out: list[str] = []
    for s, e in sentence_spans(text):
        piece = text[s:e]
        lead = _LEADING_MARKERS.match(piece)
        if out and lead:
            out[-1] = f"{out[-1]} {lead.group().strip()}"
            piece = piece[lead.end():].strip()
        if piece:
            out.append(piece)
    return out


def has_words(piece: str) -> bool:
    return any(ch.isalpha() for ch in MARKER.sub("", piece))


def is_abstention(text: str) -> bool:
    return bool(_ABSTAINS.search(text)) and not markers(text)


_NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)


def _numbers(text: str) -> set[str]:
    """The figures a text states; "nine" and "9" are the same figure."""
    text = _NUMBER_WORD.sub(lambda m: str(NUMBER_WORDS[m.group(1).lower()]), text)
    return {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}


def _date_terms(text: str, chunk: Chunk) -> str:
    """The days a passage's date phrases mean, in words, so "12 October 2020" in a claim
    matches "on Monday" in an article of 14 October 2020."""
    return " ".join(format_day(r.day) for r in resolve_dates(text, chunk.published_at))


def _figures_hold(claim: str, chunk: Chunk) -> bool:
    """Every date the claim names is a day the passage means (or its publish day), and every
    other figure in it is written in the passage: "12 October 2020" may come from "on
    Monday", but "twelve people" must not."""
    passage_days = {r.day for r in resolve_dates(chunk.text, chunk.published_at)}
    if chunk.published_at:
        passage_days.add(chunk.published_at.date())
    rest, pos = [], 0
    for r in resolve_dates(claim, chunk.published_at):
        if r.day not in passage_days:
            return False
        rest.append(claim[pos : r.start])
        pos = r.end
    rest.append(claim[pos:])
    return _numbers(" ".join(rest)) <= _numbers(f"{chunk.title} {chunk.text}")


def answer_terms(claim: str, question: str) -> set[str]:
    """The words a claim adds to the question, when they are few enough to be its answer
    (empty when the claim adds nothing or says more than an answer)."""
    asked = term_set(question)
    # "protesters" for the question's "protesting": the stemmer keeps agent nouns apart,
    # but a word built on one the question uses restates it, it adds no answer.
    added = {t for t in set(content_terms(strip_markers(claim))) - asked
             if not any(len(a) >= DERIVED_PREFIX and t.startswith(a) for a in asked)}
    return added if len(added) <= ANSWER_TERMS_MAX else set()


class CitationVerifier:
    """Scores how well a passage sentence supports a claim; the threshold is calibrated by
    benchmarks/calibrate_citations.py on evaluation data."""

    def __init__(self, embedder: Embedder, threshold: float = 0.60,
                 w_lexical: float = 0.5, w_dense: float = 0.5) -> None:
        self.embedder = embedder
        self.threshold = threshold
        self.w_lexical = w_lexical
        self.w_dense = w_dense

    def support(self, claim: str, chunk: Chunk) -> Support | None:
        """The best-supporting sentence of ``chunk`` for ``claim`` (None if it has none)."""
        claim = strip_markers(claim)
        if is_tainted(chunk.text):
            return None
        spans = sentence_spans(chunk.text)
        terms = list(dict.fromkeys(content_terms(claim)))
        if not spans or not terms:
            return None
        context_text = f"{chunk.title} {chunk.text} {_date_terms(chunk.text, chunk)}"
        if chunk.published_at:
            context_text += f" {format_day(chunk.published_at.date())}"
        context = term_set(context_text)
        numbers_ok = _figures_hold(claim, chunk)
        vecs = self.embedder.embed([claim] + [chunk.text[s:e] for s, e in spans])
        dense = np.asarray(vecs[1:] @ vecs[0]).tolist()
        best: Support | None = None
        for (s, e), d in zip(spans, dense, strict=True):
            sent = chunk.text[s:e]
            sent_terms = term_set(f"{sent} {_date_terms(sent, chunk)}")
            got = sum(1.0 if t in sent_terms else 0.33 if t in context else 0.0 for t in terms)
            lexical = got / len(terms)
            score = self.w_lexical * lexical + self.w_dense * float(d)
            if best is None or score > best.score:
                best = Support(score, lexical, float(d), numbers_ok, s, e)
        return best

    def supports(self, s: Support | None) -> bool:
        return s is not None and s.numbers_ok and s.score >= self.threshold

    def answer_support(self, claim: str, chunk: Chunk, question: str) -> Support | None:
        """Support for a claim that restates the question and adds its answer ("The storm
        that hit Florida this week was Nicole"): the restated part needs no evidence, so the
        whole-claim score undervalues it. Supported when one sentence of the passage holds
        every word the claim adds to the question and at least one of the question's own
        words, and the figures hold. None when the claim adds no answer-sized part."""
        claim = strip_markers(claim)
        added = answer_terms(claim, question)
        if is_tainted(chunk.text) or not added or not _figures_hold(claim, chunk):
            return None
        asked = term_set(question)
        for s, e in sentence_spans(chunk.text):
            sent = chunk.text[s:e]
            sent_terms = term_set(f"{sent} {_date_terms(sent, chunk)}")
            if added <= sent_terms and sent_terms & asked:
                return Support(1.0, 1.0, 0.0, True, s, e)
        return None


# A sentence giving its words to a he or she: "He said members would press for a sale."
_PRONOUN_SAID = re.compile(rf"^\W*(?:he|she|they)\s+(?:has\s+|had\s+)?{SPEECH_VERB}\b|"
                           rf"[,\"”’]\s*(?:he|she|they)\s+{SPEECH_VERB}\b", re.IGNORECASE)
_PRONOUN_START = frozenset({"he", "she", "they", "it", "we", "i"})
# A person's full name: two or more capitalised words ("Tom Brennagh", "Dr Owen Pryce").
_FULL_NAME = re.compile(r"\b[A-Z][a-z][\w’'-]*(?:\s+[A-Z][\w’'-]+)+")


def spoken_by_another(claim: str, chunk: Chunk, start: int, end: int) -> bool:
    """The claim puts words in a named person's mouth ("Carol Ibbotson said the factory
    should be sold") and the passage sentence holding them gives them to someone else: by
    name or title ("said union organiser Ian Hale"), or by a he or she whose sentence
    before is another named person's and never names the claim's. News is about who said
    what; a small model often moves a quote to the person the question asked about."""
    said_by = attribute(strip_markers(claim))
    if not said_by or not said_by.split()[-1][:1].isupper():
        return False  # no one named: "the union said…" is checked as any claim is
    surname = re.escape(said_by.split()[-1])
    sentence = chunk.text[start:end]
    if re.search(rf"\b{surname}\b", sentence):
        return False
    who = attribute(sentence)
    if who and who.split()[0].lower() not in _PRONOUN_START:
        return True
    if not _PRONOUN_SAID.search(sentence):
        return False
    before = next((chunk.text[s:e] for s, e in reversed(sentence_spans(chunk.text))
                   if e <= start), "")
    # "Tom Brennagh, the union's regional officer, accused the firm… He said…": the he is
    # whoever the sentence before names, when it never names the claim's person.
    named = attribute(before) or next(iter(_FULL_NAME.findall(before)), None)
    return bool(named) and not re.search(rf"\b{surname}\b", before)


@dataclass
class VerifiedText:
    """Builds the user-facing answer claim by claim (so streaming can show each checked
    sentence as soon as it is complete)."""

    verifier: CitationVerifier
    sources: dict[int, Chunk]
    mode: Literal["remove", "mark"] = "remove"
    # The question answered: claims that restate it are checked on the words they add.
    question: str | None = None
    parts: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    checks: list[ClaimCheck] = field(default_factory=list)
    # Each supported claim with the source it was cited to, in answer order.
    held: list[tuple[str, Chunk]] = field(default_factory=list)

    @property
    def supported(self) -> list[str]:
        return [text for text, _chunk in self.held]

    def _cite(self, chunk: Chunk, sup: Support, verified: bool) -> int:
        start, end = chunk.start + sup.start, chunk.start + sup.end
        for c in self.citations:
            same = c.article_id == chunk.article_id and (c.start, c.end) == (start, end)
            if same and c.verified == verified:
                return c.n
        cite = citation_for_span(chunk, sup.start, sup.end, len(self.citations) + 1, sup.score)
        if not verified:
            cite = replace(cite, verified=False)
        self.citations.append(cite)
        return cite.n

    def _judge(self, text: str, chunk: Chunk) -> tuple[Support | None, bool]:
        """A claim that adds only an answer's worth of words to the question is judged on
        those words; the whole-claim score would mostly measure the restated question (on
        dev multiple choice it let 33 % of wrong answers through, the answer check 11 %:
        benchmarks/calibrate_answer_support.py). Any other claim is judged whole. Either
        way, words the claim gives a named person must be theirs in the passage."""
        sup, ok = self._support(text, chunk)
        if ok and sup is not None and spoken_by_another(text, chunk, sup.start, sup.end):
            return sup, False
        return sup, ok

    def _support(self, text: str, chunk: Chunk) -> tuple[Support | None, bool]:
        if self.question and answer_terms(text, self.question):
            sup = self.verifier.answer_support(text, chunk, self.question)
            if sup is not None:
                return sup, True
            # Nothing to cite, but "mark" mode shows the closest sentence, marked.
            return (self.verifier.support(text, chunk) if self.mode == "mark" else None), False
        sup = self.verifier.support(text, chunk)
        return sup, self.verifier.supports(sup)

    def add(self, claim: str) -> str:
        """Check one sentence; return what the user may see of it ("" if nothing)."""
        claim = claim.strip()
        if not claim:
            return ""
        cited = tuple(dict.fromkeys(markers(claim)))
        text = strip_markers(claim)
        if not any(ch.isalnum() for ch in text):
            return ""
        known = [n for n in cited if n in self.sources]
        if not known:
            # Small models forget the marker or write one past the sources: such a claim is
            # checked against every prompt source, as a wrong source number is below.
            recited = self._recite(text, cited, known)
            if recited:
                return recited
            verdict: Verdict = "uncited" if not cited else "no_source"
            self.checks.append(ClaimCheck(text, cited, verdict))
            return ""
        shown: list[int] = []
        best_score = 0.0
        fallback: tuple[Chunk, Support] | None = None
        holders: list[Chunk] = []  # the sources that hold it, as ``shown`` cites them
        for n in known:
            sup, ok = self._judge(text, self.sources[n])
            if sup is None:
                continue
            best_score = max(best_score, sup.score)
            if ok:
                shown.append(self._cite(self.sources[n], sup, True))
                holders.append(self.sources[n])
            elif fallback is None or sup.score > fallback[1].score:
                fallback = (self.sources[n], sup)
        if shown:
            self.checks.append(ClaimCheck(text, cited, "supported", tuple(shown), best_score))
            self.held.append((text, holders[0]))
            return self._render(text, shown, "")
        recited = self._recite(text, cited, known)
        if recited:
            return recited
        self.checks.append(ClaimCheck(text, cited, "unsupported", (), best_score))
        if self.mode == "mark" and fallback is not None:
            n = self._cite(fallback[0], fallback[1], False)
            return self._render(text, [n], " (unverified)")
        return ""

    def _recite(self, text: str, cited: tuple[int, ...], known: list[int]) -> str:
        """Small models often state a sound claim but write the wrong source number. The
        claim is checked the same way against the other prompt sources, and the citation
        points at the sentence that holds it; the check records that we moved it."""
        for n, chunk in self.sources.items():
            if n in known:
                continue
            sup, ok = self._judge(text, chunk)
            if ok:
                assert sup is not None
                shown = [self._cite(chunk, sup, True)]
                self.checks.append(ClaimCheck(text, cited, "recited", tuple(shown), sup.score))
                self.held.append((text, chunk))
                return self._render(text, shown, "")
        return ""

    def _render(self, text: str, cites: Sequence[int], note: str) -> str:
        marks = "".join(f"[{n}]" for n in dict.fromkeys(cites))
        body, end = (text[:-1], text[-1]) if text[-1] in ".!?" else (text, ".")
        piece = f"{body}{note} {marks}{end}"
        self.parts.append(piece)
        return piece

    @property
    def text(self) -> str:
        return " ".join(self.parts)


__all__ = [
    "CitationVerifier",
    "ClaimCheck",
    "Support",
    "VerifiedText",
    "is_abstention",
    "is_instruction_like",
    "is_tainted",
    "markers",
    "split_claims",
    "strip_markers",
]
