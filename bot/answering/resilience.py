"""Keeping a model that is down, hanging or rate-limited from costing every user its full
timeout: retries bounded by one deadline per answer, and a circuit breaker that skips the
model for a while after several failed answers in a row.

The `openai` client's own retries are switched off in favour of these: it honours a
server's Retry-After of up to two minutes per retry and has no overall deadline, so one
question could wait minutes before the extractive answer is shown.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")
Clock = Callable[[], float]

# Backoff between retries when the server gives no Retry-After: 0.5 s, 1 s, 2 s, ... ≤ 8 s.
BASE_DELAY = 0.5
MAX_DELAY = 8.0
# A retry is only worth making with at least this much of the deadline left for it.
MIN_ATTEMPT = 1.0


def is_transient(exc: BaseException) -> bool:
    """Failures a retry may cure: no connection, a timeout, 408/409/429 and 5xx (the same
    set the `openai` client retries)."""
    import openai

    if isinstance(exc, openai.APIConnectionError):  # APITimeoutError is one too
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 409, 429) or exc.status_code >= 500
    return False


def retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait (Retry-After-Ms, Retry-After in seconds or as an
    HTTP date), or None."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) / scale)
        except ValueError:
            parsed = email.utils.parsedate_tz(value)
            if parsed is not None:
                return max(0.0, email.utils.mktime_tz(parsed) - time.time())
    return None


class RetryBudget:
    """Up to ``retries`` retries of a call, all of it within ``deadline`` seconds.

    Each attempt gets ``min(attempt_timeout, time left)``; a retry whose wait (the server's
    Retry-After, or exponential backoff) would leave less than MIN_ATTEMPT of the deadline
    is not made, and the last failure is raised at once instead.
    """

    def __init__(self, retries: int, attempt_timeout: float, deadline: float | None = None,
                 clock: Clock = time.monotonic) -> None:
        self.retries = max(0, retries)
        self.attempt_timeout = attempt_timeout
        # Default: what the attempts alone may take, without any waiting in between.
        self.deadline = deadline if deadline is not None else attempt_timeout * (retries + 1)
        self.clock = clock

    def _wait(self, exc: BaseException, attempt: int, end: float) -> float | None:
        if attempt >= self.retries or not is_transient(exc):
            return None
        wait = retry_after(exc)
        if wait is None:
            wait = min(BASE_DELAY * 2**attempt, MAX_DELAY) * random.uniform(0.75, 1.0)
        if end - (self.clock() + wait) < min(MIN_ATTEMPT, self.attempt_timeout):
            return None
        return wait

    def _timeout(self, end: float) -> float:
        return max(0.01, min(self.attempt_timeout, end - self.clock()))

    def call(self, attempt: Callable[[float], T]) -> T:
        """``attempt(timeout)`` until it returns, the retries run out or the deadline nears."""
        end = self.clock() + self.deadline
        n = 0
        while True:
            try:
                return attempt(self._timeout(end))
            except Exception as exc:
                wait = self._wait(exc, n, end)
                if wait is None:
                    raise
            time.sleep(wait)
            n += 1

    async def acall(self, attempt: Callable[[float], Awaitable[T]]) -> T:
        end = self.clock() + self.deadline
        n = 0
        while True:
            try:
                return await attempt(self._timeout(end))
            except Exception as exc:
                wait = self._wait(exc, n, end)
                if wait is None:
                    raise
            await asyncio.sleep(wait)
            n += 1


class CircuitBreaker:
    """After ``failures`` failed answers in a row the model is skipped (the caller answers
    without it at once) for ``cooldown`` seconds; then a single call probes it: success
    closes the breaker, failure opens it for another cooldown. Thread-safe."""

    def __init__(self, failures: int = 3, cooldown: float = 30.0,
                 clock: Clock = time.monotonic) -> None:
        self.failures = failures
        self.cooldown = cooldown
        self.clock = clock
        self._lock = threading.Lock()
        self._in_a_row = 0
        self._open_until: float | None = None
        self._probing = False

    @property
    def enabled(self) -> bool:
        return self.failures > 0

    @property
    def failures_in_a_row(self) -> int:
        return self._in_a_row

    def retry_in(self) -> float:
        """Seconds until the model is tried again (0 when it is not being skipped)."""
        with self._lock:
            if self._open_until is None:
                return 0.0
            return max(0.0, self._open_until - self.clock())

    def allow(self) -> bool:
        """Whether this call may use the model."""
        if not self.enabled:
            return True
        with self._lock:
            if self._open_until is None:
                return True
            if self._probing or self.clock() < self._open_until:
                return False
            self._probing = True  # this caller probes; the others keep skipping
            return True

    def succeeded(self) -> None:
        with self._lock:
            self._in_a_row = 0
            self._open_until = None
            self._probing = False

    def failed(self) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._in_a_row += 1
            if self._probing or self._in_a_row >= self.failures:
                self._open_until = self.clock() + self.cooldown
            self._probing = False

    def abandoned(self) -> None:
        """The call ended without a verdict (cancelled, or its stream left unread): let the
        next caller probe instead of skipping the model for good."""
        with self._lock:
            self._probing = False

    def settle(self, finished: bool, error: BaseException | None) -> None:
        if not finished:
            self.abandoned()
        elif error is not None:
            self.failed()
        else:
            self.succeeded()
