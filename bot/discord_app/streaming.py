"""Streaming: show a generated answer as it is written, editing at most about once a second.

Only answerers that declare ``can_stream`` stream; their text is made of sentences whose
citations already checked out, so nothing unverified is ever on screen, even mid-stream."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bot.answer import Answer
from bot.discord_app.ratelimit import Clock

if TYPE_CHECKING:
    from bot.newsbot import NewsBot

# Discord allows ~5 edits per 5 s per message; one a second leaves room for the final edit.
EDIT_INTERVAL_S = 1.0


def open_delta_stream(newsbot: NewsBot, question: str,
                      **asked: Any) -> AsyncIterator[str | Answer] | None:
    """Verified text pieces then the final Answer, or None when the answerer does not
    stream (the answer then arrives whole via ``aask``). ``asked``: now and the filters."""
    if not newsbot.can_stream():
        return None
    return newsbot.astream(question, **asked)


async def relay(deltas: AsyncIterator[str], show: Callable[[str], Awaitable[None]],
                interval: float = EDIT_INTERVAL_S, clock: Clock = time.monotonic) -> str:
    """Accumulate deltas, calling ``show(text_so_far)`` at most once per ``interval``.

    Returns the whole text; the caller then shows the final rendered answer.
    """
    text = ""
    last_shown = -interval
    shown_text = None
    async for delta in deltas:
        text += delta
        now = clock()
        if now - last_shown >= interval and text.strip():
            await show(text)
            last_shown, shown_text = now, text
    if shown_text is None and text.strip():
        await show(text)
    return text
