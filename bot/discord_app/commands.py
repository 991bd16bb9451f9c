"""The slash commands. Each one checks cheap things first, then defers at once (Discord
wants a response within 3 s) and does the slow work off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands

from bot.discord_app.frontdoor import BadRequest, FrontDoor, Query, parse_day, rate_limited_text
from bot.discord_app.memory import Turn
from bot.discord_app.render import (
    clip,
    help_embed,
    pack,
    source_embeds,
    stats_embed,
    timeline_embeds,
)
from bot.discord_app.replies import note, send_answer, stream_answer
from bot.discord_app.safety import NO_MENTIONS, neutralise
from bot.discord_app.uploads import IngestRefused, check_upload, ingest_upload, ingest_url
from ingest.indexer import IngestReport

T = TypeVar("T")

CHOICE_MAX = 100  # Discord's limit for an autocomplete choice's name and value


def ingest_summary(report: IngestReport) -> str:
    lines = [f"added {report.added} · unchanged {report.unchanged} · updated {report.updated}"
             f" · failed {report.failed}"]
    for failure in report.failures[:5]:
        where = f"line {failure.line}: " if failure.line is not None else ""
        lines.append(f"- skipped: {where}{neutralise(failure.reason)}")
    if len(report.failures) > 5:
        lines.append(f"- … and {len(report.failures) - 5} more")
    for warning in report.warnings[:3]:  # kept, but worth a look (a future publish date)
        where = f"line {warning.line}: " if warning.line is not None else ""
        lines.append(f"- warning: {where}{neutralise(warning.reason)}")
    return "\n".join(lines)


def register(tree: app_commands.CommandTree[discord.Client], door: FrontDoor) -> None:
    async def admit(interaction: discord.Interaction, build: Callable[[], T]) -> T | None:
        """The request as the front door takes it, or None once the user was told why not
        (bad input, or over their rate limit): cheap checks before any deferral."""
        try:
            request = build()
        except BadRequest as exc:
            await note(interaction, str(exc))
            return None
        verdict = door.limits.check(interaction.user.id, interaction.guild_id)
        if not verdict.allowed:
            await note(interaction, rate_limited_text(verdict))
            return None
        return request

    @tree.command(name="ask", description="Ask the news archive a question")
    @app_commands.describe(
        question="Your question, e.g. When did the ceasefire collapse?",
        since="Only articles published on or after this day (YYYY-MM-DD)",
        until="Only articles published before this day (YYYY-MM-DD)",
        source="Only articles from this source",
    )
    @app_commands.guild_only()
    async def ask(interaction: discord.Interaction, question: str, since: str | None = None,
                  until: str | None = None, source: str | None = None) -> None:
        query = await admit(interaction, lambda: Query(
            door.check_question(question), parse_day(since, "since"),
            parse_day(until, "until"), (source,) if source else ()))
        if query is None:
            return
        await interaction.response.defer(thinking=True)
        stream = door.open_stream(query)
        if stream is not None:
            answer = await stream_answer(interaction, query.question, stream, door.clock)
        else:
            answer = await door.ask(query)
        sent = await send_answer(interaction, answer, streamed=stream is not None)
        door.remember_answer(interaction.channel_id, answer)
        # Replying to this answer (in mention mode) continues the conversation.
        door.memory.add(None, sent.id, Turn(query.question, answer.answer))

    @ask.autocomplete("source")
    async def source_choices(interaction: discord.Interaction,
                             current: str) -> list[app_commands.Choice[str]]:
        wanted = current.casefold().strip()
        names = [n for n in await door.source_names() if wanted in n.casefold()]
        return [app_commands.Choice(name=clip(n, CHOICE_MAX), value=n[:CHOICE_MAX])
                for n in names[:25]]

    @tree.command(name="sources", description="The sources of the last answer here, in full")
    @app_commands.guild_only()
    async def sources(interaction: discord.Interaction) -> None:
        answer = door.last_answer(interaction.channel_id)
        if answer is None or not answer.citations:
            await note(interaction, "There is no answer with sources in this channel yet; "
                                    "ask one with /ask.")
            return
        pages = pack(source_embeds(answer))
        await interaction.response.send_message(embeds=pages[0], ephemeral=True,
                                                allowed_mentions=NO_MENTIONS)
        for page in pages[1:]:
            await interaction.followup.send(embeds=page, ephemeral=True,
                                            allowed_mentions=NO_MENTIONS)

    @tree.command(name="timeline", description="A story's events in the order they happened")
    @app_commands.describe(topic="The story, e.g. Rotterdam port strike")
    @app_commands.guild_only()
    async def timeline(interaction: discord.Interaction, topic: str) -> None:
        checked = await admit(interaction, lambda: door.check_question(topic))
        if checked is None:
            return
        await interaction.response.defer(thinking=True)
        t = await asyncio.to_thread(door.newsbot.timeline, checked)
        pages = pack(timeline_embeds(
            topic, ((f"{e.day:%a %d %b %Y}", e.text, e.citations) for e in t.events)))
        await interaction.followup.send(embeds=pages[0], allowed_mentions=NO_MENTIONS)
        for page in pages[1:]:
            await interaction.followup.send(embeds=page, allowed_mentions=NO_MENTIONS)

    @tree.command(name="stats", description="What the news archive holds")
    @app_commands.guild_only()
    async def stats(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        s = await asyncio.to_thread(door.newsbot.stats)
        embed = stats_embed(s.articles, s.chunks, s.first_published, s.last_published,
                            s.sources)
        await interaction.followup.send(embed=embed, ephemeral=True,
                                        allowed_mentions=NO_MENTIONS)

    @tree.command(name="help", description="How to use newsbot")
    async def help_(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            embed=help_embed(door.config.mention_mode, door.ingest_hint()), ephemeral=True,
            allowed_mentions=NO_MENTIONS)

    @tree.command(name="ingest", description="Add articles to the archive (a file or a URL)")
    @app_commands.describe(url="A web page with an article",
                           file="An article file: .txt .md .html .json .jsonl")
    @app_commands.guild_only()
    async def ingest(interaction: discord.Interaction, url: str | None = None,
                     file: discord.Attachment | None = None) -> None:
        if not door.may_ingest(interaction.user, interaction.permissions):
            await note(interaction, f"Only members with {door.ingest_hint()} can add "
                                    "articles.")
            return
        if (url is None) == (file is None):
            await note(interaction, "Give me one thing to add: a `url` or a `file`.")
            return
        try:
            if file is not None:
                check_upload(file.filename, file.size)
        except IngestRefused as exc:
            await note(interaction, str(exc))
            return
        verdict = door.limits.check(interaction.user.id, interaction.guild_id)
        if not verdict.allowed:
            await note(interaction, rate_limited_text(verdict))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            if file is not None:
                report = await ingest_upload(door.newsbot, file.filename, await file.read())
            else:
                report = await ingest_url(door.newsbot, url or "")
        except IngestRefused as exc:
            await note(interaction, str(exc))
            return
        door.forget_sources()
        await note(interaction, ingest_summary(report))
