"""Fetch pages and feeds from the real web: politely, safely, and within limits.

One :class:`Fetcher` per run. It keeps a global and a per-host concurrency limit
and spaces requests to the same host; asks robots.txt first; sends conditional
GETs; follows redirects itself so the SSRF guard sees every hop; retries 429, 5xx
and dropped connections with backoff (honouring ``Retry-After``); stops slow,
huge, compressed-bomb and truncated responses; and decodes text in the charset
the page really uses.

    async with Fetcher(FetchPolicy(per_host_delay=0)) as fetcher:
        result = await fetcher.fetch("https://example.com/news/1")
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import random
import ssl
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Literal, Protocol

import httpcore
import httpx

from retold.ingest import charset
from retold.ingest.netguard import AddressGuard, BlockedAddressError, GuardedTransport, Resolver
from retold.ingest.robots import ROBOTS_MAX_BYTES, RobotsCache
from retold.ingest.schedule import fresh_for_seconds
from retold.ingest.urls import safe_http_url

Kind = Literal["page", "feed", "any"]

USER_AGENT = "Retold/0.1 (+https://github.com/retold-news/retold; newsroom bot)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_ACCEPT = {
    "page": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    "feed": (
        "application/rss+xml,application/atom+xml,application/feed+json,"
        "application/xml;q=0.9,text/xml;q=0.9,application/json;q=0.8,*/*;q=0.1"
    ),
    "any": "*/*",
}
_CHUNK = 65_536


@dataclass(frozen=True)
class FetchPolicy:
    """Every knob of the fetcher, with polite defaults."""

    user_agent: str = USER_AGENT
    concurrency: int = 8  # requests in flight, all hosts together
    per_host: int = 2  # requests in flight to one host
    per_host_delay: float = 1.0  # seconds between the starts of two requests to one host
    connect_timeout: float = 5
    read_timeout: float = 15  # longest silence while reading
    total_timeout: float = 30  # wall time of one request, connect to last byte
    max_bytes: int = 5_000_000  # after decompression
    max_redirects: int = 5
    retries: int = 3
    backoff: float = 0.5  # first retry waits about this long, then doubling, plus jitter
    max_retry_after: float = 30  # cap on a server's Retry-After
    respect_robots: bool = True
    max_crawl_delay: float = 10  # cap on a robots.txt Crawl-delay
    allow_hosts: frozenset[str] = frozenset()  # SSRF allowlist: host, host:port or CIDR
    block_private: bool = True
    dns_cache: float = 60  # seconds a checked DNS answer is reused (check and connect agree)
    verify_tls: bool = True
    ca_bundle: str = ""  # PEM file of extra trusted CAs (a company proxy, a test server)

    def __post_init__(self) -> None:
        for name in ("concurrency", "per_host", "max_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(f"The fetch policy's {name} must be at least 1.")
        for name in ("connect_timeout", "read_timeout", "total_timeout"):
            if getattr(self, name) <= 0:
                raise ValueError(f"The fetch policy's {name} must be more than 0 seconds.")
        if min(self.per_host_delay, self.backoff, self.retries, self.max_redirects) < 0:
            raise ValueError("The fetch policy's delays and counts cannot be negative.")


@dataclass(frozen=True)
class FetchResult:
    url: str  # final URL, after redirects
    status: int
    content_type: str  # the MIME type, lower case, without parameters
    body: bytes  # decompressed
    text: str  # decoded with charset detection; empty for binary types
    encoding: str
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False  # the server answered 304 to our conditional GET
    redirects: list[str] = field(default_factory=list)  # URLs that redirected, in order
    fresh_for: float | None = None  # seconds the server says the answer stays fresh


class FetchError(Exception):
    """A fetch failed; the message is one sentence a user can read."""

    retryable = False

    def __init__(
        self, message: str, *, url: str = "", status: int = 0, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.retry_after = retry_after  # seconds the server asked us to stay away


class BlockedAddress(FetchError):
    """The URL, or a redirect, points at an address the SSRF guard refuses."""


class RobotsDisallowed(FetchError):
    """robots.txt does not allow us to fetch the URL."""


class TooLarge(FetchError):
    """The body is larger than ``max_bytes`` after decompression."""


class NotHtml(FetchError):
    """The content type is not one the caller asked for."""


class TooManyRedirects(FetchError):
    """More redirects than ``max_redirects``, or a loop."""


class FetchTimeout(FetchError):
    """Connect, read or total time ran out."""


class BadStatus(FetchError):
    """The server answered with an error status."""


class Unreachable(FetchError):
    """No connection, a dropped connection or a broken HTTP exchange."""

    retryable = True


class TruncatedBody(Unreachable):
    """The connection closed before the announced body arrived."""


class _Retry(Exception):
    """An answer worth retrying (429, 5xx); carries the server's Retry-After."""

    def __init__(self, status: int, reason: str, retry_after: float | None) -> None:
        super().__init__(f"{status} {reason}")
        self.status = status
        self.reason = reason
        self.retry_after = retry_after


def retry_after_seconds(value: str, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta seconds or an HTTP date)."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def mime_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def type_allowed(kind: Kind, mime: str) -> bool:
    """Whether a MIME type is what a fetch of this kind is for."""
    if kind == "any":
        return True
    if kind == "page":
        return mime in PAGE_TYPES
    return mime.startswith("text/") or mime.endswith(("xml", "json"))


def sniff_type(body: bytes) -> str:
    """A MIME type for an unlabelled body: HTML, XML, JSON or octet-stream."""
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "text/html"
    if head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf")):
        return "application/xml"
    if head.startswith((b"{", b"[")):
        return "application/json"
    return "application/octet-stream"


def _is_textual(mime: str) -> bool:
    return mime.startswith("text/") or mime.endswith(("xml", "json", "javascript"))


class _Inflater:
    """One ``Content-Encoding`` step that never produces more than a chunk at a time.

    httpx's own decoders inflate each network chunk in one go, so 64 KiB of a
    gzip bomb becomes 64 MiB in memory before any limit can look at it; here the
    output comes in bounded pieces and the caller stops as soon as it has enough.
    """

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._first = True
        self._d = self._new()

    def _new(self, raw_deflate: bool = False) -> zlib._Decompress:
        if self.encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(-zlib.MAX_WBITS if raw_deflate else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                out = self._d.decompress(data, _CHUNK)
            except zlib.error:
                if self.encoding == "deflate" and self._first:  # some servers send raw deflate
                    self._first = False
                    self._d = self._new(raw_deflate=True)
                    continue
                raise
            self._first = False
            if out:
                yield out
            if self._d.eof and self._d.unused_data and self.encoding != "deflate":
                data = self._d.unused_data  # the next member of a multi-member gzip
                self._d = self._new()
            else:
                data = self._d.unconsumed_tail

    def flush(self) -> Iterator[bytes]:
        out = self._d.flush()
        if out:
            yield out


class _BodyDecoder:
    """All the ``Content-Encoding`` steps of a response, undone lazily."""

    def __init__(self, content_encoding: str, url: str) -> None:
        names = [e.strip().lower() for e in content_encoding.split(",") if e.strip()]
        names = [n for n in names if n != "identity"]
        for name in names:
            if name not in ("gzip", "x-gzip", "deflate"):
                raise FetchError(
                    f"{url} is compressed with {name}, which Retold cannot read.", url=url
                )
        self._steps = [_Inflater(n) for n in reversed(names)]  # applied last → undone first

    def feed(self, data: bytes) -> Iterator[bytes]:
        return self._through(iter([data]), 0)

    def flush(self) -> Iterator[bytes]:
        return self._flush_from(0)

    def _through(self, pieces: Iterator[bytes], step: int) -> Iterator[bytes]:
        if step == len(self._steps):
            yield from pieces
            return
        for piece in pieces:
            yield from self._through(self._steps[step].feed(piece), step + 1)

    def _flush_from(self, step: int) -> Iterator[bytes]:
        if step == len(self._steps):
            return
        yield from self._through(self._steps[step].flush(), step + 1)
        yield from self._flush_from(step + 1)


@dataclass
class _Answer:
    status: int
    reason: str
    headers: httpx.Headers
    mime: str = ""
    body: bytes = b""


@dataclass
class _Host:
    slots: asyncio.Semaphore
    crawl_delay: float = 0.0


class HostTurns(Protocol):
    """Whose turn it is to start a request to a host: reserve one, learn how long to wait."""

    async def reserve(self, host: str, delay: float) -> float:
        """Take the next start to ``host`` (then ``delay`` seconds until the one after);
        return the seconds to wait before starting."""
        ...


class LocalTurns:
    """Turns kept in this process (one `retold run`); workers share theirs in Redis."""

    def __init__(self) -> None:
        self._next: dict[str, float] = {}
        self._lock = asyncio.Lock()

    async def reserve(self, host: str, delay: float) -> float:
        async with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, 0.0))
            self._next[host] = start + delay
        return start - now


def _clean_url(url: str | httpx.URL) -> str:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise FetchError(f"{url!s} is not a valid URL ({exc}).", url=str(url)) from exc
    if not parsed.host and parsed.scheme in ("http", "https", ""):
        raise FetchError(f"{url!s} is not a full http(s) URL.", url=str(url))
    return str(parsed.copy_with(fragment=None))


def _join(base: str, location: str) -> str:
    try:
        return str(httpx.URL(base).join(location))
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise FetchError(
            f"{base} redirects to {location!r}, which is not a valid URL.", url=base
        ) from exc


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


# A redirect, 304 or error body up to this size is read to its end and dropped, so the
# connection goes back to the pool: otherwise every conditional GET answered 304 (most
# feed reads, once a newsroom runs) cost a new TCP and TLS handshake.
DRAIN_LIMIT = 64 * 1024


async def _drain(response: httpx.Response) -> None:
    declared = response.headers.get("content-length", "")
    bodiless = response.status_code in (204, 304)
    if not bodiless and not (declared.isdigit() and int(declared) <= DRAIN_LIMIT):
        return  # unknown or large: closing the connection is cheaper than reading it
    seen = 0
    try:
        async for raw in response.aiter_raw():
            seen += len(raw)
            if seen > DRAIN_LIMIT:  # a server that lied about the length
                return
    except httpx.HTTPError:
        return  # a body that stalls or breaks off: the status is the answer all the same


class Fetcher:
    """The one way Retold fetches anything from the web. Use as an async context manager."""

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        resolver: Resolver | None = None,
        turns: HostTurns | None = None,
    ):
        self.policy = policy = policy or FetchPolicy()
        self.turns = turns or LocalTurns()
        self.guard = AddressGuard(
            allow=policy.allow_hosts,
            block_private=policy.block_private,
            resolver=resolver,
            cache_seconds=policy.dns_cache,
        )
        limits = httpx.Limits(
            max_connections=policy.concurrency, max_keepalive_connections=policy.concurrency
        )
        verify: bool | ssl.SSLContext = policy.verify_tls
        if policy.verify_tls and policy.ca_bundle:
            verify = ssl.create_default_context(cafile=policy.ca_bundle)
        self._client = httpx.AsyncClient(
            transport=GuardedTransport(self.guard, verify=verify, limits=limits),
            timeout=httpx.Timeout(
                connect=policy.connect_timeout,
                read=policy.read_timeout,
                write=policy.read_timeout,
                pool=policy.total_timeout,
            ),
            headers={"User-Agent": policy.user_agent, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=False,
            trust_env=False,  # an environment proxy would bypass the address guard
        )
        self._global = asyncio.Semaphore(policy.concurrency)
        self._hosts: dict[str, _Host] = {}
        self.robots = RobotsCache(policy.user_agent, self._get_robots)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        kind: Kind = "page",
        etag: str = "",
        last_modified: str = "",
        ignore_robots: bool = False,
    ) -> FetchResult:
        """Fetch one URL; raise a :class:`FetchError` subclass with a readable reason."""
        if kind not in _ACCEPT:
            raise ValueError(f"kind must be 'page', 'feed' or 'any', not {kind!r}")
        headers = {"Accept": _ACCEPT[kind]}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return await self._follow(
            url,
            kind=kind,
            headers=headers,
            ignore_robots=ignore_robots,
            max_bytes=self.policy.max_bytes,
            conditional=bool(etag or last_modified),
        )

    # -- redirects, one hop at a time -------------------------------------------------

    async def _follow(
        self,
        url: str,
        *,
        kind: Kind,
        headers: dict[str, str],
        ignore_robots: bool,
        max_bytes: int,
        conditional: bool = False,
        truncate: bool = False,
    ) -> FetchResult:
        first = current = _clean_url(url)
        redirects: list[str] = []
        while True:
            await self._preflight(current, first, redirects, ignore_robots)
            answer = await self._with_retries(current, kind, headers, max_bytes, truncate)
            if answer.status in REDIRECT_STATUSES:
                location = answer.headers.get("location", "").strip()
                if not location:
                    raise BadStatus(
                        f"{current} answered {answer.status} without saying where to go.",
                        url=current,
                        status=answer.status,
                    )
                target = _clean_url(_join(current, location))
                if safe_http_url(target) is None:  # file:, data:, javascript:, ...
                    scheme = target.split(":", 1)[0][:20]
                    raise BlockedAddress(
                        f"{first} redirects to a {scheme}: URL; Retold follows only http(s).",
                        url=current,
                    )
                redirects.append(current)
                if target in redirects:
                    raise TooManyRedirects(
                        f"{first} redirects in a loop ({current} sends back to {target}).",
                        url=first,
                    )
                if len(redirects) > self.policy.max_redirects:
                    raise TooManyRedirects(
                        f"{first} redirected more than {self.policy.max_redirects} times.",
                        url=first,
                    )
                current = target
                continue
            return self._result(current, answer, kind, redirects, conditional)

    async def _preflight(
        self, url: str, first: str, redirects: list[str], ignore_robots: bool
    ) -> None:
        """Check the address and robots.txt before any request to ``url``."""
        where = f"{first} redirects to {url}, which" if redirects else url
        try:
            await self.guard.check_url(url)
        except BlockedAddressError as exc:
            raise BlockedAddress(f"{where} was not fetched: {exc}", url=url) from exc
        except httpcore.ConnectError as exc:  # the name does not resolve
            raise Unreachable(f"{where} could not be reached: {exc}", url=url) from None
        if not self.policy.respect_robots or ignore_robots:
            return
        rules = await self.robots.rules_for(url)
        host = httpx.URL(url).host
        if rules.crawl_delay:
            self._host(host).crawl_delay = min(rules.crawl_delay, self.policy.max_crawl_delay)
        if rules.disallow_all and rules.note:
            raise RobotsDisallowed(
                f"robots.txt on {host} could not be read ({rules.note}),"
                f" so Retold assumes it may not fetch {url}.",
                url=url,
            )
        if not rules.allows(url):
            raise RobotsDisallowed(
                f"robots.txt on {host} does not allow Retold to fetch {url}.", url=url
            )

    def _result(
        self, url: str, answer: _Answer, kind: Kind, redirects: list[str], conditional: bool
    ) -> FetchResult:
        etag = answer.headers.get("etag", "")
        last_modified = answer.headers.get("last-modified", "")
        if answer.status == 304 and conditional:
            return FetchResult(
                url=url,
                status=304,
                content_type="",
                body=b"",
                text="",
                encoding="",
                etag=etag,
                last_modified=last_modified,
                not_modified=True,
                redirects=redirects,
                fresh_for=fresh_for_seconds(answer.headers),
            )
        if not 200 <= answer.status < 300:
            raise BadStatus(
                f"{url} answered {answer.status} {answer.reason}.".replace(" .", "."),
                url=url,
                status=answer.status,
            )
        mime = answer.mime
        text, encoding = "", ""
        if _is_textual(mime):
            decoded = charset.decode(answer.body, answer.headers.get("content-type", ""))
            text, encoding = decoded.text, decoded.encoding
        return FetchResult(
            url=url,
            status=answer.status,
            content_type=mime,
            body=answer.body,
            text=text,
            encoding=encoding,
            etag=etag,
            last_modified=last_modified,
            redirects=redirects,
            fresh_for=fresh_for_seconds(answer.headers),
        )

    # -- retries ---------------------------------------------------------------------

    async def _with_retries(
        self, url: str, kind: Kind, headers: dict[str, str], max_bytes: int, truncate: bool
    ) -> _Answer:
        policy = self.policy
        attempt = 0
        while True:
            try:
                return await self._exchange(url, kind, headers, max_bytes, truncate)
            except _Retry as answer:
                if attempt >= policy.retries:
                    raise BadStatus(
                        f"{url} answered {answer} (after {attempt + 1} attempts).",
                        url=url,
                        status=answer.status,
                        retry_after=answer.retry_after,
                    ) from None
                wait = answer.retry_after
                if wait is None:
                    wait = self._backoff(attempt)
                await asyncio.sleep(min(wait, policy.max_retry_after))
            except FetchError as exc:
                if not exc.retryable or attempt >= policy.retries:
                    raise
                await asyncio.sleep(self._backoff(attempt))
            attempt += 1

    def _backoff(self, attempt: int) -> float:
        base = self.policy.backoff
        return base * (2.0**attempt) + random.uniform(0, base)

    # -- one HTTP exchange -------------------------------------------------------------

    def _host(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host(asyncio.Semaphore(self.policy.per_host))
        return state

    @contextlib.asynccontextmanager
    async def _slot(self, host: str) -> AsyncIterator[None]:
        """A per-host slot, the host's turn (per-host delay), then a global slot."""
        state = self._host(host)
        async with state.slots:
            delay = max(self.policy.per_host_delay, state.crawl_delay)
            wait = await self.turns.reserve(host, delay)
            if wait > 0:
                await asyncio.sleep(wait)
            async with self._global:
                yield

    async def _exchange(
        self, url: str, kind: Kind, headers: dict[str, str], max_bytes: int, truncate: bool
    ) -> _Answer:
        policy = self.policy
        async with self._slot(httpx.URL(url).host):
            try:
                async with asyncio.timeout(policy.total_timeout):
                    return await self._request(url, kind, headers, max_bytes, truncate)
            except TimeoutError:
                raise FetchTimeout(
                    f"{url} took more than {policy.total_timeout:g} s in total; Retold gave up.",
                    url=url,
                ) from None
            except BlockedAddressError as exc:
                raise BlockedAddress(f"{url} was not fetched: {exc}", url=url) from exc
            except httpx.ConnectTimeout:
                error = FetchTimeout(
                    f"{url} did not accept a connection within {policy.connect_timeout:g} s.",
                    url=url,
                )
                error.retryable = True
                raise error from None
            except httpx.ReadTimeout:
                raise FetchTimeout(
                    f"{url} sent nothing for {policy.read_timeout:g} s; Retold gave up.", url=url
                ) from None
            except httpx.TimeoutException as exc:
                raise FetchTimeout(f"{url} timed out ({exc}).", url=url) from None
            except httpx.ConnectError as exc:
                raise Unreachable(f"{url} could not be reached ({exc}).", url=url) from None
            except httpx.TransportError as exc:
                raise Unreachable(f"{url} broke off the exchange ({exc}).", url=url) from None
            except httpx.InvalidURL as exc:
                # httpx builds the next request from a Location header even when it does
                # not follow it, and a hostile "javascript:x" there is an InvalidURL.
                raise BlockedAddress(
                    f"{url} redirects to a URL that is not a valid http(s) URL ({exc}).", url=url
                ) from None

    async def _request(
        self, url: str, kind: Kind, headers: dict[str, str], max_bytes: int, truncate: bool
    ) -> _Answer:
        async with self._client.stream("GET", url, headers=headers) as response:
            answer = _Answer(response.status_code, _reason(response), response.headers)
            if answer.status in RETRY_STATUSES:
                raise _Retry(
                    answer.status,
                    answer.reason,
                    retry_after_seconds(response.headers.get("retry-after", "")),
                )
            if not 200 <= answer.status < 300:
                await _drain(response)  # redirects and errors: the body is not needed
                return answer
            answer.mime = mime_type(response.headers.get("content-type", ""))
            sniff = answer.mime in ("", "application/octet-stream")
            if not sniff and not type_allowed(kind, answer.mime):
                raise NotHtml(_not_wanted(url, answer.mime, kind), url=url)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes and not truncate:
                raise TooLarge(
                    f"{url} announces {_size(int(declared))}, more than the"
                    f" {_size(max_bytes)} limit.",
                    url=url,
                )
            answer.body = await self._read_body(response, url, max_bytes, truncate)
            if sniff:
                answer.mime = sniff_type(answer.body)
                if not type_allowed(kind, answer.mime):
                    raise NotHtml(_not_wanted(url, answer.mime, kind, labelled=False), url=url)
            return answer

    async def _read_body(
        self, response: httpx.Response, url: str, max_bytes: int, truncate: bool
    ) -> bytes:
        decoder = _BodyDecoder(response.headers.get("content-encoding", ""), url)
        parts: list[bytes] = []
        size = 0
        received = 0

        def take(pieces: Iterator[bytes]) -> bool:
            """Keep pieces until the limit; True when the limit is reached."""
            nonlocal size
            for piece in pieces:
                if size + len(piece) > max_bytes:
                    if truncate:
                        parts.append(piece[: max_bytes - size])
                        size = max_bytes
                        return True
                    raise TooLarge(
                        f"{url} is larger than the {_size(max_bytes)} limit"
                        " (counted after decompression).",
                        url=url,
                    )
                parts.append(piece)
                size += len(piece)
            return False

        try:
            async for raw in response.aiter_raw():
                received += len(raw)
                if take(decoder.feed(raw)):
                    return b"".join(parts)
            take(decoder.flush())
        except zlib.error as exc:
            raise FetchError(f"{url} sent a corrupt compressed body ({exc}).", url=url) from None
        except httpx.RemoteProtocolError as exc:
            declared = response.headers.get("content-length", "")
            expected = f" of the {int(declared):,} it announced" if declared.isdigit() else ""
            raise TruncatedBody(
                f"{url} closed the connection after {received:,} bytes{expected}.", url=url
            ) from exc
        return b"".join(parts)

    # -- robots.txt ------------------------------------------------------------------

    async def _get_robots(self, url: str) -> tuple[int, bytes]:
        try:
            result = await self._follow(
                url,
                kind="any",
                headers={"Accept": "text/plain,*/*;q=0.1"},
                ignore_robots=True,
                max_bytes=ROBOTS_MAX_BYTES,
                truncate=True,
            )
        except BadStatus as exc:
            return exc.status, b""
        return result.status, result.body


def _reason(response: httpx.Response) -> str:
    if response.reason_phrase:
        return response.reason_phrase
    try:
        return HTTPStatus(response.status_code).phrase
    except ValueError:
        return ""


def _not_wanted(url: str, mime: str, kind: Kind, *, labelled: bool = True) -> str:
    what = "an HTML page" if kind == "page" else "a feed"
    if labelled:
        return f"{url} is {mime}, not {what}."
    return f"{url} has no usable Content-Type and does not look like {what}."
