"""The offline default answerer: read the top passages as a pipeline of stages.

    truecase             a question typed in lower case given the archive's capitals
    question.analyse     what is asked (kind, type, names, the question's own words)
    candidates           every sentence of the top passages, with its place in the article
    scoring              meaning, distinctive words, what the kind needs
    abstention           whether the archive answers at all ("the archive doesn't say")
    shaping              short answer and quote, or the quote alone
    fit                  whether a short answer fits the question as its sentence tells it

It needs no model beyond the embedder and cannot invent text. The LLM answerer ranks with
the same stages and builds its prompt from the best candidates.
"""

from __future__ import annotations

from datetime import datetime

from bot.answer import Answer
from bot.answering.abstention import Thresholds, answerable, answering_first
from bot.answering.candidates import Candidate, candidate_sentences, citation_for
from bot.answering.question import QuestionInfo, analyse
from bot.answering.scoring import Weights, score
from bot.answering.shaping import choose, name_vote, shape
from bot.answering.syntax import with_parsed_event
from bot.answering.truecase import truecased
from retrieval.types import Embedder, Hit

__all__ = ["Candidate", "ExtractiveAnswerer", "citation_for"]

class ExtractiveAnswerer:
    """Picks the sentence that answers, cuts the short answer out of it when it is sure, and
    abstains when nothing in the archive is about the question."""

    name = "extractive"

    def __init__(self, embedder: Embedder, passages: int = 6, min_relevance: float = 0.25,
                 weights: Weights | None = None, vote_sentences: int = 6) -> None:
        self.embedder = embedder
        self.passages = passages
        self.weights = weights or Weights()
        self.thresholds = Thresholds(min_relevance=min_relevance)
        self.vote_sentences = vote_sentences

    def rank(self, question: str, hits: list[Hit]) -> tuple[QuestionInfo, list[Candidate]]:
        """Analyse the question once and rank the candidate sentences, best first."""
        question = truecased(question, (h.chunk.text for h in hits))
        info = with_parsed_event(analyse(question))
        cands = score(info, candidate_sentences(info, hits, self.passages), self.embedder,
                      self.weights)
        if cands and cands[0].required < self.thresholds.required:
            # The closest sentence is from a passage without the question's names and
            # numbers: it answers another question. Those that hold them are the answer or
            # there is none.
            cands = [c for c in cands if c.required >= self.thresholds.required]
        return info, answering_first(info, choose(info, cands), self.thresholds, self.weights)

    def answer(self, question: str, hits: list[Hit], now: datetime | None = None) -> Answer:
        info, cands = self.rank(question, hits)
        return shape(question, info, cands, self.name, self.embedder, self.thresholds,
                     self.weights, now.date() if now else None)

    def answer_ranked(self, info: QuestionInfo, cands: list[Candidate],
                      now: datetime | None = None) -> Answer:
        """The answer from already ranked candidates (the LLM answerer ranks once for both)."""
        return shape(info.text, info, cands, self.name, self.embedder, self.thresholds,
                     self.weights, now.date() if now else None)

    def is_answerable(self, info: QuestionInfo, cands: list[Candidate]) -> bool:
        return answerable(info, cands, self.thresholds, self.weights)

    def vote_for_name(self, info: QuestionInfo, cands: list[Candidate],
                      nouns: bool | None = None) -> Candidate:
        """The name several sentences agree on (see ``shaping.name_vote``). The LLM answerer
        uses it over its own verified claims, which all answer the question."""
        return name_vote(info, cands[: self.vote_sentences], self.embedder, nouns)
