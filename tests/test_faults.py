"""Faults, and recovery from them: a language model that is down, rate-limited, hanging or
failing; a `chroma run` server restarted under a running bot; a disk that fills up during
an ingest. Each test first shows what the user gets while the fault lasts (an answer with
a one-line notice, or a one-line error), then that the same bot recovers once it clears."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import chromadb
import chromadb.api.models.Collection
import chromadb.errors
import pytest

from bot import Answer, NewsBot
from bot.answering.llm import LLMAnswerer
from bot.answering.resilience import CircuitBreaker, RetryBudget, retry_after
from ingest.article import Article
from ingest.chunking import chunk_article
from retrieval.store import StoreFull, StoreUnavailable
from tests.chroma_server import ChromaServer, free_port
from tests.conftest import EXAMPLES, REPO
from tests.fake_openai import FakeOpenAIServer, Reply, hang, status, storm, user_prompt
from tests.test_answers import body_of
from tests.test_llm_answerer import source_numbers

QUESTION = "When did the ceasefire collapse?"
NOW = "2020-10-22"
# Slack on top of a configured deadline for the work around the model call on a busy box.
SLACK_MS = 1500


def faithful(body: dict) -> Reply:
    """A model that answers from the source saying when the truce collapsed."""
    for n, src in source_numbers(user_prompt(body)).items():
        m = re.search(r"collapsed on Monday \[= (\d{4})-(\d\d)-(\d\d)\]", src)
        if m and m.groups() == ("2020", "10", "12"):
            return Reply(f"The ceasefire collapsed on Monday 12 October 2020 [{n}].")
    return Reply("The sources don't say.")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def llm_for(bot: NewsBot, base_url: str, **kw) -> LLMAnswerer:
    kw.setdefault("timeout", 3.0)
    kw.setdefault("max_retries", 2)
    return LLMAnswerer(bot.components.extractive, "test-model", base_url=base_url, **kw)


def assert_llm_answer(bot: NewsBot, a: Answer) -> None:
    """A generated answer whose citation was checked against the stored article."""
    assert a.answerer == "llm" and not a.abstained and a.notice is None, a.notice
    assert "Monday 12 October 2020" in a.answer
    c = a.citations[0]
    assert c.verified and "collapsed on Monday" in c.quote
    assert body_of(bot, c.article_id)[c.start : c.end] == c.quote


def assert_fallback(bot: NewsBot, a: Answer, words: str) -> None:
    """The extractive answer, cited, with a one-line notice saying why."""
    assert a.answerer == "extractive" and not a.abstained
    assert a.short_answer == "Monday 12 October 2020"
    assert a.citations and body_of(bot, a.citations[0].article_id)[
        a.citations[0].start : a.citations[0].end] == a.citations[0].quote
    assert a.notice and words in a.notice and "\n" not in a.notice
    assert "Traceback" not in a.notice and "showing the extractive answer" in a.notice


def within_deadline(a: Answer, llm: LLMAnswerer) -> bool:
    return a.timings_ms["model"] <= llm.retry.deadline * 1000 + SLACK_MS


# The language model ----------------------------------------------------------------------

def test_model_down_then_back_on_the_same_port(examples_bot):
    port = free_port()
    llm = llm_for(examples_bot, f"http://127.0.0.1:{port}/v1", timeout=2.0, max_retries=2)
    a = examples_bot.ask(QUESTION, NOW, answerer=llm)
    assert_fallback(examples_bot, a, "could not be reached")
    assert within_deadline(a, llm)
    with FakeOpenAIServer(port=port) as server:
        server.script(faithful)
        b = examples_bot.ask(QUESTION, NOW, answerer=llm)
        assert_llm_answer(examples_bot, b)
        assert len(server.requests) == 1


def test_429_storm_is_retried_within_budget_then_clears(examples_bot, fake_llm):
    fake_llm.script(*storm(status(429), 5), faithful)
    llm = llm_for(examples_bot, fake_llm.base_url, max_retries=2)
    a = examples_bot.ask(QUESTION, NOW, answerer=llm)
    assert_fallback(examples_bot, a, "rate-limited")
    assert len(fake_llm.requests) == 3  # one call and its two retries, no more
    # The storm is still on for two requests; the second retry gets through.
    b = examples_bot.ask(QUESTION, NOW, answerer=llm)
    assert_llm_answer(examples_bot, b)
    assert len(fake_llm.requests) == 6


def test_a_long_retry_after_is_not_waited_out(examples_bot, fake_llm):
    # The openai client alone would sleep 120 s per retry; the deadline says give up now.
    fake_llm.script(Reply(None, 429, {"retry-after": "120"}), faithful)
    llm = llm_for(examples_bot, fake_llm.base_url, timeout=2.0, max_retries=2, deadline=6.0)
    a = examples_bot.ask(QUESTION, NOW, answerer=llm)
    assert_fallback(examples_bot, a, "rate-limited")
    assert len(fake_llm.requests) == 1 and within_deadline(a, llm)
    assert_llm_answer(examples_bot, examples_bot.ask(QUESTION, NOW, answerer=llm))


def test_hanging_model_costs_at_most_the_deadline_then_recovers(examples_bot, fake_llm):
    fake_llm.script(*storm(hang(60), 3), faithful)
    llm = llm_for(examples_bot, fake_llm.base_url, timeout=0.5, max_retries=2, deadline=2.5)
    a = examples_bot.ask(QUESTION, NOW, answerer=llm)
    assert_fallback(examples_bot, a, "timed out")
    assert 1 <= len(fake_llm.requests) <= 3 and within_deadline(a, llm)
    fake_llm.steps.clear()
    fake_llm.script(faithful)
    assert_llm_answer(examples_bot, examples_bot.ask(QUESTION, NOW, answerer=llm))


@pytest.mark.parametrize("code", [500, 502, 503])
def test_5xx_falls_back_then_recovers(examples_bot, fake_llm, code):
    fake_llm.script(*storm(status(code), 2), faithful)
    llm = llm_for(examples_bot, fake_llm.base_url, max_retries=1)
    a = examples_bot.ask(QUESTION, NOW, answerer=llm)
    assert_fallback(examples_bot, a, f"HTTP {code}")
    assert len(fake_llm.requests) == 2
    assert_llm_answer(examples_bot, examples_bot.ask(QUESTION, NOW, answerer=llm))
    assert len(fake_llm.requests) == 3


def test_breaker_skips_a_failing_model_then_probes_it(examples_bot, fake_llm):
    clock = FakeClock()
    llm = llm_for(examples_bot, fake_llm.base_url, max_retries=0,
                  breaker=CircuitBreaker(failures=3, cooldown=30, clock=clock))
    fake_llm.script(*storm(status(500), 4), faithful)
    for _ in range(3):
        assert_fallback(examples_bot, examples_bot.ask(QUESTION, NOW, answerer=llm), "HTTP 500")
    assert len(fake_llm.requests) == 3
    # Open: answered at once, the model is not called.
    a = examples_bot.ask(QUESTION, NOW, answerer=llm)
    assert_fallback(examples_bot, a, "skipped after 3 failures in a row (last: the language "
                    "model failed (HTTP 500); next try in 30 s)")
    assert len(fake_llm.requests) == 3
    clock.now += 31
    # The probe fails (the 4th 500): open again for another cooldown.
    assert_fallback(examples_bot, examples_bot.ask(QUESTION, NOW, answerer=llm), "HTTP 500")
    assert_fallback(examples_bot, examples_bot.ask(QUESTION, NOW, answerer=llm), "skipped")
    assert len(fake_llm.requests) == 4
    clock.now += 31
    # The model is back: the probe succeeds and the breaker closes.
    assert_llm_answer(examples_bot, examples_bot.ask(QUESTION, NOW, answerer=llm))
    fake_llm.script(faithful)
    assert_llm_answer(examples_bot, examples_bot.ask(QUESTION, NOW, answerer=llm))
    assert len(fake_llm.requests) == 6 and llm.breaker.retry_in() == 0


async def test_async_and_streamed_answers_fall_back_and_recover(examples_bot, fake_llm):
    clock = FakeClock()
    llm = llm_for(examples_bot, fake_llm.base_url, max_retries=0,
                  breaker=CircuitBreaker(failures=2, cooldown=10, clock=clock))
    fake_llm.script(status(503), status(503), faithful, faithful)
    assert_fallback(examples_bot, await examples_bot.aask(QUESTION, NOW, answerer=llm),
                    "HTTP 503")
    *_, last = [p async for p in examples_bot.astream(QUESTION, NOW, answerer=llm)]
    assert_fallback(examples_bot, last, "HTTP 503")
    *_, last = [p async for p in examples_bot.astream(QUESTION, NOW, answerer=llm)]
    assert_fallback(examples_bot, last, "skipped after 2 failures")
    assert len(fake_llm.requests) == 2
    clock.now += 11
    assert_llm_answer(examples_bot, await examples_bot.aask(QUESTION, NOW, answerer=llm))
    pieces = [p async for p in examples_bot.astream(QUESTION, NOW, answerer=llm)]
    assert_llm_answer(examples_bot, pieces[-1])
    assert "".join(p for p in pieces if isinstance(p, str)) == pieces[-1].answer


def test_breaker_lets_one_probe_through_at_a_time():
    clock = FakeClock()
    breaker = CircuitBreaker(failures=1, cooldown=5, clock=clock)
    assert breaker.allow()
    breaker.failed()
    assert not breaker.allow() and breaker.retry_in() == 5
    clock.now += 5
    assert breaker.allow()  # the probe
    assert not breaker.allow()  # everyone else keeps skipping meanwhile
    breaker.abandoned()  # the probe was cancelled: no verdict
    assert breaker.allow()
    breaker.succeeded()
    assert breaker.allow() and breaker.allow() and breaker.retry_in() == 0
    off = CircuitBreaker(failures=0)
    for _ in range(5):
        off.failed()
    assert off.allow()


def test_retry_budget_reads_retry_after_and_keeps_its_deadline():
    import httpx2
    import openai

    def rate_limited(headers: dict[str, str]) -> openai.RateLimitError:
        request = httpx2.Request("POST", "http://127.0.0.1/v1/chat/completions")
        response = httpx2.Response(429, headers=headers, request=request)
        return openai.RateLimitError("slow down", response=response, body=None)

    assert retry_after(rate_limited({"retry-after-ms": "250"})) == 0.25
    assert retry_after(rate_limited({"retry-after": "7"})) == 7.0
    assert retry_after(rate_limited({"retry-after": "Thu, 01 Jan 1970 00:00:00 GMT"})) == 0.0
    assert retry_after(rate_limited({})) is None

    calls: list[float] = []

    def always_limited(timeout: float) -> str:
        calls.append(timeout)
        raise rate_limited({"retry-after-ms": "10"})

    with pytest.raises(openai.RateLimitError):
        RetryBudget(retries=3, attempt_timeout=2.0, deadline=30).call(always_limited)
    assert len(calls) == 4 and calls[0] == 2.0
    def wait_a_minute(timeout: float) -> str:
        calls.append(timeout)
        raise rate_limited({"retry-after": "60"})

    calls.clear()
    with pytest.raises(openai.RateLimitError):  # a wait past the deadline is not made
        RetryBudget(retries=3, attempt_timeout=2.0, deadline=5).call(wait_a_minute)
    assert len(calls) == 1

    def not_transient(timeout: float) -> str:
        calls.append(timeout)
        raise ValueError("a bug, not an outage")

    calls.clear()
    with pytest.raises(ValueError):
        RetryBudget(retries=3, attempt_timeout=2.0).call(not_transient)
    assert len(calls) == 1


# The Chroma server ------------------------------------------------------------------------

@pytest.mark.slow
def test_chroma_server_restarted_under_a_running_bot(tmp_path, embedder):
    server = ChromaServer(tmp_path / "data", tmp_path / "chroma.log").start()
    try:
        bot = NewsBot(store=tmp_path / "bm25", embedder=embedder, store_url=server.url)
        assert bot.ingest([EXAMPLES]).failed == 0
        expected = bot.ask(QUESTION).answer
        before = {r.article_id for r in bot.components.store.articles()}

        # Questions in flight while the server goes away: each gets its answer or the
        # store's one-line error, nothing else.
        outcomes: list[object] = []
        stop = threading.Event()

        def keep_asking() -> None:
            while not stop.is_set():
                try:
                    outcomes.append(bot.ask(QUESTION).answer)
                except StoreUnavailable as exc:
                    outcomes.append(exc)
                except Exception as exc:  # anything else is the bug this test looks for
                    outcomes.append(("unexpected", exc))

        askers = [threading.Thread(target=keep_asking) for _ in range(3)]
        for t in askers:
            t.start()
        while not outcomes:
            time.sleep(0.05)
        server.stop()
        time.sleep(0.5)
        stop.set()
        for t in askers:
            t.join(60)
        assert all(o == expected or isinstance(o, StoreUnavailable) for o in outcomes), [
            o for o in outcomes if isinstance(o, tuple)][:3]

        with pytest.raises(StoreUnavailable) as down:
            bot.ask(QUESTION)
        message = str(down.value)
        assert "\n" not in message and server.url in message and "unreachable" in message
        new = [Article(title=f"Ferry timetable {i}", source="Fault Gazette",
                       body=f"The ferry to island {i} leaves at {6 + i} o'clock from pier {i}.",
                       doc_key=f"test:ferry/{i}") for i in range(4)]
        with pytest.raises(StoreUnavailable):
            bot.ingest_articles(new)

        server.start()  # same port, same data directory; the same bot object
        assert bot.ask(QUESTION).answer == expected
        report = bot.ingest_articles(new)
        assert report.added == 4 and report.failed == 0
        records = bot.components.store.articles()
        assert before <= {r.article_id for r in records} and all(r.complete for r in records)
        assert len(records) == len(before) + 4
        assert bot.ask("When does the ferry to island 2 leave?").citations[0].source == \
            "Fault Gazette"
    finally:
        server.stop()


# A full disk --------------------------------------------------------------------------------

DISK_FULL = ("Query error: Database error: error returned from database: (code: 13) "
             "database or disk is full")  # what chromadb raised on a full tmpfs


def orchard_articles(n: int) -> list[Article]:
    return [Article(title=f"Orchard report {i}", source="Orchard Weekly",
                    body=" ".join(f"Grower {j} of orchard {i} picked {i + j} crates of pears "
                                  f"on day {j}." for j in range(12)),
                    doc_key=f"test:orchard/{i}") for i in range(n)]


def new_chunk_ids(bot: NewsBot, articles: list[Article]) -> set[str]:
    s = bot.settings
    return {c.id for a in articles for c in chunk_article(a, s.chunk_chars, s.chunk_overlap)}


def test_disk_full_in_the_store_mid_ingest_then_space_freed(tmp_path, embedder, monkeypatch):
    bot = NewsBot(store=tmp_path / "store", embedder=embedder)
    assert bot.ingest([EXAMPLES]).failed == 0
    expected = bot.ask(QUESTION)
    old_ids = {c.id for c in bot.components.store.iter_chunks()}
    articles = orchard_articles(10)
    bot.components.indexer.batch_chunks = 4  # several writes; the second finds the disk full

    writes = {"n": 0}
    real_upsert = chromadb.api.models.Collection.Collection.upsert

    def upsert_until_full(self, *args, **kwargs):
        writes["n"] += 1
        if writes["n"] >= 2:
            raise chromadb.errors.InternalError(DISK_FULL)
        return real_upsert(self, *args, **kwargs)

    monkeypatch.setattr(chromadb.api.models.Collection.Collection, "upsert", upsert_until_full)
    with pytest.raises(StoreFull) as full:
        bot.ingest_articles(articles)
    message = str(full.value)
    assert "\n" not in message and "Traceback" not in message
    assert f"no space left on the disk holding the archive at {tmp_path / 'store'}" in message
    assert "database or disk is full" in message
    # Consistent: every stored article whole, the earlier ones answer as before.
    records = bot.components.store.articles()
    assert all(r.complete for r in records)
    written_first = {c.id for c in bot.components.store.iter_chunks()} - old_ids
    assert old_ids <= {c.id for c in bot.components.store.iter_chunks()}
    assert written_first and written_first < new_chunk_ids(bot, articles)  # partway
    assert bot.ask(QUESTION).answer == expected.answer

    monkeypatch.undo()  # space is freed
    report = bot.ingest_articles(articles)
    assert report.failed == 0 and report.added + report.unchanged == len(articles)
    stored = [c.id for c in bot.components.store.iter_chunks()]
    assert len(stored) == len(set(stored))
    assert set(stored) == old_ids | new_chunk_ids(bot, articles)  # a clean ingest's chunks
    assert bot.ask(QUESTION).answer == expected.answer
    assert bot.ask("How many crates of pears did grower 3 of orchard 7 pick?").citations


def test_disk_full_while_saving_the_bm25_index(tmp_path, embedder, monkeypatch, caplog):
    bot = NewsBot(store=tmp_path / "store", embedder=embedder)
    real_write = Path.write_text

    def write_text_no_space(self: Path, *args, **kwargs):
        if "bm25" in self.parts:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", write_text_no_space)
    report = bot.ingest([EXAMPLES])  # stored; only the index cache could not be saved
    assert report.added == 6 and report.failed == 0
    logged = [r.getMessage() for r in caplog.records if r.name == "retrieval.lexical"]
    assert len(logged) == 1 and "No space left on device" in logged[0]
    assert "could not save the BM25 index" in logged[0] and "\n" not in logged[0]
    directory = tmp_path / "store" / "bm25" / bot.settings.collection
    assert not (directory / "meta.json").exists()  # never taken for a whole index
    assert not (directory / "chunks.json.tmp").exists()
    expected = bot.ask(QUESTION)
    assert expected.short_answer == "Monday 12 October 2020"  # served from memory

    monkeypatch.undo()  # space is freed: the next start rebuilds and saves the index
    again = NewsBot(store=tmp_path / "store", embedder=embedder)
    assert again.ask(QUESTION).answer == expected.answer
    assert (directory / "meta.json").exists()


def _can_mount_tmpfs() -> bool:
    """Unprivileged user+mount namespaces (often off in containers and hardened CI)."""
    if shutil.which("unshare") is None:
        return False
    with tempfile.TemporaryDirectory() as d:
        probe = subprocess.run(["unshare", "-rm", "sh", "-c", f'mount -t tmpfs tmpfs "{d}"'],
                               capture_output=True, timeout=30)
    return probe.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _can_mount_tmpfs(),
                    reason="needs unprivileged user+mount namespaces (unshare -rm)")
def test_a_real_full_disk_mid_ingest_then_space_freed(tmp_path):
    mount, out, feed = tmp_path / "mnt", tmp_path / "seen.json", tmp_path / "orchards.jsonl"
    mount.mkdir()
    feed.write_text("".join(json.dumps({"title": a.title, "body": a.body, "source": a.source})
                            + "\n" for a in orchard_articles(40)))
    script = (f'mount -t tmpfs -o size=4m tmpfs "{mount}" && exec "{sys.executable}" '
              f'-m tests.disk_full_ingest "{mount}" "{feed}" "{out}"')
    run = subprocess.run(["unshare", "-rm", "sh", "-c", script], cwd=REPO,
                         env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(out.read_text())
    assert seen["examples_exit"] == 0
    before, during, after = seen["before"], seen["during"], seen["after"]
    # The disk filled partway through: a clear one-line error naming the disk.
    assert seen["sdk_error"] and "no space left on the disk holding the archive at" in \
        seen["sdk_error"] and str(mount) in seen["sdk_error"]
    assert seen["cli_exit"] == 2 and "Traceback" not in seen["cli_output"]
    assert "no space left on the disk" in seen["cli_output"]
    assert seen["cli_output"].strip().count("\n") == 0
    # Nothing half-visible, nothing lost: what was stored before still answers the same.
    assert during["incomplete"] == [] and after["incomplete"] == []
    assert set(before["chunk_ids"]) <= set(during["chunk_ids"])
    assert during["answer"] == before["answer"] == after["answer"]
    # Space freed: the same bot object completes the ingest (and the CLI finds it done),
    # with exactly a clean ingest's chunks.
    rerun = seen["rerun_report"]
    assert rerun["failed"] == 0 and rerun["added"] + rerun["unchanged"] == 40
    assert rerun["added"] == 40 - (during["articles"] - before["articles"])
    assert seen["rerun_exit"] == 0 and "unchanged 40" in seen["rerun_output"]
    assert len(after["chunk_ids"]) == len(set(after["chunk_ids"]))
    assert set(after["chunk_ids"]) == set(before["chunk_ids"]) | set(
        seen["expected_new_chunk_ids"])
    assert after["articles"] == before["articles"] + 40
