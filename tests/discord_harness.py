"""Real discord.py objects fed with gateway payloads; only the HTTP layer is replaced.

Everything the bot sends — REST calls through ``HTTPClient.request`` and interaction
responses/follow-ups through the webhook adapter — lands in ``Recorder.calls`` with its
JSON body, and gets the response Discord would give (a message payload, a thread, …).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

import discord
from discord.webhook.async_ import async_context
from multidict import CIMultiDict

GUILD = 800000000000000001
OTHER_GUILD = 800000000000000002
CHANNEL = 810000000000000001
OTHER_CHANNEL = 810000000000000002
BOT = 820000000000000001  # the bot user; also its application id
ALICE = 830000000000000001  # an ordinary member
BOB = 830000000000000002  # a member with the ingest role
CAROL = 830000000000000003  # an admin (Manage Server)
EDITOR_ROLE = 840000000000000001
MANAGE_GUILD = 1 << 5
EPHEMERAL = 64

_ids = itertools.count(900000000000000001)


def snowflake() -> int:
    return next(_ids)


def user(uid: int, name: str, bot: bool = False) -> dict[str, Any]:
    return {"id": str(uid), "username": name, "discriminator": "0", "global_name": name,
            "avatar": None, "bot": bot}


NAMES = {BOT: "newsbot", ALICE: "alice", BOB: "bob", CAROL: "carol"}


def member(uid: int, roles: tuple[int, ...] = (), permissions: int = 0) -> dict[str, Any]:
    return {"user": user(uid, NAMES.get(uid, "someone")), "roles": [str(r) for r in roles],
            "joined_at": "2020-01-01T00:00:00+00:00", "deaf": False, "mute": False,
            "flags": 0, "permissions": str(permissions)}


def role(rid: int, name: str, permissions: int = 0) -> dict[str, Any]:
    return {"id": str(rid), "name": name, "permissions": str(permissions), "position": 0,
            "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}


def text_channel(cid: int, name: str) -> dict[str, Any]:
    return {"id": str(cid), "type": 0, "name": name, "position": 0, "guild_id": str(GUILD),
            "permission_overwrites": [], "nsfw": False, "parent_id": None,
            "rate_limit_per_user": 0, "topic": None, "last_message_id": None}


def guild_create(gid: int = GUILD) -> dict[str, Any]:
    return {
        "id": str(gid), "name": "Newsroom", "owner_id": str(CAROL), "unavailable": False,
        "roles": [role(gid, "@everyone"), role(EDITOR_ROLE, "news-editor")],
        "channels": [text_channel(CHANNEL, "news"), text_channel(OTHER_CHANNEL, "offtopic")],
        "threads": [], "members": [], "member_count": 4, "emojis": [], "stickers": [],
        "features": [], "large": False, "verification_level": 0, "mfa_level": 0,
        "default_message_notifications": 0, "explicit_content_filter": 0,
        "premium_tier": 0, "preferred_locale": "en-US", "nsfw_level": 0,
    }


def thread_payload(tid: int, parent: int, name: str) -> dict[str, Any]:
    return {"id": str(tid), "guild_id": str(GUILD), "parent_id": str(parent),
            "owner_id": str(BOT), "name": name, "type": 11, "message_count": 0,
            "member_count": 1, "rate_limit_per_user": 0, "last_message_id": None,
            "thread_metadata": {"archived": False, "auto_archive_duration": 1440,
                                "archive_timestamp": "2020-10-14T22:05:00+00:00",
                                "locked": False}}


def message_payload(mid: int, channel_id: int, author: dict[str, Any], content: str = "", *,
                    embeds: list[dict[str, Any]] | None = None, flags: int = 0,
                    mentions: list[dict[str, Any]] | None = None,
                    reference: int | None = None, guild: bool = True,
                    member_data: dict[str, Any] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(mid), "channel_id": str(channel_id), "author": author, "content": content,
        "timestamp": "2020-10-15T09:00:00+00:00", "edited_timestamp": None, "tts": False,
        "mention_everyone": False, "mentions": mentions or [], "mention_roles": [],
        "attachments": [], "embeds": embeds or [], "pinned": False, "type": 0, "flags": flags,
    }
    if guild:
        data["guild_id"] = str(GUILD)
        if member_data is not None:
            data["member"] = member_data
    if reference is not None:
        data["type"] = 19
        data["message_reference"] = {"message_id": str(reference), "channel_id": str(channel_id),
                                     "guild_id": str(GUILD)}
    return data


@dataclass
class Call:
    method: str
    path: str
    json: Any = None
    params: dict[str, Any] | None = None
    files: list[str] = field(default_factory=list)

    @property
    def flags(self) -> int:
        body = self.json or {}
        inner = body.get("data", body) if isinstance(body, dict) else {}
        return int((inner or {}).get("flags") or 0)

    @property
    def body(self) -> dict[str, Any]:
        """The message part: ``data`` of an interaction callback, else the body itself."""
        b = self.json or {}
        return (b.get("data") or {}) if "type" in b and "data" in b else b


class Recorder:
    """Stands in for Discord's HTTP API for one client."""

    def __init__(self, client: discord.Client, cdn: dict[str, bytes] | None = None) -> None:
        self.client = client
        self.calls: list[Call] = []
        self.cdn = cdn or {}
        self.fail_paths: dict[str, int] = {}  # path substring -> HTTP status to fail with
        # One-off failures, first match first: (path substring, status, retry_after).
        self.failures: list[tuple[str, int, float]] = []

    # Wiring ---------------------------------------------------------------------------------
    def install(self, monkeypatch: Any) -> Recorder:
        monkeypatch.setattr(self.client.http, "request", self._rest)
        monkeypatch.setattr(self.client.http, "get_from_cdn", self._get_from_cdn)
        monkeypatch.setattr(async_context.get(), "request", self._webhook)
        return self

    # Queries --------------------------------------------------------------------------------
    def find(self, method: str, fragment: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and fragment in c.path]

    def sent_bodies(self) -> list[dict[str, Any]]:
        """Every message body the bot sent or edited (what users would see)."""
        return [c.body for c in self.calls if c.method in ("POST", "PATCH") and c.body
                and ("embeds" in c.body or "content" in c.body)]

    # Fakes ----------------------------------------------------------------------------------
    def _message(self, channel_id: int, body: dict[str, Any] | None,
                 mid: int | None = None) -> dict[str, Any]:
        body = body or {}
        return message_payload(mid or snowflake(), channel_id, user(BOT, "newsbot", bot=True),
                               body.get("content") or "", embeds=body.get("embeds") or [],
                               flags=int(body.get("flags") or 0))

    def fail_next(self, fragment: str, status: int, times: int = 1,
                  retry_after: float = 1.5) -> None:
        """The next ``times`` calls whose path holds ``fragment`` fail with ``status``, as
        our code would see it after discord.py's own handling: discord.py retries 429s and
        5xx itself and raises only when it gives up (HTTPException, DiscordServerError)."""
        self.failures += [(fragment, status, retry_after)] * times

    def _maybe_fail(self, path: str) -> None:
        for fragment, status in self.fail_paths.items():
            if fragment in path:
                raise http_error(status)
        for i, (fragment, status, retry_after) in enumerate(self.failures):
            if fragment in path:
                del self.failures[i]
                raise http_error(status, retry_after)

    async def _rest(self, route: Any, *, files: Any = None, form: Any = None,
                    **kwargs: Any) -> Any:
        payload = kwargs.get("json")
        if form:
            for part in form:
                if part.get("name") == "payload_json":
                    payload = json.loads(part["value"])
        path = route.url.removeprefix(route.BASE)
        self.calls.append(Call(route.method, path, payload, kwargs.get("params"),
                               [f.filename for f in files or []]))
        self._maybe_fail(path)
        await asyncio.sleep(0)
        channel_id = getattr(route, "channel_id", None)
        if route.method == "POST" and path.endswith("/typing"):
            return None
        if route.method == "POST" and path.endswith("/threads"):
            message_id = int(path.split("/")[4])  # /channels/{c}/messages/{m}/threads
            return thread_payload(message_id, int(channel_id), payload["name"])
        if route.method in ("POST", "PATCH") and "/messages" in path and channel_id:
            return self._message(int(channel_id), payload)
        if route.method == "PUT" and path.endswith("/commands"):
            return [{**cmd, "id": str(snowflake()), "application_id": str(BOT), "version": "1",
                     "default_member_permissions": None, "type": cmd.get("type", 1)}
                    for cmd in payload]
        return None

    async def _get_from_cdn(self, url: str) -> bytes:
        self.calls.append(Call("GET", url))
        return self.cdn[url]

    async def _webhook(self, route: Any, session: Any = None, *, payload: Any = None,
                       multipart: Any = None, files: Any = None, params: Any = None,
                       **kwargs: Any) -> Any:
        if multipart:
            for part in multipart:
                if part.get("name") == "payload_json":
                    payload = json.loads(part["value"])
        path = route.url.removeprefix(route.BASE)
        self.calls.append(Call(route.method, path, payload, params,
                               [f.filename for f in files or []]))
        self._maybe_fail(path)
        await asyncio.sleep(0)
        if path.endswith("/callback"):
            data = (payload or {}).get("data") or {}
            return {"interaction": {"id": str(route.webhook_id), "type": 2,
                                    "response_message_loading": payload["type"] == 5,
                                    "response_message_ephemeral":
                                        bool(int(data.get("flags") or 0) & EPHEMERAL)},
                    "resource": {"type": payload["type"]}}
        if route.method == "DELETE":
            return None
        if route.method in ("POST", "PATCH"):
            return self._message(CHANNEL, payload)
        return None


class _Response:
    """Just enough of aiohttp's response for discord.HTTPException and discord.py's own
    handling of rate limits."""

    def __init__(self, status: int, body: Any = None, headers: dict[str, str] | None = None,
                 reason: str = "refused") -> None:
        self.status = status
        self.reason = reason
        self.headers = CIMultiDict({"content-type": "application/json", **(headers or {})})
        self._body = json.dumps(body if body is not None else {})

    async def text(self, encoding: str = "utf-8") -> str:
        return self._body


def http_error(status: int, retry_after: float = 1.5) -> discord.HTTPException:
    if status == 429:
        body = {"message": "You are being rate limited.", "retry_after": retry_after,
                "global": False, "code": 0}
        return discord.HTTPException(_Response(status, body), body)
    body = {"message": "refused", "code": 0}
    if status >= 500:
        return discord.DiscordServerError(_Response(status, body), body)
    kind = {403: discord.Forbidden, 404: discord.NotFound}.get(status, discord.HTTPException)
    return kind(_Response(status, body), body)


class DiscordEdge:
    """An aiohttp-like session under discord.py's real webhook adapter (interaction responses
    and follow-ups), so its own retry logic runs: scripted statuses come first, then the
    recorder answers. Use it to see that a 429 from Discord is retried, not reported."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.script: list[tuple[str, int, dict[str, Any], dict[str, str]]] = []
        self.seen: list[tuple[str, str, int]] = []  # method, path, status returned

    def install(self, monkeypatch: Any) -> DiscordEdge:
        # Interactions take the session from the client's HTTPClient; the adapter's own
        # request method (which the recorder replaces) must run for real.
        monkeypatch.delattr(async_context.get(), "request")
        monkeypatch.setattr(self.recorder.client.http, "_HTTPClient__session", self,
                            raising=False)
        return self

    def rate_limit(self, fragment: str, retry_after: float, times: int = 1) -> None:
        """The next ``times`` requests to a path holding ``fragment`` get Discord's 429 (with
        the Via header of Discord's own limiter: Cloudflare's 429s are not retried)."""
        body = {"message": "You are being rate limited.", "retry_after": retry_after,
                "global": False}
        self.script += [(fragment, 429, body, {"Via": "1.1 google"})] * times

    def server_error(self, fragment: str, status: int = 502, times: int = 1) -> None:
        self.script += [(fragment, status, {"message": "upstream"}, {})] * times

    def request(self, method: str, url: str, *, data: Any = None, headers: Any = None,
                params: Any = None, **kwargs: Any) -> _EdgeCall:
        return _EdgeCall(self._respond(method, url, data, params))

    async def _respond(self, method: str, url: str, data: Any, params: Any) -> _Response:
        base = discord.webhook.async_.Route.BASE
        path = url.removeprefix(base)
        for i, (fragment, status, body, headers) in enumerate(self.script):
            if fragment in path:
                del self.script[i]
                self.seen.append((method, path, status))
                return _Response(status, body, headers)
        parts = path.split("/")  # /interactions/{id}/{token}/callback, /webhooks/{app}/{token}/..
        route = _EdgeRoute(method, url, int(parts[2]))
        payload = json.loads(data) if isinstance(data, str) else None
        result = await self.recorder._webhook(route, payload=payload, params=params)
        self.seen.append((method, path, 200))
        return _Response(200, result)


class _EdgeCall:
    """``async with session.request(...) as response``."""

    def __init__(self, response: Any) -> None:
        self._response = response

    async def __aenter__(self) -> _Response:
        return await self._response

    async def __aexit__(self, *exc: object) -> None:
        return None


@dataclass
class _EdgeRoute:
    method: str
    url: str
    webhook_id: int
    BASE: str = discord.webhook.async_.Route.BASE


# Interactions ---------------------------------------------------------------------------------
def option(name: str, value: Any, kind: int = 3) -> dict[str, Any]:
    return {"type": kind, "name": name, "value": value}


def interaction_payload(command: str, options: list[dict[str, Any]] | None = None, *,
                        user_id: int = ALICE, roles: tuple[int, ...] = (), permissions: int = 0,
                        guild_id: int | None = GUILD, channel_id: int = CHANNEL,
                        kind: int = 2, resolved: dict[str, Any] | None = None,
                        focused: str | None = None) -> dict[str, Any]:
    opts = [dict(o) for o in options or []]
    for o in opts:
        if o["name"] == focused:
            o["focused"] = True
    data: dict[str, Any] = {"id": str(snowflake()), "name": command, "type": 1,
                            "options": opts}
    if resolved:
        data["resolved"] = resolved
    payload: dict[str, Any] = {
        "id": str(snowflake()), "application_id": str(BOT), "type": kind,
        "token": f"token-{snowflake()}", "version": 1, "data": data, "locale": "en-US",
        "app_permissions": str((1 << 11) | (1 << 14) | (1 << 35) | (1 << 38)),
        "entitlements": [], "authorizing_integration_owners": {},
        "attachment_size_limit": 26214400, "channel_id": str(channel_id),
        "channel": {"id": str(channel_id), "type": 0, "name": "news", "position": 0,
                    "permission_overwrites": [], "nsfw": False, "parent_id": None},
    }
    if guild_id is not None:
        payload["guild_id"] = str(guild_id)
        payload["guild_locale"] = "en-US"
        payload["channel"]["guild_id"] = str(guild_id)
        payload["member"] = member(user_id, roles, permissions)
        payload["context"] = 0
    else:
        payload["user"] = user(user_id, NAMES.get(user_id, "someone"))
        payload["context"] = 1
    return payload


async def invoke(client: Any, payload: dict[str, Any]) -> discord.Interaction:
    """Run one interaction through the client's real command tree."""
    interaction: discord.Interaction = discord.Interaction(data=payload,  # type: ignore[arg-type]
                                                           state=client._connection)
    await client.tree._call(interaction)
    return interaction


async def deliver(client: discord.Client, payload: dict[str, Any]) -> None:
    """A MESSAGE_CREATE from the gateway; waits for the bot's on_message to finish."""
    client._connection.parse_message_create(payload)  # type: ignore[arg-type]
    pending = [t for t in asyncio.all_tasks()
               if t.get_name().startswith("discord.py: on_message")]
    await asyncio.gather(*pending)


async def ready_client(newsbot: Any, config: Any, door_options: dict[str, Any],
                       monkeypatch: Any) -> tuple[Any, Recorder]:
    """The real bot client, set up offline as after login into GUILD, its HTTP calls going
    to a Recorder."""
    from bot.discord_app import build_client

    client = build_client(newsbot, config, sync_commands=False, door_options=door_options)
    await client._async_setup_hook()
    state = client._connection
    state.user = discord.ClientUser(state=state, data=user(BOT, "newsbot", bot=True))
    state.application_id = BOT
    state.parse_guild_create(guild_create())
    return client, Recorder(client).install(monkeypatch)
