"""Polling feeds on a schedule: a bounded loop around NewsBot.ingest."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence

from bot.newsbot import NewsBot
from ingest.indexer import IngestReport

_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)


def parse_interval(text: str) -> float:
    """Seconds in "15m", "1h", "30s", "0.5s" or a bare number of seconds."""
    m = _DURATION.match(text)
    if not m or float(m.group(1)) <= 0:
        raise ValueError(f"not an interval: {text!r} (use e.g. 30s, 15m, 1h)")
    return float(m.group(1)) * _UNITS[m.group(2).lower()]


def watch(
    bot: NewsBot,
    feeds: Sequence[str],
    every: float,
    max_rounds: int | None = None,
    on_round: Callable[[int, IngestReport], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Ingest ``feeds`` every ``every`` seconds (measured start to start) until
    ``max_rounds`` rounds have run (forever when None); returns the rounds run.

    A feed that fails in one round is reported and tried again the next."""
    rounds = 0
    while max_rounds is None or rounds < max_rounds:
        started = time.monotonic()
        report = bot.ingest(list(feeds))
        rounds += 1
        if on_round:
            on_round(rounds, report)
        if max_rounds is not None and rounds >= max_rounds:
            break
        sleep(max(0.0, every - (time.monotonic() - started)))
    return rounds
