"""RealTime QA's fill-in-the-blank phrasing, served by the eval harness, not the product."""

from __future__ import annotations

import pytest

from bot.answer import Answer, Citation
from bot.answering.question import analyse
from bot.evaluation.quiz import blank_span, continuation, is_blank, quiz_span


@pytest.mark.parametrize(
    "question,sentence,short",
    [
        ("The top prize amount ballooned to:",
         "A giant lottery jackpot ballooned to $1.02 billion after nobody won on Tuesday.",
         "$1.02 billion"),
        ("The fire was started by a man who was trying to:",
         "Police said the man was trying to burn a spider with a lighter, officials said.",
         "burn a spider with a lighter"),
        ("He became the first American man to reach the semifinals since:",
         "He is the first American man to reach the semifinals since 2006, by beating Rublev.",
         "2006"),
    ],
)
def test_quiz_blank_takes_what_follows_the_question(question, sentence, short):
    assert continuation(sentence, question) == short
    assert blank_span(sentence, question) == short


def test_blank_without_the_question_words_gives_nothing():
    assert continuation("The weather was fine all week.", "The jackpot ballooned to:") is None


@pytest.mark.parametrize(
    "question,sentence,short",
    [
        # The sentence words the figure otherwise than the question's blank.
        ("Denys Shmyhal said the estimated cost to rebuild Ukraine after the war will be:",
         "Rebuilding the country would need $750 billion, Shmyhal said.", "$750 billion"),
        # An age is not a measure.
        ("Guinness named Fenrir the tallest living domestic cat. He measures:",
         "Fenrir, a two-year-old Savannah cat, stands 18.83 inches tall.", "18.83 inches"),
        # A blank that asks for no figure gets none.
        ("The fire was started by a man who was trying to:",
         "The blaze, which burned 60 acres, began on Monday.", None),
    ],
)
def test_a_blank_asking_for_a_figure_takes_the_sentences_figure(question, sentence, short):
    assert is_blank(question)
    assert blank_span(sentence, question) == short


def test_the_harness_fills_a_blank_from_the_cited_sentence():
    quote = "A giant lottery jackpot ballooned to $1.02 billion after nobody won on Tuesday."
    cite = Citation(n=1, article_id="a", title="t", source="s", url="", published_at=None,
                    quote=quote, start=0, end=len(quote))
    question = "After nobody won on Tuesday, the top prize amount ballooned to:"
    answer = Answer(question, quote, False, [cite])
    assert quiz_span(question, answer) == "$1.02 billion"
    # The product has no quiz kind: a blank is read like any other sentence.
    assert analyse(question).kind == "other"
    assert quiz_span("How much is the jackpot?", answer) is None
