"""Who said it: the speaker a news sentence attributes its claim to, or None.

"…, the union said." · "According to the port authority, …" · "Police told reporters …" ·
"Officials in Baku put the toll at …" · "…, said Maria Lopez, the mayor." Pronouns ("he said")
name nobody and give None; so does a sentence that states a fact without a source.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from bot.temporal import NUMBER_WORDS

# Verbs of saying, in the forms news copy uses them.
_SAY = (
    r"(?:said|says|say|told\s+(?:reporters|journalists|the\s+(?!that\b)\w+(?:\s+(?!that\b)\w+)?|"
    r"us|(?!that\b)\w+)|"
    r"announced|announces|reported|reports|stated|confirmed|confirms|estimated|estimates|"
    r"claimed|claims|insisted|warned|added|noted|wrote|tweeted|acknowledged|"
    # "puts the death toll at", "puts the repair bill for the Elin at 1.6 million euros"
    r"puts?\s+(?:the|its|their)\s+(?:[\w-]+\s+)?(?:toll|number|figure|turnout|cost|count|"
    r"crowd|size|attendance|bill|damage|value|losses|loss)"
    r"(?:\s+(?:of|for)\s+[\w\s'’-]{0,40}?)?\s+at|"
    r"(?:has|have|had)\s+(?:said|confirmed|reported|estimated|put\s+the\s+\w+\s+at))"
)
# A speaker: optional article/determiner, up to six words that may be capitalised names or
# lower-case nouns ("the union", "officials in Baku", "Armenia's defence ministry").
_WORD = r"[A-Z][\w'’.-]*|[a-z][\w'’-]*"
_SPEAKER = (
    r"(?P<who>(?:(?:the|a|an|its|their|his|her)\s+)?(?:" + _WORD + r")(?:\s+(?:" + _WORD
    + r")){0,6})"
)
_ACCORDING = re.compile(
    r"\baccording\s+to\s+(?P<who>(?:the\s+)?[^,;.]+?)(?=\s*(?:,|;|\.|$|\s+(?:at|in|"
    r"on|was|were|is|are|has|had)\b))",
    re.IGNORECASE,
)
# "…," the union said.  /  "…, said the union."  /  "…, said Maria Lopez, the mayor."
# What may follow the verb at the end: "…, the ministry said in a statement on Monday."
_AFTER_SAY = (r"(?:\s+(?:in\s+a\s+(?:statement|interview|briefing|post|report)|"
              r"at\s+a\s+(?:news|press)\s+(?:conference|briefing)|on\s+(?:television|radio|"
              r"twitter|x|social\s+media)|(?:on|late|early|last)\s+\w+(?:\s+(?:morning|"
              r"afternoon|evening|night))?|(?:late|early)\s+on\s+\w+|yesterday|today|tonight|"
              r"this\s+week))*")
# An appositive may sit between speaker and verb: "…, the union's spokeswoman, Anna de
# Vries, said." (the speaker is the role; the name is kept out of the regex's way).
# …or a clause on where, when or how it was said: "…," DeSantis said in June. / said of the
# convention. / said as he spoke outside Downing Street.
_TAIL = (r"(?:\s+(?:in|at|on|during|of|as|while|when|after|before|adding|from|via|through)"
         r"\b[^\"“”]{0,120}?)?")
_TRAILING = re.compile(r"[,\"”’]\s*" + _SPEAKER + r"(?:,\s*[^,]{1,60},)?\s+" + _SAY
                       + _AFTER_SAY + _TAIL + r"\s*[.!]?\s*$")
# "The figure was confirmed by the coast guard."  /  "…, citing the interior ministry."
_PASSIVE = re.compile(r"\b(?:confirmed|reported|announced|estimated|given|released|published|"
                      r"put\s+at\s+[\w,.%]+)\s+by\s+" + _SPEAKER + r"\s*[.!]?\s*$")
_CITING = re.compile(r",\s*citing\s+" + _SPEAKER + r"\s*[.!]?\s*$")
# After an inverted "said", the speaker is the fewest words that let the rest be an
# appositive or a tail: "…, said Biden in remarks at the palace." → "Biden".
_SPEAKER_LAZY = (
    r"(?P<who>(?:(?:the|a|an|its|their|his|her)\s+)?(?:" + _WORD + r")(?:\s+(?:" + _WORD
    + r")){0,6}?)"
)
_INVERTED = re.compile(r"[,\"”’]\s*(?:said|says|according\s+to)\s+" + _SPEAKER_LAZY
                       + r"(?:,[^,]*)?" + _TAIL + r"\s*[.!]?\s*$")
# Between a leading speaker and the verb: ", the union's spokeswoman," or a relative clause
# whose commas are a number's or a list's: ", which surveyed 1,300 season-ticket holders,",
# ", which represents porters, cleaners and healthcare assistants,".
_APPOSITIVE = (r"(?:,\s*(?:(?:which|who)\s+[^\"“]{1,100}?|(?:[^,\"“]|(?<=\d),(?=\d)){1,80}),)")
# "The union said (on Monday) (that) …"  /  "Officials in Baku put the toll at …"
_LEADING = re.compile(
    r"^\s*(?:(?i:in|at|on|after|before|speaking|earlier|later|meanwhile|separately|however|"
    r"but)\b[^,\"“]{0,40},\s*)?" + _SPEAKER + _APPOSITIVE + r"?\s+" + _SAY + r"\b")

# "The council's own records show 31 complaints": a party's records, figures or survey
# are its claim, as much as what it says.
_RECORDS = re.compile(
    r"^\s*" + _SPEAKER + r"['’]s\s+(?:own\s+)?(?:[a-z]+\s+)?(?:records|figures|data|survey|count|"
    r"estimates?|assessment|accounts|logs)\s+(?:show|shows|showed|suggest|suggests|"
    r"suggested|put|puts|record|recorded|give|gives|gave|list|lists|listed)\b")

_PRONOUNS = frozenset(
    "he she they it we i you who which that this these those there one someone".split())
# Words that begin a clause, not a speaker ("In a statement, …", "But …").
_NOT_SPEAKER_START = frozenset(
    "in on at after before but and or so if when while as since because however also "
    "meanwhile earlier later then".split())
# Words a speaker phrase never contains: a verb or clause word means the regex ran past the
# subject ("the ministry that was attacked said").
_BREAKERS = frozenset(
    "that which who was were is are be been being had has have will would could should "
    "may might not said says to".split())
# A speaker phrase of nothing but these names nobody.
_DETERMINERS = frozenset("the a an its their his her".split())
# Adverbs between a speaker and the verb: "Musk recently said" → "Musk".
_TRAILING_ADVERBS = frozenset(
    "also recently previously later earlier again then now once first initially finally "
    "separately publicly privately repeatedly".split())


def _clean(who: str) -> str | None:
    words = who.strip(" ,\"“”'’").split()
    # Drop leading clause words ("In Baku officials said" → "officials in Baku" is rare;
    # "But the union said" → "the union").
    while words and words[0].casefold() in _NOT_SPEAKER_START:
        words = words[1:]
    while len(words) > 1 and words[-1].casefold() in _TRAILING_ADVERBS:
        words = words[:-1]
    if not words:
        return None
    if any(w.casefold() in _BREAKERS for w in words):
        return None
    if len(words) == 1 and words[0].casefold() in _PRONOUNS:
        return None
    if words[0].casefold() in _PRONOUNS:
        return None
    if all(w.casefold() in _DETERMINERS for w in words):
        # "An estimated 4,000 tonnes came down": the verb was an adjective, and "An" is no
        # one.
        return None
    if words[0] in ("The", "A", "An", "Its", "Their"):
        words[0] = words[0].lower()  # capitalised only because the sentence began there
    text = " ".join(words).rstrip(".")
    return text if len(text) > 1 else None


def _strip_time(who: str) -> str:
    # "the ministry on Monday" → "the ministry"; "figures from the health ministry" → "the
    # health ministry" (who gave the figure, not the figure).
    who = re.sub(r"\s+(?:on|late|early|last)\s+\w+$", "", who)
    # "At the same time the authority confirmed…": the time opening the sentence is no one.
    who = re.sub(r"^(?:at|by|until)\s+(?:the\s+same|that|this|the)\s+(?:time|point|stage)\s+",
                 "", who, flags=re.IGNORECASE)
    return re.sub(r"^(?:(?:the\s+)?(?:latest\s+)?(?:figures|data|numbers|estimates|a\s+statement|"
                  r"a\s+report|a\s+tally|a\s+count|statements?)\s+(?:from|by|released\s+by)|"
                  r"a\s+spokes(?:man|woman|person)\s+for)\s+", "", who, flags=re.IGNORECASE)


@dataclass(frozen=True)
class Attribution:
    who: str
    # The attributing words in the (whitespace-normalised) sentence, and whether they lead
    # it ("The union said …": the sentence already names its source up front).
    start: int
    end: int
    leading: bool


def _reported_clause(tail: str) -> bool:
    """"…, said the backlog of ships would take two weeks": what follows the "speaker" has a
    verb of its own, so "said" reports a clause and the words after it are no speaker. An
    appositive ("…, said Hale, who runs the port.") may hold one."""
    if tail.lstrip().startswith(","):
        return False
    return any(w.casefold().strip(".,") in _BREAKERS for w in tail.split())


def _has_past_verb(words: str) -> bool:
    """"the reopening mattered beyond film-goers" after "said" is the reported clause: a
    past tense after a noun is its verb ("the retired judge", "the newly appointed chair"
    only describe)."""
    ws = [w.casefold().strip(".,") for w in words.split()]
    return any(w.endswith("ed") and len(w) > 4 and before not in _DETERMINERS
               and not before.endswith("ly") for before, w in itertools.pairwise(ws))


def find(sentence: str) -> Attribution | None:
    text = " ".join(sentence.split())
    if not text:
        return None
    for pattern in (_ACCORDING, _INVERTED, _TRAILING, _CITING, _PASSIVE, _LEADING, _RECORDS):
        m = pattern.search(text)
        if m and pattern is _INVERTED and (_reported_clause(text[m.end("who"):])
                                            or _has_past_verb(m.group("who"))):
            continue
        if m:
            who = _clean(_strip_time(m.group("who")))
            if who:
                # A passive ("was confirmed by X") cannot be cut out of its sentence: it is
                # kept as written, like a sentence that names its source up front.
                leading = (pattern in (_LEADING, _PASSIVE, _RECORDS)
                           or (pattern is _ACCORDING and m.start() < 3))
                return Attribution(who, m.start(), m.end(), leading)
    return None


def attribute(sentence: str) -> str | None:
    """The speaker the sentence attributes its claim to, as written ("the union"), or None."""
    found = find(sentence)
    return found.who if found else None


# "told reporters (on Monday) that …": a few words of audience or time may stand between the
# verb and its "that"; a verb among them ("said it would support any plan that brings …")
# means the reported clause began already and this "that" belongs to it.
_THAT = re.compile(r"^\s*(?:(?:(?!(?:would|will|could|can|should|may|might|must|had|has|have|"
                   r"was|were|is|are)\b)[^,\"“\s]+\s+){1,6})?that\s+(?P<rest>\S.*)$", re.I)
# "X said 57 people were killed": a reported clause follows the verb with no "that".
_CLAUSE = re.compile(r"^\s*(?:(?:on|late|early|last)\s+\w+(?:\s+\w+)?\s+)?(?P<rest>(?!(?:it|he|she|"
                     r"they|we|i|you|its|his|her|their|our|this|that|these|those|there|so|"
                     r"nothing|no|yes|in|at|on|during|after|before|of|for|to|with|from|as|"
                     r"by|about|what|whether|if|how|why|when)\b)\S.*)$", re.IGNORECASE)
# A "that" opening the reported clause after a longer audience, before any comma or quote.
_LATE_THAT = re.compile(r"^[^,\"“]*?\bthat\b", re.I)
_CLAUSE_VERBS = re.compile(r"\s(?:said|says|told\s+\S+(?:\s+\S+)?|estimated|confirmed)$")


def speaker_case(who: str) -> str:
    """"Police" or "Rescue groups" opens a sentence but reads "police", "rescue groups" after
    "According to"; a name ("Maria Lopez", "Armenia's defence ministry", "Reuters") stays."""
    first, _, rest = who.partition(" ")
    common = first in {"The", "A", "An", "Police", "Officials", "Authorities", "Residents",
                       "Witnesses", "Rescuers", "Volunteers", "Doctors", "Experts", "Analysts",
                       "Organisers", "Organizers", "Workers", "Unions", "Observers",
                       "Monitors", "Investigators", "Prosecutors", "Medics", "Firefighters"}
    # "Rescue groups", "Terminal operators": a capital only because the sentence began there.
    plain_noun = (first[:1].isupper() and first[1:].islower() and "'" not in first
                  and "’" not in first and rest[:1].islower())
    if common or plain_noun:
        first = first.lower()
    return f"{first} {rest}".strip()


def closes_unopened_quote(text: str) -> bool:
    """``text`` closes a quote it does not open: the quote began a sentence or more before
    ('I came back from my shift to a £70 ticket," said Bernadette Petts.')."""
    return text.count('"') % 2 == 1 or text.count("”") > text.count("“")


def according_to(who: str) -> str:
    return f"According to {who}"


# First words that are ordinary words, not names: lower-cased after "According to X, ".
_COMMON_STARTS = frozenset(
    "the a an at in on it its this that these those there more some most all many several "
    "turnout police officials authorities about around nearly almost over under only no "
    "two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty "
    "sixty seventy eighty ninety hundred dozens hundreds thousands".split())
# A dateline opening the copy: "ROTTERDAM (Harbour Gazette) - ", "BAKU – ".
_DATELINE = re.compile(r"^[A-Z][A-Z .,'’-]{2,40}(?:\([^)]{1,60}\))?\s*[-–—]\s+")


_RELATIVE_CLAUSE = re.compile(r",\s+(?:who|which|whose|whom)\s")
_APPOSITIVE_NAME = re.compile(r",\s*((?:[A-Z][\w'’.-]*\s+){1,3}[A-Z][\w'’.-]*),")
# The same after a trailing "said the role": it may end the sentence, and a name may hold a
# particle ("Anna de Vries").
_NAME_AFTER_ROLE = re.compile(r",\s*((?:(?:[A-Z][\w'’-]*\.?|de|van|von|da|di|du|le|la)\s+)"
                              r"{1,3}[A-Z][\w'’-]*)\s*(?:,|[.!]?\s*$)")


def with_attribution(sentence: str, vocabulary: frozenset[str] | set[str] = frozenset()) -> str:
    """The sentence said the news way: "According to the union, the strike goes on." The
    trailing "…, the union said." it came with is dropped; "Police told reporters that …"
    becomes "According to police, …". The first word loses its capital when it is a common
    word (or one ``vocabulary``, words seen in lower case, holds), never a name."""
    text = _DATELINE.sub("", " ".join(sentence.split()))
    found = find(text)
    if found is None:
        return text
    if found.leading:
        # "Police told reporters (on Monday) that three were held" → "According to police,
        # three were held"; without "that" the sentence already says who, plainly.
        m = _THAT.match(text[found.end :])
        if (m is None and _CLAUSE_VERBS.search(text[: found.end]) and found.start == 0
                and not _LATE_THAT.match(text[found.end :])):
            # A "that" further on than ``_THAT`` reads ("told fellow trustees at an
            # emergency meeting on Monday that …") is where the reported clause begins:
            # where it starts is not known, so the sentence stays as written.
            m = _CLAUSE.match(text[found.end :])
        if m is None or text[: found.start].strip():
            return text
        if _RELATIVE_CLAUSE.search(text[found.start : found.end]):
            # "Sanjay Varma, who became leader after Dennis Oakley stood down, said …": the
            # clause is news of its own, and "According to Sanjay Varma" would drop it.
            return text
        rest = m.group("rest")
        # "Their chief economist, Viktor Nyland, said …": the role says who he is, the name
        # who he is; both stay.
        named = _APPOSITIVE_NAME.search(text[found.start : found.end])
        who = speaker_case(found.who) + (f", {named.group(1)}," if named else "")
        return f"{according_to(who)} {rest}" if named else f"{according_to(who)}, {rest}"
    start = found.start + (1 if text[found.start] in "\"”’" else 0)
    before = text[:start].rstrip(" ;")
    if closes_unopened_quote(before):
        # The quote began in the sentence before ('I came back to a £70 ticket," said
        # Bernadette Petts'): "According to Bernadette Petts, I came back…" would speak
        # for her in the first person.
        return text
    after = text[found.end :].strip()
    if after in ("", ".", "!"):
        # The attribution ended the sentence: close what is left with its own full stop.
        if before.endswith((",\"", ",”", ",’")):
            before = before[:-2] + "." + before[-1]
        before = before.rstrip(" ,;")
        rest = before if before[-1:] in ".!?\"”’" else before + "."
    else:
        rest = (before.rstrip(" ,;") + " " + after.lstrip(" ,;")).strip()
    if len(rest) < 3:
        return text
    first = rest.split(" ", 1)[0]
    low = first.casefold()
    if (low in _COMMON_STARTS or low in NUMBER_WORDS
            or (low in vocabulary and first[1:].islower())):
        rest = rest[:1].lower() + rest[1:]
    # "…," said the practice's principal dentist, Dr Owain Treharne, who…: the name is who
    # said it as much as the role is, and may be just what was asked.
    named = _NAME_AFTER_ROLE.search(text[found.start:found.end])
    if named and not found.who.endswith(named.group(1)):
        return f"{according_to(speaker_case(found.who))}, {named.group(1)}, {rest}"
    return f"{according_to(speaker_case(found.who))}, {rest}"
