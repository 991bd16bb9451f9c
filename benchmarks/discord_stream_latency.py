"""Time to first visible text and end to end for /ask in Discord with answerer "local" (the
packaged model started by newsbot itself), one user and N concurrent users.

Real discord.py objects with the HTTP recorder (tests/discord_harness.py) stand in for
Discord; what is timed is when each PATCH of the deferred response reached "Discord":
- first visible: the first one with any text (the extractive draft shown once retrieval is
  done, else the first generated sentence, else the final embed);
- first generated: the first one with a generated (verified) sentence; the final embed when
  the answer came whole within a second of the draft; none when it fell back to extractive;
- end to end: the final embed.

    python -m benchmarks.discord_stream_latency [--store DIR] [--rounds 5] [--users 4]

Needs the [local] extra and the model packages (make local). The store is the examples
unless --store is given (it is ingested into a temporary directory)."""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

QUESTIONS = [
    ("When did the ceasefire collapse?", "2020-10-22"),
    ("Who won the national cup?", "2024-05-30"),
    ("At what level did the central bank hold its main interest rate?", "2024-09-20"),
    ("How many homes lost power in the storm?", None),
    ("Who must leave the harbour district?", None),
]


class _Monkey:
    """pytest's monkeypatch.setattr, enough for the recorder."""

    def setattr(self, target: Any, name: str, value: Any, raising: bool = True) -> None:
        setattr(target, name, value)


async def _client(newsbot: Any, today: datetime) -> tuple[Any, Any, list[tuple[float, Any]]]:
    import discord
    from discord.webhook.async_ import async_context

    from bot.discord_app import DiscordConfig, build_client
    from tests.discord_harness import BOT, Recorder, guild_create, user

    # Generous limits: the point is the model, not the rate limiter.
    cfg = DiscordConfig(user_rate=1000, guild_rate=1000)
    client = build_client(newsbot, cfg, sync_commands=False,
                          door_options={"today": lambda: today})
    await client._async_setup_hook()
    state = client._connection
    state.user = discord.ClientUser(state=state, data=user(BOT, "newsbot", bot=True))
    state.application_id = BOT
    state.parse_guild_create(guild_create())
    rec = Recorder(client).install(_Monkey())
    seen: list[tuple[float, Any]] = []
    inner = async_context.get().request

    async def timed(route: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append((time.perf_counter(), (route.method, route.url, kwargs.get("payload"))))
        return await inner(route, *args, **kwargs)

    async_context.get().request = timed
    return client, rec, seen


async def _one(client: Any, seen: list[tuple[float, Any]], question: str,
               user_id: int) -> dict[str, Any]:
    from bot.discord_app.render import DRAFT_LABEL
    from tests.discord_harness import interaction_payload, invoke, option

    payload = interaction_payload("ask", [option("question", question)], user_id=user_id)
    token = payload["token"]
    t0 = time.perf_counter()
    await invoke(client, payload)
    mine = [(t, c) for t, c in seen if token in c[1] and c[0] == "PATCH" and c[2]]
    first = next(t for t, c in mine if c[2].get("content") or c[2].get("embeds"))
    final = [t for t, c in mine if c[2].get("embeds")][-1]
    body = [c[2] for _t, c in mine if c[2].get("embeds")][-1]
    footer = body["embeds"][0].get("footer", {}).get("text", "")
    answerer = "extractive" if "· extractive ·" in footer else "local"
    texts = [(t, c[2]["content"]) for t, c in mine if c[2].get("content")]
    generated = [t for t, text in texts if not text.startswith(f"-# {DRAFT_LABEL}")]
    first_generated = (generated[0] if generated
                       else final if answerer == "local" else None)
    return {"question": question, "first_visible_s": first - t0,
            "first_generated_s": None if first_generated is None else first_generated - t0,
            "end_to_end_s": final - t0,
            "extractive_draft": len(texts) > len(generated), "drafts": len(generated),
            "answerer": answerer, "notice": "Note:" in footer}


def _p50(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    from bot import NewsBot
    from tests.discord_harness import ALICE

    store = Path(args.store) if args.store else Path(tempfile.mkdtemp()) / "store"
    newsbot = NewsBot(store=store, answerer="local", local_model=args.model,
                      local_threads=args.threads)
    if not args.store:
        newsbot.ingest([Path(__file__).resolve().parents[1] / "examples" / "articles"])
    t = time.perf_counter()
    # The first question starts the server (model load); timed on its own.
    cold = newsbot.ask(QUESTIONS[0][0], QUESTIONS[0][1])
    cold_s = time.perf_counter() - t
    results: dict[str, Any] = {"cold_first_answer_s": cold_s, "cold_answerer": cold.answerer}
    single = []
    for r in range(args.rounds):
        q, day = QUESTIONS[r % len(QUESTIONS)]
        today = datetime.fromisoformat(day).replace(tzinfo=UTC) if day else datetime.now(UTC)
        client, _rec, seen = await _client(newsbot, today)
        single.append(await _one(client, seen, q, ALICE))
    results["one_user"] = single
    concurrent = []
    for r in range(args.concurrent_rounds):
        client, _rec, seen = await _client(newsbot, datetime.now(UTC))
        batch = [QUESTIONS[(r + i) % len(QUESTIONS)][0] for i in range(args.users)]
        concurrent += await asyncio.gather(*(
            _one(client, seen, q, 830000000000000100 + i) for i, q in enumerate(batch)))
    results["concurrent"] = concurrent
    for name in ("one_user", "concurrent"):
        rows = results[name]
        generated = [x["first_generated_s"] for x in rows if x["first_generated_s"] is not None]
        results[f"{name}_p50"] = {
            "first_visible_s": _p50([x["first_visible_s"] for x in rows]),
            # Over the answers that were generated (fallbacks show no generated sentence).
            "first_generated_s": _p50(generated), "generated_n": len(generated),
            "end_to_end_s": _p50([x["end_to_end_s"] for x in rows]),
            "fallbacks": sum(x["answerer"] == "extractive" for x in rows), "n": len(rows)}
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store")
    parser.add_argument("--model", default="qwen")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--concurrent-rounds", type=int, default=1)
    parser.add_argument("--threads", type=int, default=0, help="local_threads (0: all)")
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    results = asyncio.run(main_async(args))
    text = json.dumps(results, indent=1)
    if args.out:
        Path(args.out).write_text(text)
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
