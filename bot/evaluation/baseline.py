"""The naive LangChain pipeline a user would write first, scored the same way as newsbot:
RecursiveCharacterTextSplitter(1000, 200) → Chroma (langchain-chroma) with the same embedder
→ dense top-k; its "answer" is the top passage, since it has no reader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from bot.answer import Answer, Citation
from bot.evaluation.corpus import corpus_files
from bot.evaluation.dataset import Query
from ingest.article import Article
from ingest.readers import read_path
from retrieval.types import Chunk, Embedder, Hit


class EmbedderAsLangChain(Embeddings):
    """Our Embedder behind LangChain's Embeddings interface."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed(texts).tolist()  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed([text])[0].tolist()  # type: ignore[no-any-return]


def build_index(corpus: Path, directory: Path, embedder: Embedder,
                progress: Callable[[int, int | None], None] | None = None) -> Any:
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    store = Chroma(collection_name="baseline", embedding_function=EmbedderAsLangChain(embedder),
                   persist_directory=str(directory))
    if (directory / "COMPLETE").exists():
        return store
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200,
                                              add_start_index=True)
    batch: list[Document] = []
    n = 0
    for a in (item for f in corpus_files(corpus) for item in read_path(f)):
        if not isinstance(a, Article):
            continue
        meta = {"article_id": a.id, "title": a.title, "source": a.source, "url": a.url,
                "published_ts": int(a.published_at.timestamp()) if a.published_at else 0}
        batch.extend(splitter.create_documents([a.body], [meta]))
        n += 1
        if len(batch) >= 512:
            store.add_documents(batch)
            batch = []
        if progress:
            progress(n, None)
    if batch:
        store.add_documents(batch)
    (directory / "COMPLETE").write_text("ok")
    return store


@dataclass
class BaselineSystem:
    store: Any
    depth: int = 50
    name: str = "naive-langchain"

    def retrieve(self, q: Query) -> list[Hit]:
        from datetime import UTC, datetime

        hits = []
        # Plain top-k by distance, as the naive pipeline does (the collection's default L2).
        for doc, score in self.store.similarity_search_with_score(q.question, k=self.depth):
            m = doc.metadata
            start = int(m.get("start_index", 0))
            ts = m.get("published_ts")
            chunk = Chunk(
                article_id=str(m["article_id"]), index=start, text=doc.page_content,
                start=start, end=start + len(doc.page_content), title=str(m.get("title", "")),
                source=str(m.get("source", "")), url=str(m.get("url", "")),
                published_at=datetime.fromtimestamp(ts, tz=UTC) if ts else None,
            )
            hits.append(Hit(chunk, -float(score)))
        return hits

    def answer(self, q: Query, hits: list[Hit]) -> Answer:
        if not hits:
            return Answer(q.question, "", abstained=True, answerer=self.name)
        c = hits[0].chunk
        cite = Citation(1, c.article_id, c.title, c.source, c.url, c.published_at, c.text,
                        c.start, c.end)
        return Answer(q.question, c.text, abstained=False, citations=[cite], answerer=self.name)

    def copies(self, article_id: str) -> list[str]:
        return []  # the naive pipeline folds nothing
