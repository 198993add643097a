"""Per-source schedules: what feeds and servers ask for, and who honours it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from retold.ingest.feeds import parse_feed
from retold.ingest.schedule import (
    MAX_REFRESH,
    feed_refresh_seconds,
    fresh_for_seconds,
    refresh_delay,
)
from retold.store.schema import Source
from retold.store.sources import is_due, record_failure, record_success

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_feed_asks_ttl_and_syndication_module() -> None:
    assert feed_refresh_seconds("30") == 1800
    assert feed_refresh_seconds(" 45 ") == 2700
    assert feed_refresh_seconds(None, "hourly", "2") == 1800  # twice an hour
    assert feed_refresh_seconds(None, "daily") == 86400
    assert feed_refresh_seconds("10", "hourly") == 3600  # the longer ask wins
    for junk in ("", "soon", "-5", "0", "nan", "inf"):
        assert feed_refresh_seconds(junk) is None
    assert feed_refresh_seconds(None, "fortnightly") is None


def test_server_asks_cache_control_and_expires() -> None:
    assert fresh_for_seconds({"cache-control": "public, max-age=600"}) == 600
    assert fresh_for_seconds({"cache-control": "max-age=60, s-maxage=300"}) == 300
    assert fresh_for_seconds({"cache-control": "no-cache, max-age=600"}) is None
    assert fresh_for_seconds({"cache-control": "private"}) is None
    expires = {
        "date": "Thu, 03 Dec 2026 12:00:00 GMT",
        "expires": "Thu, 03 Dec 2026 12:20:00 GMT",
    }
    assert fresh_for_seconds(expires) == 1200
    assert fresh_for_seconds({"expires": "0"}) is None  # "already expired" in HTTP/1.0 style
    assert fresh_for_seconds({}) is None


def test_the_longest_ask_wins_up_to_a_day() -> None:
    assert refresh_delay(None, None) is None
    assert refresh_delay(600, 1800.0, None) == timedelta(minutes=30)
    assert refresh_delay(365 * 86400) == MAX_REFRESH


def test_parsed_feeds_carry_their_pace() -> None:
    rss = (
        b'<?xml version="1.0"?><rss version="2.0" '
        b'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel><title>T</title>'
        b"<link>https://a.example/</link><ttl>20</ttl><sy:updatePeriod>hourly"
        b"</sy:updatePeriod><sy:updateFrequency>1</sy:updateFrequency>"
        b"<item><title>One</title><link>https://a.example/1</link></item></channel></rss>"
    )
    assert parse_feed(rss, "https://a.example/feed.xml").refresh == 3600
    plain = rss.replace(b"<ttl>20</ttl>", b"").replace(b"hourly", b"")
    assert parse_feed(plain, "https://a.example/feed.xml").refresh is None


def test_a_schedule_is_honoured_only_when_asked_backoff_always() -> None:
    source = Source(
        url="https://a.example/feed.xml", kind="feed", consecutive_failures=0, items_seen=0
    )
    record_success(source, 3, refresh=timedelta(minutes=30))
    later = datetime.now(UTC) + timedelta(minutes=10)
    assert is_due(source, later)  # a plain run reads it
    assert not is_due(source, later, scheduled=True)  # watch waits for the feed's pace
    assert is_due(source, later + timedelta(minutes=25), scheduled=True)
    # A server's Retry-After outlasts the back-off, and every run honours it.
    record_failure(source, "503", retry_after=timedelta(hours=2))
    assert not is_due(source, later + timedelta(hours=1))
    assert is_due(source, later + timedelta(hours=2))
