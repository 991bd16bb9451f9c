"""What the Discord front door reads from Settings, and the token from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from bot.redaction import protect
from bot.settings import Settings


class MissingToken(RuntimeError):
    pass


def _default(name: str) -> Any:
    """The default of setting ``discord_<name>``: Settings is the one place defaults live."""
    return Settings.model_fields[f"discord_{name}"].get_default(call_default_factory=True)


@dataclass(frozen=True)
class DiscordConfig:
    guilds: frozenset[int] = frozenset(_default("guilds"))
    channels: frozenset[int] = frozenset(_default("channels"))
    ingest_role: str | None = _default("ingest_role")
    dev_guild: int | None = _default("dev_guild")
    sharded: bool = _default("sharded")
    mention_mode: bool = _default("mention_mode")
    open_threads: bool = _default("open_threads")
    user_rate: int = _default("user_rate")
    user_window_s: float = _default("user_window_s")
    guild_rate: int = _default("guild_rate")
    guild_window_s: float = _default("guild_window_s")
    max_question_chars: int = _default("max_question_chars")
    memory_turns: int = _default("memory_turns")

    @classmethod
    def from_settings(cls, s: Settings) -> DiscordConfig:
        values = {f.name: getattr(s, f"discord_{f.name}") for f in fields(cls)}
        values["guilds"] = frozenset(values["guilds"])
        values["channels"] = frozenset(values["channels"])
        return cls(**values)

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
    protect(token)
    if not token:
        raise MissingToken(
            "DISCORD_TOKEN is not set: create a bot in the Discord developer portal "
            "(Applications → your app → Bot → Reset Token) and export DISCORD_TOKEN"
        )
    return token
