"""The fetcher against a real hostile HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gzip
import json
import zlib
from collections.abc import Coroutine, Iterator
from dataclasses import replace
from typing import Any, TypeVar

import pytest
from hostile_server import CP1252_TEXT, ETAG, LAST_MODIFIED, RUSSIAN_TEXT, UTF8_TEXT, HostileServer

from retold.ingest.fetch import (
    BadStatus,
    Fetcher,
    FetchError,
    FetchPolicy,
    FetchResult,
    FetchTimeout,
    NotHtml,
    RobotsDisallowed,
    TooLarge,
    TooManyRedirects,
    TruncatedBody,
    Unreachable,
)

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with HostileServer() as hostile:
        yield hostile


def policy_for(server: HostileServer, **changes: Any) -> FetchPolicy:
    """Fast, test-sized limits; only the hostile server itself is allowlisted."""
    base = FetchPolicy(
        allow_hosts=frozenset({f"127.0.0.1:{server.port}"}),
        per_host_delay=0,
        backoff=0.01,
        connect_timeout=2,
        read_timeout=2,
        total_timeout=5,
        max_bytes=1_000_000,
    )
    return replace(base, **changes)


def fetch(
    server: HostileServer, path: str, policy: FetchPolicy | None = None, **kw: Any
) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(policy or policy_for(server)) as fetcher:
            return await fetcher.fetch(server.url(path), **kw)

    return run(go())


def failure(
    server: HostileServer, path: str, policy: FetchPolicy | None = None, **kw: Any
) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetch(server, path, policy, **kw)
    message = str(info.value)
    assert message.endswith(".") and "\n" not in message  # one readable sentence
    return info.value


# -- the happy path ----------------------------------------------------------------------


def test_fetches_a_page_with_our_user_agent(server: HostileServer) -> None:
    result = fetch(server, "/page")
    assert result.status == 200
    assert result.content_type == "text/html"
    assert "<title>Hello</title>" in result.text
    assert result.url == server.url("/page")
    assert result.redirects == []
    assert not result.not_modified
    _, headers = server.log[-1]
    assert headers["User-Agent"].startswith("Retold/0.1 (+https://github.com/retold-news/retold")
    assert headers["Accept-Encoding"] == "gzip, deflate"


def test_user_agent_is_configurable(server: HostileServer) -> None:
    result = fetch(server, "/echo", policy_for(server, user_agent="MyPaper/2.0"), kind="any")
    assert json.loads(result.text)["User-Agent"] == "MyPaper/2.0"


def test_fragment_is_not_sent_and_not_kept(server: HostileServer) -> None:
    result = fetch(server, "/page#top")
    assert result.url == server.url("/page")


def test_gzip_body_is_decompressed(server: HostileServer) -> None:
    result = fetch(server, "/gzip-page")
    assert UTF8_TEXT in result.text
    assert result.body.startswith(b"<!doctype html>")


@pytest.mark.parametrize("wrap", [zlib.compress, lambda b: zlib.compress(b)[2:-4]])
def test_deflate_zlib_and_raw_are_both_read(server: HostileServer, wrap: Any) -> None:
    server.add(
        "/deflated",
        wrap(b"<html><p>deflated</p></html>"),
        headers=(("Content-Encoding", "deflate"),),
    )
    assert "<p>deflated</p>" in fetch(server, "/deflated").text


def test_unknown_content_encoding_is_refused(server: HostileServer) -> None:
    server.add("/brotli", b"\x1b\x00", headers=(("Content-Encoding", "br"),))
    error = failure(server, "/brotli")
    assert "br" in str(error)


# -- slow, huge, bombs, truncation ---------------------------------------------------------


def test_slow_drip_is_cut_off_by_the_total_timeout(server: HostileServer) -> None:
    # One byte every 0.1 s never trips the 2 s read timeout; only total wall time stops it.
    error = failure(server, "/slow-drip", policy_for(server, total_timeout=1))
    assert isinstance(error, FetchTimeout)
    assert "more than 1 s in total" in str(error)


def test_silent_server_trips_the_read_timeout(server: HostileServer) -> None:
    error = failure(server, "/silent", policy_for(server, read_timeout=0.3))
    assert isinstance(error, FetchTimeout)
    assert "sent nothing for 0.3 s" in str(error)


def test_endless_body_is_stopped_at_max_bytes(server: HostileServer) -> None:
    error = failure(server, "/huge")
    assert isinstance(error, TooLarge)


def test_announced_huge_body_is_refused_before_reading(server: HostileServer) -> None:
    error = failure(server, "/huge-declared")
    assert isinstance(error, TooLarge)
    assert "announces 1000.0 MB" in str(error)


def test_gzip_bomb_is_stopped_after_decompression(server: HostileServer) -> None:
    error = failure(server, "/gzip-bomb", policy_for(server, max_bytes=2_000_000))
    assert isinstance(error, TooLarge)
    assert "after decompression" in str(error)


def test_small_compressed_body_that_inflates_past_the_limit_is_refused(
    server: HostileServer,
) -> None:
    server.add(
        "/zipped-big", gzip.compress(b"a" * 3_000_000), headers=(("Content-Encoding", "gzip"),)
    )
    assert isinstance(failure(server, "/zipped-big"), TooLarge)


def test_truncated_body_is_a_clear_error(server: HostileServer) -> None:
    error = failure(server, "/truncated")
    assert isinstance(error, TruncatedBody)
    assert "after 100 bytes of the 1,000 it announced" in str(error)


# -- redirects ---------------------------------------------------------------------------------


def test_redirects_are_followed_and_recorded(server: HostileServer) -> None:
    result = fetch(server, "/chain/3")
    assert result.url == server.url("/chain/0")
    assert result.redirects == [server.url(f"/chain/{n}") for n in (3, 2, 1)]


def test_too_many_redirects(server: HostileServer) -> None:
    error = failure(server, "/chain/9", policy_for(server, max_redirects=5))
    assert isinstance(error, TooManyRedirects)
    assert "more than 5 times" in str(error)


def test_redirect_loop(server: HostileServer) -> None:
    error = failure(server, "/loop/a")
    assert isinstance(error, TooManyRedirects)
    assert "loop" in str(error)
    assert server.hits["/loop/a"] == 1 and server.hits["/loop/b"] == 1


def test_redirect_without_location_is_an_error(server: HostileServer) -> None:
    server.add("/nowhere", b"", status=302)
    assert isinstance(failure(server, "/nowhere"), BadStatus)


# -- retries -------------------------------------------------------------------------------


def test_429_with_retry_after_then_success(server: HostileServer) -> None:
    result = fetch(server, "/flaky?key=a&status=429&fail=1&retry_after=1")
    assert "Recovered" in result.text
    assert server.hits["/flaky"] == 2


def test_500_then_success(server: HostileServer) -> None:
    result = fetch(server, "/flaky?key=b&status=500&fail=2")
    assert "after 2 failures" in result.text
    assert server.hits["/flaky"] == 3


def test_persistent_503_gives_up_after_the_retries(server: HostileServer) -> None:
    error = failure(server, "/flaky?key=c&status=503&fail=99", policy_for(server, retries=2))
    assert isinstance(error, BadStatus)
    assert error.status == 503
    assert "503 Service Unavailable (after 3 attempts)" in str(error)
    assert server.hits["/flaky"] == 3


def test_retry_after_is_capped(server: HostileServer) -> None:
    # The server asks for an hour; the cap keeps the test (and a real run) moving.
    policy = policy_for(server, max_retry_after=0.05)
    result = fetch(server, "/flaky?key=d&status=503&fail=1&retry_after=3600", policy)
    assert result.status == 200


def test_404_is_not_retried(server: HostileServer) -> None:
    error = failure(server, "/status?code=404")
    assert isinstance(error, BadStatus)
    assert str(error) == f"{server.url('/status?code=404')} answered 404 Not Found."
    assert server.hits["/status"] == 1


def test_connection_refused_is_retried_then_reported(server: HostileServer) -> None:
    with HostileServer() as other:
        port = other.port  # a port that was just in use and is now closed
    policy = policy_for(server, allow_hosts=frozenset({f"127.0.0.1:{port}"}), retries=1)

    async def go() -> None:
        async with Fetcher(policy) as fetcher:
            await fetcher.fetch(f"http://127.0.0.1:{port}/page", ignore_robots=True)

    with pytest.raises(Unreachable, match="could not be reached"):
        run(go())


# -- conditional GET -----------------------------------------------------------------------


def test_conditional_get_with_etag(server: HostileServer) -> None:
    fresh = fetch(server, "/conditional")
    assert fresh.etag == ETAG and fresh.last_modified == LAST_MODIFIED
    again = fetch(server, "/conditional", etag=fresh.etag)
    assert again.not_modified and again.status == 304
    assert again.body == b"" and again.etag == ETAG
    _, headers = server.log[-1]
    assert headers["If-None-Match"] == ETAG


def test_answers_without_a_body_keep_the_connection(server: HostileServer) -> None:
    """A newsroom's feed reads are mostly 304s: each must not cost a new connection."""

    async def go() -> list[FetchResult]:
        async with Fetcher(policy_for(server)) as fetcher:
            first = await fetcher.fetch(server.url("/conditional"))
            return [first] + [
                await fetcher.fetch(server.url("/conditional"), etag=first.etag) for _ in range(5)
            ]

    results = run(go())
    assert [r.not_modified for r in results] == [False] + [True] * 5
    assert server.connections == 1  # robots.txt, the page and five 304s on one connection


def test_conditional_get_with_last_modified(server: HostileServer) -> None:
    again = fetch(server, "/conditional", last_modified=LAST_MODIFIED)
    assert again.not_modified
    _, headers = server.log[-1]
    assert headers["If-Modified-Since"] == LAST_MODIFIED


def test_changed_resource_is_fetched_in_full(server: HostileServer) -> None:
    result = fetch(server, "/conditional", etag='"old"')
    assert not result.not_modified and "Fresh" in result.text


# -- content types ------------------------------------------------------------------------


def test_non_html_is_refused_for_pages(server: HostileServer) -> None:
    error = failure(server, "/file.pdf")
    assert isinstance(error, NotHtml)
    assert str(error) == f"{server.url('/file.pdf')} is application/pdf, not an HTML page."


def test_feeds_accept_xml_and_refuse_pdf(server: HostileServer) -> None:
    feed = fetch(server, "/feed.xml", kind="feed")
    assert feed.content_type == "application/rss+xml" and UTF8_TEXT in feed.text
    assert isinstance(failure(server, "/file.pdf", kind="feed"), NotHtml)


def test_any_kind_returns_binary_without_text(server: HostileServer) -> None:
    result = fetch(server, "/file.pdf", kind="any")
    assert result.body.startswith(b"%PDF") and result.text == ""


def test_unlabelled_html_is_sniffed(server: HostileServer) -> None:
    assert fetch(server, "/unlabelled").content_type == "text/html"


def test_unlabelled_binary_is_refused(server: HostileServer) -> None:
    server.add("/blob", b"\x00\x01\x02binary", content_type="")
    assert isinstance(failure(server, "/blob"), NotHtml)


# -- charsets -----------------------------------------------------------------------------


def test_page_declared_latin1_but_really_utf8(server: HostileServer) -> None:
    result = fetch(server, "/charset/latin1-lie")
    assert UTF8_TEXT in result.text and result.encoding == "utf-8"


def test_meta_charset_when_header_has_none(server: HostileServer) -> None:
    result = fetch(server, "/charset/meta-only")
    assert CP1252_TEXT in result.text and result.encoding == "cp1252"


def test_header_says_utf8_but_bytes_are_cp1252(server: HostileServer) -> None:
    result = fetch(server, "/charset/header-utf8-really-cp1252")
    assert CP1252_TEXT in result.text


def test_bom_beats_the_header(server: HostileServer) -> None:
    result = fetch(server, "/charset/bom-utf16")
    assert UTF8_TEXT in result.text and result.encoding == "utf-16-le"


def test_undeclared_charset_is_detected(server: HostileServer) -> None:
    result = fetch(server, "/charset/undeclared-cp1251")
    assert RUSSIAN_TEXT.strip() in result.text


# -- robots.txt ------------------------------------------------------------------------------


def test_robots_disallow_and_override(server: HostileServer) -> None:
    server.robots = "User-agent: *\nDisallow: /private\n"

    async def go() -> tuple[FetchError, FetchResult, FetchResult]:
        async with Fetcher(policy_for(server)) as fetcher:
            with pytest.raises(RobotsDisallowed) as info:
                await fetcher.fetch(server.url("/private/page"))
            allowed = await fetcher.fetch(server.url("/page"))
            overridden = await fetcher.fetch(server.url("/private/page"), ignore_robots=True)
            return info.value, allowed, overridden

    error, allowed, overridden = run(go())
    assert "robots.txt on 127.0.0.1 does not allow Retold" in str(error)
    assert allowed.status == 200 and overridden.status == 200
    assert server.hits["/robots.txt"] == 1  # cached per host
    assert server.hits["/private/page"] == 1  # only the overriding fetch reached it


def test_robots_group_for_our_product_token(server: HostileServer) -> None:
    server.robots = "User-agent: retold\nDisallow: /page\n\nUser-agent: *\nDisallow: /\n"
    assert isinstance(failure(server, "/page"), RobotsDisallowed)
    assert fetch(server, "/chain/0").status == 200


def test_robots_fetched_once_under_concurrency(server: HostileServer) -> None:
    server.robots = "User-agent: *\nAllow: /\n"

    async def go() -> None:
        async with Fetcher(policy_for(server)) as fetcher:
            await asyncio.gather(*(fetcher.fetch(server.url("/page")) for _ in range(6)))

    run(go())
    assert server.hits["/robots.txt"] == 1


def test_missing_robots_allows_everything(server: HostileServer) -> None:
    assert fetch(server, "/private/page").status == 200
    assert server.hits["/robots.txt"] == 1


def test_unreachable_robots_means_disallow(server: HostileServer) -> None:
    server.robots, server.robots_status = "oops", 500
    error = failure(server, "/page", policy_for(server, retries=0))
    assert isinstance(error, RobotsDisallowed)
    assert "answered 500" in str(error)


def test_robots_can_be_switched_off(server: HostileServer) -> None:
    server.robots = "User-agent: *\nDisallow: /\n"
    assert fetch(server, "/page", policy_for(server, respect_robots=False)).status == 200
    assert server.hits["/robots.txt"] == 0


# -- concurrency ---------------------------------------------------------------------------


def _many(server: HostileServer, policy: FetchPolicy, hosts: list[str], each: int) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]  # every test host name is this one server

    async def go() -> None:
        async with Fetcher(policy, resolver=resolver) as fetcher:
            urls = [
                f"http://{h}:{server.port}/slow?s=0.15&n={i}" for h in hosts for i in range(each)
            ]
            await asyncio.gather(*(fetcher.fetch(u, ignore_robots=True) for u in urls))

    run(go())


def test_per_host_limit_is_respected(server: HostileServer) -> None:
    policy = policy_for(server, allow_hosts=frozenset({"127.0.0.1/32"}), per_host=2, concurrency=8)
    _many(server, policy, ["a.test"], each=6)
    assert server.hits["/slow"] == 6
    assert server.max_in_flight == 2


def test_global_limit_is_respected_across_hosts(server: HostileServer) -> None:
    policy = policy_for(server, allow_hosts=frozenset({"127.0.0.1/32"}), per_host=2, concurrency=3)
    _many(server, policy, ["a.test", "b.test", "c.test"], each=3)
    assert server.hits["/slow"] == 9
    assert server.max_in_flight == 3


def test_bad_urls_are_refused_with_a_sentence(server: HostileServer) -> None:
    async def go(url: str) -> None:
        async with Fetcher(policy_for(server)) as fetcher:
            await fetcher.fetch(url)

    for url in ("not a url", "http://", "ftp://example.com/file"):
        with pytest.raises(FetchError):
            run(go(url))
