"""Hostile Discord users, and Discord failing: floods from one member, text built to ping
everyone, members without the right to add articles, and 429/5xx answers from Discord.

Real discord.py objects throughout; only HTTP is recorded (tests/discord_harness.py)."""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answer import Answer, Citation
from bot.answering import Draft
from bot.newsbot import NewsBot
from tests.discord_harness import (
    ALICE,
    BOB,
    BOT,
    CAROL,
    CHANNEL,
    EDITOR_ROLE,
    EPHEMERAL,
    MANAGE_GUILD,
    DiscordEdge,
    deliver,
    interaction_payload,
    invoke,
    message_payload,
    option,
    snowflake,
    user,
)
from tests.test_discord_bot import (
    COLLAPSE,
    ask_payload,
    assert_no_pings,
    assert_no_pings_allowed,
    ephemeral_notes,
    ingest_payload,
)

DAVE = 830000000000000004  # one more ordinary member
LIMITS = {"user_rate": 5, "user_window_s": 60, "guild_rate": 30, "guild_window_s": 60}


def mention(text: str, author: int = ALICE, channel: int = CHANNEL) -> dict[str, Any]:
    return message_payload(snowflake(), channel, user(author, f"user{author % 100}"),
                           f"<@{BOT}> {text}", mentions=[user(BOT, "newsbot", bot=True)])


def public_replies(rec: Any) -> list[Any]:
    """Messages the bot posted in the channel (thread creation aside)."""
    return [c for c in rec.find("POST", f"/channels/{CHANNEL}/messages")
            if not c.path.endswith("/threads")]


def spy_on_questions(newsbot: NewsBot, monkeypatch: Any) -> list[str]:
    asked: list[str] = []
    real = newsbot.aask

    async def aask(question: str, *args: Any, **kwargs: Any) -> Answer:
        asked.append(question)
        return await real(question, *args, **kwargs)

    monkeypatch.setattr(newsbot, "aask", aask)
    return asked


# Floods -----------------------------------------------------------------------------------------
async def test_a_burst_of_mentions_gets_the_budget_and_one_refusal(
        make_discord, examples_bot, clock, monkeypatch):
    asked = spy_on_questions(examples_bot, monkeypatch)
    client, rec = await make_discord(examples_bot, **LIMITS)
    for _ in range(100):  # 100 mentions in 3 seconds
        clock.now += 0.03
        await deliver(client, mention(COLLAPSE))
    replies = public_replies(rec)
    answers = [r for r in replies if r.json.get("embeds")]
    refusals = [r for r in replies if "asking faster" in (r.json.get("content") or "")]
    assert len(asked) == 5 and len(answers) == 5
    assert len(refusals) == 1 and len(replies) == 6  # the other 94 are not answered at all
    assert "try again in 60 s" in refusals[0].json["content"]
    assert len(rec.find("POST", "/threads")) == 5

    # Another member is not held up by the flood.
    await deliver(client, mention(COLLAPSE, author=BOB))
    assert len(asked) == 6 and public_replies(rec)[-1].json["embeds"]

    # The next window: the same budget again, and again one refusal.
    clock.now += 60
    for _ in range(20):
        clock.now += 0.01
        await deliver(client, mention(COLLAPSE))
    replies = public_replies(rec)[7:]
    assert len(asked) == 11 and len(replies) == 6
    assert sum("asking faster" in (r.json.get("content") or "") for r in replies) == 1
    assert_no_pings(rec)


async def test_a_flood_of_empty_and_oversized_mentions_is_bounded(
        make_discord, examples_bot, clock, monkeypatch):
    """Bad questions are replied to publicly too, so they spend the same budget."""
    asked = spy_on_questions(examples_bot, monkeypatch)
    client, rec = await make_discord(examples_bot, **LIMITS, max_question_chars=200)
    for i in range(100):
        clock.now += 0.02
        await deliver(client, mention("" if i % 2 else "why " * 100))
    replies = [r.json["content"] for r in public_replies(rec)]
    assert asked == []
    assert len(replies) == 6
    assert sum("Ask me a question" in r or "keep it under 200" in r for r in replies) == 5
    assert "asking faster" in replies[-1]


async def test_a_burst_of_slash_commands_is_answered_within_the_budget(
        make_discord, examples_bot, clock, monkeypatch):
    """Each refused /ask gets one short private note: Discord requires a response to every
    interaction (else the user sees "The application did not respond"), and an ephemeral
    note reaches only the sender, so it amplifies nothing; no answer is computed for it."""
    asked = spy_on_questions(examples_bot, monkeypatch)
    client, rec = await make_discord(examples_bot, **LIMITS)
    for _ in range(100):
        clock.now += 0.03
        await invoke(client, ask_payload())
    callbacks = rec.find("POST", "/callback")
    deferred = [c for c in callbacks if c.json["type"] == 5]
    refused = [c for c in callbacks if c.json["type"] == 4]
    assert len(callbacks) == 100 and len(asked) == 5
    assert len(deferred) == 5 and not any(c.flags & EPHEMERAL for c in deferred)
    assert len(refused) == 95
    assert all(c.flags & EPHEMERAL and "asking faster" in c.body["content"] for c in refused)
    public = [c for c in rec.find("POST", f"/webhooks/{BOT}/") if not c.flags & EPHEMERAL]
    assert len(public) == 5  # the five answers are all anyone else sees

    await invoke(client, ask_payload(user_id=DAVE))
    assert len(asked) == 6 and rec.calls[-1].json["embeds"]
    assert_no_pings(rec)


# Who may add articles ---------------------------------------------------------------------------
PAGE = b"""<html><head><title>Ferry service resumes</title>
<meta property="article:published_time" content="2024-05-02T08:00:00Z"></head>
<body><article><h1>Ferry service resumes</h1><p>The harbour ferry resumed service on Thursday
after a two-week strike, the operator said. Twelve crossings a day are planned.</p>
</article></body></html>"""


@pytest.fixture
def article_site() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/ferry.html", hits
    httpd.shutdown()
    httpd.server_close()


async def test_url_ingest_needs_the_role_and_keeps_the_fetch_guard(
        make_discord, embedder, tmp_path, article_site):
    url, hits = article_site
    newsbot = NewsBot(store=tmp_path / "store", embedder=embedder, allow_private_networks=True)
    client, rec = await make_discord(newsbot)

    def ingest_url(**who: Any) -> dict[str, Any]:
        return interaction_payload("ingest", [option("url", url)], **who)

    # No role, no Manage Server: refused before anything is fetched.
    await invoke(client, ingest_url(user_id=ALICE))
    await invoke(client, ingest_url(user_id=DAVE, roles=(snowflake(),)))
    assert ephemeral_notes(rec) == [
        "Only members with Manage Server or the `news-editor` role can add articles."] * 2
    assert hits == [] and newsbot.stats().articles == 0

    await invoke(client, ingest_url(user_id=BOB, roles=(EDITOR_ROLE,)))
    assert hits == ["/ferry.html"]
    assert ephemeral_notes(rec)[-1].startswith("added 1 · unchanged 0")
    assert newsbot.stats().articles == 1

    # A bot with the default settings will not fetch from its own network for anyone.
    guarded = NewsBot(store=tmp_path / "guarded", embedder=embedder)
    client, rec = await make_discord(guarded)
    await invoke(client, interaction_payload("ingest", [option("url", url)], user_id=CAROL,
                                             permissions=MANAGE_GUILD))
    summary = ephemeral_notes(rec)[-1]
    assert summary.startswith("added 0") and "failed 1" in summary
    assert "non-public address 127.0.0.1" in summary
    assert hits == ["/ferry.html"] and guarded.stats().articles == 0


async def test_ingest_refusals_echo_no_mentions(make_discord, embedder, tmp_path):
    newsbot = NewsBot(store=tmp_path / "store", embedder=embedder)
    client, rec = await make_discord(newsbot)
    payload, _ = ingest_payload(f"@everyone <@&{EDITOR_ROLE}>.exe", 10, user_id=CAROL,
                                permissions=MANAGE_GUILD)
    await invoke(client, payload)
    await invoke(client, interaction_payload(
        "ingest", [option("url", "javascript:alert('@here')")], user_id=CAROL,
        permissions=MANAGE_GUILD))
    notes = ephemeral_notes(rec)
    assert "not a format I can read" in notes[0] and "starts with http" in notes[1]
    assert not any(PING_SYNTAX.search(n) for n in notes)
    assert_no_pings(rec)


# Nothing the bot sends can ping --------------------------------------------------------------
PING_SYNTAX = re.compile(r"@(?:everyone|here)|<@[!&]?\d+>|<#\d+>")
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
PINGS = ["@everyone", "@here", "<@123>", "<@!123>", "<@&456>", "<#789>", f"<@{ALICE}>",
         f"<@!{CAROL}>", f"<@&{EDITOR_ROLE}>", f"<#{CHANNEL}>", f"<@{BOT}>"]
MARKUP = [" ", "\n", "**", "`", "> ", "||", "[click](https://evil.example/)", "\\", "@", "<", ">"]


@st.composite
def ping(draw: Any) -> str:
    p: str = draw(st.sampled_from(PINGS))
    if draw(st.booleans()):  # a zero-width character somewhere inside it
        at = draw(st.integers(0, len(p)))
        p = p[:at] + draw(st.sampled_from(ZERO_WIDTH)) + p[at:]
    return p


hostile_text = st.lists(st.one_of(ping(), st.sampled_from(MARKUP), st.text(max_size=12)),
                        min_size=1, max_size=12).map("".join)


def visible_strings(body: dict[str, Any]) -> Iterator[str]:
    for key in ("content", "name"):  # message text; a thread's name
        if isinstance(body.get(key), str):
            yield body[key]
    for e in body.get("embeds") or []:
        yield from (e.get("title") or "", e.get("description") or "",
                    (e.get("footer") or {}).get("text") or "",
                    (e.get("author") or {}).get("name") or "")
        for f in e.get("fields") or []:
            yield f["name"]
            yield f["value"]


class Parrot:
    """Answers with whatever the (hostile) article says, everywhere an answer shows text."""

    def __init__(self) -> None:
        self.article = ""

    def answer(self, question: str, hits: list[Any], now: Any = None) -> Answer:
        a = self.article
        cite = Citation(1, "hostile-1", a[:120], a[:60], "https://example.org/x",
                        datetime(2020, 10, 14, tzinfo=UTC), a, 0, len(a),
                        resolved_dates=((a[:30], "2020-10-12"),))
        return Answer(question, f"{a} [1]", False, [cite], short_answer=a[:40],
                      answerer="parrot", notice=a[:80])


@pytest.fixture
def parrot_bot(tmp_path, embedder) -> tuple[NewsBot, Parrot]:
    parrot = Parrot()
    return NewsBot(store=tmp_path / "store", embedder=embedder, answerer=parrot), parrot


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(article=hostile_text, question=hostile_text, stream=st.booleans())
async def test_nothing_the_bot_sends_can_ping(make_discord, parrot_bot, article, question,
                                              stream):
    newsbot, parrot = parrot_bot
    parrot.article = article

    async def deltas(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        yield Draft(parrot.answer(question, []))  # the draft quotes the article too
        yield article
        yield parrot.answer(question, [])

    client, rec = await make_discord(newsbot, delta_stream=(lambda *a, **k: deltas())
                                     if stream else None)
    await invoke(client, ask_payload(question[:400]))
    await invoke(client, interaction_payload("sources"))
    await deliver(client, mention(question[:400]))
    sent = [c.json for c in rec.calls if c.method in ("POST", "PATCH") and c.json]
    if question[:400].split():  # a blank question is refused before anything is answered
        assert any(b.get("embeds") or (b.get("data") or {}).get("embeds") for b in sent)
    for call in rec.calls:
        if call.method not in ("POST", "PATCH") or not call.json:
            continue
        body = call.body
        if "content" in body or "embeds" in body:
            assert_no_pings_allowed(body)
        for text in visible_strings(body):
            assert not PING_SYNTAX.search(text), (call.path, text)


# Discord failing ------------------------------------------------------------------------------
@pytest.mark.parametrize(("fragment", "status"), [
    ("/callback", 429), ("/callback", 503),  # the "thinking…" response
    (f"/webhooks/{BOT}/", 429), (f"/webhooks/{BOT}/", 500),  # the answer itself
], ids=["defer-429", "defer-503", "answer-429", "answer-500"])
async def test_a_failed_reply_is_logged_with_an_id_and_the_next_is_served(
        make_discord, examples_bot, caplog, fragment, status):
    """As our code sees it once discord.py gave up retrying (HTTPException with 429,
    DiscordServerError): the user gets the error id if Discord lets us say anything, the log
    has the traceback under it, and the next interaction is answered normally."""
    client, rec = await make_discord(examples_bot)
    rec.fail_next(fragment, status, retry_after=2.5)
    with caplog.at_level(logging.WARNING, logger="newsbot.discord"):
        await invoke(client, ask_payload())
    (logged,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    error_id = re.search(r"error (\w+) in /ask", logged.getMessage())
    assert error_id and logged.exc_info is not None
    assert getattr(logged.exc_info[1], "status", None) == status
    note = ephemeral_notes(rec)[-1]
    assert f"error id `{error_id.group(1)}`" in note

    before = len(rec.calls)
    await invoke(client, ask_payload(user_id=BOB))
    answer = rec.calls[before:][-1]
    assert "12 October 2020" in answer.json["embeds"][0]["description"]


async def test_an_outage_is_logged_and_the_bot_recovers(make_discord, examples_bot, caplog):
    client, rec = await make_discord(examples_bot)
    rec.fail_paths["/callback"] = 502  # Discord down for interaction responses
    rec.fail_paths["/webhooks/"] = 502
    with caplog.at_level(logging.WARNING, logger="newsbot.discord"):
        await invoke(client, ask_payload())
        await invoke(client, ask_payload(user_id=BOB))
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(errors) == 2
    ids = [re.search(r"error (\w+)", r.getMessage()).group(1) for r in errors]  # type: ignore[union-attr]
    assert warnings == [f"error {i}: could not tell the user (interaction expired?)"
                        for i in ids]
    rec.fail_paths.clear()
    await invoke(client, ask_payload(user_id=CAROL))
    assert "12 October 2020" in rec.calls[-1].json["embeds"][0]["description"]


async def test_a_failed_mention_reply_is_logged_and_the_next_is_served(
        make_discord, examples_bot, caplog):
    client, rec = await make_discord(examples_bot)
    rec.fail_next(f"/channels/{CHANNEL}/messages", 500, times=2)  # the answer and the apology
    with caplog.at_level(logging.WARNING, logger="newsbot.discord"):
        await deliver(client, mention(COLLAPSE))
    (logged,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    error_id = logged.getMessage().split()[1]
    assert logged.getMessage() == f"error {error_id} in mention: DiscordServerError"
    assert f"error {error_id}: could not tell the user" in caplog.text
    await deliver(client, mention(COLLAPSE, author=BOB))
    assert "12 October 2020" in public_replies(rec)[-1].json["embeds"][0]["description"]


async def test_discord_py_retries_rate_limits_and_server_errors_itself(
        make_discord, examples_bot, caplog, monkeypatch):
    """Under discord.py's real webhook adapter: a 429 from Discord's limiter and a 502 are
    retried (after retry_after, and after discord.py's 1 s back-off); the answer arrives and
    our code never sees an error."""
    client, rec = await make_discord(examples_bot)
    edge = DiscordEdge(rec).install(monkeypatch)
    edge.rate_limit("/callback", retry_after=0.05, times=2)
    edge.rate_limit(f"/webhooks/{BOT}/", retry_after=0.05)
    edge.server_error(f"/webhooks/{BOT}/", 502)
    with caplog.at_level(logging.WARNING):
        await invoke(client, ask_payload())
    statuses = [s for _, _, s in edge.seen]
    assert statuses == [429, 429, 200, 429, 502, 200]
    assert "12 October 2020" in rec.calls[-1].json["embeds"][0]["description"]
    assert not [r for r in caplog.records if r.name.startswith("newsbot")]
    assert "is rate limited. Retrying in 0.05 seconds" in caplog.text  # discord.py's own log
    assert json.dumps(rec.calls[-1].json).count("allowed_mentions") == 1
