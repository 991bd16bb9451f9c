"""The Discord layer's small parts: limits, memory, rendering, safety, config."""

from __future__ import annotations

import asyncio
import itertools
import time
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from bot.answer import Answer, Citation
from bot.answering import Draft
from bot.cli import app
from bot.discord_app.client import intents_for
from bot.discord_app.config import DiscordConfig, MissingToken, read_token
from bot.discord_app.memory import ConversationMemory, Turn, followup_question
from bot.discord_app.ratelimit import RateLimits, SlidingWindow
from bot.discord_app.render import (
    DESCRIPTION_MAX,
    DRAFT_LABEL,
    EMBED_TOTAL_MAX,
    answer_messages,
    source_embeds,
    split_text,
)
from bot.discord_app.safety import neutralise, safe_url
from bot.discord_app.streaming import relay
from bot.discord_app.uploads import IngestRefused, check_upload, safe_filename
from bot.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_sliding_window_refuses_then_recovers():
    clock = Clock()
    w = SlidingWindow(2, 10.0, clock)
    for _ in range(2):
        assert w.retry_after("u") == 0
        w.record("u")
    assert w.retry_after("u") == pytest.approx(10.0)
    clock.now = 4.0
    assert w.retry_after("u") == pytest.approx(6.0)
    clock.now = 10.5
    assert w.retry_after("u") == 0


def test_refused_requests_do_not_spend_budget():
    clock = Clock()
    limits = RateLimits.per_minute(1, 60, 100, 60, clock)
    assert limits.check(1, 9).allowed
    for _ in range(5):
        v = limits.check(1, 9)
        assert not v.allowed and v.scope == "user"
    clock.now = 61
    assert limits.check(1, 9).allowed


def test_idle_keys_are_forgotten():
    clock = Clock()
    w = SlidingWindow(1, 1.0, clock)
    for user in range(100):
        w.record(user)
    clock.now = 5
    for user in range(100):
        w.retry_after(user)
    assert not w._hits


def test_memory_is_bounded_and_follows_replies():
    mem = ConversationMemory(max_turns=2, max_conversations=3)
    root = mem.add(None, 100, Turn("q1", "a1"))
    assert root == 100
    mem.add(mem.conversation_of(100), 101, Turn("q2", "a2"))
    mem.add(mem.conversation_of(101), 102, Turn("q3", "a3"))
    assert [t.question for t in mem.history(100)] == ["q2", "q3"]
    for mid in (200, 300, 400):
        mem.add(None, mid, Turn("x", "y"))
    assert mem.conversation_of(101) is None and mem.history(100) == []
    assert mem.conversation_of(400) == 400


def test_followup_keeps_the_new_question_first():
    history = [Turn("When did the ceasefire collapse?", "Monday")]
    q = followup_question(history, "Who mediated the talks?")
    assert q.startswith("Who mediated the talks?") and "ceasefire collapse" in q
    assert followup_question([], "Who?") == "Who?"


@given(st.text(min_size=0, max_size=12000), st.integers(min_value=20, max_value=5000))
def test_split_text_respects_the_limit_and_loses_no_words(text, limit):
    pieces = split_text(text, limit)
    assert all(0 < len(p) <= limit for p in pieces)
    # Only whitespace at the breaks may go.
    assert "".join("".join(pieces).split()) == "".join(text.split())


def test_neutralise_breaks_mentions_and_masked_links():
    text = neutralise("@everyone @here <@123456789012345678> <@&123456789012345678> "
                      "[your bank](https://evil.example) [1]")
    assert "@everyone" not in text and "@here" not in text
    assert "<@123456789012345678>" not in text and "<@&123456789012345678>" not in text
    assert "[your bank](" not in text and "[1]" in text


def test_only_http_urls_are_linked():
    assert safe_url("https://example.org/a(b)") == "https://example.org/a%28b%29"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://exa mple.org") is None


def cite(n: int, quote: str = "It collapsed on Monday.") -> Citation:
    return Citation(n, f"a{n}", f"Title {n}", "Caspian Wire", f"https://example.org/{n}",
                    datetime(2020, 10, 14, 21, 40, tzinfo=UTC), quote, 0, len(quote),
                    (("on Monday", "2020-10-12"),))


def test_answer_pages_fit_discords_limits():
    long = Answer("q", "word " * 3000, False, [cite(n, "long quote " * 300) for n in
                                                range(1, 41)])
    pages = answer_messages(long)
    assert len(pages) > 1
    for page in pages:
        assert len(page) <= 10
        assert sum(len(e) for e in page) <= EMBED_TOTAL_MAX
        for e in page:
            assert len(e.description or "") <= DESCRIPTION_MAX and len(e.fields) <= 25
    assert sum(len(e.fields) for page in pages for e in page) == 40


def test_sources_show_quotes_in_full():
    quote = "A very long quote. " * 400  # 7,600 chars: more than one embed description
    embeds = source_embeds(Answer("q", "a [1]", False, [cite(1, quote)]))
    assert len(embeds) == 2
    shown = "".join(e.description or "" for e in embeds)
    assert shown.count("A very long quote.") == 400


def test_uploads_are_checked_before_download():
    assert check_upload("corpus.jsonl.gz", 10) == ".jsonl.gz"
    with pytest.raises(IngestRefused, match="not a format"):
        check_upload("cat.png", 10)
    with pytest.raises(IngestRefused, match="too large"):
        check_upload("big.txt", 10**9)
    assert safe_filename("../../etc/passwd.txt") == "passwd.txt"
    assert safe_filename("C:\\evil\\a b.md") == "a b.md"


async def test_relay_shows_at_most_once_per_interval():
    clock = Clock()
    shown: list[str] = []

    async def deltas():
        for i in range(10):
            clock.now += 0.25
            yield f"{i} "

    async def show(text: str) -> None:
        shown.append(text)

    text = await relay(deltas(), show, interval=1.0, clock=clock)
    assert text == "0 1 2 3 4 5 6 7 8 9 "
    assert len(shown) == 3  # at 0.25 s, 1.25 s, 2.25 s


def draft_answer() -> Answer:
    quote = "The agreement fell apart on Monday after reported shelling of Ganja."
    return Answer("When?", f"{quote} [1]", False, [Citation(
        1, "a-1", "Truce news", "Caspian @everyone *Wire*", "", datetime(2020, 10, 14,
                                                                       tzinfo=UTC),
        quote, 0, len(quote))], answerer="extractive")


async def test_relay_shows_the_draft_until_generated_text_replaces_it():
    clock = Clock()
    shown: list[str] = []

    async def pieces():
        yield Draft(draft_answer())
        for i in range(6):
            clock.now += 0.4
            yield f"{i} "

    async def show(text: str) -> None:
        shown.append(text)

    text = await relay(pieces(), show, interval=1.0, clock=clock)
    assert text == "0 1 2 3 4 5 "  # the draft is no part of the answer's text
    draft, *generated = shown
    assert draft.startswith(f"-# {DRAFT_LABEL}\n")
    assert "fell apart on Monday after reported shelling of Ganja. [1]" in draft
    assert "-# [1] Caspian @everyone \\*Wire\\* · Wed 14 Oct 2020" in draft
    # Draft at 0 s, then generated text no sooner than a second later: 1.2 s, 2.4 s.
    assert generated == ["0 1 2 ", "0 1 2 3 4 5 "]


async def test_relay_shows_waiting_text_when_the_interval_is_up():
    """A sentence that came too soon after the last edit is shown once the interval is up,
    not only when more text comes (the model may be silent for seconds)."""
    shown: list[tuple[float, str]] = []
    t0 = time.monotonic()

    async def pieces():
        yield Draft(draft_answer())
        await asyncio.sleep(0.05)
        yield "First sentence [1]."
        await asyncio.sleep(0.6)  # a silent model
        yield " Second [1]."

    async def show(text: str) -> None:
        shown.append((time.monotonic() - t0, text))

    await relay(pieces(), show, interval=0.3)
    assert [t for _, t in shown][1:] == ["First sentence [1].", "First sentence [1]. Second [1]."]
    assert 0.28 <= shown[1][0] < 0.5  # when the interval was up, before the next piece
    assert all(b[0] - a[0] >= 0.28 for a, b in itertools.pairwise(shown))


def test_token_comes_only_from_the_environment(monkeypatch):
    with pytest.raises(MissingToken, match="DISCORD_TOKEN is not set"):
        read_token(None, env={})
    assert read_token(None, env={"DISCORD_TOKEN": " abc.def "}) == "abc.def"
    monkeypatch.setenv("DISCORD_TOKEN", "secret-token-value")
    s = Settings.load()
    assert read_token(s) == "secret-token-value"
    assert "secret-token-value" not in repr(s)


def test_discord_settings_from_env_and_toml(tmp_path, monkeypatch):
    cfg = tmp_path / "n.toml"
    cfg.write_text("[discord]\nguilds = [1, 2]\ningest_role = \"editors\"\n")
    s = Settings.load(cfg)
    assert s.discord_guilds == [1, 2] and s.discord_ingest_role == "editors"
    monkeypatch.setenv("NEWSBOT_DISCORD_CHANNELS", "5, 6")
    monkeypatch.setenv("NEWSBOT_DISCORD_MENTION_MODE", "false")
    c = DiscordConfig.from_settings(Settings.load(cfg))
    assert c.channels == {5, 6} and not c.mention_mode
    assert c.allows_channel(7, 5) and not c.allows_channel(7, None)
    bad = tmp_path / "bad.toml"
    bad.write_text('[discord]\ntoken = "x"\n')
    with pytest.raises(ValueError, match="environment"):
        Settings.load(bad)


def test_intents_are_minimal():
    off, on = intents_for(False), intents_for(True)
    assert off.guilds and not off.message_content and not off.guild_messages
    assert on.message_content and on.guild_messages
    assert not on.members and not on.presences


def test_cli_refuses_to_start_without_a_token(monkeypatch, tmp_path):
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["discord", "--store", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "DISCORD_TOKEN is not set" in result.output
