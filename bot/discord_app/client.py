"""The discord.py client: minimal intents, no mentions by default, the command tree and
the message listener."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.discord_app import commands, mentions
from bot.discord_app.frontdoor import FrontDoor
from bot.discord_app.replies import fail, note
from bot.discord_app.safety import NO_MENTIONS

log = logging.getLogger("newsbot.discord")


def intents_for(mention_mode: bool) -> discord.Intents:
    """Guilds for channels, threads and roles; messages (and the privileged content intent)
    only when the bot answers @mentions and follow-ups."""
    intents = discord.Intents.none()
    intents.guilds = True
    if mention_mode:
        intents.guild_messages = True
        intents.message_content = True
    return intents


class NewsbotTree(app_commands.CommandTree[discord.Client]):
    def __init__(self, client: discord.Client, door: FrontDoor) -> None:
        super().__init__(client)
        self.door = door

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        channel = interaction.channel
        refused = self.door.where_refused(
            interaction.guild_id, interaction.channel_id, getattr(channel, "parent_id", None))
        if refused is None:
            return True
        if interaction.type is not discord.InteractionType.autocomplete:
            await note(interaction, refused)
        return False

    async def on_error(self, interaction: discord.Interaction,
                       error: app_commands.AppCommandError, /) -> None:
        if isinstance(error, app_commands.NoPrivateMessage):
            await note(interaction, "newsbot works in servers only.")
            return
        original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        name = interaction.command.name if interaction.command else "interaction"
        await fail(interaction, f"/{name}", original)


class NewsbotClient(discord.Client):
    def __init__(self, door: FrontDoor, *, sync_commands: bool = True, **options: Any) -> None:
        options.setdefault("intents", intents_for(door.config.mention_mode))
        super().__init__(allowed_mentions=NO_MENTIONS, **options)
        self.door = door
        self.sync_commands = sync_commands
        self.tree = NewsbotTree(self, door)
        commands.register(self.tree, door)

    async def setup_hook(self) -> None:
        if not self.sync_commands:
            return
        dev = self.door.config.dev_guild
        if dev:
            # Guild commands update at once; global ones can take up to an hour to appear.
            guild = discord.Object(id=dev)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to dev guild %s", len(synced), dev)
        else:
            synced = await self.tree.sync()
            log.info("synced %d global commands", len(synced))

    async def on_ready(self) -> None:
        log.info("logged in as %s (id %s) in %d servers", self.user,
                 self.user.id if self.user else "?", len(self.guilds))

    async def on_message(self, message: discord.Message) -> None:
        if self.door.config.mention_mode:
            await mentions.handle_message(self, self.door, message)


class ShardedNewsbotClient(NewsbotClient, discord.AutoShardedClient):
    """The same bot, sharded (for thousands of servers)."""
