"""newsbot: question answering over a news archive, with cited passages."""

from bot.answer import Answer, Citation
from bot.newsbot import NewsBot, Stats
from bot.settings import Settings

__all__ = ["Answer", "Citation", "NewsBot", "Settings", "Stats"]
