"""An ingest that runs out of disk for real, for tests/test_faults.py.

    unshare -rm sh -c 'mount -t tmpfs -o size=4m tmpfs MOUNT &&
                       python -m tests.disk_full_ingest MOUNT INPUT OUT'

Runs inside a user and mount namespace (so an unprivileged user can mount a small tmpfs):
stores the examples on MOUNT, fills the rest of it with a ballast file, ingests INPUT
through the SDK (in small batches, so the disk fills partway through) and then the CLI,
deletes the ballast, ingests INPUT again with the same SDK object and with the CLI, and
writes what it saw to OUT as JSON for the test to judge (the tmpfs vanishes with the
namespace).
"""

from __future__ import annotations

import errno
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bot import NewsBot
from ingest.chunking import chunk_article
from ingest.readers import read_path
from retrieval.store import StoreFull
from tests.conftest import EXAMPLES

QUESTION = "When did the ceasefire collapse?"
# Room left beside the ballast: a few batches' worth, so the disk fills mid-ingest.
LEAVE_FREE = 256 * 1024


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`newsbot ...` in a process of its own, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True,
                          text=True, timeout=300)


def fill(ballast: Path, leave: int) -> int:
    """Write ``ballast`` until the disk is full, then give ``leave`` bytes back."""
    block = b"\0" * 65536
    size = 0
    with ballast.open("wb") as fh:
        try:
            while True:
                fh.write(block)
                fh.flush()
                size += len(block)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
    # The last partial block may not have landed; size the file from what did.
    size = ballast.stat().st_size
    with ballast.open("r+b") as fh:
        fh.truncate(max(0, size - leave))
    return size


def snapshot(bot: NewsBot) -> dict[str, Any]:
    records = bot.components.store.articles()
    answer = bot.ask(QUESTION)
    return {
        "articles": len(records),
        "incomplete": [r.article_id for r in records if not r.complete],
        "chunk_ids": sorted(c.id for c in bot.components.store.iter_chunks()),
        "answer": answer.answer,
        "citation": [(c.article_id, c.start, c.end) for c in answer.citations],
    }


def main(mount: str, source: str, out: str) -> None:
    root, feed = Path(mount), Path(source)
    store = root / "store"
    seen: dict[str, Any] = {}
    res = cli("ingest", str(EXAMPLES), "--store", str(store))
    seen["examples_exit"] = res.returncode
    bot = NewsBot(store=store)
    seen["before"] = snapshot(bot)
    seen["ballast_bytes"] = fill(root / "ballast", LEAVE_FREE)

    bot.components.indexer.batch_chunks = 8  # many writes: the disk fills between two
    try:
        report = bot.ingest([feed])
        seen["sdk_error"] = None
        seen["sdk_report"] = report.as_dict()
    except StoreFull as exc:
        seen["sdk_error"] = str(exc)
    seen["during"] = snapshot(bot)
    res = cli("ingest", str(feed), "--store", str(store))
    seen["cli_exit"], seen["cli_output"] = res.returncode, res.stdout + res.stderr

    (root / "ballast").unlink()  # space is freed
    # The same bot object finishes the ingest (the CLI, a new process, is checked too).
    seen["rerun_report"] = bot.ingest([feed]).as_dict()
    res = cli("ingest", str(feed), "--store", str(store))
    seen["rerun_exit"], seen["rerun_output"] = res.returncode, res.stdout + res.stderr
    seen["after"] = snapshot(bot)
    settings = bot.settings
    seen["expected_new_chunk_ids"] = sorted(
        c.id for a in read_path(feed) if not hasattr(a, "reason")
        for c in chunk_article(a, settings.chunk_chars, settings.chunk_overlap)  # type: ignore[arg-type]
    )
    Path(out).write_text(json.dumps(seen))


if __name__ == "__main__":
    main(*sys.argv[1:4])
