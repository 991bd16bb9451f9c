"""Answering backends behind one small protocol."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.answer import Answer
from retrieval.types import Hit


@runtime_checkable
class Answerer(Protocol):
    name: str

    def answer(self, question: str, hits: list[Hit], now: datetime | None = None) -> Answer: ...


NO_ANSWER = "The articles in the archive don't say."

__all__ = ["NO_ANSWER", "Answerer"]
