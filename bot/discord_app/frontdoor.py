"""The Discord layer's state and policies, shared by slash commands and @mentions."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import discord

from bot.answer import Answer
from bot.discord_app.config import DiscordConfig
from bot.discord_app.memory import ConversationMemory
from bot.discord_app.ratelimit import Clock, RateLimits, SlidingWindow, Verdict
from bot.discord_app.streaming import open_delta_stream
from bot.newsbot import NewsBot

DeltaStreamFactory = Callable[..., AsyncIterator[Any] | None]

SOURCES_TTL_S = 60.0


class BadRequest(ValueError):
    """A problem with what the user typed; the message is for them."""


@dataclass(frozen=True)
class Query:
    question: str
    since: datetime | None = None
    until: datetime | None = None
    sources: tuple[str, ...] = ()
    # The moment the question was asked: "this week" means the week of it, and nothing
    # published after it is seen.
    now: datetime | None = None


def wall_clock() -> datetime:
    return datetime.now(UTC)


def parse_day(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        d = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise BadRequest(f"`{name}` must be a date like 2020-10-14.") from exc
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def rate_limited_text(v: Verdict) -> str:
    wait = max(1, round(v.retry_after))
    whose = "You are" if v.scope == "user" else "This server is"
    return (f"{whose} asking faster than I can keep up with. "
            f"Please try again in {wait} s.")


class FrontDoor:
    """Policies (allow-lists, limits, permissions) and memory for the Discord front door."""

    def __init__(self, newsbot: NewsBot, config: DiscordConfig, *,
                 clock: Clock = time.monotonic,
                 delta_stream: DeltaStreamFactory = open_delta_stream,
                 max_channels: int = 2000,
                 today: Callable[[], datetime] = wall_clock) -> None:
        self.newsbot = newsbot
        self.config = config
        self.clock = clock
        self.today = today
        self.delta_stream = delta_stream
        self.limits = RateLimits.per_minute(config.user_rate, config.user_window_s,
                                            config.guild_rate, config.guild_window_s, clock)
        # A burst of refused requests gets one refusal per user and window, not a burst of
        # refusals: answering spam in kind would amplify it.
        self._told = SlidingWindow(1, config.user_window_s, clock)
        self.memory = ConversationMemory(config.memory_turns)
        self._last_answer: OrderedDict[int, Answer] = OrderedDict()
        self._max_channels = max_channels
        self._sources: tuple[float, list[str]] | None = None

    # Checks ---------------------------------------------------------------------------------
    def where_refused(self, guild_id: int | None, *channel_ids: int | None) -> str | None:
        if guild_id is None:
            return "newsbot works in servers only."
        if not self.config.allows_guild(guild_id):
            return "newsbot is not enabled on this server."
        if not self.config.allows_channel(*channel_ids):
            return "newsbot is not enabled in this channel."
        return None

    def check_question(self, question: str) -> str:
        question = " ".join(question.split())
        if not question:
            raise BadRequest("Ask me a question, e.g. `When did the ceasefire collapse?`")
        cap = self.config.max_question_chars
        if len(question) > cap:
            raise BadRequest(f"That question is {len(question):,} characters long; please "
                             f"keep it under {cap:,}.")
        return question

    def admit(self, user_id: int, guild_id: int | None) -> tuple[bool, str | None]:
        """Whether to answer this request, and else the refusal to send (None: stay quiet,
        the user was told already in this window)."""
        verdict = self.limits.check(user_id, guild_id)
        if verdict.allowed:
            return True, None
        if self._told.retry_after(user_id):
            return False, None
        self._told.record(user_id)
        return False, rate_limited_text(verdict)

    def may_ingest(self, member: discord.abc.User, permissions: discord.Permissions) -> bool:
        if permissions.manage_guild or permissions.administrator:
            return True
        wanted = (self.config.ingest_role or "").strip()
        if not wanted or not isinstance(member, discord.Member):
            return False
        return any(str(role.id) == wanted or role.name.casefold() == wanted.casefold()
                   for role in member.roles)

    def ingest_hint(self) -> str:
        role = self.config.ingest_role
        return "Manage Server" + (f" or the `{role}` role" if role else "")

    # Answers ----------------------------------------------------------------------------------
    def _asked(self, query: Query) -> dict[str, Any]:
        """What NewsBot's one retrieve step takes, the same for asking and streaming."""
        return {"now": query.now or self.today(), "since": query.since,
                "until": query.until, "sources": query.sources}

    async def ask(self, query: Query) -> Answer:
        return await self.newsbot.aask(query.question, **self._asked(query))

    def open_stream(self, query: Query) -> AsyncIterator[Any] | None:
        return self.delta_stream(self.newsbot, query.question, **self._asked(query))

    def remember_answer(self, channel_id: int | None, answer: Answer) -> None:
        if channel_id is None:
            return
        self._last_answer[channel_id] = answer
        self._last_answer.move_to_end(channel_id)
        while len(self._last_answer) > self._max_channels:
            self._last_answer.popitem(last=False)

    def last_answer(self, channel_id: int | None) -> Answer | None:
        return self._last_answer.get(channel_id) if channel_id is not None else None

    # Sources for autocomplete ---------------------------------------------------------------
    async def source_names(self) -> list[str]:
        """Cached: autocomplete fires on every keystroke and must answer within 3 s."""
        now = self.clock()
        if self._sources is None or now - self._sources[0] > SOURCES_TTL_S:
            stats = await asyncio.to_thread(self.newsbot.stats)
            self._sources = (now, [s for s in stats.sources if s != "(unknown)"])
        return self._sources[1]

    def forget_sources(self) -> None:
        self._sources = None
