"""Vectors and search: embedding backends, the Chroma store, hybrid search."""

from retrieval.types import Chunk, Embedder, Hit, SearchFilters, Store

__all__ = ["Chunk", "Embedder", "Hit", "SearchFilters", "Store"]
