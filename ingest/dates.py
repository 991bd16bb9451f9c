"""Publish-date parsing from the many shapes news metadata comes in."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timezone

import dateparser

_SETTINGS = {
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "TO_TIMEZONE": "UTC",
    "PARSERS": ["timestamp", "absolute-time", "custom-formats"],
    "STRICT_PARSING": False,
    # A publish date needs at least a month and a year: without this, "14 October" gets the
    # current year and "now" (read as "Nov") this November, silent guesses near today.
    "REQUIRE_PARTS": ["month", "year"],
}
# "05.10.2020" is day first wherever dots separate the parts (German, Russian, Turkish, ...).
_DOTTED = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{2,4}\b")
_DMY = {**_SETTINGS, "DATE_ORDER": "DMY"}
# Epoch values this large are milliseconds (1e11 seconds is the year 5138).
_EPOCH_MS = 1e11
# Digits only: compact calendar forms (GDELT and many exports), else epoch time.
_COMPACT = {8: "%Y%m%d", 12: "%Y%m%d%H%M", 14: "%Y%m%d%H%M%S"}
# "14 October 2020 - 22:05": the dash between date and time trips parsers.
_DASH_TIME = re.compile(r"\s+[-–—]\s+(?=\d{1,2}:\d{2})")
# An explicit zone after a time: "-0500", "+02:00", "EST", "PDT", "ET", "GMT".
_ZONE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?\s*"
                   r"(?:[+-]\d{2}:?\d{2}\b|\(?[A-Z]{2,5}\b)")


def parse_date(value: object) -> datetime | None:
    """Parse a publish date (ISO string, epoch seconds, human text); ``None`` if unparseable.

    Naive times are taken as UTC, so the calendar date written in the article is kept. A
    time with its own zone keeps that zone (as a fixed offset): published at 21:00 in New
    York is that day there, whatever the day in UTC.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return with_fixed_offset(value) if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value > 0:
        digits = str(value)
        # Twelve digits as a number are epoch milliseconds (1973-2001): exports write those
        # as numbers far more often than a compact date to the minute ("197605150207"),
        # which as text stays compact.
        return _from_epoch(float(value)) if len(digits) == 12 else _from_digits(digits)
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    text = _DASH_TIME.sub(" ", str(value).strip())
    if not text or len(text) > 100:
        return None
    if text.isascii() and text.isdigit():
        return _from_digits(text)
    if not any(ch.isdigit() for ch in text):
        # No year, so never a publish date; and dateparser's first try at detecting the
        # language of such words loads every locale it has (seconds).
        return None
    try:
        iso = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return with_fixed_offset(iso) if iso.tzinfo else iso.replace(tzinfo=UTC)
    except ValueError:
        pass
    try:
        settings = _DMY if _DOTTED.match(text) else _SETTINGS
        if _ZONE.search(text):
            settings = {k: v for k, v in settings.items() if k != "TO_TIMEZONE"}
        parsed = dateparser.parse(text, settings=settings)  # type: ignore[arg-type]
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return with_fixed_offset(parsed)


def with_fixed_offset(when: datetime) -> datetime:
    """``when`` in a plain fixed-offset zone (UTC as ``UTC``): it round-trips through
    isoformat and chunk metadata (epoch seconds plus offset) unchanged."""
    offset = when.utcoffset()
    if not offset:
        return when.astimezone(UTC)
    try:
        return when.astimezone(timezone(offset))
    except ValueError:  # a zone beyond +-24 h: keep the instant, in UTC
        return when.astimezone(UTC)


def _from_digits(digits: str) -> datetime | None:
    fmt = _COMPACT.get(len(digits))
    if fmt:
        try:
            dt = datetime.strptime(digits, fmt)
            if 1900 <= dt.year <= 2100:
                return dt.replace(tzinfo=UTC)
        except ValueError:
            pass
    if len(digits) <= 6:  # "2020": a year alone is no publish date
        return None
    return _from_epoch(float(digits))


def _from_epoch(seconds: float) -> datetime | None:
    """Epoch seconds or milliseconds; 0 is the placeholder of many exports, not 1 Jan 1970."""
    if seconds == 0 or seconds != seconds:  # zero or NaN
        return None
    if abs(seconds) >= _EPOCH_MS:
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
