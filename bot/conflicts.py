"""Sources that disagree: different values for one quantity across passages about one story.

A quantity is a number next to the word that says what it counts ("a toll of nine dead",
"turnout was 61 percent", "42 people were killed"). Sentences are compared only within one
kind (deaths, injured, turnout, …) and only when they are about the question's subject; two
sentences giving different numbers of the same kind are a conflict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.answering.syntax import counted_noun
from bot.temporal import NUMBER_WORDS

# kind → words that, near a number, say the number counts it.
KINDS: dict[str, tuple[str, ...]] = {
    "deaths": ("dead", "killed", "died", "deaths", "death toll", "toll", "fatalities",
               "lives", "bodies"),
    "injured": ("injured", "wounded", "hurt", "injuries"),
    "turnout": ("turnout",),
    "arrests": ("arrested", "arrests", "detained"),
    "evacuated": ("evacuated", "displaced", "homeless"),
    "missing": ("missing",),
}
# Kinds named by a word that also goes with the specific kinds ("12 people were killed"):
# used only when no specific kind is near the number.
GENERIC: dict[str, tuple[str, ...]] = {
    "crowd": ("people", "protesters", "demonstrators", "marchers", "attendees",
              "participants", "spectators", "crowd", "fans", "supporters"),
}
# How the question names each kind (what it asks about).
ASKS: dict[str, tuple[str, ...]] = {
    "deaths": ("died", "dead", "killed", "death", "toll", "deaths", "die", "fatalities"),
    "injured": ("injured", "wounded", "hurt", "injuries"),
    "turnout": ("turnout", "voted", "vote"),
    "arrests": ("arrested", "arrests", "detained"),
    "evacuated": ("evacuated", "displaced"),
    "missing": ("missing",),
    "crowd": ("attended", "marched", "protested", "rallied", "gathered", "crowd",
              "attendance", "joined", "demonstrated", "took part"),
}
_NUM = (r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|"
        + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")")
_NUMBER = re.compile(r"\b" + _NUM + r"(?P<pct>\s*(?:%|percent|per\s+cent))?", re.IGNORECASE)
# How far (characters) a kind word may sit from its number: "nine dead" · "toll … at nine".
NEAR = 40
# How many words after a number its counted noun may stand: "71 of its radiographers".
COUNTED_REACH = 3


@dataclass(frozen=True)
class Value:
    kind: str
    value: float
    text: str  # the number as written ("nine", "61 percent")
    noun: str = ""  # the counted noun written right after it ("hours" of "4,100 hours")

    @property
    def shown(self) -> str:
        return f"{self.text} {self.noun}" if self.noun else self.text


def _as_number(raw: str) -> float:
    raw = raw.casefold().replace(",", "")
    return float(NUMBER_WORDS[raw]) if raw in NUMBER_WORDS else float(raw)


def values(sentence: str, kinds: dict[str, tuple[str, ...]] | None = None,
           adjacent: bool = False) -> list[Value]:
    """Every counted quantity in the sentence, with its kind (of ``kinds``, default KINDS).
    ``adjacent``: a number followed by a noun of its own counts the kind only when the
    kind's noun is among its next ``COUNTED_REACH`` words ("118 radiographers"), not "240
    outpatient scans after radiographers began" nor "a radiographer for 22 years"; one
    followed by no noun ("found 297, because…", "71 of its radiographers") is read as
    before, by the words near it."""
    kinds = kinds or KINDS
    low = sentence.casefold()
    out: list[Value] = []
    for m in _NUMBER.finditer(sentence):
        before = low[max(0, m.start() - NEAR) : m.start()]
        after = low[m.end() : m.end() + NEAR]
        # A year or a day of the month is no count.
        raw = m.group("num")
        if re.fullmatch(r"(?:19|20)\d\d", raw) or re.match(
                r"\s*(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", after) or re.search(
                r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*$", before):
            continue
        # The count is of what follows it first ("nine dead and thirty injured").
        after_words = re.split(r"\b(?:and|but|while|;)\b", after)[0]
        following = after.split()[:COUNTED_REACH]
        if adjacent and _names_own_noun(following) and not _kind(" ".join(following), kinds):
            continue  # "240 outpatient scans", "for 22 years": the number counts another noun
        kind = (_kind(after_words, kinds) or _kind_before(before, kinds)
                or (_kind(after_words, GENERIC) or _kind_before(before, GENERIC)
                    if kinds is KINDS else None))
        if kind is None:
            continue
        try:
            number = _as_number(raw)
        except ValueError:
            continue
        # "4,100 hours", not "4,100": the noun it counts, where it follows the number.
        noun = following[0].strip(_EDGE) if following else ""
        out.append(Value(kind, number, m.group(0).strip(),
                         noun if noun in kinds.get(kind, ()) else ""))
    return out


# Punctuation and quote marks at a word's edges.
_EDGE = ".,;:!?\"'“”‘’()"


def _names_own_noun(following: list[str]) -> bool:
    """The number is followed by a noun of its own ("scans", "outpatient scans", "years"),
    not by a word that leaves what it counts to the words around it ("found 297, because",
    "71 of its", "130 people could lose their jobs")."""
    if following and following[0].startswith("-"):
        return True  # "a 48-hour strike", "a 78-year-old": the number describes a noun
    # "answering 999 calls," she said: the quote mark is no part of the noun.
    first = following[0].strip(_EDGE) if following else ""
    return first.isalpha() and first not in _LEAVES_IT


# Words after a number that do not say what it counts: function words, verbs of being,
# and people, who are whatever the sentence goes on to say they are.
_LEAVES_IT = frozenset("""of and or but while because in on at to for from by with as than
    per percent were was are is had have has could would will may might should can did do
    people workers staff employees members residents more fewer less other others who which
    that this these those""".split())


def _kind(window: str, kinds: dict[str, tuple[str, ...]]) -> str | None:
    for kind, words in kinds.items():
        if any(re.search(r"\b" + re.escape(w) + r"\b", window) for w in words):
            return kind
    return None


def _kind_before(window: str, kinds: dict[str, tuple[str, ...]]) -> str | None:
    """The kind named closest before the number ("turnout in X was 61 percent")."""
    best: tuple[int, str] | None = None
    for kind, words in kinds.items():
        for w in words:
            for m in re.finditer(r"\b" + re.escape(w) + r"\b", window):
                if best is None or m.end() > best[0]:
                    best = (m.end(), kind)
    return best[1] if best else None


def asked_kinds(question: str) -> list[str]:
    low = question.casefold()
    return [k for k, words in ASKS.items()
            if any(re.search(r"\b" + re.escape(w) + r"\b", low) for w in words)]


_HOW_MANY = re.compile(r"\bhow\s+many\s+(?:more\s+)?(?P<noun>[a-z][a-z-]{2,})", re.IGNORECASE)
_NOT_COUNTED = frozenset("people were are was is did do does have has times".split())


def asked_count(question: str) -> tuple[str, tuple[str, ...]] | None:
    """"How many ships …?" → ("number of ships", ("ships", "ship")): a kind of its own for
    a count the fixed kinds do not name."""
    if not _HOW_MANY.search(question):
        return None
    noun = counted_noun(question)
    if noun is None or noun in _NOT_COUNTED:
        return None
    forms = {noun, noun[:-1] if noun.endswith("s") else noun + "s"}
    if noun.endswith("ies"):
        forms.add(noun[:-3] + "y")
    return f"number of {noun}", tuple(sorted(forms))


@dataclass(frozen=True)
class Claim:
    """One passage's value for the quantity, with where it came from."""

    key: int  # the caller's id for the sentence (its index)
    value: Value


def disagreeing(claims: list[Claim]) -> list[Claim] | None:
    """One claim per distinct value, first seen first, when there are two or more values."""
    seen: dict[float, Claim] = {}
    for c in claims:
        seen.setdefault(c.value.value, c)
    return list(seen.values()) if len(seen) > 1 else None
