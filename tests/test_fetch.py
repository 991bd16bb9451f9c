"""URL ingest against a local HTTP server, and the SSRF guard.

Only 127.0.0.1 is ever contacted: private and link-local addresses are tested through the
guard's decision (IP literals and an injected resolver), which refuses before connecting.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ingest.article import Article
from ingest.fetch import Fetcher, FetchError, FetchPolicy, is_public_address
from ingest.readers import ReadFailure
from ingest.web import read_url

PAGE = """<!doctype html><html><head><title>Tram line to the harbour approved</title>
<meta property="article:published_time" content="2024-03-06T09:00:00+00:00">
<meta property="og:site_name" content="Test Gazette"></head><body><article>
<h1>Tram line to the harbour approved</h1>
<p>The city council approved the harbour tram line on Wednesday by 31 votes to 18, ending a
debate that had run for six years. Construction starts in the autumn.</p>
<p>The line will run 4.2 kilometres from the central station to the ferry terminal, with
seven stops, and is expected to carry 12,000 passengers a day when it opens in 2027.</p>
<p>Opponents said the money would be better spent on buses; the transport committee chair
replied that the tram would pay for itself within twenty years.</p>
</article></body></html>"""

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Local Wire</title>
<link>http://127.0.0.1/</link>
<item><title>Tram line to the harbour approved</title><link>{base}/page.html</link>
<guid>{base}/page.html</guid><description>Council approves the tram.</description></item>
<item><title>Bakery strike ends</title><link>{base}/missing.html</link>
<guid>bakery-strike</guid><pubDate>Fri, 08 Mar 2024 10:00:00 GMT</pubDate>
<description>The bakery workers' strike ended on Friday after the union accepted a 6 per cent
raise over two years, the union said in a statement.</description></item>
</channel></rss>"""

SITEMAP = """<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}/page.html</loc></url></urlset>"""

BIG = 50 * 1024 * 1024


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def send(self, status: int, ctype: str, body: bytes, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)  # the client may have given up (the timeout test)

    def do_GET(self) -> None:
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        path = self.path
        if path == "/page.html":
            self.send(200, "text/html; charset=utf-8", PAGE.encode())
        elif path == "/feed.xml":
            self.send(200, "application/rss+xml", FEED.format(base=base).encode())
        elif path == "/sitemap.xml":
            self.send(200, "application/xml", SITEMAP.format(base=base).encode())
        elif path == "/redirect":
            self.send(302, "text/plain", b"", Location="/page.html")
        elif path == "/redirect-private":
            self.send(302, "text/plain", b"", Location="http://10.0.0.1/admin")
        elif path == "/redirect-metadata":
            self.send(301, "text/plain", b"", Location="http://169.254.169.254/latest/")
        elif path == "/loop":
            self.send(302, "text/plain", b"", Location="/loop")
        elif path == "/image.png":
            self.send(200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
        elif path == "/slow":
            time.sleep(3)
            self.send(200, "text/html", PAGE.encode())
        elif path in ("/big", "/big-undeclared"):
            # 50 MB streamed in 64 KiB pieces from one reused buffer, never held whole.
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            if path == "/big":
                self.send_header("Content-Length", str(BIG))
            self.end_headers()
            piece = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                for _ in range(BIG // len(piece)):
                    self.wfile.write(piece)
            self.close_connection = True
        else:
            self.send(404, "text/plain", b"not found")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def local(**policy: object) -> Fetcher:
    return Fetcher(FetchPolicy(allow_private_networks=True, **policy))  # type: ignore[arg-type]


def only(items: list[Article | ReadFailure]) -> Article | ReadFailure:
    assert len(items) == 1, items
    return items[0]


def test_html_page_becomes_an_article(server):
    a = only(list(read_url(f"{server}/page.html", local())))
    assert isinstance(a, Article), a
    assert a.title == "Tram line to the harbour approved"
    assert "31 votes to 18" in a.body
    assert a.published_at is not None and a.published_at.date().isoformat() == "2024-03-06"
    assert a.doc_key == f"url:{server}/page.html"


def test_redirect_is_followed(server):
    a = only(list(read_url(f"{server}/redirect", local())))
    assert isinstance(a, Article)
    assert a.url == f"{server}/page.html"


def test_redirect_loop_stops(server):
    with pytest.raises(FetchError, match="too many redirects"):
        local(max_redirects=3).fetch(f"{server}/loop")


def test_wrong_content_type_is_refused(server):
    f = only(list(read_url(f"{server}/image.png", local())))
    assert isinstance(f, ReadFailure) and "unsupported content type 'image/png'" in f.reason


@pytest.mark.parametrize("path", ["/big", "/big-undeclared"])
def test_size_cap_on_a_50_mb_body(server, path):
    t0 = time.monotonic()
    with pytest.raises(FetchError, match="too large"):
        local(max_bytes=1024 * 1024).fetch(f"{server}{path}")
    assert time.monotonic() - t0 < 10  # stopped at the cap, not after 50 MB


def test_slow_response_times_out(server):
    with pytest.raises(FetchError, match="timed out"):
        local(timeout=0.5).fetch(f"{server}/slow")


def test_feed_url_reads_entries_and_their_pages(server):
    got = list(read_url(f"{server}/feed.xml", local()))
    tram, bakery = got
    assert isinstance(tram, Article) and isinstance(bakery, Article)
    # The teaser entry without a date took the page's text and its published date.
    assert "31 votes to 18" in tram.body
    assert tram.published_at is not None and tram.published_at.year == 2024
    assert tram.doc_key == f"url:{server}/page.html"
    # The page is gone (404) but the entry has its own text and date.
    assert bakery.doc_key == "guid:bakery-strike" and "6 per cent" in bakery.body


def test_sitemap_lists_pages(server):
    a = only(list(read_url(f"{server}/sitemap.xml", local())))
    assert isinstance(a, Article) and "harbour tram" in a.body


# --- SSRF guard -------------------------------------------------------------------------

def test_loopback_refused_by_default(server):
    f = only(list(read_url(f"{server}/page.html", Fetcher())))
    assert isinstance(f, ReadFailure) and "non-public address 127.0.0.1" in f.reason


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://10.1.2.3/", "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/", "http://192.168.0.10/", "http://[::ffff:10.0.0.1]/", "http://0.0.0.0/",
])
def test_private_literal_addresses_refused_before_connecting(url):
    with pytest.raises(FetchError, match="non-public address"):
        Fetcher().fetch(url)


@pytest.mark.parametrize("answer", [["10.0.0.7"], ["93.184.215.14", "169.254.1.1"], ["::1"]])
def test_names_resolving_to_private_addresses_are_refused(answer):
    # Every resolved address must be public, not just the first.
    fetcher = Fetcher(resolver=lambda host, port: answer)
    with pytest.raises(FetchError, match="non-public address"):
        fetcher.fetch("http://news.example.com/article")


def test_localhost_name_refused():
    with pytest.raises(FetchError, match="non-public address"):
        Fetcher().fetch("http://localhost:9/")


@pytest.mark.parametrize("path", ["/redirect-private", "/redirect-metadata"])
def test_redirect_into_private_network_refused_even_when_private_allowed(server, path):
    # The operator allowed the local server; the server cannot bounce us to another
    # private host (the network guard in conftest would fail the test on any attempt).
    with pytest.raises(FetchError, match="non-public address"):
        local().fetch(f"{server}{path}")


def test_public_address_check():
    import ipaddress

    assert is_public_address(ipaddress.ip_address("93.184.215.14"))
    for bad in ("10.0.0.1", "172.16.0.1", "100.64.0.1", "169.254.169.254", "127.0.0.1",
                "::1", "fe80::1", "fc00::1", "224.0.0.1"):
        assert not is_public_address(ipaddress.ip_address(bad)), bad


def test_url_ingest_into_the_archive(server, make_bot):
    bot = make_bot(allow_private_networks=True)
    r = bot.ingest([f"{server}/feed.xml"])
    assert (r.added, r.failed) == (2, 0), r.failures
    again = bot.ingest([f"{server}/feed.xml"])
    # Both are teasers already stored under their GUIDs: skipped without fetching a page.
    assert (again.added, again.updated, again.failed) == (0, 0, 0)
    assert bot.stats().articles == 2
    ans = bot.ask("How many votes did the harbour tram get?")
    assert ans.citations and ans.citations[0].url == f"{server}/page.html"


# --- CLI: ingest a URL, watch a feed ------------------------------------------------------

def test_cli_ingest_url_and_watch(server, tmp_path, monkeypatch):
    import json

    from typer.testing import CliRunner

    from bot.cli import app
    from bot.watch import parse_interval

    runner = CliRunner()
    store = str(tmp_path / "store")
    refused = runner.invoke(app, ["ingest", f"{server}/page.html", "--store", store, "--json"])
    assert refused.exit_code == 1 and "non-public address" in refused.stdout

    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_NETWORKS", "true")
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# pages to read\n{server}/page.html\n\n{server}/image.png\n")
    res = runner.invoke(app, ["ingest", "--urls", str(urls), "--store", store, "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert (d["added"], d["failed"]) == (1, 1) and "image/png" in d["failures"][0]

    res = runner.invoke(app, ["watch", f"{server}/feed.xml", "--every", "0.1s",
                              "--max-rounds", "2", "--store", store])
    assert res.exit_code == 0, res.output
    rounds = [line for line in res.stdout.splitlines() if line.startswith("added")]
    # Round 1 adds the bakery entry (the tram page is stored already); round 2 has nothing new.
    assert rounds == ["added 1 · unchanged 0 · updated 0 · failed 0 · chunks written 1",
                      "added 0 · unchanged 0 · updated 0 · failed 0 · chunks written 0"]

    assert parse_interval("15m") == 900 and parse_interval("0.5s") == 0.5
    with pytest.raises(ValueError):
        parse_interval("soon")
