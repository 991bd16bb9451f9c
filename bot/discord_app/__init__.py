"""The Discord front door: slash commands and @mentions over the NewsBot SDK.

It holds no retrieval logic; every answer comes from ``NewsBot.aask``.
"""

from bot.discord_app.config import DiscordConfig, MissingToken, read_token
from bot.discord_app.run import build_client, run

__all__ = ["DiscordConfig", "MissingToken", "build_client", "read_token", "run"]
