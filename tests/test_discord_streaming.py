"""/ask streams a generated answer in Discord: real discord.py objects with the HTTP recorder,
the real openai client against the scripted server (slow, fast, failing midway).

What a user can ever see: first, as soon as retrieval is done, the extractive answer
labelled as a draft (article sentences, so verified); then the generated answer (the
deferred response's content, edited at most about once a second) holding only sentences
whose citations checked out; the final embed with the verified citations replaces it; a
model that fails midway ends in the extractive answer with its notice."""

from __future__ import annotations

import itertools
import json
import os
import re
import time
from datetime import UTC, date, datetime
from typing import Any

import pytest
from discord.webhook.async_ import async_context

from bot import NewsBot
from bot.answering.llm import LLMAnswerer
from bot.discord_app import DiscordConfig
from bot.discord_app.render import DRAFT_LABEL
from tests.discord_harness import (
    BOT,
    Recorder,
    interaction_payload,
    invoke,
    option,
    ready_client,
    user,
)
from tests.fake_openai import FakeOpenAIServer, Reply, user_prompt

QUESTION = "When did the ceasefire collapse?"
ASKED = datetime(2020, 10, 22, 12, 0, tzinfo=UTC)
UNSUPPORTED = "The moon is made of green cheese"


def three_claims(body: dict[str, Any]) -> tuple[str, int]:
    """Two true claims around one the sources do not support, cited like a small model."""
    prompt = user_prompt(body)
    n, day = 1, "Monday 12 October 2020"
    for m in re.finditer(r"#[0-9a-f]{16} \[(\d+)\] Title:", prompt):
        rest = prompt[m.end():]
        found = re.search(r"fell apart on Monday \[= (\d{4}-\d\d-\d\d)\]", rest.split("#")[0])
        if found:
            n = int(m.group(1))
            d = date.fromisoformat(found.group(1))
            day = f"{d:%A} {d.day} {d:%B %Y}"
            break
    return (f"The ceasefire collapsed on {day} [{n}]. {UNSUPPORTED} [{n}]. Armenia and "
            f"Azerbaijan reached a humanitarian ceasefire on Saturday after 11 hours of "
            f"Russian-mediated talks in Moscow [{n}]."), n


@pytest.fixture
def model():
    with FakeOpenAIServer() as server:
        yield server


async def streaming_client(newsbot: NewsBot, monkeypatch: Any):
    client, rec = await ready_client(newsbot, DiscordConfig(),
                                     {"clock": time.monotonic, "today": lambda: ASKED},
                                     monkeypatch)
    # When each call reached "Discord", to check the edit rate.
    times: list[float] = []
    inner = async_context.get().request

    async def timed(*args: Any, **kwargs: Any) -> Any:
        times.append(time.monotonic())
        return await inner(*args, **kwargs)

    monkeypatch.setattr(async_context.get(), "request", timed)
    return client, rec, times


def llm_bot(seed_bot: NewsBot, embedder: Any, model: FakeOpenAIServer) -> NewsBot:
    llm = LLMAnswerer(seed_bot.components.extractive, "m", base_url=model.base_url,
                      timeout=20, max_retries=0)
    return NewsBot(store=seed_bot.settings.store, embedder=embedder, answerer=llm)


def drafts_and_final(rec: Recorder) -> tuple[list[str], dict[str, Any]]:
    """The generated drafts (after the extractive one, which must come first) and the final
    edit."""
    edits = [c for c in rec.calls if c.method == "PATCH" and "@original" in c.path]
    drafts = [c.json["content"] for c in edits if c.json.get("content")]
    assert drafts and is_extractive_draft(drafts[0]), drafts[:1]
    assert not any(is_extractive_draft(d) for d in drafts[1:])
    final = edits[-1].json
    return drafts[1:], final


def is_extractive_draft(content: str) -> bool:
    return content.startswith(f"-# {DRAFT_LABEL}\n")


def check_extractive_draft(content: str) -> None:
    """The quote of the extractive answer (the article's sentence), its source, the label."""
    assert is_extractive_draft(content)
    assert "fell apart on Monday" in content and "[1]" in content
    assert "-# [1] " in content and " · " in content
    assert UNSUPPORTED not in content and len(content) <= 2000


def record(name: str, rec: Recorder) -> None:
    """NEWSBOT_RECORD_PAYLOADS=dir keeps the payload sequence (for the issue's note)."""
    where = os.environ.get("NEWSBOT_RECORD_PAYLOADS")
    if where:
        calls = [{"method": c.method, "path": re.sub(r"token-\d+", "token-…", c.path),
                  "json": c.json} for c in rec.calls]
        with open(os.path.join(where, f"{name}.json"), "w") as f:
            json.dump(calls, f, indent=1, ensure_ascii=False)


def assert_only_verified(drafts: list[str], final_text: str) -> None:
    for draft in drafts:
        assert UNSUPPORTED not in draft
        # Every draft is a prefix of what was verified: sentences only ever get added.
        assert final_text.startswith(draft.rstrip("…").rstrip()), (draft, final_text)


async def test_slow_model_draft_grows_at_most_once_a_second(seed_bot, embedder, model,
                                                            monkeypatch):
    model.script(lambda body: Reply(three_claims(body)[0], delay=0.12))
    client, rec, times = await streaming_client(llm_bot(seed_bot, embedder, model),
                                                monkeypatch)
    await invoke(client, interaction_payload("ask", [option("question", QUESTION)]))
    record("slow", rec)
    assert rec.calls[0].json["type"] == 5  # deferred: "thinking…"
    edits = [c for c in rec.calls if c.method == "PATCH" and "@original" in c.path]
    # The first edit is the extractive draft, the later ones the generated answer, the last
    # one the final embed.
    check_extractive_draft(edits[0].json["content"])
    assert edits[1].json["content"] and not is_extractive_draft(edits[1].json["content"])
    assert edits[-1].json["embeds"] and edits[-1].json["content"] is None
    drafts, final = drafts_and_final(rec)
    embed = final["embeds"][0]
    assert final["content"] is None  # the final embed replaces the draft
    text = embed["description"]
    assert "12 October 2020" in text and "Moscow" in text and UNSUPPORTED not in text
    assert len(drafts) >= 2  # it grew while the model wrote
    assert_only_verified(drafts, text)
    assert "12 October 2020" in drafts[0] and "Moscow" not in drafts[0]
    edit_times = [t for t, c in zip(times, rec.calls, strict=True)
                  if c.method == "PATCH" and c.json.get("content")]
    gaps = [b - a for a, b in itertools.pairwise(edit_times)]
    assert all(g >= 0.95 for g in gaps), gaps
    assert all(len(d) <= 2000 for d in drafts)
    assert "allowed_mentions" in final and final["allowed_mentions"]["parse"] == []


async def test_the_extractive_draft_is_on_screen_before_the_model_is_asked(
        seed_bot, embedder, model, monkeypatch):
    asked: list[float] = []

    def slow_to_start(body: dict[str, Any]) -> Reply:
        asked.append(time.monotonic())
        return Reply(three_claims(body)[0], hang=1.5)  # a CPU reading its prompt

    model.script(slow_to_start)
    client, rec, times = await streaming_client(llm_bot(seed_bot, embedder, model),
                                                monkeypatch)
    await invoke(client, interaction_payload("ask", [option("question", QUESTION)]))
    patches = [(t, c) for t, c in zip(times, rec.calls, strict=True)
               if c.method == "PATCH" and "@original" in c.path]
    (shown_at, draft), *_, (_, final) = patches
    check_extractive_draft(draft.json["content"])
    assert asked and shown_at < asked[0]
    assert "12 October 2020" in final.json["embeds"][0]["description"]


async def test_fast_model_one_draft_then_the_answer(seed_bot, embedder, model, monkeypatch):
    model.script(lambda body: Reply(three_claims(body)[0]))
    client, rec, _ = await streaming_client(llm_bot(seed_bot, embedder, model), monkeypatch)
    await invoke(client, interaction_payload("ask", [option("question", QUESTION)]))
    record("fast", rec)
    drafts, final = drafts_and_final(rec)
    assert len(drafts) <= 1  # the whole answer arrived within a second of the draft
    text = final["embeds"][0]["description"]
    assert_only_verified(drafts, text)
    assert UNSUPPORTED not in json.dumps(rec.sent_bodies())


async def test_model_failing_midway_ends_in_the_extractive_answer(seed_bot, embedder, model,
                                                                  monkeypatch):
    # 14 pieces of 7 characters: the first claim is complete (and shown), then the model dies.
    model.script(lambda body: Reply(three_claims(body)[0], delay=0.12, fail_after=14))
    client, rec, _ = await streaming_client(llm_bot(seed_bot, embedder, model), monkeypatch)
    await invoke(client, interaction_payload("ask", [option("question", QUESTION)]))
    record("failure", rec)
    drafts, final = drafts_and_final(rec)
    assert drafts and "12 October 2020" in drafts[0]
    assert all(UNSUPPORTED not in d for d in drafts)
    embed = final["embeds"][0]
    assert final["content"] is None
    shown = json.dumps(embed, ensure_ascii=False)
    assert "failed while answering; showing the extractive answer instead" in shown
    assert "fell apart on Monday" in shown or "12 October 2020" in shown
    assert UNSUPPORTED not in json.dumps(rec.sent_bodies())


async def test_extractive_answerer_does_not_stream(seed_bot, embedder, monkeypatch):
    """Declared capabilities decide: no draft, the answer arrives whole."""
    newsbot = NewsBot(store=seed_bot.settings.store, embedder=embedder)
    assert not newsbot.can_stream()
    client, rec, _ = await streaming_client(newsbot, monkeypatch)
    await invoke(client, interaction_payload("ask", [option("question", QUESTION)]))
    drafts, _final = drafts_and_final(rec) if rec.find("PATCH", "@original") else ([], {})
    assert drafts == []
    assert rec.find("POST", f"/webhooks/{BOT}/")  # the answer as a follow-up


async def test_a_mention_streams_in_its_reply(seed_bot, embedder, model, monkeypatch):
    """@newsbot: the draft is the reply itself, edited as verified sentences come, then
    replaced by the embed."""
    from tests.discord_harness import ALICE, CHANNEL, deliver, message_payload, snowflake

    model.script(lambda body: Reply(three_claims(body)[0], delay=0.12))
    newsbot = llm_bot(seed_bot, embedder, model)
    client, rec = await ready_client(newsbot, DiscordConfig(mention_mode=True, open_threads=False),
                                     {"clock": time.monotonic, "today": lambda: ASKED},
                                     monkeypatch)
    await deliver(client, message_payload(snowflake(), CHANNEL, user(ALICE, "alice"),
                                          f"<@{BOT}> {QUESTION}",
                                          mentions=[user(BOT, "newsbot", bot=True)]))
    record("mention", rec)
    sent = [c for c in rec.calls if "/messages" in c.path and c.method in ("POST", "PATCH")]
    reply, *edits = sent
    assert reply.method == "POST" and reply.json["message_reference"]
    check_extractive_draft(reply.json["content"])  # the reply opens with the draft
    assert edits and edits[-1].method == "PATCH" and edits[-1].json["embeds"]
    assert edits[-1].json["content"] is None
    drafts = [e.json["content"] for e in edits[:-1]]
    assert drafts and "12 October 2020" in drafts[0]
    assert_only_verified(drafts, edits[-1].json["embeds"][0]["description"])
    assert UNSUPPORTED not in json.dumps(rec.sent_bodies())
