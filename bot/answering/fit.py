"""Does a short answer fit the question, as its sentence tells it? The checks both answerers
make before they show a name, a figure or a date (``fits``): the extractive reader on its
own span, the LLM answerer on the model's. Each is a reading of news copy: who holds what,
a place written as a place, a sum named as the sum asked about, a plan not an event, the one
telling the news not the one who did it."""

from __future__ import annotations

import re
from datetime import date

from bot.answering.answertype import type_fits
from bot.answering.question import (
    PLACE_TYPE,
    SPEECH_VERB,
    SPEECH_VERBS,
    STOPWORDS,
    QuestionInfo,
    asking_sentence,
    stem,
    term_set,
    word_terms,
)
from bot.answering.spans import (
    AGE,
    length_of_fits,
    number_value,
    plausible_span,
    role_fits,
    written_as_place,
)
from bot.answering.syntax import names_a_person
from bot.attribution import find
from bot.temporal import MONTH_NAMES, WEEKDAYS, resolve_dates

_WHOSE = re.compile(r"^\W*whose\b", re.I)


def possessor_fits(info: QuestionInfo, short: str, sentence: str) -> bool:
    """"Whose job did Whitlow take over?" asks for an owner: a name the sentence gives as
    one ("Achterberg's job", "the post of Achterberg", "her predecessor, Achterberg"), not
    any name near the question's words (the chairman who announced it)."""
    if not _WHOSE.search(asking_sentence(info.text)):
        return True
    name = re.escape(short.split()[-1])
    owned = re.compile(rf"\b{name}[’']s?\b|\bof (?:[A-Z][\w’'-]+\s+)*{name}\b|"
                       rf"\bpredecessor,?\s+(?:[A-Z][\w’'-]+\s+)*{name}\b|"
                       rf"\b{name},\s+(?:his|her|their) predecessor\b")
    # "taken by Noor Halabi, Ridgeline's chief operating officer": the words set beside
    # the person asked about say who they are, not whose job they took.
    asked = set(re.findall(r"[A-Z][\w’'-]+", asking_sentence(info.text))[1:])

    def describes_asked(at: int) -> bool:
        m = _APPOSED.search(sentence[:at])
        return m is not None and m.group(1) in asked

    return any(not describes_asked(m.start()) for m in owned.finditer(sentence))


# A name and the comma that opens the words set beside it: "Noor Halabi, " before
# "Ridgeline's chief operating officer".
_APPOSED = re.compile(r"\b([A-Z][\w’'-]+),\s+(?:the\s+)?(?:[A-Z][\w’'-]*\s+)*$")


# "Where…", "Which plant…", "Which town…": besides the countries and cities of PLACE_TYPE,
# the places and sites news asks about, which no person is.
_ASKS_SITE = re.compile(
    r"^\W*where\b|\b(?:which|what)\s+(?:[\w’'-]+\s+)?(?:town|village|county|district|"
    r"province|area|site|plant|factory|works|mine|depot|creamery|hospital|school|port|airport|"
    r"station|stadium|ground|venue|building|street|road)\b", re.I)


# "in the early hours of Sunday": a day or a month is never a place.
_A_TIME = re.compile(r"(?:" + "|".join(WEEKDAYS + MONTH_NAMES) + r")\b", re.I)


def place_fits(info: QuestionInfo, short: str, sentence: str) -> bool:
    """A question asking for a place is not answered by a person the sentence names
    ("Bernard Ashworth said the leisure centre would stay shut" for "Where will…"), and a
    "where" is answered by a name the sentence writes as a place: after "in", "at", "near"
    and the like ("arrested in Kessling"), not "the Joost Vermaelen painting"."""
    asking = asking_sentence(info.text)
    if not (_ASKS_SITE.search(asking) or PLACE_TYPE.search(asking)):
        return True
    if names_a_person(short, sentence) or _A_TIME.match(short):
        return False
    if info.kind != "where":
        return True
    return written_as_place(short, sentence)


_PERMANENT = re.compile(r"\b(?:permanent|full-time|long-term)\b", re.I)
_STAND_IN = re.compile(r"\b(?:interim|caretaker|acting|temporary|stand-in|stopgap)\b", re.I)


def stand_in_for_permanent(info: QuestionInfo, sentence: str) -> bool:
    """"Who will be the permanent coach?" over "Ferreira will take charge as caretaker":
    the one standing in is not the permanent holder the question asks about."""
    return bool(info.kind == "who" and _PERMANENT.search(info.text)
                and _STAND_IN.search(sentence))


def fits(info: QuestionInfo, short: str, sentence: str) -> bool:
    """Is ``short`` what the question asks for, as ``sentence`` tells it: not a stand-in for
    a permanent holder, an owner for "whose", the holder of the role asked about, a place
    for "where", a name that can answer at all (``spans.plausible_span``)? Both answerers
    check what they would show against the source sentence."""
    return (not stand_in_for_permanent(info, sentence) and possessor_fits(info, short, sentence)
            and role_fits(info, short, sentence) and place_fits(info, short, sentence)
            and not reported_by(info, short, sentence) and age_fits(info, short, sentence)
            and length_of_fits(info, short, sentence)
            and not only_telling(info, short, sentence)
            and sum_fits(info, short, sentence)
            and not planned_for_done(info, sentence)
            and not gone_for_successor(info, short, sentence)
            and not asked_only_of_speaker(info, short, sentence)
            and not another_numbered(info, sentence)
            # The model's name too: a "who" is no place, a name is no word of the question.
            and plausible_span(info, short, sentence)
            # Of the asked type as the sentence tells it: no town for "who", no width for
            # "how deep", no towns for "how many coaches".
            and type_fits(info, short, sentence))


_SPEECH_STEMS = frozenset(stem(v) for v in (*SPEECH_VERBS, "say", "tell"))
_PRONOUN_SUBJECT = re.compile(r"\b(?:he|she|I|we|they)\b")


def only_telling(info: QuestionInfo, short: str, sentence: str) -> bool:
    """"The club is in talks to sign a new goaltender before the deadline, McCusker said":
    the one telling the news is not who did what the question asks ("Which goalie did the
    Falcons sign?"), unless the question asks who said it, or the telling is of the
    speaker's own act ("Brannagan said he was honoured to replace Vrbicky")."""
    if info.kind not in ("who", "which") or not info.event or info.event in _SPEECH_STEMS:
        return False
    name = re.escape(short)
    if len(re.findall(rf"\b{name}\b", sentence)) != 1:
        return False
    if not re.search(rf"\b{name}\W+(?:has\s+|had\s+)?{SPEECH_VERB}\b|"
                     rf"\b(?:{SPEECH_VERB}|according to)\s+(?:[\w’'.-]+\s+){{0,3}}?{name}\b",
                     sentence):
        return False
    at = sentence.find(short)
    told = [m.start() for m in re.finditer(r"[\w’'-]+", sentence)
            if info.event in word_terms(m.group())]
    # "museum director Paul Ostrander said" for "Who runs the museum?": the speaker's title
    # is the asked part.
    if not told or any(at - _TITLE_REACH <= p <= at + len(short) + _TITLE_REACH for p in told):
        return False
    return not _PRONOUN_SUBJECT.search(re.split(r"[,;:—]", sentence[: told[0]])[-1])


# How far a title stands from its holder's name: "museum director Paul Ostrander",
# "Paul Ostrander, the museum's director".
_TITLE_REACH = 30


_ASKS_DONE = re.compile(r"^\W*when (?:did|was|were|had|has|have)\b", re.I)
_PLANNED = re.compile(r"\b(?:would|will|is to|are to|(?:is|are|was|were) (?:due|set|expected) "
                      r"to|plans? to|planned to|hopes? to|aims? to|intends? to)\s+"
                      r"(?:[\w’'-]+\s+){0,2}?([\w’'-]+)", re.I)


def planned_for_done(info: QuestionInfo, sentence: str) -> bool:
    """"When did the department decide…?" asks when it happened; "said it would decide
    then", a plan, dates the plan, and whether it happened the sentence does not say."""
    if info.kind != "when" or not info.event or not _ASKS_DONE.search(
            asking_sentence(info.text)):
        return False
    return any(info.event in word_terms(m.group(1)) for m in _PLANNED.finditer(sentence))


# "When is the next strike due to start?", "When will the line reopen?": a day to come.
_ASKS_COMING = re.compile(r"^\W*when\s+(?:will|(?:is|are)\s+(?:[\w’'-]+\s+){0,6}?(?:due|set|"
                          r"expected|going|planned|scheduled)\b|(?:is|are|does|do)\s+"
                          r"(?:[\w’'-]+\s+){0,2}?next\b)", re.I)


def passed_for_coming(info: QuestionInfo, short: str, now: date | None) -> bool:
    """A day before the asking day is no answer to a question about a day to come: "When
    is the next strike due to start?" asked on 12 September is not answered by the current
    strike's start on 9 September. Without the asking day, nothing is known to have passed."""
    if now is None or info.kind != "when" or not _ASKS_COMING.search(asking_sentence(info.text)):
        return False
    days = resolve_dates(short, None)
    return bool(days) and days[0].day < now


# Sums news names by what they are: a loan is not a grant, a fine is not a bill.
_SUM_NOUN = (r"(?:loan|grant|fine|penalty|bill|fee|salary|bonus|payout|payment|donation|"
             r"budget|deficit|subsidy|investment|reward|ransom|rent|fare|wage|pension|"
             r"settlement|compensation|overspend|shortfall|gap|appeal|gift|award|prize|"
             r"levy)s?")
# Words that may describe a sum before its noun: "a £3.4 million public appeal", "a £750,000
# lottery grant"; not the words of a phrase that goes on ("£5 million to the fund").
_SUM_MODIFIER = (r"(?:(?!(?:to|the|a|an|of|for|in|on|at|from|by|and|or|with|as|was|is|"
                 r"were|are|had|has|have|will|would)\b)[a-z][\w-]*\s+){0,2}?")
_ASKED_SUM = re.compile(rf"\b{_SUM_NOUN}\b", re.I)
# A running cost ("£310,000 a year") and a question that asks for one ("a year", "annual").
_RUNNING = re.compile(r"^\s*(?:a|per|each|every)\s+(?:year|month|week|day)\b")
_ASKS_RUNNING = re.compile(r"\b(?:a|per|each|every)\s+(?:year|month|week|day)\b|"
                           r"\b(?:annual|annually|yearly|monthly|weekly|daily|running)\b", re.I)


# "How much will it cost to rip out the lane?": what the money is spent on.
_COST_PURPOSE = re.compile(r"\bcost\w*\s+(?:[^\s?]+\s+){0,2}?to\s+([a-z]+)", re.I)
# "How much did the coastguard helicopter cost?": the thing costed, and the noun a sentence
# says cost its sum ("the search had cost it").
_COSTED_ASKED = re.compile(r"\bhow much (?:did|does|do|will|would|has|have|is|was)\s+"
                           r"(?:the\s+|a\s+|an\s+|its\s+|their\s+)?"
                           r"((?:[\w’'-]+\s+){0,3}?[\w’'-]+)\s+cost\b", re.I)
_COST_VERB = re.compile(r"\bcost(?:s|ing)?\b")
# Verbs that finish whatever the money is for, naming no purpose of their own: "will cost
# £4.2 million to complete".
_ANY_PURPOSE = frozenset("complete finish do carry deliver fund cover pay run make meet "
                         "achieve".split())
# A sum asked as one received, and the words before a sum that say it was only sought.
_ASKS_RECEIVED = re.compile(r"\b(?:get|gets|got|receive[ds]?|(?:was|were|been) (?:given|"
                            r"awarded|granted|paid)|won|secured?)\b", re.I)
_SOUGHT = re.compile(r"\b(?:appl(?:y|ied|ies|ying)|seek(?:s|ing)?|sought|ask(?:s|ed|ing)? for|"
                     r"request(?:s|ed|ing)?|bid(?:s|ding)?|hop(?:es|ed|ing) (?:to|for)|"
                     r"want(?:s|ed)?|claim(?:s|ed|ing)?)\b", re.I)
_GOT = re.compile(r"\b(?:got|received?|given|awarded|granted|paid|won|secured)\b|[.;]", re.I)
# How far before the sum its seeking is read: the clause that introduces it.
_SOUGHT_REACH = 80
_CLAUSE_BREAK = re.compile(r"[,;:(“\"]|\bsaid\b|\bsays\b")


def sought_not_got(before: str) -> bool:
    """The words before a sum say it was sought ("applied to the fund for"), and nothing
    after that says it came ("applied for help, and received")."""
    seeking = [m.end() for m in _SOUGHT.finditer(before)]
    return bool(seeking) and not _GOT.search(before[seeking[-1]:])


def sum_fits(info: QuestionInfo, short: str, sentence: str) -> bool:
    """A sum the sentence names as another thing, or spends on another purpose, is not the
    one asked about: "a £2 million grant" is no answer to "How big is the bank loan?". Nor is
    a running cost ("costs £310,000 a year to heat") to a question of a one-off sum ("How
    much will it cost to fix the Palm House?"), a cost of another purpose ("to build" for
    "to rip out") or another thing's cost ("the search had cost it" for "How much did the
    helicopter cost?")."""
    if info.kind != "amount":
        return True
    at = sentence.lower().find(short.lower())
    if at < 0:
        return True
    after = sentence[at + len(short):]
    asked = asking_sentence(info.text)
    noun = _ASKED_SUM.search(asked)
    own = re.match(rf"\s+{_SUM_MODIFIER}(?P<noun>{_SUM_NOUN})\b", after)
    if noun and own and stem(own.group("noun")) != stem(noun.group()):
        return False
    if _RUNNING.match(after) and not _ASKS_RUNNING.search(asked):
        return False
    # "cost £1.3 million to build" is no answer to "cost to rip out": another purpose.
    purpose, spent = _COST_PURPOSE.search(asked), re.match(r"\s+to\s+([a-z]+)", after)
    if (purpose and spent and stem(purpose.group(1)) != stem(spent.group(1))
            and spent.group(1).lower() not in _ANY_PURPOSE):
        return False
    # "applied to the fund for £250,000" is no answer to "How much did the trust get?":
    # a sum sought is not a sum received.
    if _ASKS_RECEIVED.search(asked) and sought_not_got(sentence[max(0, at - _SOUGHT_REACH):at]):
        return False
    # "the search had cost it about £18,000" is no answer to "How much did the helicopter
    # cost?": the sum is another thing's.
    thing = _COSTED_ASKED.search(asked)
    costs = list(_COST_VERB.finditer(sentence[:at]))
    if not thing or not costs or not word_terms(thing.group(1)):
        return True  # "How much did it cost…": no thing named
    # The words of the clause before "cost": "the search had", "Repairing the breached
    # embankment will". They name another thing only when the question names it apart from
    # the thing costed ("the helicopter … for the search"); "the project would cost" may be
    # the tram line asked about.
    clause = word_terms(_CLAUSE_BREAK.split(sentence[:costs[-1].start()])[-1])
    costed = word_terms(thing.group(1))
    return bool(clause & costed) or not clause & (term_set(asked) - costed)


# How far from a name its age is written: "Jordan Pike, 24," or "the 24-year-old Pike".
_AGE_REACH = 25


def age_fits(info: QuestionInfo, short: str, sentence: str) -> bool:
    """"What's the name of the 19-year-old arrested?" is answered by a name the sentence
    gives that age ("Jordan Pike, 19,"), not by the detective quoted beside it."""
    # "the 19-year-old arrested", "a man aged 24": the asked person described by age.
    m = AGE.search(info.text)
    if m is None or info.kind not in ("who", "which"):
        return True
    age = m.group(1) or m.group(2)
    for found in re.finditer(re.escape(short), sentence):
        near = sentence[max(0, found.start() - _AGE_REACH):found.end() + _AGE_REACH]
        if re.search(rf"(?<!\d){age}(?!\d)", near):
            return True
    return False


# A news outlet by its name: "the Daily Register", "the Evening Star", "Harwick Gazette".
_OUTLET = re.compile(r"\b(?:Register|Times|Post|Gazette|Herald|News|Star|Press|Journal|Echo|"
                     r"Courier|Advertiser|Telegraph|Chronicle|Mail|Express|Mirror|Observer|"
                     r"Guardian|Tribune|Examiner|Standard|Argus|Sentinel|Wire|Desk)$")
_REPORTING = re.compile(r"^\W*(?:has\s+|had\s+)?(?:revealed|reported|said|says|understands|"
                        r"learned|disclosed|first reported)\b", re.I)
_ASKS_REPORT = re.compile(r"\b(?:report\w*|reveal\w*|disclos\w*|newspaper|paper|outlet|"
                          r"broke the (?:story|news))\b", re.I)


def reported_by(info: QuestionInfo, short: str, sentence: str) -> bool:
    """The news outlet a sentence credits with the news ("held through a family company, the
    Daily Register revealed last week") reports it; it is not what the news is about,
    unless the question asks who reported it."""
    if not _OUTLET.search(short) or _ASKS_REPORT.search(info.text):
        return False
    return any(_REPORTING.match(sentence[m.end():])
               for m in re.finditer(re.escape(short), sentence))


# "Who's running the home now the manager has left?": the question says someone has gone
# and asks who holds the post since.
_ASKS_SINCE_GONE = re.compile(r"\b(?:now|since|after)\b[^?]*?\b(?:gone|left|quit|resigned|"
                              r"departed|stepped down|retired|sacked|fired|dismissed|went)\b|"
                              # "…while the manager is off?"
                              r"\bwhile\b[^?]*?\b(?:is|are|was|were)\s+(?:off|away|absent|"
                              r"out|on leave|suspended)\b", re.I)
# What the sentence says of the one who went: "Julie Fenby, has left the company".
_WENT = re.compile(r"^[^A-Z.;]*?\b(?:left|quit|resigned|departed|stepped (?:down|aside|back)|"
                   r"stood (?:down|aside)|retired|"
                   r"(?:was|were|been) (?:sacked|dismissed|fired|suspended))\b")
# Words after the name within which its own verb stands, before another clause's: room for
# a role set beside it ("Julie Fenby, the home's registered manager, has left").
_WENT_REACH = 60


def gone_for_successor(info: QuestionInfo, short: str, sentence: str) -> bool:
    """The name is the one the question says has gone: "The home's manager, Julie Fenby,
    has left the company." does not say who runs it now. Only the name's own words count
    (up to the next name): "Kwame Boateng took over from Julie Fenby, who left" names the
    successor first."""
    if not _ASKS_SINCE_GONE.search(asking_sentence(info.text)):
        return False
    at = sentence.find(short)
    if at < 0:
        return False
    after = sentence[at + len(short): at + len(short) + _WENT_REACH]
    return bool(_WENT.search(after))


def asked_only_of_speaker(info: QuestionInfo, short: str, sentence: str) -> bool:
    """A figure the speaker gives about another matter: "Gethin Tudwal, the railway's general
    manager, said the line would be closed for at least six weeks" holds "general manager"
    only in who is speaking, and says nothing of how long he has been one. The question's
    own words all stand in the attributing words, the figure in what is reported."""
    if info.kind not in ("count", "amount", "duration", "when") or not info.predicate:
        return False
    found = find(sentence)
    text = " ".join(sentence.split())
    at = text.find(" ".join(short.split()))
    if found is None or at < 0 or found.start <= at < found.end:
        return False
    wanted = set(info.predicate)
    inside = wanted & term_set(text[found.start:found.end])
    outside = wanted & term_set(text[:found.start] + " " + text[found.end:])
    return bool(inside) and not outside


_CALENDAR = frozenset((*MONTH_NAMES, *WEEKDAYS))
_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
             "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
             "nineteenth twentieth").split()
_ORDINAL = re.compile(r"\b(?:(\d{1,3})(?:st|nd|rd|th)|(" + "|".join(_ORDINALS) + r"))\s+"
                      r"([a-z]+)\b", re.I)
# "stage six", "round 3", "Game 4": a thing of a series named by its number. The number ends
# the phrase, so "won 3 medals" numbers no "won".
_NUMBERED = re.compile(r"\b(?=([a-z]+)\s+(\d{1,3}|[a-z]+(?:-[a-z]+)?)\b(?!\s+[a-z]+s\b))", re.I)


def numbered(text: str) -> set[tuple[str, int]]:
    """The things of a series ``text`` names by their number, as (stem of the noun, number):
    "the seventh stage" and "stage 7" both give ("stag", 7)."""
    out: set[tuple[str, int]] = set()
    for m in _ORDINAL.finditer(text):
        n = int(m.group(1)) if m.group(1) else _ORDINALS.index(m.group(2).lower()) + 1
        out.add((stem(m.group(3)), n))
    for m in _NUMBERED.finditer(text):
        word, num = m.group(1), m.group(2)
        value = int(num) if num.isdigit() else number_value(num)
        # "March 27" is a day, not the 27th of a series of Marches.
        if (value is not None and word.lower() not in STOPWORDS and not word.isdigit()
                and word.lower() not in _CALENDAR):
            out.add((stem(word), value))
    return out


def another_numbered(info: QuestionInfo, sentence: str) -> bool:
    """"Who won stage six?" is not answered by "won the seventh stage": where the question
    numbers a thing of a series, a sentence numbering the same thing otherwise, and never
    as asked, tells of another one."""
    asked = numbered(asking_sentence(info.text))
    if not asked:
        return False
    told = numbered(sentence)
    return any(any(noun == t and n != m for t, m in told) and (noun, n) not in told
               for noun, n in asked)
