"""Vectors of recently embedded texts, kept for the next question that needs them.

Every question re-embeds the sentences of the passages it retrieved (the extractive ranking,
the citation check); questions about the same story, which is what a busy channel asks,
meet the same sentences again and again. MiniLM gives a text the same vector bit for bit
whatever batch it is in, so a cached vector changes no answer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from retrieval.types import Embedder, Vectors


class CachedEmbedder:
    """``inner`` with a thread-safe LRU of its last ``size`` texts' vectors."""

    def __init__(self, inner: Embedder, size: int = 20_000) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.size = size
        self._vectors: OrderedDict[str, Vectors] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._vectors)

    def embed(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._lock:
            for i, text in enumerate(texts):
                vec = self._vectors.get(text)
                if vec is None:
                    missing.setdefault(text, []).append(i)
                else:
                    self._vectors.move_to_end(text)
                    out[i] = vec
        if not missing:
            return out
        # Embedded outside the lock: other questions keep reading the cache meanwhile.
        fresh = self.inner.embed(list(missing))
        with self._lock:
            for (text, rows), vec in zip(missing.items(), fresh, strict=True):
                out[rows] = vec
                self._vectors[text] = vec.copy()
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return out
