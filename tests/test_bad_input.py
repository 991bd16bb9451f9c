"""The bad-input corpus: hostile, broken and odd files, generated here, through the paths
users take (``NewsBot.ingest`` and ``newsbot ingest``).

Every case ends in one of two ways: a clear one-line error naming the file, or a sane
article (readable text, no script, the right date or none). And in every case what was
stored before is untouched: a good article is ingested first, and its chunks, the stats and
the answer to a question about it are the same afterwards.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import random
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import app
from ingest.article import Article
from ingest.chunking import chunk_article
from ingest.readers import read_path
from retrieval.types import ArticleRecord, Chunk

MB = 1024 * 1024
EMBEDDED = pytest.mark.parametrize("store_backend", ["embedded"], indirect=True)

GOOD = (
    "Title: Varnholm ferry resumes winter service\nSource: Fjord Courier\n"
    "Publish Date: 2024-11-05\n\n"
    "The Varnholm ferry resumed its winter service on Monday after a three-week repair of "
    "its bow door, the operator said. About 2,300 residents depend on the crossing.\n"
)
QUESTION = "When did the Varnholm ferry resume its winter service?"

# Bad cases that do become articles say something unrelated to the ferry, so the good
# article's answer has no reason to move.
TRAM = ("The city council approved the harbour tram line on Tuesday after a five-hour "
        "debate. Residents welcomed the decision, saying the tram would cut commuting "
        "times. Construction starts in the spring and should take two years.")
TRAM_WORD = "harbour tram line"


# What the store holds, and what the bot answers, before and after a bad case. -------------
@dataclass(frozen=True)
class Snapshot:
    articles: int
    chunks: int
    good: tuple[Any, ...]
    good_chunks: tuple[tuple[int, int, int, str], ...]
    answer: tuple[Any, ...]


def _chunks_of(bot: Any, article_id: str) -> list[Chunk]:
    return sorted((c for c in bot.components.store.iter_chunks() if c.article_id == article_id),
                  key=lambda c: c.index)


def _snapshot(bot: Any, good_id: str) -> Snapshot:
    stats = bot.stats()
    (rec,) = bot.components.store.stored_articles(article_ids=[good_id])
    answer = bot.ask(QUESTION)
    return Snapshot(
        stats.articles, stats.chunks,
        (rec.article_id, rec.doc_key, rec.title, rec.published_at, rec.chunks, rec.expected),
        tuple((c.index, c.start, c.end, c.text) for c in _chunks_of(bot, good_id)),
        (answer.short_answer, answer.abstained,
         tuple((c.article_id, c.start, c.end, c.quote) for c in answer.citations)),
    )


@dataclass
class Guarded:
    """A bot holding one good article, and what it looked like before the bad input."""

    bot: Any
    good_id: str
    before: Snapshot

    def assert_untouched(self, added_articles: int = 0, added_chunks: int = 0) -> None:
        after = _snapshot(self.bot, self.good_id)
        assert after.good == self.before.good
        assert after.good_chunks == self.before.good_chunks
        assert after.answer == self.before.answer
        assert after.articles == self.before.articles + added_articles
        assert after.chunks == self.before.chunks + added_chunks


@pytest.fixture
def guarded(make_bot, tmp_path) -> Guarded:
    bot = make_bot()
    good = tmp_path / "good" / "ferry.txt"
    good.parent.mkdir()
    good.write_text(GOOD)
    report = bot.ingest(good)
    assert (report.added, report.failed) == (1, 0), report.failures
    (good_id,) = report.article_ids
    snap = _snapshot(bot, good_id)
    assert snap.answer[0] == "Monday 4 November 2024"  # the baseline itself is sane
    return Guarded(bot, good_id, snap)


# How a case must end. ---------------------------------------------------------------------
def assert_one_line_errors(report: Any, path: Path, *reasons: str, count: int = 1) -> None:
    """``count`` failures, each one line naming the file, with no traceback text, and
    between them every reason asked for."""
    lines = [str(f) for f in report.failures]
    assert report.failed == count == len(lines), lines
    for line in lines:
        assert "\n" not in line and "\r" not in line
        assert str(path) in line
        assert "Traceback" not in line and 'File "' not in line
        assert len(line) < len(str(path)) + 300
    for reason in reasons:
        assert any(reason in line for line in lines), (reason, lines)


def _readable(text: str) -> bool:
    shown = sum(1 for ch in text if ch.isprintable() or ch in "\n\t")
    return bool(text.strip()) and shown / len(text) > 0.99 and any(ch.isalpha() for ch in text)


@dataclass
class Stored:
    record: ArticleRecord
    chunks: list[Chunk]

    @property
    def text(self) -> str:
        """The body as the chunks show it (gaps between chunks are whitespace)."""
        buf = [" "] * max(c.end for c in self.chunks)
        for c in self.chunks:
            buf[c.start : c.end] = c.text
        return "".join(buf)


def stored_articles(bot: Any, report: Any) -> list[Stored]:
    out = []
    for aid in dict.fromkeys(report.article_ids):
        recs = bot.components.store.stored_articles(article_ids=[aid])
        if recs:
            out.append(Stored(recs[0], _chunks_of(bot, aid)))
    return out


def assert_sane(stored: Stored, must_have: str = "") -> None:
    assert stored.record.complete
    assert stored.chunks and _readable(stored.text), stored.text[:200]
    assert stored.record.title.strip() and "\n" not in stored.record.title
    for c in stored.chunks:
        assert len(c.text) <= 700  # the chunk_chars default
    if must_have:
        assert must_have in stored.text


# The corpus. --------------------------------------------------------------------------------
@dataclass
class Case:
    id: str
    filename: str
    # Bytes, or a function making them (for the big ones, made only when the case runs).
    content: bytes | Callable[[], bytes]
    # A substring of the one-line error, or None for "becomes a sane article".
    error: str | None = None
    errors: int = 1
    # Articles added: None means none for an error case and one otherwise; -1 unchecked.
    articles: int | None = None
    must_have: str = TRAM_WORD
    must_not_have: tuple[str, ...] = ()
    date: datetime | str | None = "unchecked"
    title: str | None = None
    warning: str | None = None


def _txt(body: str = TRAM, **header: str) -> str:
    head = "".join(f"{k.replace('_', ' ').title()}: {v}\n" for k, v in header.items())
    return f"{head}\n{body}\n" if head else f"{body}\n"


def _html(body: str, head: str = "", title: str = "Harbour tram approved") -> str:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{head}"
            f"</head><body><article><h1>{title}</h1>{body}</article></body></html>")


def _paras(text: str = TRAM) -> str:
    return "".join(f"<p>{s.strip()}.</p>" for s in text.split(".") if s.strip())


def _rss(items: str, head: str = "") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?>{head}<rss version="2.0"><channel>'
            f"<title>Harbour Desk</title><link>https://example.org/desk</link>{items}"
            "</channel></rss>")


def _item(title: str = "", link: str = "", date: str = "", text: str = TRAM) -> str:
    parts = [f"<title>{title}</title>" if title else "", f"<link>{link}</link>" if link else "",
             f"<pubDate>{date}</pubDate>" if date else "", f"<description>{text}</description>"]
    return "<item>" + "".join(parts) + "</item>"


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def _gzip_bomb() -> bytes:
    """64 MiB in one JSON Lines line (64 KiB compressed), then one ordinary line."""
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        gz.write(b'{"body": "')
        for _ in range(64):
            gz.write(b"a" * MB)
        gz.write(b'"}\n' + _LINES[0].encode() + b"\n")
    return buf.getvalue()


def _cut(data: bytes, keep: float) -> bytes:
    return data[: int(len(data) * keep)]


def _scramble(data: bytes, start: int, end: int) -> bytes:
    return data[:start] + bytes(b ^ 0x5A for b in data[start:end]) + data[end:]


def content_of(case: Case) -> bytes:
    return case.content() if callable(case.content) else case.content


_rng = random.Random(7)
_LINES = [json.dumps({"title": f"Tram note {i}", "body": f"{TRAM} Note {i}.",
                      "date": "2024-03-06"}) for i in range(6)]
_JSONL = ("\n".join(_LINES) + "\n").encode()
_SCRIPTS = (
    "<script>var leak = 'SCRIPT_ONE';</script>"
    "<SCRIPT type='text/javascript'>document.write('SCRIPT_TWO')</SCRIPT>"
    "<style>.x { content: 'STYLE_ONE' }</style>"
    "<script type='application/ld+json'>{\"x\": \"SCRIPT_JSON\"}</script>"
    "<noscript>NOSCRIPT_ONE</noscript>"
)
_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">'
              for i in range(1, 10))
    + "]>" + _rss(_item("Laughs", text="&lol9;"))[len('<?xml version="1.0" encoding="utf-8"?>'):]
)
_XXE = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        + _rss(_item("Leak", text="&xxe;"))[len('<?xml version="1.0" encoding="utf-8"?>'):])

CASES = [
    # Text and Markdown
    Case("empty", "empty.txt", b"", "empty file"),
    Case("whitespace-only", "blank.md", " \t\r\n\n  \u00a0\u3000\n".encode(), "empty file"),
    Case("png-header-random-bytes", "photo.txt",
         b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + _rng.randbytes(4096), "binary file"),
    Case("nul-bytes", "nul.md", b"\x00" * 2048, "binary file"),
    Case("high-bytes-garbage", "garbage.txt", bytes(_rng.randrange(128, 256) for _ in range(4096)),
         "not UTF-8"),
    Case("short-advert", "junk.md", b"Title: x\n\nclick here buy now !!!! $$$\n",
         "advertising text"),
    Case("utf16-bom", "wide.txt", _txt(title="Tram über Hafen").encode("utf-16"),
         title="Tram über Hafen"),
    Case("utf16-no-bom", "wide-nobom.txt", _txt(title="Tram").encode("utf-16-le"), title="Tram"),
    Case("utf8-bom-front-matter", "bom.md",
         codecs.BOM_UTF8 + f"---\ntitle: Tram line approved\n---\n\n{TRAM}\n".encode(),
         title="Tram line approved"),
    Case("cp1252", "legacy.txt",
         _txt("Le conseil a approuvé la “ligne” du tram du port — coût: 40 M€. " + TRAM,
              title="Tramway approuvé").encode("cp1252"),
         must_have="approuvé la “ligne” du tram du port — coût: 40 M€", title="Tramway approuvé"),
    Case("latin1", "latin1.txt", _txt("Zürich: la ligne a été approuvée. " + TRAM,
                                      title="Straße").encode("latin-1"),
         must_have="Zürich: la ligne a été approuvée", title="Straße"),
    Case("mixed-newlines", "newlines.txt",
         b"Title: Tram\r\n\r\nThe city council approved the harbour tram line.\rResidents "
         b"welcomed it.\nBuilding starts in spring.\r\n\r\nIt takes two years.\r",
         must_not_have=("\r",), title="Tram"),
    Case("no-title", "untitled.txt", _txt().encode(),
         title="The city council approved the harbour tram line on Tuesday after a five-hour "
               "debate"),
    Case("no-date", "undated.txt", _txt(title="Tram").encode(), date=None),
    Case("future-date", "future.txt", _txt(title="Tram", publish_date="2099-06-01").encode(),
         date=datetime(2099, 6, 1, tzinfo=UTC), warning="2099-06-01 is in the future"),
    Case("unparseable-date", "odd-date.txt",
         _txt(title="Tram", publish_date="sometime next spring").encode(), date=None,
         warning="'sometime next spring' not understood"),
    Case("date-dotted", "dotted.txt", _txt(title="Tram", publish_date="05.10.2020").encode(),
         date=datetime(2020, 10, 5, tzinfo=UTC)),
    Case("date-french", "fr.txt", _txt(title="Tram", publish_date="14 octobre 2020").encode(),
         date=datetime(2020, 10, 14, tzinfo=UTC)),
    Case("date-cjk", "cjk.txt", _txt(title="Tram", publish_date="2020年10月14日").encode(),
         date=datetime(2020, 10, 14, tzinfo=UTC)),
    Case("date-us-with-zone", "us.txt",
         _txt(title="Tram", publish_date="Oct 14th, 2020 10:05 PM EDT").encode(),
         date=datetime(2020, 10, 15, 2, 5, tzinfo=UTC)),  # the same instant, in UTC
    Case("unsupported-type", "scan.docx", b"PK\x03\x04" + _rng.randbytes(64),
         "unsupported file type '.docx'"),
    # HTML
    Case("nested-10000-divs", "nested.html",
         _html("<div>" * 10_000 + _paras() + "</div>" * 10_000, title="").encode(),
         "nested deeper than 255 levels"),
    Case("nested-after-the-article", "deep-tail.html",
         _html(_paras() + "<div>" * 400 + "<p>DEEP_TEXT lost below the limit.</p>"
               + "</div>" * 400).encode(),
         warning="nested deeper than 255 levels"),
    Case("script-and-style-laden", "scripts.html",
         _html(_SCRIPTS + _paras() + _SCRIPTS, head=_SCRIPTS).encode(),
         must_not_have=("SCRIPT_", "STYLE_ONE", "NOSCRIPT_ONE", "document.write", "var leak")),
    Case("script-only", "app.html", _html(_SCRIPTS * 20, title="").encode(),
         "no article text found"),
    Case("html-utf16-bom", "wide.html", _html(_paras()).encode("utf-16"),
         title="Harbour tram approved"),
    Case("html-declared-cp1251", "ru.html",
         _html("<p>Городской совет одобрил линию трамвая в гавани после долгих дебатов.</p>"
               "<p>Жители приветствовали решение и ждут начала строительства весной.</p>",
               title="Трамвай в гавани").replace("utf-8", "windows-1251").encode("cp1251"),
         must_have="Городской совет одобрил линию трамвая", title="Трамвай в гавани"),
    Case("html-no-date-but-copyright", "copyright.html",
         (_html(_paras())[:-len("</body></html>")]
          + "<footer>© 2023 Harbour Desk</footer></body></html>").encode(), date=None),
    Case("html-future-meta-date", "future.html",
         _html(_paras(), head='<meta property="article:published_time" '
                             'content="2099-03-01T10:00:00Z">').encode(),
         date=datetime(2099, 3, 1, 10, tzinfo=UTC), warning="is in the future"),
    Case("html-date-in-french-text", "fr.html",
         _html('<p class="date">Publié le 14 octobre 2020</p>' + _paras()).encode(),
         date=datetime(2020, 10, 14, tzinfo=UTC)),
    # JSON
    Case("json-list-of-numbers", "numbers.json", b"[1, 2, 3, 4.5]",
         "expected article objects, got a list of numbers"),
    Case("json-string", "string.json", b'"just a string"', "got a string"),
    Case("json-empty-list", "none.json", b'{"articles": []}', "no articles"),
    Case("json-nested-100k", "deep.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    Case("json-epoch-seconds", "epoch.json",
         json.dumps({"title": "Tram", "body": TRAM, "published_at": 1602713100}).encode(),
         date=datetime(2020, 10, 14, 22, 5, tzinfo=UTC)),
    Case("json-epoch-millis", "epoch-ms.json",
         json.dumps({"title": "Tram", "body": TRAM, "date": 1602713100000}).encode(),
         date=datetime(2020, 10, 14, 22, 5, tzinfo=UTC)),
    Case("json-date-now-is-not-now", "now.json",
         json.dumps({"title": "Tram", "body": TRAM, "date": "now"}).encode(), date=None,
         warning="'now' not understood"),
    Case("json-no-date", "undated.json", json.dumps({"title": "Tram", "body": TRAM}).encode(),
         date=None),
    Case("json-utf8-bom", "bom.json",
         codecs.BOM_UTF8 + json.dumps({"title": "Tram", "body": TRAM}).encode(), title="Tram"),
    # JSON Lines
    Case("jsonl-bad-lines-among-good", "mixed.jsonl",
         "\n".join([_LINES[0], "{oops", _LINES[1], "[1, 2]", "", _LINES[2],
                    "[" * 5000 + "]" * 5000]).encode(),
         ":2: invalid JSON", errors=3, articles=3),
    Case("jsonl-utf16-bom", "wide.jsonl", _JSONL.decode().encode("utf-16"), articles=6),
    Case("jsonl-binary", "photo.jsonl", b"\x89PNG\r\n\x1a\n\x00\x00" + _rng.randbytes(8192),
         "binary file", errors=1),
    Case("jsonl-gz-truncated", "cut.jsonl.gz",
         lambda: _cut(_gzip(_JSONL * 40), 2 / 3), "cannot read file",
         articles=6),  # the lines before the cut (repeats of six articles) are kept
    Case("jsonl-gz-corrupt", "bad.jsonl.gz",
         lambda: _scramble(_gzip(_JSONL * 40), 40, 80),
         "cannot read file", articles=-1),
    Case("jsonl-gz-bomb-one-line", "bomb.jsonl.gz",
         _gzip_bomb,
         ":1: line too large", articles=1),
    # Feeds
    Case("feed-not-xml", "news.rss", b"This is plain text pretending to be a feed.",
         "not a readable feed: not XML at all"),
    Case("feed-html-not-feed", "page.xml", _html(_paras()).encode(),
         "not a readable feed: an HTML page"),
    Case("feed-billion-laughs", "bomb.xml", _BOMB.encode(), "entities"),
    Case("feed-billion-laughs-utf16-broken", "bomb16.xml",
         _BOMB.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-16"?>')
         .replace("</channel></rss>", "").encode("utf-16"), "unsafe XML refused"),
    Case("feed-xxe-etc-passwd", "xxe.xml", _XXE.encode(), "entities"),
    Case("feed-items-missing-dates-and-links", "undated.rss", _rss(
        _item("Dated, no link", date="Tue, 05 Mar 2024 09:00:00 GMT")
        + _item("Linked, no date", link="https://example.org/desk/tram")
        + _item(text=TRAM + " No title, link or date.")
        + _item("Odd date", date="sometime soon", text=TRAM + " Odd date.")
        + _item("From the future", date="Fri, 01 Jan 2099 10:00:00 GMT", text=TRAM + " Later.")
    ).encode(), articles=5, warning="not understood"),
]


def _check_article(case: Case, st: Stored) -> None:
    assert_sane(st, case.must_have)
    for bad in case.must_not_have:
        assert bad not in st.text and bad not in st.record.title
    if case.date != "unchecked":
        assert st.record.published_at == case.date
    if case.title is not None:
        assert st.record.title == case.title


@EMBEDDED
@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_bad_input_case(case: Case, guarded: Guarded, tmp_path: Path) -> None:
    path = tmp_path / "in" / case.filename
    path.parent.mkdir()
    path.write_bytes(content_of(case))
    report = guarded.bot.ingest(path)

    if case.error is not None:
        assert_one_line_errors(report, path, case.error, count=case.errors)
    else:
        assert report.failed == 0, [str(f) for f in report.failures]
    expected = case.articles if case.articles is not None else (0 if case.error else 1)
    if expected >= 0:
        assert report.added == expected, (report.added, [str(f) for f in report.failures])
    stored = stored_articles(guarded.bot, report)
    assert len(stored) == report.added
    for st in stored:
        _check_article(case, st)
    if case.warning is not None:
        warned = [str(w) for w in report.warnings]
        assert any(case.warning in w and str(path) in w and "\n" not in w for w in warned), warned
    guarded.assert_untouched(report.added, report.chunks_written)


@EMBEDDED
def test_feed_items_missing_dates_stay_undated_and_distinct(guarded: Guarded, tmp_path: Path):
    (case,) = [c for c in CASES if c.id == "feed-items-missing-dates-and-links"]
    path = tmp_path / case.filename
    path.write_bytes(content_of(case))
    report = guarded.bot.ingest(path)
    got = {s.record.title: s.record for s in stored_articles(guarded.bot, report)}
    assert got["Dated, no link"].published_at == datetime(2024, 3, 5, 9, tzinfo=UTC)
    assert got["Linked, no date"].published_at is None  # never "now"
    assert got["Linked, no date"].url == "https://example.org/desk/tram"
    assert got["Odd date"].published_at is None
    assert got["From the future"].published_at == datetime(2099, 1, 1, 10, tzinfo=UTC)
    assert len({r.doc_key for r in got.values()}) == 5
    warned = [str(w) for w in report.warnings]
    assert sum("is in the future" in w for w in warned) == 1
    assert any(f"{path}:4: publish date 'sometime soon' not understood" in w for w in warned)
    guarded.assert_untouched(report.added, report.chunks_written)


@EMBEDDED
def test_xxe_through_an_external_dtd_reads_nothing_local(guarded: Guarded, tmp_path: Path):
    """No entity declaration in the feed itself: the DTD it points to declares one."""
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET_FROM_DISK")
    dtd = tmp_path / "evil.dtd"
    dtd.write_text(f'<!ENTITY xxe SYSTEM "file://{secret}">')
    feed = tmp_path / "dtd.xml"
    feed.write_text(f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "file://{dtd}">'
                    + _rss(_item("Leak", text=f"Leak: &xxe; {TRAM}"))[38:])
    report = guarded.bot.ingest(feed)
    for st in stored_articles(guarded.bot, report):
        assert "SECRET_FROM_DISK" not in st.text
        assert_sane(st, TRAM_WORD)
    assert all("\n" not in str(f) for f in report.failures)
    guarded.assert_untouched(report.added, report.chunks_written)


# Paths that are not files. ----------------------------------------------------------------
@EMBEDDED
def test_missing_path_symlink_loop_and_pipe(guarded: Guarded, tmp_path: Path):
    missing = tmp_path / "nope" / "missing.txt"
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)  # reading it would block forever
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "gone.md")
    for path, reason in [(missing, "no such file or folder"), (loop, "symbolic link loop"),
                         (pipe, "not a regular file"), (dangling, "broken symbolic link")]:
        report = guarded.bot.ingest(path)
        assert_one_line_errors(report, path, reason)
    guarded.assert_untouched()


@EMBEDDED
@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(guarded: Guarded, tmp_path: Path):
    path = tmp_path / "locked.txt"
    path.write_text(_txt(title="Tram"))
    path.chmod(0)
    try:
        report = guarded.bot.ingest(path)
    finally:
        path.chmod(0o644)
    assert_one_line_errors(report, path, "Permission denied")
    guarded.assert_untouched()


def test_mixed_folder_keeps_the_good_and_reports_each_bad_once(guarded: Guarded,
                                                                tmp_path: Path):
    """On both store backends: one folder, good files among every kind of bad one."""
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    good = {"a-good.txt": _txt(title="Tram one").encode(),
            "sub/b-good.json": json.dumps({"title": "Tram two", "body": TRAM + " Two."}).encode(),
            "c-good.html": _html(_paras(TRAM + " Three.")).encode(),
            "d-good.jsonl": _JSONL[: _JSONL.index(b"\n") + 1]}
    bad = {c.filename: c for c in CASES if c.id in {
        "empty", "png-header-random-bytes", "nested-10000-divs", "json-nested-100k",
        "feed-billion-laughs", "feed-not-xml"}}
    for name, data in good.items():
        (folder / name).write_bytes(data)
    for name, case in bad.items():
        (folder / "sub" / name).write_bytes(content_of(case))
    (folder / "sub" / "loop.md").symlink_to(folder / "sub" / "loop.md")
    (folder / ".hidden.txt").write_bytes(b"\x00")  # hidden files are skipped, not failed

    report = guarded.bot.ingest(folder)
    assert report.added == len(good)
    lines = [str(f) for f in report.failures]
    assert len(lines) == len(bad) + 1, lines
    for name, case in bad.items():
        mine = [line for line in lines if line.startswith(f"{folder / 'sub' / name}:")]
        assert len(mine) == 1 and case.error and case.error in mine[0], (name, lines)
    assert any(line.startswith(f"{folder / 'sub' / 'loop.md'}: symbolic link loop")
               for line in lines)
    assert all("\n" not in line and "Traceback" not in line for line in lines)
    for st in stored_articles(guarded.bot, report):
        assert_sane(st, TRAM_WORD)
    guarded.assert_untouched(report.added, report.chunks_written)


# Size. ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fifty_mb(tmp_path_factory) -> dict[str, Path]:
    """50 MB files, written once: one big text file, and JSON Lines whose first line is 50 MB."""
    root = tmp_path_factory.mktemp("big")
    text, jsonl = root / "big.txt", root / "big.jsonl"
    word = b"harbour tram council debate "
    block = word * (MB // len(word))
    with text.open("wb") as fh:
        for _ in range(50):
            fh.write(block)
    with jsonl.open("wb") as fh:
        fh.write(b'{"title": "Huge", "body": "')
        for _ in range(50):
            fh.write(block)
        fh.write(b'"}\n' + _LINES[0].encode() + b"\n")
    return {"txt": text, "jsonl": jsonl}


@EMBEDDED
def test_50mb_file_is_refused_without_being_read(guarded: Guarded, fifty_mb):
    tracemalloc.start()
    try:
        report = guarded.bot.ingest(fifty_mb["txt"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert_one_line_errors(report, fifty_mb["txt"], "file too large", "max_file_bytes")
    assert peak < 20 * MB  # refused from its size: never read into memory
    guarded.assert_untouched()


@EMBEDDED
def test_50mb_jsonl_line_is_skipped_in_bounded_memory(guarded: Guarded, fifty_mb):
    tracemalloc.start()
    try:
        report = guarded.bot.ingest(fifty_mb["jsonl"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert_one_line_errors(report, fifty_mb["jsonl"], ":1: line too large")
    assert report.added == 1  # the ordinary line after it
    assert peak < 25 * MB
    guarded.assert_untouched(1, report.chunks_written)


@EMBEDDED
def test_size_cap_is_a_setting(make_bot, tmp_path: Path):
    bot = make_bot(max_file_bytes=1000)
    path = tmp_path / "small.txt"
    path.write_text(_txt(TRAM * 20, title="Tram"))
    report = bot.ingest(path)
    assert_one_line_errors(report, path, "max_file_bytes 1,000")


# A wall of words with no punctuation. ------------------------------------------------------
def _wall(chars: int) -> str:
    words = ["harbour", "tram", "council", "debate", "residents", "spring", "über", "café",
             "line", "approved", "two", "years", "construction"]
    rng = random.Random(3)
    out: list[str] = []
    size = 0
    while size < chars:
        w = rng.choice(words)
        out.append(w)
        size += len(w) + 1
    return " ".join(out)[:chars].strip()


def test_200k_unpunctuated_sentence_reads_into_capped_exact_chunks(tmp_path: Path):
    body = _wall(200_000)
    path = tmp_path / "wall.txt"
    path.write_text(f"Title: Wall\n\n{body}\n")
    (article,) = read_path(path)
    assert isinstance(article, Article) and article.body == body
    chunks = chunk_article(article, 700, 140)
    assert all(c.text == body[c.start : c.end] and 0 < len(c.text) <= 700 for c in chunks)
    covered = [False] * len(body)
    for c in chunks:
        covered[c.start : c.end] = [True] * (c.end - c.start)
    assert all(ok or body[i].isspace() for i, ok in enumerate(covered))


@pytest.mark.slow
@EMBEDDED
def test_unpunctuated_wall_through_the_bot(guarded: Guarded, tmp_path: Path):
    # 60k characters (200k go through the reader and chunker above): embedding is the cost.
    body = _wall(60_000)
    path = tmp_path / "wall.txt"
    path.write_text(f"Title: Wall\n\n{body}\n")
    report = guarded.bot.ingest(path)
    assert (report.added, report.failed) == (1, 0)
    (st,) = stored_articles(guarded.bot, report)
    assert st.record.complete and st.record.chunks == len(st.chunks) > 80
    for c in st.chunks:
        assert c.text == body[c.start : c.end] and len(c.text) <= 700
    guarded.assert_untouched(1, report.chunks_written)


# The CLI, as a user runs it. -----------------------------------------------------------------
runner = CliRunner()


def _cli(*args: str) -> Any:
    res = runner.invoke(app, list(args))
    assert not isinstance(res.exception, Exception) or isinstance(res.exception, SystemExit), (
        res.exception)
    assert "Traceback" not in res.output
    return res


def test_cli_ingest_reports_each_bad_file_on_one_line_and_keeps_the_store(tmp_path: Path,
                                                                          fifty_mb):
    store = str(tmp_path / "store")
    good = tmp_path / "ferry.txt"
    good.write_text(GOOD)
    assert _cli("ingest", str(good), "--store", store).exit_code == 0
    before_stats = json.loads(_cli("stats", "--store", store, "--json").stdout)
    before_answer = json.loads(_cli("ask", QUESTION, "--store", store, "--json").stdout)

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    by_id = {c.id: c for c in CASES}
    picked = ["empty", "png-header-random-bytes", "json-nested-100k", "feed-billion-laughs"]
    for cid in picked:
        (inbox / by_id[cid].filename).write_bytes(content_of(by_id[cid]))
    # Rich markup in a file name must be printed as it is, not interpreted.
    (inbox / "notes [bold]draft.txt").write_bytes(b"")
    (inbox / "future.txt").write_bytes(content_of(by_id["future-date"]))
    res = _cli("ingest", str(inbox), str(fifty_mb["txt"]), str(tmp_path / "missing.txt"),
               "--store", store)
    assert res.exit_code == 0, res.output  # something was added
    err_lines = [line for line in res.stderr.splitlines() if line.strip()]
    skipped = [line for line in err_lines if line.startswith("skipped ")]
    assert len(skipped) == len(picked) + 3, err_lines
    for cid in picked:
        case = by_id[cid]
        assert sum(f"{inbox / case.filename}: " in line and (case.error or "") in line
                   for line in skipped) == 1, (cid, skipped)
    assert any(f"{inbox / 'notes [bold]draft.txt'}: empty file" in line
               for line in skipped)
    assert any(f"{fifty_mb['txt']}: file too large" in line for line in skipped)
    assert any(f"{tmp_path / 'missing.txt'}: no such file or folder" in line for line in skipped)
    assert any(line.startswith("warning ") and "2099-06-01 is in the future" in line
               for line in err_lines)
    assert "added 1 · unchanged 0 · updated 0 · failed 7" in res.stdout

    after_stats = json.loads(_cli("stats", "--store", store, "--json").stdout)
    assert after_stats["articles"] == before_stats["articles"] + 1
    after_answer = json.loads(_cli("ask", QUESTION, "--store", store, "--json").stdout)
    assert after_answer["short_answer"] == before_answer["short_answer"]
    assert after_answer["citations"] == before_answer["citations"]


def test_cli_only_bad_input_exits_1_with_json_report(tmp_path: Path):
    store = str(tmp_path / "store")
    bad = tmp_path / "deep.json"
    bad.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    res = _cli("ingest", str(bad), str(tmp_path / "loop"), "--store", store, "--json")
    assert res.exit_code == 1
    d = json.loads(res.stdout)
    assert (d["added"], d["failed"]) == (0, 2)
    assert d["failures"][0] == f"{bad}: invalid JSON: nested too deeply"
    assert d["failures"][1] == f"{tmp_path / 'loop'}: symbolic link loop"
    assert d["warnings"] == []

