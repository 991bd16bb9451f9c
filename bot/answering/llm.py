"""Generated answers from any OpenAI-compatible chat model (OpenAI, vLLM, llama.cpp, Ollama),
kept honest: retrieval relevance decides whether the model is asked at all, and only claims
whose citations hold reach the user. Any failure gives the extractive answer and a notice."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

from bot.answer import Answer
from bot.answering import NO_ANSWER, Capabilities, Draft
from bot.answering.excerpts import best_sentence_excerpts
from bot.answering.extractive import Candidate, ExtractiveAnswerer
from bot.answering.fit import fits
from bot.answering.prompt import Prompt, build_prompt
from bot.answering.question import QuestionInfo
from bot.answering.resilience import CircuitBreaker, RetryBudget
from bot.answering.shaping import spelled_out_days
from bot.answering.spans import guess_from, same_answer, short_answer, shown_generated_answer
from bot.citations import (
    CitationVerifier,
    VerifiedText,
    answer_terms,
    has_words,
    is_abstention,
    split_claims,
)
from bot.redaction import protect
from retrieval.types import Chunk, Hit

if TYPE_CHECKING:
    from openai import AsyncOpenAI, OpenAI

    from bot.settings import Settings

log = logging.getLogger(__name__)

# Calibrated on RealTime QA dev by benchmarks/calibrate_citations.py: 0.60 keeps 68 % of
# gold claims and lets 7 % of lexically close claims from other stories through.
DEFAULT_SUPPORT_THRESHOLD = 0.60
# The openai client refuses to start without a key; local servers ignore it.
LOCAL_PLACEHOLDER_KEY = "sk-local-no-key"


class ModelUnavailable(Exception):
    """The model could not give an answer (unreachable, slow, refused, empty)."""


def _describe(exc: BaseException) -> str:
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return "the language model timed out"
    if isinstance(exc, openai.APIConnectionError):
        return "the language model could not be reached"
    if isinstance(exc, openai.RateLimitError):
        return "the language model is rate-limited"
    if isinstance(exc, openai.AuthenticationError):
        return "the language model refused the API key"
    if isinstance(exc, openai.APIStatusError):
        return f"the language model failed (HTTP {exc.status_code})"
    if type(exc) is openai.APIError:  # an error event in the middle of a stream
        return "the language model failed while answering"
    if isinstance(exc, ModelUnavailable):
        return str(exc)
    return "the language model returned something unusable"


# A later claim of a generated answer is more often context than the answer itself.
CLAIM_VOTE_DECAY = 0.7
# Questions whose answer is a value, and what the answer must then hold.
VALUE_KINDS = {"when": "date", "count": "number", "amount": "figure", "duration": "length of time",
               "who": "name"}


@dataclass
class _Plan:
    """Everything decided before the model is called."""

    question: str
    info: QuestionInfo
    prompt: Prompt
    fallback: Answer
    started: float = field(default_factory=time.perf_counter)


class _Assembler:
    """Turns model text, delta by delta, into verified sentences."""

    def __init__(self, verified: VerifiedText) -> None:
        self.verified = verified
        self.buffer = ""
        self.done = 0

    def feed(self, delta: str) -> list[str]:
        self.buffer += delta
        claims = split_claims(self.buffer)
        # The last sentence may still be growing (or waiting for its marker).
        if len(claims) < 2 or not has_words(claims[-1]):
            return []
        return self._take(claims[self.done : -1], len(claims) - 1)

    def close(self) -> list[str]:
        claims = split_claims(self.buffer)
        return self._take(claims[self.done :], len(claims))

    def _take(self, claims: list[str], done: int) -> list[str]:
        self.done = max(self.done, done)
        shown = [self.verified.add(c) for c in claims]
        return [s for s in shown if s]


class Endpoint(Protocol):
    """Where the model answers, made ready on demand (a supervised local server starts or
    restarts here); ``url`` blocks until it is."""

    def url(self) -> str: ...


# A small model can loop: "Okafor told reporters that union organiser Okafor told reporters
# that …". The same five words three times over is a loop, never news prose.
LOOP_WORDS = 5
LOOP_TIMES = 3


def repeats_itself(text: str) -> bool:
    words = text.lower().split()
    seen: dict[tuple[str, ...], int] = {}
    for i in range(len(words) - LOOP_WORDS + 1):
        gram = tuple(words[i:i + LOOP_WORDS])
        seen[gram] = seen.get(gram, 0) + 1
        if seen[gram] >= LOOP_TIMES:
            return True
    return False


class LLMAnswerer:
    name = "llm"
    capabilities = Capabilities(can_async=True, can_stream=True, can_complete=True,
                                can_draft=True)

    def __init__(
        self,
        fallback: ExtractiveAnswerer,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 2,
        passages: int = 4,
        context_sentences: int = 0,
        verifier: CitationVerifier | None = None,
        unsupported: Literal["remove", "mark"] = "remove",
        max_tokens: int = 400,
        temperature: float = 0.0,
        deadline: float | None = None,
        breaker: CircuitBreaker | None = None,
        endpoint: Endpoint | None = None,
    ) -> None:
        self.fallback = fallback
        self.model = model
        self.base_url = base_url
        # A supervised server (answerer "local") gives its URL per call: it may have moved.
        self.endpoint = endpoint
        self._api_key = api_key  # never logged
        protect(api_key)
        self.timeout = timeout
        self.max_retries = max_retries
        self.passages = passages
        # 0: whole passages in the prompt; N: only the N best sentences (and the one before
        # each that leans on it), which a CPU-bound local model reads several times sooner.
        self.context_sentences = context_sentences
        self.verifier = verifier or CitationVerifier(fallback.embedder,
                                                     DEFAULT_SUPPORT_THRESHOLD)
        self.unsupported: Literal["remove", "mark"] = unsupported
        self.max_tokens = max_tokens
        self.temperature = temperature
        # Retries happen here, not in the openai client, so one deadline bounds them all.
        self.retry = RetryBudget(max_retries, timeout, deadline)
        self.breaker = breaker if breaker is not None else CircuitBreaker()
        self._last_failure = ""
        self._client: OpenAI | None = None
        self._aclient: AsyncOpenAI | None = None
        self._client_url: str | None = None
        self._aclient_url: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings, fallback: ExtractiveAnswerer,
                      endpoint: Endpoint | None = None) -> LLMAnswerer:
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        return cls(
            fallback,
            settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=key,
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
            verifier=CitationVerifier(fallback.embedder, settings.llm_support_threshold),
            unsupported=settings.llm_unsupported,
            max_tokens=settings.llm_max_tokens,
            passages=settings.llm_passages,
            context_sentences=settings.llm_context_sentences,
            deadline=settings.llm_deadline,
            breaker=CircuitBreaker(settings.llm_breaker_failures, settings.llm_breaker_cooldown),
            endpoint=endpoint,
        )

    def __repr__(self) -> str:  # the key stays out of reprs and logs
        return f"LLMAnswerer(model={self.model!r}, base_url={self.base_url!r})"

    # Clients ------------------------------------------------------------------------------
    def _key(self) -> str:
        if self._api_key:
            return self._api_key
        if self.base_url or self.endpoint is not None:
            return LOCAL_PLACEHOLDER_KEY
        raise ModelUnavailable("no OPENAI_API_KEY is set and no llm_base_url is configured")

    def _url(self) -> str | None:
        return self.endpoint.url() if self.endpoint is not None else self.base_url

    @property
    def client(self) -> OpenAI:
        return self._client_for(self._url())

    def _client_for(self, url: str | None) -> OpenAI:
        if self._client is None or self._client_url != url:
            from openai import OpenAI

            self._client = OpenAI(api_key=self._key(), base_url=url,
                                  timeout=self.timeout, max_retries=0)
            self._client_url = url
        return self._client

    def _aclient_for(self, url: str | None) -> AsyncOpenAI:
        if self._aclient is None or self._aclient_url != url:
            from openai import AsyncOpenAI

            self._aclient = AsyncOpenAI(api_key=self._key(), base_url=url,
                                        timeout=self.timeout, max_retries=0)
            self._aclient_url = url
        return self._aclient

    def _request(self, messages: list[dict[str, str]], stream: bool) -> dict[str, Any]:
        return {"model": self.model, "messages": messages, "stream": stream,
                "max_tokens": self.max_tokens, "temperature": self.temperature}

    def _create(self, messages: list[dict[str, str]], stream: bool) -> Any:
        """The chat completion call, retried within the answer's deadline."""
        request = self._request(messages, stream)
        return self.retry.call(lambda timeout: self._client_for(self._url())
                               .chat.completions.create(**request, timeout=timeout))

    async def _acreate(self, messages: list[dict[str, str]], stream: bool) -> Any:
        request = self._request(messages, stream)

        async def attempt(timeout: float) -> Any:
            # Starting (or restarting) a supervised server blocks: not on the event loop.
            url = (await asyncio.to_thread(self._url) if self.endpoint is not None
                   else self.base_url)
            return await self._aclient_for(url).chat.completions.create(**request,
                                                                        timeout=timeout)

        return await self.retry.acall(attempt)

    def _skipped(self) -> ModelUnavailable:
        return ModelUnavailable(
            f"the language model is skipped after {self.breaker.failures_in_a_row} failures "
            f"in a row (last: {self._last_failure}; next try in "
            f"{self.breaker.retry_in():.0f} s)")

    def _settle(self, finished: bool, error: BaseException | None) -> None:
        """Tell the breaker how the call went (not at all, when it was interrupted)."""
        if finished and error is not None:
            self._last_failure = _describe(error)
        self.breaker.settle(finished, error)

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """Runs the body unless the breaker skips the model; the outcome feeds the breaker.
        One guard for the sync and async calls alike."""
        if not self.breaker.allow():
            raise self._skipped()
        try:
            yield
        except Exception as exc:
            self._settle(True, exc)
            raise
        except BaseException:  # interrupted or cancelled: says nothing about the model
            self._settle(False, None)
            raise
        self._settle(True, None)

    def _guarded(self, call: Callable[[], str]) -> str:
        with self._guard():
            return call()

    async def _aguarded(self, call: Callable[[], Awaitable[str]]) -> str:
        with self._guard():
            return await call()

    @staticmethod
    def _content(response: Any) -> str:
        try:
            text = response.choices[0].message.content
        except (AttributeError, IndexError, TypeError) as exc:
            raise ModelUnavailable("the language model returned something unusable") from exc
        if not isinstance(text, str) or not text.strip():
            raise ModelUnavailable("the language model returned an empty answer")
        return text

    @staticmethod
    def _delta(chunk: Any) -> str:
        choices = getattr(chunk, "choices", None) or []
        if not choices or choices[0].delta is None:
            return ""
        return choices[0].delta.content or ""

    def complete(self, messages: list[dict[str, str]]) -> str:
        """One plain completion (used to rewrite follow-up questions)."""
        return self._guarded(lambda: self._content(self._create(messages, False)))

    async def acomplete(self, messages: list[dict[str, str]]) -> str:
        async def call() -> str:
            return self._content(await self._acreate(messages, False))

        return await self._aguarded(call)

    # Planning and finishing ----------------------------------------------------------------
    def plan(self, question: str, hits: list[Hit], now: datetime | None) -> _Plan | Answer:
        """Rank once: abstain without spending a token, or build the prompt."""
        info, cands = self.fallback.rank(question, hits)
        extractive = self.fallback.answer_ranked(info, cands, now)
        if not self.fallback.is_answerable(info, cands):
            extractive.answerer = self.name
            return extractive
        if extractive.conflict:
            # Two parties' figures, each with its source: a model asked for one answer gives
            # one of them.
            extractive.notice = "Sources give different figures; showing each with its source."
            return extractive
        if self.context_sentences:
            chunks, shown = best_sentence_excerpts(cands, self.context_sentences,
                                                   self.passages)
            prompt = build_prompt(question, chunks, now, excerpts=shown)
        else:
            prompt = build_prompt(question, self._passages(cands, hits), now)
        return _Plan(question, info, prompt, extractive)

    def _passages(self, cands: list[Candidate], hits: list[Hit]) -> list[Chunk]:
        # The passages holding the best sentences first: small models lean on source [1].
        order: dict[str, Chunk] = {}
        for c in cands:
            order.setdefault(c.chunk.id, c.chunk)
        for h in hits:
            order.setdefault(h.chunk.id, h.chunk)
        return list(order.values())[: self.passages]

    def _verified(self, plan: _Plan) -> VerifiedText:
        return VerifiedText(self.verifier, plan.prompt.sources, self.unsupported,
                            question=plan.question)

    def _short_answer(self, plan: _Plan,
                      verified: VerifiedText) -> tuple[str | None, str | None]:
        """The short answer in the verified claims. A first claim that restates the question
        and adds a few words is the answer, and gives it alone; otherwise the model opened
        with context and every claim may hold it. For a name, the claims vote the way the
        extractive answerer's top sentences do (type check, fullest form, place for a
        people's name), the first claim weighing most; capitalised names only, since a
        model's sentence echoes the question's lower-case words.

        Returns what is shown and the quiz's guess (``Answer.guess``): the words a first
        claim adds to the question are a guess, never shown. Where the extractive reading of
        the same passages found two parties' figures, neither is the answer."""
        if not plan.info.factoid:
            return None, None  # a why / what-said answer is its sentences (shaping.py)
        fb = plan.fallback
        extractive = None if fb.abstained else fb.short_answer
        pairs = list(verified.held)
        if pairs and answer_terms(pairs[0][0], plan.question):
            pairs = pairs[:1]
        named = None
        if pairs and plan.info.kind in ("who", "where", "which"):
            claims = [Candidate(chunk, i, 0, len(text), text, score=CLAIM_VOTE_DECAY ** i)
                      for i, (text, chunk) in enumerate(pairs)]
            named = self.fallback.vote_for_name(plan.info, claims, nouns=False).short
        texts = [t for t, _c in pairs]
        shown = shown_generated_answer(texts, plan.info, extractive, named)
        if shown and not any(fits(plan.info, shown, c.quote) for c in verified.citations):
            # The model's name for the role, the owner or the place, where no source
            # sentence gives it that part ("Janet Proudfoot, the leader of the council" as
            # the rail operator's managing director).
            shown = None
        # Two readers: the model's short answer is shown where the extractive reading of
        # the same passages, sure of it or not, names the same thing. Each alone is wrong
        # more often than both together (a model's fluent wrong name, a span from another
        # clause).
        reading = None if fb.abstained else (fb.short_answer or fb.guess)
        if shown and not (reading and same_answer(shown, reading)):
            shown = None
        # The guess adds the words a claim adds to the question, only where nothing is shown.
        guess = guess_from(texts, plan.info, shown)
        return (None if fb.conflict else shown), guess

    @staticmethod
    def _missing_value(plan: _Plan, verified: VerifiedText) -> str | None:
        """What a question asking when, who, how many, how much or how long did not get:
        verified claims with no date, name or figure in them ("The union opposes changing
        this rule", "The restored clock was started on Saturday" for who started it, "The
        Sinfonia is taking over from Alison Trevenna" for who is) are true but no answer,
        and the extractive reading of the same passages found one, sure of it or not: its
        quote holds it, where the model's words hold none."""
        fb = plan.fallback
        if (plan.info.kind not in VALUE_KINDS or not verified.supported or fb.abstained
                or not (fb.short_answer or fb.guess)):
            return None
        if any(short_answer(c, plan.info, None) for c in verified.supported):
            return None
        return VALUE_KINDS[plan.info.kind]

    def finish(self, plan: _Plan, verified: VerifiedText, raw: str,
               error: BaseException | None = None) -> Answer:
        elapsed = {"model": (time.perf_counter() - plan.started) * 1000}
        missing = self._missing_value(plan, verified)
        looped = error is None and repeats_itself(verified.text)
        if verified.supported and not missing and not looped and error is None:
            short, guess = self._short_answer(plan, verified)
            # "sacked Lenz on Sunday": which Sunday, from the cited article's date.
            text = verified.text + "".join(dict.fromkeys(
                spelled_out_days(c, short, verified.text) for c in verified.citations))
            return Answer(plan.question, text, False, verified.citations,
                          short_answer=short, answerer=self.name, timings_ms=elapsed,
                          checks=verified.checks, guess=guess)
        if error is None and is_abstention(raw):
            return Answer(plan.question, NO_ANSWER, True, answerer=self.name,
                          timings_ms=elapsed, checks=verified.checks)
        if looped:
            notice = "the generated answer repeated itself; showing the extractive answer instead."
        elif missing:
            notice = (f"the generated answer gave no {missing}; "
                      "showing the extractive answer instead.")
        elif error is not None:
            log.warning("LLM answer failed, using the extractive answer: %s", _describe(error))
            notice = f"{_describe(error)}; showing the extractive answer instead."
        else:
            notice = ("the generated answer had no claim its sources support; "
                      "showing the extractive answer instead.")
        fb = plan.fallback
        return Answer(fb.question, fb.answer, fb.abstained, fb.citations, fb.short_answer,
                      answerer=fb.answerer, timings_ms=elapsed, notice=notice[0].upper()
                      + notice[1:], checks=verified.checks)

    # Answering ---------------------------------------------------------------------------
    # One core (_Turn) and two drivers (sync, async) that only differ in how they wait. A
    # whole reply is one delta; a stream is many: the same assembling, checking and
    # finishing either way.
    def answer(self, question: str, hits: list[Hit], now: datetime | None = None) -> Answer:
        return _final(self._run(self.plan(question, hits, now), streamed=False))

    def stream(self, question: str, hits: list[Hit],
               now: datetime | None = None) -> Iterator[str | Answer]:
        """Verified sentences as they complete, then the final Answer."""
        yield from self._run(self.plan(question, hits, now), streamed=True)

    async def aanswer(self, question: str, hits: list[Hit],
                      now: datetime | None = None) -> Answer:
        # Ranking embeds sentences: keep it off the event loop.
        plan = await asyncio.to_thread(self.plan, question, hits, now)
        final: Answer | None = None
        async for piece in self._arun(plan, streamed=False):
            if isinstance(piece, Answer):
                final = piece
        assert final is not None
        return final

    async def astream(self, question: str, hits: list[Hit], now: datetime | None = None, *,
                      drafts: bool = False) -> AsyncIterator[str | Draft | Answer]:
        """Verified sentences as they complete, then the final Answer; with ``drafts``, first
        the extractive answer already ranked for the fallback (shown while the model reads
        its prompt, which on a CPU takes seconds)."""
        plan = await asyncio.to_thread(self.plan, question, hits, now)
        if drafts and isinstance(plan, _Plan) and not plan.fallback.abstained:
            # A copy: the finishing step edits answers in place, and the fallback may yet
            # be the final answer.
            yield Draft(copy.deepcopy(plan.fallback))
        async for piece in self._arun(plan, streamed=True):
            yield piece

    def _run(self, plan: _Plan | Answer, streamed: bool) -> Iterator[str | Answer]:
        if isinstance(plan, Answer):
            yield plan
            return
        turn = _Turn(self, plan)
        if not self.breaker.allow():
            yield turn.skipped()
            return
        try:
            try:
                for delta in self._deltas(plan.prompt.messages, streamed):
                    yield from turn.feed(delta)
            except Exception as exc:  # a model failure must never reach the user as a traceback
                turn.error = exc
            turn.finished = True
        finally:  # a reader that stops early leaves no verdict on the model
            turn.settle()
        yield from turn.end()

    async def _arun(self, plan: _Plan | Answer, streamed: bool) -> AsyncIterator[str | Answer]:
        if isinstance(plan, Answer):
            yield plan
            return
        turn = _Turn(self, plan)
        if not self.breaker.allow():
            yield turn.skipped()
            return
        try:
            try:
                async for delta in self._adeltas(plan.prompt.messages, streamed):
                    for text in turn.feed(delta):
                        yield text
            except Exception as exc:
                turn.error = exc
            turn.finished = True
        finally:  # a reader that stops early (or a cancelled task) leaves no verdict
            turn.settle()
        for piece in turn.end():
            yield piece

    def _deltas(self, messages: list[dict[str, str]], streamed: bool) -> Iterator[str]:
        if not streamed:
            yield self._content(self._create(messages, False))
            return
        for chunk in self._create(messages, True):
            yield self._delta(chunk)

    async def _adeltas(self, messages: list[dict[str, str]],
                       streamed: bool) -> AsyncIterator[str]:
        if not streamed:
            yield self._content(await self._acreate(messages, False))
            return
        async for chunk in await self._acreate(messages, True):
            yield self._delta(chunk)


class _Turn:
    """One answer's model turn: deltas in, verified sentences out, then the final Answer and
    the breaker's verdict. Shared by the sync and async drivers."""

    def __init__(self, owner: LLMAnswerer, plan: _Plan) -> None:
        self.owner = owner
        self.plan = plan
        self.verified = owner._verified(plan)
        self.asm = _Assembler(self.verified)
        self.error: BaseException | None = None
        self.finished = False

    def feed(self, delta: str) -> list[str]:
        return _spaced(self.asm.feed(delta), self.verified)

    def skipped(self) -> Answer:
        return self.owner.finish(self.plan, self.verified, "", self.owner._skipped())

    def settle(self) -> None:
        if self.finished and self.error is None and not self.asm.buffer.strip():
            self.error = ModelUnavailable("the language model returned an empty answer")
        self.owner._settle(self.finished, self.error)

    def end(self) -> list[str | Answer]:
        if self.error is not None:
            # Failed midway: the final answer is the extractive one, whatever was shown.
            return [self.owner.finish(self.plan, self.verified, self.asm.buffer, self.error)]
        return [*_spaced(self.asm.close(), self.verified),
                self.owner.finish(self.plan, self.verified, self.asm.buffer)]


def _final(pieces: Iterable[str | Answer]) -> Answer:
    final = None
    for piece in pieces:
        if isinstance(piece, Answer):
            final = piece
    assert final is not None
    return final


def _spaced(pieces: list[str], verified: VerifiedText) -> list[str]:
    """Stream pieces joined the way VerifiedText.text joins them."""
    out = []
    for p in pieces:
        first = verified.parts and verified.parts[0] is p
        out.append(p if first else " " + p)
    return out
