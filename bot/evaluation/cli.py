"""`newsbot eval`: build (or reuse) the cached stores, run the systems, summarise."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bot.composition import build_embedder
from bot.evaluation import dataset as ds_mod
from bot.evaluation.corpus import store_dir
from bot.evaluation.runner import NewsBotSystem, QueryResult, article_map, evaluate, summarize
from bot.newsbot import NewsBot
from bot.settings import Settings
from ingest import READER_VERSION


def _progress(console: Console, label: str) -> Progress:
    return Progress(TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=console, disable=not console.is_terminal)


def _advance(bar: Progress, label: str, total: int | None) -> Callable[[int, int | None], None]:
    task = bar.add_task(label, total=total)
    return lambda done, _total: bar.update(task, completed=done)


def run_eval(root: Path, *, split: str = "dev", limit: int | None = None,
             report: Path | None = None, baseline: bool = False, config: Path | None = None,
             console: Console | None = None) -> dict[str, Any]:
    console = console or Console(stderr=True)
    ds = ds_mod.load(root, split, limit)
    settings = Settings.load(config)
    embedder = build_embedder(settings)
    directory = store_dir(ds.corpus, settings, embedder.name)
    bot = NewsBot(settings=settings.model_copy(update={"store": directory, "store_url": None}),
                  embedder=embedder)
    # The marker names the reader version that filled the store. A store from another one
    # is ingested again: only the articles the new readers read differently are re-embedded.
    marker, version = directory / "COMPLETE", f"readers {READER_VERSION}"
    if not marker.exists() or marker.read_text() != version:
        with _progress(console, "ingest corpus") as bar:
            bot.ingest([ds.corpus], progress=_advance(bar, "ingest", None))
        marker.write_text(version)
    idmap = article_map(ds.corpus)
    corpus_ids = {i for ids in idmap.values() for i in ids}
    runs: dict[str, list[QueryResult]] = {}
    systems: list[Any] = [NewsBotSystem(bot)]
    if baseline:
        from bot.evaluation.baseline import BaselineSystem, build_index

        # Its ids hash our readers' titles, and it is built whole, never updated: a new
        # reader version is a new index.
        bdir = store_dir(ds.corpus, settings, bot.components.embedder.name,
                         tag=f"baseline-r{READER_VERSION}")
        with _progress(console, "baseline index") as bar:
            store = build_index(ds.corpus, bdir, bot.components.embedder,
                                progress=_advance(bar, "baseline", None))
        systems.append(BaselineSystem(store))
    for system in systems:
        with _progress(console, system.name) as bar:
            runs[system.name] = evaluate(system, ds, idmap, corpus_ids,
                                         progress=_advance(bar, system.name, len(ds.queries)))
    summaries = {name: summarize(res) for name, res in runs.items()}
    meta = {"dataset": str(root), "split": split, "questions": len(ds.queries),
            "store": str(directory),
            "settings": {k: v for k, v in settings.model_dump(mode="json").items()
                         if k not in ("openai_api_key", "store")}}
    if report:
        from bot.evaluation.report import write_report

        write_report(report, summaries, runs, meta)
    return {"summaries": summaries, "meta": meta}
