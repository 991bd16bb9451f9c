"""Sending through interactions: answers in as many messages as the limits need, and
short ephemeral notes for everything that is not an answer."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import discord

from bot.answer import Answer
from bot.answering import Draft
from bot.discord_app.ratelimit import Clock
from bot.discord_app.render import CONTENT_MAX, answer_messages, clip
from bot.discord_app.safety import NO_MENTIONS, error_text, neutralise, report_error
from bot.discord_app.streaming import relay

log = logging.getLogger("newsbot.discord")


async def note(interaction: discord.Interaction, text: str) -> None:
    """A short ephemeral message, whether or not the interaction was answered already.

    Notes can carry what a user typed (a file name, a URL): no mention survives in them."""
    text = clip(neutralise(text), CONTENT_MAX)
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(text, ephemeral=True,
                                                allowed_mentions=NO_MENTIONS)


async def fail(interaction: discord.Interaction, where: str, exc: BaseException) -> None:
    """Log the traceback under an id; the user sees only the id, privately."""
    error_id = report_error(log, where, exc)
    try:
        if interaction.response.is_done():
            # A public "thinking…" message cannot turn ephemeral: remove it, then tell the
            # user privately.
            with contextlib.suppress(discord.HTTPException):
                await interaction.delete_original_response()
        await note(interaction, error_text(error_id))
    except discord.HTTPException:
        log.warning("error %s: could not tell the user (interaction expired?)", error_id)


async def send_answer(interaction: discord.Interaction, answer: Answer,
                      streamed: bool = False) -> discord.Message:
    """The deferred response becomes the first page; more pages follow. Returns the first.

    After streaming, the original response already holds the draft text: it is replaced.
    """
    pages = answer_messages(answer)
    first: discord.Message
    if streamed:
        first = await interaction.edit_original_response(
            content=None, embeds=pages[0], allowed_mentions=NO_MENTIONS)
    else:
        first = await interaction.followup.send(
            embeds=pages[0], allowed_mentions=NO_MENTIONS, wait=True)
    for page in pages[1:]:
        await interaction.followup.send(embeds=page, allowed_mentions=NO_MENTIONS)
    return first


async def stream_answer(interaction: discord.Interaction, question: str,
                        stream: AsyncIterator[Any], clock: Clock = time.monotonic) -> Answer:
    """Show a draft, then text as it arrives, in the deferred response (plain content,
    edited ≤ once a second) and return the final Answer."""

    async def show(text: str) -> None:
        await interaction.edit_original_response(
            content=clip(neutralise(text), CONTENT_MAX), allowed_mentions=NO_MENTIONS)

    return await relay_answer(question, stream, show, clock)


class DraftReply:
    """A streamed answer to a message: the first text is a reply, later text edits it."""

    def __init__(self, message: discord.Message) -> None:
        self.message = message
        self.sent: discord.Message | None = None

    async def show(self, text: str) -> None:
        content = clip(neutralise(text), CONTENT_MAX)
        if self.sent is None:
            self.sent = await self.message.reply(content, allowed_mentions=NO_MENTIONS,
                                                 mention_author=False)
        else:
            self.sent = await self.sent.edit(content=content, allowed_mentions=NO_MENTIONS)


async def relay_answer(question: str, stream: AsyncIterator[Any],
                       show: Callable[[str], Awaitable[None]],
                       clock: Clock = time.monotonic) -> Answer:
    """A draft and text pieces to ``show`` (≤ once a second); the final Answer: the
    stream's own if it yields one at the end, else one made from the text."""
    final: list[Answer] = []

    async def deltas() -> AsyncIterator[str | Draft]:
        async for item in stream:
            if isinstance(item, Answer):
                final.append(item)
            else:
                yield item if isinstance(item, Draft) else str(item)

    text = await relay(deltas(), show, clock=clock)
    if final:
        return final[-1]
    return Answer(question=question, answer=text.strip(), abstained=not text.strip(),
                  answerer="stream")
