"""The Discord bot end to end: real discord.py objects, real NewsBot, recorded HTTP."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from bot.answer import Answer, Citation
from bot.discord_app.render import (
    DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    EMBEDS_PER_MESSAGE,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
)
from tests.discord_harness import (
    ALICE,
    BOB,
    BOT,
    CAROL,
    CHANNEL,
    EDITOR_ROLE,
    EPHEMERAL,
    GUILD,
    MANAGE_GUILD,
    OTHER_CHANNEL,
    OTHER_GUILD,
    Recorder,
    deliver,
    interaction_payload,
    invoke,
    message_payload,
    option,
    snowflake,
    thread_payload,
    user,
)

COLLAPSE = "When did the ceasefire collapse?"


def ask_payload(question: str = COLLAPSE, **kw: Any) -> dict[str, Any]:
    return interaction_payload("ask", [option("question", question)], **kw)


def assert_no_pings_allowed(body: dict[str, Any]) -> None:
    allowed = body.get("allowed_mentions")
    assert allowed is not None, body
    assert allowed["parse"] == [] and not allowed.get("users") and not allowed.get("roles")
    assert not allowed.get("replied_user")


def assert_no_pings(recorder: Recorder) -> None:
    bodies = recorder.sent_bodies()
    assert bodies
    for body in bodies:
        assert_no_pings_allowed(body)
        assert "@everyone" not in json.dumps(body, ensure_ascii=False)
        assert "@here" not in json.dumps(body, ensure_ascii=False)


def assert_within_limits(body: dict[str, Any]) -> None:
    embeds = body.get("embeds") or []
    assert len(embeds) <= EMBEDS_PER_MESSAGE
    assert len(body.get("content") or "") <= 2000
    total = 0
    for e in embeds:
        assert len(e.get("title") or "") <= 256
        assert len(e.get("description") or "") <= DESCRIPTION_MAX
        fields = e.get("fields") or []
        assert len(fields) <= FIELDS_MAX
        for f in fields:
            assert len(f["name"]) <= FIELD_NAME_MAX and len(f["value"]) <= FIELD_VALUE_MAX
        size = (len(e.get("title") or "") + len(e.get("description") or "")
                + sum(len(f["name"]) + len(f["value"]) for f in fields)
                + len((e.get("footer") or {}).get("text") or ""))
        assert size <= EMBED_TOTAL_MAX
        total += size
    assert total <= EMBED_TOTAL_MAX


def embeds_of(rec: Recorder) -> list[dict[str, Any]]:
    return [e for body in rec.sent_bodies() for e in body.get("embeds") or []]


def ephemeral_notes(rec: Recorder) -> list[str]:
    return [c.body.get("content") or "" for c in rec.calls
            if c.method == "POST" and c.flags & EPHEMERAL and c.body.get("content")]


# /ask ------------------------------------------------------------------------------------------
async def test_ask_over_seed_records_the_answer_payload(make_discord, seed_bot):
    client, rec = await make_discord(seed_bot)
    await invoke(client, ask_payload())
    defer, followup = rec.calls
    # Deferred at once, publicly ("newsbot is thinking…"), before any retrieval ran.
    assert defer.path.endswith("/callback") and defer.json["type"] == 5
    assert not defer.flags & EPHEMERAL
    assert followup.method == "POST" and followup.path.startswith(f"/webhooks/{BOT}/")
    print("\n/ask payload:", json.dumps(followup.json, indent=2, ensure_ascii=False))
    body = followup.json
    embed = body["embeds"][0]
    assert embed["title"] == COLLAPSE
    assert embed["description"].startswith("Monday 12 October 2020")
    assert "[1]" in embed["description"]
    name, value = embed["fields"][0]["name"], embed["fields"][0]["value"]
    assert name.startswith("[1] ") and "Wed 14 Oct 2020" in name
    assert "fell apart on Monday" in value and "on Monday = 2020-10-12" in value
    assert_no_pings_allowed(body)
    assert_within_limits(body)


async def test_ask_renders_numbered_linked_sources(make_discord, examples_bot):
    client, rec = await make_discord(examples_bot)
    await invoke(client, ask_payload())
    embed = rec.calls[-1].json["embeds"][0]
    assert "12 October 2020" in embed["description"]
    first = embed["fields"][0]
    assert first["name"] == "[1] Caspian Wire · Wed 14 Oct 2020"
    assert first["value"].startswith(
        "[Karabakh truce breaks down as both sides trade accusations]"
        "(https://example.org/caspian-wire/karabakh-truce)\n> “")
    assert "It collapsed on Monday" in first["value"]


async def test_ask_filters_reach_newsbot(make_discord, examples_bot):
    client, rec = await make_discord(examples_bot)
    payload = interaction_payload("ask", [option("question", COLLAPSE),
                                          option("since", "2021-01-01")])
    await invoke(client, payload)
    embed = rec.calls[-1].json["embeds"][0]
    assert "12 October 2020" not in embed["description"]  # the 2020 article is filtered out
    await invoke(client, interaction_payload("ask", [option("question", COLLAPSE),
                                                     option("until", "14/10/2020")]))
    assert "must be a date like 2020-10-14" in ephemeral_notes(rec)[-1]


async def test_question_length_cap(make_discord, examples_bot):
    client, rec = await make_discord(examples_bot, max_question_chars=40)
    await invoke(client, ask_payload("Why " + "really " * 20 + "did it collapse?"))
    (call,) = rec.calls
    assert call.json["type"] == 4 and call.flags & EPHEMERAL
    assert "keep it under 40" in call.body["content"]


async def test_sources_shows_the_last_answer_in_full(make_discord, examples_bot):
    client, rec = await make_discord(examples_bot)
    await invoke(client, interaction_payload("sources"))
    assert "no answer with sources" in ephemeral_notes(rec)[-1]
    await invoke(client, ask_payload())
    await invoke(client, interaction_payload("sources"))
    call = rec.calls[-1]
    assert call.json["type"] == 4 and call.flags & EPHEMERAL
    first = call.body["embeds"][0]
    assert first["title"].startswith("[1] Karabakh truce breaks down")
    assert first["url"] == "https://example.org/caspian-wire/karabakh-truce"
    assert "It collapsed on Monday, when Azerbaijan accused" in first["description"]
    assert {"name": "Source", "value": "Caspian Wire", "inline": True} in first["fields"]
    # Another channel has its own last answer.
    await invoke(client, interaction_payload("sources", channel_id=OTHER_CHANNEL))
    assert "no answer with sources" in ephemeral_notes(rec)[-1]


async def test_stats_and_help(make_discord, examples_bot):
    client, rec = await make_discord(examples_bot)
    await invoke(client, interaction_payload("stats"))
    defer, followup = rec.calls
    assert defer.json["type"] == 5 and defer.flags & EPHEMERAL
    fields = {f["name"]: f["value"] for f in followup.json["embeds"][0]["fields"]}
    assert fields["Articles"] == str(examples_bot.stats().articles)
    assert "Caspian Wire" in fields[next(k for k in fields if k.startswith("Sources"))]
    await invoke(client, interaction_payload("help"))
    call = rec.calls[-1]
    assert call.json["type"] == 4 and call.flags & EPHEMERAL
    assert "/ask" in call.body["embeds"][0]["description"]
    assert_no_pings(rec)


async def test_source_autocomplete(make_discord, examples_bot):
    client, rec = await make_discord(examples_bot)
    payload = interaction_payload("ask", [option("question", "x"), option("source", "casp")],
                                  kind=4, focused="source")
    await invoke(client, payload)
    (call,) = rec.calls
    assert call.json["type"] == 8
    assert call.json["data"]["choices"] == [{"name": "Caspian Wire", "value": "Caspian Wire"}]
    # with the source chosen, only that source is searched
    await invoke(client, interaction_payload("ask", [option("question", COLLAPSE),
                                                     option("source", "Northbay Gazette")]))
    fields = rec.calls[-1].json["embeds"][0].get("fields") or []
    assert all("Northbay Gazette" in f["name"] for f in fields)


# Safety ----------------------------------------------------------------------------------------
async def test_rate_limited_burst_gets_a_polite_ephemeral_reply(make_discord, examples_bot, clock):
    client, rec = await make_discord(examples_bot, user_rate=2, user_window_s=60,
                                     guild_rate=3, guild_window_s=60)
    for _ in range(3):
        await invoke(client, ask_payload())
    answers = rec.find("POST", f"/webhooks/{BOT}/")
    assert len(answers) == 2
    refusal = rec.calls[-1]
    assert refusal.json["type"] == 4 and refusal.flags & EPHEMERAL
    assert "You are asking faster" in refusal.body["content"]
    assert "try again in 60 s" in refusal.body["content"]
    # Another member still gets one answer, then the whole server waits.
    await invoke(client, ask_payload(user_id=BOB))
    await invoke(client, ask_payload(user_id=CAROL))
    assert len(rec.find("POST", f"/webhooks/{BOT}/")) == 3
    assert "This server is asking faster" in rec.calls[-1].body["content"]
    clock.now += 61
    await invoke(client, ask_payload())
    assert len(rec.find("POST", f"/webhooks/{BOT}/")) == 4


async def test_everyone_in_an_article_pings_nobody(make_discord, make_bot, tmp_path):
    article = tmp_path / "evacuation.txt"
    article.write_text(
        "Title: Harbour district evacuated @everyone\nSource: Northbay @here Gazette\n"
        "URL: https://example.org/northbay/evacuation\nPublish Date: 2025-03-03\n\n"
        "The harbour master posted a notice that read: @everyone must leave the harbour "
        "district by Friday noon, and <@&840000000000000001> volunteers must report to the "
        "pier. Officials said the order would be lifted on Sunday.\n", encoding="utf-8")
    newsbot = make_bot()
    assert newsbot.ingest([article]).added == 1
    client, rec = await make_discord(newsbot)
    await invoke(client, ask_payload("Who must leave the harbour district?"))
    await invoke(client, interaction_payload("sources"))
    await deliver(client, message_payload(
        snowflake(), CHANNEL, user(ALICE, "alice"), f"<@{BOT}> who must leave the harbour?",
        mentions=[user(BOT, "newsbot", bot=True)]))
    text = json.dumps(embeds_of(rec), ensure_ascii=False)
    assert "@\u200beveryone" in text  # still readable, but no longer mention syntax
    assert "<@&840000000000000001>" not in text
    assert_no_pings(rec)


async def test_long_answer_is_split_within_discord_limits(make_discord, make_bot, tmp_path):
    class Verbose:
        """An answerer with a lot to say: 9,000 chars and 30 long quotes."""

        def answer(self, question: str, hits: list[Any], now: Any = None) -> Answer:
            cites = [Citation(n, f"a{n}", "T" * 300, "Wire " * 60, "https://example.org/" +
                              "x" * 300, None, "quote " * 400, 0, 2400) for n in range(1, 31)]
            text = " ".join(f"Sentence {i} says something long enough [1]." for i in range(200))
            return Answer(question, text, False, cites, answerer="verbose")

    newsbot = make_bot(answerer=Verbose())
    client, rec = await make_discord(newsbot)
    await invoke(client, ask_payload())
    pages = rec.find("POST", f"/webhooks/{BOT}/")
    assert len(pages) >= 2
    for page in pages:
        assert_within_limits(page.json)
    embeds = embeds_of(rec)
    assert sum(len(e.get("fields") or []) for e in embeds) == 30
    assert "".join(e.get("description") or "" for e in embeds).count("Sentence") == 200


async def test_errors_are_ephemeral_with_an_id_the_log_carries(make_discord, make_bot, caplog):
    class Broken:
        def answer(self, question: str, hits: list[Any], now: Any = None) -> Answer:
            raise RuntimeError("model server on fire")

    newsbot = make_bot(answerer=Broken())
    client, rec = await make_discord(newsbot)
    with caplog.at_level(logging.ERROR, logger="newsbot.discord"):
        await invoke(client, ask_payload())
    assert rec.calls[0].json["type"] == 5
    assert rec.find("DELETE", "/messages/@original")  # the public "thinking…" goes away
    note = rec.calls[-1]
    assert note.flags & EPHEMERAL
    content = note.body["content"]
    error_id = content.split("error id `")[1].split("`")[0]
    assert "Traceback" not in content and "on fire" not in content
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged and logged[0].exc_info is not None


async def test_allow_lists(make_discord, examples_bot):
    client, rec = await make_discord(examples_bot, guilds=frozenset({OTHER_GUILD}))
    await invoke(client, ask_payload())
    assert ephemeral_notes(rec) == ["newsbot is not enabled on this server."]
    client, rec = await make_discord(examples_bot, channels=frozenset({OTHER_CHANNEL}))
    await invoke(client, ask_payload())
    assert ephemeral_notes(rec) == ["newsbot is not enabled in this channel."]
    await deliver(client, message_payload(snowflake(), CHANNEL, user(ALICE, "alice"),
                                          f"<@{BOT}> {COLLAPSE}",
                                          mentions=[user(BOT, "newsbot", bot=True)]))
    assert len(rec.calls) == 1  # a mention in a channel not on the list is ignored


# /ingest ---------------------------------------------------------------------------------------
def ingest_payload(filename: str, size: int, **kw: Any) -> tuple[dict[str, Any], str]:
    aid = str(snowflake())
    url = f"https://cdn.discordapp.com/attachments/1/{aid}/{filename}"
    resolved = {"attachments": {aid: {"id": aid, "filename": filename, "size": size,
                                      "url": url, "proxy_url": url,
                                      "content_type": "text/plain"}}}
    return interaction_payload("ingest", [option("file", aid, kind=11)], resolved=resolved,
                               **kw), url


async def test_ingest_needs_manage_server_or_the_role(make_discord, make_bot):
    newsbot = make_bot()
    client, rec = await make_discord(newsbot)
    text = (b"Title: Tram line opens\nSource: Harbour Post\nPublish Date: 2024-05-02\n\n"
            b"The new harbour tram line opened on Thursday with twelve stops.\n")
    payload, url = ingest_payload("tram.txt", len(text), user_id=ALICE)
    rec.cdn[url] = text
    await invoke(client, payload)
    assert ephemeral_notes(rec) == [
        "Only members with Manage Server or the `news-editor` role can add articles."]
    assert not rec.find("GET", url) and newsbot.stats().articles == 0

    payload, url = ingest_payload("tram.txt", len(text), user_id=BOB, roles=(EDITOR_ROLE,))
    rec.cdn[url] = text
    await invoke(client, payload)
    assert rec.find("GET", url)
    assert ephemeral_notes(rec)[-1].startswith("added 1 · unchanged 0")
    assert newsbot.stats().sources == {"Harbour Post": 1}

    payload, url = ingest_payload("photo.png", 10, user_id=CAROL, permissions=MANAGE_GUILD)
    await invoke(client, payload)
    assert "not a format I can read" in ephemeral_notes(rec)[-1]
    await invoke(client, interaction_payload(
        "ingest", [option("url", "ftp://example.org/a")], user_id=CAROL,
        permissions=MANAGE_GUILD))
    assert "starts with http:// or https://" in ephemeral_notes(rec)[-1]
    assert_no_pings(rec)


# @mentions and follow-ups ----------------------------------------------------------------------
async def test_mention_answers_in_a_reply_and_threads_keep_the_conversation(
        make_discord, examples_bot, monkeypatch):
    asked: list[str] = []
    real_aask = examples_bot.aask

    async def spy(question: str, *args: Any, **kwargs: Any) -> Answer:
        asked.append(question)
        return await real_aask(question, *args, **kwargs)

    monkeypatch.setattr(examples_bot, "aask", spy)
    client, rec = await make_discord(examples_bot)
    mid = snowflake()
    await deliver(client, message_payload(mid, CHANNEL, user(ALICE, "alice"),
                                          f"<@{BOT}> {COLLAPSE}",
                                          mentions=[user(BOT, "newsbot", bot=True)]))
    reply = rec.find("POST", f"/channels/{CHANNEL}/messages")[0]
    assert reply.path == f"/channels/{CHANNEL}/messages"
    assert int(reply.json["message_reference"]["message_id"]) == mid
    assert "12 October 2020" in reply.json["embeds"][0]["description"]
    assert_no_pings_allowed(reply.json)
    (thread_call,) = rec.find("POST", "/threads")
    assert thread_call.json["name"] == COLLAPSE
    assert asked == [COLLAPSE]

    # Discord announces the thread; the answer message id is the thread id.
    thread_id = int(thread_call.path.split("/")[4])
    client._connection.parse_thread_create(  # type: ignore[arg-type]
        thread_payload(thread_id, CHANNEL, COLLAPSE))
    await deliver(client, message_payload(snowflake(), thread_id, user(ALICE, "alice"),
                                          "Who mediated the talks?"))
    in_thread = rec.find("POST", f"/channels/{thread_id}/messages")
    assert len(in_thread) == 1
    assert in_thread[0].json["embeds"][0]["title"] == "Who mediated the talks?"
    assert asked[-1].startswith("Who mediated the talks?") and COLLAPSE in asked[-1]
    assert "brokered by Russia" in in_thread[0].json["embeds"][0]["description"]
    assert len(rec.find("POST", "/threads")) == 1  # no thread inside a thread

    # Replying to an answer in the channel continues that conversation too.
    answer_id = thread_id
    await deliver(client, message_payload(snowflake(), CHANNEL, user(BOB, "bob"),
                                          "And when was it agreed?", reference=answer_id))
    assert asked[-1].startswith("And when was it agreed?")
    # Chatter that neither mentions nor replies to the bot is left alone.
    before = len(rec.calls)
    await deliver(client, message_payload(snowflake(), CHANNEL, user(BOB, "bob"), "lunch?"))
    await deliver(client, message_payload(snowflake(), CHANNEL, user(BOT, "newsbot", bot=True),
                                          f"<@{BOT}> echo"))
    assert len(rec.calls) == before
    assert_no_pings(rec)


async def test_mention_without_thread_permission_still_answers(make_discord, examples_bot):
    client, rec = await make_discord(examples_bot)
    rec.fail_paths["/threads"] = 403
    await deliver(client, message_payload(snowflake(), CHANNEL, user(ALICE, "alice"),
                                          f"<@!{BOT}> {COLLAPSE}",
                                          mentions=[user(BOT, "newsbot", bot=True)]))
    assert rec.find("POST", "/threads")  # tried, refused with 403
    replies = [c for c in rec.find("POST", f"/channels/{CHANNEL}/messages")
               if not c.path.endswith("/threads")]
    assert len(replies) == 1 and "12 October 2020" in replies[0].json["embeds"][0]["description"]


async def test_mention_mode_off_ignores_messages(make_discord, examples_bot):
    client, rec = await make_discord(examples_bot, mention_mode=False)
    assert not client.intents.message_content
    await deliver(client, message_payload(snowflake(), CHANNEL, user(ALICE, "alice"),
                                          f"<@{BOT}> {COLLAPSE}",
                                          mentions=[user(BOT, "newsbot", bot=True)]))
    assert rec.calls == []


# Streaming and command sync ---------------------------------------------------------------------
async def test_streaming_edits_at_most_once_a_second(make_discord, examples_bot, clock):
    async def deltas() -> AsyncIterator[Any]:
        for word in "The truce fell apart on Monday 12 October 2020 [1].".split():
            clock.now += 0.3  # a word every 0.3 s
            yield word + " "
        yield await examples_bot.aask(COLLAPSE)

    client, rec = await make_discord(examples_bot,
                                     delta_stream=lambda *a, **k: deltas())
    await invoke(client, ask_payload())
    edits = rec.find("PATCH", "/messages/@original")
    drafts = [e for e in edits if e.json.get("content")]
    # 10 words over 3 s: the first, then at most one per second
    assert 2 <= len(drafts) <= 4
    assert all("embeds" not in d.json or not d.json["embeds"] for d in drafts)
    final = edits[-1].json
    assert final["content"] is None and "12 October 2020" in final["embeds"][0]["description"]


async def test_commands_sync_to_the_dev_guild(make_discord, examples_bot):
    client, rec = await make_discord(examples_bot, dev_guild=GUILD)
    client.sync_commands = True  # type: ignore[attr-defined]
    await client.setup_hook()
    (put,) = rec.find("PUT", f"/applications/{BOT}/guilds/{GUILD}/commands")
    names = sorted(c["name"] for c in put.json)
    assert names == ["ask", "help", "ingest", "sources", "stats", "timeline"]
    ask = next(c for c in put.json if c["name"] == "ask")
    assert next(o for o in ask["options"] if o["name"] == "source")["autocomplete"] is True
