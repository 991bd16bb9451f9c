"""Known secret values never reach a log line or an error text, whoever writes them.

The code already keeps secrets out of what it logs and prints; this is defence in depth for
what it does not control: an exception text that echoes a key (a misbehaving proxy, an
OpenAI-compatible server that repeats the Authorization header in its 401 body), or a
third-party library logging its configuration. Secrets are registered where they enter the
process (Settings, ``read_token``, an SDK-built LLMAnswerer); one log-record factory, installed
on first registration, scrubs every record of every logger before any handler sees it.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType
from typing import Any

from pydantic import SecretStr

REDACTED = "[redacted]"
# Shorter values would redact ordinary words; no real token or API key is this short.
MIN_SECRET_CHARS = 8

_lock = threading.Lock()
_secrets: tuple[str, ...] = ()  # longest first, so a secret containing another goes whole
_installed = False


def protect(*values: str | SecretStr | None) -> None:
    """Remember secret values so that logs and error texts never show them."""
    global _secrets
    plain = [v.get_secret_value() if isinstance(v, SecretStr) else v for v in values]
    fresh = {v.strip() for v in plain if v and len(v.strip()) >= MIN_SECRET_CHARS}
    if not fresh - set(_secrets):
        return
    with _lock:
        _secrets = tuple(sorted(set(_secrets) | fresh, key=len, reverse=True))
    _install()


def redact(text: str) -> str:
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for secret in _secrets:
        text = _redact_prefixes(text, secret)
    return text


def _redact_prefixes(text: str, secret: str) -> str:
    """Any run of MIN_SECRET_CHARS or more leading characters of ``secret`` redacted, as far
    as it goes: a server error that echoes a key cut short ("Incorrect API key provided:
    sk-proj-AbC1****") shows none of it."""
    head = secret[:MIN_SECRET_CHARS]
    at = text.find(head)
    while at >= 0:
        end = at + len(head)
        while end < len(text) and end - at < len(secret) and text[end] == secret[end - at]:
            end += 1
        text = text[:at] + REDACTED + text[end:]
        at = text.find(head, at + len(REDACTED))
    return text


def _scrub(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a bad format string is for logging to report, as it always does
        return
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and record.exc_info[1] is not None:
        text = logging.Formatter().formatException(record.exc_info)
        clean = redact(text)
        if clean != text:
            # The exception object itself still holds the secret: hand on only its text.
            # Formatters print a record's exc_text even when exc_info is gone.
            record.exc_info, record.exc_text = None, clean
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


def _install() -> None:
    global _installed
    with _lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def scrubbing_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            if _secrets:
                _scrub(record)
            return record

        logging.setLogRecordFactory(scrubbing_factory)
        # An uncaught exception prints its traceback through the excepthooks, not logging.
        sys.excepthook = _scrubbing_excepthook(sys.excepthook)
        threading.excepthook = _scrubbing_thread_hook(threading.excepthook)
        _installed = True


def _scrubbing_excepthook(previous: Any) -> Any:
    def hook(kind: type[BaseException], value: BaseException,
             tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        clean = redact(text)
        if clean == text:
            previous(kind, value, tb)
        else:  # the exception itself still holds the secret: print only its scrubbed text
            sys.stderr.write(clean)
            sys.stderr.flush()

    return hook


def _scrubbing_thread_hook(previous: Any) -> Any:
    def hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            previous(args)
            return
        text = "".join(traceback.format_exception(args.exc_type, args.exc_value,
                                                  args.exc_traceback))
        clean = redact(text)
        if clean == text:
            previous(args)
        else:
            name = args.thread.name if args.thread is not None else "?"
            sys.stderr.write(f"Exception in thread {name}:\n{clean}")
            sys.stderr.flush()

    return hook
