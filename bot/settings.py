"""Settings: a default in code for everything, overridable from a TOML file and from
``NEWSBOT_*`` environment variables. Secrets come only from the environment."""

from __future__ import annotations

import tomllib
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from bot.redaction import protect


def default_store() -> Path:
    return Path(platformdirs.user_data_dir("newsbot")) / "store"


# TOML sections flatten to field names: [store] url -> store_url, [llm] model -> llm_model.
# [store] path is the exception, it is the plain "store" setting.
_TOML_RENAMES = {"store_path": "store"}
# Which TOML file Settings() reads; set for the duration of Settings.load().
_CONFIG_PATH: ContextVar[Path | None] = ContextVar("newsbot_config_path", default=None)


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in data.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, f"{key}_"))
        else:
            out[_TOML_RENAMES.get(key, key)] = v
    return out


class _TomlSource(PydanticBaseSettingsSource):
    def __init__(self, settings_cls: type[BaseSettings], path: Path | None) -> None:
        super().__init__(settings_cls)
        self._data: dict[str, Any] = {}
        if path is not None:
            self._data = _flatten(tomllib.loads(Path(path).read_text(encoding="utf-8")))
            for secret in ("openai_api_key", "discord_token", "llm_api_key"):
                if secret in self._data:
                    raise ValueError(
                        f"{path}: {secret} must come from the environment, not a config file"
                    )

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in self._data.items() if k in self.settings_cls.model_fields}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSBOT_", extra="ignore")

    # Store
    store: Path = Field(default_factory=default_store)
    store_url: str | None = Field(
        default=None, validation_alias=AliasChoices("store_url", "NEWSBOT_CHROMA_URL",
                                                    "NEWSBOT_STORE_URL"))
    collection: str = "newsbot"
    # "chroma" (embedded at `store`, or the server at `store_url`) or "memory" (this
    # process only, nothing kept: tests and throwaway archives).
    store_kind: Literal["chroma", "memory"] = "chroma"

    # Ingest
    chunk_chars: int = 700
    chunk_overlap: int = 140

    # Embeddings: "minilm" (packaged, offline) or "openai" (any compatible /v1/embeddings)
    embedder: Literal["minilm", "openai"] = "minilm"
    embedding_model: str = "text-embedding-3-small"
    embedding_base_url: str | None = None
    embedding_dim: int = 1536

    # Retrieval
    top_k: int = 8
    # Deeper lists let an article gather evidence from more of its passages (the reranker's
    # sibling bonus): on RealTime QA dev 150 moved 3 gold articles up and none down against
    # 100, for 1.2x the search time (benchmarks/retrieval_latency.py).
    search_depth: int = 150
    # Wire copies and rewrites of one story (ingest/stories.py) take one place in the top k,
    # the others named in the citation's also_reported_by. False: every copy competes.
    fold_copies: bool = True

    # Answering
    # "local": the packaged model, started by newsbot itself (pip install '.[local]').
    answerer: Literal["extractive", "llm", "local"] = "extractive"
    # Relevance (0.5 meaning + 0.45 question words + 0.05 names, bot/answering/scoring.py)
    # below which the closest sentence is not about the question.
    min_relevance: float = 0.25
    llm_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout: float = 30.0
    llm_max_retries: int = 2

    # Generated answers (issue 3): citation checking, output size, chat memory.
    # Claim-vs-passage support score a citation must reach (calibrated on RealTime QA dev).
    llm_support_threshold: float = 0.60
    # What happens to a claim whose citation does not hold: "remove" it, or "mark" it.
    llm_unsupported: Literal["remove", "mark"] = "remove"
    llm_max_tokens: int = 400
    # Passages put in the prompt. Small local models answer better (and start 2-3x sooner on
    # a CPU) with fewer: each 700-char passage costs ~200 prompt tokens.
    llm_passages: int = 4
    # 0 puts whole passages in the prompt. N puts only the N best-ranked sentences of them,
    # each with the sentence before it: a prompt a fraction of the size, for local models.
    llm_context_sentences: int = 0
    # Turns of a chat session kept for rewriting follow-up questions.
    chat_history: int = 6
    # Faults (issue 7). Seconds one answer may spend on the model, retries and their waits
    # included (default: llm_timeout x (llm_max_retries + 1)); past it the extractive
    # answer is shown.
    llm_deadline: float | None = None
    # After this many failed model calls in a row the model is skipped (extractive answers
    # at once) for llm_breaker_cooldown seconds, then tried again; 0 disables the breaker.
    llm_breaker_failures: int = 3
    llm_breaker_cooldown: float = 30.0
    # answerer = "local": which packaged model (qwen, smollm, or a .gguf path), its context
    # window, and how long its first start (join, load) may take.
    local_model: str = "qwen"
    local_ctx: int = 4096
    local_start_timeout: float = 120.0
    # Threads that decode (0: every core; prompts are always read on every core). On a
    # machine busy with other work, 1 decoded several times faster here.
    local_threads: int = 0
    # Load: vectors of this many recently embedded question and passage sentences are kept
    # (about 1.5 KB each); questions about the same story skip re-embedding. 0 turns it off.
    embedding_cache: int = 20_000
    # Fetching (URLs, feeds, sitemaps). Private, loopback and link-local addresses are
    # refused unless allowed; even then a redirect to another host must be public.
    allow_private_networks: bool = False
    fetch_timeout: float = 20.0
    max_fetch_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = "newsbot/0.1 (news archive question answering)"

    # Bad input (issue 7): files bigger than this are refused whole, with a one-line error
    # (JSON Lines are streamed a line at a time and have no file cap).
    max_file_bytes: int = 20 * 1024 * 1024

    # Secrets: environment only (no NEWSBOT_ prefix, the names users already have).
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY"))

    # Discord (`newsbot discord`; env NEWSBOT_DISCORD_*, TOML [discord])
    # Allow-lists of ids ("1,2" in the environment); empty means everywhere.
    discord_guilds: Annotated[list[int], NoDecode] = Field(default_factory=list)
    discord_channels: Annotated[list[int], NoDecode] = Field(default_factory=list)
    # Role (id or name) that may /ingest, besides members with Manage Server.
    discord_ingest_role: str | None = None
    # Commands sync to this guild at once (global sync can take up to an hour).
    discord_dev_guild: int | None = None
    discord_sharded: bool = False
    # Answer @mentions and thread follow-ups; needs the privileged Message Content intent.
    discord_mention_mode: bool = True
    discord_open_threads: bool = True
    discord_user_rate: int = 5
    discord_user_window_s: float = 60.0
    discord_guild_rate: int = 30
    discord_guild_window_s: float = 60.0
    discord_max_question_chars: int = 500
    discord_memory_turns: int = 4
    discord_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("DISCORD_TOKEN"))

    @field_validator("discord_guilds", "discord_channels", mode="before")
    @classmethod
    def _id_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    # Hardening (issue 7): every secret is known to the log redactor the moment it is read.
    @field_validator("openai_api_key", "discord_token", mode="after")
    @classmethod
    def _never_logged(cls, value: SecretStr | None) -> SecretStr | None:
        protect(value)
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _TomlSource(settings_cls, _CONFIG_PATH.get()))

    @classmethod
    def load(cls, path: str | Path | None = None, **overrides: Any) -> Settings:
        """Settings from code defaults < TOML file < environment < explicit overrides."""
        token = _CONFIG_PATH.set(Path(path) if path else None)
        try:
            return cls(**{k: v for k, v in overrides.items() if v is not None})
        finally:
            _CONFIG_PATH.reset(token)
