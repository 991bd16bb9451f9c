"""End to end through the SDK on the bundled sample articles and on the seed article."""

import asyncio
import re
from datetime import date

import pytest

from bot import Answer


def body_of(bot, article_id):
    chunks = [c for c in bot.components.store.iter_chunks() if c.article_id == article_id]
    chunks.sort(key=lambda c: c.start)
    body = ""
    for c in chunks:
        body = body[: c.start] + c.text if len(body) >= c.start else body + c.text
    return body


def check_ceasefire(bot, answer: Answer, expected_source: str):
    assert not answer.abstained
    assert answer.short_answer == "Monday 12 October 2020"
    assert "12 October 2020" in answer.answer
    c = answer.citations[0]
    assert c.source == expected_source
    assert c.published_at is not None and c.published_at.date() == date(2020, 10, 14)
    assert "Monday" in c.quote
    assert ("on Monday", "2020-10-12") in c.resolved_dates
    assert "[1]" in answer.answer
    # The quote is the exact text at the cited offsets.
    assert body_of(bot, c.article_id)[c.start : c.end] == c.quote


@pytest.mark.parametrize("fixture,source", [("examples_bot", "Caspian Wire"),
                                            ("examples_server_bot", "Caspian Wire"),
                                            ("seed_bot", "Dispatches")])
def test_when_did_the_ceasefire_collapse(request, fixture, source):
    bot = request.getfixturevalue(fixture)
    check_ceasefire(bot, bot.ask("When did the ceasefire collapse?"), source)


@pytest.mark.parametrize("fixture", ["examples_bot", "examples_server_bot", "seed_bot"])
def test_who_mediated_the_talks(request, fixture):
    bot = request.getfixturevalue(fixture)
    a = bot.ask("Who mediated the talks?")
    assert not a.abstained and a.citations
    assert re.search(r"Russia|Moscow", a.short_answer or "")
    assert re.search(r"Russia|Moscow", a.citations[0].quote)


@pytest.mark.parametrize("fixture", ["examples_bot", "examples_server_bot", "seed_bot"])
@pytest.mark.parametrize("question", ["Who won the 2018 World Cup?",
                                      "What is the capital of France?"])
def test_off_archive_questions_abstain(request, fixture, question):
    bot = request.getfixturevalue(fixture)
    a = bot.ask(question)
    assert a.abstained
    assert a.citations == []
    assert "don't say" in a.answer


@pytest.mark.parametrize(
    "question,short,source",
    [
        ("How much will the tram line cost?", "412 million euros", "Northbay Gazette"),
        ("How many homes lost power?", "40,000", "Coastal Courier"),
        ("Who won the national cup?", "Riverside United", "Sportsline"),
        ("How many visitors came to the reopened museum?", "9,000", "Northbay Gazette"),
    ],
)
def test_short_answers_by_question_type(examples_bot, question, short, source):
    a = examples_bot.ask(question)
    assert a.short_answer == short
    assert a.citations[0].source == source
    assert short.split()[0] in a.citations[0].quote


def test_source_and_date_filters(examples_bot):
    a = examples_bot.ask("Who won?", sources=["Sportsline"])
    assert all(c.source == "Sportsline" for c in a.citations)
    hits = examples_bot.search("storm power", since="2024-01-01")
    assert all(h.chunk.published_at.year >= 2024 for h in hits)


def test_async_ask_matches_sync(examples_bot):
    async def run():
        return await asyncio.gather(
            examples_bot.aask("When did the ceasefire collapse?"),
            examples_bot.aask("How many homes lost power?"),
        )

    first, second = asyncio.run(run())
    assert first.short_answer == "Monday 12 October 2020"
    assert second.short_answer == "40,000"


def test_langchain_retriever(examples_bot):
    from langchain_core.retrievers import BaseRetriever

    retriever = examples_bot.retriever
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("storm gusts lighthouse")
    assert docs and docs[0].metadata["source"] == "Coastal Courier"
    assert docs[0].metadata["published_at"].startswith("2023-11-17")
    assert "187" in " ".join(d.page_content for d in docs)


def test_stats(examples_bot):
    s = examples_bot.stats().to_dict()
    assert s["articles"] == 6
    assert s["first_published"].startswith("2020-10-14")
    assert s["last_published"].startswith("2025-02-08")
    assert s["sources"]["Northbay Gazette"] == 2
