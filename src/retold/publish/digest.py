"""Input digests: what a page was built from, so an unchanged page is never rendered again.

A digest is a hash of plain values serialised with ``marshal`` (fast, C, exact for str,
int, float, None and tuples of them). Every field of an ``ArticlePage`` is included, so
anything that could change a page changes its digest; ``tests/publish`` checks that for
each field, so a field added to the model later cannot be forgotten here.
"""

from __future__ import annotations

import hashlib
import marshal
import operator
from datetime import datetime
from typing import Any

from retold.records import ArticlePage

DIGEST_SIZE = 16


def _when(moment: datetime | None) -> str | None:
    # isoformat keeps microseconds and the offset (naive and aware times differ, as they render)
    return None if moment is None else moment.isoformat()


# Every field of a check, as a tuple built in C (a Python function per sentence was a
# third of a page's digest).
_check_fields = operator.attrgetter(
    "paragraph", "text", "verdict", "score", "reason", "evidence", "source_url"
)


def _plain(page: ArticlePage) -> tuple[Any, ...]:
    return (
        page.slug,
        page.headline,
        page.standfirst,
        page.teaser,
        page.label,
        tuple(
            tuple((text, None if c is None else _check_fields(c)) for text, c in para)
            for para in page.paragraphs
        ),
        tuple((s.url, s.title, s.site_name) for s in page.sources),
        tuple(page.topics),
        _when(page.published),
        _when(page.updated),
        tuple((r.slug, r.headline, r.teaser) for r in page.related),
        page.image,
        page.version,
        page.backend,
        page.held,
        _when(page.reviewed_on),
        page.first_seen,  # the date reads differently
        tuple(repr(c) for c in page.corrections),  # few and rare: repr is exact enough
        tuple(repr(u) for u in page.updates),  # likewise
    )


def _exact(value: Any) -> Any:
    """The same value built only from exact built-in types (marshal refuses subclasses)."""
    if isinstance(value, tuple):
        return tuple(_exact(v) for v in value)
    if isinstance(value, str):
        return str.__str__(str(value))
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def of_values(*values: Any) -> bytes:
    """Digest of plain values (str, int, float, bool, None, bytes and tuples of them)."""
    try:
        data = marshal.dumps(values, 2)  # version 2: no back-references, so equal in, equal out
    except ValueError:  # a str or int subclass somewhere: normalise and try again
        data = marshal.dumps(_exact(values), 2)
    return hashlib.blake2b(data, digest_size=DIGEST_SIZE).digest()


def page_digest(page: ArticlePage) -> bytes:
    """Everything an article page (and its feed item) is rendered from."""
    return of_values(_plain(page))
