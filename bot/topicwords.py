"""Whether a text is about a topic or a question's subject, by its words.

Shared by timelines (is this article about the topic?) and disagreements (is this sentence
about what was asked?). Crude on purpose: word starts ("strike" ~ "strikes") and, from five
letters on, the end of a compound ("quake" in "earthquake"; "port" is not in "report").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_STOP = frozenset(
    "the a an of in on at to for by from and or with about over after before what when "
    "where who how why is are was were timeline story news".split())
_WORD = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


def topic_words(topic: str) -> list[str]:
    return sorted({w for w in _WORD.findall(topic.casefold()) if len(w) > 2 and w not in _STOP})


def holds(word: str, have: Iterable[str]) -> bool:
    """The word is in ``have`` as a word's start or, from five letters on, a word's end."""
    return any(t.startswith(word[:5]) or (len(word) >= 5 and t.endswith(word)) for t in have)


def count_held(words: Iterable[str], have: set[str]) -> int:
    return sum(holds(w, have) for w in words)


def about(words: Sequence[str], have: set[str]) -> bool:
    """A text is about the topic when it holds the topic's words: all of them for a one- or
    two-word topic, more than half otherwise."""
    need = len(words) if len(words) <= 2 else len(words) // 2 + 1
    return count_held(words, have) >= need
