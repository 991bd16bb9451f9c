"""Stage 4 of reading: what the user is shown.

- Nothing close enough, or only sentences about something else: the archive doesn't say.
- A factoid (who, when, where, how many/much/long) answered by a sentence that holds the
  question's own words (``confident``): the short answer and its quote.
- Anything else: the quote alone. A "why" or "what did X say" is answered by a sentence,
  and a span pulled out of a sentence that may answer another question misleads more than
  it helps.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from bot.answer import Answer, Citation, ConflictValue
from bot.answering import NO_ANSWER
from bot.answering.abstention import (
    DEFAULT_THRESHOLDS,
    NAME_RUN,
    PERSONAL,
    UNSAID_SENTENCES,
    Thresholds,
    answerable,
    left_unsaid,
    question_names,
    span_near,
)
from bot.answering.candidates import (
    Candidate,
    article_texts,
    citation_for,
    with_antecedent,
    with_speakers_words,
)
from bot.answering.fit import fits, passed_for_coming
from bot.answering.question import (
    PLACE_TYPE,
    STOPWORDS,
    QuestionInfo,
    answer_type,
    asking_sentence,
    stem,
    term_set,
)
from bot.answering.scoring import (
    DEFAULT_WEIGHTS,
    Weights,
    kind_cue,
    names_cause,
    predicate_share,
    relevance,
    reports_speech,
    weak_reason,
)
from bot.answering.spans import (
    DISPUTE,
    SET_AGAINST,
    asks_tally,
    figure_of,
    name_candidates,
    names,
    numbers,
    plausible_span,
    short_answer,
)
from bot.answering.syntax import names_a_person
from bot.attribution import attribute
from bot.temporal import format_day
from retrieval.types import Embedder


def about_person_asked(info: QuestionInfo, best: Candidate, cands: list[Candidate]) -> bool:
    """A question about a person the passages name ("How long had Beatrice Lund been on the
    board?") is answered by a sentence about them: it, or the one before, names them or
    speaks of a he or she. A figure in the story's lead ("stepped down a week after…") is
    someone else's."""
    people = people_named(info, cands)
    if not people:
        return True
    text = best.before + " " + best.text
    if all(re.search(rf"\b{re.escape(p.split()[-1])}\b", text) for p in people):
        return True
    return any(not another_person_before(text[:m.start()])
               for m in PERSONAL.finditer(text))


def another_person_before(text: str) -> bool:
    """"Raphael Okoro, 81, who has grown vegetables on plot 17 since 1971, said he…": a he
    or she after a person the sentence names in full is that person, not the one asked
    about."""
    return any(len(run.split()) >= 2 and names_a_person(run, text)
               for run in NAME_RUN.findall(text))


# The party a sentence's event happens to or is done by; not its speaker ("Fellway said…"),
# who may report anyone's news.
_SUBJECT = re.compile(r"^\W*((?:[A-Z][\w’'.&-]*\s+)*[A-Z][\w’'.&-]*)\s+(?:was|were|is|are|has|"
                      r"had|have|will|would|paid|pays|received|got|faces?|faced)\b")


def story_asked(info: QuestionInfo, best: Candidate, cands: list[Candidate]) -> bool:
    """A question without names says which story it asks about by its own words alone: "How
    much will the tram cost?" is not answered by the museum story's "cost 68 million euros"
    while a retrieved tram story offers a sum too and holds every word of the question
    (title and retrieved text) that the museum story lacks. With names, the names decide
    (``Candidate.required``)."""
    if info.required or not info.predicate:
        return True
    held = holds_all_words(info, cands)
    rivals = {c.chunk.article_id for c in cands if c.short} - {best.chunk.article_id}
    return held[best.chunk.article_id] or not any(held[a] for a in rivals)


def holds_all_words(info: QuestionInfo, cands: list[Candidate]) -> dict[str, bool]:
    """For each article among the candidates: does its title and retrieved text hold every
    one of the question's own words?"""
    return {article: all(t in term_set(text) for t in info.predicate)
            for article, text in article_texts(c.chunk for c in cands).items()}


def about_another_party(info: QuestionInfo, best: Candidate) -> bool:
    """"WhatsApp was last year fined a record 225 million euros" for "How much was Instagram
    fined?": the sentence's subject is another party the question does not name, and it
    names none of the question's names: its figure or date is that party's."""
    if info.kind not in ("amount", "count", "when", "duration"):
        return False
    m = _SUBJECT.match(best.text)
    if m is None or m.group(1).split()[0].lower() in STOPWORDS:
        return False
    asked = set(question_names(info))
    # The subject is part of the sentence: a sentence naming none of them has a subject
    # naming none of them.
    return bool(asked) and not (term_set(best.text) & asked)


def people_named(info: QuestionInfo, cands: list[Candidate]) -> list[str]:
    """The people the asking sentence names in full, as the passages' parse reads them."""
    runs = [r for r in NAME_RUN.findall(re.sub(r"^\W*[A-Z][\w’'-]*\s+", "",
                                                asking_sentence(info.text)))
            if len(r.split()) >= 2]
    people = []
    for run in runs:
        holder = next((c.text for c in cands if run in c.text), None)
        if holder is not None and names_a_person(run, holder):
            people.append(run)
    return people


def fullest_name(short: str, c: Candidate, cands: list[Candidate]) -> str:
    """The longest name in the same article that ends with the short answer ("Arnesen" ->
    "Tomas Arnesen"): news names a person in full once, then by surname."""
    if " " in short:
        return short
    found = [n for o in cands if o.chunk.article_id == c.chunk.article_id
             for _s, _e, n in names(o.text, _NO_QUESTION)
             if n.endswith(f" {short}") and len(n.split()) <= 4]
    return max(found, key=len) if found else short


_NO_QUESTION = QuestionInfo("", "other", ())


def place_for_demonym(name: str, texts: list[str]) -> str:
    """"North Korean" -> "North Korea", "Cubans" -> "Cuba", when the passages name the place
    too: the question asked for a place, the sentence used its people's name."""
    for suffix, repl in (("ians", ""), ("ian", ""), ("ans", "a"), ("an", "a"), ("ns", ""),
                         ("n", "")):
        if name.endswith(suffix):
            place = name[: -len(suffix)] + repl
            if len(place) >= 4 and any(re.search(rf"\b{re.escape(place)}\b", t) for t in texts):
                return place
    return name


# Where one clause of a sentence ends and the next, about something else, begins.
_CLAUSE_BREAK = re.compile(r",\s+(?:and|but|while|whereas)\s+|;\s+|\s+—\s+|,\s+(?=which\b)")


def clause_span(info: QuestionInfo, best: Candidate, embedder: Embedder) -> str | None:
    """The typed span of the clause that answers, when the sentence holds two: "Construction
    is planned to start in 2025, and the first trams should carry passengers in 2028" for
    "When will the trams start running?" is 2028, the clause about trams running, though
    "start" sits beside 2025. Clauses are judged as sentences are: meaning and the
    question's own words."""
    cuts = [0, *(m.end() for m in _CLAUSE_BREAK.finditer(best.text)), len(best.text)]
    clauses = [best.text[a:b] for a, b in itertools.pairwise(cuts)]
    spans = [short_answer(c, info, best.chunk.published_at) for c in clauses]
    typed = [(c, s) for c, s in zip(clauses, spans, strict=True) if s]
    if len({s.lower() for _c, s in typed}) < 2:
        return best.short
    vecs = embedder.embed([info.text] + [c for c, _s in typed])
    sims = (vecs[1:] @ vecs[0]).tolist()
    fit = [sim + predicate_share(info, term_set(c))
           for sim, (c, _s) in zip(sims, typed, strict=True)]
    return typed[max(range(len(typed)), key=lambda i: fit[i])][1]


# A name unlike the asked-for type keeps half its votes: the embedder's sense of type is
# a hint, and plenty of right answers are names it has never seen.
TYPE_FLOOR = 0.5


def name_vote(info: QuestionInfo, cands: list[Candidate], embedder: Embedder,
              nouns: bool | None = None) -> Candidate:
    """The name the given sentences offer, each weighted by the sentence's score and by the
    reading rules of ``spans.name_candidates`` (near the question's words, after a
    preposition for "where", quoted for a title), then by how much it looks like the
    asked-for type ("which planet": Jupiter over NASA). Lower-case words are candidates too
    (``nouns``), by default when the question names a type ("what sport": chess). Returns
    the sentence naming the winner with its short answer set to that name, in full."""
    wanted = answer_type(info.text)
    if nouns is None:
        nouns = wanted is not None
    totals: dict[str, float] = {}
    display: dict[str, str] = {}
    where: dict[str, Candidate] = {}
    for c in cands:
        for name, weight in name_candidates(c.text, info, nouns=nouns):
            key = name.lower()
            totals[key] = totals.get(key, 0.0) + max(c.score, 1e-3) * weight
            display.setdefault(key, name)
            where.setdefault(key, c)
    if not totals:
        return cands[0]
    # A name that contains another ("Joe Biden" vs "Biden", "The Last Supper" vs "Last
    # Supper") collects half the shorter one's votes; "Armenian and Azerbaijani" is two names.
    for key in list(totals):
        for other in list(totals):
            if other != key and f" {other}" in f" {key}" and " and " not in key:
                totals[key] += totals[other] * 0.5
    if wanted and len(totals) > 1:
        keys = list(totals)
        vecs = embedder.embed([wanted] + [display[k] for k in keys])
        sims = (vecs[1:] @ vecs[0]).tolist()
        for key, sim in zip(keys, sims, strict=True):
            totals[key] *= TYPE_FLOOR + max(0.0, float(sim))
    winner = max(totals, key=lambda k: totals[k])
    best = where[winner]
    return replace(best, short=fullest_name(display[winner], best, cands))


def short_for(info: QuestionInfo, best: Candidate, cands: list[Candidate],
              embedder: Embedder) -> str | None:
    """The best sentence's typed span in the form a reader expects."""
    if not best.short:
        return None
    if info.kind in ("who", "where", "which") and not asks_tally(info):
        short = name_vote(info, [best], embedder).short
        if short and (info.kind == "where" or PLACE_TYPE.search(info.text)):
            short = place_for_demonym(short, [c.chunk.title + " " + c.chunk.text
                                              for c in cands[:6]])
        return short
    return clause_span(info, best, embedder)


def voted_name(info: QuestionInfo, cands: list[Candidate], embedder: Embedder) -> str | None:
    """The name the top sentences agree on (``name_vote`` over those scoring within
    ``VOTER_SHARE`` of the best), in the form a reader expects."""
    top = cands[:VOTERS]
    voters = [c for c in top if c.score >= VOTER_SHARE * top[0].score] if top else []
    if not voters:
        return None
    short = name_vote(info, voters, embedder).short
    if short and (info.kind == "where" or PLACE_TYPE.search(info.text)):
        short = place_for_demonym(short, [c.chunk.title + " " + c.chunk.text for c in top])
    return short


# The sentences that vote: the best six, within 60% of the best one's score; further down
# they answer other questions.
VOTERS = 6
VOTER_SHARE = 0.6


def confident(info: QuestionInfo, best: Candidate, short: str, t: Thresholds) -> bool:
    """Is the span the answer, not just a span of the asked type in an on-topic sentence?
    The sentence holds most of what the question asks (its own words or their synonyms,
    each weighted by how rare it is among the candidates, so "permanent" in "Who will be the
    permanent coach?" counts more than "coach"), holds the question's event verb ("asked"
    in "Who asked the mediators to step in?"), and the span stands near those words: a name
    or figure far from them belongs to another clause's news."""
    if best.lexical < t.own_words or (info.event and info.event not in term_set(best.text)):
        return False
    if not plausible_span(info, short, best.chunk.text):
        return False
    return span_near(info, best.text, short, t)


def supporting(info: QuestionInfo, best: Candidate, cands: list[Candidate],
               w: Weights, short: str | None = None) -> Candidate | None:
    """A second sentence, when the best one may not say it all.

    - A descriptive answer: the reason or the words reported, when the best sentence names
      the matter but another of the same article says it; else the article's next best
      sentence, when it reads about as close (``SECOND_SENTENCE``). A why or a what-happened
      is told in two sentences as often as in one, and no span is cut from either.
    - A factoid the reader is not sure of (no short answer shown): the next sentence that
      offers a span of the asked type. Two quotes the user can judge beat one that may be
      the story's lead restating the question; each is cited."""
    def close_in_article(c: Candidate) -> bool:
        # The same article: a sentence from another story is an answer to another question,
        # however close it scores.
        return (c.chunk.article_id == best.chunk.article_id
                and c.score >= SECOND_SENTENCE * best.score)

    if info.factoid:
        if short:
            return None
        if info.kind == "who" and (named := named_next(best, cands)) is not None:
            return named
        # A close sentence whose span stands by the question's words reads as the answer
        # ("The cubs arrived on 21 April", for when they were born) more than one whose
        # span belongs to another clause ("a programme Gorsebrook joined in 2009").
        for c in cands[1:4]:
            if (c.short and close_in_article(c) and c.text != best.text
                    and span_near(info, c.text, c.short, DEFAULT_THRESHOLDS)):
                return c
        if (close := runner_up(best, cands)) is not None:
            return close
        for c in cands[1:4]:
            if c.short and close_in_article(c) and c.text != best.text:
                return c
    elif not kind_cue(info, best):
        # The speaker's own words right after the act, then a sentence of the article
        # giving a reason, in so many words or by an "after" that may be one.
        if info.kind == "why" and (quote := quote_after(best, cands)) is not None:
            return quote
        # A word of cause before an "after" that may only be a time; the cause from the
        # story's other report too ("The fire service said on Friday that the blaze had been
        # caused by an electrical fault" in the follow-up), when it holds the story's names
        # and reads as close.
        cued = [c for c in cands[1:6] if kind_cue(info, c)]
        for group in ([c for c in cued if names_cause(info, c)], cued):
            for c in group:
                if close_in_article(c):
                    return c
            for c in group:
                if c.required >= 1.0 and c.score >= SECOND_SENTENCE * best.score:
                    return c
        for c in cands[1:6]:
            if close_in_article(c) and weak_reason(info, c):
                return c
        if info.kind == "why" and (told := reason_told(best, cands)) is not None:
            return told
    if not info.factoid:
        for c in cands[1:4]:
            if close_in_article(c) and c.text != best.text and c.text not in best.before:
                return c
    return runner_up(best, cands)


def closest_in_meaning(best: Candidate, cands: list[Candidate],
                       t: Thresholds) -> Candidate | None:
    """The sentence the embedder alone reads as closest to the question, when it is not the
    best one and belongs to the same story (it holds the question's names). Two readers
    of an unsure answer: the combined score leans on the question's words and bonuses,
    the embedder on meaning ("stepped down" for "quit"); where they differ the user sees
    both sentences, each cited."""
    story = [c for c in cands[:MEANING_READER] if c.required >= t.required]
    if not story:
        return None
    meant = max(story, key=lambda c: c.dense)
    return None if meant is best or meant.dense <= best.dense else meant


# The sentences the meaning-only reader chooses from: the best ten by the combined score,
# so a sentence no other signal ranks near the top is not quoted on meaning alone.
MEANING_READER = 10


_NOW = re.compile(r"\b(?:now|currently|at present|so far|latest|still)\b", re.I)


def later_and_as_close(best: Candidate, cands: list[Candidate]) -> list[Candidate]:
    """The sentences of reports published after ``best``'s that read about as close to the
    question (within ``RUNNER_UP``); none when ``best`` has no publish date."""
    told = best.chunk.published_at
    if told is None:
        return []
    return [c for c in cands if c.score >= RUNNER_UP * best.score
            and c.chunk.published_at is not None and c.chunk.published_at > told]


def latest_first(info: QuestionInfo, cands: list[Candidate]) -> list[Candidate]:
    """"How much is Vessant now paying?" over a first report and a follow-up: the latest
    report of the story answers "now", when it reads about as close to the question (within
    ``RUNNER_UP`` of the best) and, for a factoid, offers the asked type."""
    if not cands or not _NOW.search(asking_sentence(info.text)):
        return cands
    best = cands[0]
    later = [c for c in later_and_as_close(best, cands[1:4])
             if c.required >= 1.0 and (c.short or not info.factoid)]
    if not later:
        return cands
    newest = max(later, key=lambda c: (c.chunk.published_at, c.score))
    return [newest, *(c for c in cands if c is not newest)]


def settled_later(info: QuestionInfo, cands: list[Candidate]) -> list[Candidate]:
    """News moves on: what a report says is still open ("hoped to name a permanent
    replacement within a fortnight") a later report of the story may settle ("have
    appointed Kyle Brannagan as their new head coach"). A later report's sentence, reading
    about as close (within ``RUNNER_UP``) and, for a factoid, offering the asked type, comes
    first, so the earlier report's "still to be decided" no longer speaks for the story."""
    if not cands or not left_unsaid(info, cands[0]):
        return cands
    best = cands[0]
    later = next((c for c in later_and_as_close(best, cands[1:UNSAID_SENTENCES])
                  if c.required >= best.required and (c.short or c.argument or not info.factoid)
                  and not left_unsaid(info, c)), None)
    if later is None:
        return cands
    return [later, *(c for c in cands if c is not later)]


def choose(info: QuestionInfo, cands: list[Candidate]) -> list[Candidate]:
    """The ranked sentences with the one that answers first: scores say how close each
    reads; these say which of the close ones is about the story asked, whether a later
    report settles what the best one leaves open and, when "now" is asked, the latest
    report. Both answerers judge the same first sentence."""
    return latest_first(info, settled_later(info, whole_matter_first(
        info, speech_first(info, whole_story_first(cands)))))


def speech_first(info: QuestionInfo, cands: list[Candidate]) -> list[Candidate]:
    """"What did officials say about the storm?" asks for someone's words: a best sentence
    that reports nobody speaking (the headline "Storm Hilde brings record gusts to the west
    coast") gives way to the first of the next few in its story that does ("The grid
    operator said most of them would be reconnected by Saturday"), however much closer the
    other reads (``close_one_first``)."""
    if not cands or info.kind != "said" or reports_speech(cands[0].text):
        return cands
    story = cands[0].chunk.article_id
    return close_one_first(cands, lambda c: c.chunk.article_id == story
                           and reports_speech(c.text), however_far=True)


def whole_matter_first(info: QuestionInfo, cands: list[Candidate]) -> list[Candidate]:
    """A question without names says which story it asks about by its own words alone (see
    ``story_asked``): "How much will the tram cost?" over the museum story's "cost 68
    million euros" and the tram story's "would cost 412 million euros", scoring about as
    close (within ``RUNNER_UP``), is answered from the tram story, which holds every word
    of the question, first."""
    if not cands or info.required or not info.predicate:
        return cands
    held = holds_all_words(info, cands)
    if held[cands[0].chunk.article_id]:
        return cands
    return close_one_first(cands, lambda c: held[c.chunk.article_id]
                           and bool(c.short or not info.factoid))


def whole_story_first(cands: list[Candidate]) -> list[Candidate]:
    """The question's names say which story it asks about: a sentence whose article misses
    one of them ("When did the lynx break out of Hallowmere Zoo?" over a wildfire that
    "broke out on Saturday") gives way to one, scoring about as close (within
    ``RUNNER_UP``), whose article holds them all."""
    if not cands or cands[0].required >= 1.0:
        return cands
    return close_one_first(cands, lambda c: c.required >= 1.0)


def close_one_first(cands: list[Candidate], wanted: Callable[[Candidate], bool],
                    however_far: bool = False) -> list[Candidate]:
    """The ranking with the first of the three sentences after the best that is ``wanted``
    and scores about as close (within ``RUNNER_UP``, or at any score ``however_far``) moved
    to the top; unchanged when none is."""
    best = cands[0]
    moved = next((c for c in cands[1:REACH]
                  if wanted(c) and (however_far or c.score >= RUNNER_UP * best.score)), None)
    if moved is None:
        return cands
    return [moved, *(c for c in cands if c is not moved)]


def sentence_after(best: Candidate, cands: list[Candidate]) -> Candidate | None:
    """The candidate that follows ``best`` in its article, if the passages hold it: in its
    passage, or opening the next one (passages are cut at sentence ends)."""
    same = [c for c in cands if c.chunk.article_id == best.chunk.article_id]
    if (after := next((c for c in same if c.before == best.text), None)) is not None:
        return after
    end = best.chunk.start + best.end
    return next((c for c in same if not c.before
                 and 0 <= c.chunk.start + c.start - end <= _SENTENCE_GAP), None)


# What stands between one sentence's end and the next one's start: a space or a paragraph
# break.
_SENTENCE_GAP = 3


# Someone the story brings in undescribed by name: "after a local businesswoman offered to
# cover its running costs", "a 34-year-old man has been charged".
_SOMEONE = re.compile(r"\ban?\s+(?:[\w’'-]+\s+){0,2}(?:man|woman|businessman|businesswoman|"
                      r"donor|benefactor|philanthropist|resident|teenager|boy|girl|pensioner|"
                      r"investor|buyer|bidder|local|volunteer|student|worker|employee|driver|"
                      r"passenger|couple|family|member of (?:the )?(?:public|staff))\b", re.I)
_OPENS_NAME = re.compile(r"^\W*(?:[A-Z][\w’'.-]+\s+)+?[A-Z][\w’'-]+,")


def named_next(best: Candidate, cands: list[Candidate]) -> Candidate | None:
    """News brings a person in by description and names them in the next sentence: "…after
    a local businesswoman offered to cover its running costs. Maureen Tolland, who founded
    the bakery chain, has pledged 75,000 pounds." For "who" that sentence holds the name."""
    return next_opening(best, cands, _OPENS_NAME) if _SOMEONE.search(best.text) else None


_OPENS_QUOTE = re.compile(r"^\W*[“\"‘]")


def quote_after(best: Candidate, cands: list[Candidate]) -> Candidate | None:
    """The quote that follows a sentence telling a decision or an act: news reports "The
    trust said it would not pay." and gives the why in the next breath, in the speaker's
    words ("We will not hand money to criminals…"), with no word of cause in either."""
    return next_opening(best, cands, _OPENS_QUOTE)


def reason_told(best: Candidate, cands: list[Candidate]) -> Candidate | None:
    """News gives a reason in someone's words as often as in a word of cause: "The bakery
    will close its Mill Street shop on Saturday. … She said the rent had doubled and the
    shop no longer made money." Where no sentence says "because", the closest sentence of
    the story reporting speech, after the one that tells the act."""
    return next((c for c in cands[1:REASON_SENTENCES]
                 if c.chunk.article_id == best.chunk.article_id and c.text != best.text
                 and reports_speech(c.text)), None)


# How far down the ranking a sentence reporting speech may still give the reason: the five
# after the best, the ones a second quote is looked for in.
REASON_SENTENCES = 6


def next_opening(best: Candidate, cands: list[Candidate],
                 opening: re.Pattern[str]) -> Candidate | None:
    """The sentence after ``best``, when it opens as ``opening`` says."""
    after = sentence_after(best, cands)
    return after if after is not None and opening.match(after.text) else None


def runner_up(best: Candidate, cands: list[Candidate]) -> Candidate | None:
    """The next best sentence, when the reader cannot tell which of two answers: close in
    score, and from a passage holding the question's names (the same story, perhaps a later
    report of it). Without a short answer the user judges the quotes; the answering
    sentence is second as often as not, so two cited quotes hold it far more often than one."""
    for c in cands[1:3]:
        if (c.required >= 1.0 and c.text != best.text and c.text not in best.before
                and c.score >= RUNNER_UP * best.score):
            return c
    return None


# A runner-up within this share of the best sentence's score is as likely the answer.
RUNNER_UP = 0.8
# How far down a sentence that the best one is not (about the story asked, someone's words)
# is looked for: the three after it. Further down, a sentence that merely has the wanted
# thing is more often another matter than the answer.
REACH = 4


# A second sentence is shown when it scores within this share of the best one.
SECOND_SENTENCE = 0.6


def read_short(info: QuestionInfo, best: Candidate, cands: list[Candidate],
               embedder: Embedder, t: Thresholds,
               asked_on: date | None) -> tuple[str | None, str | None]:
    """The span ``best`` offers as the answer (the guess), and the same span when every
    check of a shown answer passes (else None)."""
    guess: str | None
    short: str | None
    if best.argument:
        # The parse read the name as the asked part of the asked event: no nearness or
        # vote of other sentences says more.
        guess = short = fullest_name(best.argument, best, cands)
    else:
        guess = short_for(info, best, cands, embedder) if info.factoid else None
        short = guess if guess and confident(info, best, guess, t) else None
    if guess and passed_for_coming(info, guess, asked_on):
        # A day already past is another event's ("the current strike started on Tuesday"
        # for the next one): neither shown nor guessed, so the LLM answerer, which shows
        # only what this reading names, does not show it either.
        guess = short = None
    if short and not fits(info, short, best.text):
        short = None
    if short and not best.argument and not about_person_asked(info, best, cands):
        short = None
    if short and not story_asked(info, best, cands):
        short = None
    if short and about_another_party(info, best):
        # Parsed or not: the event is the other party's.
        short = None
    if info.kind in ("who", "where", "which") and not best.argument and not asks_tally(info):
        # Two readings of one name: the best sentence's own, and the one the top sentences
        # agree on (answer redundancy: several reports name the answer). A name shown must
        # be both; the quiz's guess is the agreed one.
        voted = voted_name(info, cands, embedder)
        if short and voted and voted.lower() != short.lower():
            short = None
        guess = voted or guess
    return guess, short


def spelled_out_days(cite: Citation, short: str | None, said: str | None = None) -> str:
    """" (on Sunday = Sunday 26 October 2025)" for each relative date the quote holds:
    "on Sunday" means nothing to a reader a week later. With ``said`` (a generated answer
    citing the quote), only the dates that text repeats and does not spell out itself."""
    days = [f"{phrase} = {format_day(date.fromisoformat(iso))}"
            for phrase, iso in cite.resolved_dates
            if format_day(date.fromisoformat(iso)) != short
            and (said is None or (phrase.lower() in said.lower()
                                  and format_day(date.fromisoformat(iso)) not in said))]
    return f" ({'; '.join(days)})" if days else ""


def shape(question: str, info: QuestionInfo, cands: list[Candidate], name: str,
          embedder: Embedder, t: Thresholds = DEFAULT_THRESHOLDS,
          w: Weights = DEFAULT_WEIGHTS, asked_on: date | None = None) -> Answer:
    """The answer the user sees from ranked candidates; ``asked_on`` is the day the user
    asks, when known."""
    if not answerable(info, cands, t, w):
        return Answer(question, NO_ANSWER, abstained=True, answerer=name)
    best = cands[0]
    guess, short = read_short(info, best, cands, embedder, t, asked_on)
    rival = rival_figure(info, best, cands, t)
    if (rival is None and (figured := figure_below(info, best, cands, t)) is not None
            and (rival := rival_figure(info, figured, cands, t)) is not None):
        # "What's the damage bill?" over a lead that gives none: the story's figure stands
        # lower, and another source's figure against it is the answer, quoted from there.
        best, short = figured, None
    split = split_figures(info, best)
    if not split and rival is None and DISPUTE.search(best.text):
        # "The two sides disagree on how many travellers are affected." and the figures
        # in the sentence after it.
        after = sentence_after(best, cands)
        if after is not None and (split := split_figures(info, after)):
            rival = after
    if not split and rival is None and (both := figure_set_against(info, best, cands)):
        rival, split = both
    if rival is not None or split or asks_each_party(info):
        short = None
    # For quoting only: the spans and checks read the sentence itself.
    quoted = with_speakers_words(best, cands) if info.kind == "said" else with_antecedent(best)
    cites = [citation_for(quoted, 1)]
    # A second source saying the same thing is worth showing: news is about who said it.
    for c in cands[1:4]:
        if (c.chunk.article_id != best.chunk.article_id and short and c.short
                and c.short.lower() == (best.short or "").lower()
                and relevance(c, w) >= t.min_relevance):
            cites.append(citation_for(c, 2))
            break
    markers = "".join(f"[{c.n}]" for c in cites)
    text = f"{short} — “{quoted.text}” {markers}" if short else f"{quoted.text} {markers}"
    text += spelled_out_days(cites[0], short)
    second = rival or supporting(info, best, cands, w, short)
    meant = None if short or rival is not None or split else closest_in_meaning(best, cands, t)

    def quote_also(c: Candidate) -> None:
        nonlocal text
        cites.append(citation_for(c, len(cites) + 1))
        text += f" {c.text} [{len(cites)}]" + spelled_out_days(cites[-1], short)

    if second is not None and second.text not in quoted.text:
        quote_also(second)
    if meant is not None and meant.text not in text:
        quote_also(meant)
    answer = Answer(question, text, abstained=False, citations=cites, short_answer=short,
                    answerer=name, guess=guess)
    if rival is not None and not split:
        answer.conflict = True
        answer.conflict_values = [
            ConflictValue("figure", c.short, attribute(c.text), cite.n)
            for c, cite in ((best, cites[0]), (rival, cites[-1])) if c.short]
    elif split:
        answer.conflict = True
        # Both figures are in one quote: the best sentence's, or the one after it.
        n = cites[-1].n if rival is not None else cites[0].n
        answer.conflict_values = [ConflictValue("figure", figure, who, n)
                                  for figure, who in split]
    return answer


# "…, according to the union and the port authority?", "…, by the dealer and by the
# museum's valuer?": the question asks for each party's figure.
_ASKS_EACH = re.compile(r"\baccording to (?:the )?[^,?]+? and (?:to )?(?:the )?[^,?]+\?\s*$|"
                        r",\s*by (?:the )?[^,?]+? and by (?:the )?[^,?]+\?\s*$|"
                        # "did the barge owner and the navigation authority each think"
                        r"\band\s+[\w’' -]{2,60}?\s+each\s+(?:think|thought|say|said|put|"
                        r"claim|claimed|estimate|estimated|expect|expected|reckon|reckoned|"
                        r"believe|believed)\b", re.I)


def asks_each_party(info: QuestionInfo) -> bool:
    """The question asks two named parties for their figures: no one figure answers it."""
    return (info.kind in ("count", "amount", "duration")
            and bool(_ASKS_EACH.search(info.text)))


def rival_figure(info: QuestionInfo, best: Candidate, cands: list[Candidate],
                 t: Thresholds) -> Candidate | None:
    """Another source's different figure for the quantity asked about: "The union said 2,300
    had joined. The port authority put the figure much lower, about 1,400." Neither figure
    alone is the answer; both are, each with its source. The rival is a sentence of a
    passage holding the question's names, with a figure of the same kind (money, a share, a
    count) and another value, that either follows the best one and disputes it in so many
    words, or is another speaker's, scores close to it, holds most of the question's own
    words and counts the same thing."""
    if info.kind not in ("count", "amount") or not best.short:
        return None
    mine = figure_of(best.short)
    if mine is None:
        return None
    speaker = attribute(best.text)
    if DISPUTE.search(best.text) and (before := disputed(info, best, cands, mine)):
        return before
    # "The operator says 146 trains were cancelled. The users' association says it counted
    # 312 cancellations over the same five days.": the next sentence, another source's
    # figure of the same kind, however far down the question's words rank it. The one
    # before, the same way round, when the second source's sentence reads closer.
    after = sentence_after(best, cands)
    pool = cands[1:6] + ([after] if after is not None and after not in cands[1:6] else [])
    before = next((c for c in pool if c.text == best.before
                   and c.chunk.article_id == best.chunk.article_id), None)
    # The sentences beside the best one first: "Traders and the council disagree… The
    # Chamber of Trade says £120,000 a week. The council's own assessment puts the figure at
    # £45,000." is answered by its neighbour, not the repair bill scoring higher.
    beside = [c for c in (after, before) if c is not None]
    pool = beside + [c for c in pool if c not in beside]
    for c in pool:
        if not c.short or c.required < 1.0:
            continue
        theirs = figure_of(c.short)
        if theirs is None or theirs[1] != mine[1] or theirs[0] == mine[0]:
            continue
        other = attribute(c.text)
        if (c is after or c is before) and other and speaker and other != speaker:
            return c
        if asks_each_party(info) and other != speaker:
            return c
        if (DISPUTE.search(best.before) and c.chunk.article_id == best.chunk.article_id
                and other != speaker):
            # "The residents say the bill is likely to be far higher. Their engineer put it
            # at closer to £3 million.": the best figure answers a figure of the story
            # given before it, by another source or none.
            return c
        if DISPUTE.search(c.text) and (c.before == best.text
                                        or c.score >= SECOND_SENTENCE * best.score):
            # A sentence of the story disputes this figure in so many words: the next
            # one, or one further on (a union's figure after the board's) that reads as
            # close to the question.
            return c
        nouns = {_counted(best.short), _counted(c.short)} - {""}
        if (c.score >= SECOND_SENTENCE * best.score and c.lexical >= t.own_words
                and other and speaker and other != speaker and len(nouns) < 2):
            return c
    return None


def figure_below(info: QuestionInfo, best: Candidate, cands: list[Candidate],
                 t: Thresholds) -> Candidate | None:
    """For a best sentence with no figure ("Nineteen yachts were destroyed when fire swept
    along a pontoon"), the next sentence of its article among the closest (``VOTERS``) that
    gives one by the question's own words."""
    if info.kind not in ("count", "amount") or best.short:
        return None
    return next((c for c in cands[1:VOTERS]
                 if c.chunk.article_id == best.chunk.article_id and c.short
                 and span_near(info, c.text, c.short, t)), None)


def disputed(info: QuestionInfo, best: Candidate, cands: list[Candidate],
             mine: tuple[str, str]) -> Candidate | None:
    """"Marlstone said 410 roles would be affected. The union said the true number of jobs
    at risk was 620.": the sentence before the best one, whose figure the best one
    disputes, however it names what it counts ("roles" for "jobs")."""
    for c in cands:
        if c.chunk is best.chunk and c.text == best.before:
            figure = short_answer(c.text, info, c.chunk.published_at)
            theirs = figure_of(figure) if figure else None
            if theirs is not None and theirs[1] == mine[1] and theirs[0] != mine[0]:
                return c
    return None


# Where one sentence turns from one source's figure to another's: "The airport puts the
# figure at 4,200 a day, while the travel agents' association says 7,000"; "X said …; Y
# said …".
_AGAINST_TURN = re.compile(rf",\s+{SET_AGAINST}\s+")
_TURN = re.compile(rf",?\s+(?:while|whereas|but)\s+|;\s+|{_AGAINST_TURN.pattern}")


def split_figures(info: QuestionInfo, best: Candidate) -> list[tuple[str, str | None]]:
    """Two sources' different figures for the asked quantity in one sentence, each with its
    source; empty when the sentence gives one figure or one source. As with
    ``rival_figure``, neither figure alone is the answer."""
    if info.kind not in ("count", "amount"):
        return []
    parts = _TURN.split(best.text)
    if len(parts) < 2:
        return []
    # "Ridgeline said it paid 31 million, well below the 38 million reported": a figure
    # set against another in so many words is another source's, named or not.
    against = bool(_AGAINST_TURN.search(best.text))
    found: list[tuple[str, str | None, tuple[str, str]]] = []
    for part in parts:
        who = attribute(part) or (m.group(1) if (m := _PUTS.search(part)) else None)
        figures = [(part[s:e].strip(), f) for s, e, text in numbers(part, info)
                   if (f := figure_of(text)) is not None]
        if (who or against) and figures:
            found.append((figures[0][0], who, figures[0][1]))
    for (a, who_a, fa), (b, who_b, fb) in itertools.combinations(found, 2):
        if fa[1] == fb[1] and fa[0] != fb[0] and (who_a != who_b or against):
            return [(a, who_a), (b, who_b)]
    return []


def figure_set_against(info: QuestionInfo, best: Candidate, cands: list[Candidate]
                       ) -> tuple[Candidate, list[tuple[str, str | None]]] | None:
    """Another sentence of the story that sets the best sentence's figure against another
    source's: "The museum valued the work at 2.5 million euros." and, in a later report,
    "…valued the landscape at 2.5 million euros, but its insurer said the policy covers it
    for 1.8 million euros". The figure is one party's, not the answer."""
    mine = figure_of(best.short) if best.short else None
    if mine is None:
        return None
    for c in cands[1:UNSAID_SENTENCES]:
        if c.required < 1.0 or c.text == best.text:
            continue
        split = split_figures(info, c)
        # The split names each figure without its unit ("2.5 million"): the value says it.
        if any((f := figure_of(figure)) is not None and f[0] == mine[0]
               for figure, _who in split):
            return c, split
    return None


# "The airport puts the figure at 4,200", "The museum has valued the landscape at 2.5
# million euros": a source giving its own figure.
_PUTS = re.compile(r"^\W*(.+?)\s+(?:has\s+|have\s+|had\s+)?(?:puts?|estimates?|estimated|values?|"
                   r"valued)\s+(?:the|its|their)\s+(?:[\w’'-]+\s+){1,3}at\b", re.I)


def _counted(span: str) -> str:
    """What a figure counts when its span says ("14 container ships" -> "ship"), else ""."""
    words = [w for w in span.split()
             if not re.search(r"\d|%", w) and figure_of(w) is None]
    return stem(words[-1]) if words else ""
