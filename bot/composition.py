"""The one place that turns Settings into the object graph."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answering import Answerer, SyncOnly
from bot.answering.extractive import ExtractiveAnswerer
from bot.settings import Settings
from ingest.fetch import Fetcher, FetchPolicy
from ingest.indexer import Indexer
from ingest.stories import StoryIndex
from retrieval.embedcache import CachedEmbedder
from retrieval.embeddings import MiniLMEmbedder, OpenAIEmbedder
from retrieval.lexical import BM25Index
from retrieval.memory_store import MemoryStore
from retrieval.search import HybridSearcher, article_key
from retrieval.store import ChromaStore
from retrieval.types import Embedder, Store

if TYPE_CHECKING:
    from bot.local_server import LocalServer


@dataclass
class Components:
    settings: Settings
    embedder: Embedder
    store: Store
    bm25: BM25Index
    searcher: HybridSearcher
    indexer: Indexer
    answerer: Answerer
    extractive: ExtractiveAnswerer
    # Story clusters (wire copies folded), a sidecar beside the BM25 index.
    stories: StoryIndex | None = None
    # answerer "local": the supervised model server (started on first use or warm_up).
    model_server: LocalServer | None = None


def build_embedder(s: Settings) -> Embedder:
    if s.embedder == "openai":
        key = s.openai_api_key.get_secret_value() if s.openai_api_key else None
        return OpenAIEmbedder(s.embedding_model, s.embedding_base_url, key, s.embedding_dim)
    return MiniLMEmbedder()


def build_store(s: Settings, embedder: Embedder) -> Store:
    # One collection per embedder: vectors from different models must never mix.
    name = s.collection if embedder.name.startswith("all-MiniLM") else (
        f"{s.collection}-{embedder.name.replace(':', '-').replace('/', '-')}"[:60]
    )
    if s.store_kind == "memory":
        return MemoryStore(name)
    if s.store_url:
        return ChromaStore(url=s.store_url, collection=name)
    return ChromaStore(path=s.store, collection=name)


def build_fetcher(s: Settings) -> Fetcher:
    return Fetcher(FetchPolicy(
        allow_private_networks=s.allow_private_networks, timeout=s.fetch_timeout,
        max_bytes=s.max_fetch_bytes, max_redirects=s.max_redirects, user_agent=s.user_agent,
    ))


def bm25_dir(s: Settings) -> Path | None:
    # Beside an embedded store; a server-backed store keeps its BM25 cache in the local dir.
    # A memory store's index would outlive its store on disk: it stays in memory too.
    if s.store_kind == "memory":
        return None
    return Path(s.store) / "bm25" / s.collection


def stories_dir(s: Settings) -> Path | None:
    # Beside the BM25 index, named the same way; the file records the store's fingerprint,
    # so clusters of another store are never read. A memory store's clusters stay in memory.
    if s.store_kind == "memory":
        return None
    return Path(s.store) / "stories" / s.collection


ANSWERERS = ("extractive", "llm", "local")


def build_answerer(s: Settings, extractive: ExtractiveAnswerer) -> Answerer:
    if s.answerer == "llm":
        from bot.answering.llm import LLMAnswerer

        return LLMAnswerer.from_settings(s, fallback=extractive)
    if s.answerer == "local":
        # The packaged model, served by a llama.cpp child process newsbot starts on first
        # use, shares between questions, restarts and stops (bot/local_server.py).
        from bot.local_server import local_answerer, local_server

        return local_answerer(s, extractive, local_server(s))
    return SyncOnly(extractive, extractive.name)


def answerer_named(c: Components, name: str) -> Answerer:
    """A per-call choice ("llm" | "local" | "extractive") built from the same settings."""
    if name == c.answerer.name:
        return c.answerer
    if name == "extractive":
        return SyncOnly(c.extractive, c.extractive.name)
    if name in ANSWERERS:
        return build_answerer(c.settings.model_copy(update={"answerer": name}), c.extractive)
    raise ValueError(f"unknown answerer {name!r} (expected one of {', '.join(ANSWERERS)})")


def build(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    store: Store | None = None,
    answerer: Answerer | None = None,
) -> Components:
    embedder = embedder or build_embedder(settings)
    store = store or build_store(settings, embedder)
    bm25 = BM25Index(store, bm25_dir(settings))
    # Questions re-embed the sentences of the passages they retrieve; ingest never repeats.
    asking: Embedder = (CachedEmbedder(embedder, settings.embedding_cache)
                        if settings.embedding_cache > 0 else embedder)
    stories = StoryIndex(store, stories_dir(settings))
    # No story, however many copies of it the archive holds, takes more than its share of
    # the passages (retrieval/search.MAX_PER_GROUP); copies are folded after (NewsBot.search).
    searcher = HybridSearcher(store, asking, bm25, depth=settings.search_depth,
                              group_key=stories.chunk_key if settings.fold_copies
                              else article_key)

    def on_change() -> None:
        bm25.invalidate()
        stories.invalidate()

    indexer = Indexer(store, embedder, settings.chunk_chars, settings.chunk_overlap,
                      on_change=on_change, fetcher=build_fetcher(settings),
                      max_file_bytes=settings.max_file_bytes)
    extractive = ExtractiveAnswerer(asking, min_relevance=settings.min_relevance)
    model_server = None
    if answerer is None and settings.answerer == "local":
        from bot.local_server import local_server

        model_server = local_server(settings)
    return Components(
        settings, embedder, store, bm25, searcher, indexer,
        answerer or build_answerer(settings, extractive), extractive, stories,
        model_server,
    )
