"""Stage 2 of reading: the sentences that could answer, from the top passages.

Every sentence of the first few passages becomes a :class:`Candidate` with its place in the
article (the lead, the sentence before it) and how much of the question's names its passage
holds. Scoring (``scoring.py``) and shaping (``shaping.py``) read these; the LLM answerer
builds its compact prompt from the same candidates, so both answerers read the same choice.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from bot.answer import Citation
from bot.answering.question import QuestionInfo, term_set
from bot.answering.taint import is_tainted
from bot.attribution import closes_unopened_quote
from bot.temporal import NUMBER_WORDS, resolve_dates
from retrieval.sentences import sentence_spans
from retrieval.types import Chunk, Hit


@dataclass
class Candidate:
    chunk: Chunk
    rank: int
    start: int  # offsets into the chunk text
    end: int
    text: str
    lexical: float = 0.0
    # Share of the question's names and numbers found in the passage (1.0 if it has none).
    required: float = 1.0
    dense: float = 0.0
    short: str | None = None
    score: float = 0.0
    # The sentence before this one in the passage ("" for the first): "It said…" needs it.
    before: str = ""
    # The first sentence of the article body: in news the lead says what happened.
    lead: bool = False
    # Share of the question's names the sentence (or the one before) holds.
    names: float = 0.0
    # Words of the speaker a "what did X say" question asks about.
    spoken: bool = False
    # The name the parse finds filling the asked part of the question's event ("Ruth
    # Castellan" in "talks brokered by Ruth Castellan" for "Who brokered the deal?").
    argument: str | None = None


def citation_for_span(chunk: Chunk, start: int, end: int, n: int,
                      score: float = 0.0) -> Citation:
    """A citation of ``chunk.text[start:end]`` with the relative dates in it resolved."""
    text = chunk.text[start:end]
    resolved = tuple(
        (r.phrase, r.day.isoformat())
        for r in resolve_dates(text, chunk.published_at)
        if r.relative
    )
    return Citation(
        n=n,
        article_id=chunk.article_id,
        title=chunk.title,
        source=chunk.source,
        url=chunk.url,
        published_at=chunk.published_at,
        quote=text,
        start=chunk.start + start,
        end=chunk.start + end,
        resolved_dates=resolved,
        score=round(score, 4),
    )


def citation_for(c: Candidate, n: int) -> Citation:
    return citation_for_span(c.chunk, c.start, c.end, n, c.score)


_DIGIT_WORDS = {str(v): k for k, v in NUMBER_WORDS.items() if isinstance(v, int)}


def mentions(term: str, terms: set[str], text: str, source: str, question: str) -> bool:
    """Does a passage name one of the question's required names or numbers? News writes
    them several ways: "1 billion" / "one billion", "COO" / "chief operating officer",
    "Britons" / "British"."""
    if term in terms or (len(term) >= 4 and term in source):
        return True
    if term in _DIGIT_WORDS:
        return _DIGIT_WORDS[term] in terms
    if (3 <= len(term) <= 5 and term.isalpha()
            and re.search(rf"\b{term.upper()}\b", question)
            and re.search(r"\b" + r"\w*\s+".join(term) + r"\w*", text, re.I)):
        return True  # an acronym spelled out
    # Words, not paths: the shared leading characters are what is wanted. Most of the
    # question's name must be shared ("Armenia" in "Armenian", "Ukrain" in "Ukraine"), not
    # most of the passage's word: "Wendy" shares "Wend" with "Wendmoor" and is no mention.
    return len(term) >= 5 and any(
        len(os.path.commonprefix([term, t]))  # noqa: RUF071
        >= max(4, round(0.66 * len(term))) for t in terms)


def article_texts(chunks: Iterable[Chunk]) -> dict[str, str]:
    """Each article's title and its retrieved passages, each passage once, as one text."""
    parts: dict[str, dict[str, str]] = {}
    for chunk in chunks:
        parts.setdefault(chunk.article_id, {"": chunk.title}).setdefault(chunk.id, chunk.text)
    return {article: " ".join(texts.values()) for article, texts in parts.items()}


def candidate_sentences(info: QuestionInfo, hits: list[Hit], passages: int) -> list[Candidate]:
    """Every sentence of the first ``passages`` hits, once, except questions and sentences
    of passages that address the bot."""
    out: list[Candidate] = []
    seen: set[tuple[str, int]] = set()
    # A story names its subject in full once, early, and later paragraphs lean on that
    # ("Its insurer has offered a reward…" in a story whose lead names the painter): a
    # passage holds the names its article's retrieved passages hold.
    article_text = article_texts(h.chunk for h in hits[:passages] if not is_tainted(h.chunk.text))
    article_required: dict[str, float] = {}
    for rank, hit in enumerate(hits[:passages]):
        chunk = hit.chunk
        if is_tainted(chunk.text):
            continue  # an article that addresses the bot is no source of answers
        required = article_required.get(chunk.article_id)
        if required is None:
            required = article_required[chunk.article_id] = _names_held(
                info, article_text[chunk.article_id], chunk)
        before = ""
        # Only the article's first chunk holds its lead.
        lead_open = chunk.start == 0
        for s, e in sentence_spans(chunk.text):
            text = chunk.text[s:e]
            key = (chunk.article_id, chunk.start + s)
            prev, before = before, text
            if key in seen:
                continue  # overlapping chunks repeat sentences
            seen.add(key)
            if text.rstrip().endswith("?"):
                # A question is never its own answer; echoing the user's question is
                # the cheapest way for a planted passage to outrank the real one.
                continue
            lead = lead_open and _is_sentence(text) and text.strip() != chunk.title.strip()
            lead_open = lead_open and not lead
            out.append(Candidate(chunk, rank, s, e, text, required=required, before=prev,
                                 lead=lead))
    return out


# "That saturated the soil until the slope gave way.": a sentence whose subject points back
# says nothing alone. Not "This week…" or "That day…": those are times.
# "His place has been taken by Noor Halabi": whose place the sentence before says; a quote
# of "He said…" alone does not say who spoke.
_POINTS_BACK = re.compile(r"^\W*(?:That|This|These|Those|It|Its|They|Their|He|She|His|Her|"
                          r"Such)\s+(?!(?:year|week|month|"
                          r"day|morning|afternoon|evening|night|time|season|summer|winter|"
                          r"spring|autumn|weekend)\b)")


def with_antecedent(c: Candidate) -> Candidate:
    """The candidate quoted from the sentence before, when it opens by pointing back to it;
    otherwise itself."""
    if not c.before or not _POINTS_BACK.match(c.text):
        return c
    start = c.chunk.text.rfind(c.before, 0, c.start)
    if start < 0:
        return c
    return replace(c, start=start, text=c.chunk.text[start:c.end])


# A direct quote opens the sentence: '"Nobody came," she said.'
_OPENS_QUOTE = re.compile(r"^\W{0,2}[“\"]")
# Its speaker given by a pronoun, or by nobody (a quote running on from the sentence before).
_NAMED_SAYING = re.compile(r"[,”\"]\s*(?:said|says|added|told)\s+(?!(?:he|she|they)\b)[A-Z]|"
                           r"[,”\"]\s*(?!(?:He|She|They)\b)[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*"
                           r"\s+(?:said|says|added|told)\b")


def with_speakers_words(c: Candidate, cands: list[Candidate]) -> Candidate:
    """What someone said, as news gives it: an introduction, then the quote. A quote whose
    speaker is a pronoun ('"Generations of families have worked there," she said') is
    quoted with the sentence before, which says who she is; a sentence introducing a
    speaker ("Lidia Novak said she had reported the faulty alarm") with the quote that
    follows it ('"Nobody came. I bought my own smoke detector," she said')."""
    text = c.chunk.text
    if c.before and ((_OPENS_QUOTE.match(c.text) and not _NAMED_SAYING.search(c.text))
                     or (not _OPENS_QUOTE.match(c.text) and closes_unopened_quote(c.text)
                         and _OPENS_QUOTE.match(c.before))):
        # The sentence before says who is speaking, or (for a quote's last sentence,
        # '…a £70 ticket," said Bernadette Petts') holds the start of what they said.
        start = text.rfind(c.before, 0, c.start)
        if start >= 0:
            return replace(c, start=start, text=text[start:c.end])
    def following(d: Candidate) -> Candidate | None:
        return next((e for e in cands if e.chunk.article_id == d.chunk.article_id
                     and e.chunk.index == d.chunk.index and e.start >= d.end
                     and e.before == d.text), None)

    after = following(c)
    if after is None or not _OPENS_QUOTE.match(after.text):
        return c
    # The quote may run over several sentences: to where it closes, at most a few.
    end = after
    for _ in range(_QUOTE_SENTENCES):
        if _closed(text[after.start:end.end]) or (more := following(end)) is None:
            break
        end = more
    return replace(c, end=end.end, text=text[c.start:end.end])


# How many sentences a quote is followed through.
_QUOTE_SENTENCES = 3


def _closed(quote: str) -> bool:
    return (quote.count("“") <= quote.count("”")) and quote.count('"') % 2 == 0


def _names_held(info: QuestionInfo, text: str, chunk: Chunk) -> float:
    """Share of the question's names and numbers an article's retrieved text holds."""
    if not info.required:
        return 1.0
    dated = term_set(text) | ({str(chunk.published_at.year)} if chunk.published_at else set())
    # "according to The Guardian" is answered by the Guardian's own article, which names
    # itself only in its source (theguardian.com).
    source = chunk.source.lower()
    return sum(mentions(t, dated, text, source, info.text)
               for t in info.required) / len(info.required)


LEAD_MIN_WORDS = 8  # shorter first lines are datelines, bylines and captions


def _is_sentence(text: str) -> bool:
    return len(text.split()) >= LEAD_MIN_WORDS
