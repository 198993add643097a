"""HTML escaping for the parts of a page rendered in Python rather than in a template.

The entities are exactly those Jinja's autoescape (MarkupSafe) produces, so a part rendered
here reads the same as one rendered by a template. Plain ``str.replace`` calls return a
``str``; MarkupSafe would build a ``Markup`` object per value, which is most of the cost of
rendering an article with dozens of sentences.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from markupsafe import Markup


def _escape_replace(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


_escape: Callable[[str], str] = _escape_replace
# MarkupSafe's C escaper without the Markup wrapper is three times faster than replace();
# a pure-Python MarkupSafe, or a version that moved it, leaves the fallback in place.
with contextlib.suppress(ImportError):
    from markupsafe._speedups import _escape_inner as _escape


def esc(text: str) -> str:
    """Escape ``text`` for element content and double- or single-quoted attribute values."""
    return _escape(str(text))  # str(): a str subclass must not slip through unescaped


def safe(html: str) -> Markup:
    """Mark HTML built from escaped parts as safe for a template to print as is."""
    return Markup(html)
