"""The offline default answerer: pick the sentence that answers, cut the short answer out of
it, cite it, and abstain when nothing in the archive is close enough."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np

from bot.answer import Answer, Citation
from bot.answering import NO_ANSWER
from bot.answering.question import QuestionInfo, analyse, answer_type, stem, term_set
from bot.answering.spans import (
    NOUN_WEIGHT,
    NUMBER,
    PLACE_TYPE,
    common_nouns,
    name_candidates,
    names,
    numbers,
    short_answer,
)
from bot.answering.taint import is_tainted
from bot.temporal import NUMBER_WORDS, resolve_dates
from retrieval.sentences import sentence_spans
from retrieval.types import Chunk, Embedder, Hit

# A name unlike the asked-for type keeps half its votes: the embedder's sense of type is
# a hint, and plenty of right answers are names it has never seen.
TYPE_FLOOR = 0.5


@dataclass
class Candidate:
    chunk: Chunk
    rank: int
    start: int  # offsets into the chunk text
    end: int
    text: str
    lexical: float = 0.0
    # Share of the question's names and numbers found in the passage (1.0 if it has none).
    required: float = 1.0
    dense: float = 0.0
    short: str | None = None
    score: float = 0.0

    @property
    def body_start(self) -> int:
        return self.chunk.start + self.start

    @property
    def body_end(self) -> int:
        return self.chunk.start + self.end


def lexical_overlap(info: QuestionInfo, sentence_terms: set[str],
                    context_terms: set[str]) -> float:
    """Weighted share of question words in the sentence; words only in the surrounding
    passage count a third (the sentence may say "the agreement" for "the ceasefire")."""
    if not info.terms:
        return 0.0
    got = total = 0.0
    for i, t in enumerate(info.terms):
        w = info.weight(i)
        total += w
        got += w * (1.0 if t in sentence_terms else (0.33 if t in context_terms else 0.0))
    return got / total


def citation_for(c: Candidate, n: int) -> Citation:
    resolved = tuple(
        (r.phrase, r.day.isoformat())
        for r in resolve_dates(c.text, c.chunk.published_at)
        if r.relative
    )
    return Citation(
        n=n,
        article_id=c.chunk.article_id,
        title=c.chunk.title,
        source=c.chunk.source,
        url=c.chunk.url,
        published_at=c.chunk.published_at,
        quote=c.text,
        start=c.body_start,
        end=c.body_end,
        resolved_dates=resolved,
        score=round(c.score, 4),
    )


FULL_FORM_MAX_WORDS = 4
# One headline naming a candidate counts like half a sentence naming it beside the
# question's words.
HEADLINE_VOTE = 0.5


def fullest_form(winner: str, totals: dict[str, float]) -> str:
    """The longest voted name that ends with the winner ("Gronkowski" -> "Rob Gronkowski"):
    news names a person in full once, then by surname, so the votes pile on the short form."""
    longer = [k for k in totals if k != winner and k.endswith(f" {winner}")
              and len(k.split()) <= FULL_FORM_MAX_WORDS and " and " not in k]
    return max(longer, key=len) if longer else winner


def place_for_demonym(name: str, texts: list[str]) -> str:
    """"North Korean" -> "North Korea", "Cubans" -> "Cuba", when the passages name the place
    too: the question asked for a country, the sentence used its people's name."""
    for suffix, repl in (("ians", ""), ("ian", ""), ("ans", "a"), ("an", "a"), ("ns", ""),
                         ("n", "")):
        if name.endswith(suffix):
            place = name[: -len(suffix)] + repl
            if len(place) >= 4 and any(re.search(rf"\b{re.escape(place)}\b", t) for t in texts):
                return place
    return name


_DIGIT_WORDS = {str(v): k for k, v in NUMBER_WORDS.items() if isinstance(v, int)}


def mentions(term: str, terms: set[str], text: str, source: str, question: str) -> bool:
    """Does a passage name one of the question's required names or numbers? News writes
    them several ways: "1 billion" / "one billion", "COO" / "chief operating officer",
    "Britons" / "British"."""
    if term in terms or (len(term) >= 4 and term in source):
        return True
    if term in _DIGIT_WORDS:
        return _DIGIT_WORDS[term] in terms
    if (3 <= len(term) <= 5 and term.isalpha()
            and re.search(rf"\b{term.upper()}\b", question)
            and re.search(r"\b" + r"\w*\s+".join(term) + r"\w*", text, re.I)):
        return True  # an acronym spelled out
    # Words, not paths: the shared leading characters are what is wanted.
    return len(term) >= 5 and any(
        len(os.path.commonprefix([term, t]))  # noqa: RUF071
        >= max(4, round(0.66 * min(len(term), len(t)))) for t in terms)


def counts_asked_noun(sentence: str, info: QuestionInfo) -> bool:
    """The sentence counts the very noun asked about ("How many homes" - "40,000 homes")."""
    return info.kind in ("count", "amount") and any(
        stem(n[2].split()[-1]) in info.terms for n in numbers(sentence, info))


class ExtractiveAnswerer:
    """Scores every sentence of the top passages by question-word overlap and embedding
    similarity; needs no model beyond the embedder and cannot invent text."""

    name = "extractive"

    def __init__(
        self,
        embedder: Embedder,
        passages: int = 6,
        min_relevance: float = 0.30,
        w_dense: float = 0.55,
        w_lexical: float = 0.45,
        span_bonus: float = 0.15,
        vote_sentences: int = 6,
    ) -> None:
        self.embedder = embedder
        self.passages = passages
        self.min_relevance = min_relevance
        self.w_dense = w_dense
        self.w_lexical = w_lexical
        # A "how much" question is not answered by a sentence without an amount in it,
        # however on-topic: typed questions prefer sentences holding that type.
        self.span_bonus = span_bonus
        self.vote_sentences = vote_sentences

    def candidates(self, info: QuestionInfo, hits: list[Hit]) -> list[Candidate]:
        out: list[Candidate] = []
        seen: set[tuple[str, int]] = set()
        for rank, hit in enumerate(hits[: self.passages]):
            chunk = hit.chunk
            if is_tainted(chunk.text):
                continue  # an article that addresses the bot is no source of answers
            context = term_set(chunk.title + " " + chunk.text)
            dated = context | (
                {str(chunk.published_at.year)} if chunk.published_at else set()
            )
            # "according to The Guardian" is answered by the Guardian's own article, which
            # names itself only in its source (theguardian.com).
            source = chunk.source.lower()
            required = (
                sum(mentions(t, dated, chunk.text, source, info.text) for t in info.required)
                / len(info.required) if info.required else 1.0
            )
            for s, e in sentence_spans(chunk.text):
                key = (chunk.article_id, chunk.start + s)
                if key in seen:
                    continue  # overlapping chunks repeat sentences
                seen.add(key)
                text = chunk.text[s:e]
                if text.rstrip().endswith("?"):
                    # A question is never its own answer; echoing the user's question is
                    # the cheapest way for a planted passage to outrank the real one.
                    continue
                c = Candidate(chunk, rank, s, e, text)
                c.lexical = lexical_overlap(info, term_set(text), context)
                c.required = required
                out.append(c)
        return out

    def rank(self, question: str, hits: list[Hit]) -> tuple[QuestionInfo, list[Candidate]]:
        info = analyse(question)
        cands = self.candidates(info, hits)
        if not cands:
            return info, []
        vecs = self.embedder.embed([question] + [c.text for c in cands])
        sims = vecs[1:] @ vecs[0]
        for c, sim in zip(cands, np.asarray(sims).tolist(), strict=True):
            c.dense = float(sim)
            c.short = short_answer(c.text, info, c.chunk.published_at)
            wants_span = info.kind in ("when", "who", "where", "count", "amount", "blank")
            c.score = (
                self.w_dense * c.dense
                + self.w_lexical * c.lexical
                + 0.04 / math.sqrt(1 + c.rank)
                + (self.span_bonus if wants_span and c.short else 0.0)
                + (self.span_bonus / 2 if c.short and counts_asked_noun(c.text, info) else 0.0)
            )
        cands.sort(key=lambda c: -c.score)
        if cands[0].required < 0.5:
            # The closest sentence is from a passage without the question's names and
            # numbers: it answers another question. Those that hold them are the answer or
            # there is none.
            cands = [c for c in cands if c.required >= 0.5]
        return info, cands

    def relevance(self, c: Candidate) -> float:
        return self.w_dense * c.dense + self.w_lexical * c.lexical

    def answer(self, question: str, hits: list[Hit], now: datetime | None = None) -> Answer:
        _info, cands = self.rank(question, hits)
        return self.answer_ranked(question, cands)

    def is_answerable(self, cands: list[Candidate]) -> bool:
        return bool(cands) and self.relevance(cands[0]) >= self.min_relevance and (
            cands[0].required >= 0.5
        )

    def vote_for_name(self, info: QuestionInfo, cands: list[Candidate],
                      nouns: bool | None = None) -> Candidate:
        """For who/which/where questions, the name the top sentences agree on.

        One sentence's nearest capitalised word is a noisy guess; the entity that several
        well-scored sentences mention near the question's words is a much better one
        (answer redundancy). Returns the best sentence naming the winner, its short answer
        set to that name. Lower-case words vote too (``nouns``), by default when the
        question names a type its check can judge ("which sport": soccer).
        """
        top = cands[: self.vote_sentences]
        if not top:
            return cands[0]
        voters = self._voters(cands)
        wanted = answer_type(info.text)
        if nouns is None:
            nouns = wanted is not None
        totals: dict[str, float] = {}
        display: dict[str, str] = {}
        where: dict[str, Candidate] = {}
        for c in voters:
            for name, weight in name_candidates(c.text, info, nouns=nouns):
                key = name.lower()
                totals[key] = totals.get(key, 0.0) + c.score * weight
                display.setdefault(key, name)
                where.setdefault(key, c)
        if not totals:
            return cands[0]
        self._add_headline_votes(info, voters, totals, nouns=nouns)
        if wanted:
            self._weigh_by_type(wanted, totals, display)
        # A name that contains another ("Joe Biden" vs "Biden") collects the shorter's votes.
        for key in list(totals):
            for other in list(totals):
                # "Armenian and Azerbaijani" is two names, not a longer form of either.
                if other != key and f" {other}" in f" {key}" and " and " not in key:
                    totals[key] += totals[other] * 0.5
        winner = max(totals, key=lambda k: totals[k])
        winner = fullest_form(winner, totals)
        short = display[winner]
        if PLACE_TYPE.search(info.text):
            short = place_for_demonym(short, [c.chunk.title + " " + c.chunk.text for c in top])
        return replace(where[winner], short=short)

    def vote_for_value(self, cands: list[Candidate]) -> Candidate:
        """For how much, the figure the top sentences agree on: "the record high of
        $5.02" said three times beats one sentence's "around $4.16 now"."""
        totals: dict[str, float] = {}
        where: dict[str, Candidate] = {}
        for c in self._voters(cands):
            if c.short:
                # "8 million" and "8 million borrowers" are one figure.
                figure = NUMBER.match(c.short)
                key = (figure.group() if figure else c.short).lower()
                totals[key] = totals.get(key, 0.0) + c.score
                where.setdefault(key, c)
        if not totals:
            return cands[0]
        return where[max(totals, key=lambda k: totals[k])]

    def _voters(self, cands: list[Candidate]) -> list[Candidate]:
        """The sentences that vote: the top few, within 60% of the best one's score."""
        top = cands[: self.vote_sentences]
        return [c for c in top if c.score >= top[0].score * 0.6] if top else []

    def _add_headline_votes(self, info: QuestionInfo, voters: list[Candidate],
                            totals: dict[str, float], nouns: bool) -> None:
        """A name the headline of a well-scored passage carries is what the article is
        about ("Deshaun Watson: NFL to appeal Cleveland…" - "Cleveland Browns"). Headlines
        only strengthen names the sentences already offer: the cited sentence must hold the
        answer, and the headline is not quoted."""
        seen: set[str] = set()
        for c in voters:
            if c.chunk.article_id in seen:
                continue
            seen.add(c.chunk.article_id)
            found = [(n, 1.0) for _, _, n in names(c.chunk.title, info)]
            if nouns:  # "Tesla reveals a humanoid robot" for "which new product"
                found += [(n, NOUN_WEIGHT) for _, _, n in common_nouns(c.chunk.title, info)]
            for name, weight in found:
                inner = f" {name.lower()} "
                for key in totals:
                    if inner in f" {key} ":
                        totals[key] += c.score * HEADLINE_VOTE * weight

    def _weigh_by_type(self, wanted: str, totals: dict[str, float],
                       display: dict[str, str]) -> None:
        """Scale each name's votes by how much it looks like the asked-for type ("which
        planet": Jupiter over NASA), judged by the embedder: a soft prior, not a filter."""
        if len(totals) < 2:
            return
        keys = list(totals)
        vecs = self.embedder.embed([wanted] + [display[k] for k in keys])
        sims = np.asarray(vecs[1:] @ vecs[0]).tolist()
        for key, sim in zip(keys, sims, strict=True):
            totals[key] *= TYPE_FLOOR + max(0.0, float(sim))

    def answer_ranked(self, question: str, cands: list[Candidate]) -> Answer:
        """The answer from already ranked candidates (the LLM answerer ranks once for both)."""
        if not self.is_answerable(cands):
            return Answer(question, NO_ANSWER, abstained=True, answerer=self.name)
        info = analyse(question)
        if info.kind in ("who", "where", "which"):
            best = self.vote_for_name(info, cands)
        elif info.kind == "amount":
            # Not for counts: there the sentence counting the asked-for noun ("lined the
            # streets: one million people") is the better guide than agreement.
            best = self.vote_for_value(cands)
        else:
            best = cands[0]
        cites = [citation_for(best, 1)]
        # A second source saying the same thing is worth showing: news is about who said it.
        for c in cands[1:4]:
            if (c.chunk.article_id != best.chunk.article_id and c.short and c.short == best.short
                    and self.relevance(c) >= self.min_relevance):
                cites.append(citation_for(c, 2))
                break
        markers = "".join(f"[{c.n}]" for c in cites)
        quote = best.text
        text = f"{best.short} — “{quote}” {markers}" if best.short else f"{quote} {markers}"
        return Answer(
            question,
            text,
            abstained=False,
            citations=cites,
            short_answer=best.short,
            answerer=self.name,
        )
