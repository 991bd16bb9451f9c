"""A question typed in lower case is read with the archive's capitals
(bot/answering/truecase.py), so its names are names to the reader."""

from __future__ import annotations

import pytest

from bot.answering.question import analyse
from bot.answering.truecase import truecased

PASSAGES = [
    "Pennant Bank customers could not pay online on Friday. The bank said its chair, "
    "Fiona Delacourt, was sorry. Health chiefs met on Monday.",
    "Mr Akerby's solicitor, Barnaby Quint, disputed the figures. District Judge Harriet "
    "Moule fined him. He appealed to the Court of Arbitration for Sport in January, "
    "and the NHS trust said so.",
    "The Loft studio will stay open. Ask the judge.",
    # Overlapping passages repeat a sentence; a quote's first word is capitalised.
    '"Closing older sites is common," she said.',
    '"Closing older sites is common," she said.',
]


@pytest.mark.parametrize("question,expected", [
    # A name of several words, and one word of a name the passages never write in lower case.
    ("who chairs the board of pennant bank?", "Who chairs the board of Pennant Bank?"),
    ("how many homes does akerby own?", "How many homes does Akerby own?"),
    # A possessive keeps its ending; joiners stay inside a name; an acronym is an acronym.
    ("what did akerby's lawyer say to the court of arbitration for sport?",
     "What did Akerby's lawyer say to the Court of Arbitration for Sport?"),
    ("what did the nhs say in january?", "What did the NHS say in January?"),
    # A word the passages also write in lower case is a word ("the bank said").
    ("what did the bank say?", "What did the bank say?"),
    # A capitalised word opening a sentence may be any word ("Health chiefs met").
    ("what did health chiefs say?", "What did health chiefs say?"),
    # A title is a word of its own to someone asking "which judge".
    ("which judge fined the landlord?", "Which judge fined the landlord?"),
    # Opening a sentence or a quote, however often read, a word is any word.
    ("why is akerby closing the flats?", "Why is Akerby closing the flats?"),
    # "The Loft": the article opening it is no part of the name.
    ("is the loft open?", "Is the Loft open?"),
])
def test_a_lower_case_question_gets_the_passages_capitals(question, expected):
    assert truecased(question, PASSAGES) == expected


def test_a_question_written_with_capitals_is_left_as_written():
    question = "Who chairs the bank at Pennant?"
    assert truecased(question, PASSAGES) == question
    # A capital first and no name after it: a question without names, not one typed in
    # lower case ("Which national park…" must not ask about "National Park").
    plain = "What did health chiefs say about the court of arbitration for sport?"
    assert truecased(plain, PASSAGES) == plain


def test_the_names_found_are_what_the_reader_requires():
    """The point of it: "pennant bank" in lower case is the question's subject, as it is
    when the user writes the capitals."""
    typed = analyse(truecased("who chairs the board of pennant bank?", PASSAGES))
    written = analyse("Who chairs the board of Pennant Bank?")
    assert typed.required == written.required == ("pennant",)
    assert analyse("who chairs the board of pennant bank?").required == ()
