"""Short answers inside a sentence: a date for "when", a name for "who", a number for
"how many". Candidates near the words the question matched rank first."""

from __future__ import annotations

import re
from datetime import datetime

from bot.answering.question import (
    INSTITUTION_HEADS,
    PLACE_TYPE,
    STOPWORDS,
    QuestionInfo,
    answer_type,
    asking_sentence,
    stem,
    term_set,
    token_spans,
    word_terms,
)
from bot.answering.syntax import event_arguments, event_values
from bot.temporal import NUMBER_WORDS, WEEKDAYS, resolve_dates, resolve_months, said_on

# A capitalised word; hyphenated parts may be lower-case inside ("Chick-fil-A") but the
# word must end capitalised, so "Russian-mediated" stays out.
_CAP_WORD = r"[A-Z][\w’'.&]*(?:(?:-[a-z]+)*-[A-Z][\w’'.]*)*"
# Words of one name are on one line: a caption ("Getty Images") or a heading above the
# sentence is not the start of the name below it.
_NAME = re.compile(
    rf"(?<![\w’'-])(?:{_CAP_WORD})"
    r"(?:[^\S\n]+(?:(?:of|the|de|del|al|bin|van|von|da|and|for|le|la|&)[^\S\n]+)?"
    rf"(?:{_CAP_WORD}|\d+))*"
)
# Titles of films, books, shows and songs are quoted in news copy.
# A quote mark after a letter is an apostrophe ("what's"), and one between letters inside the
# quote is too ("'Don't Look Up'").
_IN_QUOTE = r"(?:[^“”\"‘’']|(?<=\w)['’](?=\w))"
_QUOTED = re.compile(rf"(?<!\w)[“\"‘']([A-Z0-9]{_IN_QUOTE}{{1,60}}?)[”\"’'](?!\w)")
# A question asking for a title: of a work, or a phrase someone used.
TITLE_TYPE = re.compile(r"(?:shows?|series|movies?|films?|songs?|albums?|books?|novels?|"
                        r"paintings?|plays?|podcasts?|musicals?|word|phrase|slogan|title)",
                        re.I)
_QUOTED_ANY = re.compile(rf"(?<!\w)[“\"‘'](\w{_IN_QUOTE}{{1,60}}?)[”\"’'](?!\w)")
# "England's Chloe Kelly": the owner is a modifier of the name that follows.
_POSSESSIVE_PREFIX = re.compile(r"^(?:[A-Z][\w.&-]*\s+)*[A-Z][\w.&-]*[’']s\s+(?=[A-Z])")
_HYPHEN_PREFIX = re.compile(r"(?<![\w’'-])([A-Z][a-z]+)-[a-z]")
# Scale words: a quantity on their own ("hundreds"), but no figure.
_SCALE = r"dozens?|hundreds?|thousands?|millions?|billions?"
_UNITS_WORDS = "one|two|three|four|five|six|seven|eight|nine"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
# "twenty-three", "seventeen", "ninety": the numbers news spells out.
_NUMBER_WORD = (rf"(?:{_TENS})(?:-(?:{_UNITS_WORDS}))?|ten|eleven|twelve|thirteen|fourteen|"
                rf"fifteen|sixteen|seventeen|eighteen|nineteen|{_UNITS_WORDS}")
# A figure run into letters is a time, an ordinal or a name, not an amount: "3pm", "10.40am",
# "20th", "5G", "the 1990s" (hence the look-ahead after the figure).
NUMBER = re.compile(
    r"(?:[$€£¥]\s?)?\b\d(?:[\d,]*\d)?(?:\.\d+)?(?:\s?%|\s?(?:percent|per cent|million|billion|"
    rf"trillion|thousand|bn|m)\b|(?:-[a-z]+)+)?(?![A-Za-z\d]|\.\d)|\b(?:{_NUMBER_WORD}|"
    rf"{_SCALE})\b(?:\s+(?:million|billion|thousand))?",
    re.IGNORECASE,
)


# One figure set against another in so many words: "31 million, well below the 38 million
# reported": a dispute (``DISPUTE``), and in one sentence a turn to another source
# (``shaping._TURN``).
SET_AGAINST = r"(?:well|far|much|considerably)\s+(?:below|above|short of)"
# Words that say a figure is disputed: "put the figure much lower", "put the likely bill far
# higher", "disputed the number".
DISPUTE = re.compile(r"\bput\s+(?:the|its|their)\s+(?:\w+\s+){0,2}(?:figure|number|bill|cost|"
                     r"total|toll|count|estimate)\b|\b(?:much|far|considerably|significantly)\s+"
                     r"(?:higher|lower)\b|\bdisput\w*|\bcontest\w*|\blower figure\b|"
                     r"\bhigher figure\b|"
                     r"\bthe (?:real|true|actual) (?:figure|number|total|toll|cost|bill)\b|"
                     # "The school said its own figure was 9 percent."
                     r"\b(?:its|their|his|her) own (?:figure|estimate|count|number|total)\b|"
                     r"\bdisagree\w*|"
                     # "said that figure was exaggerated", "well below the figure reported"
                     r"\bexaggerat\w*|\boverstat\w*|\bunderstat\w*|\binflated\b|"
                     rf"\b{SET_AGAINST}\b|"
                     r"\bput the (?:figure|number|total|toll) at\b|\b(?:as high|as low) as\b",
                     re.I)


def figure_of(span: str) -> tuple[str, str] | None:
    """A figure's value and its unit class ("money", "percent", "count"), to tell whether two
    figures measure the same thing and differ: "2,300" and "about 1,400 workers" do."""
    value = _value_of(span)
    if value is None:
        return None
    low = span.lower()
    unit = ("percent" if _SHARE.search(low)
            else "money" if _MONEY.search(low) else "count")
    scale = m.group() if (m := re.search(_SCALE, low)) else ""
    return f"{value.replace(',', '')} {scale}".strip(), unit


def _value_of(figure: str) -> str | None:
    """The number a figure starts with, as digits: "nine people" -> "9", "$5.02" -> "5.02"."""
    m = _DIGITS.search(figure)
    if m:
        return m.group()
    v = number_value(figure.split()[0])
    return None if v is None else str(v)


def same_answer(a: str, b: str) -> bool:
    """Do two readers' short answers name the same thing? The shorter one's every number
    is in the longer, and at least half its words: "Monday 12 May 2025" and "12 May",
    "Ruth Castellan" and "Castellan", "4,200 passengers" and "4,200" agree; "Saturday 2
    August 2025" and "Sunday 3 August 2025" do not."""
    def words(text: str) -> list[str]:
        out = []
        for w in re.findall(r"[\w’'.-]+", text.lower().replace(",", "")):
            w = w.strip(".'’-")
            value = number_value(w)
            if w and w not in STOPWORDS:
                out.append(str(value) if value is not None else w)
        return out

    short, long = sorted((words(a), words(b)), key=len)
    if not short:
        return False
    numbers = [w for w in short if w[0].isdigit()]
    return (all(n in long for n in numbers)
            and 2 * sum(w in long for w in short) >= len(short))


def number_value(word: str) -> int | None:
    """"nine" -> 9, "twenty-three" -> 23; None for anything else."""
    low = word.lower()
    if low in NUMBER_WORDS:
        return NUMBER_WORDS[low]
    tens, _, unit = low.partition("-")
    names = _TENS.split("|")
    if tens in names and (not unit or unit in NUMBER_WORDS):
        return 20 + 10 * names.index(tens) + (NUMBER_WORDS[unit] if unit else 0)
    return None
_DIGITS = re.compile(r"\d[\d,.]*\d|\d")
# Not the "cent" of "per cent".
_UNITS_OF_MONEY = r"dollars?|euros?|pounds?|yuan|yen|(?<!per )cents?|pence"
CURRENCY = re.compile(rf"[$€£¥]|\b(?:{_UNITS_OF_MONEY})\b", re.I)
_MONEY = re.compile(rf"[$€£¥%]|\b(?:percent|per cent|{_UNITS_OF_MONEY})\b", re.I)
_SHARE = re.compile(r"%|\bper ?cent\b", re.I)
# A scale word with no figure before it: "several million pounds" names no sum.
_VAGUE = re.compile(rf"(?:{_SCALE})\b\D*$", re.I)
_MONTH_NAME = (r"(?:January|February|March|April|May|June|July|August|September|October|"
               r"November|December)")
_MONTH_YEAR = re.compile(rf"\b(?:(?:early|mid|late)[- ])?(?:(?:{_MONTH_NAME}|spring|summer|"
                         r"autumn|winter)\s+(?:of\s+)?)?(?:1[6-9]|20)\d\d\b")
_DAY_AFTER = re.compile(rf"(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_NAME}\b")
_DAY_BEFORE = re.compile(rf"\b{_MONTH_NAME}\s+$")
# "raised from 15 percent to 25 percent": the figure after "from" is the old value.
_FROM_TO = re.compile(r"\bfrom\s+(?:about\s+|around\s+|roughly\s+)?$", re.I)
# Not "from" a time: "What will a cremation cost from July?" asks the new charge.
_ASKS_OLD = re.compile(rf"\bfrom\b(?!\s+(?:next|this|the start|the end|now|then|today|"
                       rf"tomorrow|\d|{_MONTH_NAME}|{'|'.join(WEEKDAYS)}))|"
                       r"\b(?:before|previous(?:ly)?|used to|old|original(?:ly)?|"
                       r"former(?:ly)?|until now|had been)\b", re.I)
# "a 4-0 defeat", "drew 2-2": a match score.
_SCORE = re.compile(r"\b\d{1,2}[-–]\d{1,2}\b")
def asks_scoreline(info: QuestionInfo) -> bool:
    """"What was the score?": a scoreline ("4-0") is the only answer, and its own form says
    what it is."""
    return bool(_ASKS_SCORELINE.search(info.text))


_ASKS_SCORELINE = re.compile(r"\b(?:the|final|half-time|full-time)\s+score\b|\bscoreline\b",
                             re.I)
_ASKS_YEAR = re.compile(r"\b(?:what|which)\s+year\b", re.I)
_YEAR = re.compile(r"\b(?:1[6-9]|20)\d\d\b")
_ASKS_SCORE = re.compile(r"\b(?:score|scoreline|result)\b", re.I)
_ASKS_TALLY = re.compile(r"\bwhat (?:was|is) the (?:final )?(?:vote|tally|margin)\b|"
                         r"\bhow (?:did|many) .*\bvot", re.I)


def asks_tally(info: QuestionInfo) -> bool:
    """"What was the vote on the plan?": a tally is asked, not a name."""
    return info.kind in ("which", "other") and bool(_ASKS_TALLY.search(info.text))


AGE = re.compile(r"\b(\d{1,3})[- ]years?[- ]old\b|\b(?:aged?|at age)\s+(\d{1,3})\b", re.I)
_NOT_NAMES = {w.capitalize() for w in WEEKDAYS} | {
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Sept", "Oct", "Nov", "Dec", "Jan", "Feb", "Aug",
    "Mr", "Mrs", "Ms", "Dr", "He", "She", "They", "It", "We", "I", "But", "And", "The", "A",
    "In", "On", "At", "As", "For", "This", "That", "However", "Meanwhile", "After", "Before",
    # Sentence openers that are capitalised only because they open the sentence.
    "Now", "Still", "Also", "Then", "Though", "Although", "While", "When", "If", "Yet", "So",
    "Earlier", "Later",
}


def wants_title(info: QuestionInfo) -> bool:
    """Does the question ask for a title or a phrase ("which show", "what word")?"""
    wanted = answer_type(info.text)
    return bool(wanted and TITLE_TYPE.fullmatch(wanted.split()[-1]))


def _term_positions(sentence: str, info: QuestionInfo) -> list[tuple[int, int]]:
    terms = set(info.terms)
    return [
        m.span() for m in re.finditer(r"[\w’'-]+", sentence)
        if stem(m.group()) in terms or any(stem(p) in terms for p in m.group().split("-"))
    ]


def _gap(a: tuple[int, int], start: int, end: int) -> int:
    """Characters between a question word and a span: "on Tuesday after they were ordered
    to leave on Monday" puts Monday nearer "ordered" than Tuesday, counted from the word's
    end as well as its start."""
    return max(0, start - a[1], a[0] - end)


def _closest(cands: list[tuple[int, int, str]], anchors: list[tuple[int, int]]) -> str | None:
    """Pick the candidate nearest the matched question words (earliest if none matched)."""
    if not cands:
        return None
    if not anchors:
        return cands[0][2]

    def dist(c: tuple[int, int, str]) -> int:
        return min(_gap(a, c[0], c[1]) for a in anchors)

    return min(cands, key=dist)[2]


def _in_question(text: str, info: QuestionInfo) -> bool:
    words = [stem(w) for w in re.findall(r"[\w’']+", text) if w.lower() not in STOPWORDS]
    if words and all(w in info.terms for w in words):
        return True
    # An acronym the question already uses, however it is dotted ("U.S." for "US"); "US" is
    # a stopword to the term list ("us"), so it is compared letter by letter here.
    letters = text.replace(".", "").lower()
    return len(letters) <= 4 and letters in {
        t.replace(".", "").lower() for t in re.findall(r"[A-Z][\w.]*", info.text)}


_EDGE_CONNECTORS = frozenset({"of", "the", "and", "for", "de", "al"})


def _without_question_words(text: str, info: QuestionInfo) -> str:
    """A name without the leading words the question already says: they are its premise
    ("which late Supreme Court Justice" - "Supreme Court Justice Ruth Bader Ginsburg" ->
    "Ruth Bader Ginsburg"). Trailing ones stay: "Yosemite National Park" is how the answer to
    "which national park" is written."""
    words = text.split()
    # Scraped captions repeat a name ("Serena Williams Williams", "Serena Williams Serena
    # Williams").
    half = len(words) // 2
    if half and len(words) % 2 == 0 and words[:half] == words[half:]:
        words = words[:half]
    while len(words) > 1 and words[-1] == words[-2]:
        words.pop()
    lo = 0
    while lo < len(words) - 1 and (words[lo].lower() in _EDGE_CONNECTORS
                                   or _in_question(words[lo], info)):
        lo += 1
    if lo and words[-1] in INSTITUTION_HEADS:
        # "Marrowgate Borough Council" for a question about Marrowgate's planning chief:
        # the question's own place with an institution after it is the question's
        # institution, not a name it asks for.
        return ""
    return " ".join(words[lo:])


# A building or institution named after someone: "St Ebba's Church", "Guy's Hospital".
_NAMED_BUILDING = re.compile(r"(?:[A-Z][\w’'-]*\s+)*(?:Church|Chapel|Cathedral|Abbey|Hospital|"
                             r"School|College|Academy|Park|Hall|House|Market|Square|Gate|"
                             r"Well|Wharf|Yard|Field|Lane|Street|Road)")


def names(sentence: str, info: QuestionInfo) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    # A quoted phrase is a title or someone's words, never a place.
    titles = ([(q.start(1), q.end(1)) for q in _QUOTED_ANY.finditer(sentence)]
              if info.kind == "where" else [])
    for m in _NAME.finditer(sentence):
        if any(s <= m.start() < e for s, e in titles):
            continue
        # A closing quote ends a name: "'The Crown' Season 5" is a title, then more words.
        text = re.split(r"[’'](?=\s)", m.group(), maxsplit=1)[0].rstrip(".’'")
        parts = text.split()
        while parts and parts[0] in _NOT_NAMES:
            parts.pop(0)
        while parts and parts[-1].lower() in _EDGE_CONNECTORS:
            parts.pop()
        text = " ".join(parts).rstrip("’'")
        if text.endswith(("’s", "'s")):
            text = text[:-2]
        owner = _POSSESSIVE_PREFIX.match(text)
        if owner:
            # "North Korea's Kim Jong Un": the owner is a name of its own too. Not the saint
            # or founder a building is named after: "St Ebba's Church" is a church.
            name = owner.group().rstrip()[:-2]
            if (name not in _NOT_NAMES and not _in_question(name, info)
                    and not _NAMED_BUILDING.fullmatch(text[owner.end():])):
                out.append((m.start(), m.start() + len(name), name))
            text = text[owner.end():]
        if (not text or text in _NOT_NAMES or text.lower() in STOPWORDS
                or _in_question(text, info)):
            continue
        if bare := _without_question_words(text, info):
            out.append((m.start(), m.end(), bare))
    # "named “permacrisis” the word of the year": a word asked for is quoted lower-case.
    quoted = _QUOTED_ANY if wants_title(info) else _QUOTED
    for m in quoted.finditer(sentence) if not titles else ():
        text = m.group(1).strip().rstrip(",.")
        if len(text.split()) <= 8 and not _in_question(text, info):
            out.append((m.start(1), m.end(1), text))
    # "Russian-mediated talks": the actor sits in the hyphenated prefix.
    for m in _HYPHEN_PREFIX.finditer(sentence):
        if not _in_question(m.group(1), info) and m.group(1) not in _NOT_NAMES:
            out.append((m.start(1), m.end(1), m.group(1)))
    return sorted(set(out))


def numbers(sentence: str, info: QuestionInfo) -> list[tuple[int, int, str]]:
    out = []
    for m in NUMBER.finditer(sentence):
        text = m.group().strip()
        if re.fullmatch(r"(19|20)\d\d", text) and info.kind == "count":
            continue  # a year is not a count
        if _DAY_AFTER.match(sentence[m.end():]) or _DAY_BEFORE.search(sentence[:m.start()]):
            continue  # "on 3 March", "March 3": the day of a date counts nothing
        if text.lower() == "one" and _ONE_AS_PRONOUN.search(sentence[:m.start()]):
            continue  # "every one of the clock's 312 parts", "the one that failed"
        # Keep the counted noun: "nine people", "33 others"; a unit already says what
        # ("9%", "$10,000", "25-gigabits-per-second").
        tail = re.match(r"\s+([a-z]+)", sentence[m.end() :])
        has_unit = bool(re.search(r"[$€£¥%]", text)
                        or (text[0].isdigit() and re.search(r"-[a-z]+$", text)))
        if tail and tail.group(1) not in STOPWORDS and not has_unit:
            text = f"{text} {tail.group(1)}"
        out.append((m.start(), m.end(), text))
    return out


NOUN_WEIGHT = 0.4
OPENING_WORD = 0.7
NOT_LOCATIVE = 0.6
HOLDS_QUESTION_NAME = 0.5
LOCATIVE = re.compile(r"\b(?:in|at|near|from|to|into|across|off|outside|inside)\s+(?:the\s+)?$",
                       re.I)
# "in the market town of Caddon", "the village of Upper Brinsley".
_PLACE_OF = re.compile(r"\b(?:town|village|city|port|county|district|region|suburb|island|"
                       r"province|state|borough|hamlet)\s+of\s+$", re.I)


def written_as_place(short: str, sentence: str) -> bool:
    """The sentence writes ``short`` as a place: after "in", "at", "near" and the like
    ("arrested in Kessling", "talks at the offices of…"), or as a town's or village's name;
    not "Fellway Infrastructure, which owns the track" or "employed by Calderwick Transit"."""
    return any(LOCATIVE.search(sentence[max(0, m.start() - 12):m.start()])
               or _PLACE_OF.search(sentence[max(0, m.start() - 30):m.start()])
               or _PART_OF.search(sentence[max(0, m.start() - 40):m.start()])
               for m in re.finditer(re.escape(short), sentence))


# "at the offices of the Workplace Conciliation Service", "on the edge of Upper Sowerham".
_PART_OF = re.compile(r"\b(?:in|at|on|near|outside|inside)\s+(?:the\s+)?(?:[\w’'-]+\s+){1,2}"
                     r"of\s+(?:the\s+)?$", re.I)


# "Iranian lawmakers": a people's name says where as well as a preposition does.
_DEMONYM = re.compile(r"(?:[A-Z][a-z]+\s)?[A-Z][a-z]+(?:ian|ean|ese|ish|an)s?")
_OPEN_QUOTES = {"“", '"', "‘", "'"}
QUOTED_TITLE = 2.0


def as_count(text: str, info: QuestionInfo) -> str:
    """A count as the question wants it: digits ("nine" -> "9"), without the noun the
    question already names ("How many months?" -> "6", not "six months")."""
    words = text.split()
    if len(words) > 1 and term_set(words[-1]) & set(info.terms):
        words = words[:-1]
    return " ".join(str(v) if (v := number_value(w)) is not None else w for w in words)


def common_nouns(sentence: str, info: QuestionInfo) -> list[tuple[int, int, str]]:
    """Lower-case content words the question does not use ("soccer", "chess", "euro"):
    the answer to "which sport" is often no name at all."""
    return [
        (m.start(), m.end(), m.group()) for m in re.finditer(r"(?<![\w’'-])[a-z][a-z-]{2,}\b",
                                                             sentence)
        if m.group() not in STOPWORDS and stem(m.group()) not in info.terms
    ]


def name_candidates(sentence: str, info: QuestionInfo,
                    nouns: bool = False) -> list[tuple[str, float]]:
    """Names in ``sentence`` with a closeness weight (1.0 beside a matched question word)
    and a discount for a lone capitalised word opening the sentence ("Similar", "Now").
    With ``nouns``, lower-case words too, at a discount: for typed questions whose type
    check can tell "soccer" from "investigation"."""
    anchors = _term_positions(sentence, info)
    wants_place = info.kind == "where" or bool(PLACE_TYPE.search(info.text))
    title = wants_title(info)
    out = []
    spans = [(s, e, t, 1.0) for s, e, t in names(sentence, info)]
    if nouns:
        spans += [(s, e, t, NOUN_WEIGHT) for s, e, t in common_nouns(sentence, info)]
    for start, end, text, base in spans:
        if anchors:
            dist = min(_gap(a, start, end) for a in anchors)
            weight = 1.0 / (1.0 + dist / 40.0)
        else:
            weight = 0.3
        # A lone capitalised word opening the sentence is often just a word ("Similar");
        # one owning something ("TikTok’s ban") or standing before a comma is a name.
        # (``end`` may already be past an owner's "’s": the text is read after the name.)
        if (start <= 1 and " " not in text
                and not re.match(r"[’']s\b|,", sentence[start + len(text):])):
            weight *= OPENING_WORD
        # "Where": news writes a place after a preposition ("traveling to Camp Hale in
        # Colorado"); the other names in the sentence are who and what.
        if (wants_place and not LOCATIVE.search(sentence[max(0, start - 12) : start])
                and not _DEMONYM.fullmatch(text)):
            weight *= NOT_LOCATIVE
        # "Duchess Meghan" for a question about Meghan's podcast guest: a name holding one
        # the question gives is its subject, not its answer.
        if info.required and any(stem(w) in info.required for w in text.split()):
            weight *= HOLDS_QUESTION_NAME
        # "Which show", "which painting": news quotes titles ("“Succession” earned…").
        if title and sentence[start - 1 : start] in _OPEN_QUOTES:
            weight *= QUOTED_TITLE
        out.append((text, weight * base))
    return out


def novel_span(sentence: str, question: str) -> str | None:
    """The longest run of words a sentence adds to the question. A generated answer echoes
    the question ("The U.S. dollar is nearly equal in value to the euro."), so what it
    adds is the answer, lower-case phrases ("abortion rights", "children under 5") included,
    which no name or number pattern finds. Stopwords may sit inside a run, not at its ends;
    a word of the question ends it ("U.S." is the question's "US")."""
    asked = {stem(w.replace(".", "")) for _s, _e, w in token_spans(question)}
    best: tuple[int, int, int] | None = None  # (new words, start, end)
    run: list[tuple[int, int, bool]] = []  # (start, end, is a stopword)

    def close() -> None:
        nonlocal best
        while run and run[-1][2]:
            run.pop()
        new = sum(not stop for _s, _e, stop in run)
        if new and (best is None or new > best[0]):
            best = (new, run[0][0], run[-1][1])
        run.clear()

    for s, e, word in token_spans(sentence):
        stop = word.lower() in STOPWORDS
        if not stop and stem(word.replace(".", "")) in asked:
            close()
        elif run or not stop:
            run.append((s, e, stop))
    close()
    return sentence[best[1] : best[2]] if best else None


def measured(nums: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Money and measured quantities, not bare numbers; "raised millions" is a scale, not
    the figure asked for."""
    return [n for n in nums if re.search(r"[$€£¥%]|[a-z]", n[2]) and not _VAGUE.match(n[2])]


# "retiring after 16 seasons with the club": sport counts a career in seasons.
_UNITS = (r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?|"
          r"seasons?|centur(?:y|ies))")
_QUANT = (r"(?:\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
          r"twelve|fifteen|twenty|thirty|forty|fifty|several|a few|a couple of|half an?)")
# ("14 months later than planned" is a delay: how long it runs behind.)
_OFFSET = re.compile(r"\s+(?:after|before|ago|(?:later|earlier)(?!\s+than))\b", re.I)
_ASKS_OFFSET = re.compile(r"\b(?:after|before|later|earlier|ago)\b", re.I)
# "four years", "11 hours", "a five-hour debate", "two and a half weeks".
DURATION = re.compile(
    rf"\b(?:(?:more than|nearly|almost|about|around|over|roughly|some)\s+)?{_QUANT}"
    rf"(?:\s+and a half)?(?:\s+|-){_UNITS.replace('s?', '')}s?\b"
    # "the 58-year-old": an age, not a length of time.
    r"(?![- ]old\b)", re.I)
_ONE_AS_PRONOUN = re.compile(r"\b(?:every|each|any|no|the|this|that|which)\s+$", re.I)


# "How long has…": a state still going on, which news dates by its start.
_ASKS_SINCE = re.compile(r"\bhow long (?:has|have)\b", re.I)
_SINCE = re.compile(rf"\bsince (?:(?:early|mid|late)[- ])?(?:\d{{1,2}} )?(?:{_MONTH_NAME} )?"
                    r"(?:1[0-9]|20)\d\d\b")


# "How long is he signed up for?", "How long will the road be shut?": a term that runs to an
# end is told by that end ("a contract running until the end of the 2026-27 season"). Not
# "how long did/has…": what is over is told by its length, what is still going on by its start.
_ASKS_TERM = re.compile(r"\bhow long (?:is|are|will|would)\b", re.I)
_UNTIL = re.compile(
    rf"\buntil (?:at least )?(?:the (?:end|start|beginning|middle) of )?(?:the )?"
    rf"(?:(?:\d{{1,2}} )?{_MONTH_NAME}(?: (?:19|20)\d\d)?|(?:19|20)\d\d(?:[-–/]\d\d)?"
    # "until at least autumn 2026": the season's year is part of the end.
    rf"(?: season)?|(?:next )?(?:spring|summer|autumn|winter)(?: (?:of )?(?:19|20)\d\d)?|"
    rf"(?:next )?(?:season|year)|"
    rf"(?:{'|'.join(d.capitalize() for d in WEEKDAYS)}))\b")


# "How long a ban…", "How long a sentence…": the length of a thing the question names.
_ASKS_LENGTH_OF = re.compile(r"\bhow long an? ([a-z]+)\b", re.I)
# A length is the thing's when the thing is named within about six words of it: "a five-year
# ban", "banned for five years", "a ban of five years".
_BESIDE_CHARS = 40


def length_of_fits(info: QuestionInfo, short: str, sentence: str) -> bool:
    """"How long a ban did the tribunal give him?" asks the ban's length: "given 28 days to
    settle" gives another thing's. A shown length stands beside the thing asked about."""
    of = _ASKS_LENGTH_OF.search(info.text)
    at = sentence.lower().find(short.lower())
    if of is None or at < 0:
        return True
    near = sentence[max(0, at - _BESIDE_CHARS): at + len(short) + _BESIDE_CHARS]
    return bool(term_set(near) & term_set(of.group(1)))


def _plural_duration(text: str) -> str:
    """"eight-day" (a walkout) -> "eight days"; "a five-hour" -> "five hours"."""
    m = re.fullmatch(r"(?:an?\s+)?(.+)-([a-z]+)", text, re.I)
    if not m:
        return text
    quantity, unit = m.groups()
    return f"{quantity} {unit}" if quantity.lower() in ("one", "1") else f"{quantity} {unit}s"


# "How much did it cost?": the answer is money, however many other figures the sentence has.
_ASKS_MONEY = re.compile(r"\b(?:cost|costs|costing|price|paid|pay|paying|pays|spend|spent|"
                         r"spending|worth|budget|fund|"
                         r"funding|fine|fined|salary|raise|raised|earn|earned|charge|fee)\b", re.I)


# "How much is Vessant paying": a sum of money, never a percentage beside it ("a premium of
# 34 percent"). Not the noun "pay" ("How big a pay rise") nor "price" ("By how much did the
# share price drop"): a percentage answers those.
_ASKS_PRICE = re.compile(r"\b(?:paid|paying|pays|cost|costs|costing|spend|spent|spending|"
                         r"worth|"
                         # Sums by their name: "How much debt did the club have?" is
                         # money, never "85 percent" of the shares beside it.
                         r"debts?|loans?|salary|salaries|wages?|compensation|payouts?|ransom|"
                         r"fees?|fines?|rewards?|bonus(?:es)?|damages|bill|"
                         # "How much money has the crowdfunder brought in?"
                         r"money|cash)\b", re.I)
# "in total" asks for the whole sum; "6.20 euros for each share" is a rate, not it.
_ASKS_TOTAL = re.compile(r"\b(?:in total|total|altogether|in all|overall|combined)\b", re.I)
# A price asked per length of time: "for an hour", "per night", "a week".
_ASKS_RATE = re.compile(r"\b(?:for\s+an?|per|an?)\s+(hour|day|night|week|month)\b(?!-)",
                        re.I)
_RATE_ADJECTIVES = {"hour": "hourly", "day": "daily", "night": "nightly", "week": "weekly",
                    "month": "monthly"}
# A figure given per that length of time: "£2.40 an hour", "£42 per month".
_PER_RATE_UNIT = {unit: re.compile(rf"^(?:\s+[a-z]+)?\s+(?:for\s+(?:each|an?|one)|per|each|a|an)"
                                   rf"\s+{unit}\b", re.I) for unit in _RATE_ADJECTIVES}
_PER_UNIT = re.compile(r"^(?:\s+[a-z]+)?(?:\s+in\s+cash)?\s+(?:for\s+each|per|each|a|an)\s+"
                       r"(?:[A-Z][\w’'-]*\s+)?(?:share|day|week|month|year|hour|head|person|"
                       r"worker|employee|ticket|unit|tonne|barrel|litre|night|passenger|"
                       r"household)\b")


# A question about what is still to come: "When will…", "When are they going to…", "When is
# the hearing due?", "When's the next meeting?".
_ASKS_AHEAD = re.compile(r"\b(?:will|shall|going to|(?:is|are) (?:due|set|expected|scheduled|"
                         r"planned) to|(?:is|are) due|next)\b|\bwhen(?:'s|’s| is| are) the "
                         r"(?:next|upcoming|coming)\b|"
                         # "When are union officials meeting the managers?": the present
                         # progressive of an arrangement still to come.
                         r"\bwhen (?:is|are)\b(?: [\w’'-]+){1,5}? \w+ing\b", re.I)


_SAYING = re.compile(r"\b(?:say|said|announce|announced|confirm|confirmed|report|reported|"
                     r"tell|told|state|stated|warn|warned)\b", re.I)


def _event_positions(sentence: str, info: QuestionInfo) -> list[tuple[int, int]]:
    if not info.event:
        return []
    return [m.span() for m in re.finditer(r"[\w’'-]+", sentence)
            if info.event in word_terms(m.group())]


def short_answer(
    sentence: str, info: QuestionInfo, published_at: datetime | None,
    within: list[tuple[int, int]] | None = None,
) -> str | None:
    """The span of the asked type nearest the event asked about, else nearest any of the
    question's words; with ``within``, only a span overlapping one of those ranges (where
    the parse found the event's own figure or date)."""
    return _closest(typed_spans(sentence, info, published_at, within),
                    _event_positions(sentence, info) or _term_positions(sentence, info))


def typed_spans(sentence: str, info: QuestionInfo, published_at: datetime | None,
                within: list[tuple[int, int]] | None = None) -> list[tuple[int, int, str]]:
    """Every span of the asked type in ``sentence`` (start, end, text as shown), those
    overlapping ``within`` only when it is given."""

    def inside(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        if within is None:
            return spans
        return [sp for sp in spans if any(sp[0] < e and s < sp[1] for s, e in within)]

    if info.kind == "duration":
        # "won the title five days after the test": a time between two events, which
        # answers "how long after…", not how long something lasts.
        offsets = not _ASKS_OFFSET.search(info.text)
        spans = [(m.start(), m.end(), _plural_duration(m.group()))
                 for m in DURATION.finditer(sentence)
                 if not (offsets and _OFFSET.match(sentence[m.end():]))]
        if _ASKS_SINCE.search(info.text):
            # "How long has beer been brewed there?" - "where beer has been made since
            # 1874": what is still going on is told by when it began.
            spans += [(m.start(), m.end(), m.group()) for m in _SINCE.finditer(sentence)]
        if _ASKS_TERM.search(info.text):
            spans += [(m.start(), m.end(), m.group()) for m in _UNTIL.finditer(sentence)]
        return inside(spans)
    if info.kind == "when":
        # "fire investigators said on Wednesday": the day of the saying, not of the event,
        # unless saying is what the question asks about.
        asks_saying = bool(_SAYING.search(info.text))
        # "When are councillors going to debate it?": what is still to come is not dated by
        # a day the story already tells as past ("handed in a petition on Monday, forcing a
        # debate").
        ahead = published_at.date() if published_at and _ASKS_AHEAD.search(info.text) else None
        dates = [(r.start, r.end, r.label()) for r in resolve_dates(sentence, published_at)
                 if (asks_saying or not said_on(sentence, r.start))
                 and (ahead is None or r.day >= ahead)]
        asks_year = bool(_ASKS_YEAR.search(info.text))
        if asks_year:
            # "What year was the hall built?" is answered by a year the sentence writes,
            # not by a day of the story's week.
            dates = [d for d in dates if _YEAR.search(sentence[d[0]:d[1]])]
        if dates:
            return inside(dates)
        # "not open until September 2026": the month is part of the answer, not noise.
        years = [(m.start(), m.end(), m.group()) for m in _MONTH_YEAR.finditer(sentence)
                 if ahead is None or int(m.group()[-4:]) >= ahead.year]
        months = [(a, b, month) for a, b, month, first in resolve_months(sentence, published_at)
                  if ahead is None or first >= ahead.replace(day=1)]
        return inside(sorted(years + ([] if asks_year else months)))
    if info.kind == "amount" and re.search(r"\bhow old\b|\bwhat age\b", info.text, re.I):
        # An age is written as one ("aged 34", "a 41-year-old"); any other figure in the
        # sentence ("within four minutes") answers another question.
        ages = [(m.start(), m.end(), m.group(1) or m.group(2))
                for m in AGE.finditer(sentence)]
        return inside(ages)
    if info.kind in ("count", "amount", "which", "other") and _ASKS_SCORE.search(info.text):
        scores = [(m.start(), m.end(), m.group()) for m in _SCORE.finditer(sentence)]
        if scores or asks_scoreline(info):
            # "What was the score?" is a scoreline; "19 league goals" is none.
            return inside(scores)
    if asks_tally(info):
        # "What was the vote on the housing plan?" asks for the tally ("seven to four"),
        # never the council that voted.
        tally = _TALLY.search(sentence)
        if tally is None or (within is not None and not inside(
                [(tally.start(), tally.end(), tally.group())])):
            return []
        return [(tally.start(), tally.end(), re.sub(r"^by\s+", "", tally.group(), flags=re.I))]
    if info.kind == "count" and (side := _VOTE_SIDE.search(info.text)):
        # "voted by 31 to 24 in favour": the first number is the side the sentence tells
        # ("rejected by 300 votes to 250": the first rejected).
        tally = _TALLY.search(sentence)
        if tally and re.search(r"\bvot|\bballot", sentence, re.I):
            told = _VOTE_SIDE.search(sentence[tally.end():] + " " + sentence[:tally.start()])
            # Untold, a tally is given for, then against.
            told_against = bool(told and told.group(1))
            side_told = 1 if told_against == bool(side.group(1)) else 2
            return [(tally.start(side_told), tally.end(side_told),
                     as_count(tally.group(side_told), info))]
    if info.kind in ("count", "amount"):
        # A number the question already states ("falling for more than 50 days") is its
        # premise, not its answer.
        given = set(_DIGITS.findall(info.text)) | {
            str(v) for w in re.findall(r"[\w-]+", info.text) if (v := number_value(w)) is not None}
        nums = [n for n in inside(numbers(sentence, info)) if _value_of(n[2]) not in given
                and not _SCORE.fullmatch(n[2].split()[0])]
        if not _ASKS_OLD.search(info.text):
            # "raised from 15 percent to 25 percent": what it is now, or is to be, is the
            # figure after "to"; the one after "from" answers "what was it before".
            nums = [n for n in nums if not _FROM_TO.search(sentence[max(0, n[0] - 20):n[0]])]
        if info.kind == "amount":
            # "How much": money and measured quantities before bare numbers.
            nums = measured(nums)
            # Money and shares are what "how much" asks for most; "43 million borrowers"
            # is a count beside the amount, even though the question names borrowers.
            money = [n for n in nums if _MONEY.search(n[2])]
            price = _ASKS_PRICE.search(info.text)
            if price:
                money = [n for n in money if CURRENCY.search(n[2])]
            # A length or a head count is no price.
            nums = money if price or _ASKS_MONEY.search(info.text) else money or nums
        else:
            # "How many" counts people or things; a sum of money or a share is no count of
            # them, nor a length of time or a distance ("in twenty minutes" for "how many
            # households"), nor a scale word alone ("more than a dozen" says no number).
            nums = [n for n in nums if not CURRENCY.search(n[2]) and not _SHARE.search(n[2])
                    and _value_of(n[2]) is not None and not _counts_other_unit(n[2], info)
                    and not _WHOLE_OF_PART.search(sentence[:n[0]])
                    and not _modifies_other(sentence, n[1], info)]
        if _ASKS_TOTAL.search(info.text):
            nums = [n for n in nums if not _PER_UNIT.match(sentence[n[1]:])]
        elif info.kind == "amount" and (rate := _ASKS_RATE.search(info.text)):
            # "What does it cost to park for an hour?" is a rate: "£210,000" for ticket
            # machines is a sum, not what an hour costs, nor is "£3.20 an hour" a month's.
            unit = rate.group(1).lower()
            kept = [n for n in nums if _PER_RATE_UNIT[unit].match(sentence[n[1]:])]
            if not kept and re.search(rf"\b{_RATE_ADJECTIVES[unit]}\b", sentence, re.I):
                # "a monthly staff permit will rise to £42"
                kept = [n for n in nums if not _PER_UNIT.match(sentence[n[1]:])]
            nums = kept
        # "How many visitors": a number counting the asked-about noun beats any other.
        counted = [n for n in nums if term_set(n[2].split()[-1]) & set(info.terms)]
        nums = counted or nums
        if info.kind == "count":
            return [(a, b, as_count(text, info)) for a, b, text in nums]
        return nums
    if info.kind == "where":
        # A "where" is a name the sentence writes as a place, not the agency that said so.
        return inside([n for n in names(sentence, info) if written_as_place(n[2], sentence)])
    if info.kind in ("who", "which"):
        return inside(names(sentence, info))
    return []


# A vote's tally, for then against: "voted by 31 to 24", "by 31 votes to 24".
_TALLY = re.compile(rf"\b(?:by\s+)?(\d+|{_NUMBER_WORD})\s+(?:votes?\s+)?to\s+"
                    rf"(\d+|{_NUMBER_WORD})\b", re.I)
# Which side a "how many" asks for: group 1 is set for those against.
_VOTE_SIDE = re.compile(r"\b(opposed?|against|rejected?|voted no)\b|\b(?:backed|supported|"
                        r"in favour|in favor|voted for|approved)\b", re.I)


# Units that measure rather than count: a figure in them answers "how long" or "how far".
_MEASURE_UNIT = re.compile(r"^(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|"
                           r"kilometres?|kilometers?|km|miles?|metres?|meters?|hectares?|"
                           r"acres?|tonnes?|tons?|kg|percent)$", re.I)
# "14 of the unit's 61 posts", "six of the nine members": the whole a part is counted from.
_WHOLE_OF_PART = re.compile(rf"\b(?:\d[\d,]*|{_NUMBER_WORD})\s+of\s+(?:the|its|their|his|her|"
                            rf"our)?\s*(?:[\w’'-]+\s+){{0,2}}$", re.I)


_COMPOUND = re.compile(r"-([a-z][\w’'-]*)")


def _modifies_other(sentence: str, end: int, info: QuestionInfo) -> bool:
    """"The two-carriage service" for "How many people were on board?": a number joined to
    its noun by a hyphen describes the thing ("a three-year contract", "a four-bedroom
    house"), and counts the asked noun only when that is the noun it joins."""
    m = _COMPOUND.match(sentence, end)
    return m is not None and not (term_set(m.group(1)) & set(info.terms))


def _counts_other_unit(span: str, info: QuestionInfo) -> bool:
    """"20 minutes" for "How many households…": a figure in a unit of measure the question
    does not count."""
    unit = span.split()[-1]
    return bool(_MEASURE_UNIT.match(unit)) and not (term_set(unit) & set(info.terms))


# "At which shipyard", "In which hospital": a place of a kind, which news names with it.
_AT_WHICH = re.compile(r"^\W*(?:at|in|from|to|into|on)\s+which\b", re.I)


def kind_told(info: QuestionInfo, passage: str) -> bool:
    """"At which shipyard is the ferry being repaired?" is answered only by a passage that
    speaks of a shipyard (or a synonym): a name in one that does not (the ferry's owner)
    is of another kind. Only for a place of a kind: "Which fire officer" is answered by
    "Group Manager Tessa Varley", whose title says the kind otherwise."""
    asked = answer_type(info.text)
    if asked is None:
        return True
    return bool(word_terms(asked.split()[-1]) & term_set(passage))


def is_word_not_name(name: str, passage: str) -> bool:
    """"Dockworkers", "Health", "Cargo": a capitalised word opening a sentence, which the
    article also writes in lower case, is a word and not a name; so is a preposition or a
    conjunction opening one ("Among those lost was the captain's son."), written in lower
    case elsewhere or not."""
    return " " not in name and (name.lower() in _CLOSED_CLASS or re.search(
        rf"\b{re.escape(name.lower())}\b", passage) is not None)


# Prepositions, conjunctions and sentence adverbs: words that open sentences and are never
# anyone's name. (Not "May" or "Will", which are.)
_CLOSED_CLASS = frozenset(
    "among amid amidst despite during under without within against across behind beyond "
    "through throughout towards toward upon unlike although though while whereas whilst "
    "meanwhile however instead nevertheless nonetheless since until unless because once "
    "both either neither nor only even also still yet already after before about above "
    "below between into onto over from with the a an of in on at for by and or but if "
    "then than so that this these those there here".split())


# "River Tane", "Quay Street", "Lake Orta": places, never the "who" of a story.
_PLACE_NAME = re.compile(r"^(?:River|Lake|Mount|Mt\.?|Cape|Port of)\s|\s(?:Street|Road|Avenue|"
                         r"Square|Valley|River|Bay|Bridge|Island|Islands|Mountains?|Hills?|"
                         r"Lane)$")


def plausible_span(info: QuestionInfo, span: str, passage: str) -> bool:
    """Can ``span`` be what the question asks for at all? A name must be a name ("Only 81",
    "Health" and "Dockworkers" open sentences; the article writes "health" elsewhere), a
    "who" is not a place, and the answer to "who" or "where" is news the question does not
    already give: "Velden City Museum" restates "the Velden museum theft". The same check
    decides whether a sentence earns the typed-span bonus and whether a span is shown."""
    if info.kind not in ("who", "where", "which"):
        return True
    if is_word_not_name(span, passage) or any(ch.isdigit() for ch in span):
        return False
    if info.kind == "who" and _PLACE_NAME.search(span):
        return False
    if info.kind == "which" and _AT_WHICH.match(info.text) and not kind_told(info, passage):
        return False
    # ("Who did Kessick buy a stake in?" asks for what stands after "in".)
    if (info.kind == "who" and not PLACE_TYPE.search(info.text)
            and not re.search(r"\b(?:in|near)\W*$", info.text) and _only_as_place(span, passage)):
        return False
    if info.kind in ("who", "where"):
        words = [w for w in re.findall(r"[\w’']+", span) if w.lower() not in STOPWORDS]
        if any(stem(w) in info.terms for w in words):
            return False
    return True


# A name written as a place: "who has led its offshore projects in the North Sea". Narrower
# than LOCATIVE: after "at", "from" or "to" news writes organisations as often as places.
_AS_PLACE = re.compile(r"\b(?:in|across|off|near|outside|inside)\s+the\s+$|\b(?:in|near)\s+$",
                       re.I)


def _only_as_place(span: str, passage: str) -> bool:
    """Every time the passage writes ``span`` it is where something is, not who did it."""
    at = [m.start() for m in re.finditer(re.escape(span), passage)]
    return bool(at) and all(_AS_PLACE.search(passage[max(0, i - 15):i]) for i in at)


# "Who is the boss of the health board?", "What is the name of Pinnock's brother-in-law?",
# "Who is the managing director of Northfell Rail?": the person holding a role; the role is
# the one or two words before "of", "at", a relative clause, a participle or the end.
_ROLE_QUESTION = re.compile(
    r"^\W*(?:[Ww]ho(?:['’]s|\s+(?:is|was|will\s+be))|"
    r"[Ww]hat(?:['’]s|\s+is|\s+was)\s+the\s+name\s+of)\s+"
    r"(?:(?:the|its|their)\s+(?:[A-Z][\w’'.-]*\s+){0,2}|"
    r"(?:[A-Z][\w’'.-]*\s+)*[A-Z][\w’'.-]*[’']s\s+)"
    r"(?:[a-z][\w-]*\s+){0,2}?((?:[a-z][\w-]*\s+)?[a-z][\w-]*)"
    # "the businesswoman paying to keep…": a participle starts what the holder does.
    r"(?=\s+(?:of|at|for|in|on|who|whose|that|[a-z]+ing)\b|\s*\?)")
_CHAIRS = re.compile(r"^\W*who\s+(?:now\s+)?(?:chairs|chaired|will chair|is chairing)\b", re.I)
# Words that say when a role is held, not which: "the new chairman" is a chairman, and
# "Who is the club's chair now?" asks for a chair.
_ROLE_TIME = frozenset("new former current permanent interim acting next late now today "
                       "currently".split())
# Nouns that say only that the holder is a person: "Who was the woman who ended up in
# hospital?" asks for whoever the clause describes, and the story may name her as "one
# customer, Donna Featherby" and never write "woman". No post is held by them.
ONLY_PEOPLE = frozenset("man woman person boy girl child men women people teenager "
                         "someone".split())
# Words news uses for whoever runs an organisation.
_HEADS = frozenset("boss head leader chief executive chair chairman chairwoman president "
                   "director-general".split()) | {"managing director"}


def role_asked(info: QuestionInfo) -> str | None:
    """The role whose holder the question asks for ("managing director"), or None."""
    asking = asking_sentence(info.text)
    if _CHAIRS.search(asking):
        return "chair"  # "Who chairs the board?" asks who is its chair
    m = _ROLE_QUESTION.search(asking)
    if not m:
        # "Which vet…": a profession whose holder news names with the title ("vet Anna
        # Holt"); not a kind of thing or person that is no title ("which company", "which
        # artist": a singer is not introduced as "artist Beyoncé").
        which = _WHICH_PERSON.search(asking)
        return which.group(1).lower() if which and which.group(1).lower() in PROFESSIONS else None
    words = [w for w in m.group(1).lower().split() if w not in _ROLE_TIME]
    if not words or words[-1] in STOPWORDS:
        return None
    if info.kind != "who" and not _PERSON_HEAD.search(words[-1]):
        return None  # "What was the name of the mission?" asks for no holder of a role
    return " ".join(words)


# "Which vet carried out the check?", "Which engineer spotted the damage?": the role is
# the noun after "which" when a verb follows it.
_WHICH_PERSON = re.compile(r"^\W*[Ww]hich\s+([a-z][\w-]*)\s+(?:[a-z]+ed|did|was|is|has|had|"
                           r"will|carried|led|ran|took|made|gave|found|saw|spotted|wrote)\b")
# Professions news names with the title before or after the name; a "what did the
# nurse say" question's speaker is found by them too (``scoring.speaker_names``).
PROFESSIONS = frozenset("""vet engineer doctor nurse judge officer inspector councillor surgeon
    paramedic firefighter detective lawyer solicitor barrister teacher headteacher midwife
    pilot captain skipper prosecutor magistrate coroner consultant""".split())
# Nouns for people by what they do: "driver", "director", "economist", "spokeswoman".
_PERSON_HEAD = re.compile(r"(?:er|or|ist|ian|man|woman|person|chair|chief|head|boss)$")


# A title a question uses for whoever the story names by another: the laundry boss is its
# managing director, the farmer the farm's owner, the watchdog's head its director general.
# One list for the speaker a "what did X say" asks about (``scoring.speaker_names``) and the
# holder a "who" asks for (``gives_role``).
ROLE_ALIASES = {
    "boss": ("boss", "managing director", "chief executive", "owner"),
    "head": ("head", "president", "director general", "chief executive", "chairman", "chair"),
    "chief": ("chief", "chief executive"),
    "farmer": ("farmer", "owner"),
    # A union's rep is written by the post: "Keith Dunleavy, Unison's branch secretary".
    "rep": ("rep", "representative", "secretary", "organiser", "organizer", "official",
            "steward", "convenor", "spokesman", "spokeswoman", "spokesperson"),
    # "Dr Miriam Coldrick, the region's consultant in health protection"
    "doctor": ("doctor", "Dr", "consultant", "GP"),
    # Judges are written by their court's title: "Recorder Alan Pitchford told the court",
    # "Mr Justice Harlow", "Sheriff Ann Gow".
    "judge": ("judge", "Judge", "Recorder", "Justice", "Sheriff"),
    # A lawyer is written by the kind: "Mr Kemberton's solicitor, Owain Tudwell".
    "lawyer": ("lawyer", "solicitor", "barrister", "counsel", "advocate"),
}


def _roles(role: str) -> frozenset[str]:
    """The words that name ``role``: any head's title for a head ("boss", "leader"…); a
    chair is a chair, though: a board's chair is not its chief executive. Other roles by
    their aliases (a union's rep is its branch secretary, a judge a Recorder)."""
    if role in _CHAIR_WORDS:
        return _CHAIR_WORDS
    if role in _HEADS:
        return _HEADS
    # "Dr" is a title anyone with a doctorate writes before their name, not the post a
    # "which doctor" asks about: every Dr in the story would hold it.
    return frozenset(a.lower() for a in ROLE_ALIASES.get(role, (role,)) if a != "Dr")


_CHAIR_WORDS = frozenset("chair chairman chairwoman chairperson".split())


def _role_words(role: str) -> str:
    """``_roles(role)`` as one lower-case regex group."""
    return "(?:" + "|".join(re.escape(r) for r in sorted(_roles(role))) + ")"


def role_fits(info: QuestionInfo, short: str, sentence: str) -> bool:
    """A question asking who holds a role is answered by a name the sentence gives that role:
    "Alan Pritchard, the board's chief executive" for "Who is the boss of the board?", not
    "Miriam Leclerc, the board's medical director", nor the prosecutor quoted in a sentence
    that mentions the brother-in-law."""
    role = role_asked(info)
    if role is None:
        return True
    return gives_role(role, short, sentence) and not _owned_elsewhere(role, info, sentence)


def _owned_elsewhere(role: str, info: QuestionInfo, sentence: str) -> bool:
    """The sentence gives the role in another body than the question's: "Trust chair Hester
    Broadbent", "chair of the Felsham Albion Supporters' Trust" for "Who is Felsham Albion's
    chair?". The owner is the capitalised words before the role or after its "of"; each
    must be a word of the question."""
    if not any(w[:1].isupper() for w in asking_sentence(info.text).split()[1:]):
        return False  # "Who is the chair?": the question names no owner to differ from
    asked = {w.lower() for w in re.findall(r"[\w-]+", info.text)}
    roles = _roles(role)
    words = _role_words(role)
    before = re.compile(rf"((?:[A-Z][\w-]*(?:[’']s?)?\s+){{1,3}}){words}\b")
    after = re.compile(rf"\b{words}\s+of\s+(?:the\s+)?((?:[A-Z][\w’'-]*\s*){{1,5}})")
    # "chair of the drivers' forum": a body named in common words is as much another's.
    common = re.compile(rf"\b{words}\s+of\s+the\s+((?:[a-z][\w’'-]*\s+){{0,2}}[a-z][\w’'-]*)"
                        r"(?=[,.;]|\s+(?:said|says|called|told|has|had|was|is|who)\b)")
    owners = [m.group(1) for pattern in (before, after, common)
              for m in pattern.finditer(sentence)]
    for owner in owners:
        names = [w.strip("’'").removesuffix("’s").removesuffix("'s").lower()
                 for w in re.findall(r"[\w’'-]+", owner)]
        # "Chief executive": a capitalised role word opening the sentence is no owner.
        names = [n for n in names if n not in roles and n not in _HEADS]
        if names and any(n not in asked for n in names):
            return True
    return False


# A speech verb after a name: the name is who says the sentence.
_SAYS_AFTER = (r"\s+(?:has\s+|have\s+|had\s+)?(?:said|says|announced|announces|confirmed|"
               r"confirms|told|added|warned|stated)\b")


def gives_role(role: str, name: str, sentence: str) -> bool:
    """Does ``sentence`` give ``name`` the ``role``? "chief executive Alan Pritchard", "Alan
    Pritchard, the board's chief executive", "the board's chief executive, Alan Pritchard",
    "the driver of the train that stopped short, Colin Brereton", "her first guest was
    tennis champion Serena Williams"."""
    # The role in any case ("Head coach", "chief executive"); the names before the holder
    # capitalised, so "Head coach Bryony Orrell" gives her no "head" role.
    words = f"(?i:{_role_words(role)})"
    held = re.escape(name)
    return bool(re.search(rf"\b{words}(?:\s+{words})*\s+(?:[A-Z][\w’'.-]*\s+)*{held}\b|"
                          rf"\b{held},\s+(?:[\w’'-]+\s+){{0,4}}?{words}\b|"
                          # Not the sentence's source after its last comma: "…with a doctor
                          # visiting once a fortnight, the health board has announced."
                          rf"\b{words}\b[^.;“\"]{{0,80}}?,\s+{held}\b(?!{_SAYS_AFTER})|"
                          rf"\b{words}\s+(?i:is|was|will be)\s+(?:[\w’'-]+\s+){{0,5}}?{held}\b",
                          sentence))


def event_answer(sentence: str, info: QuestionInfo, published_at: datetime | None,
                 passage: str) -> str | None:
    """The asked part of the question's event as the parse reads it in ``sentence``: a name
    that can answer (``plausible_span``), or the date or figure attached to the event's
    verb, in the form ``short_answer`` gives it. None when the sentence does not tell the
    event with that part."""
    if info.kind in ("when", "count", "amount", "duration"):
        spans = event_values(sentence, info)
        return short_answer(sentence, info, published_at, within=spans) if spans else None
    return next((a for a in event_arguments(sentence, info)
                 if plausible_span(info, a, passage)), None)


def guess_from(claims: list[str], info: QuestionInfo, shown: str | None) -> str | None:
    """The quiz's guess (``Answer.guess``) from a generated answer's verified claims: what
    is shown (``shown_generated_answer``), else the words the first claim adds to the
    question, which are as often context as answer and so are never shown."""
    if not claims:
        return None
    return shown or novel_span(claims[0], info.text)


def shown_generated_answer(claims: list[str], info: QuestionInfo, extractive: str | None,
                           named: str | None = None) -> str | None:
    """The short answer a user is shown from a generated answer: the asked part of the
    event as the parse reads it in a claim, else a span of the asked type, in the
    extractive answer's fuller form where it names the same. A question that asks for a
    type (a name, a date, a figure) gets that or nothing: the words a claim adds to the
    question are as often context as answer. Only a plain "what" has those words for its
    answer ("What did the ceasefire aim to allow?")."""
    if not claims:
        return None
    parsed = next((s for c in claims if (s := event_answer(c, info, None, c))), None)
    typed = parsed or (named if info.kind in ("who", "where", "which") else next(
        (s for c in claims if (s := short_answer(c, info, None))), None))
    if extractive and typed and (extractive.lower() == typed.lower()
                                 or extractive.lower().endswith(" " + typed.lower())):
        return extractive
    if typed or info.kind != "which":
        return typed
    return novel_span(claims[0], info.text)
