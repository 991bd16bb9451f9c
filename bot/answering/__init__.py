"""Answering backends behind one small protocol.

An answerer declares what it can do, the way simonw/llm's models declare ``can_stream``:
callers read ``capabilities`` and never probe for methods. Every answerer has the four entry
points; ``BaseAnswerer`` gives the ones a backend does not do natively (async on a thread, a
"stream" that is the final Answer alone), and ``SyncOnly`` adapts anything with just an
``answer`` method (the extractive answerer, a test stub, your own code)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.answer import Answer
from retrieval.types import Hit


@dataclass(frozen=True)
class Capabilities:
    """What an answerer does natively.

    ``can_async``: ``aanswer``/``astream`` do their waiting on the event loop (else they run
    the sync code on a worker thread). ``can_stream``: ``stream``/``astream`` yield text (only
    sentences whose citations checked out) before the final Answer (else the Answer alone).
    ``can_complete``: ``complete`` answers a plain chat request (follow-up rewriting)."""

    can_async: bool = False
    can_stream: bool = False
    can_complete: bool = False
    # ``astream(..., drafts=True)`` first yields a ``Draft``, before the model is asked.
    can_draft: bool = False


@dataclass(frozen=True)
class Draft:
    """Something to show while a slow model writes, never the answer: the extractive answer
    on the same candidates (its quotes are article text, so nothing in it is unverified).
    Only ``astream(..., drafts=True)`` of an answerer that declares ``can_draft`` yields one,
    first; the generated sentences and the final Answer follow as usual."""

    answer: Answer


SYNC_ONLY = Capabilities()


class AnswersQuestions(Protocol):
    """The least an answerer must have; ``SyncOnly`` makes it a full ``Answerer``."""

    def answer(self, question: str, hits: list[Hit], now: datetime | None = None) -> Answer: ...


@runtime_checkable
class Answerer(Protocol):
    name: str
    capabilities: Capabilities

    def answer(self, question: str, hits: list[Hit], now: datetime | None = None) -> Answer: ...

    async def aanswer(self, question: str, hits: list[Hit],
                      now: datetime | None = None) -> Answer: ...

    def stream(self, question: str, hits: list[Hit],
               now: datetime | None = None) -> Iterator[str | Answer]: ...

    def astream(self, question: str, hits: list[Hit], now: datetime | None = None, *,
                drafts: bool = False) -> AsyncIterator[str | Draft | Answer]: ...

    def complete(self, messages: list[dict[str, str]]) -> str: ...


class NotCapable(NotImplementedError):
    """Called for something the answerer's capabilities say it cannot do."""


class BaseAnswerer:
    """Defaults for what a backend does not do natively, all in terms of ``answer``."""

    name: str = "answerer"
    capabilities: Capabilities = SYNC_ONLY

    def answer(self, question: str, hits: list[Hit], now: datetime | None = None) -> Answer:
        raise NotImplementedError

    async def aanswer(self, question: str, hits: list[Hit],
                      now: datetime | None = None) -> Answer:
        # The work is CPU-bound (ONNX, numpy) and releases the GIL in native code.
        return await asyncio.to_thread(self.answer, question, hits, now)

    def stream(self, question: str, hits: list[Hit],
               now: datetime | None = None) -> Iterator[str | Answer]:
        yield self.answer(question, hits, now)

    async def astream(self, question: str, hits: list[Hit], now: datetime | None = None, *,
                      drafts: bool = False) -> AsyncIterator[str | Draft | Answer]:
        # No draft: nothing comes sooner than the answer itself.
        yield await self.aanswer(question, hits, now)

    def complete(self, messages: list[dict[str, str]]) -> str:
        raise NotCapable(f"{self.name} does not complete chat requests")


class SyncOnly(BaseAnswerer):
    """A full Answerer around something that only answers, synchronously."""

    def __init__(self, inner: AnswersQuestions, name: str | None = None) -> None:
        self.inner = inner
        self.name = name or type(inner).__name__.lower()

    def answer(self, question: str, hits: list[Hit], now: datetime | None = None) -> Answer:
        return self.inner.answer(question, hits, now)

    def __repr__(self) -> str:
        return f"SyncOnly({self.inner!r})"


def as_answerer(value: Answerer | AnswersQuestions, name: str | None = None) -> Answerer:
    """``value`` itself when it is a full Answerer, else ``value`` behind ``SyncOnly``.
    (A type check at the boundary, once: nothing downstream asks what a backend has.)"""
    if isinstance(value, Answerer):
        return value
    return SyncOnly(value, name)


NO_ANSWER = "The articles in the archive don't say."

__all__ = ["NO_ANSWER", "SYNC_ONLY", "Answerer", "AnswersQuestions", "BaseAnswerer",
           "Capabilities", "Draft", "NotCapable", "SyncOnly", "as_answerer"]
