"""Starting the bot: config, client class, logging."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.discord_app.client import NewsbotClient, ShardedNewsbotClient
from bot.discord_app.config import DiscordConfig, read_token
from bot.discord_app.frontdoor import FrontDoor
from bot.newsbot import NewsBot
from bot.settings import Settings


def build_client(newsbot: NewsBot, config: DiscordConfig | None = None,
                 **options: Any) -> NewsbotClient:
    config = config or DiscordConfig.from_settings(newsbot.settings)
    cls = ShardedNewsbotClient if config.sharded else NewsbotClient
    return cls(FrontDoor(newsbot, config, **options.pop("door_options", {})), **options)


def run(settings: Settings, *, sync_commands: bool = True,
        log_level: int = logging.INFO) -> None:
    """Blocks until the bot stops. Raises MissingToken before anything connects."""
    token = read_token(settings)
    newsbot = NewsBot(settings=settings)
    newsbot.warm_up()  # answerer "local": the model loads while the bot logs in
    client = build_client(newsbot, sync_commands=sync_commands)
    discord.utils.setup_logging(level=log_level)
    # discord.py never logs the token; our own logs never see it either.
    client.run(token, log_handler=None)
