"""Faults, and recovery from them: a language model that is down, rate-limited, hanging or
failing; a `chroma run` server restarted under a running bot; a disk that fills up during
an ingest. Each test first shows what the user gets while the fault lasts (an answer with
a one-line notice, or a one-line error), then that the same bot recovers once it clears."""

from __future__ import annotations

import re

import pytest

from bot import Answer, NewsBot
from bot.answering.llm import LLMAnswerer
from bot.answering.resilience import CircuitBreaker, RetryBudget, retry_after
from tests.chroma_server import free_port
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
    assert_fallback(examples_bot, a, "skipped after 3 failures in a row (next try in 30 s)")
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
