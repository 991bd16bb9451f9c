"""Sliding-window rate limits per user and per guild, on an injectable clock."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass

Clock = Callable[[], float]


class SlidingWindow:
    """At most ``limit`` hits per key in any ``window`` seconds."""

    def __init__(self, limit: int, window: float, clock: Clock = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: dict[Hashable, deque[float]] = {}

    def _recent(self, key: Hashable, now: float) -> deque[float]:
        hits = self._hits.get(key)
        if hits is None:
            return deque()
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if not hits:
            # Idle keys are dropped so a big server does not grow this forever.
            del self._hits[key]
        return hits

    def retry_after(self, key: Hashable) -> float:
        """Seconds until ``key`` may hit again; 0 when it may hit now."""
        if self.limit <= 0:
            return 0.0
        now = self.clock()
        hits = self._recent(key, now)
        if len(hits) < self.limit:
            return 0.0
        return max(0.0, hits[0] + self.window - now)

    def record(self, key: Hashable) -> None:
        if self.limit > 0:
            self._hits.setdefault(key, deque()).append(self.clock())


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: float = 0.0
    scope: str = ""  # "user" or "server": whose budget ran out


class RateLimits:
    """Checks a user's and their guild's budget together; a refused request costs nothing."""

    def __init__(self, user: SlidingWindow, guild: SlidingWindow) -> None:
        self.user = user
        self.guild = guild

    @classmethod
    def per_minute(cls, user_rate: int, user_window: float, guild_rate: int,
                   guild_window: float, clock: Clock = time.monotonic) -> RateLimits:
        return cls(SlidingWindow(user_rate, user_window, clock),
                   SlidingWindow(guild_rate, guild_window, clock))

    def check(self, user_id: int, guild_id: int | None) -> Verdict:
        wait = self.user.retry_after(user_id)
        if wait:
            return Verdict(False, wait, "user")
        if guild_id is not None:
            wait = self.guild.retry_after(guild_id)
            if wait:
                return Verdict(False, wait, "server")
        self.user.record(user_id)
        if guild_id is not None:
            self.guild.record(guild_id)
        return Verdict(True)
