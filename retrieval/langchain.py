"""The search as a LangChain retriever, for users composing their own chains."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from retrieval.search import HybridSearcher
from retrieval.types import Hit, SearchFilters


def hit_to_document(hit: Hit) -> Document:
    c = hit.chunk
    return Document(
        page_content=c.text,
        id=c.id,
        metadata={
            "chunk_id": c.id,
            "article_id": c.article_id,
            "title": c.title,
            "source": c.source,
            "url": c.url,
            "published_at": c.published_at.isoformat() if c.published_at else None,
            "start": c.start,
            "end": c.end,
            "score": hit.score,
        },
    )


class NewsRetriever(BaseRetriever):
    """Hybrid (dense + BM25) search over the archive, returning LangChain Documents."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: HybridSearcher
    k: int = 8
    filters: SearchFilters | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        k = int(kwargs.get("k", self.k))
        return [hit_to_document(h) for h in self.searcher.search(query, k, self.filters)]
