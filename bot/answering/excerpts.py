"""The few sentences of each passage worth a small model's prompt.

A CPU reads a prompt at a few dozen tokens a second, so four whole passages cost a local
model most of a minute before it writes a word. The extractive ranking already knows which
sentences answer the question: those make a prompt a fraction of the size. A sentence that
leans on the one before it ("He said…", "The company added…", "…, she said.") brings that
one along; a sentence that stands on its own comes alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.answering.candidates import Candidate
from retrieval.sentences import sentence_spans
from retrieval.types import Chunk

GAP = " … "

# Quote marks and dashes a sentence may open with.
_LEAD = r"^[\s\"“‘'(—–-]*"
# An opening clause before the subject: "But ", "On Monday, ", "In a statement, ".
_OPENER = (r"(?i:(?:but|and|yet|so|however|meanwhile|still|instead|also|then|now)\b,?\s+"
           r"|(?:in|on|at|after|before|during|by|since|until|earlier|later|last|this|"
           r"speaking|asked|according)\b[^,.;:\"“”]{0,50},\s+)?")
# It opens with a word that points back: a pronoun, a possessive, a demonstrative ...
_POINTS = re.compile(_LEAD + _OPENER + r"(?i:he|she|they|it|his|her|their|its|him|them|"
                     r"this|these|those|that|such|both|neither|either)\b")
# ... or with "the" and a common noun ("The company", "The 45-year-old woman"), which
# names nobody; "The Fed" or "The Guardian" is a name and stands alone.
_DEFINITE = re.compile(_LEAD + _OPENER + r"[Tt]he\s+(?:\d[\w’'-]*\s+)?[a-z]")
# A pronoun is the speaker: "…," he said. / "…," said she. ("Smith said he would" is not.)
_SAY = r"(?:said|says|added|adds|told|tells|wrote|writes|explained|noted|warned|insisted)"
_PRONOUN_SAID = re.compile(
    rf"[,\"”’]\s*(?:(?:he|she|they)\s+{_SAY}|{_SAY}\s+(?:he|she|they))\b", re.IGNORECASE)
# A capitalised word that opens neither the sentence nor a quote: a name.
_NAME = re.compile(r"(?<![.!?\"“‘:]\s)(?<![\"“‘])(?<!^)\b[A-Z][a-z’'-]*[A-Za-z]")
_QUOTE = re.compile(r"^[\"“‘]")
_NOT_NAMES = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "May June July August September October November December".split())


def leans_on_previous(sentence: str) -> bool:
    """Whether a sentence needs the one before it to say who or what it is about: it opens
    (after "But", "On Monday," …) with a pronoun, a possessive or a demonstrative, or with
    "the" and a common noun; or a pronoun is its speaker ("…," he said) and it names
    nobody."""
    text = sentence.strip()
    # A quotation's own first words ("“It was a mistake,” …) say nothing of who is quoted.
    if not _QUOTE.match(text) and (_POINTS.match(text) or _DEFINITE.match(text)):
        return True
    if _PRONOUN_SAID.search(text):
        return not any(m.group(0) not in _NOT_NAMES for m in _NAME.finditer(text))
    return False


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Sorted indices as inclusive runs: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and i == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def excerpt(chunk: Chunk, starts: set[int], before: int = 1,
            needs_before: Callable[[str], bool] | None = None) -> str:
    """The sentences of ``chunk`` that begin at ``starts``, each with ``before`` sentences
    ahead of it (only when ``needs_before(sentence)``, if given), in article order; gaps
    are marked with an ellipsis. The text between kept sentences is the article's own,
    never re-spaced."""
    spans = sentence_spans(chunk.text)
    keep: set[int] = set()
    for i, (s, e) in enumerate(spans):
        if s in starts:
            back = before if needs_before is None or needs_before(chunk.text[s:e]) else 0
            keep.update(range(max(0, i - back), i + 1))
    parts = [chunk.text[spans[a][0] : spans[b][1]] for a, b in _runs(sorted(keep))]
    return GAP.join(parts)


def best_sentence_excerpts(cands: Sequence[Candidate], sentences: int, passages: int,
                           before: int = 1,
                           needs_before: Callable[[str], bool] | None = leans_on_previous,
                           ) -> tuple[list[Chunk], dict[str, str]]:
    """The chunks holding the ``sentences`` best-ranked candidates (at most ``passages`` of
    them, best first) and, by chunk id, the excerpt of each to show instead of its text."""
    chosen: dict[str, tuple[Chunk, set[int]]] = {}
    for c in cands[:sentences]:
        if c.chunk.id not in chosen:
            if len(chosen) == passages:
                continue
            chosen[c.chunk.id] = (c.chunk, set())
        chosen[c.chunk.id][1].add(c.start)
    chunks = [chunk for chunk, _ in chosen.values()]
    return chunks, {cid: excerpt(chunk, starts, before, needs_before)
                    for cid, (chunk, starts) in chosen.items()}
