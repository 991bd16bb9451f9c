"""The prompt excerpts: best sentences in article order, each with the one before it when it
leans on it ("She signed…", "The company said…", "…, he said.")."""

from __future__ import annotations

import pytest

from bot.answering.excerpts import GAP, best_sentence_excerpts, excerpt, leans_on_previous
from bot.answering.extractive import Candidate
from retrieval.sentences import sentence_spans
from retrieval.types import Chunk

TEXT = ("Talks began in Geneva. The envoy arrived late. She signed the truce on Monday. "
        "Shelling resumed at dawn. Residents fled north. The UN called for calm.")


def chunk(article: str = "a", index: int = 0, text: str = TEXT) -> Chunk:
    return Chunk(article, index, text, 0, len(text), title="T")


def cand(c: Chunk, sentence: int, rank: int = 0) -> Candidate:
    s, e = sentence_spans(c.text)[sentence]
    return Candidate(c, rank, s, e, c.text[s:e])


def test_each_sentence_comes_with_the_one_before_and_gaps_are_marked():
    c = chunk()
    starts = {cand(c, 2).start, cand(c, 5).start}
    assert excerpt(c, starts) == ("The envoy arrived late. She signed the truce on Monday."
                                  f"{GAP}Residents fled north. The UN called for calm.")


def test_adjacent_picks_merge_and_the_first_sentence_has_nothing_before():
    c = chunk()
    starts = {cand(c, 0).start, cand(c, 1).start}
    assert excerpt(c, starts) == "Talks began in Geneva. The envoy arrived late."
    assert excerpt(c, {cand(c, 3).start}, before=0) == "Shelling resumed at dawn."


def test_best_sentences_pick_chunks_best_first_up_to_the_passage_limit():
    a, b, d = chunk("a"), chunk("b"), chunk("d")
    ranked = [cand(b, 4), cand(a, 2), cand(b, 0), cand(d, 1)]
    chunks, shown = best_sentence_excerpts(ranked, sentences=4, passages=2, needs_before=None)
    assert [c.article_id for c in chunks] == ["b", "a"]  # d's sentence is past the limit
    assert shown[b.id] == (f"Talks began in Geneva.{GAP}"
                           "Shelling resumed at dawn. Residents fled north.")
    assert shown[a.id] == "The envoy arrived late. She signed the truce on Monday."
    chunks, _ = best_sentence_excerpts(ranked, sentences=1, passages=4)
    assert [c.article_id for c in chunks] == ["b"]


def test_only_a_sentence_that_leans_on_the_one_before_brings_it():
    a, b = chunk("a"), chunk("b")
    # "She signed…" needs "The envoy arrived late." (which would need the sentence before
    # it, but one step back is all a sentence brings); "Residents fled north." stands alone.
    _, shown = best_sentence_excerpts([cand(a, 2), cand(b, 4), cand(b, 1)],
                                      sentences=3, passages=4)
    assert shown[a.id] == "The envoy arrived late. She signed the truce on Monday."
    assert shown[b.id] == ("Talks began in Geneva. The envoy arrived late."
                           f"{GAP}Residents fled north.")
    assert excerpt(a, {cand(a, 5).start}, needs_before=leans_on_previous) == (
        "The UN called for calm.")  # "The UN" is a name


@pytest.mark.parametrize(("sentence", "leans"), [
    # Pronouns, possessives and demonstratives, also after an opening clause.
    ("He said the plan would fail.", True),
    ("It fell apart on Monday.", True),
    ("Their vote counts.", True),
    ("These figures are higher.", True),
    ("On Monday, she announced her resignation.", True),
    ("But they rejected the offer.", True),
    # "The" and a common noun names nobody: the company, the agreement, the 45-year-old.
    ("The company said profits rose.", True),
    ("The agreement, which aimed to allow an exchange, fell apart on Monday.", True),
    ("The 45-year-old was arrested.", True),
    ("In June, the central bank held its rate.", True),
    # A pronoun as the speaker, and no name in the sentence.
    ("“We will not back down,” he said.", True),
    ("Prices rose 3 percent in May, she told reporters.", True),
    # Names, and sentences that stand alone.
    ("“We will not back down,” Smith said.", False),
    ("“It was a mistake,” Smith said.", False),
    ("Smith said he would resign.", False),
    ("The Fed held rates at 5.25 percent.", False),
    ("Riverside United won the national cup on Saturday.", False),
    ("About 40,000 homes lost power in the storm.", False),
    ("There were 12 deaths.", False),
    ("In June, Lagarde held the rate.", False),
])
def test_which_sentences_lean_on_the_one_before(sentence, leans):
    assert leans_on_previous(sentence) is leans
