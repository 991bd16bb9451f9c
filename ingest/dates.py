"""Publish-date parsing from the many shapes news metadata comes in."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import dateparser

_SETTINGS = {
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "TO_TIMEZONE": "UTC",
    "PARSERS": ["timestamp", "absolute-time", "custom-formats"],
    "STRICT_PARSING": False,
}
# "14 October 2020 - 22:05": the dash between date and time trips parsers.
_DASH_TIME = re.compile(r"\s+[-–—]\s+(?=\d{1,2}:\d{2})")


def parse_date(value: object) -> datetime | None:
    """Parse a publish date (ISO string, epoch seconds, human text); ``None`` if unparseable.

    Naive times are taken as UTC, so the calendar date written in the article is kept.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    text = _DASH_TIME.sub(" ", str(value).strip())
    if not text or len(text) > 100:
        return None
    try:
        iso = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return iso if iso.tzinfo else iso.replace(tzinfo=UTC)
    except ValueError:
        pass
    try:
        parsed = dateparser.parse(text, settings=_SETTINGS)  # type: ignore[arg-type]
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
