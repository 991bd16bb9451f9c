"""The LLM answerer through the real `openai` client against a scripted local server."""

from __future__ import annotations

import json
import logging
import re
import time
from datetime import date

import pytest
from typer.testing import CliRunner

from bot import Answer
from bot.answering.llm import LLMAnswerer
from bot.cli import app
from tests.conftest import SEED_FILE
from tests.fake_openai import Reply, hang, status, system_prompt, text, user_prompt
from tests.test_answers import body_of

QUESTION = "When did the ceasefire collapse?"
NOW = "2020-10-22"


def source_numbers(prompt: str) -> dict[int, str]:
    """Source number -> its text, read from the prompt the way a model reads it."""
    out: dict[int, list[str]] = {}
    cur = None
    for line in prompt.splitlines():
        m = re.match(r"#[0-9a-f]{16} \[(\d+)\] Title:", line)
        if m:
            cur = int(m.group(1))
            out[cur] = []
        elif line.startswith("<<<END SOURCES"):
            cur = None
        elif cur is not None:
            out[cur].append(line)
    return {n: "\n".join(lines) for n, lines in out.items()}


def reader(body) -> Reply:
    """A faithful model: finds the source saying when the truce fell apart and states the
    resolved date the prompt gives for it."""
    for n, src in source_numbers(user_prompt(body)).items():
        m = re.search(r"fell apart on Monday \[= (\d{4}-\d\d-\d\d)\]", src)
        if m:
            d = date.fromisoformat(m.group(1))
            return Reply(f"The ceasefire collapsed on {d:%A} {d.day} {d:%B %Y} [{n}].")
    return Reply("The sources don't say.")


def llm(bot, server, **kw) -> LLMAnswerer:
    kw.setdefault("timeout", 3.0)
    kw.setdefault("max_retries", 0)
    return LLMAnswerer(bot.components.extractive, "test-model", base_url=server.base_url,
                       **kw)


def check_seed_answer(bot, a: Answer) -> None:
    assert a.answerer == "llm" and not a.abstained and a.notice is None
    assert "Monday 12 October 2020" in a.answer
    assert a.short_answer == "Monday 12 October 2020"
    assert re.search(r"\[1\]\.$", a.answer)
    c = a.citations[0]
    assert c.verified and c.n == 1 and c.source == "Dispatches"
    assert "fell apart on Monday" in c.quote
    assert ("on Monday", "2020-10-12") in c.resolved_dates
    assert body_of(bot, c.article_id)[c.start : c.end] == c.quote
    assert [ch.verdict for ch in a.checks] == ["supported"]


def test_seed_question_through_the_fake_server(seed_bot, fake_llm):
    fake_llm.script(reader)
    a = seed_bot.ask(QUESTION, NOW, answerer=llm(seed_bot, fake_llm))
    check_seed_answer(seed_bot, a)
    body = fake_llm.requests[0]
    assert body["model"] == "test-model" and body["stream"] is False
    system, prompt = system_prompt(body), user_prompt(body)
    assert "cite every sentence" in system.lower() and "about the question's subject" in system
    assert prompt.startswith("Today is Thursday 22 October 2020.")
    assert f"Question: {QUESTION}" in prompt
    assert "fell apart on Monday [= 2020-10-12]" in prompt
    assert "ceasefire on Saturday [= 2020-10-10]" in prompt
    assert "Source: Dispatches | Published: Wed 14 Oct 2020" in prompt
    # The fence token is random per request, given at the top of the user message; the
    # system message is the same for every request (a local model reuses its KV cache).
    token = re.search(r"<<<SOURCES ([0-9a-f]{16})>>>", prompt).group(1)
    assert token not in system and f"\nFence token: {token}\nQuestion:" in prompt
    assert prompt.count(f"<<<SOURCES {token}>>>") == 1
    assert prompt.count(f"<<<END SOURCES {token}>>>") == 1
    fake_llm.script(reader)
    seed_bot.ask(QUESTION, NOW, answerer=llm(seed_bot, fake_llm))
    assert token not in user_prompt(fake_llm.requests[1])
    assert system_prompt(fake_llm.requests[1]) == system


def test_streamed_reply_yields_checked_sentences_then_the_answer(seed_bot, fake_llm):
    fake_llm.script(reader)
    pieces = list(seed_bot.stream(QUESTION, NOW, answerer=llm(seed_bot, fake_llm)))
    assert fake_llm.requests[0]["stream"] is True
    *texts, final = pieces
    assert isinstance(final, Answer) and all(isinstance(t, str) for t in texts)
    assert "".join(texts) == final.answer
    check_seed_answer(seed_bot, final)
    assert final.timings_ms["total"] > 0


def test_stream_drops_unsupported_sentences_as_it_goes(seed_bot, fake_llm):
    def two_claims(body) -> Reply:
        good = reader(body).text
        return Reply(f"{good} Turkey sent 5,000 peacekeepers to Ganja [1].")

    fake_llm.script(two_claims)
    *texts, final = seed_bot.stream(QUESTION, NOW, answerer=llm(seed_bot, fake_llm))
    assert "peacekeepers" not in "".join(texts) and "peacekeepers" not in final.answer
    assert [c.verdict for c in final.checks] == ["supported", "unsupported"]


def test_marker_pointing_at_no_source_is_dropped(seed_bot, fake_llm):
    def cites_seven(body) -> Reply:
        good = reader(body).text
        return Reply(f"{good} Both sides agreed to the truce in Moscow [7].")

    fake_llm.script(cites_seven)
    a = seed_bot.ask(QUESTION, NOW, answerer=llm(seed_bot, fake_llm, passages=3))
    assert len(source_numbers(user_prompt(fake_llm.requests[0]))) == 3
    assert "[7]" not in a.answer and "Moscow" not in a.answer
    assert [c.n for c in a.citations] == [1]
    assert a.checks[1].verdict == "no_source" and a.checks[1].cited == (7,)


def test_a_sound_claim_citing_no_source_is_recited_to_the_one_that_holds_it(seed_bot,
                                                                           fake_llm):
    fake_llm.script(text("The ceasefire collapsed on Monday 12 October 2020 [7]."))
    a = seed_bot.ask(QUESTION, NOW, answerer=llm(seed_bot, fake_llm, passages=3))
    assert a.answerer == "llm" and "[7]" not in a.answer and a.notice is None
    assert a.checks[0].verdict == "recited" and a.checks[0].cited == (7,)
    assert a.citations and "Monday" in a.citations[0].quote


def test_only_a_phantom_citation_of_an_unsupported_claim_falls_back(seed_bot, fake_llm):
    fake_llm.script(text("Iran sent 400 soldiers to guard the truce in Baku [7]."))
    a = seed_bot.ask(QUESTION, NOW, answerer=llm(seed_bot, fake_llm, passages=3))
    assert a.answerer == "extractive" and a.short_answer == "Monday 12 October 2020"
    assert "no claim its sources support" in a.notice
    assert a.checks[0].verdict == "no_source"


def test_claim_not_in_its_cited_passage_is_removed(seed_bot, fake_llm):
    fake_llm.script(text("Iran sent 400 soldiers to guard the truce in Baku [1]."))
    a = seed_bot.ask(QUESTION, NOW, answerer=llm(seed_bot, fake_llm))
    assert "Iran sent" not in a.answer
    assert a.answerer == "extractive" and a.notice
    assert a.checks[0].verdict == "unsupported"


def test_unsupported_claim_can_be_marked_instead(seed_bot, fake_llm):
    def two_claims(body) -> Reply:
        return Reply(f"{reader(body).text} Azerbaijan lost 70 drones that day [1].")

    fake_llm.script(two_claims)
    a = seed_bot.ask(QUESTION, NOW, answerer=llm(seed_bot, fake_llm, unsupported="mark"))
    assert "70 drones that day (unverified) [2]." in a.answer
    assert [c.verified for c in a.citations] == [True, False]


def test_rate_limit_then_success_is_retried(seed_bot, fake_llm):
    fake_llm.script(status(429), reader)
    a = seed_bot.ask(QUESTION, NOW, answerer=llm(seed_bot, fake_llm, max_retries=2))
    check_seed_answer(seed_bot, a)
    assert len(fake_llm.requests) == 2


def test_server_error_falls_back_with_a_notice(seed_bot, fake_llm):
    fake_llm.script(status(500), status(500))
    a = seed_bot.ask(QUESTION, NOW, answerer=llm(seed_bot, fake_llm, max_retries=1))
    assert len(fake_llm.requests) == 2  # retried once, then gave up
    assert a.answerer == "extractive" and a.short_answer == "Monday 12 October 2020"
    assert a.notice == "The language model failed (HTTP 500); showing the extractive answer " \
                       "instead."


def test_a_hang_past_the_timeout_falls_back(seed_bot, fake_llm):
    fake_llm.script(hang(60))
    t0 = time.perf_counter()
    a = seed_bot.ask(QUESTION, NOW, answerer=llm(seed_bot, fake_llm, timeout=0.5))
    # Not a speed target: proof the client gave up instead of waiting out the hang.
    assert time.perf_counter() - t0 < 30
    assert a.answerer == "extractive" and "timed out" in a.notice
    assert a.citations and a.citations[0].verified


@pytest.mark.parametrize("reply,words", [(text(""), "empty"),
                                         (Reply(raw=b"<html>oops</html>"), "unusable")])
def test_empty_or_garbage_reply_falls_back(seed_bot, fake_llm, reply, words):
    fake_llm.script(reply)
    a = seed_bot.ask(QUESTION, NOW, answerer=llm(seed_bot, fake_llm))
    assert a.answerer == "extractive" and words in a.notice
    assert "Traceback" not in a.notice


def test_empty_stream_falls_back(seed_bot, fake_llm):
    fake_llm.script(text(""))
    *texts, final = seed_bot.stream(QUESTION, NOW, answerer=llm(seed_bot, fake_llm))
    assert texts == [] and final.answerer == "extractive" and "empty" in final.notice


def test_unreachable_model_falls_back(seed_bot):
    from bot.local_llm import free_port

    bot_llm = LLMAnswerer(seed_bot.components.extractive, "m", timeout=1, max_retries=0,
                          base_url=f"http://127.0.0.1:{free_port()}/v1")
    a = seed_bot.ask(QUESTION, NOW, answerer=bot_llm)
    assert a.answerer == "extractive" and "could not be reached" in a.notice


def test_no_relevant_passage_means_no_model_call(seed_bot, fake_llm):
    a = seed_bot.ask("What is the capital of France?", answerer=llm(seed_bot, fake_llm))
    assert a.abstained and a.answerer == "llm" and a.citations == []
    assert fake_llm.requests == []


def test_model_saying_the_sources_dont_answer_abstains(seed_bot, fake_llm):
    fake_llm.script(text("The sources don't say."))
    a = seed_bot.ask("Who mediated the talks?", answerer=llm(seed_bot, fake_llm))
    assert a.abstained and a.answerer == "llm" and a.notice is None


async def test_async_ask_and_stream(seed_bot, fake_llm):
    fake_llm.script(reader, reader)
    answerer = llm(seed_bot, fake_llm)
    check_seed_answer(seed_bot, await seed_bot.aask(QUESTION, NOW, answerer=answerer))
    pieces = [p async for p in seed_bot.astream(QUESTION, NOW, answerer=answerer)]
    assert "".join(p for p in pieces if isinstance(p, str)) == pieces[-1].answer
    check_seed_answer(seed_bot, pieces[-1])


async def test_astream_with_drafts_gives_the_extractive_answer_first(seed_bot, fake_llm):
    """The draft is the extractive answer on the same passages (quotes of the article, so
    verified), finished like any answer, before the model's text; asked without drafts, or
    of an answerer that does not declare them, the stream is as before."""
    from bot.answering import Draft

    fake_llm.script(reader, reader)
    answerer = llm(seed_bot, fake_llm)
    assert answerer.capabilities.can_draft
    pieces = [p async for p in seed_bot.astream(QUESTION, NOW, answerer=answerer,
                                                drafts=True)]
    draft, *texts, final = pieces
    assert isinstance(draft, Draft) and all(isinstance(t, str) for t in texts)
    shown = draft.answer
    expected = seed_bot.ask(QUESTION, NOW)  # the extractive answer, asked on its own
    assert shown.answerer == "extractive" and not shown.abstained
    assert (shown.answer, [c.quote for c in shown.citations]) == (
        expected.answer, [c.quote for c in expected.citations])
    for c in shown.citations:
        assert c.verified and body_of(seed_bot, c.article_id)[c.start : c.end] == c.quote
    assert "".join(texts) == final.answer  # the draft is no part of the generated text
    check_seed_answer(seed_bot, final)
    assert len(fake_llm.requests) == 1  # one model call: the draft came from the ranking
    assert not any(isinstance(p, Draft) for p in
                   [p async for p in seed_bot.astream(QUESTION, NOW, answerer=answerer)])
    plain = [p async for p in seed_bot.astream(QUESTION, NOW, drafts=True)]
    assert [type(p) for p in plain] == [Answer]  # the extractive answerer has no draft


def test_selected_by_environment_with_key_from_env(make_bot, fake_llm, monkeypatch, caplog):
    if not SEED_FILE.exists():
        pytest.skip("seed article not available")
    secret = "sk-test-" + "x7" * 12
    monkeypatch.setenv("NEWSBOT_ANSWERER", "llm")
    monkeypatch.setenv("NEWSBOT_LLM_BASE_URL", fake_llm.base_url)
    monkeypatch.setenv("NEWSBOT_LLM_MODEL", "served-model")
    monkeypatch.setenv("NEWSBOT_LLM_MAX_RETRIES", "0")
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    caplog.set_level(logging.DEBUG)
    bot = make_bot()
    bot.ingest([SEED_FILE])
    assert isinstance(bot.components.answerer, LLMAnswerer)
    fake_llm.script(reader, status(500))
    a = bot.ask(QUESTION, NOW)
    check_seed_answer(bot, a)
    assert fake_llm.requests[0]["model"] == "served-model"
    assert fake_llm.auth_headers[0] == f"Bearer {secret}"
    bot.ask(QUESTION, NOW)  # a failure path logs too
    assert secret not in caplog.text and secret not in repr(bot.components.answerer)
    # Per call, the other answerer.
    assert bot.ask(QUESTION, NOW, answerer="extractive").answerer == "extractive"


def test_openai_without_key_falls_back_with_a_notice(seed_bot, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    a = seed_bot.ask(QUESTION, NOW, answerer=LLMAnswerer(seed_bot.components.extractive, "m"))
    assert a.answerer == "extractive" and "OPENAI_API_KEY" in a.notice


def test_cli_ask_with_llm_answerer_json(tmp_path, fake_llm, monkeypatch):
    if not SEED_FILE.exists():
        pytest.skip("seed article not available")
    runner = CliRunner()
    store = str(tmp_path / "store")
    assert runner.invoke(app, ["ingest", str(SEED_FILE), "--store", store]).exit_code == 0
    monkeypatch.setenv("NEWSBOT_LLM_BASE_URL", fake_llm.base_url)
    monkeypatch.setenv("NEWSBOT_LLM_MAX_RETRIES", "0")
    fake_llm.script(reader)
    res = runner.invoke(app, ["ask", QUESTION, "--store", store, "--now", NOW,
                              "--answerer", "llm", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["answerer"] == "llm" and "Monday 12 October 2020" in d["answer"]
    assert d["citations"][0]["verified"] is True
    assert d["checks"][0]["verdict"] == "supported"
    fake_llm.script(reader)
    res = runner.invoke(app, ["ask", QUESTION, "--store", store, "--now", NOW,
                              "--answerer", "llm", "--stream"])
    assert res.exit_code == 0, res.output
    assert "Monday 12 October 2020 [1]." in res.stdout and "fell apart" in res.stdout
    res = runner.invoke(app, ["ask", QUESTION, "--store", store, "--answerer", "gpt"])
    assert res.exit_code == 2 and "extractive, llm, local" in res.output


def test_sentence_context_sends_the_best_sentences_and_still_checks_citations(
        seed_bot, fake_llm):
    """A small prompt: the answering sentence and the one before it, not whole passages;
    the cited passage is still the whole chunk, so the quote and offsets are the article's."""
    fake_llm.script(reader)
    a = seed_bot.ask(QUESTION, NOW, answerer=llm(seed_bot, fake_llm, context_sentences=2))
    check_seed_answer(seed_bot, a)
    sources = source_numbers(user_prompt(fake_llm.requests[0]))
    whole = source_numbers(user_prompt(_whole_passage_request(seed_bot, fake_llm)))
    assert sum(map(len, sources.values())) < sum(map(len, whole.values())) / 2
    assert any("fell apart on Monday" in s for s in sources.values())


def _whole_passage_request(bot, server) -> dict:
    server.script(reader)
    bot.ask(QUESTION, NOW, answerer=llm(bot, server))
    return server.requests[-1]


def test_context_sentences_comes_from_settings(make_bot):
    from bot.settings import Settings

    settings = Settings(llm_context_sentences=5, llm_base_url="http://127.0.0.1:9/v1")
    answerer = LLMAnswerer.from_settings(settings, make_bot().components.extractive)
    assert answerer.context_sentences == 5


def test_words_the_model_adds_to_the_question_are_a_guess_not_shown(seed_bot, fake_llm):
    """No date, name or number answers "what": the words the model's sentence adds are the
    quiz's guess; the extractive reading gives no such span, so nothing is shown."""
    def echo(body) -> Reply:
        n = next(n for n, src in source_numbers(user_prompt(body)).items()
                 if "exchange of detainees" in src)
        return Reply("The ceasefire aimed to allow an exchange of detainees and the "
                     f"collection of bodies [{n}].")

    fake_llm.script(echo)
    a = seed_bot.ask("What did the ceasefire aim to allow?", NOW,
                     answerer=llm(seed_bot, fake_llm))
    assert a.answerer == "llm" and a.citations and a.citations[0].verified
    assert a.short_answer is None
    assert a.guess == "exchange of detainees and the collection of bodies"


def test_a_short_answer_is_shown_where_both_readers_name_it(seed_bot, fake_llm):
    """The model's figure is shown where the extractive reading of the same passages gives
    the same one; a figure only the model picks (another of the sentence's) is not."""
    def says(claim: str):
        def reply(body) -> Reply:
            return Reply(f"{claim} [{_cite_source(body, 'nine people dead')}].")
        return reply

    q = "How many people did the shelling of Ganja kill?"
    extractive = seed_bot.ask(q, NOW)
    assert extractive.guess in ("9", "nine", "nine people")
    fake_llm.script(says("The shellfire had left at least nine people dead"))
    a = seed_bot.ask(q, NOW, answerer=llm(seed_bot, fake_llm))
    assert a.answerer == "llm" and a.short_answer in ("9", "nine", "nine people")
    fake_llm.script(says("The shellfire had left 33 others wounded"))
    b = seed_bot.ask(q, NOW, answerer=llm(seed_bot, fake_llm))
    assert b.answerer == "llm" and b.short_answer is None


def _cite_source(body, needle: str) -> int:
    return next(n for n, src in source_numbers(user_prompt(body)).items() if needle in src)


def test_short_answer_comes_from_the_claim_that_holds_one(seed_bot, fake_llm):
    """A model that opens with context: the date is in its second claim, not its first."""
    def context_first(body) -> Reply:
        n = _cite_source(body, "Russian-mediated")
        m = _cite_source(body, "fell apart on Monday")
        return Reply("Armenia and Azerbaijan reached a humanitarian ceasefire after 11 hours "
                     f"of Russian-mediated talks in Moscow [{n}]. The ceasefire collapsed on "
                     f"Monday 12 October 2020 [{m}].")

    fake_llm.script(context_first)
    a = seed_bot.ask(QUESTION, NOW, answerer=llm(seed_bot, fake_llm))
    assert a.answerer == "llm" and len(a.citations) >= 2
    assert a.short_answer == "Monday 12 October 2020"


def test_short_answer_takes_the_fuller_form_of_the_models_name(examples_bot, fake_llm):
    """The model names the goalkeeper by surname; the short answer is his title and full
    name ("Goalkeeper Tomas Arnesen"), as the extractive answerer, voting over the same
    passages, writes it."""
    question = "Who saved two penalties in the shoot-out?"
    extractive = examples_bot.ask(question)
    assert (extractive.short_answer or "").endswith("Tomas Arnesen")

    def surname(body) -> Reply:
        n = _cite_source(body, "saved two penalties")
        return Reply(f"Arnesen saved two penalties in the shoot-out [{n}].")

    fake_llm.script(surname)
    a = examples_bot.ask(question, answerer=llm(examples_bot, fake_llm))
    assert a.answerer == "llm" and a.citations[0].verified
    assert a.short_answer == extractive.short_answer
    assert "Arnesen saved two penalties" in a.answer


def test_a_how_many_answer_without_a_number_falls_back(examples_bot, fake_llm):
    """True but no answer: the claim is supported, yet "how many" got no number, and the
    extractive answer from the same passages has one."""
    question = "How many homes lost power?"

    def no_number(body) -> Reply:
        n = _cite_source(body, "lost power")
        return Reply(f"Homes lost power on Thursday evening [{n}].")

    fake_llm.script(no_number)
    a = examples_bot.ask(question, answerer=llm(examples_bot, fake_llm))
    assert a.answerer == "extractive" and a.short_answer == "40,000"
    assert a.notice and "no number" in a.notice
    assert [c.verdict for c in a.checks] == ["supported"]


def test_a_who_answer_without_a_name_falls_back(examples_bot, fake_llm):
    """"Who saved two penalties?" answered "Two penalties were saved in the shoot-out":
    true, cited, and no name; the extractive answer names him."""
    question = "Who saved two penalties in the shoot-out?"
    extractive = examples_bot.ask(question)
    assert extractive.short_answer

    def no_name(body) -> Reply:
        n = _cite_source(body, "saved two penalties")
        return Reply(f"Two penalties were saved in the shoot-out [{n}].")

    fake_llm.script(no_name)
    a = examples_bot.ask(question, answerer=llm(examples_bot, fake_llm))
    assert a.answerer == "extractive" and a.short_answer == extractive.short_answer
    assert a.notice and "no name" in a.notice


def test_a_who_answer_without_a_name_falls_back_to_an_unsure_reading(examples_bot, fake_llm):
    """The extractive reading need not be sure of its name: its quote holds one ("of which
    the national government has promised to pay half"), the model's words none."""
    question = "Who will pay half of the tram?"
    extractive = examples_bot.ask(question)
    assert extractive.short_answer is None and "national government" in extractive.answer

    def no_name(body) -> Reply:
        n = _cite_source(body, "pay half")
        return Reply(f"The project would cost 412 million euros, and half of it is to be "
                     f"paid [{n}].")

    fake_llm.script(no_name)
    a = examples_bot.ask(question, answerer=llm(examples_bot, fake_llm))
    assert a.answerer == "extractive" and "national government" in a.answer
    assert a.notice and "no name" in a.notice


def test_a_relative_day_the_model_repeats_is_spelled_out(seed_bot, fake_llm):
    def relative(body) -> Reply:
        return Reply("The agreement fell apart on Monday due to reported Armenian shelling of "
                     f"Ganja [{_cite_source(body, 'fell apart')}].")

    fake_llm.script(relative)
    a = seed_bot.ask("Why did the ceasefire collapse?", NOW, answerer=llm(seed_bot, fake_llm))
    assert a.answerer == "llm" and a.notice is None
    assert a.answer.endswith("[1]. (on Monday = Monday 12 October 2020)")


def test_a_model_that_loops_gives_way_to_the_extractive_answer(seed_bot, fake_llm):
    def loop(body) -> Reply:
        n = _cite_source(body, "fell apart")
        return Reply("The agreement fell apart on Monday due to shelling of Ganja, the agreement "
                     "fell apart on Monday due to shelling of Ganja, the agreement fell apart on "
                     f"Monday due to shelling of Ganja [{n}].")

    fake_llm.script(loop)
    a = seed_bot.ask("When did the ceasefire collapse?", NOW, answerer=llm(seed_bot, fake_llm))
    assert a.answerer == "extractive" and "repeated itself" in (a.notice or "")
    assert "Monday 12 October 2020" in a.answer


def test_two_parties_figures_are_shown_without_asking_the_model(seed_bot, fake_llm):
    from retrieval.types import Chunk, Hit

    text = ("The union said 2,300 of its members had joined the stoppage at Carrowmore. "
            "The port authority put the figure much lower, saying about 1,400 workers were "
            "absent.")
    hit = Hit(Chunk(article_id="c", index=0, text=text, start=0, end=len(text),
                    title="Carrowmore dockers walk out", source="Gazette"), 1.0)
    before = len(fake_llm.requests)
    a = llm(seed_bot, fake_llm).answer("How many workers joined the Carrowmore walkout?", [hit])
    assert len(fake_llm.requests) == before
    assert a.conflict and "2,300" in a.answer and "1,400" in a.answer
    assert a.notice and "different figures" in a.notice


def test_a_models_name_for_a_role_no_source_gives_them_is_not_shown(examples_bot, fake_llm):
    """The same check as the extractive answer's: a name is shown for "who is the director"
    only where a source sentence gives that person the role."""
    def named(body) -> Reply:
        n = _cite_source(body, "Mayor Ingrid Solberg")
        return Reply("Mayor Ingrid Solberg said the project would cost 412 million euros "
                     f"[{n}].")

    fake_llm.script(named)
    a = examples_bot.ask("Who is the director of the Northbay museum?",
                         answerer=llm(examples_bot, fake_llm))
    assert a.answerer == "llm" and a.citations and a.citations[0].verified
    assert "Solberg" in a.answer and a.short_answer is None


def test_a_place_the_model_names_is_not_shown_as_who(seed_bot, fake_llm):
    """Both answerers hold a shown name to the same checks (``fit.fits``): a place the
    sentence writes as one ("in the North Sea") is no answer to "who"."""
    from retrieval.types import Chunk, Hit

    text = ("The company also confirmed that Sunniva Holt, who has led its offshore projects in "
            "the North Sea, had taken over the Harkmoor scheme from Callum Dearden.")
    hit = Hit(Chunk(article_id="h", index=0, text=text, start=0, end=len(text),
                    title="Aurevan to appeal Harkmoor ruling", source="Courier"), 1.0)

    def north_sea(body) -> Reply:
        return Reply(f"North Sea projects chief Sunniva Holt has taken over the scheme from "
                     f"Callum Dearden [{_cite_source(body, 'Sunniva Holt')}].")

    fake_llm.script(north_sea)
    a = llm(seed_bot, fake_llm).answer("Who has replaced Callum Dearden on the Harkmoor project?",
                                       [hit])
    assert a.answerer == "llm" and "Sunniva Holt" in a.answer
    assert a.short_answer != "North Sea"
