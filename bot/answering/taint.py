"""Article text that talks to the model or the reader instead of reporting: instructions,
forged source headers, chat-template tokens. Such a passage is an injection attempt and no
evidence for anything, for either answerer: what it "supports" may be what it planted."""

from __future__ import annotations

import re

_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget)\b.{0,40}\b(?:instructions?|rules|prompt|above|previous)\b"
    r"|\byou (?:are|must|should|will) now\b|\b(?:system|developer) (?:prompt|message)\b"
    r"|\bas an ai\b|\bnew instructions?\b",
    re.IGNORECASE,
)
_FORGERY = re.compile(r"\[\s*\d{1,3}\s*\]\s*(?:title|source)\s*:|<\|[a-z_]{2,20}\|>|<<<",
                      re.IGNORECASE)


def is_instruction_like(sentence: str) -> bool:
    return bool(_INSTRUCTION.search(sentence))


def is_tainted(passage: str) -> bool:
    return is_instruction_like(passage) or bool(_FORGERY.search(passage))
