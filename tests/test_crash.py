"""kill -9 mid-ingest, re-run: the store ends complete, with no duplicate or orphan chunks,
and a half-written article is never visible to queries."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot import NewsBot
from ingest.chunking import chunk_article
from ingest.readers import read_path
from tests.conftest import REPO

TOWNS = ["Skarvik", "Holm", "Brekke", "Lunde", "Vassøy", "Ormen", "Tind", "Eidet"]
TOPICS = ["ferry", "library", "harbour", "school", "bridge", "market", "choir", "clinic"]


def write_corpus(path: Path, n: int, edition: int = 1) -> None:
    """n articles of several chunks each; ``edition`` changes every article's text."""
    rng = random.Random(n)
    with path.open("w") as fh:
        for i in range(n):
            town, topic = TOWNS[i % len(TOWNS)], TOPICS[(i // 8) % len(TOPICS)]
            sents = [
                f"Report {i} from {town}: the {topic} committee met on day {d} of edition "
                f"{edition} and counted {rng.randint(10, 999)} residents in favour."
                for d in range(rng.randint(4, 12))
            ]
            fh.write(json.dumps({"id": f"story-{i}", "title": f"{town} {topic} news {i}",
                                 "body": " ".join(sents), "source": "Crash Courier",
                                 "published_at": f"2024-03-{1 + i % 28:02d}"}) + "\n")


def run(store: Path, source: Path, mode: str) -> int:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "tests.crash_ingest", str(store), str(source), mode],
        env=env, cwd=REPO, capture_output=True, timeout=600,
    ).returncode


def expected_chunks(source: Path, bot: NewsBot) -> set[str]:
    s = bot.settings
    return {c.id for a in read_path(source) if not hasattr(a, "reason")
            for c in chunk_article(a, s.chunk_chars, s.chunk_overlap)}  # type: ignore[arg-type]


def assert_whole(bot: NewsBot, source: Path) -> None:
    store = bot.components.store
    stored = {c.id for c in store.iter_chunks()}
    assert stored == expected_chunks(source, bot)  # nothing missing, nothing extra
    records = store.articles()
    assert all(r.complete for r in records)
    keys = [r.doc_key for r in records]
    assert len(keys) == len(set(keys))  # one version per source key


def test_torn_write_is_hidden_then_repaired(tmp_path, embedder):
    src, store = tmp_path / "news.jsonl", tmp_path / "store"
    write_corpus(src, 10)
    assert run(store, src, "torn") == -signal.SIGKILL
    bot = NewsBot(store=store, embedder=embedder)
    broken = [r for r in bot.components.store.articles() if not r.complete]
    assert broken, "the torn write should have left an incomplete article"
    # Queries (dense and BM25) never quote the half-written article.
    for r in broken:
        hits = bot.search(r.title, k=50)
        assert hits and all(h.chunk.article_id != r.article_id for h in hits)
    report = bot.ingest([src])
    assert report.failed == 0
    assert_whole(bot, src)


def test_kill_between_new_version_and_old_delete(tmp_path, embedder):
    src, store = tmp_path / "news.jsonl", tmp_path / "store"
    write_corpus(src, 6, edition=1)
    NewsBot(store=store, embedder=embedder).ingest([src])
    write_corpus(src, 6, edition=2)
    assert run(store, src, "between") == -signal.SIGKILL
    bot = NewsBot(store=store, embedder=embedder)
    doubled = len(bot.components.store.articles())
    assert doubled > 6  # old and new versions side by side for a moment
    report = bot.ingest([src])
    assert report.updated >= 1 and report.failed == 0
    assert_whole(bot, src)
    assert "edition 2" in bot.search("Skarvik ferry committee", k=1)[0].chunk.text


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1])
def test_sigkill_at_a_random_moment_then_rerun(tmp_path, embedder, seed):
    src, store = tmp_path / "news.jsonl", tmp_path / "store"
    write_corpus(src, 30)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.crash_ingest", str(store), str(src), "none"],
        env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Kill once the store exists and writes are under way (model load takes ~1-3 s).
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (store / "chroma.sqlite3").exists():
        time.sleep(0.05)
    time.sleep(random.Random(seed).uniform(1.0, 4.0))
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL  # killed, not finished
    bot = NewsBot(store=store, embedder=embedder)
    report = bot.ingest([src])
    assert report.failed == 0 and report.added > 0
    assert_whole(bot, src)
    assert bot.stats().articles == 30
