"""Bounded memory of each conversation (a thread, or a chain of replies to the bot)."""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Turn:
    question: str
    answer: str


def followup_question(history: list[Turn], question: str) -> str:
    """The question sent to NewsBot for a follow-up.

    The new question goes first because the answerer reads the question type from its
    opening words ("When …", "Who …"); the previous question follows to carry the topic.
    This is the one place to switch to ``NewsBot.chat`` once it exists.
    """
    if not history:
        return question
    return f"{question} (follow-up to: {history[-1].question})"


class ConversationMemory:
    """The last ``max_turns`` turns of at most ``max_conversations`` conversations (LRU).

    A conversation is keyed by the id of the bot's first answer message; a thread opened
    from that message has the same id, and every later answer message points back to it.
    """

    def __init__(self, max_turns: int = 4, max_conversations: int = 1000) -> None:
        self.max_turns = max(1, max_turns)
        self.max_conversations = max_conversations
        self._turns: OrderedDict[int, deque[Turn]] = OrderedDict()
        self._root_of: OrderedDict[int, int] = OrderedDict()

    def conversation_of(self, message_or_thread_id: int | None) -> int | None:
        if message_or_thread_id is None:
            return None
        return self._root_of.get(message_or_thread_id)

    def history(self, conversation: int) -> list[Turn]:
        return list(self._turns.get(conversation, ()))

    def add(self, conversation: int | None, answer_message_id: int, turn: Turn) -> int:
        """Store a turn; a new conversation starts at ``answer_message_id``. Returns its key."""
        root = conversation if conversation is not None else answer_message_id
        turns = self._turns.setdefault(root, deque(maxlen=self.max_turns))
        turns.append(turn)
        self._turns.move_to_end(root)
        self._root_of[root] = root
        self._root_of[answer_message_id] = root
        self._root_of.move_to_end(answer_message_id)
        while len(self._turns) > self.max_conversations:
            old, _ = self._turns.popitem(last=False)
            for mid in [m for m, r in self._root_of.items() if r == old]:
                del self._root_of[mid]
        # Every answer message id is remembered; cap them too (a few per conversation).
        while len(self._root_of) > self.max_conversations * (self.max_turns + 1):
            self._root_of.popitem(last=False)
        return root

    def alias(self, other_id: int, conversation: int) -> None:
        """Make ``other_id`` (e.g. a thread whose id differs) lead to ``conversation``."""
        if conversation in self._turns:
            self._root_of[other_id] = conversation
