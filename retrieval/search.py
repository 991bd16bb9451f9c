"""Hybrid search: dense (Chroma) and lexical (BM25) lists fused by reciprocal rank."""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.lexical import BM25Index
from retrieval.types import Chunk, Embedder, Hit, SearchFilters, Store

RRF_K = 60


def rrf_fuse(rankings: dict[str, list[Chunk]], k: int = RRF_K) -> list[tuple[Chunk, float]]:
    """Reciprocal rank fusion, deduplicated by chunk id (syndicated copies are separate
    articles and keep separate ids, so they are not merged)."""
    scores: dict[str, float] = {}
    chunks: dict[str, Chunk] = {}
    for ranking in rankings.values():
        for rank, chunk in enumerate(ranking):
            scores[chunk.id] = scores.get(chunk.id, 0.0) + 1.0 / (k + rank + 1)
            chunks.setdefault(chunk.id, chunk)
    order = sorted(scores, key=lambda cid: -scores[cid])
    return [(chunks[cid], scores[cid]) for cid in order]


@dataclass
class SearchResult:
    hits: list[Hit]
    query_vector_ms: float = 0.0


class HybridSearcher:
    def __init__(
        self, store: Store, embedder: Embedder, bm25: BM25Index | None = None, depth: int = 50
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.bm25 = bm25
        self.depth = depth

    def search(self, query: str, k: int = 8, filters: SearchFilters | None = None) -> list[Hit]:
        vec = self.embedder.embed([query])[0]
        dense = self.store.query(vec, self.depth, filters)
        dense_score = {h.chunk.id: h.score for h in dense}
        rankings = {"dense": [h.chunk for h in dense]}
        bm25_score: dict[str, float] = {}
        if self.bm25 is not None:
            lex = self.bm25.search(query, self.depth, filters)
            rankings["bm25"] = [c for c, _ in lex]
            bm25_score = {c.id: s for c, s in lex}
        fused = rrf_fuse(rankings)
        return [
            Hit(
                chunk,
                score,
                {
                    "fused": score,
                    "dense": dense_score.get(chunk.id, 0.0),
                    "bm25": bm25_score.get(chunk.id, 0.0),
                },
            )
            for chunk, score in fused[:k]
        ]
