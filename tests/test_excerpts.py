"""The prompt excerpts: best sentences with the one before each, in article order."""

from __future__ import annotations

from bot.answering.excerpts import GAP, best_sentence_excerpts, excerpt
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
    chunks, shown = best_sentence_excerpts(ranked, sentences=4, passages=2)
    assert [c.article_id for c in chunks] == ["b", "a"]  # d's sentence is past the limit
    assert shown[b.id] == (f"Talks began in Geneva.{GAP}"
                           "Shelling resumed at dawn. Residents fled north.")
    assert shown[a.id] == "The envoy arrived late. She signed the truce on Monday."
    chunks, _ = best_sentence_excerpts(ranked, sentences=1, passages=4)
    assert [c.article_id for c in chunks] == ["b"]
