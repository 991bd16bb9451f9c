"""Stage 3 of reading: how well each candidate sentence answers the question.

A sentence answers when it means what the question asks (the embedder's question-sentence
similarity: all-MiniLM-L6-v2 was trained on question-answer pairs), holds the question's
*distinctive* words (a word every sentence of the story shares, like "tram" in a tram story,
tells sentences apart less than "opponents" does), and holds what the question's kind needs:
a span of the asked type for a factoid, a reason for "why", a speaker for "what did X say",
the lead for "what happened".

The weights are in :class:`Weights`, each with why it has its value.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from bot.answering.answertype import form_fits
from bot.answering.candidates import Candidate
from bot.answering.question import (
    SPEECH_VERB,
    QuestionInfo,
    asking_sentence,
    phrase_words,
    stem,
    term_set,
)
from bot.answering.spans import (
    PROFESSIONS,
    ROLE_ALIASES,
    event_answer,
    names,
    numbers,
    plausible_span,
    role_asked,
    role_fits,
    short_answer,
)
from bot.answering.syntax import asked_role
from retrieval.types import Embedder


@dataclass(frozen=True)
class Weights:
    # Meaning first: the embedder matches paraphrase ("brokered" / "Russian-mediated"),
    # which word overlap cannot; overlap second, for the words embeddings blur.
    dense: float = 0.5
    # The question's own words (not its names) carry what it asks ("took over", "reward");
    # its names say which story, and the sentence that answers often names the story by a
    # surname or a pronoun: names count for less, and whole passages are checked for them
    # apart (``Candidate.required``).
    lexical: float = 0.45
    names: float = 0.05
    # A word found only elsewhere in the passage is a third of a word in the sentence (the
    # sentence may say "the agreement" for "the ceasefire").
    context_share: float = 0.33
    # A word of a relative clause saying which one is meant ("the firm that cut the power
    # cable") counts half: it finds the story, and the answering sentence seldom repeats it
    # ("Neil Sharrock stepped down on Monday"). Half, not nothing: it still tells this
    # story's sentences from another's.
    describing: float = 0.5
    # The asked-for type present (a date for "when", a figure for "how many") is worth about
    # a quarter of a perfect overlap: on-topic sentences without it cannot answer.
    typed_span: float = 0.15
    # A sentence counting the very noun asked about ("40,000 homes" for "how many homes").
    counted_noun: float = 0.075
    # What a descriptive question's kind needs (a reason, a speaker, the lead): the same
    # size as a typed span, for the same reason.
    kind_cue: float = 0.15
    # A word that may be a reason or a time ("after"): half of it.
    weak_kind_cue: float = 0.075
    # The search's own order breaks near-ties, never more.
    rank_prior: float = 0.04
    # The sentence tells the question's event with the asked part filled by a name (the
    # parse: "talks brokered by Ruth Castellan" for "Who brokered the deal?"). It is a typed
    # span whose link to the asked event is read, not guessed from distance: the same size
    # again on top of the typed-span bonus.
    event_argument: float = 0.15
    # Sentences parsed for it: the best few after scoring. The parse costs about 3 ms a
    # sentence, and a sentence further down would need both bonuses to reach the top.
    parsed: int = 8


DEFAULT_WEIGHTS = Weights()

# "because", "due to", "argued that … would", "in protest at": the language of reasons.
_REASON = re.compile(
    # ", saying the pier needed fresh energy": the reason given with the act.
    r",\s+saying\b|"
    # Necessity is a reason: "the cremators had to be replaced", "we cannot pay for them".
    r"\b(?:had|have|has) to be\b|\bcan(?:not|'t|’t) (?:afford|pay)\b|\bunavoidable\b|"
    r"\bno (?:other )?choice\b|"
    r"\b(?:because|due to|owing to|as a result|in protest|to protest|protesting|citing|cited|"
    r"over concerns?|concerns? (?:about|over|that)|fears?|feared|worried|argued?|arguing|"
    r"said (?:it|they|he|she) (?:would|could|was|were|had)|blamed|(?:caused|started|sparked|"
    r"triggered|set off) by|so that|causes? of|blame for|"
    # "the most likely cause was an old mine shaft"
    r"(?:likely|probable|possible|main|suspected|root) causes?|causes? (?:was|is|were|are)|"
    r"in order to|the reason|reasons?|led to|prompted|would have been|"
    r"too (?:expensive|costly|slow|risky)|cheaper|safer|"
    # "stayed away for a third day in a dispute over night-shift pay": a quarrel's matter.
    r"(?:dispute|row|rift|protests?|walk-?outs?|anger|outcry|stand-?off|clash(?:es)?|"
    r"furore|uproar) (?:over|about))\b", re.I)
# Words that name a cause outright, as a stance ("said it would", "fears", "argued") only
# reports one: a sentence saying the blaze "had been caused by an electrical fault" answers
# "why did the lorry catch fire?" before "the company said it was co-operating".
_CAUSE = re.compile(
    r"\b(?:because|due to|owing to|as a result|blamed|(?:caused|started|sparked|triggered|"
    r"set off) by|causes? of|blame for|(?:likely|probable|possible|main|suspected|root) "
    r"causes?|causes? (?:was|is|were|are)|the reason|led to)\b", re.I)
# "after" and "since" give a reason as often as a time ("resigned after a row", "closed
# after the storm", "shut since Monday"): a sentence with nothing else is half a cue.
_TIME_OR_REASON = re.compile(r"\b(?:after|since)\b", re.I)
# "said", "told reporters", "according to", "warned": someone is reported speaking.
_SPEECH = re.compile(
    rf"\b(?:{SPEECH_VERB}|called for|according to|in a statement|welcomed?|condemned|rejected|"
    rf"described)\b|[“\"]", re.I)


def overlap(info: QuestionInfo, sentence_terms: set[str], context_terms: set[str],
            idf: dict[str, float], context_share: float, describing: float = 1.0) -> float:
    """Weighted share of the question's own words (not its names) in the sentence, each
    weighted by how rare it is among the candidate sentences: the story's topic words are
    in all of them."""
    if not info.predicate:
        return 0.0
    got = total = 0.0
    event = {t: info.weight(i) for i, t in enumerate(info.terms)}
    for t in info.predicate:
        # The event verb of "when did X <verb>?" weighs double (``QuestionInfo.weights``);
        # a relative clause's words count ``describing``.
        w = (idf.get(t, 1.0) * event.get(t, 1.0)
             * (describing if t in info.describing else 1.0))
        total += w
        if t in sentence_terms:
            got += w
        elif t in context_terms:
            got += w * context_share
    return got / total if total else 0.0


def names_share(info: QuestionInfo, sentence_terms: set[str]) -> float:
    """Share of the question's names and numbers in the sentence (or the one before)."""
    if not info.required:
        return 0.0
    return sum(t in sentence_terms for t in info.required) / len(info.required)


def speaker_share(info: QuestionInfo, sentence_terms: set[str]) -> float:
    """Share of the words describing the speaker asked about in the sentence."""
    said = [stem(w) for w in info.speaker]
    return sum(w in sentence_terms for w in said) / len(said) if said else 0.0


def predicate_share(info: QuestionInfo, sentence_terms: set[str]) -> float:
    """Share of the question's own words (not its names) the sentence holds."""
    if not info.predicate:
        return 1.0
    return sum(t in sentence_terms for t in info.predicate) / len(info.predicate)


def _idf(info: QuestionInfo, term_sets: list[set[str]]) -> dict[str, float]:
    n = len(term_sets)
    return {t: math.log(1.0 + n / (1.0 + sum(t in ts for ts in term_sets)))
            for t in info.predicate}


def meaning_of(info: QuestionInfo) -> str:
    """The question as the embedder compares it with sentences: without its names and
    numbers. The names say which story (the passages are checked for them apart); left in,
    they make the lead, which names everyone, the closest sentence to every question about
    the story, and an unanswerable question about a named story look answered. A question
    that is mostly names ("How far is Kessling from Velden?") keeps them."""
    if len(info.predicate) + phrase_words(info.text) < MEANING_MIN_WORDS:
        return info.text
    words = [w for i, w in enumerate(info.text.split())
             if not (i > 0 and w[:1].isupper()) and not w[:1].isdigit()]
    return " ".join(words)


# Fewer of the question's own words than this, and its names are its meaning.
MEANING_MIN_WORDS = 2


# The titles news gives people it quotes: "What did the chairman say?" is answered by
# "…," Fallon said, once the article has called him "chairman Derek Fallon".
ROLES = frozenset(
    "chairman chairwoman chair spokesman spokeswoman spokesperson minister governor mayor "
    "director chief executive president secretary organiser organizer leader coach manager "
    "economist official officials prosecutor judge lawyer councillor senator analyst "
    "commissioner head owner founder captain inspector superintendent representative"
    .split()) | PROFESSIONS


_TITLED = r"((?:[A-Z][\w’'-]+\s?){1,3})"

# The title's owner may stand before it: "Trevor Albury, Wardle's managing director".
_OWNER = r"(?:the|its|their|his|her|a|[A-Z][\w-]*[’']s)"


# Written before a name, they name nobody: "Dr" would make every doctor the speaker.
_HONORIFICS = frozenset("dr mr mrs ms miss prof professor sir dame".split())
# Words for whoever speaks for a body, named by none of them.
_ANY_OFFICIAL = frozenset({"officials", "official", "authorities"})


def speaker_names(info: QuestionInfo, cands: list[Candidate]) -> set[str]:
    """Lower-case words naming whoever a "what did X say" question asks about: X's own
    words, and the names the passages give X's title ("chairman Derek Fallon", "Derek
    Fallon, the chairman", "the opposition leader, Konrad Everholt,"). A title the question
    narrows ("the opposition leader", "the finance director") is looked for narrowed first:
    the council's leader is not the opposition's."""
    if info.speaker and all(w in _ANY_OFFICIAL for w in info.speaker):
        # "What did officials say about the storm?": the grid operator, the weather service,
        # the police; any body's words, not a sentence that happens to hold "officials".
        return set()
    roles = [(i, w) for i, w in enumerate(info.speaker) if w in ROLES or w in ROLE_ALIASES]
    for narrowed in (True, False):
        out: set[str] = set()
        for i, word in roles:
            role = "(?:" + "|".join(ROLE_ALIASES.get(word, (word,))) + ")"
            mod = info.speaker[i - 1] if i > 0 and info.speaker[i - 1] not in ROLES else None
            if narrowed and mod is None:
                continue
            # The narrowing word may open the sentence: "Opposition leader Konrad Everholt".
            narrow = rf"(?i:{re.escape(mod)})\s+(?:[\w’'-]+\s+)?" if narrowed and mod else ""
            forms = (rf"\b{narrow}{role}\s+{_TITLED}",  # chairman Derek Fallon
                     # the chairman, Derek Fallon, / said the chairman, Derek Fallon.
                     rf"\b{narrow}{role},\s+{_TITLED}[,.]",
                     # Derek Fallon, the chairman
                     rf"{_TITLED},\s+{_OWNER}\s+(?:[\w’'-]+\s+){{0,2}}{narrow}{role}\b")
            for c in cands:
                for form in forms:
                    for m in re.finditer(form, c.text):
                        out |= {w.lower() for w in m.group(1).split()} - _HONORIFICS
        if out:
            return out
    # The person the passages give the title is the speaker ("Westline spokesman Aidan
    # Roche": Roche, not every sentence naming Westline); without one, the question's words.
    return {w for w in info.speaker if w not in ROLES} | {
        w for w in info.speaker if w in ROLES}


def kind_cue(info: QuestionInfo, c: Candidate, speakers: set[str] | None = None) -> bool:
    """Does the sentence hold what a descriptive question's kind asks for?"""
    if info.kind == "why":
        return bool(_REASON.search(c.text))
    if info.kind == "said":
        if not reports_speech(c.text):
            return False
        if not speakers:
            return True
        # The speaker named here or in the sentence before ("It said…", "he added").
        said = {w.lower() for w in re.findall(r"[\w’'-]+", c.text + " " + c.before)}
        return bool(said & speakers)
    if info.kind == "happened":
        return c.lead
    return False


def reports_speech(sentence: str) -> bool:
    """Someone is reported speaking: "said", "told reporters", "according to", a quote."""
    return bool(_SPEECH.search(sentence))


def names_cause(info: QuestionInfo, c: Candidate) -> bool:
    """A "why" answered by a sentence naming a cause outright (``_CAUSE``)."""
    return info.kind == "why" and bool(_CAUSE.search(c.text))


def weak_reason(info: QuestionInfo, c: Candidate) -> bool:
    """A "why" answered by a sentence whose only reason word may be a time ("after")."""
    return info.kind == "why" and bool(_TIME_OR_REASON.search(c.text))


def counts_asked_noun(sentence: str, info: QuestionInfo) -> bool:
    """The sentence counts the very noun asked about ("How many homes" - "40,000 homes")."""
    return info.kind in ("count", "amount") and any(
        stem(n[2].split()[-1]) in info.terms for n in numbers(sentence, info))


def score(info: QuestionInfo, cands: list[Candidate], embedder: Embedder,
          weights: Weights = DEFAULT_WEIGHTS) -> list[Candidate]:
    """Score every candidate in place; returns them best first."""
    if not cands:
        return cands
    vecs = embedder.embed([meaning_of(info)] + [c.text for c in cands])
    sims = np.asarray(vecs[1:] @ vecs[0]).tolist()
    term_sets = [term_set(c.text) for c in cands]
    idf = _idf(info, term_sets)
    contexts: dict[str, set[str]] = {}
    speakers = speaker_names(info, cands) if info.kind == "said" else None
    # A quiz's "What is it?" after a scene-setting sentence is not such a question: its
    # names are the scene's.
    names_only = (not info.predicate and info.kind != "said"
                  and asking_sentence(info.text).strip() == info.text.strip())
    # "What did the man who runs the arcade say?": the speaker, described, is all the
    # question asks about; how much of the description a sentence holds is its overlap.
    speaker_only = info.kind == "said" and not info.predicate and bool(info.speaker)
    for c, sim, terms in zip(cands, sims, term_sets, strict=True):
        context = contexts.get(c.chunk.id)
        if context is None:
            context = contexts[c.chunk.id] = term_set(c.chunk.title + " " + c.chunk.text)
        c.dense = float(sim)
        c.names = names_share(info, terms | term_set(c.before))
        # A question of nothing but names ("How far is Kessling from Velden?") asks about
        # them: its names are its own words. Not "What did X say about Y?": X's words are
        # found by speaker (``kind_cue``), and a sentence naming Y is not them.
        c.lexical = (names_share(info, terms) if names_only
                     else speaker_share(info, terms) if speaker_only
                     else overlap(info, terms, context, idf, weights.context_share,
                         weights.describing))
        short = short_answer(c.text, info, c.chunk.published_at) if info.factoid else None
        # Only a span that can be the answer earns the typed-span bonus: "Dockworkers"
        # opening a sentence is no "who", and a sentence offering it answers nothing.
        # Nor does a width for "how deep" or "2 towns" for "how many coaches".
        c.short = (short if short and plausible_span(info, short, c.chunk.text)
                   and form_fits(info, short, c.text) else None)
        c.score = (
            weights.dense * c.dense
            + weights.lexical * c.lexical
            + weights.names * c.names
            + weights.rank_prior / math.sqrt(1 + c.rank)
            # A figure or name in a sentence that holds none of the question's own words
            # answers some other question ("900,000 containers" for "how big a premium").
            + (weights.typed_span if c.short and c.lexical > 0 else 0.0)
            + (weights.counted_noun if c.short and counts_asked_noun(c.text, info) else 0.0)
            + (weights.kind_cue if kind_cue(info, c, speakers)
               else weights.weak_kind_cue if weak_reason(info, c) else 0.0)
        )
    cands.sort(key=lambda c: -c.score)
    if asked_role(info) is not None:
        for c in cands[:weights.parsed]:
            # A passage missing a name the question gives is another story's: its broker
            # is not this deal's.
            if c.required < 1.0:
                continue
            arg = event_answer(c.text, info, c.chunk.published_at, c.chunk.text)
            if arg:
                _fill_asked_part(c, arg, weights)
        cands.sort(key=lambda c: -c.score)
    if role_asked(info) is not None:
        for c in cands[:weights.parsed]:
            if c.required < 1.0 or c.argument:
                continue
            # "the driver of the train…, Colin Brereton" for "What's the name of the driver
            # who braked?": the name the sentence gives the asked role fills the asked part,
            # as a parsed argument does.
            held = next((n for _s, _e, n in names(c.text, info)
                         if role_fits(info, n, c.text) and plausible_span(info, n, c.chunk.text)),
                        None)
            if held:
                _fill_asked_part(c, held, weights)
        cands.sort(key=lambda c: -c.score)
    if speakers:
        # "What did the chairman say?" is answered by the chairman's words and nothing else,
        # however close a sentence about the matter comes.
        for c in cands:
            c.spoken = kind_cue(info, c, speakers)
        cands = [c for c in cands if c.spoken] + [c for c in cands if not c.spoken]
    return cands


def _fill_asked_part(c: Candidate, name: str, weights: Weights) -> None:
    """The sentence names what fills the asked part: that name is its short answer, and it
    earns the event-argument bonus, plus the typed-span one it did not already have."""
    typed = bool(c.short) and c.lexical > 0
    c.argument = c.short = name
    c.score += weights.event_argument + (0.0 if typed else weights.typed_span)


def relevance(c: Candidate, weights: Weights = DEFAULT_WEIGHTS) -> float:
    """How close the sentence is to the question, without the kind's bonuses."""
    return weights.dense * c.dense + weights.lexical * c.lexical + weights.names * c.names
