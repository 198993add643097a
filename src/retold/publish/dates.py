"""Date helpers: everything the site shows or serialises is in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def as_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken to be UTC already (that is what the store keeps)."""
    if moment.tzinfo is UTC:
        return moment
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    """RFC 3339 / ISO 8601 with an explicit offset, second precision."""
    return as_utc(moment).replace(microsecond=0).isoformat()


def human(moment: datetime) -> str:
    """`25 Nov 2026`, independent of the process locale."""
    m = as_utc(moment)
    return f"{m.day} {_MONTHS[m.month - 1]} {m.year}"


def month_name(month: int) -> str:
    return _MONTH_NAMES[month - 1]


def date_phrase(first_seen: bool) -> str:
    """The words before an article's date: what the date is."""
    return "First seen" if first_seen else "Published"
