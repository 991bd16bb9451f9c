"""A question typed without capitals, written with the archive's own.

Chat users often type in lower case: "who chairs the board of pennant bank?". Retrieval
does not care (the embedder and BM25 are uncased), but reading does: a name is how the
question says what it is about (``QuestionInfo.required``), which sentences may answer it,
and which words are the matter asked. So before the question is analysed, the words the
retrieved passages write as a name are given the passages' capitals:

- a run of capitalised words is a name ("Pennant Bank", "Court of Arbitration for Sport",
  "NHS"), wherever it stands, except a lone capitalised word opening a sentence ("Health
  chiefs…"), which may be any word;
- a question's word sequence that is such a name, in lower case, becomes the name;
- a single word does when the passages write it as a name on its own ("Hollinsby council"),
  as a name's last word, a surname ("akerby" for "Mr Akerby"), or inside names of two
  sentences or more ("Meadowgate Leisure Centre", "Meadowgate pool"), unless they also write
  it in lower case ("bank" in "the bank said"): then it is a word. A name's other words
  may be common words ("National Cyber Security Centre"), and a title before it
  ("Judge Harriet Moule") is a word to someone asking "which judge".

A question with any capital, even only its first letter, is left as the user wrote it: a
question written with a capital first and no name after it ("Which national park…?") is a
question without names, and capitalising its words from the passages ("National Park")
would make a name of what it asks for.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import pairwise

from bot.answering.question import STOPWORDS
from retrieval.sentences import sentences

_WORD = re.compile(r"[A-Za-z0-9][\w&’'-]*")
# Lower-case words that join the capitalised words of one name: "Court of Arbitration for
# Sport", "Kelsbridge and Wyre Valley NHS Trust". Not "the": "Smith the Saddler" is rare,
# "Wyre Valley the council said" is not.
_JOINERS = frozenset({"of", "for", "and", "de", "van", "von"})
# Titles written before a name: words of their own in a question ("which judge…").
_TITLES = frozenset("""mr mrs ms miss dr sir dame lord lady prof professor judge justice
    chief inspector detective sergeant constable superintendent commissioner officer
    councillor cllr mayor president minister secretary chancellor governor senator bishop
    reverend rev father sister captain capt colonel general admiral major deputy acting
    interim principal head director chair chairman chairwoman coach manager""".split())
# The longest name looked for in the question, in words.
_LONGEST = 6
_SENTENCE_END = re.compile(r"[.!?:;\"“”]\s*$")


def _possessive(word: str) -> tuple[str, str]:
    """"Akerby's" -> ("Akerby", "'s")."""
    m = re.match(r"(.+?)([’']s?)$", word)
    return (m.group(1), m.group(2)) if m else (word, "")


def _runs(text: str) -> Iterator[tuple[list[str], bool]]:
    """Runs of capitalised words joined by single spaces (and joiners), each with whether
    it opens a sentence."""
    run: list[str] = []
    opens = False
    end = 0
    for m in _WORD.finditer(text):
        word = m.group()
        if run and text[end: m.start()] != " ":
            yield run, opens
            run = []
        end = m.end()
        if word[:1].isupper():
            if not run:
                before = text[: m.start()]
                opens = not before.strip() or bool(_SENTENCE_END.search(before))
            run.append(word)
        elif run and word in _JOINERS:
            run.append(word)
        elif run:
            yield run, opens
            run = []
    if run:
        yield run, opens


def _names(texts: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Names the texts write (lower-case phrase -> as written) and the single words that
    name something and that the texts never write in lower case (lower -> as written)."""
    phrases: dict[str, str] = {}
    single: dict[str, str] = {}
    seen: Counter[str] = Counter()
    lower: set[str] = set()
    # Passages overlap: a sentence read twice is one use of its names.
    for sentence in dict.fromkeys(s for text in texts for s in sentences(text)):
        lower.update(w for w in (_possessive(m.group())[0] for m in _WORD.finditer(sentence))
                     if w.islower())
        for run, opens in _runs(sentence):
            _name_run(run, opens, phrases, single, seen)
    cased = {w.lower(): w for w, n in seen.items() if n >= 2} | single
    return phrases, {low: w for low, w in cased.items()
                     if low not in lower and low not in STOPWORDS and low not in _TITLES}


def _name_run(run: list[str], opens: bool, phrases: dict[str, str], single: dict[str, str],
              seen: Counter[str]) -> None:
    while run and run[-1] in _JOINERS:
        run.pop()
    # "The Loft", "But Bernard Ashdale", "Judge Harriet Moule": a capitalised stopword or
    # a title opening it is no part of the name.
    while run and (run[0].lower() in STOPWORDS or run[0].lower() in _TITLES):
        run.pop(0)
        opens = False
    if not run:
        return
    bare = [_possessive(w)[0] for w in run]
    # A sentence's first word is capitalised whatever it is ("Closing older sites…").
    seen.update(w for w in bare[1 if opens else 0:] if w not in _JOINERS)
    if len(run) == 1:
        if not opens:
            single.setdefault(bare[0].lower(), bare[0])
        return
    # Any two or more of its words name it too: "Abbotsleigh Otters" of "Abbotsleigh Otters
    # Swimming Club"; "Saddler's Row" keeps its apostrophe inside.
    for i, first in enumerate(run):
        for j in range(i + 2, min(len(run), i + _LONGEST) + 1):
            if first not in _JOINERS and run[j - 1] not in _JOINERS:
                for words in (run[i:j], [*run[i: j - 1], bare[j - 1]]):
                    phrases.setdefault(" ".join(words).lower(), " ".join(words))
    # Its last word alone is how a person is named again ("Desmond Akerby", then "Akerby");
    # its other words may be common words of an organisation's name ("National Cyber
    # Security Centre") unless the passages write them as names more than once.
    single.setdefault(bare[-1].lower(), bare[-1])


def truecased(question: str, texts: Iterable[str]) -> str:
    """The question with the names of ``texts`` capitalised as they write them; unchanged
    when the question has any capital."""
    if any(ch.isupper() for ch in question):
        return question
    phrases, capital = _names(texts)
    words = list(_WORD.finditer(question))
    out: list[str] = []
    at = 0
    i = 0
    while i < len(words):
        for n in range(min(_LONGEST, len(words) - i), 0, -1):
            span = words[i: i + n]
            # Only words joined by single spaces form a name.
            if any(question[a.end(): b.start()] != " " for a, b in pairwise(span)):
                continue
            last, tail = _possessive(span[-1].group())
            phrase = " ".join([w.group() for w in span[:-1]] + [last])
            cased = phrases.get(phrase) if n > 1 else capital.get(phrase)
            if cased:
                out.append(question[at: span[0].start()] + cased + tail)
                at = span[-1].end()
                i += n
                break
        else:
            i += 1
    out.append(question[at:])
    text = "".join(out)
    return text[:1].upper() + text[1:]
