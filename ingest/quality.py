"""Low-information text: what carries no news, told apart from what does.

Scrapers and feeds deliver pages that are one word or one block repeated, keyword lists aimed
at a story's names, cookie walls and navigation menus. Such text is cheap to make in bulk
and, embedded and indexed like an article, it outranks articles on the very words it
repeats. Two decisions, both here:

* ``article_junk(body)``, ``unrepeated(body)``, ``all_junk(...)``: the whole body is junk
  (one word, one short block repeated, every passage stuffing or boilerplate) and big
  enough to be a flood (FLOOD_CHARS): the article is skipped with a one-line reason, like
  any other bad input.
* ``advert(body)``: a text too short for those statistics (under MIN_WORDS) that is made of
  calls to action and site chrome ("click here", "buy now", "subscribe") is an advert or a
  button row, not a news brief: skipped with a one-line reason.
* ``chunk_quality(body, spans)``: per chunk of an article that is kept, a weight in [0, 1]
  (1: ordinary text) and the class of junk it is. A real article with a junk section keeps
  its real part at full weight; its junk chunks are stored, marked and down-weighted in
  search (``Chunk.quality``), except chunks that repeat what the article said earlier
  (weight 0): those are not stored. An article whose every chunk is junk is skipped too.

Text without sentence punctuation is down-weighted but never the reason to skip: scripts
such as Thai write no sentence marks, and transcripts often lack them.

The thresholds are far from ordinary prose on purpose (the margins are noted beside each):
a false "junk" loses a real article, a missed one only costs the search cap a few places.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
# Sentence ends: Latin, CJK and Devanagari full stops, question and exclamation marks.
_SENTENCE_END = re.compile(r"[.!?。！？।](?=[\s\"'”’)\]]|$)")

# Words an article needs before its statistics mean anything (a one-line brief is fine).
MIN_WORDS = 30
# Junk is skipped only from this size up (about three chunks): a flood. A shorter junk page
# is at most a few passages, which the search cap and its weight keep below any real
# answer; storing it weighted loses nothing if a short templated text was real after all.
FLOOD_CHARS = 2000
# Share of all words taken by the most common one. In English news "the" is 5-7 %, in any
# language the top word stays under 15 %; a page that is one word repeated is ~100 %.
ONE_TOKEN_SHARE = 0.5
# Share taken by the five most common words of a passage of at least STUFFING_MIN_WORDS.
# Across the 26,177 chunks of 1,500 RealTime QA articles: median ~0.25 ("the, of, to, a,
# and"), 99.9th percentile 0.39, highest 0.53 (a table of yearly birth figures); keyword
# stuffing that keeps repeating a story's names ("Rotterdam strike end, Rotterdam strike
# news, ...") 0.65-0.75, one short block pasted again and again up to 1.
TOP5_SHARE = 0.6
STUFFING_MIN_WORDS = 20
SHINGLE = 5  # words per shingle when looking for repeated text
# A chunk whose word 5-grams were nearly all met earlier in its article repeats it. The chunk
# overlap (a fifth of a chunk) is all an ordinary chunk shares with earlier ones, templated
# reports ("the committee met on day 4 and counted 512 residents") up to 0.83; a block
# pasted again is 1.0 (0.95 with a word changed). Galleries that print each caption twice
# repeat whole passages: the first copy keeps its weight.
REPEATED_SHARE = 0.9
# Text said once that an article must hold, in 5-grams (15: one sentence of ~19 words); an
# article that is one block pasted again and again has none and is skipped, and a chunk
# holding that much is never "repeated text", whatever repeats around it.
MIN_UNREPEATED = 15
# Distinct words / words in a chunk of at least KEYWORD_MIN_WORDS. Across 26,177 chunks of
# 1,500 RealTime QA articles the lowest was 0.31 (photo captions printed twice) and the
# 1st percentile 0.52; templated reports ("Grower 3 of orchard 7 picked 10 crates of pears
# on day 3." twelve times) 0.15-0.2; a keyword list cycling a story's names 0.05-0.1.
KEYWORD_DISTINCT = 0.12
KEYWORD_MIN_WORDS = 60
# Within one chunk: distinct 5-grams / all 5-grams. Prose is ~1.0; a block repeated inside
# one chunk falls to 1/repeats.
SELF_DISTINCT = 0.35
# A run with no sentence end this long is no prose (a chunk is at most ~700 characters of
# whole sentences, so prose puts several sentence ends in any 300 characters).
NO_SENTENCE_CHARS = 300
# Boilerplate: phrases of cookie walls, consent banners and site chrome. A chunk with this
# many distinct ones taking at least BOILERPLATE_SHARE of its characters, or navigation
# lines making up most of it, is page furniture. (A story about a phone company's privacy
# policy names a few such phrases in a passage of ordinary sentences: a small share.)
BOILERPLATE_PHRASES = 3
BOILERPLATE_SHARE = 0.15
_BOILERPLATE = re.compile(
    r"\b(?:cookies?|accept all|reject all|privacy policy|cookie policy|terms of (?:use|service)"
    r"|manage (?:preferences|settings)|consent|subscribe|newsletter|sign in|log in|sign up"
    r"|all rights reserved|skip to (?:main )?content|follow us|share (?:this|on)"
    r"|advertisement|contact us|about us|javascript|your browser|copyright)\b",
    re.IGNORECASE)
# Adverts and spam: calls to action that no news sentence is made of. In a long article
# they are one more kind of boilerplate (the same search weight); a short text of them alone
# (ADVERT_PHRASES distinct ones covering ADVERT_SHARE of its words) is skipped. A brief that
# quotes one ("the app told users to 'click here'") has one phrase in a sentence of news.
ADVERT_PHRASES = 2
ADVERT_SHARE = 0.3
_ADVERT = re.compile(
    r"\b(?:click here|buy now|order now|shop now|act now|call now|limited (?:time )?offer|"
    r"free shipping|best prices?|100% free|no prescription|earn money|"
    r"work from home|win big|unsubscribe)\b", re.IGNORECASE)
# Navigation: lines of at most this many words, without a sentence end or a figure ("Home",
# "Sign in", "Next »"); most lines of the chunk, and at least this many of them. Lists of
# names with their show or team ("Kieran Culkin, "Succession"") run longer and are content.
NAV_LINE_WORDS = 2
NAV_SHARE = 0.7
NAV_MIN_LINES = 5
# Words in a line that make it prose (a sentence of news, not a menu item or a button).
PROSE_WORDS = 12
_SEPARATORS = re.compile(r"\s[|»›·]\s")
# Lines a run of text needs to be a list (of products, players, figures), which is data even
# without sentence marks; fewer, and an unpunctuated run is a wall of words.
LIST_LINES = 3

# Search weight of each junk class (Chunk.quality): how much a passage of it may count as
# evidence. Repetition and keyword lists say nothing new; boilerplate says nothing about
# the news; unpunctuated text may be real (see above), so it loses only half.
# A chunk saying again what its article said earlier: not stored at all (its text is in the
# store already, and a thousand copies of one vector would fill every nearest-neighbour list).
REPEAT = "repeats earlier text"
WEIGHTS = {
    REPEAT: 0.0,
    "one word repeated": 0.05,
    "repeated text": 0.1,
    "keyword stuffing": 0.1,
    "boilerplate or navigation": 0.2,
    "no sentences": 0.5,
}


@dataclass(frozen=True)
class ChunkQuality:
    weight: float  # 1.0: ordinary text
    reason: str | None  # the junk class (a key of WEIGHTS), or None


GOOD = ChunkQuality(1.0, None)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _shares(words: Sequence[str]) -> tuple[str, float, float]:
    """The most common word, its share, and the share of the five most common."""
    common = Counter(words).most_common(5)
    n = len(words)
    return common[0][0], common[0][1] / n, sum(c for _, c in common) / n


def _shingles(words: Sequence[str]) -> list[int]:
    if len(words) < SHINGLE:
        return [hash(tuple(words))] if words else []
    return [hash(tuple(words[i : i + SHINGLE])) for i in range(len(words) - SHINGLE + 1)]


def _boilerplate(text: str) -> bool:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    # A line of prose free of boilerplate phrases is content: the chunk holding it (a brief
    # above a menu, a story's lead below a cookie banner) is not page furniture.
    if any(len(ln.split()) >= PROSE_WORDS and _SENTENCE_END.search(ln)
           and not _BOILERPLATE.search(ln) and not _ADVERT.search(ln) for ln in lines):
        return False
    found = [*_BOILERPLATE.finditer(text), *_ADVERT.finditer(text)]
    if (len({m.group(0).lower() for m in found}) >= BOILERPLATE_PHRASES
            and sum(len(m.group(0)) for m in found) >= BOILERPLATE_SHARE * len(text)):
        return True
    # Lines with figures are data (prices, results tables), not menus.
    nav = sum(1 for ln in lines if len(ln.split()) <= NAV_LINE_WORDS
              and not _SENTENCE_END.search(ln) and not any(ch.isdigit() for ch in ln))
    if len(lines) >= NAV_MIN_LINES and nav / len(lines) >= NAV_SHARE:
        return True
    # A menu on one line: "Home | World | Business | Sport | Tech | Video".
    return len(_SEPARATORS.findall(text)) >= NAV_MIN_LINES and len(text.split()) < 4 * len(
        _SEPARATORS.findall(text))


def article_junk(body: str) -> str | None:
    """A one-line reason when a body of FLOOD_CHARS or more is one word repeated (cheap:
    checked before the article is chunked), else None."""
    if len(body) < FLOOD_CHARS:
        return None
    words = _words(body)
    if len(words) < MIN_WORDS:
        return None
    top, share, _ = _shares(words)
    if share >= ONE_TOKEN_SHARE:
        return (f"low-information text: one word ({top[:20]!r}) is {share:.0%} of its "
                f"{len(words):,} words")
    return None


def advert(body: str) -> str | None:
    """A one-line reason when a body under MIN_WORDS words is calls to action and little
    else ("click here buy now !!!! $$$"), else None."""
    words = _words(body)
    if not words or len(words) >= MIN_WORDS:
        return None
    found = [m.group(0).lower() for m in _ADVERT.finditer(body)]
    covered = sum(len(_words(m)) for m in found)
    if len(set(found)) >= ADVERT_PHRASES and covered >= ADVERT_SHARE * len(words):
        return f"advertising text, not news ({', '.join(sorted(set(found))[:3])})"
    return None


def _chunk_class(text: str, words: list[str], shingles: list[int], seen: set[int],
                 counts: Counter[int]) -> ChunkQuality:
    sentences = bool(_SENTENCE_END.search(text))
    _, share, top5 = _shares(words) if len(words) >= STUFFING_MIN_WORDS else ("", 0.0, 0.0)
    if len(words) >= MIN_WORDS:
        if share >= ONE_TOKEN_SHARE:
            return _junk("one word repeated")
        if sum(1 for s in shingles if s in seen) / len(shingles) >= REPEATED_SHARE:
            return _junk(REPEAT)
        if (len(set(shingles)) / len(shingles) < SELF_DISTINCT
                and sum(1 for s in shingles if counts[s] == 1) < MIN_UNREPEATED):
            return _junk("repeated text")
    few_words = (len(words) >= KEYWORD_MIN_WORDS
                 and len(set(words)) / len(words) < KEYWORD_DISTINCT)
    if top5 >= TOP5_SHARE or few_words:
        # Unpunctuated, a word salad is no more evidence than a keyword list, but it may
        # be a transcript: weighed as stuffing, never the reason to skip.
        return (_junk("keyword stuffing") if sentences
                else ChunkQuality(WEIGHTS["keyword stuffing"], "no sentences"))
    if _boilerplate(text):
        return _junk("boilerplate or navigation")
    if len(text) >= NO_SENTENCE_CHARS and not sentences and text.count("\n") < LIST_LINES:
        return _junk("no sentences")
    return GOOD


def _junk(reason: str) -> ChunkQuality:
    return ChunkQuality(WEIGHTS[reason], reason)


def chunk_quality(body: str, spans: Sequence[tuple[int, int]]) -> list[ChunkQuality]:
    """The weight and junk class of each chunk ``body[start:end]``, in order."""
    seen: set[int] = set()
    counts = Counter(_shingles(_words(body)))
    out = []
    for start, end in spans:
        text = body[start:end]
        words = _words(text)
        shingles = _shingles(words)
        out.append(_chunk_class(text, words, shingles, seen, counts))
        seen.update(shingles)
    return out


def unrepeated(body: str) -> str | None:
    """A one-line reason when no stretch of a body of FLOOD_CHARS or more is said once (one
    block pasted again and again), else None."""
    if len(body) < FLOOD_CHARS:
        return None
    words = _words(body)
    if len(words) < MIN_WORDS:
        return None
    counts = Counter(_shingles(words))
    once = sum(1 for n in counts.values() if n == 1)
    if once >= MIN_UNREPEATED:
        return None
    return (f"low-information text: {len(body):,} characters repeating "
            f"{len(counts):,} word sequences")


def all_junk(qualities: Sequence[ChunkQuality], chars: int) -> str | None:
    """A one-line reason to skip an article of ``chars`` >= FLOOD_CHARS whose every chunk
    is junk (and not merely unpunctuated), else None."""
    reasons = Counter(q.reason for q in qualities)
    if (chars < FLOOD_CHARS or not qualities or reasons[None]
            or set(reasons) == {"no sentences"}):
        return None
    worst, _ = max(((r, n) for r, n in reasons.items() if r != "no sentences"),
                   key=lambda rn: rn[1])
    return f"low-information text: every passage is junk ({worst})"
