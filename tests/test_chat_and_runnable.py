"""Follow-up questions in a chat session, and the pipeline as a LangChain Runnable."""

from __future__ import annotations

from bot import Answer
from bot.answering.extractive import ExtractiveAnswerer
from bot.answering.llm import LLMAnswerer
from bot.chat import ChatSession, Turn, heuristic_rewrite, looks_like_follow_up
from tests.conftest import EXAMPLES
from tests.fake_openai import status, text, user_prompt


def test_heuristic_rewrite_carries_the_previous_key_terms():
    history = [Turn("When did the ceasefire collapse?", "When did the ceasefire collapse?", "")]
    assert looks_like_follow_up("and who broke it?")
    assert not looks_like_follow_up("Who mediated the Karabakh talks in Moscow?")
    assert heuristic_rewrite("and who broke it?", history) == \
        "Who broke it (ceasefire collapse)?"
    assert heuristic_rewrite("Who won the national cup?", history) == \
        "Who won the national cup?"
    assert heuristic_rewrite("and who broke it?", []) == "and who broke it?"


def test_chat_session_offline(examples_bot):
    chat = examples_bot.chat("s-offline")
    first = chat.ask("When did the ceasefire collapse?")
    assert first.short_answer == "Monday 12 October 2020"
    follow = chat.ask("and where was the shelling?")
    assert chat.history[-1].standalone == "Where was the shelling (ceasefire collapse)?"
    assert not follow.abstained and "Ganja" in follow.citations[0].quote
    assert examples_bot.chat("s-offline") is chat
    assert examples_bot.chat("other") is not chat


def test_chat_history_is_bounded(examples_bot):
    chat = ChatSession(examples_bot, "s-bounded", max_turns=2)
    for q in ["Who won the national cup?", "and where?", "How many homes lost power?"]:
        chat.ask(q)
    assert [t.question for t in chat.history] == ["and where?", "How many homes lost power?"]
    assert examples_bot.chat("s-default").history.maxlen == examples_bot.settings.chat_history


def test_follow_up_rewritten_by_the_model(make_bot, embedder, fake_llm):
    llm = LLMAnswerer(ExtractiveAnswerer(embedder), "m", base_url=fake_llm.base_url,
                      timeout=3, max_retries=0)
    bot = make_bot(answerer=llm)
    bot.ingest([EXAMPLES])
    chat = bot.chat("s-llm")
    chat.history.append(Turn("When did the ceasefire collapse?",
                             "When did the ceasefire collapse?", "On Monday [1]."))
    fake_llm.script(text("Which city was shelled when the Karabakh ceasefire collapsed?"),
                    status(500))
    pieces = list(chat.stream("and which city was shelled?"))
    rewrite = fake_llm.requests[0]
    assert "Last question: and which city was shelled?" in user_prompt(rewrite)
    assert "When did the ceasefire collapse?" in user_prompt(rewrite)
    assert chat.history[-1].standalone == \
        "Which city was shelled when the Karabakh ceasefire collapsed?"
    # The answer call failed (500): the extractive answer, with a notice.
    final = pieces[-1]
    assert isinstance(final, Answer) and final.notice and "Ganja" in final.answer
    # A rewrite failure falls back to the heuristic.
    fake_llm.script(status(500), status(500))
    chat.ask("and who broke it?")
    assert chat.history[-1].standalone.startswith("Who broke it (")


def test_runnable_invoke_and_batch(examples_bot):
    r = examples_bot.as_runnable()
    a = r.invoke("When did the ceasefire collapse?")
    assert isinstance(a, Answer) and a.short_answer == "Monday 12 October 2020"
    got = r.batch([{"question": "How many homes lost power?"},
                   {"question": "Who won?", "sources": ["Sportsline"]}])
    assert got[0].short_answer == "40,000"
    assert all(c.source == "Sportsline" for c in got[1].citations)
    chained = r | (lambda ans: ans.short_answer)
    assert chained.invoke("How much will the tram line cost?") == "412 million euros"


async def test_runnable_ainvoke(examples_bot):
    a = await examples_bot.as_runnable().ainvoke({"question": "Who won the national cup?"})
    assert a.short_answer == "Riverside United"


def test_runnable_rejects_bad_input(examples_bot):
    import pytest

    with pytest.raises(TypeError, match="question"):
        examples_bot.as_runnable().invoke({"q": "x"})
