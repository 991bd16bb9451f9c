"""What the Discord front door reads from Settings, and the token from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from bot.settings import Settings


class MissingToken(RuntimeError):
    pass


@dataclass(frozen=True)
class DiscordConfig:
    guilds: frozenset[int] = frozenset()
    channels: frozenset[int] = frozenset()
    ingest_role: str | None = None
    dev_guild: int | None = None
    sharded: bool = False
    mention_mode: bool = True
    open_threads: bool = True
    user_rate: int = 5
    user_window_s: float = 60.0
    guild_rate: int = 30
    guild_window_s: float = 60.0
    max_question_chars: int = 500
    memory_turns: int = 4

    @classmethod
    def from_settings(cls, s: Settings) -> DiscordConfig:
        return cls(
            guilds=frozenset(s.discord_guilds),
            channels=frozenset(s.discord_channels),
            ingest_role=s.discord_ingest_role,
            dev_guild=s.discord_dev_guild,
            sharded=s.discord_sharded,
            mention_mode=s.discord_mention_mode,
            open_threads=s.discord_open_threads,
            user_rate=s.discord_user_rate,
            user_window_s=s.discord_user_window_s,
            guild_rate=s.discord_guild_rate,
            guild_window_s=s.discord_guild_window_s,
            max_question_chars=s.discord_max_question_chars,
            memory_turns=s.discord_memory_turns,
        )

    def allows_guild(self, guild_id: int | None) -> bool:
        return not self.guilds or guild_id in self.guilds

    def allows_channel(self, *channel_ids: int | None) -> bool:
        """Any of the ids may match, so a thread is allowed when its parent channel is."""
        return not self.channels or any(c in self.channels for c in channel_ids if c)


def read_token(settings: Settings | None = None, env: Mapping[str, str] | None = None) -> str:
    """The bot token from DISCORD_TOKEN; the message never echoes any part of it."""
    token = None
    if settings is not None and settings.discord_token is not None:
        token = settings.discord_token.get_secret_value()
    if not token:
        token = (env if env is not None else os.environ).get("DISCORD_TOKEN", "")
    token = token.strip()
    if not token:
        raise MissingToken(
            "DISCORD_TOKEN is not set: create a bot in the Discord developer portal "
            "(Applications → your app → Bot → Reset Token) and export DISCORD_TOKEN"
        )
    return token
