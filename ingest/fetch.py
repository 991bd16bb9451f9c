"""HTTP fetching for untrusted URLs: every hop's address checked (SSRF guard), redirects
followed by hand, a size cap, an overall deadline and a content-type check.

The connection goes to the exact IP that was checked (the URL's host is swapped for it and
the name is kept in the Host header and TLS SNI), so a DNS answer that changes between the
check and the connect (DNS rebinding) cannot steer a fetch into a private network.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

# Feed, sitemap and page types newsbot can read; anything else is refused before download.
READABLE_TYPES = (
    "text/html", "application/xhtml+xml", "application/rss+xml", "application/atom+xml",
    "application/rdf+xml", "application/xml", "text/xml", "text/plain",
)
REDIRECTS = {301, 302, 303, 307, 308}

# host, port -> the addresses it resolves to (injectable so tests never touch real DNS).
Resolver = Callable[[str, int], list[str]]


class FetchError(Exception):
    """A URL that could not be fetched; str() is a one-line reason."""


@dataclass(frozen=True)
class FetchPolicy:
    allow_private_networks: bool = False
    timeout: float = 20.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = "newsbot/0.1 (news archive question answering)"


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content_type: str  # media type only, lower case ("" if the server sent none)
    charset: str | None
    body: bytes


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host!r}: {exc}") from exc
    return sorted({str(info[4][0]) for info in infos})


def is_public_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Globally routable unicast only: private, loopback, link-local (cloud metadata at
    169.254.169.254), shared, reserved and multicast ranges are not public."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _parse_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        return None


class Fetcher:
    def __init__(
        self,
        policy: FetchPolicy | None = None,
        resolver: Resolver = system_resolver,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self._resolve = resolver
        self._transport = transport
        self._client: httpx.Client | None = None

    def _http(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                follow_redirects=False,  # each hop is checked by hand
                timeout=httpx.Timeout(self.policy.timeout),
                headers={"User-Agent": self.policy.user_agent,
                         "Accept": ", ".join(READABLE_TYPES)},
                transport=self._transport,
                trust_env=False,  # a proxy would connect on its own and defeat the IP pinning
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def check_address(self, host: str, port: int, private_ok: bool) -> str:
        """The address to connect to, after checking every address the host resolves to."""
        literal = _parse_ip(host)
        addresses = [str(literal)] if literal is not None else self._resolve(host, port)
        if not addresses:
            raise FetchError(f"{host!r} resolves to no address")
        for addr in addresses:
            ip = _parse_ip(addr)
            if ip is None:
                raise FetchError(f"{host!r} resolved to an invalid address {addr!r}")
            if not private_ok and not is_public_address(ip):
                raise FetchError(
                    f"refused {host!r}: it resolves to the non-public address {ip} "
                    "(set allow_private_networks to fetch from your own network)"
                )
        return addresses[0]

    def fetch(self, url: str) -> Fetched:
        start_host = urlsplit(url).hostname
        deadline = time.monotonic() + self.policy.timeout
        for _hop in range(self.policy.max_redirects + 1):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise FetchError(f"not an http(s) URL: {url!r}")
            host = parts.hostname
            port = parts.port or (443 if parts.scheme == "https" else 80)
            # Private addresses are for URLs the operator named; a redirect elsewhere must
            # not bounce a fetch into the internal network.
            private_ok = self.policy.allow_private_networks and host == start_host
            ip = self.check_address(host, port, private_ok)
            response = self._open(url, parts.scheme, host, ip)
            try:
                if response.status_code in REDIRECTS and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    continue
                if response.status_code >= 400:
                    raise FetchError(f"HTTP {response.status_code} from {url}")
                return self._read(url, response, deadline)
            finally:
                response.close()
        raise FetchError(f"too many redirects (> {self.policy.max_redirects}) from {url}")

    def _open(self, url: str, scheme: str, host: str, ip: str) -> httpx.Response:
        target = httpx.URL(url).copy_with(host=ip)
        headers = {"Host": httpx.URL(url).netloc.decode("ascii")}
        extensions = {"sni_hostname": host} if scheme == "https" else {}
        try:
            request = self._http().build_request("GET", target, headers=headers,
                                                 extensions=extensions)
            return self._http().send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out after {self.policy.timeout:g} s: {url}") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"cannot fetch {url}: {type(exc).__name__}: {exc}") from exc

    def _read(self, url: str, response: httpx.Response, deadline: float) -> Fetched:
        ctype = response.headers.get("content-type", "")
        media = ctype.split(";")[0].strip().lower()
        if media and media not in READABLE_TYPES:
            raise FetchError(f"unsupported content type {media!r} at {url}")
        cap = self.policy.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchError(f"too large: {int(declared):,} bytes > {cap:,} at {url}")
        body = bytearray()
        try:
            for part in response.iter_bytes():
                body += part
                if len(body) > cap:
                    raise FetchError(f"too large: more than {cap:,} bytes at {url}")
                if time.monotonic() > deadline:
                    raise FetchError(f"timed out after {self.policy.timeout:g} s: {url}")
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out after {self.policy.timeout:g} s: {url}") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"cannot fetch {url}: {type(exc).__name__}: {exc}") from exc
        return Fetched(url, media, response.charset_encoding, bytes(body))


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))
