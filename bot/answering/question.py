"""What a question asks for: its type and the words that must be matched."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.temporal import MONTH_NAMES, WEEKDAYS
from retrieval.sentences import sentences

STOPWORDS = frozenset(
    """
    a an the of to in on at for from by with about as into over after before between and or
    but if then than so that this these those there here is are was were be been being am do
    does did done has have had having will would shall should can could may might must what
    which who whom whose when where why how it its it's he she they them their his her we us
    our you your i me my not no yes any some all each every more most other such according
    reported report reports said says say week this last latest recently recent many much
    news article articles tell me please
    once thing things going
    """.split()
) | {f"{w}{a}s" for w in ("what", "who", "where", "when", "how", "that", "there")
     for a in ("'", "’")}
# Hyphens split words ("Russian-mediated" holds "mediated"); inner periods and apostrophes
# do not ("U.S.", "Turkey's").
# Letters of any alphabet: "Lisère" and "Müller" are one word each, not "Lis" and "re".
_TOKEN = re.compile(r"[^\W_][\w'’.]*[^\W_]|[^\W_]")

# Common news phrasings of one event, so "collapse" finds "fell apart". Stemmed forms.
_SYNONYM_GROUPS = [
    {"collaps", "fell apart", "broke down", "crumbl", "fell through", "fail", "came down",
     "come down", "caved in", "cave in", "fell in", "gave way", "give way"},
    {"die", "died", "dead", "kill", "death", "lost their lives", "fatalit"},
    {"win", "won", "victory", "beat", "defeat"},
    {"resign", "stepped down", "step down", "quit", "stood down", "stand down",
     "standing down", "stepping down", "steps down"},
    {"mediat", "broker", "facilitat"},
    {"buy", "bought", "purchas", "acquir"},
    {"arrest", "detain", "custody"},
    {"elect", "vote", "ballot"},
    {"injur", "wound", "hurt"},
    {"derail", "left the rails", "leave the rails", "came off the track", "come off the track",
     "came off the rails", "come off the rails"},
    {"start", "began", "begin", "launch", "broke out", "under way", "got going"},
    {"ceasefir", "truce", "armistic"},
    # Common paraphrases of one event in news copy (stemmed): the question's word is often
    # not the article's.
    {"strik", "walkout", "walked out", "industrial action", "stoppag", "stop work",
     "stopped work", "downed tools"},
    {"fire", "fired", "dismiss", "sack", "oust", "remov"},
    {"replac", "succeed", "successor", "took over", "take over", "taken over", "take charge",
     "took charge", "in charge", "stepped in", "step in", "interim", "caretaker",
     # "will hand over to Rhys Kesteven": who takes over, from the other side.
     "hand over to", "hands over to", "handed over to", "handing over to"},
    {"run", "runs", "head", "director", "chief", "lead", "leading", "manag", "in charge",
     "chair", "boss", "ceo"},
    {"appoint", "named", "nominat", "hired", "recruit"},
    # "The bill for replacing the cladding" is what the work will cost.
    {"cost", "price", "spend", "spent", "budget", "bill"},
    {"worth", "valu", "valuat"},
    # Births in news copy: "the cubs arrived on 21 April".
    {"born", "birth", "arriv"},
    {"caus", "start by", "blam", "trigger", "spark", "due to", "because"},
    # "The council's cabinet agreed the new charges on Tuesday": approved them.
    {"approv", "endors", "vote for", "voted for", "agr", "signed off", "sign off",
     "rubber-stamp", "go-ahead"},
    {"reject", "oppos", "object", "vote against", "voted against", "argu"},
    {"cancel", "call off", "called off", "scrapped"},
    {"rais", "increas", "rise", "rose", "climb", "jump", "soar", "hike"},
    {"cut", "lower", "reduc", "fall", "fell", "drop", "declin"},
    {"close", "closed", "shut", "shut down"},
    {"open", "opened", "reopen", "inaugurat", "back in service", "resum", "back open"},
    {"debut", "first game", "first match", "first appearance"},
    {"build", "construct", "built"},
    {"evacuat", "flee", "fled", "leave their homes", "left their homes", "ordered out"},
    {"return", "go home", "went home", "go back", "went back", "allowed back", "allowed home",
     "back home", "move back", "moved back", "get back"},
    {"house", "houses", "home", "homes", "dwelling", "properties"},
    {"people", "residents", "inhabitants", "persons"},
    {"children", "child", "pupils", "kids"},
    {"boat", "vessel", "ship"},
    # "How many people put money into the shop?" over "raised £214,600 from 392 investors".
    {"invest", "put money", "put in money", "bought shares", "buy shares"},
]


# Past forms news copy uses that no suffix rule reaches ("took over" / "will take charge").
_IRREGULAR = dict(pair.split(":") for pair in (
    "took:take taken:take won:win bought:buy sold:sell fell:fall left:leave led:lead "
    "began:begin begun:begin rose:rise risen:rise paid:pay told:tell made:make held:hold "
    "met:meet ran:run wrote:write written:write gave:give given:give got:get brought:bring "
    "built:build spent:spend sent:send fled:flee struck:strike chose:choose chosen:choose "
    "drove:drive driven:drive flew:fly flown:fly grew:grow grown:grow knew:know known:know "
    "lost:lose found:find kept:keep stole:steal stolen:steal broke:break broken:break "
    "spoke:speak spoken:speak swore:swear sworn:swear went:go gone:go saw:see seen:see "
    "thought:think caught:catch fought:fight sought:seek taught:teach shot:shoot hung:hang "
    "withdrew:withdraw withdrawn:withdraw overtook:overtake undertook:undertake "
    # Too short for the "-ed" rule, which would take "need" to "ne": "owed" is "owe".
    "owed:owe sued:sue died:die used:use tied:tie aged:age axed:axe").split())


def stem(word: str) -> str:
    """A light suffix stripper: enough to match collapsed/collapse and talks/talk, and the
    common irregular past forms (took/take)."""
    w = word.lower().replace("’", "'").removesuffix("'s")
    if w in _IRREGULAR:
        w = _IRREGULAR[w]
        return w.rstrip("e") if len(w) > 3 else w
    for suf, min_len in (("ies", 5), ("ing", 6), ("ed", 5), ("es", 5), ("s", 4)):
        if w.endswith(suf) and len(w) >= min_len:
            w = w[: -len(suf)] + ("y" if suf == "ies" else "")
            # "running", "stopped", "banned": the consonant doubled before the ending is
            # the verb's one ("run", "stop", "ban"); not "ll", "ss", "dd" ("called",
            # "passed", "added").
            if suf in ("ing", "ed") and (_DOUBLED.search(w) or _BRITISH_LL.search(w)):
                w = w[:-1]
            break
    # News names an event by its noun as often as by its verb: "vaccinated" / "vaccination",
    # "dismissed" / "dismissal", "departed" / "departure", "announced" / "announcement".
    for suf, repl, min_len in _DERIVED:
        if w.endswith(suf) and len(w) >= min_len:
            w = w[: -len(suf)] + repl
            break
    return w.rstrip("e") if len(w) > 3 else w


_DOUBLED = re.compile(r"(?<=[aeiou])(bb|gg|mm|nn|pp|rr|tt)$")
# British spelling doubles the l of a verb of two syllables or more ending in "-el":
# "cancelled", "travelled", "compelled" are "cancel", "travel", "compel"; a word of one
# ("spelled", "shelled") keeps it.
_BRITISH_LL = re.compile(r"[aeiouy][^aeiouy]+ell$")


# (suffix, replacement, shortest word it applies to): kept to endings whose stem is the
# verb's in nearly every English word; "-age", "-al" and "-ure" alone are not. A doubled l
# before "-ation" is the British "-el" verb's ("cancellation", "cancel").
_DERIVED = (("llation", "l", 11), ("ation", "at", 8), ("ssal", "ss", 8), ("val", "v", 7),
            ("ture", "t", 8), ("ment", "", 9))


def _stemmed(group: set[str]) -> frozenset[str]:
    # Words and phrases are compared as stems ("started by" is "start by"); entries may be
    # written stemmed already ("collaps"), so both forms are kept.
    return frozenset(group) | {" ".join(stem(w) for w in p.split()) for p in group}


def stemmed_text(text: str) -> str:
    """The text as a run of stems, for matching the paraphrase phrases."""
    return " ".join(stem(t) for t in tokens(text))


SYNONYMS: dict[str, frozenset[str]] = {
    w: g for g in map(_stemmed, _SYNONYM_GROUPS) for w in g
}


def tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text)]


def token_spans(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


def content_terms(text: str) -> list[str]:
    return [stem(t) for t in tokens(text) if t.lower() not in STOPWORDS]


def term_set(text: str) -> set[str]:
    """The content terms of ``text`` plus the synonym groups its phrases belong to."""
    words = set(content_terms(text))
    # "the Polish conductor Pavel Lisowski" for "Who conducts the orchestra?": news names a
    # doer by the noun of the deed (conductor, owner, inspector, teacher).
    words |= {verb for w in words if (verb := _agent_verb(w))}
    low = f" {stemmed_text(text)} "
    # "running out of cash" is not running a university, nor "heading for the coast"
    # heading a company: a verb used only in such a phrase is no synonym of its group.
    for verb, phrases in _PHRASAL.items():
        if verb in words and all(m.group(1) for m in phrases.finditer(low)):
            words.discard(verb)
    terms = set(words)
    # Matched against the text's own words only: a group added here holds phrases of other
    # groups ("in charge"), and whether they chained on depended on the dict's order, which
    # follows the hash seed: the same question scored differently from run to run.
    for word, group in SYNONYMS.items():
        if (" " in word and f" {word} " in low) or word in words:
            terms |= group
    return terms


def _agent_verb(term: str) -> str | None:
    """The verb's stem in a doer's noun: "conductor" -> "conduct", "manager" -> "manag",
    "owner" -> "own"; None for other words."""
    m = _AGENT.match(term)
    if m is None:
        return None
    verb = m.group(1)
    return verb if (len(verb) >= AGENT_VERB_MIN or verb in _SHORT_DEEDS) else None


# A doer's noun: the verb and "-er" / "-or". Shorter verbs than this are mostly not verbs
# ("wat" in "water", "ord" in "order", "may" in "mayor"); the few that are, by name.
_AGENT = re.compile(r"^([a-z]+?)e?(?:r|or)$")
AGENT_VERB_MIN = 4
_SHORT_DEEDS = frozenset({"own", "buy", "run"})


# Stemmed verb -> the phrases in which it means something else (group 1 set for those).
_PHRASAL = {
    "run": re.compile(r"\brun\b( out\b| into\b)?"),
    "head": re.compile(r"\bhead\b( for\b| to\b| toward\b| back\b| home\b| off\b)?"),
}


@lru_cache(maxsize=65536)
def word_terms(word: str) -> frozenset[str]:
    """``term_set`` of one word, cached: readers ask it of every word of every candidate
    sentence, and a story's words come back question after question."""
    return frozenset(term_set(word))


@dataclass(frozen=True)
class QuestionInfo:
    text: str
    # when | who | where | count | amount | duration | which: a short answer exists;
    # why | how | said | happened | other: a sentence answers (DESCRIPTIVE_KINDS).
    kind: str
    terms: tuple[str, ...]
    # Per-term weight; the event verb of "when did X <verb>?" weighs double, since a
    # sentence naming X without the event answers a different question.
    weights: tuple[float, ...] = ()
    # Names and numbers the question is about ("2018", "World Cup"): an answer from a passage
    # that mentions none of them is about something else.
    required: tuple[str, ...] = ()

    # The question's own words that are neither names nor numbers ("brokered", "truce"): what
    # it asks about. A sentence that holds none of them, or their synonyms, answers another
    # question, however many names it shares.
    predicate: tuple[str, ...] = ()
    # The event verb ("brokered" in "Who brokered the deal?", "collapse" in "When did the
    # ceasefire collapse?"), stemmed; a sentence without it (or a synonym) tells of another
    # event, and no span of it is the answer.
    event: str | None = None
    # Whose words a "what did X say" question asks for, lower-case ("norvale's chairman" ->
    # "norvale", "chairman"); the rest of the question is what they spoke about.
    speaker: tuple[str, ...] = ()
    # Words of a relative clause that says which one the question is about ("the firm that
    # cut the city's power cable"), stemmed: they find the story, and the sentence that
    # answers seldom repeats them (``scoring.Weights.describing``).
    describing: tuple[str, ...] = ()

    def weight(self, i: int) -> float:
        return self.weights[i] if i < len(self.weights) else 1.0

    @property
    def factoid(self) -> bool:
        return self.kind not in DESCRIPTIVE_KINDS


# Kinds a sentence answers and no span can: a name pulled out of "Iran said it would
# support…" is no answer to "What did Iran say?".
DESCRIPTIVE_KINDS = frozenset({"why", "how", "said", "happened", "other"})


# The past and present forms a news sentence reports speech with ("said", "told
# reporters", "warned"): one list for every reader of attribution in a sentence (scoring's
# speaker cue, shaping's named-speaker and speaker-name checks).
SPEECH_VERBS = ("said", "says", "told", "tells", "stated", "warned", "announced", "added",
                "noted", "insisted", "argued", "claimed", "denied", "admitted", "promised",
                "pledged", "urged", "wrote", "explained", "estimated")
SPEECH_VERB = "(?:" + "|".join(SPEECH_VERBS) + ")"


# Searched for in the asking sentence; the wh-phrase may sit anywhere in it
# ("Broadway's stars were recognized at which awards show?").
_SAY = (r"(?:say|said|tell|told|announce|claim|warn|state|report|argue|respond|react|"
        r"think|believe|want|promise|pledge|deny|admit|insist|predict|demand|advise|urge|"
        r"recommend|suggest|conclude|describe|accuse|confirm|concede|acknowledge)")
# What someone says, named as a thing given: "What warning did the fire service give?"
_SAID_THING = (r"(?:warning|message|statement|advice|promise|pledge|assurance|apology|appeal|"
               r"plea|answer|response|reply|comment|assessment|verdict|explanation)")
_KINDS = [
    # "What is thought to have caused…": a hedge may stand between "what" and the cause.
    (re.compile(r"\bwhy\b|\bwhat (?:\w+ ){0,4}?(?:caused|cause of|led to|prompted|triggered|"
                r"is behind|was behind|reasons?|explanations?|excuses?|justifications?|grounds)\b|"
                r"\bfor what reason\b|"
                # "What made the slope give way?", "What forced the closure?"
                r"^\W*what (?:made|forced|sparked)\b|"
                # "What were the lecturers protesting about?", "What is the row over?": the
                # matter of a protest or a dispute is its reason.
                r"\bwhat (?:is|are|was|were|has|have|had) (?:[\w’'.-]+ ){0,6}?(?:protest\w*|"
                r"strik\w*|complain(?:s|ed|ing)?|angry|upset|campaign\w*|dispute|row|argument|fuss|"
                r"fight\w*|object\w*|arguing) (?:about|over|against)\b", re.I), "why"),
    # The speaker may be a whole relative clause: "What did the woman who lost her car in
    # the sinkhole say?"
    # "What has the operator announced…": after has/had the verb of saying is a participle.
    (re.compile(rf"\bwhat (?:did|does|do|has|have|had|will|would) "
                rf"(?:(?!do )[\w’'.-]+ ){{1,10}}?(?:{_SAY}(?:d|ed)?|denied|admitted|"
                rf"write|wrote|written)\b"
                rf"|\bhow did (?:[\w’'.-]+ ){{1,6}}?(?:respond|react|describe)\b"
                rf"|\bwhat {_SAID_THING}s? (?:did|does|do|has|have|had|will|would) "
                rf"(?:[\w’'.-]+ ){{1,6}}?(?:give|issue|make|offer|send|deliver)\b"
                rf"|\bwhat (?:was|is|were|has been|had been) said\b"
                rf"|\bwhat (?:was|is|were) (?:[\w’'.-]+ ){{1,6}}?(?:response|reaction|"
                rf"position|view|message|statement|complaint|criticism|verdict|warning|"
                rf"explanation|plea|answer)\b"
                # "What did the traders' head make of the payouts?": a reaction.
                rf"|\bwhat (?:did|does|do) (?:[\w’'.-]+ ){{1,8}}?make of\b", re.I), "said"),
    (re.compile(r"\bwhat (?:happened|happens|has happened|went wrong|is going on|was decided)\b"
                # "What did the council decide?": a decision is told, not named.
                r"|\bwhat (?:did|has|have|had) (?:[\w’'.-]+ ){1,6}?decided?\b"
                # What came of something, or what someone did: told, not named.
                r"|\bwhat (?:came out of|came of|became of|will happen|would happen|"
                r"(?:is|are|was|were) going to happen|"
                r"is happening|is being done|was done|has been done)\b"
                r"|\bwhat (?:did|does|do|will|would) (?:[\w’'.-]+ ){1,6}?do\b"
                # "What's the latest on the strike?": the news since, told.
                r"|\bwhat(?:'s|’s| is| are) (?:the )?latest\b|\bany news (?:on|about)\b",
                re.I), "happened"),
    (re.compile(r"\bhow many\b", re.I), "count"),
    # "How quickly did guards arrive?" asks for the time it took: "within four minutes".
    (re.compile(r"\bhow (?:long|quickly|soon)\b|\bfor how many (?:days|weeks|months|years|"
                r"hours)\b", re.I), "duration"),
    # "From what date will the price increase apply?" asks a date, whatever sum follows.
    (re.compile(r"\b(?:what|which) (?:day|date|year|month)\b", re.I), "when"),
    # "What's the council's estimate for the repair bill?": a sum, however it is owned.
    (re.compile(r"\bwhat(?:['’]s|\s+(?:is|was|are|were|will be))?\s+(?:the\s+)?"
                r"(?:[\w’'-]+\s+){0,3}"
                r"(?:rate|toll|turnout|score|figure|total|budget|salary|fee|bill|"
                r"compensation|payout|fine|reward|bonus|wage|fare|rent|estimate)s?\b", re.I),
     "amount"),
    # The thing costed may take many words: "What will a staff parking permit at
    # Kestrelford General cost per month?"
    (re.compile(r"\bwhat (?:will|would|does|did|do|is|was|are|were)\b(?:\s+[\w’'-]+){1,9}?\s+"
                # "What is the painting worth?", "What was the deal worth?"
                r"(?:cost|be worth|worth|earn|pay|charge)\b", re.I), "amount"),
    (re.compile(r"\bhow (?:much|old|far|big|large|fast|high|tall|heavy|deep)\b"
                r"|\bwhat (?:percentage|percent|proportion|share|amount|age|price)\b"
                # "what was the record high average price": the measure may come late.
                r"|\bwhat (?:[\w-]+ ){1,5}(?:price|cost|fine|salary|percentage)\b"
                r"|\b(?:percentage|percent)\b", re.I),
     "amount"),
    (re.compile(r"\b(when|what (?:day|date|time|year|month)|on what date|which (?:day|date|"
                r"year|month))\b", re.I), "when"),
    (re.compile(r"\b(who|whom|whose)\b|"
                # "What's the name of the driver who braked?": a person, by the "who".
                r"\bwhat(?:['’]s| is| was) the names? of\b[^?]*?\bwho(?:se|m)?\b|"
                r"\b(?:which|what) (?:\w+ )?(?:person|man|woman|people|"
                r"company|firm|country|nation|team|club|group|player|star|actor|actress|"
                r"singer|politician|leader|president|minister|mp|senator|official|brand|"
                r"airline|organi[sz]ation|agency|party|state|city|university|band)\b", re.I),
     "who"),
    (re.compile(r"\bwhere\b|\bin (?:which|what) (?:city|country|state|region)\b", re.I),
     "where"),
    (re.compile(r"^\s*how\b", re.I), "how"),
    (re.compile(r"\b(which|what)\b", re.I), "which"),
]


# A question asking for a place: "which country", "what nation", "which US state".
PLACE_TYPE = re.compile(r"\b(?:which|what)\s+(?:[\w’'-]+\s+)?(?:country|nation|state|island|"
                        r"city|region)\b", re.I)


_HEAD_STOP = STOPWORDS | {"one", "ones", "following"}
_HEAD = re.compile(r"\b(?:which|what)\s+((?:[\w’'-]+\s+){0,3}[\w’'-]+)", re.IGNORECASE)


def answer_type(question: str) -> str | None:
    """The noun phrase naming what is asked for: "which prestigious awards show" -> "awards
    show", "what sport do they play" -> "sport"; None when the question names no type."""
    m = _HEAD.search(asking_sentence(question))
    if not m:
        return None
    words: list[str] = []
    for w in m.group(1).split():
        if w.lower() in _HEAD_STOP:
            if words:
                break
            continue  # "which of these shows": skip the connecting words
        words.append(w)
    return " ".join(words[-2:]) or None


def asking_sentence(question: str) -> str:
    """The sentence that asks: quiz questions often set the scene first. Split as articles
    are, so "No. 1" or "U.S." does not end it."""
    # A trailing parenthesis is context, not the question: a chat follow-up carries the
    # question before it as "(follow-up to: When did the ceasefire collapse?)".
    asked = _TRAILING_ASIDE.sub("", question.strip()) or question.strip()
    parts = sentences(asked)
    return parts[-1] if parts else question


_TRAILING_ASIDE = re.compile(r"\s*\([^()]*\)\s*$")


_SETTING_CLAUSE = re.compile(r"^\s*(?:when|after|before|while|once|as|since)\s+[^,?]+,\s*",
                             re.I)
_WH = re.compile(r"\b(?:who|whom|whose|what|which|when|where|why|how)\b", re.I)
# The last word of a name that makes it an institution of the place or body before it.
INSTITUTION_HEADS = frozenset(
    "Council Hospital Infirmary Museum University College School Academy Court Police "
    "Authority Board Service Services Trust Club Station Airport Bank Centre Center Hall "
    "Library Stadium Department Ministry Agency Commission Assembly Parliament Government "
    "Port Harbour Prison Cathedral Church".split())
# The kind of thing a name is, after the word that makes it one place or body: a "Mill
# Lane" or a "training academy" elsewhere shares only the kind with Cobbler's Lane.
_NAME_KINDS = INSTITUTION_HEADS | frozenset(
    "Lane Road Street Avenue Way Square Place Close Park Bridge Farm Estate".split())
# Capitalised words every story may hold, which say nothing of which story is asked about:
# "When does the Abberfield Christmas market open?" is Abberfield's, not any Christmas's;
# "Who is the MP for Aldermoor?" is Aldermoor's, not that of any town's MP. Days, months,
# feasts and the titles of posts written in capitals.
# Stemmed, so "Monday's" is a day too.
# The feasts and posts are still what the question asks about, so they are among its own
# words (``QuestionInfo.predicate``): a story of Aldermoor that names no MP does not say
# who Aldermoor's MP is.
_MATTER_NAMES = frozenset(stem(w) for w in
                          "christmas easter mp mps mep meps msp msps ceo gp gps".split())
_NO_STORY_NAMES = frozenset(stem(w) for w in (*WEEKDAYS, *MONTH_NAMES)) | _MATTER_NAMES

_CONTRACTED_IS = re.compile(r"\b(what|who|where|when|how|which)['’]s\b", re.I)
# Before a past participle the "'s" is "has": "What's happened to the buses?".
_CONTRACTED_HAS = re.compile(r"\b(what|who|where|when|how|which)['’]s(?= (?:happened|been|gone|"
                             r"become|changed|done|caused|got|taken|left)\b)", re.I)


def analyse(question: str) -> QuestionInfo:
    asking = asking_sentence(question)
    # The earliest wh-phrase asks; a later "when" is a conjunction ("which country ... when
    # he was eight"). Patterns matching at the same place keep their listed priority.
    # "When the deal was announced, how many jobs were to go?": a clause that sets the
    # time opens the question, and the wh-phrase after its comma asks.
    if (lead := _SETTING_CLAUSE.match(asking)) and _WH.search(asking[lead.end():]):
        asking = asking[lead.end():]
    # "What's the bill…" asks what "What is the bill…" asks.
    spelled = _CONTRACTED_IS.sub(r"\1 is", _CONTRACTED_HAS.sub(r"\1 has", asking))
    found = [(m.start(), i, k) for i, (pattern, k) in enumerate(_KINDS)
             if (m := pattern.search(spelled))]
    kind = min(found)[2] if found else "other"
    if _YES_NO.match(spelled) and kind in ("when", "where") and not _ASKS_EMBEDDED.search(
            spelled):
        # "Was the train speeding when it hit the tractor?": a question opening with its
        # verb asks yes or no, and a "when" or "where" after it joins a clause. A sentence
        # answers it, not a date.
        kind = "other"
    seen: dict[str, None] = {}
    for t in content_terms(question):
        seen.setdefault(t, None)
    terms = tuple(seen)
    weights = [1.0] * len(terms)
    event = _event_verb(asking)
    if event is not None and event not in terms and event == phrase_verb(asking):
        # "go home" asks about returning: the group's verb stands for the phrase.
        terms = (*terms, event)
        weights.append(2.0)
    elif event in terms:
        weights[terms.index(event)] = 2.0
    else:
        event = None
    words = tokens(question)
    required = tuple(
        dict.fromkeys(
            stem(t) for i, t in enumerate(words)
            if t.lower() not in STOPWORDS and (t[0].isdigit() or (i > 0 and t[0].isupper()))
            and stem(t) not in _NO_STORY_NAMES
            # "Castlegate Academy": the story is Castlegate's; a "training academy"
            # elsewhere shares only the institution's kind.
            and not (t in _NAME_KINDS and i > 1 and words[i - 1][0].isupper())
        )
    )
    own = [stem(w) for i, w in enumerate(tokens(asking))
           if w.lower() not in STOPWORDS and not w[0].isdigit()
           and not (i > 0 and w[0].isupper() and stem(w) not in _MATTER_NAMES)]
    # A phrase the question uses ("took over", "called off") stands for its synonym group;
    # any single word of the group finds the sentence that words it otherwise.
    for phrase in synonym_phrases(asking):
        # The phrase's words mean it only together: "take over" is no taking.
        own = [w for w in own if w not in phrase.split()]
        own.append(min(w for w in SYNONYMS[phrase] if " " not in w))
    speaker: tuple[str, ...] = ()
    if kind == "said" and (said := speaker_phrase(asking)):
        speaker = tuple(w.strip("'’").removesuffix("'s").removesuffix("’s").lower()
                        for w in said.split() if w.lower() not in STOPWORDS)
    # The speaker is matched as a speaker (scoring.kind_cue), not as a word of the matter.
    spoken = {stem(w) for w in speaker}
    # "What date", "which year": the wh-phrase's noun names the answer's type, which the
    # answering sentence gives ("from 2 March") rather than says.
    if (m := _ASKED_UNIT.search(asking)) and kind == "when":
        spoken.add(stem(m.group(1)))
    predicate = tuple(t for t in dict.fromkeys(own) if t not in _FRAME_WORDS
                      and t not in spoken)
    describing = tuple(_relative_clause_terms(asking, event))
    return QuestionInfo(question, kind, terms, tuple(weights), required, predicate, event,
                        speaker, describing)


def _relative_clause_terms(asking: str, event: str | None) -> list[str]:
    """The stemmed words of a relative clause on a noun of the question (``_relative_clause``):
    "the firm that cut the cable", "Deborah James, who has died aged 40,". The event itself
    is never one: "the driver who braked" asks about braking."""
    words = asking.split()
    found = _relative_clause(words, event=event)
    if found is None:
        return []
    at, end = found
    bare = [w.strip("?,.!\"“”") for w in words[at + 1:end + 1]]
    return [stem(w) for w in bare if w and w.lower() not in STOPWORDS and not w[0].isupper()
            and not w[0].isdigit() and stem(w.lower()) != event]


_SPEAKER = re.compile(rf"\b(?:did|does|do|has|have|had|will|would|was|is|were|are)\s+(.+?)\s+"
                      rf"{_SAY}\w*\b"
                      # "What warning did the fire service give?"
                      rf"|\b{_SAID_THING}s?\s+(?:did|does|do|has|have|had|will|would)\s+(.+?)\s+"
                      rf"(?:give|issue|make|offer|send|deliver)\b", re.I)


def speaker_phrase(asking: str) -> str | None:
    """The words naming whoever a "what did X say" question asks about, as the question
    writes them ("health minister Clara Benedetti", "the union")."""
    m = _SPEAKER.search(asking)
    return (m.group(1) or m.group(2)) if m else None


_ASKED_UNIT = re.compile(r"\b(?:what|which)\s+(day|date|year|month|time)\b", re.I)


# Words that frame a question rather than name what it is about.
# A yes-or-no question opens with its verb: "Was the train speeding…", "Has anyone died…".
_YES_NO = re.compile(r"^\W*(?:is|are|was|were|did|does|do|has|have|had|can|could|will|would|"
                     r"should|may|might)\b", re.I)
# "Did police say when the road would reopen?" asks the when all the same.
_ASKS_EMBEDDED = re.compile(r"\b(?:say|said|know|known|announce[ds]?|reveal(?:ed|s)?|"
                            r"confirm(?:ed|s)?|decided?|tell|told|explain(?:ed)?)\s+"
                            r"(?:us\s+)?(?:when|where)\b", re.I)


_FRAME_WORDS = frozenset(stem(w) for w in (
    "happen happened happening reason reasons respond responded response react reaction "
    "position view message statement think believe cause caused prompted long old "
    "far big large exactly first new answer answers question questions now currently "
    "originally name names explanation excuse justification grounds comment reply "
    "assessment").split())


# "When were…", and "What day were…" / "Which firm was…": the wh-phrase is not the subject
# of the verb after it, the passive's subject stands between.
_BE_QUESTION = re.compile(r"^\s*(?:when|where|how|why|(?:what|which)\s+[a-z]+)\s+"
                          r"(?:was|were|is|are)\s+(.*)$", re.I)


def _split_passive(asking: str) -> str | None:
    """The participle of a passive whose subject stands between it and its "was": "Where
    were the suspects in the theft arrested?" -> "arrest"."""
    m = _BE_QUESTION.match(asking)
    if not m:
        return None
    for w in m.group(1).split():
        w = w.strip("?,.!\"“”")
        if w.lower() in ("that", "which", "who", "whose"):
            return None  # "Where is the factory that produced…": a relative clause's verb
        if w.islower() and (w.endswith("ed") or w in _IRREGULAR) and w not in STOPWORDS:
            return stem(w)
    return None


_AUX = re.compile(r"\b(?:did|does|do|will|has|have|had|could|can|would|should)\s+(.*)$", re.I)
# "go on strike", "go home", "get back": the event is in the words after them.
_LIGHT_VERBS = frozenset("go goes went gone get gets got come came".split())
_PASSIVE = re.compile(r"\b(?:was|were|is|are|been|being)\s+([a-z]+ed|[a-z]+en)\b")
_SUBJECT_ASKED = re.compile(r"^\s*(?:who|whom|(?:which|what) [a-z]+)\s+(.*)$", re.I)
_PARTICLES = frozenset("down up out off back away".split())
_PREPOSITIONS = frozenset("in on at for from under with to by after before during over into "
                          "about against than as".split())


def phrase_verb(asking: str) -> str | None:
    """The one-word verb of a synonym group a phrase of ``asking`` belongs to."""
    low = f" {stemmed_text(asking)} "
    for phrase, group in SYNONYMS.items():
        if " " in phrase and f" {phrase} " in low:
            singles = sorted(w for w in group if " " not in w)
            if singles:
                return singles[0]
    return None


_NAME_OF = re.compile(r"^\W*what(?:['’]s|\s+is|\s+was|\s+are|\s+were)\s+the\s+names?\s+of\b", re.I)


def _event_verb(asking: str) -> str | None:
    """The stemmed verb of the event asked about, or None: "Who brokered the deal?" ->
    "broker"; "When did the ceasefire collapse?" -> "collaps"; "How many games did Rovers
    win under Lenz?" -> "win" (the last lower-case word before a preposition); "Who will be
    coach?" -> None (a copula names no event)."""
    if framed := _NAME_OF.match(asking):
        # "What's the name of the driver who braked?": the event is the relative clause's.
        rel = re.search(r"\b(?:who|that)\s+(.*)", asking[framed.end():])
        return _event_verb("Who " + rel.group(1)) if rel else None
    m = _SUBJECT_ASKED.match(asking)
    if m and (participle := _split_passive(asking)):
        return participle  # "What day were people ordered out?": "people" is no event
    if m and not _AUX.match(m.group(1)):
        for w in m.group(1).split():
            w = w.strip("?,.!\"“”")
            if w and w.islower() and w not in STOPWORDS:
                return stem(w)
            if w and not w.islower():
                return None
        return None
    m = _AUX.search(asking)
    if not m:
        passive = _PASSIVE.search(asking)  # "How big a reward was offered?"
        if passive:
            return stem(passive.group(1))
        return _split_passive(asking)
    rest = [w.strip("?,.!\"“”") for w in m.group(1).split()]
    if rest[:1] == ["be"]:
        return None
    if (after := _past_relative_clause(m.group(1).split())) is not None:
        return after
    for i, w in enumerate(rest[:-1]):
        if w in ("be", "been", "get", "got") and rest[i + 1].islower():
            return stem(rest[i + 1])  # a passive: "will the old bridge be demolished"
    # The clause up to its first preposition ("go on strike" keeps its "on"): a word news
    # uses as a verb names the event wherever it stands there ("will the central bank cut
    # rates": cut, not rates); otherwise its last lower-case word.
    clause: list[str] = []
    for i, w in enumerate(rest):
        if i and w.lower() in _PREPOSITIONS and rest[i - 1] not in _LIGHT_VERBS:
            break
        if w and w.islower() and w not in STOPWORDS and not (clause and w in _PARTICLES):
            clause.append(w)  # "step down": the verb is "step", "down" its particle
    known = [w for w in clause if stem(w) in NEWS_VERBS and w not in _LIGHT_VERBS]
    if not known and any(w in _LIGHT_VERBS for w in clause):
        # "go home", "get into the museum": no event named past the light verb, unless the
        # phrase is one a news verb says otherwise ("go home": return).
        return phrase_verb(asking)
    last = known[0] if known else (clause[-1] if clause else None)
    return stem(last) if last else None


_RELATIVE = frozenset({"that", "who", "which", "whose"})
# Verbs a "that" clause follows as what is said, known or found: "say that", "found that".
THAT_CLAUSE_VERBS = frozenset(stem(w) for w in (
    *SPEECH_VERBS, *"say tell warn claim announce insist argue confirm admit deny report state "
    "add explain suggest believe think know hope fear show find decide agree mean".split()))


def _past_relative_clause(rest: list[str]) -> str | None:
    """"When did the boss of the firm that cut the city's power cable quit?": a relative
    clause says which boss; the event asked about is the news verb after it ("quit"), not
    the clause's own ("cut"). ``rest`` is the question after its auxiliary, punctuation
    kept."""
    found = _relative_clause(rest, whole=False)
    if found is None:
        return None
    bare = [w.strip("?,.!\"“”") for w in rest]
    later = [w for w in bare[found[1] + 1:] if w.islower() and stem(w) in NEWS_VERBS
             and w not in _LIGHT_VERBS]
    return stem(later[0]) if later else None


_WH_WORDS = frozenset("who whom whose what which when where why how".split())
_AUXILIARIES = frozenset("has have had is was were are will would be been being did does do "
                         "can could may might must shall should".split())


def _relative_clause(words: list[str], whole: bool = True,
                     event: str | None = None) -> tuple[int, int] | None:
    """Where a relative clause on a noun stands in ``words`` (split on spaces, punctuation
    kept): its pronoun and its last word. Set off by commas ("Deborah James, who has died
    aged 40, raised…"), it ends at the next comma; otherwise just before the next news verb
    after its own ("the firm that cut the cable quit"; with ``event`` known, just before
    it, so "the deal that ended the port strike" keeps its noun "strike"), or at the end.
    A "that" after a verb of saying or finding opens what was said; the question's own
    wh-word ("…, which platform said") is no relative pronoun. ``whole``: the words are
    the whole question, wh-word and all, not only what follows its auxiliary."""
    bare = [w.strip("?,.!\"“”").lower() for w in words]
    wh = next((i for i, w in enumerate(bare)
               if w.removesuffix("'s").removesuffix("’s") in _WH_WORDS), 0) if whole else 0
    at = next((i for i in range(max(wh + 1, 1), len(bare)) if bare[i] in _RELATIVE
               and stem(bare[i - 1]) not in _NOT_BEFORE_RELATIVE), None)
    if at is None:
        return None
    verb = next((j for j in range(at + 1, len(bare)) if bare[j] not in _AUXILIARIES),
                len(bare) - 1)
    if words[at - 1].endswith(","):
        end = next((j for j in range(at + 1, len(words)) if words[j].endswith(",")),
                   len(words) - 1)
    else:
        end = next((j - 1 for j in range(verb + 1, len(bare))
                    if (stem(bare[j]) == event if event else
                        stem(bare[j]) in NEWS_VERBS and bare[j] not in _LIGHT_VERBS
                        and words[j][:1].islower())), len(words) - 1)
    return at, end


# Verbs of news events, stemmed: the paraphrase groups' single words, the irregular verbs,
# and the common rest.
NEWS_VERBS = frozenset(
    {stem(v) for v in _IRREGULAR.values()}
    | {stem(w) for w in (
        "acquire announce appoint approve argue arrest ban blame block broker build buy cancel "
        "charge chair climb close collapse construct convict cut decide declare decline delay "
        "demolish deny destroy detain die dismiss elect end endorse evacuate expand facilitate "
        "fall fine fire flee flood hire hurt increase injure invest join kill launch lead leave "
        "lose lower manage mediate merge move name nominate object offer open oppose order pass "
        "plan play postpone purchase quit raise recall recruit reduce reject release reopen "
        "replace rescue resign resume return rise rule run sack save score scrap seize sentence "
        "shut sign soar spark spend start stop strike sue succeed suspend take tell test "
        "trigger vote warn win withdraw wound"
    ).split()})
# A word before "that" / "who" after which it opens no relative clause on a noun.
_NOT_BEFORE_RELATIVE = THAT_CLAUSE_VERBS | NEWS_VERBS


def synonym_phrases(asking: str) -> list[str]:
    """The several-word synonyms ("took over", "called off") the asking sentence uses, as
    stemmed keys of ``SYNONYMS``."""
    low = f" {stemmed_text(asking)} "
    return [p for p in SYNONYMS if " " in p and f" {p} " in low]


def phrase_words(question: str) -> int:
    """The words beyond one that the question's synonym phrases hold ("took over": 1). Each
    phrase is one own word of the question (``QuestionInfo.predicate``) but says as much as
    its words."""
    return sum(len(p.split()) - 1 for p in synonym_phrases(asking_sentence(question)))
