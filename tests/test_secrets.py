"""DISCORD_TOKEN and OPENAI_API_KEY never show: not in logs (formatted, tracebacks included),
not in what the CLI prints, not in reprs or dumps of the settings, not in the eval report.

Each test sets distinctive sentinel values, drives a real path that holds the secret (and
proves it did: the fake servers saw the key or token), then greps everything that came out.
Some servers are made hostile on purpose: they echo the secret back in their error bodies,
which the openai client and discord.py put into their exception texts.
"""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import discord
import pytest
from typer.testing import CliRunner

from bot.answering.llm import LLMAnswerer
from bot.cli import app
from bot.discord_app import DiscordConfig, build_client, read_token
from bot.newsbot import NewsBot
from bot.redaction import REDACTED, protect, redact
from bot.settings import Settings
from tests.conftest import EXAMPLES
from tests.discord_harness import (
    EPHEMERAL,
    interaction_payload,
    invoke,
    option,
)
from tests.fake_openai import Reply, status, text
from tests.test_eval import ARTICLES, QUERIES

OPENAI_KEY = "sk-SENTINEL-openai-9f3c2a7e51d8"
DISCORD_TOKEN = "MTAx.SENTINEL-discord.4b7d0e6a2c91"
# Settings read secrets only from the names users already have; these must be ignored.
PREFIXED = {"NEWSBOT_OPENAI_API_KEY": "sk-SENTINEL-prefixed-0c4e8b2d6f13",
            "NEWSBOT_DISCORD_TOKEN": "SENTINEL-prefixed-discord-5a9e1c3f7b20"}
SENTINELS = [OPENAI_KEY, DISCORD_TOKEN, *PREFIXED.values()]
# A partial echo (a server that shows the key's tail) is a leak too.
FRAGMENTS = [s[-12:] for s in SENTINELS]
QUESTION = "When did the ceasefire collapse?"

runner = CliRunner()


def assert_clean(*outputs: str | bytes, where: str = "") -> None:
    for out in outputs:
        blob = out if isinstance(out, bytes) else out.encode("utf-8", "replace")
        for secret in SENTINELS + FRAGMENTS:
            assert secret.encode() not in blob, f"{secret!r} leaked {where}"


def formatted_logs(caplog: pytest.LogCaptureFixture) -> str:
    """Every captured record as handlers would write it, tracebacks included."""
    fmt = logging.Formatter("%(levelname)s %(name)s %(message)s")
    return "\n".join(fmt.format(r) for r in caplog.records) + caplog.text


@pytest.fixture
def secret_env(monkeypatch, caplog, tmp_path) -> Iterator[None]:
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    monkeypatch.setenv("DISCORD_TOKEN", DISCORD_TOKEN)
    for name, value in PREFIXED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    caplog.set_level(logging.DEBUG)  # every logger, the chatty libraries included
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    # `newsbot discord` installs discord.py's handler on the root logger: take it away.
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    assert_clean(formatted_logs(caplog), where="in the logs")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("secrets") / "store"
    res = runner.invoke(app, ["ingest", str(EXAMPLES), "--store", str(path)])
    assert res.exit_code == 0, res.output
    return path


def llm_env(monkeypatch, fake_llm) -> None:
    monkeypatch.setenv("NEWSBOT_LLM_BASE_URL", fake_llm.base_url)
    monkeypatch.setenv("NEWSBOT_LLM_MAX_RETRIES", "0")
    monkeypatch.setenv("NEWSBOT_LLM_TIMEOUT", "5")


def echoing(code: int) -> Any:
    """A server that repeats the Authorization header in its error body (as some proxies
    and OpenAI itself, partly masked, do)."""
    def step(body: dict[str, Any]) -> Reply:
        return Reply(None, code, error=f"Incorrect API key provided: {OPENAI_KEY} "
                                       f"(sent as Bearer {OPENAI_KEY})")
    return step


# Settings and the objects built from them ------------------------------------------------------
def test_settings_and_built_objects_never_show_secrets(secret_env, store, fake_llm,
                                                       monkeypatch):
    llm_env(monkeypatch, fake_llm)
    s = Settings.load(store=store, answerer="llm")
    assert s.openai_api_key is not None and s.openai_api_key.get_secret_value() == OPENAI_KEY
    assert s.discord_token is not None and s.discord_token.get_secret_value() == DISCORD_TOKEN
    assert read_token(s) == DISCORD_TOKEN
    bot = NewsBot(settings=s)
    client = build_client(bot, DiscordConfig.from_settings(s), sync_commands=False)
    assert_clean(repr(s), str(s), str(s.model_dump()), json.dumps(s.model_dump(mode="json")),
                 s.model_dump_json(), repr(s.model_copy(update={"top_k": 3})),
                 repr(bot.components), repr(bot.components.answerer), repr(client.door.config),
                 repr(client.http.__dict__.get("token")), where="in a repr or dump")
    # Not vacuous: the key reaches the model server, only there.
    fake_llm.script(status(500))
    bot.ask(QUESTION)
    assert fake_llm.auth_headers == [f"Bearer {OPENAI_KEY}"]


# The CLI --------------------------------------------------------------------------------------
def test_stats_never_show_secrets(secret_env, store):
    for args in (["stats"], ["stats", "--json"], ["--verbose", "stats"]):
        res = runner.invoke(app, [*args, "--store", str(store)])
        assert res.exit_code == 0, res.output
        assert "Caspian Wire" in res.stdout
        assert_clean(res.stdout, res.stderr, where=f"in `newsbot {' '.join(args)}`")


@pytest.mark.parametrize("failure", [echoing(401), echoing(500), status(429)],
                         ids=["401-echo", "500-echo", "429"])
def test_ask_with_a_failing_model_never_shows_secrets(secret_env, store, fake_llm, monkeypatch,
                                                      failure):
    llm_env(monkeypatch, fake_llm)
    for extra in ([], ["--json"], ["--stream"]):
        fake_llm.script(failure)
        res = runner.invoke(app, ["--verbose", "ask", QUESTION, "--store", str(store),
                                  "--answerer", "llm", *extra])
        assert res.exit_code == 0, res.output
        assert "12 October 2020" in res.stdout  # the extractive fallback answered
        assert "language model" in res.stderr + res.stdout  # and said why
        assert_clean(res.stdout, res.stderr, where=f"in `newsbot ask {' '.join(extra)}`")
    assert fake_llm.auth_headers[-1] == f"Bearer {OPENAI_KEY}"


def test_the_openai_client_does_put_an_error_body_in_its_exception(fake_llm):
    """Why the LLM answerer never shows an exception's text: the client quotes the server's
    error body, and a server (or a proxy in front of it) may echo the key there."""
    import openai

    fake_llm.script(echoing(401))
    client = openai.OpenAI(api_key=OPENAI_KEY, base_url=fake_llm.base_url, max_retries=0)
    with pytest.raises(openai.AuthenticationError) as info:
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    assert OPENAI_KEY in str(info.value)


def test_an_exception_from_deep_inside_the_answerer_is_scrubbed(secret_env, store, fake_llm,
                                                                monkeypatch, caplog):
    """A bug that lets an exception carrying the key escape the answerer: the CLI's one-line
    error and every log record still show no secret."""
    import httpx2
    import openai

    llm_env(monkeypatch, fake_llm)

    def explode(self: Any, *args: Any) -> None:
        logging.getLogger("bot.answering.llm").debug("raw reply with key %s", OPENAI_KEY)
        # A real request: openai 3.63 reads the request's headers when the error is built.
        request = httpx2.Request("POST", f"{fake_llm.base_url}/chat/completions",
                                 headers={"Authorization": f"Bearer {OPENAI_KEY}"})
        raise openai.APIError(f"echoed header: Bearer {OPENAI_KEY}", request=request,
                              body={"key": OPENAI_KEY})

    # Finishing runs after the model call, outside its error handling: where a bug escapes.
    monkeypatch.setattr(LLMAnswerer, "finish", explode)
    fake_llm.script(text("The truce collapsed on Monday [1]."))
    res = runner.invoke(app, ["ask", QUESTION, "--store", str(store), "--answerer", "llm"])
    assert res.exit_code == 1 and "could not answer: echoed header: Bearer " in res.stderr
    assert REDACTED in res.stderr
    assert_clean(res.stdout, res.stderr, where="in the CLI error")
    # An SDK user logging the same exception with its traceback.
    fake_llm.script(text("The truce collapsed on Monday [1]."))
    bot = NewsBot(store=store)
    with pytest.raises(openai.APIError) as info:
        bot.ask(QUESTION, answerer="llm")
    logging.getLogger("sdk.user").error("ask failed", exc_info=info.value)
    shown = logging.Formatter().format(caplog.records[-1])
    assert "openai.APIError: echoed header: Bearer " + REDACTED in shown


async def test_discord_error_path_logs_an_id_and_no_secret(secret_env, tmp_path, make_discord,
                                                           caplog):
    class Leaky:
        """An answerer that fails with the key in its exception (and its cause)."""

        def answer(self, question: str, hits: list[Any], now: Any = None) -> Any:
            try:
                raise ConnectionError(f"proxy said: token={DISCORD_TOKEN}")
            except ConnectionError as cause:
                raise RuntimeError(f"model refused key {OPENAI_KEY}") from cause

    client, rec = await make_discord(NewsBot(store=tmp_path / "store", answerer=Leaky()))
    await invoke(client, interaction_payload("ask", [option("question", QUESTION)]))
    note = rec.calls[-1]
    assert note.flags & EPHEMERAL
    error_id = note.body["content"].split("error id `")[1].split("`")[0]
    (record,) = [r for r in caplog.records if error_id in r.getMessage()]
    shown = logging.Formatter().format(record)
    # The traceback is all there, cause included; only the secrets are gone.
    assert "RuntimeError: model refused key " + REDACTED in shown
    assert "ConnectionError: proxy said: token=" + REDACTED in shown
    assert_clean(shown, json.dumps([c.json for c in rec.calls]), where="in the error path")


def test_discord_startup_with_a_rejected_token(secret_env, tmp_path, monkeypatch):
    seen: list[str | None] = []

    async def reject(self: Any, route: Any, **kwargs: Any) -> Any:
        seen.append(self.token)

        class Response:
            status, reason = 401, "Unauthorized"

        # A hostile gateway echoing the token; discord.py turns this into LoginFailure.
        raise discord.HTTPException(Response(), {"message": f"401: bad token {self.token}",  # type: ignore[arg-type]
                                                 "code": 0})

    monkeypatch.setattr(discord.http.HTTPClient, "request", reject)
    res = runner.invoke(app, ["discord", "--store", str(tmp_path / "store"), "--no-sync"])
    assert res.exit_code == 2, res.output
    assert seen == [DISCORD_TOKEN]
    assert "Discord rejected DISCORD_TOKEN" in res.stderr
    assert isinstance(res.exception, SystemExit)
    assert_clean(res.stdout, res.stderr, where="in `newsbot discord`")


def test_missing_token_message_echoes_nothing(secret_env, tmp_path, monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", "   ")
    res = runner.invoke(app, ["discord", "--store", str(tmp_path / "store")])
    assert res.exit_code == 2 and "DISCORD_TOKEN is not set" in res.stderr
    assert_clean(res.stdout, res.stderr)


# The eval report --------------------------------------------------------------------------------
def test_eval_report_and_cache_hold_no_secret(secret_env, tmp_path, fake_llm, monkeypatch):
    root = tmp_path / "tinyqa"
    (root / "dev").mkdir(parents=True)
    with gzip.open(root / "corpus.jsonl.gz", "wt") as fh:
        fh.writelines(json.dumps(a) + "\n" for a in ARTICLES)
    (root / "dev" / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in QUERIES))
    llm_env(monkeypatch, fake_llm)
    monkeypatch.setenv("NEWSBOT_ANSWERER", "llm")
    fake_llm.script(echoing(401), echoing(500), echoing(401))
    report = tmp_path / "report"
    res = runner.invoke(app, ["eval", str(root), "--report", str(report), "--json"])
    assert res.exit_code == 0, res.output
    assert fake_llm.auth_headers and set(fake_llm.auth_headers) == {f"Bearer {OPENAI_KEY}"}
    meta = json.loads(res.stdout)["meta"]
    assert meta["settings"]["answerer"] == "llm"
    assert_clean(res.stdout, res.stderr, where="in `newsbot eval`")
    written = [p for d in (report, tmp_path / "cache") for p in d.rglob("*") if p.is_file()]
    assert {"report.md", "results.json", "hits_at_k.png"} <= {p.name for p in written}
    for path in written:
        assert_clean(path.read_bytes(), where=f"in {path}")


# The redactor itself ------------------------------------------------------------------------------
def test_the_log_redactor_scrubs_messages_args_tracebacks_and_stacks(caplog):
    secret = "SENTINEL-redactor-3e8a1f"
    protect(secret, None, "short")
    assert redact(f"a {secret} b") == f"a {REDACTED} b" and redact("short") == "short"
    log = logging.getLogger("some.library")
    with caplog.at_level(logging.DEBUG):
        log.info("key=%s", secret)
        log.warning(f"inline {secret}", stack_info=True)
        try:
            raise ValueError(secret)
        except ValueError:
            log.exception("failed")
    shown = formatted_logs(caplog)
    assert secret not in shown and shown.count(REDACTED) >= 3
    assert "ValueError: " + REDACTED in shown
    assert caplog.records[2].exc_info is None  # the exception object held the secret
