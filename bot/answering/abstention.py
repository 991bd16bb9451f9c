"""Whether the archive answers the question at all: "the archive doesn't say" instead of a
guess. Each check reads the ranked candidates for a sign that the story is about something
else (a name in passing, a role nobody holds, another speaker), that it says the matter is
open (undisclosed, pending, not yet happened), or that it gives nothing of the asked type.
``answerable`` runs them all; ``Thresholds`` holds their tuned numbers, with why."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.answering.candidates import Candidate, mentions
from bot.answering.question import (
    SPEECH_VERB,
    SYNONYMS,
    QuestionInfo,
    asking_sentence,
    content_terms,
    speaker_phrase,
    term_set,
    word_terms,
)
from bot.answering.scoring import DEFAULT_WEIGHTS, Weights, relevance
from bot.answering.spans import (
    CURRENCY,
    DISPUTE,
    ONLY_PEOPLE,
    asks_scoreline,
    gives_role,
    names,
    plausible_span,
    role_asked,
)
from bot.attribution import attribute


@dataclass(frozen=True)
class Thresholds:
    # Below this relevance (0.5 meaning + 0.45 own words + 0.05 names, see scoring.Weights)
    # the closest sentence is not about the question (settings.min_relevance).
    min_relevance: float = 0.25
    # A passage missing most of the question's names is about another story.
    required: float = 0.5
    # A short answer needs at least this share of the question's own words in its sentence,
    # each weighted by its rarity (Candidate.lexical): below it the sentence is about the
    # question's story but not what it asks ("Who will be the permanent coach?" over the
    # caretaker's appointment).
    own_words: float = 0.5
    # A span further than this from every word of the question (about ten words) is in
    # another clause's news.
    near_chars: int = 60


DEFAULT_THRESHOLDS = Thresholds()


def answerable(info: QuestionInfo, cands: list[Candidate], t: Thresholds,
               w: Weights = DEFAULT_WEIGHTS) -> bool:
    """The best sentence's story is about the question; for "what did X say about Y", X's
    words are the answer and the article they stand in must be about Y.

    Whether the archive holds the matter is the article's to say, not the best sentence's:
    the sentence that gives the asked date ("will pay 6.8 per cent more from 2 March") may
    word the question's matter ("the price increase") otherwise than its neighbours do,
    and is chosen for the date. So relevance is the closest of the article's sentences,
    as it always was for a speaker's words."""
    if not cands:
        return False
    best = cands[0]
    if best.required < t.required or not names_in_reach(info, best, cands):
        return False
    if info.kind == "said" and not named_speaker_speaks(info, cands):
        return False
    if not role_held(info, [c for c in cands if c.required >= t.required]):
        return False
    if any(left_unsaid(info, c) for c in cands[:UNSAID_SENTENCES]
           if c.chunk.article_id == best.chunk.article_id):
        return False
    if not asked_type_given(info, cands, t):
        return False
    if not succession_told(info, [c for c in cands if c.chunk.article_id == best.chunk.article_id
                                  or c.required >= 1.0]):
        return False
    return max(relevance(c, w) for c in cands
               if c.chunk.article_id == best.chunk.article_id) >= t.min_relevance


def answering_first(info: QuestionInfo, cands: list[Candidate], t: Thresholds,
                    w: Weights = DEFAULT_WEIGHTS) -> list[Candidate]:
    """The ranking with the closest sentence the story checks accept first. The best
    sentence may be another article's that names the asked place once in passing ("who owned
    Kemberton Pharmacy on Hatch Street") while one scoring nearly as well answers ("It is
    being run by Joanna Clitheroe", after "The Hatch Street pharmacy reopened…"): refusing
    for the first would refuse what the second answers. Only sentences within
    ``RUNNER_UP_SHARE`` of the best one's score are tried."""
    if not cands or answerable(info, cands, t, w):
        return cands
    for c in cands[1:RUNNERS_UP + 1]:
        if c.score < RUNNER_UP_SHARE * cands[0].score:
            break
        ranked = [c, *(o for o in cands if o is not c)]
        if answerable(info, ranked, t, w):
            return ranked
    return cands


# How many sentences after the best one may answer in its place, and how close they must
# score: a near tie is a reading the scores cannot separate, a distant one is not.
RUNNERS_UP = 2
RUNNER_UP_SHARE = 0.9


def succession_told(info: QuestionInfo, cands: list[Candidate]) -> bool:
    """"Who replaced the museum director?" is answered by a story that tells someone taking
    over, being appointed or succeeding: one that only names the director tells no
    replacement, whoever it names."""
    if info.event is None or info.event not in _SUCCESSION:
        return True
    return any(_TOLD_SUCCESSION.search(c.text) for c in cands)


# The question's event asks who took someone's place.
_SUCCESSION = SYNONYMS["replac"]
# What a story tells a succession with: taking over, an appointment, a predecessor, a new
# holder of a post. Words, not the synonym groups: a "director" is in the group of running
# things, which holds "in charge", which is also a succession's.
_TOLD_SUCCESSION = re.compile(
    r"\b(?:replac\w*|succeed\w*|success(?:or|ion)|predecessor|(?:took|take[ns]?|taking) "
    r"(?:over|charge)|appoint\w*|named|caretaker|interim|acting|stepp(?:ed|ing) (?:in|up)|"
    r"st(?:an|oo)d(?:s|ing)? in|hired|in (?:his|her|their) place|in place of|"
    r"new (?:[\w’'-]+ ){0,2}(?:director|chief|head|boss|chair\w*|manager|coach|leader|"
    r"executive|president|editor|captain|conductor|governor|minister|owner)s?)\b", re.I)


# How far down the ranking a sentence saying the matter is undisclosed still speaks for
# the story: the best sentence or the two after it.
UNSAID_SENTENCES = 3
# News says in so many words what it does not know: "The firm did not say how much of the
# club's debt it had taken on", "The council has not said what will happen to the buildings".
_UNSAID = re.compile(
    r"\b(?:did|does|do|has|have|had|would|will) not (?:yet )?(?:say|said|disclose[d]?|"
    r"reveal(?:ed)?|give(?:n)?|name[d]?|confirm(?:ed)?|comment(?:ed)? on)\b|"
    r"\bdeclined to (?:say|give|name|disclose|reveal|confirm)\b|"
    r"\b(?:was|were|has|have|had) not (?:yet )?been (?:disclosed|revealed|named|made public|"
    r"released|confirmed)\b|\bit (?:is|was) not (?:yet )?(?:known|clear)\b|\bundisclosed\b",
    re.I)
# "did not disclose the fee, but people familiar with the deal said it was 28 million".
_BUT = re.compile(r",?\s+but\b|;")


def asked_type_given(info: QuestionInfo, cands: list[Candidate], t: Thresholds) -> bool:
    """A factoid is answered only by a story that gives something of the asked type: a
    figure for "how much", a date for "when", a name for "who". When none of the story's
    closest sentences (``UNSAID_SENTENCES``, holding the question's names) holds one
    ("Farmers will be paid compensation for healthy birds" for "How much compensation will
    he get per hen?"), the story is about the question but does not answer it."""
    if not info.factoid or _ASKS_AGE.search(info.text):
        return True
    # The story's sentences, not one article's: the date of a theft may stand in the
    # first report and the question's words in the follow-up.
    story = [c for c in cands[:UNSAID_SENTENCES] if c.required >= t.required]
    if info.kind in ("who", "where", "which"):
        # Any name that could answer, not only the one picked: the pick may be a place
        # the "who" check then turned down, beside the person who did it.
        return any(plausible_span(info, n, c.text)
                   for c in story for _, _, n in names(c.text, info))
    if info.kind == "when" and any(_CLOCK.search(c.text) for c in story):
        return True  # "leaves at 8 o'clock": a time of day, which no date span reads
    if _ASKS_SHARE.search(asking_sentence(info.text)):
        # "What share of the cost is the foundation covering?" over "paid for partly by a
        # grant from the foundation": a sum of money is no share of it, nor is a share of
        # something else ("visitor numbers rose by 30 per cent"). The share stands near
        # the question's own words, as a shown span must.
        return any(abs(p - m.start()) <= t.near_chars
                   for c in story for m in _SHARE_GIVEN.finditer(c.text)
                   for p in predicate_positions(c.text, info))
    if asks_scoreline(info):
        return any(c.short for c in story)
    if info.kind in ("count", "amount"):
        # "How much compensation is the airline demanding?" over a story whose figures are
        # its losses and the runway's repair bill: a figure answers only when it stands by
        # the question's own words, as a shown one must; the share rule above, for any sum.
        return any((c.short and span_near(info, c.text, c.short, t, sums_say_money=True))
                   or (DISPUTE.search(c.text) and figure_follows(c, cands)) for c in story)
    return any(c.short for c in story)


def figure_follows(c: Candidate, cands: list[Candidate]) -> bool:
    """"The two sides also disagree about how many homes were flooded. The trust puts the
    figure at 46, while the action group says 73.": a sentence saying the figure is disputed
    gives it in the next one, which shares fewer of the question's words and ranks below
    the story's closest sentences."""
    return any(n.before == c.text and n.chunk.article_id == c.chunk.article_id and n.short
               for n in cands)


_ASKS_SHARE = re.compile(r"\bwhat (?:share|percentage|proportion|fraction|per ?cent)\b", re.I)
_SHARE_GIVEN = re.compile(r"%|\bper ?cent\b|\b(?:half|third|quarter|fifth|tenth)s?\b|"
                          r"\b(?:one|two|three|four|nine) in (?:two|three|four|five|ten)\b",
                          re.I)


_CLOCK = re.compile(r"\b\d{1,2}(?:[.:]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|o['’]clock)|"
                    r"\b(?:noon|midday|midnight)\b", re.I)


# An age is given as a year ("completed in 1884") or beside a name ("Gerald Pinnock, 58,"),
# neither of which the span finder reads as an amount.
_ASKS_AGE = re.compile(r"\bhow old\b|\bwhat age\b", re.I)


def left_unsaid(info: QuestionInfo, c: Candidate) -> bool:
    """The sentence says the story does not give what the question asks: the words after
    "did not say" hold at least half of the question's own words, and no "but" clause
    goes on to give it after all."""
    if not_yet(info, c) or pending(info, c):
        return True
    m = _UNSAID.search(c.text)
    if m is None or not info.predicate:
        return False
    rest = c.text[m.end():]
    if _BUT.search(rest):
        return False
    told = term_set(rest)
    return sum(p in told for p in info.predicate) >= 0.5 * len(info.predicate)


# What the story says is still to be found or decided, and the thing it names: "while it
# looks for a permanent successor", "a permanent successor is sought", "has asked a tribunal
# to bar him", "were taking legal advice about a judicial review", "will discuss the matter
# at its meeting next Tuesday". Group "thing" is what is pending.
_PENDING = re.compile(
    r"\b(?:look(?:s|ing)?|search(?:es|ing)?|seek(?:s|ing)?|hunt(?:s|ing)?) for "
    r"(?P<thing>(?:[\w’'-]+ ){0,3}[\w’'-]+)|"
    r"\b(?P<sought>(?:[\w’'-]+ ){1,3})(?:is|are|was|were) (?:still |being )?sought\b|"
    r"\bwhile (?P<while>(?:[\w’'-]+ ){1,3})(?:is|are) (?:being )?(?:recruited|found|appointed|"
    r"chosen|decided)\b|"
    r"\b(?:how|hopes?|hoped|plans?|planned|intends?|intended) to (?:appoint|recruit|name|find|"
    r"choose|hire) (?P<hire>(?:[\w’'-]+ ){0,3}[\w’'-]+)|"
    r"\buntil (?P<until>(?:[\w’'-]+ ){1,3})(?:is|are|has been|have been) (?:appointed|found|"
    r"named|chosen|made|agreed|decided)\b|"
    r"\b(?:taking|seeking|take|seek|took|sought) (?:legal )?advice (?:about|on|over) "
    r"(?P<advice>(?:[\w’'-]+ ){0,3}[\w’'-]+)|"
    r"\b(?:has|have|had) asked (?P<asked>(?:[\w’'-]+ ){0,3}[\w’'-]+) to\b|"
    r"\b(?P<body>(?:[\w’'-]+ ){1,4})(?:will|would|is to|are to|is due to|are due to|is "
    r"expected to|are expected to|plans to|plan to) (?:discuss|consider|decide|rule on|hear|"
    r"review|debate|look at|examine|vote on)\b", re.I)
# A question after what came of something, not when or where it will be.
_ASKS_OUTCOME = re.compile(r"\b(?:did|was|were|has|have|had)\b|\b(?:outcome|result|verdict|"
                           r"decision|decided|permanent)\b", re.I)


def pending(info: QuestionInfo, c: Candidate) -> bool:
    """The sentence says the thing the question asks about is still being sought or
    decided: "Who will be the permanent chief executive?" over "named Whitlow as interim
    chief executive while it looks for a permanent successor"; "What was decided at the
    scrutiny meeting?" over "the scrutiny committee will discuss the situation at its
    meeting next Tuesday". What is pending holds one of the question's own words; a
    question after when or where it will be is answered by such a sentence, one asking
    what someone said by their words, not their plans, and one asking why by a reason
    for what has happened."""
    if (info.kind in ("when", "where", "said", "why") or not _ASKS_OUTCOME.search(info.text)
            or _ASKS_SEARCH.search(info.text)):
        return False
    wanted = set(info.predicate)
    for m in _PENDING.finditer(c.text):
        thing = next(g for g in m.groups() if g)
        # Its own words, not their paraphrase group: a "permanent successor" sought is
        # not the "interim" chief executive asked about, though both are in the group of
        # taking over.
        if set(content_terms(thing)) & wanted:
            return True
    return False


# "How long could it take to find a permanent chief executive?": the search itself asked.
_ASKS_SEARCH = re.compile(r"\b(?:find|finding|look|looking|search|searching|seek|seeking|"
                          r"hunt|hunting|recruit|recruiting)\b", re.I)


# What has not happened yet: "He has not yet been sentenced", "The cubs are yet to be named".
_NOT_YET = re.compile(r"\b(?:has|have|had|is|are|was|were) not (?:yet )?been ([\w’'-]+)|"
                      r"\b(?:is|are|was|were) yet to be ([\w’'-]+)|"
                      r"\b(?:has|have) yet to ([\w’'-]+)", re.I)


def not_yet(info: QuestionInfo, c: Candidate) -> bool:
    """The sentence says the asked event has not happened to the one asked about: "How long
    a sentence did Danforth get?" over "Danforth pleaded guilty. He has not yet been
    sentenced." The verb is one of the question's words, and the sentence (or, for a he or
    she, the one before) names the question's names."""
    m = _NOT_YET.search(c.text)
    if m is None or not (word_terms(next(g for g in m.groups() if g)) & set(info.predicate)):
        return False
    about = c.text + " " + c.before if PERSONAL.search(c.text) else c.text
    return not info.required or bool(set(info.required) & term_set(about))


def named_speaker_speaks(info: QuestionInfo, cands: list[Candidate]) -> bool:
    """"What did health minister Clara Benedetti say?" is answered only by words the
    passages give to Benedetti: a sentence that names her as someone the MP met says
    nothing of hers. Checked when the question names the speaker (the phrase ends in a
    name); "the union" or "the chairman" are found by role (``scoring.speaker_names``)."""
    said = speaker_phrase(asking_sentence(info.text))
    if not said or not re.search(r"\b[A-Z][\w’'-]+$", said):
        return True
    surname = re.escape(said.split()[-1])
    # The name as the subject of a speech verb ("Dana Okafor told reporters", "said
    # Ostrander", "according to Benedetti"), or the attribution's own reading of it.
    # "said the association's chair, Keith Darrow": a title may stand between.
    speaks = re.compile(rf"\b{surname}\b(?:\W+[\w’'-]+){{0,8}}?\W+{SPEECH_VERB}\b|"
                        rf"\b{SPEECH_VERB}\W+(?:[\w’'.-]+\W+){{0,5}}{surname}\b|"
                        rf"\baccording to\W+(?:[\w’'.-]+\W+){{0,4}}{surname}\b", re.I)
    for c in cands:
        for sentence in (c.text, c.before):
            if speaks.search(sentence) or re.search(surname, attribute(sentence) or ""):
                return True
    # Each passage once: several candidates are sentences of the same one.
    texts = {c.chunk.id: c.chunk.text for c in cands}
    return any(speaks_next(surname, text) for text in texts.values())


# The first attribution after a name, within a sentence or two.
_NEXT_ATTRIBUTION = re.compile(
    rf"\b(?:(he|she)\s+{SPEECH_VERB}|{SPEECH_VERB}\s+(he|she)|[A-Z][\w’'-]+\s+{SPEECH_VERB}|"
    rf"{SPEECH_VERB}\s+(?:[\w’'.-]+\s+){{0,3}}[A-Z][\w’'-]+)\b")
# How far after the name its "she said" may stand: a sentence or two.
_NEXT_REACH = 250


def speaks_next(surname: str, text: str) -> bool:
    """News introduces a person, then quotes them by pronoun: "Among those affected is Carol
    Ibbotson, 58, a decorator. \"My mother worked here,\" she said." The first attribution
    after the name is a he or she, not another name."""
    for m in re.finditer(rf"\b{surname}\b", text):
        nxt = _NEXT_ATTRIBUTION.search(text, m.end(), m.end() + _NEXT_REACH)
        if nxt is not None and (nxt.group(1) or nxt.group(2)):
            return True
    return False


def question_names(info: QuestionInfo) -> list[str]:
    """The names the question is about (stemmed), without its numbers. The days and months
    it dates itself by ("on Monday", "in March") are no names of it already
    (``question._NO_STORY_NAMES``)."""
    return [r for r in info.required if not r[0].isdigit()]


def names_in_reach(info: QuestionInfo, best: Candidate, cands: list[Candidate]) -> bool:
    """Every name the question asks about that the article gives stands in the answering
    sentence or the one before it, or is what the article is about: in its title or lead, or
    in more than one of its sentences. A place the article names once in passing ("cargo
    was diverted to Deelwick") does not make its sentences about that place: "When did
    dockworkers at Deelwick strike?" is not answered by Carrowmore's strike."""
    # The names of the asking sentence: a quiz's scene-setting sentences name the story,
    # which the passage check (Candidate.required) already holds to.
    # "According to the FAA, …" names who says it, not what it is about; the first word is
    # capitalised because it starts the sentence ("Among the companies…").
    asking = re.sub(r"(?i)\baccording to [^,?]+", "", asking_sentence(info.text))
    # "Prime Minister Denys Shmyhal said the cost will be…": the speaker, like "according
    # to", says who gives the answer, not what the story is about.
    asking = _SPEAKER_SAID.sub(" ", asking)
    body = re.sub(r"^\W*[A-Z][\w’'-]*\s+", "", asking)
    asking_terms = term_set(body)
    wanted = [r for r in question_names(info) if r in asking_terms]
    if not wanted:
        return True
    # One name, one check: news gives "Fenella Rourke" once and "Ms Rourke" after, and a
    # "Dr Harriet Quayle" the question names is in reach where "Dr Quayle said" is.
    groups: list[set[str]] = []
    for run in NAME_RUN.findall(body):
        group = term_set(run) & set(wanted)
        if group:
            groups.append(group)
    grouped = set().union(*groups)
    groups += [{r} for r in wanted if r not in grouped]
    if PERSONAL.search(best.text + " " + best.before):
        return True  # "She also led the Dutch…": whom the pronoun stands for was named earlier
    source = best.chunk.source.lower()
    article = [c for c in cands if c.chunk.article_id == best.chunk.article_id]
    leads = [c.text for c in article if c.lead]
    near_text = " ".join([best.text, best.before, best.chunk.title, *leads])
    # Each text's terms once, however many names are looked up in it.
    near = (near_text, term_set(near_text))
    sentences = [(c.text, term_set(c.text)) for c in article]

    def named(r: str, text: tuple[str, set[str]]) -> bool:
        return mentions(r, text[1], text[0], source, info.text)

    asked = set(info.predicate)
    # "Who is standing in for Fenella Rourke?": the sentence naming the successor seldom
    # names whom they succeed, and the story of the departure names them once.
    replaced = {t for m in _REPLACED.finditer(body) for t in term_set(m.group(1))}

    def in_reach(r: str) -> bool:
        if named(r, near) or r in replaced:
            return True
        naming = [s for s in sentences if named(r, s)]
        # A name the article never gives is the passage check's to judge
        # (Candidate.required); one given in more than one sentence is what it is about.
        # One given once is in passing, unless that sentence tells of what is asked:
        # "The crash happened … on the descent of Carrow Hill" is about the crash asked of.
        # A question of nothing but its names ("What happened to the Meadow Tent?") asks
        # of whatever the sentence naming them tells.
        return len(naming) != 1 or not asked or bool(asked & naming[0][1])

    return all(any(in_reach(r) for r in group) for group in groups)


NAME_RUN = re.compile(r"(?:[A-Z][\w’'.-]*\s+)*[A-Z][\w’'.-]*")
_REPLACED = re.compile(r"\b(?:replac\w*|succeed\w*|(?:tak\w+|took) over from|"
                       r"(?:stand|step|fill)\w* in for|in place of|covering for)\s+"
                       r"((?:[A-Z][\w’'.-]*\s+)*[A-Z][\w’'.-]*)")


_SPEAKER_SAID = re.compile(
    rf"(?:[A-Z][\w’'.-]*\s+){{1,4}}(?=(?:has\s+|had\s+)?{SPEECH_VERB}\b)")
# A sentence about a person the story named before, by a pronoun.
PERSONAL = re.compile(r"\b(?:[Hh]e|[Ss]he|[Hh]is|[Hh]er|[Hh]im)\b")


def role_held(info: QuestionInfo, cands: list[Candidate]) -> bool:
    """"What is the name of the worker who was hospitalised?" is answered only where a
    sentence gives someone that role ("worker Tom Hale", "the driver…, Colin Brereton"):
    passages that never do (three workers were treated, unnamed) do not say who. The role's
    head noun is enough here ("first guest" for "the star guest"); the name shown is held
    to the whole role (``role_fits``)."""
    role = role_asked(info)
    if role is None or role.split()[-1] in ONLY_PEOPLE:
        return True
    head = role.split()[-1]
    # "after a local businesswoman offered to cover the costs": news introduces someone by
    # the role and names them in another sentence, which may be the answer.
    introduced = re.compile(rf"\ban?\s+(?:[\w’'-]+\s+){{0,2}}{re.escape(head)}\b", re.I)
    # "District Judge Harriet Moule": the title may be written as part of the name.
    return any(introduced.search(c.text)
               or any(gives_role(head, n, c.text) or head in n.lower().split()[:-1]
                      for _s, _e, n in names(c.text, info))
               for c in cands)




def predicate_positions(sentence: str, info: QuestionInfo,
                        sums_say_money: bool = False) -> list[int]:
    """Where the sentence says one of the question's own words (or a synonym). With
    ``sums_say_money``, a sum says "money": "Wine lovers have given £48,000" gives a sum
    for how much money a crowdfunder raised, though which sum is for the reading to say."""
    wanted = set(info.predicate)
    said = [m.start() for m in re.finditer(r"[\w’'-]+", sentence)
            if word_terms(m.group()) & wanted]
    if sums_say_money and wanted & _MONEY_WORDS:
        said += [m.start() for m in CURRENCY.finditer(sentence)]
    return said


_MONEY_WORDS = frozenset({"money", "cash"})


def span_near(info: QuestionInfo, sentence: str, short: str, t: Thresholds,
              sums_say_money: bool = False) -> bool:
    """The span stands within ``Thresholds.near_chars`` of one of the question's own words;
    a span the sentence does not spell out (a resolved date, a normalised figure) is taken
    as the sentence's own."""
    at = sentence.lower().find(short.lower())
    if at < 0 or not info.predicate:
        return True
    near = predicate_positions(sentence, info, sums_say_money)
    return any(abs(p - at) <= t.near_chars or abs(p - (at + len(short))) <= t.near_chars
               for p in near)
