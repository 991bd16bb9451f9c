"""The one step after any answerer: news-native touches on an Answer.

- each citation says who its quote attributes the claim to (``attributed_to``) and which
  other articles carry the same story (``also_reported_by``); two citations of one story
  become one;
- the answer says who said it ("According to the union, …");
- when the passages give different values for what was asked (two death tolls), the answer
  shows each with its source and citation instead of picking one (``conflict``).

It reads only the Answer, the hits the answerer saw and the story clusters, so it is the
same for the extractive and the LLM answerer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

from bot.answer import Answer, Citation, ConflictValue, Report
from bot.attribution import attribute, speaker_case, with_attribution
from bot.conflicts import ASKS, KINDS, Claim, Value, asked_count, asked_kinds, disagreeing, values
from bot.temporal import format_day, resolve_dates
from bot.topicwords import count_held, tokens
from retrieval.sentences import sentence_spans, sentences
from retrieval.types import ArticleRecord, Hit

# Words of a question that do not name its subject.
_QUESTION_WORDS = frozenset(
    "how many much what when where who whom which why did does do was were is are the a an "
    "of in on at to for by from and or people person according reported say said says "
    "there have has had been be".split())
# Label of each quantity kind in the answer ("Sources disagree on the death toll").
KIND_LABELS = {"deaths": "death toll", "injured": "number injured", "turnout": "turnout",
               "arrests": "number of arrests", "evacuated": "number displaced",
               "missing": "number missing", "crowd": "size of the crowd", "date": "date"}


def subject_words(question: str, kinds: Sequence[str],
                  counted: Sequence[str] = ()) -> set[str]:
    """The question's words that name its subject: not question words, not the quantity."""
    asked = {w for k in kinds for w in ASKS.get(k, ())} | set(counted)
    return {w for w in tokens(question) if w not in _QUESTION_WORDS and w not in asked
            and len(w) > 2}


class StoryLookup(Protocol):
    """What the step needs of story clusters (ingest.stories.StoryIndex provides it)."""

    def cluster_of(self, article_id: str) -> str: ...

    def copies(self, article_id: str) -> list[ArticleRecord]: ...


def _reports(records: Sequence[ArticleRecord]) -> tuple[Report, ...]:
    return tuple(Report(r.source, r.title, r.url, r.published_at) for r in records)


def _renumber(text: str, mapping: dict[int, int]) -> str:
    text = re.sub(r"\[(\d+)\]", lambda m: f"[{mapping.get(int(m.group(1)), int(m.group(1)))}]",
                  text)
    return re.sub(r"(\[\d+\])(?:\1)+", r"\1", text)  # "[1][1]" after a fold → "[1]"


def fold_citations(answer: Answer, cluster_of: Callable[[str], str]) -> None:
    """Citations of one story (copies) become the first of them; markers follow."""
    kept: list[Citation] = []
    first: dict[str, int] = {}
    position: dict[int, int] = {}
    for c in answer.citations:
        key = cluster_of(c.article_id)
        if key in first and kept[first[key]].article_id != c.article_id:
            position[c.n] = first[key]
            continue
        first.setdefault(key, len(kept))
        position[c.n] = len(kept)
        kept.append(c)
    if len(kept) == len(answer.citations):
        return
    mapping = {old: pos + 1 for old, pos in position.items()}
    answer.citations = [replace(c, n=i + 1) for i, c in enumerate(kept)]
    answer.answer = _renumber(answer.answer, mapping)
    answer.checks = [replace(ch, citations=tuple(dict.fromkeys(
        mapping.get(n, n) for n in ch.citations))) for ch in answer.checks]


def lower_first(text: str, vocabulary: set[str]) -> str:
    """"Dock workers walked out" after "According to X, " reads "dock workers …" when the
    passages use the word in lower case; a name ("Azerbaijan", "Maria") keeps its capital."""
    first = text.split(" ", 1)[0]
    word = re.sub(r"\W+$", "", first)
    if (word[:1].isupper() and word[1:].islower() and word.casefold() in vocabulary):
        return text[:1].lower() + text[1:]
    return text


def attribute_answer(answer: Answer, vocabulary: set[str] | None = None) -> None:
    """Say who said it: the answer's leading claim takes its citation's attribution."""
    if answer.abstained or not answer.citations:
        return
    text = answer.answer
    if text.lstrip().casefold().startswith("according to"):
        return
    m = re.search(r"\[(\d+)\]", text)
    cited = next((c for c in answer.citations if m and c.n == int(m.group(1))), None)
    if cited is None or not cited.attributed_to:
        return
    quote = " ".join(cited.quote.split())
    if len(sentences(quote)) > 1:
        # '… declined to comment further. "It isn't everything," said Lorraine Ruddock.':
        # the trailing attribution is the last sentence's, and "According to Ruddock"
        # before the whole would give her the first sentence's news too.
        return
    if text.startswith(quote):
        answer.answer = with_attribution(quote, vocabulary or set()) + text[len(quote):]
        return
    short = answer.short_answer
    if short and short.casefold() in cited.attributed_to.casefold():
        return  # "Teresa Vaughan — “Minister Teresa Vaughan said…”": the answer is the speaker
    reworded = with_attribution(quote)
    if reworded != quote and text.startswith(short or "\0"):
        # "SHORT — “quote” [1]": name the source up front, keep the quote as it is.
        answer.answer = f"According to {speaker_case(cited.attributed_to)}, {text}"
        return
    if reworded == quote:  # "Police told reporters …": the quote already names its source
        return
    who = re.sub(r"^(?:the|a|an)\s+", "", cited.attributed_to, flags=re.I).casefold()
    if who in re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0].casefold():
        return  # "Grace Whitlow said …": the answer names its source already
    answer.answer = (f"According to {speaker_case(cited.attributed_to)}, "
                     f"{lower_first(text, vocabulary or set())}")


def _sentence_citation(hit: Hit, start: int, end: int, n: int) -> Citation:
    c = hit.chunk
    quote = c.text[start:end]
    return Citation(
        n=n, article_id=c.article_id, title=c.title, source=c.source, url=c.url,
        published_at=c.published_at, quote=quote, start=c.start + start, end=c.start + end,
        resolved_dates=tuple((r.phrase, r.day.isoformat())
                             for r in resolve_dates(quote, c.published_at) if r.relative),
        score=hit.score, attributed_to=attribute(quote),
    )


def find_conflict(question: str, answer: Answer, hits: Sequence[Hit],
                  cluster_of: Callable[[str], str]) -> None:
    """Show every value when the passages disagree on the quantity the question asks about."""
    kinds = asked_kinds(question)
    table = KINDS
    counted = asked_count(question) if not kinds else None
    if counted is not None:
        table = {counted[0]: counted[1]}
        kinds = [counted[0]]
    if not kinds:
        find_date_conflict(question, answer, hits, cluster_of)
        return
    subject = subject_words(question, kinds, table.get(kinds[0], ()))
    need = min(2, len(subject))
    for kind in kinds:
        found: list[tuple[Hit, int, int, Value]] = []
        for hit in hits:
            text = hit.chunk.text
            for s, e in sentence_spans(text):
                sentence = text[s:e]
                mine = [v for v in values(sentence, table, adjacent=counted is not None)
                        if v.kind == kind]
                if not mine:
                    continue
                # About the question's subject: the sentence, or failing that its article's
                # title, shares the question's subject words.
                if count_held(subject, tokens(sentence) | tokens(hit.chunk.title)) < need:
                    continue
                found.append((hit, s, e, mine[0]))
        claims = [Claim(i, v) for i, (_, _, _, v) in enumerate(found)]
        differing = disagreeing(claims)
        if differing is None or not _two_sources([found[c.key] for c in differing]):
            continue
        _show_conflict(answer, kind, [found[c.key] for c in differing])
        return


def _two_sources(found: list[tuple[Hit, int, int, Value]]) -> bool:
    """Sources disagree only when there are two: different articles, or one article quoting
    two speakers. One article's figures of several things ("9 of their 31 matches") are no
    disagreement."""
    articles = {hit.chunk.article_id for hit, _s, _e, _v in found}
    speakers = {attribute(hit.chunk.text[s:e]) for hit, s, e, _v in found}
    return len(articles) > 1 or len(speakers - {None}) > 1


_WHEN = re.compile(r"^\s*(?:when|on\s+what\s+(?:day|date)|what\s+(?:day|date))\b",
                   re.IGNORECASE)


def find_date_conflict(question: str, answer: Answer, hits: Sequence[Hit],
                       cluster_of: Callable[[str], str]) -> None:
    """"When did X happen?" answered with different days by different stories' articles:
    each day with its source. Every subject word of the question must be in the sentence or
    its title, and one in the sentence itself, so a sentence dates this event, not another."""
    if not _WHEN.match(question):
        return
    subject = subject_words(question, [])
    if len(subject) < 2:
        return
    found: list[tuple[Hit, int, int, Value]] = []
    days: dict[str, str] = {}  # story → the day its first sentence gives
    for hit in hits:
        text = hit.chunk.text
        story = cluster_of(hit.chunk.article_id)
        if story in days:
            continue
        for s, e in sentence_spans(text):
            sentence = text[s:e]
            mine = tokens(sentence)
            if (not count_held(subject, mine)
                    or count_held(subject, mine | tokens(hit.chunk.title)) < len(subject)):
                continue
            dates = resolve_dates(sentence, hit.chunk.published_at)
            if not dates:
                continue
            day = dates[0].day
            days[story] = day.isoformat()
            found.append((hit, s, e, Value("date", float(day.toordinal()),
                                            format_day(day))))
            break
    differing = disagreeing([Claim(i, v) for i, (_, _, _, v) in enumerate(found)])
    if differing is not None:
        _show_conflict(answer, "date", [found[c.key] for c in differing])


def _show_conflict(answer: Answer, kind: str,
                   found: list[tuple[Hit, int, int, Value]]) -> None:
    """The answer becomes the values, each with its source; its citations are exactly the
    sentences that give them (what the answerer had picked is one of them, or moot)."""
    chosen: list[Citation] = []
    out: list[ConflictValue] = []
    parts: list[str] = []
    for hit, s, e, value in found:
        start = hit.chunk.start + s
        cite = next((c for c in chosen if c.article_id == hit.chunk.article_id
                     and c.start == start), None)
        if cite is None:
            cite = _sentence_citation(hit, s, e, len(chosen) + 1)
            chosen.append(cite)
        who = cite.attributed_to
        source = speaker_case(who) if who else (cite.source or "an unnamed source")
        out.append(ConflictValue(kind, value.text, who, cite.n))
        parts.append(f"{value.shown} according to {source} [{cite.n}]")
    answer.citations = chosen
    answer.checks = []  # the generated claims, if any, are no longer the answer
    answer.conflict = True
    answer.conflict_values = out
    answer.short_answer = None
    answer.abstained = False
    label = KIND_LABELS.get(kind, kind)
    answer.answer = f"Sources disagree on the {label}: " + "; ".join(parts) + "."


def enrich(question: str, answer: Answer, hits: Sequence[Hit],
           stories: StoryLookup | None) -> Answer:
    """The news-native step every answer goes through (see the module docstring)."""
    def cluster_of(article_id: str) -> str:
        return stories.cluster_of(article_id) if stories is not None else article_id

    answer.citations = [replace(c, attributed_to=c.attributed_to or attribute(c.quote))
                        for c in answer.citations]
    fold_citations(answer, cluster_of)
    # Words the passages write in lower case: what may lose its capital after "According to".
    vocabulary = {w for t in [question, *(h.chunk.text for h in hits)]
                  for w in re.findall(r"\b[a-z][a-z'-]+\b", t)}
    attribute_answer(answer, vocabulary)
    find_conflict(question, answer, hits, cluster_of)
    if stories is not None:
        answer.citations = [replace(c, also_reported_by=_reports(stories.copies(c.article_id)))
                            for c in answer.citations]
    return answer


def fold_hits(hits: Sequence[Hit], cluster_of: Callable[[str], str], k: int) -> list[Hit]:
    """The top ``k`` hits with one article per story: a copy's passages give way to the next
    story (an article's own sibling passages stay)."""
    chosen: dict[str, str] = {}
    out: list[Hit] = []
    for h in hits:
        key = cluster_of(h.chunk.article_id)
        if chosen.setdefault(key, h.chunk.article_id) != h.chunk.article_id:
            continue
        out.append(h)
        if len(out) == k:
            break
    return out
