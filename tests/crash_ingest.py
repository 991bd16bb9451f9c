"""An ingest run that dies by SIGKILL at a chosen point, for the crash-safety tests.

    python -m tests.crash_ingest STORE INPUT MODE

MODE "torn": a write after the first stores an article without its last chunk, then the
process kills itself (what a kill inside a multi-part write leaves).
MODE "between": after an edited article's new chunks are stored and before its old
version is deleted.
MODE "none": no self-kill (the test kills it from outside at a moment of its choosing).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence

from bot import NewsBot
from retrieval.types import Chunk, Vectors


def main(store: str, source: str, mode: str) -> None:
    bot = NewsBot(store=store)
    real = bot.components.store
    calls = {"add": 0}
    add, delete = real.add_chunks, real.delete_article

    def add_chunks(chunks: Sequence[Chunk], vectors: Vectors) -> None:
        calls["add"] += 1
        # Tear the first multi-chunk article after the first write: store all but its last
        # chunk, then die.
        last = [i for i, c in enumerate(chunks) if c.count > 1 and c.index == c.count - 1]
        if mode == "torn" and calls["add"] >= 2 and last:
            add(chunks[: last[0]], vectors[: last[0]])
            os.kill(os.getpid(), signal.SIGKILL)
        add(chunks, vectors)

    def delete_article(article_id: str) -> int:
        if mode == "between":
            os.kill(os.getpid(), signal.SIGKILL)
        return delete(article_id)

    real.add_chunks = add_chunks  # type: ignore[method-assign]
    real.delete_article = delete_article  # type: ignore[method-assign]
    bot.components.indexer.batch_chunks = 4  # many small writes: many places to die
    bot.ingest([source])


if __name__ == "__main__":
    main(*sys.argv[1:4])
