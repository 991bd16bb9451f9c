"""@mentions and follow-ups: a mention answers in a reply and opens a thread for it; a reply
to one of the bot's answers, or a message in that thread, continues the conversation."""

from __future__ import annotations

import logging
import re

import discord

from bot.discord_app.frontdoor import BadRequest, FrontDoor, Query
from bot.discord_app.memory import Turn, followup_question
from bot.discord_app.render import answer_messages, clip
from bot.discord_app.replies import DraftReply, relay_answer
from bot.discord_app.safety import NO_MENTIONS, error_text, neutralise, report_error

log = logging.getLogger("newsbot.discord")

THREAD_NAME_MAX = 100


def strip_mentions_of(user_id: int, content: str) -> str:
    return " ".join(re.sub(rf"<@!?{user_id}>", " ", content).split())


def _channel_ids(channel: object) -> tuple[int | None, ...]:
    return (getattr(channel, "id", None), getattr(channel, "parent_id", None))


async def handle_message(client: discord.Client, door: FrontDoor,
                         message: discord.Message) -> None:
    me = client.user
    if me is None or message.author.bot or message.guild is None:
        return
    if door.where_refused(message.guild.id, *_channel_ids(message.channel)):
        return
    ref = message.reference.message_id if message.reference else None
    conversation = door.memory.conversation_of(ref)
    if conversation is None and isinstance(message.channel, discord.Thread):
        conversation = door.memory.conversation_of(message.channel.id)
    if conversation is None and me.id not in message.raw_mentions:
        return
    try:
        await _answer_message(client, door, message, conversation)
    except Exception as exc:
        error_id = report_error(log, "mention", exc)
        try:
            await message.reply(error_text(error_id), allowed_mentions=NO_MENTIONS,
                                mention_author=False)
        except discord.HTTPException:
            log.warning("error %s: could not tell the user", error_id)


async def _answer_message(client: discord.Client, door: FrontDoor, message: discord.Message,
                          conversation: int | None) -> None:
    assert client.user is not None
    # Every reply here is public, so the budget is checked before anything is said: a flood
    # of mentions (empty or oversized ones too) gets at most the budget's worth of replies
    # and one refusal per window.
    admitted, refusal = door.admit(message.author.id,
                                   message.guild.id if message.guild else None)
    if not admitted:
        if refusal:
            await message.reply(refusal, allowed_mentions=NO_MENTIONS, mention_author=False)
        return
    text = strip_mentions_of(client.user.id, message.content)
    try:
        question = door.check_question(text)
    except BadRequest as exc:
        await message.reply(neutralise(str(exc)), allowed_mentions=NO_MENTIONS,
                            mention_author=False)
        return
    history = door.memory.history(conversation) if conversation is not None else []
    query = Query(followup_question(history, question))
    stream = door.open_stream(query)
    draft = DraftReply(message)
    async with message.channel.typing():
        if stream is not None:  # a generated answer: its verified sentences as they come
            answer = await relay_answer(query.question, stream, draft.show, door.clock)
        else:
            answer = await door.ask(query)
    answer.question = question  # the embed shows what the user typed
    pages = answer_messages(answer)
    if draft.sent is not None:  # the final embed replaces the draft
        sent = await draft.sent.edit(content=None, embeds=pages[0],
                                     allowed_mentions=NO_MENTIONS)
    else:
        sent = await message.reply(embeds=pages[0], allowed_mentions=NO_MENTIONS,
                                   mention_author=False)
    for page in pages[1:]:
        await message.channel.send(embeds=page, allowed_mentions=NO_MENTIONS)
    root = door.memory.add(conversation, sent.id, Turn(question, answer.answer))
    door.remember_answer(message.channel.id, answer)
    if (conversation is None and door.config.open_threads
            and not isinstance(message.channel, discord.Thread)):
        try:
            thread = await sent.create_thread(name=clip(neutralise(question), THREAD_NAME_MAX),
                                              auto_archive_duration=1440)
        except discord.HTTPException as exc:  # no Create Public Threads permission, say
            log.info("could not open a thread for answer %s: %s", sent.id, exc)
        else:
            door.memory.alias(thread.id, root)
