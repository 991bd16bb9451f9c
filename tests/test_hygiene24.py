"""Issue 24, item 5: partial secret echoes and uncaught tracebacks redacted, control
characters stripped from stored text, and an article keeps its source's local day."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

from bot import redaction
from bot.temporal import resolve_dates
from ingest.dates import parse_date
from ingest.readers.base import strip_controls
from retrieval.types import Chunk
from tests.conftest import REPO

KEY = "sk-proj-Zq7Xw2Lm9Pv4Rt6Ny8Bc1Hd3Fg5Jk0"


def test_a_prefix_of_a_key_echoed_by_a_server_is_redacted():
    redaction.protect(KEY)
    text = f"401: Incorrect API key provided: {KEY[:12]}****{KEY[-4:]}."
    clean = redaction.redact(text)
    assert KEY[:8] not in clean and redaction.REDACTED in clean
    assert redaction.redact(f"key={KEY} end") == f"key={redaction.REDACTED} end"
    # Fewer than eight characters is no echo (and would redact ordinary words).
    assert redaction.redact("sk-proj and more") == "sk-proj and more"


def test_an_uncaught_traceback_is_redacted():
    code = ("from bot import redaction\n"
            f"redaction.protect({KEY!r})\n"
            f"raise RuntimeError('server said: bad key {KEY[:10]}...')\n")
    res = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 1
    assert "RuntimeError" in res.stderr and "Traceback" in res.stderr
    assert KEY[:8] not in res.stderr and redaction.REDACTED in res.stderr


def test_control_characters_are_stripped_but_newlines_and_tabs_kept():
    raw = "Dockers\x00 walked\x1b[31m out\x07.\r\nThe union\tcalled it.\x85\x9b"
    assert strip_controls(raw) == "Dockers walked[31m out.\nThe union\tcalled it."


def test_control_characters_never_reach_the_store(make_bot, tmp_path):
    bot = make_bot()
    path = tmp_path / "a.json"  # JSON escapes carry a NUL a text file could not
    path.write_text('{"title": "Strike\\u001b[2J ends", "body": "Dockers walked out on '
                    'Monday.\\u0000\\u0007 The union said the strike ended on Friday."}')
    assert bot.ingest(path).added == 1
    (hit,) = bot.search("When did the strike end?", k=1)
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in hit.chunk.text + hit.chunk.title)


def test_a_us_evening_article_keeps_its_local_day():
    published = parse_date("Wed, 14 Oct 2020 21:00:00 -0500")
    assert published is not None and published.date() == date(2020, 10, 14)
    assert published.utcoffset() == timedelta(hours=-5)
    # Through the chunk metadata the store keeps (epoch seconds + the source's offset).
    chunk = Chunk("a", 0, "The strike ended yesterday.", 0, 27, published_at=published)
    back = Chunk.from_record(chunk.text, chunk.to_metadata())
    assert back.published_at == published and back.published_at.date() == date(2020, 10, 14)
    (r,) = resolve_dates(back.text, back.published_at)
    assert r.day == date(2020, 10, 13)  # not the 14th, as the UTC day (the 15th) would say
    # Named zones keep their offset too; a time without a zone stays UTC, as before.
    assert parse_date("October 14, 2020 9:00 PM EST").date() == date(2020, 10, 14)
    assert parse_date("14 October 2020 22:05").utcoffset() == timedelta(0)


def test_the_local_day_survives_ingest_and_search(make_bot, tmp_path):
    bot = make_bot()
    path = tmp_path / "a.json"
    path.write_text('{"title": "Dock strike over", "published_at": "2020-10-14T21:30:00-04:00",'
                    ' "body": "The dock strike in Baltimore ended yesterday after a deal on '
                    'pay, the union said."}')
    assert bot.ingest(path).added == 1
    (hit,) = bot.search("When did the dock strike end?", k=1)
    assert hit.chunk.published_at.date() == date(2020, 10, 14)
    a = bot.ask("When did the dock strike end?")
    assert a.citations and a.citations[0].published_at.date() == date(2020, 10, 14)
