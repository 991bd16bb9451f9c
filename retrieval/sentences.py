"""Sentence spans with character offsets, for chunking and for quoting exactly."""

from __future__ import annotations

import re

# Abbreviations that end with a period but rarely end a sentence in news copy.
_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep",
    "st", "jr", "sr", "inc", "corp", "co", "ltd", "vs", "no", "approx", "dept", "est",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m", "etc", "mt", "ft", "fig",
}
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+|$)|\n\s*\n|\n(?=\s*[\"“A-Z0-9*•-])")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")

# Sentences longer than this are cut at whitespace, so one unpunctuated wall of text
# cannot become a single enormous "sentence".
MAX_SENTENCE_CHARS = 600


def _is_abbreviation(text: str, end: int) -> bool:
    m = _WORD_BEFORE.search(text[max(0, end - 12) : end])
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    # Single capital letters ("J. Smith") are initials, not sentence ends.
    return word in _ABBREV or (len(word) == 1 and word.isalpha())


def _split_long(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    spans = []
    while end - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        cut = cut if cut > start else start + limit
        spans.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        spans.append((start, end))
    return spans


def sentence_spans(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """Return (start, end) of each sentence, trimmed of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _END.finditer(text):
        end = m.end()
        if text[m.start()] == "." and m.group().strip() == "." and _is_abbreviation(
            text, m.start()
        ):
            continue
        spans.append((pos, end))
        pos = end
    if pos < len(text):
        spans.append((pos, len(text)))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.extend(_split_long(text, s, e, max_chars))
    return out


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]
