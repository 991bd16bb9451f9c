"""LangChain's own standard tests for retrievers (langchain-tests) against NewsRetriever:
on the in-memory store with the hashed test embedder (fast tier), and on the real MiniLM
with embedded Chroma, the examples ingested in both."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from bot import NewsBot
from retrieval.langchain import NewsRetriever
from tests.conftest import EXAMPLES
from tests.hashed_embedder import HashedEmbedder


@pytest.fixture(scope="module")
def memory_bot(tmp_path_factory) -> NewsBot:
    bot = NewsBot(store=tmp_path_factory.mktemp("lc") / "store", store_kind="memory",
                  embedder=HashedEmbedder())
    assert bot.ingest([EXAMPLES]).added == 6
    return bot


class _NewsRetrieverTests(RetrieversIntegrationTests):
    searcher: Any = None

    @property
    def retriever_constructor(self) -> type[NewsRetriever]:
        return NewsRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        assert self.searcher is not None
        return {"searcher": self.searcher}

    @property
    def retriever_query_example(self) -> str:
        return "When did the ceasefire collapse?"


class TestNewsRetrieverFast(_NewsRetrieverTests):
    pytestmark = pytest.mark.fast

    @pytest.fixture(autouse=True)
    def _searcher(self, memory_bot: NewsBot) -> None:
        self.searcher = memory_bot.components.searcher


class TestNewsRetriever(_NewsRetrieverTests):
    @pytest.fixture(autouse=True)
    def _searcher(self, examples_bot: NewsBot) -> None:
        self.searcher = examples_bot.components.searcher
