"""Quiz phrasing newsbot's readers do not serve: RealTime QA's fill-in-the-blank questions
("… the jackpot ballooned to:"). Nobody asks a news bot that way, so the product has no rule
for it; the eval harness fills the blank from the sentence the answer cites."""

from __future__ import annotations

import re

from bot.answer import Answer
from bot.answering.question import STOPWORDS, analyse, asking_sentence, stem
from bot.answering.spans import measured, numbers

_WORD = re.compile(r"[\w’'$€£¥%.,-]*\w[%]?|[$€£¥]\S+")
# Where a continuation stops: punctuation that closes the phrase, or a word that opens a
# new clause.
_CLAUSE_END = re.compile(r"[;:!?()“”\"—–]|,\s|\.(?:\s|$)")
_CLAUSE_WORDS = frozenset(
    "after as when while because since which that who whom whose where and but or if "
    "though although before until so than according said says by".split()
)
BLANK_MAX_WORDS = 8
# A blank asking for a figure: "will cost:", "He measures:", "the jackpot rose to:".
_BLANK_MEASURE = re.compile(r"\b(?:costs?|price|worth|measures?|weighs?|totals?|amount|"
                            r"rose|fell|reached|ballooned|grew|dropped)\b", re.I)
_AGE_AFTER = re.compile(r"[- ]years?[- ]old\b")  # "two-year-old": an age, not a measure


def is_blank(question: str) -> bool:
    return asking_sentence(question).rstrip().endswith(":")


def continuation(sentence: str, question: str) -> str | None:
    """The words that follow the question's own last words in ``sentence``:
    "...ballooned to:" + "the jackpot ballooned to $1.02 billion after..." -> "$1.02 billion".
    Tries the longest tail of the question first; a tail must hold a content word."""
    q_words = [w.lower() for w in re.findall(r"[\w’']+", question)]
    s_words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(sentence)]
    s_stems = [stem(w.strip(".,")) for _, _, w in s_words]
    for n in range(min(5, len(q_words)), 0, -1):
        tail = q_words[-n:]
        if all(w in STOPWORDS for w in tail):
            continue
        tail_stems = [stem(w) for w in tail]
        for i in range(len(s_stems) - n):
            if s_stems[i : i + n] != tail_stems:
                continue
            start = s_words[i + n][0]
            rest = sentence[start:]
            end = _CLAUSE_END.search(rest)
            rest = rest[: end.start()] if end else rest
            words = rest.split()
            for j, w in enumerate(words):
                if j and w.lower() in _CLAUSE_WORDS:
                    words = words[:j]
                    break
            text = " ".join(words[:BLANK_MAX_WORDS]).rstrip(".,")
            if text and not all(w.lower() in STOPWORDS for w in words):
                return text
    return None


def blank_span(sentence: str, question: str) -> str | None:
    """What fills the blank from one sentence: the words after the question's last words,
    or, for a blank asking for a figure worded otherwise ("the cost to rebuild Ukraine will
    be:" / "rebuilding will cost $750 billion"), the sentence's first measured figure."""
    got = continuation(sentence, question)
    if got is None and _BLANK_MEASURE.search(asking_sentence(question)):
        nums = [n for n in measured(numbers(sentence, analyse(question)))
                if not _AGE_AFTER.match(sentence[n[1]:])]
        got = nums[0][2] if nums else None
    return got


def quiz_span(question: str, answer: Answer) -> str | None:
    """The span a quiz blank is scored on, from the sentences the answer cites."""
    if not is_blank(question):
        return None
    return next((s for c in answer.citations if (s := blank_span(c.quote, question))), None)
