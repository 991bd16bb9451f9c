"""A short answer is of the asked type as its sentence tells it (bot/answering/answertype.py),
on the real packaged parser; both answerers run it through ``fit.fits``."""

from __future__ import annotations

import pytest

from bot.answering.answertype import (
    counts_asked,
    measures_asked_dimension,
    not_a_thing,
    type_fits,
    whole_words,
)
from bot.answering.question import analyse
from bot.answering.syntax import entity_label


def _dimension(question: str, short: str, sentence: str) -> bool:
    return measures_asked_dimension(analyse(question), short, sentence)


def _count(question: str, short: str, sentence: str) -> bool:
    return counts_asked(analyse(question), short, sentence)


@pytest.mark.parametrize("check,question,short,sentence,fits", [
    # Which way a length runs is in the sentence.
    (_dimension, "How deep is the crater at Pellow Cross?", "9 metres",
     "The crater, about 9 metres wide, opened beside the bus station on Sunday.", False),
    (_dimension, "How deep is the crater at Pellow Cross?", "9 metres",
     "Surveyors said the crater was 9 metres deep.", True),
    (_dimension, "What is the height of the new mast?", "60 metres",
     "The mast will stand 60 metres tall on the ridge.", True),
    (_dimension, "How high will the sea wall be?", "400 metres",
     "The wall will run 400 metres long across the harbour mouth.", False),
    # A length that says no direction may be any.
    (_dimension, "How deep is the crater?", "9 metres",
     "Surveyors measured it at 9 metres.", True),
    # Not a length: nothing to check.
    (_dimension, "How deep are the council's cuts?", "12 percent",
     "The council will cut 12 percent wide of its budget.", True),
    # What a figure counts is in the sentence.
    (_count, "How many buses were withdrawn?", "3 depots",
     "Operators withdrew buses from 3 depots across the county.", False),
    (_count, "How many buses were withdrawn?", "40 buses",
     "Operators withdrew 40 buses from service.", True),
    # The counted noun goes on past the span: "14 double-decker buses".
    (_count, "How many buses were withdrawn?", "14 double-decker",
     "Operators withdrew 14 double-decker buses from service.", True),
    # A count of people answers for any group of them.
    (_count, "How many nurses joined the protest?", "300 people",
     "About 300 people joined the protest outside the hospital.", True),
    # A bare figure says nothing against the asked noun.
    (_count, "How many buses were withdrawn?", "40",
     "Operators withdrew 40 from service.", True),
    # A figure joined to its noun counts that noun: "a 22-turbine wind farm".
    (_count, "How many objections did the council receive?", "22-turbine",
     "Plans for a 22-turbine wind farm on the ridge were thrown into doubt.", False),
    (_count, "How many turbines will the wind farm have?", "22-turbine",
     "Plans for a 22-turbine wind farm on the ridge were thrown into doubt.", True),
    # The words after a figure's own noun count it only through the asked noun's own: a day
    # and a use are the question's words, but vehicles are not buses.
    (_count, "How many buses a day used to cross Old Ebbery Bridge?", "9,500 vehicles",
     "The council says about 9,500 vehicles a day use the bridge.", False),
    (_count, "How many Norvale factory workers lost their jobs?", "120 jobs",
     "The firm cut 120 jobs at the Norvale factory.", True),
    # What the figure's noun is of: "27 cases of measles" counts who caught it.
    (_count, "How many people in Linthorpe have caught measles?", "27 cases",
     "Officials have confirmed 27 cases of measles in Linthorpe.", True),
    (_count, "How many boats were waiting when the lock reopened?", "63 vessels",
     "By the time the lock reopened, 63 vessels were waiting to pass through it.", True),
    # The asked group named as a part of those counted is not counted: the 87 are staff,
    # some of them nurses. All of them are.
    (_count, "How many nurses work at Little Wren hospice?", "87 staff",
     "The hospice employs 87 staff, most of them nurses and care workers.", False),
    (_count, "How many staff work at Little Wren hospice?", "87 staff",
     "The hospice employs 87 staff, most of them nurses and care workers.", True),
    (_count, "How many nurses work at the hospice?", "87 staff",
     "The hospice employs 87 staff, all of them nurses.", True),
    # A count asked in a unit is a figure in that unit, written in digits, words or
    # joined to it: six homes are no years, vessel movements no tonnes.
    (_count, "How many years has Akerby been letting out houses?", "6",
     "He said Mr Akerby still let out six other homes in the borough.", False),
    (_count, "How many years has Quiroga signed for?", "5",
     "Brackwell have signed Quiroga on a five-year contract.", True),
    (_count, "How many tonnes of cargo does the port handle?", "9,000 vessel",
     "The lock handles about 9,000 vessel movements a year.", False),
    (_count, "How many kilometres of bog would the tracks cross?", "9",
     "The tracks would cut across 9km of bog.", True),
    # Not "how many": no counted noun to hold it to.
    (_count, "How much did the depot cost?", "3 million pounds",
     "The depot cost 3 million pounds to build.", True),
])
def test_a_measure_or_a_count_answers_what_it_is_said_of(check, question, short, sentence,
                                                          fits):
    """A length answers the dimension it is said in; a figure the noun it counts."""
    assert check(question, short, sentence) is fits


def test_a_span_cut_inside_a_hyphenated_word_is_no_answer():
    sentence = "Volunteers refloated 22 long-tailed ducks after the oil spill."
    assert not whole_words("22 long", sentence)
    assert whole_words("22 long-tailed ducks", sentence)
    # A name before a hyphen is whole: the talks were mediated by Russia.
    assert whole_words("Russian", "It followed Russian-mediated talks in Moscow.")
    # The same words whole elsewhere in the sentence stand.
    assert whole_words("long", "The long road and the long-tailed ducks.")


@pytest.mark.parametrize("short,sentence,fits", [
    # The recogniser reads these as a sea and a work: they did nothing a "who" asks.
    ("the North Sea", "The contract was won by a consortium working in the North Sea.", False),
    ("The Night Watch", "The painting stolen was The Night Watch, a copy of the famous "
                        "Rembrandt.", False),
    ("Jan Verhoeven", "The contract was won by a firm led by Jan Verhoeven, officials said.",
     True),
])
def test_who_is_answered_by_a_person_or_a_body_not_a_place_or_a_work(short, sentence, fits):
    assert not_a_thing(analyse("Who won the contract?"), short, sentence) is fits


def test_the_entity_label_is_read_where_the_sentence_writes_the_span():
    sentence = "Maria Castell flew to Lisbon on Monday."
    assert entity_label("Maria Castell", sentence) == "PERSON"
    assert entity_label("Lisbon", sentence) == "GPE"
    assert entity_label("Warsaw", sentence) is None


@pytest.mark.parametrize("question,short,fits", [
    ("What make of van did police find at the unit?", "Oxwick", False),
    ("Which town is the unit in?", "Oxwick", True),
    ("Which firm rented the unit?", "Harlow Logistics", True),
])
def test_a_thing_asked_is_not_answered_by_a_place(question, short, fits):
    from bot.answering.answertype import no_place_for_a_thing

    sentence = ("Officers found the converters and a van with false plates at a unit rented by "
                "Harlow Logistics on Vetch Lane in Oxwick.")
    assert no_place_for_a_thing(analyse(question), short, sentence) is fits


def test_type_fits_is_all_of_the_checks():
    info = analyse("How many buses were withdrawn?")
    assert type_fits(info, "40 buses", "Operators withdrew 40 buses from service.")
    assert not type_fits(info, "3 depots", "Operators withdrew buses from 3 depots.")


def test_both_answerers_hold_a_short_answer_to_the_asked_type():
    """``fit.fits`` is the check the extractive and the LLM answerer both run on what
    they would show."""
    from bot.answering.fit import fits

    info = analyse("How deep is the crater at Pellow Cross?")
    assert not fits(info, "9 metres", "A crater about 9 metres wide opened in the car park.")
    assert fits(info, "15 metres", "Engineers said the crater was 15 metres deep.")
    who = analyse("Who won the contract?")
    assert not fits(who, "The Night Watch", "The contract was for a copy of The Night Watch.")


def test_a_width_earns_no_typed_bonus_for_how_deep(embedder):
    """The words-only checks (``form_fits``) decide the typed-span bonus in scoring, so the
    sentence giving the depth answers "how deep", not the lead giving the width."""
    from bot.answering.extractive import ExtractiveAnswerer
    from tests.test_reading import passage

    text = ("A crater about 9 metres wide opened in a town-centre car park in Pellow Cross late "
            "on Sunday night, swallowing two vans. Nobody was hurt. The council said the hole "
            "was about 4 metres deep.")
    a = ExtractiveAnswerer(embedder).answer(
        "How deep is the crater at Pellow Cross?",
        [passage(text, "Crater swallows vans at Pellow Cross", "Courier")])
    assert "4 metres deep" in a.citations[0].quote


@pytest.mark.parametrize("question,short,sentence,fits", [
    # Another kind of the thing asked: its figure is not the answer.
    ("How much does an off-peak return to Hallamford cost?", "£19.70",
     "An anytime return will go up from £18.40 to £19.70.", False),
    ("How many hens were on the second farm?", "41,000", "The first farm had 41,000 hens.",
     False),
    ("How much is an annual season ticket?", "£400", "A monthly season ticket costs £400.",
     False),
    # The kind asked, or the thing without its kind: may be the answer.
    ("How much does an off-peak return to Hallamford cost?", "£12",
     "An off-peak return will cost £12.", True),
    ("How much is an annual season ticket?", "£4,101", "A season ticket will rise to £4,101.",
     True),
    # The other kind stands in another clause than the figure: the figure is the search's.
    ("How long could it take Norvale to find a permanent chief executive?", "six months",
     "The board named Grace Whitlow as interim chief executive while it looks for a "
     "permanent successor, a search that could take up to six months.", True),
])
def test_a_figure_said_of_another_kind_of_the_thing_is_no_answer(question, short, sentence,
                                                                 fits):
    from bot.answering.answertype import of_the_kind_asked

    assert of_the_kind_asked(analyse(question), short, sentence) is fits


def test_a_number_word_is_no_name():
    # "Six of the nine members voted for the cut" names none of the three asked about.
    info = analyse("Which three members of the board voted to keep the rate?")
    assert not type_fits(info, "Six", "Six of the nine members voted for the cut.")
    assert type_fits(info, "Ana Ruiz", "Ana Ruiz voted to keep the rate.")
