"""NewsBot as a LangChain Runnable, so LangChain users can compose it like any chain."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_core.runnables import RunnableLambda

from bot.answer import Answer

if TYPE_CHECKING:
    from bot.newsbot import NewsBot

# Keys a dict input may carry besides "question"; they go to NewsBot.ask as they are.
_ASK_KEYS = ("now", "since", "until", "sources", "answerer")


def _split(value: str | dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if isinstance(value, str):
        return value, {}
    if not isinstance(value, dict) or not isinstance(value.get("question"), str):
        raise TypeError("newsbot runnable takes a question string or a dict with 'question'")
    unknown = set(value) - {"question", *_ASK_KEYS}
    if unknown:
        raise TypeError(f"newsbot runnable: unknown keys {sorted(unknown)}")
    return value["question"], {k: value[k] for k in _ASK_KEYS if k in value}


def newsbot_runnable(bot: NewsBot) -> RunnableLambda[str | dict[str, Any], Answer]:
    def ask(value: str | dict[str, Any]) -> Answer:
        question, kwargs = _split(value)
        now = kwargs.pop("now", None)
        return bot.ask(question, now, **kwargs)

    async def aask(value: str | dict[str, Any]) -> Answer:
        question, kwargs = _split(value)
        now = kwargs.pop("now", None)
        return await bot.aask(question, now, **kwargs)

    return RunnableLambda(ask, afunc=aask, name="newsbot")
