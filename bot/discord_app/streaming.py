"""Optional streaming: show an answer as it is written, editing at most about once a second."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from bot.discord_app.ratelimit import Clock

# Discord allows ~5 edits per 5 s per message; one a second leaves room for the final edit.
EDIT_INTERVAL_S = 1.0


def open_delta_stream(newsbot: Any, question: str, **filters: Any) -> AsyncIterator[str] | None:
    """An async iterator of answer text deltas, or None when the answerer does not stream.

    This build's NewsBot has no streaming API, so the answer arrives whole via ``aask``.
    When ``NewsBot.stream`` lands, return its deltas here; nothing else has to change.
    """
    return None


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
