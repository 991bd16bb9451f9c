"""Ingest throughput, memory and cold start, against baselines run side by side.

    python -m benchmarks.ingest_throughput [CORPUS.jsonl(.gz)] [--limit N]

Measures, on the first N articles of the corpus (default: the RealTime QA corpus in
../shared/eval/realtimeqa; it is read in place, never copied into the repo):

- newsbot's ingest (read → chunk → embed → Chroma): articles/s and chunks/s;
- the bare embedder on exactly the same chunk texts (the floor no pipeline can beat):
  ratio = newsbot chunks/s ÷ bare chunks/s (goal ≥ 0.9);
- the naive LangChain pipeline (RecursiveCharacterTextSplitter + Chroma.from_documents,
  default batch settings) with the same embedder wrapped as LangChain Embeddings:
  ratio = newsbot articles/s ÷ LangChain articles/s. Chroma's own default embedding
  function downloads its model at run time, so it cannot run offline; the same embedder
  stands in for it (which flatters the baseline: Chroma's function pads every input to
  256 tokens, ~2.6x slower here);
- load: on a shared machine, run it when idle; the bare embedder runs before and after
  newsbot and their (harmonic) mean is the baseline;
- peak RSS of the ingest (goal ≤ 1 GiB), and cold start to first answer (a fresh
  `newsbot ask` process on that store; goal ≤ 2 s).

The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = Path(os.environ.get("NEWSBOT_SHARED", REPO.parent / "shared")) / (
    "eval/realtimeqa/corpus.jsonl.gz")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def take(corpus: Path, limit: int | None, out: Path) -> int:
    """The first ``limit`` articles into a temporary JSON Lines file (outside the repo)."""
    opener = gzip.open if corpus.suffix == ".gz" else open
    n = 0
    with opener(corpus, "rt", encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in src:
            if not line.strip():
                continue
            if limit is not None and n >= limit:
                break
            dst.write(line)
            n += 1
    return n


def run_newsbot(source: Path, store: Path, embedder: Any) -> dict[str, Any]:
    from bot import NewsBot

    bot = NewsBot(store=store, embedder=embedder)
    t0 = time.perf_counter()
    report = bot.ingest([source])
    secs = time.perf_counter() - t0
    articles = report.added + report.unchanged + report.updated
    return {"seconds": secs, "articles": articles, "chunks": report.chunks_written,
            "failed": report.failed, "articles_per_s": articles / secs,
            "chunks_per_s": report.chunks_written / secs, "peak_rss_mib": peak_rss_mib()}


def run_bare(source: Path, embedder: Any, batch: int = 512) -> dict[str, Any]:
    """The embedder alone on the same chunk texts, in the same batch size."""
    from bot.settings import Settings
    from ingest.article import Article
    from ingest.chunking import chunk_article
    from ingest.readers import read_path

    s = Settings.load()
    texts = [c.embedding_text() for a in read_path(source) if isinstance(a, Article)
             for c in chunk_article(a, s.chunk_chars, s.chunk_overlap)]
    t0 = time.perf_counter()
    for b in range(0, len(texts), batch):
        embedder.embed(texts[b : b + batch])
    secs = time.perf_counter() - t0
    return {"seconds": secs, "chunks": len(texts), "chunks_per_s": len(texts) / secs,
            "chars": sum(map(len, texts))}


def run_langchain(source: Path, store: Path, embedder: Any) -> dict[str, Any]:
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from bot.settings import Settings

    class Wrapped(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed(texts).tolist()  # type: ignore[no-any-return]

        def embed_query(self, text: str) -> list[float]:
            return embedder.embed([text])[0].tolist()  # type: ignore[no-any-return]

    s = Settings.load()
    t0 = time.perf_counter()
    docs = []
    with source.open(encoding="utf-8") as fh:
        for line in fh:
            obj = json.loads(line)
            docs.append(Document(page_content=obj.get("body") or "", metadata={
                "title": obj.get("title") or "", "source": obj.get("source") or "",
                "url": obj.get("url") or ""}))
    splitter = RecursiveCharacterTextSplitter(chunk_size=s.chunk_chars,
                                              chunk_overlap=s.chunk_overlap)
    chunks = splitter.split_documents(docs)
    Chroma.from_documents(chunks, Wrapped(), persist_directory=str(store),
                          collection_name="langchain")
    secs = time.perf_counter() - t0
    return {"seconds": secs, "articles": len(docs), "chunks": len(chunks),
            "articles_per_s": len(docs) / secs, "chunks_per_s": len(chunks) / secs,
            "embedder": "the same MiniLM int8 ONNX embedder (Chroma's default embedding "
                        "function downloads its model at run time, so it cannot run offline)"}


def cold_ask(store: Path, question: str) -> float:
    """Wall time of a fresh `newsbot ask` process: interpreter, imports, model, store, BM25."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "bot.cli", "ask", question, "--store",
                          str(store), "--json"], env=env, capture_output=True, text=True,
                         timeout=300)
    secs = time.perf_counter() - t0
    if res.returncode != 0:
        raise RuntimeError(f"newsbot ask failed: {res.stderr.strip()[-500:]}")
    return secs


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=None, help="first N articles only")
    ap.add_argument("--question", default="Who announced a second season of Squid Game?")
    ap.add_argument("--skip-langchain", action="store_true")
    args = ap.parse_args(argv)
    if not args.corpus.exists():
        sys.exit(f"corpus not found: {args.corpus} (pass its path, or set NEWSBOT_SHARED)")

    from retrieval.embeddings import MiniLMEmbedder

    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp:
        work = Path(tmp)
        source = work / "articles.jsonl"
        n = take(args.corpus, args.limit, source)
        print(f"{n} articles from {args.corpus}", file=sys.stderr)
        embedder = MiniLMEmbedder()
        embedder.embed(["warm up the ONNX session"])

        # The bare embedder runs before and after newsbot and the mean is the baseline, so
        # load from other processes on a shared machine hits both sides alike.
        bare1 = run_bare(source, embedder)
        print(f"bare embedder: {bare1}", file=sys.stderr)
        ours = run_newsbot(source, work / "store", embedder)
        print(f"newsbot: {ours}", file=sys.stderr)
        bare2 = run_bare(source, embedder)
        print(f"bare embedder again: {bare2}", file=sys.stderr)
        bare = {"chunks_per_s": 2 / (1 / bare1["chunks_per_s"] + 1 / bare2["chunks_per_s"])}
        lc = None if args.skip_langchain else run_langchain(source, work / "lc", embedder)
        print(f"langchain: {lc}", file=sys.stderr)
        first = cold_ask(work / "store", args.question)
        again = cold_ask(work / "store", args.question)

    result: dict[str, Any] = {
        "articles": ours["articles"],
        "chunks": ours["chunks"],
        "corpus": str(args.corpus),
        "limit": args.limit,
        "newsbot_articles_per_s": round(ours["articles_per_s"], 2),
        "newsbot_chunks_per_s": round(ours["chunks_per_s"], 2),
        "bare_embedder_chunks_per_s": round(bare["chunks_per_s"], 2),
        "bare_embedder_runs_chunks_per_s": [round(bare1["chunks_per_s"], 2),
                                            round(bare2["chunks_per_s"], 2)],
        "ratio_to_bare_embedder": round(ours["chunks_per_s"] / bare["chunks_per_s"], 3),
        "peak_rss_mib_after_ingest": round(ours["peak_rss_mib"], 1),
        "cold_start_first_answer_s": round(first, 2),
        "cold_start_second_answer_s": round(again, 2),
    }
    if lc is not None:
        result.update({
            "langchain_articles_per_s": round(lc["articles_per_s"], 2),
            "langchain_chunks": lc["chunks"],
            "ratio_to_langchain": round(ours["articles_per_s"] / lc["articles_per_s"], 3),
            "langchain_embedder": lc["embedder"],
        })
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
