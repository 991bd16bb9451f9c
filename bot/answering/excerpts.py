"""The few sentences of each passage worth a small model's prompt.

A CPU reads a prompt at a few dozen tokens a second, so four whole passages cost a local
model most of a minute before it writes a word. The extractive ranking already knows which
sentences answer the question: those, with the sentence before each (a "he said" needs its
"who"), make a prompt a fraction of the size.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.answering.candidates import Candidate
from retrieval.sentences import sentence_spans
from retrieval.types import Chunk

GAP = " … "


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Sorted indices as inclusive runs: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and i == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def excerpt(chunk: Chunk, starts: set[int], before: int = 1) -> str:
    """The sentences of ``chunk`` that begin at ``starts``, each with ``before`` sentences
    ahead of it, in article order; gaps are marked with an ellipsis.
    The text between kept sentences is the article's own, never re-spaced."""
    spans = sentence_spans(chunk.text)
    keep: set[int] = set()
    for i, (s, _e) in enumerate(spans):
        if s in starts:
            keep.update(range(max(0, i - before), i + 1))
    parts = [chunk.text[spans[a][0] : spans[b][1]] for a, b in _runs(sorted(keep))]
    return GAP.join(parts)


def best_sentence_excerpts(cands: Sequence[Candidate], sentences: int, passages: int,
                           before: int = 1) -> tuple[list[Chunk], dict[str, str]]:
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
    return chunks, {cid: excerpt(chunk, starts, before) for cid, (chunk, starts)
                    in chosen.items()}
