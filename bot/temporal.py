"""Resolving relative date phrases ("on Monday", "yesterday", "Sept. 27") against the
publish date of the article that contains them."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import dateparser

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december"]
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY_RE = re.compile(
    r"\b(?:(?P<mod>last|this|next|on|early|late)\s+)?(?P<day>"
    + "|".join(WEEKDAYS)
    + r")(?:\s+(?:morning|afternoon|evening|night))?\b",
    re.IGNORECASE,
)
_RELATIVE_RE = re.compile(
    r"\b(?P<word>yesterday|today|tonight|tomorrow|last night|this morning|this week|"
    r"last week|(?P<n>\d{1,2}|one|two|three|four|five|six|seven) days ago)\b",
    re.IGNORECASE,
)
_ABSOLUTE_RE = re.compile(
    r"\b(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTHS + r"|" + _MONTHS
    + r"\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?)(?:,?\s+(?P<y>\d{4}))?\b",
    re.IGNORECASE,
)
# Spelled-out numbers news copy uses ("two weeks ago", "nine dead"), shared by the answerers.
NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}


@dataclass(frozen=True)
class ResolvedDate:
    phrase: str
    start: int
    end: int
    day: date
    relative: bool  # True when the phrase needed the publish date to mean anything

    def label(self) -> str:
        return format_day(self.day)


def format_day(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()].capitalize()} {day.day} {day.strftime('%B %Y')}"


# "will open on Monday", "is due to start on Friday": a weekday the copy looks ahead to,
# unless the weekday is when something was said.
# "said on Monday", "told reporters on Friday": when it was said, whatever tense follows.
_SAID_ON = re.compile(r"\b(?:said|says|told \w+|announced|confirmed|reported|added|stated|"
                      r"warned)\s+(?:on\s+)?$", re.I)


def said_on(text: str, at: int) -> bool:
    """Is the date phrase at ``at`` the day something was said ("officials said on Monday")?"""
    return bool(_SAID_ON.search(text[max(0, at - 40) : at]))


def _looks_ahead(text: str, at: int) -> bool:
    if said_on(text, at):
        return False
    # "said the runway would reopen on 9 June": the future as reported speech tells it.
    return _cue_stands(_AHEAD, _clause_before(text, at))


def _clause_before(text: str, at: int) -> str:
    """The words of the date's own clause before it (at most 120 characters)."""
    return re.split(r"[.;:]\s", text[max(0, at - 120) : at])[-1]


def _cue_stands(cue: re.Pattern[str], clause: str) -> bool:
    """The clause holds ``cue`` and no verb told in the past after its last one."""
    found = list(cue.finditer(clause))
    return bool(found) and not _told_in_past(clause[found[-1].end():])


_AHEAD = re.compile(r"\b(?:will|shall|won't|'ll|would|(?:is|are) (?:due|expected|scheduled|"
                    r"set|planned) to|plans? to|is to|are to|(?:is|are) due(?: on| by| in)?|"
                    r"next)\b", re.I)
# Words before which a past participle is no past verb: "will be closed", "will stay shut".
_BEFORE_PARTICIPLE = frozenset("be been being is are was were stay stays remain remains get "
                               "got have has had will would to".split())


def _told_in_past(words_after: str) -> bool:
    """A verb in the past tense between the future word and the date: "will stay closed
    until Monday after the roof collapsed in the early hours of Tuesday" dates the
    collapse, which has happened."""
    words = re.findall(r"[A-Za-z']+", words_after)
    return any(w.lower().endswith("ed") and len(w) > 4 and i
               and words[i - 1].lower() not in _BEFORE_PARTICIPLE
               for i, w in enumerate(words))


# "voted on Wednesday to close the glasshouse on 30 April": what someone means to do is
# ahead of them. A verb after "to" with its object's article after it, not "to the", "to
# work", "to two years".
_INTENT = re.compile(r"\bto (?!(?:the|a|an|be|its|their|his|her)\b)[a-z]+ (?:the|a|an|its|"
                     r"their|his|her|all|every)\b", re.I)
# How far back a yearless date's past reading may be before a verb of intent moves it ahead:
# half a year. Nearer, "went to see the doctor on 3 May" in May's paper is the past May.
_FAR_BEHIND = timedelta(days=183)


def _intended(text: str, at: int, day: date, published: date) -> bool:
    """A yearless date after a verb of intent, whose past reading is half a year or more
    before the story: the coming one."""
    return published - day >= _FAR_BEHIND and _cue_stands(_INTENT, _clause_before(text, at))


def _in_years(day: date, years: Iterable[int]) -> list[date]:
    """``day`` in each of ``years`` that has it (29 February only in leap years)."""
    out = []
    for y in years:
        with contextlib.suppress(ValueError):
            out.append(day.replace(year=y))
    return out


def _next_on_or_after(day: date, published: date) -> date:
    """A date written without its year in a sentence that looks ahead ("is due on 30
    October", "will reopen on 2 March") is the next one on or after the publish date, not
    the last one before it."""
    return next((d for d in _in_years(day, (published.year, published.year + 1))
                 if d >= published), day)


def _year_of_weekday(day: date, weekday: int, published: date) -> date:
    """"on Monday, 19 October" in a story without the year: the year, of the one before, the
    story's own and the one after, nearest the story in which that date is that weekday."""
    fits = [d for d in _in_years(day, range(published.year - 1, published.year + 2))
            if d.weekday() == weekday]
    return min(fits, key=lambda d: abs(d - published)) if fits else day


def _weekday(published: date, target: int, mod: str) -> date:
    back = (published.weekday() - target) % 7
    # "is holding a free event this Saturday": "this" names the week's coming one, as
    # "last" names the one before; a past one is "on Saturday" or "last Saturday".
    if mod in ("coming", "this"):
        return published + timedelta(days=(target - published.weekday()) % 7)
    if mod == "next":
        return published + timedelta(days=(target - published.weekday()) % 7 or 7)
    if mod == "last" and back == 0:
        back = 7
    # News style: a weekday named in copy is the most recent one, the publish day itself
    # included ("said on Wednesday" in Wednesday's paper means that day).
    return published - timedelta(days=back)


# A weekday that recurs: "every Thursday", "each Monday".
_EVERY = re.compile(r"\b(?:every|each)\s+$", re.I)


def resolve_dates(text: str, published_at: datetime | date | None) -> list[ResolvedDate]:
    """Every date phrase in ``text`` with the calendar day it means, in text order.

    Without a publish date only absolute dates with a year can be resolved.
    """
    pub = published_at.date() if isinstance(published_at, datetime) else published_at
    found: list[ResolvedDate] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match[str], day: date, relative: bool) -> None:
        if any(s < m.end() and m.start() < e for s, e in taken):
            return
        taken.append((m.start(), m.end()))
        found.append(ResolvedDate(m.group(0), m.start(), m.end(), day, relative))

    for m in _ABSOLUTE_RE.finditer(text):
        year = m.group("y")
        if not year and pub is None:
            continue
        base = datetime(pub.year, pub.month, pub.day) if pub else datetime(2000, 1, 1)
        parsed = dateparser.parse(
            m.group(0),
            languages=["en"],
            settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past",
                      "PREFER_DAY_OF_MONTH": "first"},
        )
        if parsed:
            day = parsed.date()
            named = _WEEKDAY_BEFORE.search(text, 0, m.start())
            if named:
                # "on Saturday 6 December": the weekday is the date's own, not a day of the
                # story's week (the weekday pass below skips what is taken).
                taken.append((named.start(), m.start()))
            if not year and pub is not None and named:
                day = _year_of_weekday(day, WEEKDAYS.index(named.group(1).lower()), pub)
            elif not year and pub is not None and (
                    _looks_ahead(text, m.start()) or _intended(text, m.start(), day, pub)):
                day = _next_on_or_after(day, pub)
            add(m, day, not year)
    if pub is not None:
        for m in _WEEKDAY_RE.finditer(text):
            if _EVERY.search(text, 0, m.start()):
                continue  # "a weekly market every Thursday" is no day
            mod = (m.group("mod") or "").lower()
            if not mod or mod == "on":
                mod = "coming" if _looks_ahead(text, m.start()) else mod
            add(m, _weekday(pub, WEEKDAYS.index(m.group("day").lower()), mod), True)
        for m in _RELATIVE_RE.finditer(text):
            word = m.group("word").lower()
            if m.group("n"):
                n = m.group("n").lower()
                days = -int(NUMBER_WORDS.get(n, n) if not n.isdigit() else n)
            else:
                days = {"yesterday": -1, "last night": -1, "tomorrow": 1, "last week": -7}.get(
                    word, 0
                )
            add(m, pub + timedelta(days=days), True)
    found.sort(key=lambda r: r.start)
    return found


# The weekday written just before a date it names: "Saturday 6 December", "Monday, 3 March".
_WEEKDAY_BEFORE = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\s*,?\s*$", re.I)
_MONTH_REL = re.compile(r"\b(?P<mod>last|this|next) month\b", re.I)
# "hopes to reopen next March", "will reopen in March": a month named without a day or a
# year is the one the story's date points to. Capitalised only: "in may" is no month.
_MONTH_NAMED = re.compile(r"\b(?P<mod>(?i:last|next|in|by|until|from)) (?P<month>"
                          + "|".join(m.capitalize() for m in MONTH_NAMES)
                          + r")\b(?!\s*(?:\d|,\s*\d))")


def _named_month(mod: str, month: int, pub: date) -> date:
    """The first day of the month "next March" / "will reopen in March" means in a story of
    ``pub``: "last" the last one before the story's month, "next" the first after it, and
    "in" / "by" / "until" (told looking ahead) the coming one, the story's own month
    included."""
    mod = mod.lower()
    year = pub.year
    if mod != "last":
        if month < pub.month or (mod == "next" and month == pub.month):
            year += 1
    elif month >= pub.month:
        year -= 1
    return date(year, month, 1)


def resolve_months(text: str, published_at: datetime | date | None
                   ) -> list[tuple[int, int, str, date]]:
    """"next month", "last month", "this month", "next March", "in March" as the month they
    mean: (start, end, "December 2025", its first day). Kept apart from ``resolve_dates``,
    whose every phrase is a day."""
    if published_at is None:
        return []
    pub = published_at.date() if isinstance(published_at, datetime) else published_at
    out = []
    for m in _MONTH_REL.finditer(text):
        step = {"last": -1, "this": 0, "next": 1}[m.group("mod").lower()]
        index = pub.year * 12 + pub.month - 1 + step
        month = date(index // 12, index % 12 + 1, 1)
        out.append((m.start(), m.end(), month.strftime("%B %Y"), month))
    for m in _MONTH_NAMED.finditer(text):
        if m.group("mod").lower() not in ("next", "last") and not _looks_ahead(text, m.start()):
            # "found problems in April": a past month in passing is seldom what is asked,
            # and would date every sentence that mentions one.
            continue
        month = _named_month(m.group("mod"), MONTH_NAMES.index(m.group("month").lower()) + 1,
                             pub)
        out.append((m.start(), m.end(), month.strftime("%B %Y"), month))
    out.sort()
    return out


def annotate(text: str, published_at: datetime | date | None) -> str:
    """``text`` with each relative date followed by its day: "on Monday [= 2020-10-12]"."""
    out, pos = [], 0
    for r in resolve_dates(text, published_at):
        if not r.relative:
            continue
        out.append(text[pos : r.end])
        out.append(f" [= {r.day.isoformat()}]")
        pos = r.end
    out.append(text[pos:])
    return "".join(out)
