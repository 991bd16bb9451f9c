"""Streaming: show a generated answer as it is written, editing at most about once a second.

Only answerers that declare ``can_stream`` stream; their text is made of sentences whose
citations already checked out, so nothing unverified is ever on screen, even mid-stream.
One that declares ``can_draft`` first gives a ``Draft`` (the extractive answer on the same
passages): shown, labelled as such, as soon as retrieval is done, while the model reads its
prompt; the first generated sentences replace it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bot.answer import Answer
from bot.answering import Draft
from bot.discord_app.ratelimit import Clock
from bot.discord_app.render import draft_text

if TYPE_CHECKING:
    from bot.newsbot import NewsBot

# Discord allows ~5 edits per 5 s per message; one a second leaves room for the final edit.
EDIT_INTERVAL_S = 1.0


def open_delta_stream(newsbot: NewsBot, question: str,
                      **asked: Any) -> AsyncIterator[str | Draft | Answer] | None:
    """A draft (when the answerer gives one), verified text pieces, then the final Answer;
    or None when the answerer does not stream (the answer then arrives whole via ``aask``).
    ``asked``: now and the filters."""
    if not newsbot.can_stream():
        return None
    return newsbot.astream(question, drafts=True, **asked)


async def relay(deltas: AsyncIterator[str | Draft], show: Callable[[str], Awaitable[None]],
                interval: float = EDIT_INTERVAL_S, clock: Clock = time.monotonic) -> str:
    """Accumulate deltas, calling ``show(text_so_far)`` at most once per ``interval``; text
    that had to wait is shown when the interval is up, not only when more text comes. A
    ``Draft`` is shown until generated text replaces it.

    Returns the whole generated text; the caller then shows the final rendered answer.
    """
    text = ""
    last_shown = -interval
    shown_text: str | None = None  # generated text on screen
    drafted = False
    it = aiter(deltas)
    upcoming: asyncio.Future[str | Draft] | None = None
    try:
        while True:
            if upcoming is None:
                upcoming = asyncio.ensure_future(anext(it))
            waiting = text.strip() and text != shown_text
            # (Never a zero wait: with a clock that stands still it would spin.)
            wait = max(0.01, last_shown + interval - clock()) if waiting else None
            done, _ = await asyncio.wait({upcoming}, timeout=wait)
            if not done:  # the interval is up and text waited: show it now
                if clock() - last_shown >= interval:
                    await show(text)
                    last_shown, shown_text = clock(), text
                continue
            piece_of = upcoming
            upcoming = None
            try:
                piece = piece_of.result()
            except StopAsyncIteration:
                break
            if isinstance(piece, Draft):
                if not text.strip():
                    await show(draft_text(piece.answer))
                    last_shown, drafted = clock(), True
                continue
            text += piece
            now = clock()
            if now - last_shown >= interval and text.strip():
                await show(text)
                last_shown, shown_text = now, text
    finally:
        if upcoming is not None:  # cancelled or failed while waiting: stop the stream too
            upcoming.cancel()
            with contextlib.suppress(BaseException):
                await upcoming
    if shown_text is None and not drafted and text.strip():
        await show(text)
    return text
