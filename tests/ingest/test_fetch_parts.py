"""The fetcher's pure parts: charset choice, robots.txt rules, Retry-After, content types."""

from __future__ import annotations

import asyncio
import codecs
from datetime import UTC, datetime, timedelta

import pytest

from retold.ingest import charset
from retold.ingest.fetch import retry_after_seconds, sniff_type, type_allowed
from retold.ingest.robots import RobotsCache, parse_robots, product_token

UA = "Retold/0.1 (+https://github.com/retold-news/retold; newsroom bot)"

# -- charset ---------------------------------------------------------------------------------


def test_utf8_declared_as_latin1_is_read_as_utf8() -> None:
    body = "<p>Zürich — “news”</p>".encode()
    decoded = charset.decode(body, "text/html; charset=ISO-8859-1")
    assert decoded.text == "<p>Zürich — “news”</p>" and decoded.encoding == "utf-8"


def test_real_latin1_stays_latin1() -> None:
    body = "<p>Zürich, déjà vu</p>".encode("latin-1")
    decoded = charset.decode(body, "text/html; charset=iso-8859-1")
    assert decoded.text == "<p>Zürich, déjà vu</p>" and decoded.source == "header"


def test_meta_charset_is_used_without_a_header_charset() -> None:
    body = '<meta charset="windows-1252"><p>“smart”</p>'.encode("cp1252")
    assert charset.decode(body, "text/html").text.endswith("<p>“smart”</p>")


def test_meta_http_equiv_is_read() -> None:
    body = '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r"><p>Мир</p>'
    decoded = charset.decode(body.encode("koi8-r"))
    assert "Мир" in decoded.text and decoded.encoding == "koi8-r"


def test_xml_declaration_is_read() -> None:
    body = '<?xml version="1.0" encoding="ISO-8859-15"?><rss><title>€</title></rss>'
    assert "€" in charset.decode(body.encode("iso-8859-15"), "application/rss+xml").text


def test_header_that_cannot_decode_falls_back_to_meta() -> None:
    body = '<meta charset="windows-1252"><p>café</p>'.encode("cp1252")
    decoded = charset.decode(body, "text/html; charset=utf-8")
    assert "café" in decoded.text and decoded.source == "meta"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_bom_wins(bom: bytes, codec: str) -> None:
    decoded = charset.decode(bom + "<p>naïve</p>".encode(codec), "text/html; charset=latin-1")
    assert decoded.text == "<p>naïve</p>" and decoded.source == "bom"


def test_unknown_label_is_ignored() -> None:
    assert charset.decode(b"<p>plain</p>", "text/html; charset=x-nonsense").text == "<p>plain</p>"


def test_undeclared_legacy_text_is_detected() -> None:
    text = "Ελληνικά νέα: η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία και την ανάπτυξη. " * 5
    decoded = charset.decode(text.encode("iso-8859-7"))
    assert decoded.text == text and decoded.source == "detected"


def test_latin1_label_means_windows_1252() -> None:
    assert charset.codec_name("ISO-8859-1") == "cp1252"
    assert charset.codec_name("utf8") == "utf-8"
    assert charset.codec_name("nonsense") is None


# -- robots.txt ------------------------------------------------------------------------------


def test_product_token() -> None:
    assert product_token(UA) == "retold"
    assert product_token("Mozilla/5.0") == "mozilla"


def test_longest_match_wins_and_allow_wins_ties() -> None:
    rules = parse_robots(
        "User-agent: *\nDisallow: /news\nAllow: /news/public\nAllow: /same\nDisallow: /same\n", UA
    )
    assert not rules.allows("/news/secret")
    assert rules.allows("/news/public/1")
    assert rules.allows("/same")
    assert rules.allows("/other")
    assert rules.allows("/robots.txt")


def test_wildcards_and_end_anchor() -> None:
    rules = parse_robots("User-agent: *\nDisallow: /*.pdf$\nDisallow: /*?print=\n", UA)
    assert not rules.allows("https://x.test/report.pdf")
    assert rules.allows("https://x.test/report.pdf.html")
    assert not rules.allows("https://x.test/story?print=1")
    assert rules.allows("https://x.test/story?page=2")


def test_our_group_beats_star_and_groups_can_share_rules() -> None:
    text = (
        "User-agent: otherbot\nUser-agent: retold\nDisallow: /drafts\nCrawl-delay: 2\n\n"
        "User-agent: *\nDisallow: /\n"
    )
    rules = parse_robots(text, UA)
    assert rules.allows("/news") and not rules.allows("/drafts/1")
    assert rules.crawl_delay == 2


def test_empty_disallow_and_comments() -> None:
    rules = parse_robots("# hello\nUser-agent: * # everyone\nDisallow:\n", UA)
    assert rules.allows("/anything")


def test_percent_encoding_is_compared_consistently() -> None:
    rules = parse_robots("User-agent: *\nDisallow: /café\n", UA)
    assert not rules.allows("/caf%C3%A9/menu")


def test_robots_cache_statuses() -> None:
    answers = {
        "http://ok.test/robots.txt": (200, b"User-agent: *\nDisallow: /x\n"),
        "http://gone.test/robots.txt": (404, b""),
        "http://down.test/robots.txt": (503, b""),
    }
    calls: list[str] = []

    async def get(url: str) -> tuple[int, bytes]:
        calls.append(url)
        if url == "http://broken.test/robots.txt":
            raise OSError("connection refused")
        return answers[url]

    async def go() -> None:
        cache = RobotsCache(UA, get)
        assert not (await cache.rules_for("http://ok.test/x/1")).allows("/x/1")
        assert (await cache.rules_for("http://ok.test/y")).allows("/y")
        assert (await cache.rules_for("http://gone.test/a")).allows("/a")
        down = await cache.rules_for("http://down.test/a")
        assert not down.allows("/a") and "503" in down.note
        broken = await cache.rules_for("http://broken.test/a")
        assert not broken.allows("/a") and "connection refused" in broken.note

    asyncio.run(go())
    assert calls.count("http://ok.test/robots.txt") == 1


# -- Retry-After and content types -----------------------------------------------------------------


def test_retry_after_seconds_and_dates() -> None:
    now = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Wed, 25 Nov 2026 12:00:30 GMT", now) == 30
    assert retry_after_seconds("Wed, 25 Nov 2026 11:00:00 GMT", now) == 0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("") is None
    later = now + timedelta(seconds=5)
    assert retry_after_seconds(later.strftime("%a, %d %b %Y %H:%M:%S GMT"), now) == 5


@pytest.mark.parametrize(
    ("kind", "mime", "allowed"),
    [
        ("page", "text/html", True),
        ("page", "application/xhtml+xml", True),
        ("page", "application/pdf", False),
        ("page", "application/json", False),
        ("feed", "application/rss+xml", True),
        ("feed", "application/atom+xml", True),
        ("feed", "application/feed+json", True),
        ("feed", "text/xml", True),
        ("feed", "text/plain", True),
        ("feed", "image/png", False),
        ("any", "image/png", True),
    ],
)
def test_type_allowed(kind: str, mime: str, allowed: bool) -> None:
    assert type_allowed(kind, mime) is allowed  # type: ignore[arg-type]


def test_sniff_type() -> None:
    assert sniff_type(b"\n  <!DOCTYPE html><html>") == "text/html"
    assert sniff_type(b'<?xml version="1.0"?><rss>') == "application/xml"
    assert sniff_type(b'{"version": "https://jsonfeed.org/version/1.1"}') == "application/json"
    assert sniff_type(b"\x89PNG\r\n") == "application/octet-stream"
