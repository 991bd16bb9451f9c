"""Chat sessions: a bounded history, and follow-ups ("and who broke it?") rewritten into
standalone questions before retrieval, by the model when one is configured and by a small
offline heuristic otherwise (or when the model fails)."""

from __future__ import annotations

import logging
import re
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.answer import Answer
from bot.answering.question import STOPWORDS, tokens

if TYPE_CHECKING:
    from bot.newsbot import NewsBot

log = logging.getLogger(__name__)

_LEADING_CONJUNCTION = re.compile(r"^\s*(?:and|but|so|also|then|ok(?:ay)?|what about)\b[\s,]*",
                                  re.IGNORECASE)
_PRONOUN = re.compile(r"\b(?:it|its|they|them|their|he|him|his|she|her|this|that|these|those|"
                      r"there|then|the same)\b", re.IGNORECASE)
_QUESTION_WORDS = {"when", "who", "whom", "whose", "what", "where", "why", "how", "which"}

REWRITE_SYSTEM = (
    "Rewrite the user's last question so it can be understood without the conversation: "
    "replace pronouns and omissions with what they refer to. Reply with the rewritten "
    "question only, on one line, without answering it."
)


@dataclass(frozen=True)
class Turn:
    question: str  # as asked
    standalone: str  # as searched
    answer: str


def key_terms(question: str) -> list[str]:
    return [t for t in tokens(question)
            if t.lower() not in STOPWORDS and t.lower() not in _QUESTION_WORDS]


def looks_like_follow_up(question: str) -> bool:
    if _LEADING_CONJUNCTION.match(question):
        return True
    return bool(_PRONOUN.search(question)) and len(key_terms(question)) <= 3


def heuristic_rewrite(question: str, history: list[Turn]) -> str:
    """Carry the previous question's key terms into a follow-up."""
    if not history or not looks_like_follow_up(question):
        return question
    q = _LEADING_CONJUNCTION.sub("", question).strip() or question
    q = q[0].upper() + q[1:]
    carried = [t for t in key_terms(history[-1].standalone)
               if t.lower() not in {k.lower() for k in key_terms(q)}]
    if not carried:
        return q
    return f"{q.rstrip(' ?')} ({' '.join(carried)})?"


def _llm_messages(question: str, history: list[Turn]) -> list[dict[str, str]]:
    convo = "\n".join(f"User: {t.question}\nAssistant: {t.answer[:300]}" for t in history)
    return [{"role": "system", "content": REWRITE_SYSTEM},
            {"role": "user", "content": f"Conversation:\n{convo}\n\nLast question: {question}"}]


class ChatSession:
    """One conversation with the archive; keep it, or get it back with ``bot.chat(id)``."""

    def __init__(self, bot: NewsBot, session_id: str, max_turns: int = 6) -> None:
        self.bot = bot
        self.session_id = session_id
        self.history: deque[Turn] = deque(maxlen=max_turns)

    def standalone(self, question: str) -> str:
        question = " ".join(question.split())
        history = list(self.history)
        if not history or not looks_like_follow_up(question):
            return question
        answerer = self.bot.components.answerer
        if answerer.capabilities.can_complete:
            try:
                rewritten = " ".join(
                    answerer.complete(_llm_messages(question, history)).split())
                if 3 <= len(rewritten) <= 4 * len(question) + 200:
                    return rewritten
            except Exception as exc:  # the heuristic is a fine answer to a model failure
                log.info("follow-up rewrite by the model failed: %s", type(exc).__name__)
        return heuristic_rewrite(question, history)

    # ``now`` and the filters go to the bot's one retrieve step as they are.
    def ask(self, question: str, now: datetime | str | None = None, **kwargs: Any) -> Answer:
        standalone = self.standalone(question)
        answer = self.bot.ask(standalone, now, **kwargs)
        self.history.append(Turn(question, standalone, answer.answer))
        return answer

    def stream(self, question: str, now: datetime | str | None = None,
               **kwargs: Any) -> Iterator[str | Answer]:
        standalone = self.standalone(question)
        for piece in self.bot.stream(standalone, now, **kwargs):
            if isinstance(piece, Answer):
                self.history.append(Turn(question, standalone, piece.answer))
            yield piece


class SessionStore:
    """At most ``limit`` sessions, least recently used dropped first."""

    def __init__(self, limit: int = 1000) -> None:
        self.limit = limit
        self._sessions: OrderedDict[str, ChatSession] = OrderedDict()

    def get(self, session_id: str, make: Callable[[], ChatSession]) -> ChatSession:
        if session_id in self._sessions:
            self._sessions.move_to_end(session_id)
        else:
            self._sessions[session_id] = make()
            while len(self._sessions) > self.limit:
                self._sessions.popitem(last=False)
        return self._sessions[session_id]
