"""Text from articles (and from users) is untrusted: it must never ping or mislead."""

from __future__ import annotations

import logging
import re
import secrets

import discord

# Sent with every message, and set on the client as the default too.
NO_MENTIONS = discord.AllowedMentions.none()

# A markdown masked link "[label](url)" could dress a phishing url as an innocent word.
_MASKED_LINK = re.compile(r"\[([^\[\]\n]*)\]\(")
# User, role and channel mentions with ids of any length (escape_mentions wants 17-20
# digits): "<@1>" pings nobody today, but it is still mention syntax from a stranger.
_ID_MENTION = re.compile(r"<(@[!&]?|#)(?=\d)")


def neutralise(text: str) -> str:
    """Break mention syntax (@everyone, @here, <@id>, <@&id>, <#id>) and masked links, so
    the text reads the same but cannot ping anyone even if allowed_mentions were lost on the
    way."""
    text = _ID_MENTION.sub("<\\1\u200b", discord.utils.escape_mentions(text))
    return _MASKED_LINK.sub(lambda m: "\\[" + m.group(1) + "\\](", text)


def plain(text: str) -> str:
    """Untrusted text shown verbatim: no mentions, no links, no markdown formatting."""
    return neutralise(discord.utils.escape_markdown(text))


def safe_url(url: str | None) -> str | None:
    """Only http(s) urls are linked; Discord rejects a message whose embed url is invalid."""
    if not url:
        return None
    url = url.strip()
    if not re.match(r"^https?://[^\s<>\"]+$", url, re.IGNORECASE) or len(url) > 2000:
        return None
    return url.replace("(", "%28").replace(")", "%29")


def new_error_id() -> str:
    return secrets.token_hex(4)


def report_error(log: logging.Logger, where: str, exc: BaseException) -> str:
    """Log the full traceback under a fresh id and return the id for the user."""
    error_id = new_error_id()
    log.error("error %s in %s: %s", error_id, where, exc.__class__.__name__,
              exc_info=(type(exc), exc, exc.__traceback__))
    return error_id


def error_text(error_id: str) -> str:
    return (f"Sorry, something went wrong on my side (error id `{error_id}`). Please try "
            "again in a moment; if it keeps happening, give this id to the server admins.")
