"""Is a short answer of the kind the question asks for, as its own sentence tells it?

One check for both answerers (``fit.fits``), read from the sentence rather than from
the question's wording alone:

- **Who is no place or thing.** The packaged parser's entity recogniser (en_core_web_sm,
  ``syntax.entity_label``) says what a name is in its sentence: "the Loft" a building,
  "Sollentorp" a town, "The Harbour at Dusk" a painting. None of them did anything a "who"
  asks about. A person or an organisation may be a "who" ("Who bought the club?"); the
  recogniser's person/organisation line is too unsure on invented names to split them.
- **A measure answers its own dimension.** "A sinkhole about 12 metres wide" says how wide,
  not how deep; "a wall 40 metres long" how long, not how high.
- **A figure answers for the thing it counts.** "2 towns" does not say how many coaches run;
  a count of people in general ("300 people", "40 others") may answer for any group of them.
- **A count asked in a unit is in that unit.** "How many years" is not answered by "six
  other homes", nor "how many tonnes" by "9,000 vessel movements".
- **A part is not the whole.** "87 staff, most of them nurses" does not count the nurses.
- **A number word is no name.** "Six of the nine members" names none of them.
- **A span is whole words.** "15 long" cut from "15 long-finned pilot whales" is no answer.
- **A thing is no place.** "What make of van did police find?" is not answered by "in
  Oxwick": a name written as a place answers only a "which" asking for a place.
- **The sentence speaks of the kind asked.** "An anytime return will go up to £19.70" does
  not price the off-peak return asked about, nor does "the first farm" count the second's
  hens: the asked noun stands there only as another kind of it.
"""

from __future__ import annotations

import re

from bot.answering.question import QuestionInfo, answer_type, asking_sentence, stem, word_terms
from bot.answering.spans import number_value
from bot.answering.syntax import counted_modifiers, counted_noun, entity_label, noun_kinds
from bot.temporal import NUMBER_WORDS

# Entity kinds that never did or underwent what "who" asks about.
# Not "GPE": countries and governments act in news ("Russia brokered the truce").
_NOT_AGENT = frozenset({"LOC", "FAC", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW",
                        "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY",
                        "ORDINAL", "CARDINAL"})

# "How deep", "what depth": the dimension asked, and the words a sentence measures it by.
_DIMENSIONS = {
    "deep": ("deep", "depth", "down"),
    "wide": ("wide", "width", "across", "broad", "diameter"),
    "long": ("long", "length"),
    "high": ("high", "height", "tall"),
}
_ASKED_DIMENSION = re.compile(r"\bhow\s+(deep|wide|broad|long|high|tall)\b|"
                              r"\b(depth|width|length|height|diameter)\b", re.I)
_MEASURE = re.compile(r"\b(?:metres?|meters?|m|km|kilometres?|kilometers?|feet|foot|ft|miles?|"
                      r"inches?|cm|centimetres?|centimeters?|yards?)$", re.I)
_DIMENSION_AFTER = re.compile(r"^\s*(deep|wide|across|broad|long|high|tall|in\s+(?:depth|width|"
                              r"diameter|length|height))\b", re.I)
_DIMENSION_OF = {w: d for d, words in _DIMENSIONS.items() for w in words}

# Words after a figure's span that still belong to what it counts ("14 container ships").
_NOUN_REACH = 2

_JOINED_NOUN = re.compile(r"\d[\d,.]*-([a-z]+)")

# Units a count may be asked in: of time, weight, length, area and volume.
_UNIT_NOUNS = frozenset("""years months weeks days hours minutes seconds decades centuries
    tonnes tons kilograms kilos grams pounds miles kilometres kilometers metres meters feet
    yards inches hectares acres litres liters gallons""".split())
_UNIT_ABBREVIATIONS = {"km": "kilometres", "kg": "kilograms", "m": "metres", "ha": "hectares",
                       "hrs": "hours", "mins": "minutes", "yrs": "years", "ft": "feet"}
# A part of those counted, named after them: ", most of them nurses", ", many of whom are
# volunteers". Not "all of them": all are the asked ones.
_PART_OF_THEM = re.compile(
    r"[\s\w-]{0,20}?,?\s+(?:most|some|many|several|half|a few|a third|a quarter|two-thirds|"
    r"the majority|a minority)\s+of\s+(?:them|whom)\s+(?:are\s+|were\s+)?([\w’'-]+)", re.I)


def _after_figure(figure: str, sentence: str) -> str:
    """The words after ``figure`` where the sentence writes it, in digits or in words
    ("9" in "nine kilometres", "5" in "a five-year contract"); empty when it is not there."""
    value = number_value(figure) if not figure[:1].isdigit() else None
    digits = figure.replace(",", "")
    for m in re.finditer(r"[\w,.]+", sentence):
        word = m.group().rstrip(",.")
        head = word.split("-")[0]
        if glued := re.fullmatch(r"(\d[\d,.]*)([a-z]+)", head):
            head = glued.group(1)  # "9km": the unit follows
        if (head.replace(",", "") == digits or (value is None and number_value(head) is not None
                                                  and str(number_value(head)) == digits)
                or (value is not None and number_value(head) == value)):
            return sentence[m.start() + len(head):]
    return ""


# What "which <noun>" may ask for and a place name answer (stemmed).
_PLACE_NOUNS = frozenset(stem(w) for w in """town village city country nation state island
    region county area district street road site venue location place building hospital
    school station port airport stadium ground park court prison border river lake coast
    estate ward suburb neighbourhood neighborhood part capital province borough""".split())
_AFTER_PLACE_WORD = re.compile(r"\b(?:in|at|near|outside|inside|from|to)\s+(?:the\s+)?$", re.I)

# Nouns that count people in general: they answer for any group of people.
_ANYONE = frozenset({"people", "person", "others", "persons", "individuals", "residents",
                     "members", "staff"})


def _asked_dimension(question: str) -> str | None:
    m = _ASKED_DIMENSION.search(question)
    return _DIMENSION_OF[(m.group(1) or m.group(2)).lower()] if m else None


def measures_asked_dimension(info: QuestionInfo, short: str, sentence: str) -> bool:
    """A length in a sentence that says which way it runs answers only that way."""
    if not _MEASURE.search(short):
        return True  # checked first: scoring asks this of every candidate's span
    asked = _asked_dimension(asking_sentence(info.text))
    if asked is None:
        return True
    for m in re.finditer(re.escape(short), sentence):
        said = _DIMENSION_AFTER.match(sentence[m.end():])
        if said:
            word = said.group(1).lower().split()[-1]
            if _DIMENSION_OF.get(word) != asked:
                return False
    return True


def whole_words(short: str, sentence: str) -> bool:
    """The span does not stop inside a hyphenated word ("15 long" of "15 long-finned").
    A name may: "Russian-mediated talks" were mediated by Russia."""
    if not short.split()[-1][:1].islower():
        return True
    found = [m.end() for m in re.finditer(re.escape(short), sentence)]
    return not found or any(not re.match(r"-\w", sentence[end:end + 2]) for end in found)


def counts_asked(info: QuestionInfo, short: str, sentence: str) -> bool:
    """"How many coaches" is not answered by "2 towns": the noun a figure counts, when it
    has one, is the noun asked about (or people in general for a group of people). The
    noun is read in the sentence, where "14 container" goes on to "ships"."""
    words = short.split()
    if info.kind != "count":
        return True
    # Cached per question (``syntax.counted_noun``): asked of every candidate span.
    asked = counted_noun(asking_sentence(info.text))
    if asked is not None and asked.lower() in _UNIT_NOUNS:
        # "How many years…", "how many tonnes…": a figure in that unit, never a bare one
        # or one of homes or vessel movements.
        after = _after_figure(words[0], sentence)
        units = [w.strip(".,;:!?\"'’”").lower()
                 for w in re.split(r"[\s-]+", after)[:len(words) + _NOUN_REACH]]
        return any(stem(_UNIT_ABBREVIATIONS.get(w, w)) == stem(asked.lower()) for w in units)
    # "87 staff, most of them nurses": the nurses are some of the 87, not counted.
    if (asked is not None and (at := sentence.find(short)) >= 0
            and (part := _PART_OF_THEM.match(sentence[at + len(short):]))
            and word_terms(part.group(1)) & word_terms(asked)):
        return False
    # "a 22-turbine wind farm": a figure joined to its noun counts that noun, singular.
    joined = _JOINED_NOUN.fullmatch(short)
    # Only a plural names what is counted ("2 towns"); "450 once" or "14 container" may
    # be a span cut short of its noun.
    if not joined and (len(words) < 2 or not words[-1].isalpha() or words[-1][-1] != "s"):
        return True
    if asked is not None and joined:
        noun = joined.group(1).lower()
        return noun in _ANYONE or stem(noun) == stem(asked) or stem(noun) in info.terms
    if asked is None:
        return True
    at = sentence.find(short)
    phrase = sentence[at:].split()[:len(words) + _NOUN_REACH] if at >= 0 else words
    said = {w.strip(".,;:!?\"'’”").lower() for w in phrase[1:]}
    own = {w.lower() for w in words[1:]}
    # "27 cases of measles": what the figure's noun is of is the figure's too.
    of = re.match(r"\s+of\s+([\w’'-]+)", sentence[at + len(short):]) if at >= 0 else None
    own |= {of.group(1).lower()} if of else set()
    # "How many Norvale factory workers lost their jobs?" is answered by "120 jobs" through
    # the question's other words, when the figure's own noun is one of them; the words
    # after the figure's noun only through the asked noun's own ("at the Norvale factory"):
    # "9,500 vehicles a day use the bridge" counts no buses for "How many buses a day…".
    mods = {stem(m) for m in counted_modifiers(asking_sentence(info.text))}
    asked_as = word_terms(asked)  # its synonyms too: boats are vessels
    return bool(said & _ANYONE) or any(word_terms(w) & asked_as or stem(w) in mods
                                       or (w in own and stem(w) in info.terms) for w in said)


def not_a_thing(info: QuestionInfo, short: str, sentence: str) -> bool:
    """A "who" names a person or an organisation, never a place, a work or a date."""
    if info.kind != "who":
        return True
    return entity_label(short, sentence) not in _NOT_AGENT


def no_place_for_a_thing(info: QuestionInfo, short: str, sentence: str) -> bool:
    """"What make of van did police find?" is not answered by "in Oxwick": a "which" or
    "what <noun>" asking for a thing that is no place is not answered by a name the
    sentence writes as a place (after "in", "at", "near"…, and a place to the parser)."""
    if info.kind != "which":
        return True
    asked = answer_type(info.text)
    if asked is None or stem(asked.split()[-1]) in _PLACE_NOUNS:
        return True
    at = sentence.find(short)
    if at < 0 or not _AFTER_PLACE_WORD.search(sentence[max(0, at - 12):at]):
        return True
    return entity_label(short, sentence) not in ("GPE", "LOC")


def of_the_kind_asked(info: QuestionInfo, short: str, sentence: str) -> bool:
    """Every time the span's clause names a noun the question narrows to a kind ("off-peak
    return"), it names another kind of it ("anytime return"): the clause's figure or name
    is that other kind's. A noun said without its kind ("the return") may be the one
    asked about."""
    asked = [(noun, kinds) for noun, kinds in noun_kinds(asking_sentence(info.text)) if kinds]
    if not asked:
        return True
    said = noun_kinds(sentence, short)
    for noun, kinds in asked:
        uses = [k for n, k in said if n == noun]
        # "monthly season ticket" against "annual season ticket": each says a kind the
        # other does not.
        if uses and all(k - kinds and kinds - k for k in uses):
            return False
    return True


def a_name_not_a_number(info: QuestionInfo, short: str) -> bool:
    """"Which three members voted to hold the rate?" is not answered by "Six" opening "Six
    of the nine members voted for the cut": a number word is nobody's name."""
    return info.kind not in ("who", "which", "where") or short.lower() not in NUMBER_WORDS


def type_fits(info: QuestionInfo, short: str, sentence: str) -> bool:
    """All the checks above."""
    return (form_fits(info, short, sentence) and a_name_not_a_number(info, short)
            and not_a_thing(info, short, sentence)
            and no_place_for_a_thing(info, short, sentence)
            and of_the_kind_asked(info, short, sentence))


def form_fits(info: QuestionInfo, short: str, sentence: str) -> bool:
    """The checks read from the words alone, cheap enough for every candidate sentence
    (``scoring`` gives the typed-span bonus only to a span passing them); the entity
    recogniser parses a sentence, so it runs only on what would be shown."""
    return (whole_words(short, sentence) and counts_asked(info, short, sentence)
            and measures_asked_dimension(info, short, sentence)
            and distance_for_how_far(info, short))


# Not "how far behind schedule": how late, in time.
_ASKS_DISTANCE = re.compile(r"\bhow far\b(?!\s+(?:behind|ahead|over|under|into|along))", re.I)


def distance_for_how_far(info: QuestionInfo, short: str) -> bool:
    """"How far would people have to go?" is answered by a length ("14 miles"), never by a
    count ("four dentists") or a time."""
    return not _ASKS_DISTANCE.search(info.text) or bool(_MEASURE.search(short))
