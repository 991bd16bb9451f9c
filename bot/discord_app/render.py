"""Answers, sources and stats as Discord embeds, split to fit Discord's limits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import discord

from bot.answer import Answer, Citation
from bot.discord_app.safety import neutralise, plain, safe_url

# Discord's documented limits.
CONTENT_MAX = 2000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000  # summed over all embeds of one message
EMBEDS_PER_MESSAGE = 10

ANSWER_COLOUR = discord.Colour.blurple()
ABSTAIN_COLOUR = discord.Colour.light_grey()
SOURCE_COLOUR = discord.Colour.dark_teal()

# Where a long text may break, best first.
_BREAKS = ("\n\n", "\n", ". ", "; ", ", ", " ")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` chars, broken at paragraph, line, sentence or word ends."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = -1
        for sep in _BREAKS:
            at = window.rfind(sep)
            if at >= limit // 2:
                cut = at + len(sep)
                break
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def day(d: datetime | None) -> str:
    return d.strftime("%a %d %b %Y") if d else "undated"


def _link(title: str, url: str | None) -> str:
    label = plain(title or "untitled").replace("[", "(").replace("]", ")")
    link = safe_url(url)
    return f"[{label}]({link})" if link else f"**{label}**"


def _resolved(c: Citation) -> str:
    return "\n".join(f"-# {plain(phrase)} = {when}" for phrase, when in c.resolved_dates)


def _news(c: Citation) -> str:
    """Who the quote says said it, and the other outlets carrying the same story."""
    lines = []
    if c.attributed_to:
        lines.append(f"-# said by {plain(c.attributed_to)}")
    if c.also_reported_by:
        names = ", ".join(plain(r.source or r.title) for r in c.also_reported_by[:5])
        lines.append(f"-# also reported by {names}")
    return "\n".join(lines)


def timeline_embeds(topic: str, events: Iterable[tuple[str, str, list[Citation]]]
                    ) -> list[discord.Embed]:
    """A story's timeline as embeds, one field per event, split to fit Discord's limits."""
    b = _EmbedBuilder(SOURCE_COLOUR, clip(f"Timeline: {plain(topic)} (continued)", TITLE_MAX))
    b.add_embed(discord.Embed(title=clip(f"Timeline: {plain(topic)}", TITLE_MAX),
                              colour=SOURCE_COLOUR))
    any_event = False
    for when, text, cites in events:
        any_event = True
        outlets = ", ".join(dict.fromkeys(neutralise(c.source or "unknown") for c in cites))
        b.add_field(clip(f"{when} · {outlets}", FIELD_NAME_MAX),
                    clip(plain(" ".join(text.split())), FIELD_VALUE_MAX))
    if not any_event:
        b.embeds[0].description = "No dated events about this topic in the archive."
    return b.embeds


def source_field(c: Citation) -> tuple[str, str]:
    """One numbered source: the quote is shortened to fit; /sources shows it in full."""
    name = clip(f"[{c.n}] {neutralise(c.source or 'unknown source')} · {day(c.published_at)}",
                FIELD_NAME_MAX)
    head = _link(clip(c.title or "untitled", 200), c.url)
    if len(head) > FIELD_VALUE_MAX // 2:  # a monstrous url: keep the quote, drop the link
        head = f"**{plain(clip(c.title or 'untitled', 200))}**"
    tail = clip("\n".join(x for x in (_resolved(c), _news(c)) if x), 400)
    room = FIELD_VALUE_MAX - len(head) - len(tail) - 8
    quote = clip(plain(" ".join(c.quote.split())), room)
    value = f"{head}\n> “{quote}”" + (f"\n{tail}" if tail else "")
    return name, clip(value, FIELD_VALUE_MAX)


@dataclass
class _EmbedBuilder:
    """Adds fields to embeds, opening a new one whenever a limit would be crossed."""

    colour: discord.Colour
    continued_title: str

    def __post_init__(self) -> None:
        self.embeds: list[discord.Embed] = []

    def add_embed(self, embed: discord.Embed) -> None:
        self.embeds.append(embed)

    def add_field(self, name: str, value: str) -> None:
        last = self.embeds[-1] if self.embeds else None
        if (last is None or len(last.fields) >= FIELDS_MAX
                or len(last) + len(name) + len(value) > EMBED_TOTAL_MAX):
            last = discord.Embed(title=self.continued_title, colour=self.colour)
            self.embeds.append(last)
        last.add_field(name=name, value=value, inline=False)


def _footer(answer: Answer) -> str:
    parts = [f"newsbot · {answer.answerer}"]
    total = answer.timings_ms.get("total")
    if total is not None:
        parts.append(f"{total / 1000:.1f} s")
    if answer.citations:
        parts.append("/sources shows every quote in full")
    footer = " · ".join(parts)
    if answer.notice:
        footer = f"Note: {neutralise(answer.notice)}\n{footer}"
    return clip(footer, FOOTER_MAX)


DRAFT_LABEL = "Best passage so far — writing an answer…"


def draft_text(answer: Answer) -> str:
    """The extractive answer as plain content while a model writes, labelled so nobody
    takes it for the answer: its quotes are the articles' own sentences, so nothing in it is
    unverified. Sources by number, outlet and day (the embed that replaces it has them all)."""
    lines = [f"-# {DRAFT_LABEL}", answer.answer.strip()]
    for c in answer.citations:
        outlet = discord.utils.escape_markdown(" ".join((c.source or "unknown source").split()))
        lines.append(f"-# [{c.n}] {outlet} · {day(c.published_at)}")
    return clip("\n".join(lines), CONTENT_MAX)


def answer_embeds(answer: Answer) -> list[discord.Embed]:
    colour = ABSTAIN_COLOUR if answer.abstained else ANSWER_COLOUR
    title = clip(plain(answer.question or "Answer"), TITLE_MAX)
    texts = split_text(neutralise(answer.answer or "(no answer)"), DESCRIPTION_MAX)
    b = _EmbedBuilder(colour, "Sources (continued)")
    for i, text in enumerate(texts):
        b.add_embed(discord.Embed(title=title if i == 0 else None, description=text,
                                  colour=colour))
    for c in answer.citations:
        b.add_field(*source_field(c))
    b.embeds[-1].set_footer(text=_footer(answer))
    return b.embeds


def source_embeds(answer: Answer) -> list[discord.Embed]:
    """Every source of an answer with its quote in full (an embed or more per source)."""
    embeds: list[discord.Embed] = []
    for c in answer.citations:
        title = clip(f"[{c.n}] {plain(c.title or 'untitled')}", TITLE_MAX)
        quote = f"> “{plain(' '.join(c.quote.split()))}”"
        parts = split_text(quote, DESCRIPTION_MAX)
        for i, part in enumerate(parts):
            e = discord.Embed(title=title if i == 0 else None, description=part,
                              colour=SOURCE_COLOUR)
            if i == 0:
                e.url = safe_url(c.url)
            if i == len(parts) - 1:
                e.add_field(name="Source", value=clip(neutralise(c.source or "unknown"),
                                                      FIELD_VALUE_MAX))
                e.add_field(name="Published", value=day(c.published_at))
                if c.resolved_dates:
                    e.add_field(name="Dates in the quote", value=clip(
                        "\n".join(f"{plain(p)} = {d}" for p, d in c.resolved_dates),
                        FIELD_VALUE_MAX), inline=False)
            embeds.append(e)
    return embeds


def pack(embeds: Iterable[discord.Embed]) -> list[list[discord.Embed]]:
    """Group embeds into messages: at most 10 and 6,000 characters in all per message."""
    messages: list[list[discord.Embed]] = []
    size = 0
    for e in embeds:
        n = len(e)
        if not messages or len(messages[-1]) >= EMBEDS_PER_MESSAGE or size + n > EMBED_TOTAL_MAX:
            messages.append([])
            size = 0
        messages[-1].append(e)
        size += n
    return messages


def answer_messages(answer: Answer) -> list[list[discord.Embed]]:
    return pack(answer_embeds(answer))


def stats_embed(articles: int, chunks: int, first: datetime | None, last: datetime | None,
                sources: dict[str, int]) -> discord.Embed:
    e = discord.Embed(title="What the archive holds", colour=ANSWER_COLOUR)
    e.add_field(name="Articles", value=f"{articles:,}")
    e.add_field(name="Passages", value=f"{chunks:,}")
    span = f"{first:%d %b %Y} – {last:%d %b %Y}" if first and last else "—"
    e.add_field(name="Published", value=span)
    if sources:
        lines = [f"{neutralise(name)} — {n:,}" for name, n in sources.items()]
        shown: list[str] = []
        for line in lines:
            if sum(len(s) + 1 for s in shown) + len(line) > FIELD_VALUE_MAX - 40:
                shown.append(f"… and {len(lines) - len(shown)} more")
                break
            shown.append(line)
        e.add_field(name=f"Sources ({len(sources):,})", value="\n".join(shown), inline=False)
    return e


def help_embed(mention_mode: bool, can_ingest_hint: str) -> discord.Embed:
    lines = [
        "Ask me about the news archive; every answer cites the article sentences it rests "
        "on, with title, source and publish date.",
        "",
        "**/ask** `question` `[since]` `[until]` `[source]` — answer a question. Dates are "
        "`YYYY-MM-DD`; `source` completes from the archive's sources.",
        "**/sources** — the sources of the last answer in this channel, quotes in full.",
        "**/timeline** `topic` — a story's events in the order they happened, with who "
        "reported each.",
        "**/stats** — what the archive holds.",
        f"**/ingest** `url` or `file` — add articles ({can_ingest_hint}).",
        "**/help** — this message.",
    ]
    if mention_mode:
        lines += ["", "You can also @mention me with a question. Reply to my answer, or write "
                  "in the thread I open for it, to ask a follow-up."]
    return discord.Embed(title="newsbot", description="\n".join(lines), colour=ANSWER_COLOUR)

