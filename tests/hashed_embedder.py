"""A small deterministic embedder for tests where the model is not what is tested.

Hashed bag of words: each lower-cased word adds ±1 to one of ``dim`` slots chosen by a
stable hash, then the vector is L2-normalised. Texts sharing words are near, the same text
gives the same vector in every process, and nothing is loaded: the fast tier's embedder.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from retrieval.types import Vectors

_WORD = re.compile(r"\w+")


class HashedEmbedder:
    name = "hashed-bow"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    def _slot(self, word: str) -> tuple[int, float]:
        h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")
        return h % self.dim, 1.0 if (h >> 63) & 1 else -1.0

    def embed(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                slot, sign = self._slot(word)
                out[row, slot] += sign
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)
