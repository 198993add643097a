"""When to read a source again: what the feed and its server ask for.

A feed can say how often it changes (RSS ``<ttl>`` in minutes; the syndication
module's ``sy:updatePeriod`` and ``sy:updateFrequency``), and its server how long an
answer stays fresh (``Cache-Control: max-age``/``s-maxage``, or ``Expires`` against
``Date``) or how long to stay away (``Retry-After`` on 429 and 503). `retold watch`
reads a source no sooner than the longest of these asks, and never later than
``MAX_REFRESH`` (a feed that claims to change yearly still gets read daily).

Pure functions: header and feed values in, seconds out (None when nothing was said).
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

MAX_REFRESH = timedelta(hours=24)

_PERIOD_SECONDS = {
    "hourly": 3600.0,
    "daily": 86400.0,
    "weekly": 7 * 86400.0,
    "monthly": 30 * 86400.0,
    "yearly": 365 * 86400.0,
}
_MAX_AGE = re.compile(r"(?:^|,)\s*(s-maxage|max-age)\s*=\s*\"?(\d+)\"?", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|,)\s*(no-store|no-cache)\b", re.IGNORECASE)


def feed_refresh_seconds(
    ttl: object = None, update_period: object = None, update_frequency: object = None
) -> float | None:
    """How often a feed says it changes, in seconds (the longer of ttl and sy:)."""
    asks: list[float] = []
    minutes = _number(ttl)
    if minutes is not None and minutes > 0:
        asks.append(minutes * 60)
    period = _PERIOD_SECONDS.get(str(update_period or "").strip().lower())
    if period is not None:
        times = _number(update_frequency)
        asks.append(period / (times if times and times >= 1 else 1.0))
    return max(asks) if asks else None


def fresh_for_seconds(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """How long the server says its answer stays fresh, in seconds (None: not said)."""
    cache_control = headers.get("cache-control", "")
    if _NO_CACHE.search(cache_control):
        return None  # "ask me every time": no reason to wait
    ages = [float(m.group(2)) for m in _MAX_AGE.finditer(cache_control)]
    if ages:
        return max(ages)
    expires = _http_date(headers.get("expires", ""))
    if expires is None:
        return None
    date = _http_date(headers.get("date", "")) or now or datetime.now(UTC)
    return max(0.0, (expires - date).total_seconds())


def refresh_delay(*asks: float | None) -> timedelta | None:
    """The longest of the asks, at most MAX_REFRESH; None when nobody asked."""
    seconds = [a for a in asks if a is not None and a > 0]
    if not seconds:
        return None
    return min(timedelta(seconds=max(seconds)), MAX_REFRESH)


def _number(value: object) -> float | None:
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return number if number == number and number not in (float("inf"), float("-inf")) else None


def _http_date(value: str) -> datetime | None:
    if not value.strip():
        return None
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
