"""A question asked as of a date never sees a later article, through every front door (ask,
aask, stream, astream, chat, the Runnable, the CLI, Discord), with the extractive answerer
and with an LLM answerer behind the scripted OpenAI-compatible server.

Two articles on one story: the bridge closed (2 May) and reopened (20 June). Asked on 3 May,
only the first may be cited, and for the LLM only the first may be in the prompt."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from typer.testing import CliRunner

from bot import Answer, NewsBot
from bot.answering.llm import LLMAnswerer
from bot.cli import app
from ingest.article import Article
from tests.discord_harness import interaction_payload, invoke, option
from tests.fake_openai import FakeOpenAIServer, Reply, user_prompt

QUESTION = "What happened to the Harbor Bridge?"
ASKED = datetime(2025, 5, 3, 12, 0, tzinfo=UTC)
MAY = Article(
    "Harbor Bridge closed for cable repairs",
    "The city closed the Harbor Bridge on Friday for repairs to its suspension cables. "
    "Engineers said the bridge would stay shut to all traffic for about six weeks. "
    "Ferries will run every twenty minutes while the bridge is closed.",
    source="City Wire", url="https://example.org/bridge-closed",
    published_at=datetime(2025, 5, 2, 9, 0, tzinfo=UTC))
JUNE = Article(
    "Harbor Bridge reopens after seven weeks",
    "The Harbor Bridge reopened to traffic on Friday after seven weeks of cable repairs. "
    "The mayor said the repairs to the Harbor Bridge cost 12 million dollars in the end. "
    "Ferry services added during the closure of the Harbor Bridge will stop next week.",
    source="City Wire", url="https://example.org/bridge-reopens",
    published_at=datetime(2025, 6, 20, 9, 0, tzinfo=UTC))
LATER_WORDS = ("reopened", "12 million", "seven weeks")
# What the scripted model says: a sentence of the May article, cited.
MODEL_SAYS = "The city closed the Harbor Bridge on Friday for repairs to its cables [1]."


@pytest.fixture(scope="module")
def bridge_store(tmp_path_factory, embedder):
    path = tmp_path_factory.mktemp("bridge") / "store"
    bot = NewsBot(store=path, embedder=embedder)
    report = bot.ingest_articles([MAY, JUNE])
    assert report.added == 2
    bot.components.bm25.ensure()
    return path


@pytest.fixture
def model():
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture(params=["extractive", "llm"])
def bot(request, bridge_store, embedder, model):
    """The same store behind either answerer; the scripted model answers every request."""
    if request.param == "extractive":
        yield NewsBot(store=bridge_store, embedder=embedder)
        return
    for _ in range(20):
        model.script(Reply(MODEL_SAYS))
    newsbot = NewsBot(store=bridge_store, embedder=embedder)
    llm = LLMAnswerer(newsbot.components.extractive, "m", base_url=model.base_url, timeout=10,
                      max_retries=0)
    yield NewsBot(store=bridge_store, embedder=embedder, answerer=llm)


def assert_as_of_may(answer: Answer, model: FakeOpenAIServer) -> None:
    assert not answer.abstained, answer
    assert answer.citations
    for c in answer.citations:
        assert c.published_at is not None and c.published_at <= ASKED, c
        assert c.url != JUNE.url
    assert not any(w in answer.answer for w in LATER_WORDS)
    for body in model.requests:  # the LLM never read the later article either
        prompt = user_prompt(body)
        assert "Harbor Bridge" in prompt or "Harbor" in prompt
        assert not any(w in prompt for w in LATER_WORDS), prompt


def test_the_later_article_is_what_an_unbounded_question_finds(bridge_store, embedder):
    """The check below means something: asked today, the June article is found."""
    newsbot = NewsBot(store=bridge_store, embedder=embedder)
    urls = {h.chunk.url for h in newsbot.search(QUESTION)}
    assert JUNE.url in urls


def test_ask(bot, model):
    assert_as_of_may(bot.ask(QUESTION, ASKED), model)


async def test_aask(bot, model):
    assert_as_of_may(await bot.aask(QUESTION, ASKED), model)


def test_stream(bot, model):
    pieces = list(bot.stream(QUESTION, ASKED))
    assert_as_of_may(pieces[-1], model)
    assert not any(w in "".join(p for p in pieces if isinstance(p, str)) for w in LATER_WORDS)


async def test_astream(bot, model):
    pieces = [p async for p in bot.astream(QUESTION, ASKED.isoformat())]
    assert isinstance(pieces[-1], Answer)
    assert_as_of_may(pieces[-1], model)


def test_chat(bot, model):
    chat = bot.chat("as-of")
    assert_as_of_may(chat.ask(QUESTION, ASKED), model)
    assert_as_of_may([p for p in chat.stream(QUESTION, now=ASKED)][-1], model)


async def test_runnable(bot, model):
    runnable = bot.as_runnable()
    assert_as_of_may(runnable.invoke({"question": QUESTION, "now": ASKED}), model)
    assert_as_of_may(await runnable.ainvoke({"question": QUESTION, "now": ASKED}), model)


def test_one_timing_record_on_every_path(bot):
    for answer in (bot.ask(QUESTION, ASKED), list(bot.stream(QUESTION, ASKED))[-1]):
        assert {"retrieve", "answer", "total"} <= set(answer.timings_ms)
        assert answer.timings_ms["total"] >= answer.timings_ms["retrieve"]


@pytest.mark.parametrize("answerer", ["extractive", "llm"])
@pytest.mark.parametrize("stream", [False, True])
def test_cli(bridge_store, model, monkeypatch, answerer, stream):
    for _ in range(3):
        model.script(Reply(MODEL_SAYS))
    monkeypatch.setenv("NEWSBOT_LLM_BASE_URL", model.base_url)
    monkeypatch.setenv("NEWSBOT_LLM_MODEL", "m")
    args = ["ask", QUESTION, "--store", str(bridge_store), "--now", "2025-05-03",
            "--answerer", answerer]
    res = CliRunner().invoke(app, [*args, "--stream"] if stream else [*args, "--json"])
    assert res.exit_code == 0, res.output
    assert not any(w in res.stdout for w in LATER_WORDS), res.stdout
    assert "Harbor Bridge" in res.stdout
    if not stream:
        cited = [c["url"] for c in json.loads(res.stdout)["citations"]]
        assert cited and JUNE.url not in cited
    for body in model.requests:
        assert not any(w in user_prompt(body) for w in LATER_WORDS)


@pytest.mark.parametrize("streaming", [False, True])
async def test_discord(bot, model, monkeypatch, clock, streaming):
    """A slash command asked on 3 May (the front door's clock), streamed or not."""
    from bot.discord_app import DiscordConfig
    from tests.discord_harness import ready_client

    options: dict[str, Any] = {"clock": clock, "today": lambda: ASKED}
    if not streaming:
        options["delta_stream"] = lambda *a, **k: None
    client, rec = await ready_client(bot, DiscordConfig(), options, monkeypatch)
    await invoke(client, interaction_payload("ask", [option("question", QUESTION)]))
    shown = json.dumps(rec.sent_bodies(), ensure_ascii=False)
    assert "Harbor Bridge" in shown
    assert not any(w in shown for w in LATER_WORDS), shown
    assert JUNE.url not in shown
    for body in model.requests:
        assert not any(w in user_prompt(body) for w in LATER_WORDS)
