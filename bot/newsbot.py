"""NewsBot: the SDK facade every front door (CLI, Discord, Python) goes through."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from bot.answer import Answer
from bot.answering import Answerer, AnswersQuestions, Draft, as_answerer, syntax
from bot.chat import ChatSession, SessionStore
from bot.composition import Components, answerer_named, build
from bot.newsnative import enrich, fold_hits
from bot.settings import Settings
from bot.timeline import Timeline, build_timeline
from ingest.article import Article
from ingest.indexer import IngestReport, Progress
from ingest.readers import ReadFailure
from retrieval.types import Embedder, Hit, SearchFilters, Store

# Search looks this many times deeper than k when folding wire copies, so the k left are
# k stories (RealTime QA's largest story cluster has 3 copies).
STORY_OVERFETCH = 3

# Passages a timeline reads (every copy kept: each is a citation of its event).
TIMELINE_PASSAGES = 40

if TYPE_CHECKING:
    from retrieval.langchain import NewsRetriever


@dataclass(frozen=True)
class Stats:
    articles: int
    chunks: int
    first_published: datetime | None
    last_published: datetime | None
    sources: dict[str, int]
    store: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "chunks": self.chunks,
            "first_published": self.first_published.isoformat() if self.first_published
            else None,
            "last_published": self.last_published.isoformat() if self.last_published else None,
            "sources": self.sources,
            "store": self.store,
        }


@dataclass(frozen=True)
class Asked:
    """A question as every front door passes it on: normalised text, ``now``, filters."""

    question: str
    now: datetime | None
    filters: SearchFilters


@dataclass(frozen=True)
class Retrieved:
    asked: Asked
    hits: list[Hit]
    started: float
    retrieved: float

    def stamp(self, answer: Answer) -> Answer:
        """The one timing record: retrieve, answer, total (ms)."""
        done = time.perf_counter()
        answer.timings_ms.update({"retrieve": (self.retrieved - self.started) * 1000,
                                  "answer": (done - self.retrieved) * 1000,
                                  "total": (done - self.started) * 1000})
        return answer


def _as_datetime(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class NewsBot:
    """Ask questions of a news archive and get answers with cited passages.

    >>> bot = NewsBot(store="./store")
    >>> bot.ingest(["examples/articles"])
    >>> answer = bot.ask("When did the ceasefire collapse?")
    """

    def __init__(
        self,
        store: str | Path | None = None,
        *,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        store_backend: Store | None = None,
        answerer: Answerer | AnswersQuestions | str | None = None,
        **overrides: Any,
    ) -> None:
        if isinstance(answerer, str):  # "extractive" | "llm" | "local": the setting
            overrides["answerer"], answerer = answerer, None
        if settings is None:
            settings = Settings.load(store=store, **overrides)
        elif store is not None or overrides:
            settings = settings.model_copy(update={"store": Path(store)} if store else {})
            settings = settings.model_copy(update=overrides)
        self.settings = settings
        self._c: Components = build(
            settings, embedder=embedder, store=store_backend,
            answerer=as_answerer(answerer) if answerer is not None else None,
        )
        self._sessions = SessionStore()
        self._named: dict[str, Answerer] = {}
        # The saved BM25 index loads on a thread while this process gets on with the rest
        # (its first question waits for it): most of a cold start to the first answer.
        self._c.bm25.preload()
        if self._c.stories is not None:
            self._c.stories.preload()

    def warm_up(self) -> None:
        """Start what the first question would otherwise wait for: the parser, and the
        local model server (answerer "local"), load while retrieval gets ready."""
        syntax.preload()
        if self._c.model_server is not None:
            self._c.model_server.warm_up()

    @classmethod
    def from_config(cls, path: str | Path | None = None, **overrides: Any) -> NewsBot:
        return cls(settings=Settings.load(path, **overrides))

    @property
    def components(self) -> Components:
        return self._c

    # Ingest -----------------------------------------------------------------------------
    def ingest(self, paths: Iterable[str | Path] | str | Path,
               progress: Progress | None = None) -> IngestReport:
        if isinstance(paths, str | Path):
            paths = [paths]
        report = self._c.indexer.ingest_paths(paths, progress)
        if report.added or report.updated:
            # Build and save the BM25 index now, so the next process starts answering at
            # once instead of re-indexing every chunk on its first question.
            self._c.bm25.ensure()
            if self._c.stories is not None:
                self._c.stories.clusters()  # the same for story clusters
        return report

    def ingest_articles(self, articles: Iterable[Article | ReadFailure]) -> IngestReport:
        return self._c.indexer.ingest(articles)

    def delete(self, article_id: str) -> int:
        return self._c.indexer.delete(article_id)

    def repair(self) -> list[str]:
        """Remove articles a crash left half-written; returns their ids."""
        return self._c.indexer.repair()

    # Search and answers -------------------------------------------------------------------
    # Every front door (ask, aask, stream, astream, chat, the Runnable, the CLI, Discord)
    # takes the same arguments to one retrieve step and gets one timing record.
    def _asked(self, question: str, now: datetime | str | None,
               since: datetime | str | None, until: datetime | str | None,
               sources: Iterable[str]) -> Asked:
        return Asked(" ".join(question.split()), _as_datetime(now),
                     SearchFilters(_as_datetime(since), _as_datetime(until), tuple(sources)))

    def _retrieve(self, asked: Asked, k: int | None = None) -> Retrieved:
        t0 = time.perf_counter()
        k = k or self.settings.top_k
        stories = self._c.stories
        if stories is None or not self.settings.fold_copies:
            hits = self._c.searcher.search(asked.question, k, asked.filters, asked.now)
        else:
            # One story, one place in the top k: look deeper, then fold wire copies.
            hits = fold_hits(self._c.searcher.search(asked.question, k * STORY_OVERFETCH,
                                                     asked.filters, asked.now),
                             stories.cluster_of, k)
        return Retrieved(asked, hits, t0, time.perf_counter())

    def search(
        self, query: str, k: int | None = None, *, now: datetime | str | None = None,
        since: datetime | str | None = None, until: datetime | str | None = None,
        sources: Iterable[str] = (),
    ) -> list[Hit]:
        """Passages for ``query``; with ``now``, time phrases ("this week", "on Monday") and
        a recency preference are resolved against it, and nothing published after it is
        seen."""
        return self._retrieve(self._asked(query, now, since, until, sources), k).hits

    def _news(self, question: str, answer: Answer, hits: list[Hit]) -> Answer:
        """The one step after every answerer: who said it, copies folded, disagreements."""
        return enrich(question, answer, hits, self._c.stories)

    def _finish(self, got: Retrieved, answer: Answer) -> Answer:
        return got.stamp(self._news(got.asked.question, answer, got.hits))

    def _answerer(self, answerer: Answerer | AnswersQuestions | str | None) -> Answerer:
        if answerer is None:
            return self._c.answerer
        if isinstance(answerer, str):
            if answerer not in self._named:
                self._named[answerer] = answerer_named(self._c, answerer)
            return self._named[answerer]
        return as_answerer(answerer)

    def ask(
        self, question: str, now: datetime | str | None = None, *,
        since: datetime | str | None = None, until: datetime | str | None = None,
        sources: Iterable[str] = (), answerer: Answerer | AnswersQuestions | str | None = None,
    ) -> Answer:
        """``answerer`` picks the backend for this call: an Answerer, "llm", "local" or
        "extractive"."""
        chosen = self._answerer(answerer)
        got = self._retrieve(self._asked(question, now, since, until, sources))
        return self._finish(got, chosen.answer(got.asked.question, got.hits, got.asked.now))

    async def aask(
        self, question: str, now: datetime | str | None = None, *,
        since: datetime | str | None = None, until: datetime | str | None = None,
        sources: Iterable[str] = (), answerer: Answerer | AnswersQuestions | str | None = None,
    ) -> Answer:
        """``ask`` for asyncio code: retrieval on a worker thread (ONNX and BM25 release the
        GIL), the answerer's own async path."""
        chosen = self._answerer(answerer)
        got = await asyncio.to_thread(
            self._retrieve, self._asked(question, now, since, until, sources))
        return self._finish(got, await chosen.aanswer(got.asked.question, got.hits,
                                                      got.asked.now))

    def stream(
        self, question: str, now: datetime | str | None = None, *,
        since: datetime | str | None = None, until: datetime | str | None = None,
        sources: Iterable[str] = (), answerer: Answerer | AnswersQuestions | str | None = None,
    ) -> Iterator[str | Answer]:
        """Text as it is generated (each sentence once its citation is checked), then the
        final Answer. Answerers that cannot stream (``capabilities.can_stream``) give the
        Answer alone."""
        chosen = self._answerer(answerer)
        got = self._retrieve(self._asked(question, now, since, until, sources))
        for piece in chosen.stream(got.asked.question, got.hits, got.asked.now):
            yield self._finish(got, piece) if isinstance(piece, Answer) else piece

    @overload
    def astream(
        self, question: str, now: datetime | str | None = None, *,
        since: datetime | str | None = None, until: datetime | str | None = None,
        sources: Iterable[str] = (), answerer: Answerer | AnswersQuestions | str | None = None,
        drafts: Literal[False] = False,
    ) -> AsyncIterator[str | Answer]: ...

    @overload
    def astream(
        self, question: str, now: datetime | str | None = None, *,
        since: datetime | str | None = None, until: datetime | str | None = None,
        sources: Iterable[str] = (), answerer: Answerer | AnswersQuestions | str | None = None,
        drafts: bool,
    ) -> AsyncIterator[str | Draft | Answer]: ...

    async def astream(
        self, question: str, now: datetime | str | None = None, *,
        since: datetime | str | None = None, until: datetime | str | None = None,
        sources: Iterable[str] = (), answerer: Answerer | AnswersQuestions | str | None = None,
        drafts: bool = False,
    ) -> AsyncIterator[str | Draft | Answer]:
        """``stream`` for asyncio code (the Discord front door). ``drafts``: an answerer that
        declares ``can_draft`` first yields a ``Draft`` (the extractive answer, finished like
        any answer) to show while its model writes; others yield none."""
        chosen = self._answerer(answerer)
        got = await asyncio.to_thread(
            self._retrieve, self._asked(question, now, since, until, sources))
        pieces = (chosen.astream(got.asked.question, got.hits, got.asked.now, drafts=True)
                  if drafts and chosen.capabilities.can_draft
                  else chosen.astream(got.asked.question, got.hits, got.asked.now))
        async for piece in pieces:
            if isinstance(piece, Draft):
                yield Draft(self._news(got.asked.question, piece.answer, got.hits))
            else:
                yield self._finish(got, piece) if isinstance(piece, Answer) else piece

    def can_stream(self, answerer: Answerer | AnswersQuestions | str | None = None) -> bool:
        """Whether ``stream``/``astream`` give text before the Answer with this answerer."""
        return self._answerer(answerer).capabilities.can_stream

    def timeline(self, topic: str, now: datetime | str | None = None, *,
                 since: datetime | str | None = None,
                 until: datetime | str | None = None) -> Timeline:
        """The story about ``topic`` as dated events, ordered by the day each happened."""
        topic = " ".join(topic.split())
        now_at, since_at, until_at = _as_datetime(now), _as_datetime(since), _as_datetime(until)
        # Articles are chosen by what they can report: published on/after ``since`` and, as of
        # ``now``, by the end of that day. ``until`` bounds the events' days, not publishing
        # (a later article may tell an earlier event).
        published_by = now_at + timedelta(days=1) if now_at is not None else None
        hits = self._c.searcher.search(topic, TIMELINE_PASSAGES,
                                       SearchFilters(since_at, published_by), now_at)
        return build_timeline(topic, hits, self._c.embedder, now_at, since_at, until_at)

    def chat(self, session_id: str = "default") -> ChatSession:
        """The conversation ``session_id`` (created on first use): follow-up questions are
        rewritten into standalone ones from its bounded history."""
        return self._sessions.get(
            session_id, lambda: ChatSession(self, session_id, self.settings.chat_history))

    def as_runnable(self) -> Any:
        """The pipeline as a LangChain Runnable: question string or dict in, Answer out."""
        from bot.runnable import newsbot_runnable

        return newsbot_runnable(self)

    # Introspection --------------------------------------------------------------------------
    def is_empty(self) -> bool:
        """No article has been ingested into this store (a cheap count, not ``stats``)."""
        return self._c.store.count_chunks() == 0

    def stats(self) -> Stats:
        records = self._c.store.articles()
        dates = [r.published_at for r in records if r.published_at]
        sources: dict[str, int] = {}
        for r in records:
            sources[r.source or "(unknown)"] = sources.get(r.source or "(unknown)", 0) + 1
        return Stats(
            articles=len(records),
            chunks=self._c.store.count_chunks(),
            first_published=min(dates) if dates else None,
            last_published=max(dates) if dates else None,
            sources=dict(sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))),
            store=self._c.store.location,
        )

    @property
    def retriever(self) -> NewsRetriever:
        # Imported here: langchain-core (with langsmith) is ~2 s of a cold `newsbot ask`,
        # and only LangChain users need it.
        from retrieval.langchain import NewsRetriever

        return NewsRetriever(searcher=self._c.searcher, k=self.settings.top_k)
