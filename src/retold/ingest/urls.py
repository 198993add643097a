"""The one rule for URLs a source controls: only http(s) ever becomes a link.

Feeds, OPML files and pages are written by strangers. An item link such as
``javascript:alert(document.cookie)`` or ``data:text/html;base64,...`` that became a
document URL would end up as a clickable ``href`` on the published site, and a
``file:///etc/passwd`` one as a link to the reader's own disk. Every URL-bearing field
a source controls (item links, OPML ``xmlUrl``, JSON Feed ``url``/``feed_url``, Atom
links, images, canonical URLs, redirects) goes through :func:`safe_http_url`; the
publisher calls it again for every ``href`` it writes, as defence in depth.

Browsers are generous about what they call a scheme: they drop tabs and newlines
anywhere in a URL, strip leading control characters and spaces, ignore case, and an
HTML attribute decodes entities first (``&#106;avascript:``). The check looks at the
URL the way a browser would, so none of those tricks gets through.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit, urlunsplit

SAFE_SCHEMES = frozenset({"http", "https"})
MAX_URL_LENGTH = 8192  # longer "links" are payloads (data: URLs), not addresses

# WHATWG URL parsing removes ASCII tab and newline anywhere, and strips C0 controls
# and spaces at both ends.
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_EDGE_JUNK = "".join(chr(c) for c in range(0x21)) + "\u00a0\ufeff\u200b"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _browser_view(url: str) -> str:
    """The string a browser would parse for this attribute value."""
    return _TAB_NEWLINE.sub("", url).strip(_EDGE_JUNK)


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return "?"


def safe_http_url(url: object, base: str | None = None) -> str | None:
    """``url`` as an absolute http(s) URL, resolved against ``base``; None if it isn't one.

    Returns None for any other scheme (``javascript:``, ``data:``, ``file:``,
    ``vbscript:``, ...), however it is disguised, for a relative URL with no http(s)
    base to resolve it against (or one that resolves to another scheme), and for
    URLs with no host, a bad port, control characters, or absurd length.
    """
    if not isinstance(url, str):
        return None
    cleaned = _browser_view(url)
    if not cleaned or len(cleaned) > MAX_URL_LENGTH:
        return None
    # The entity-decoded form must be safe too: `&#106;avascript:` is javascript: in HTML.
    decoded = _browser_view(html.unescape(cleaned)) if "&" in cleaned else cleaned
    if _CONTROL.search(cleaned) or _CONTROL.search(decoded):
        return None
    safe_base = None
    if base:
        base_view = _browser_view(base)
        if _scheme(base_view) in SAFE_SCHEMES:
            safe_base = base_view
    forms = [cleaned] if decoded == cleaned else [cleaned, decoded]
    results: list[str] = []
    for form in forms:
        scheme = _scheme(form)
        if scheme and scheme not in SAFE_SCHEMES:
            return None
        if not scheme:
            # "//host/x", "/x" and "x" are relative: they need an http(s) base.
            if safe_base is None:
                return None
            try:
                form = urljoin(safe_base, form)
            except ValueError:
                return None
        absolute = _absolute_ok(form)
        if absolute is None:  # every form we looked at must land on http(s)
            return None
        results.append(absolute)
    return results[0]


def _absolute_ok(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in SAFE_SCHEMES or not parts.hostname:
            return None
        _ = parts.port  # raises ValueError for a port that is not a number in range
    except ValueError:
        return None
    if " " in parts.netloc or _CONTROL.search(url):
        return None
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, parts.fragment))


def is_safe_http_url(url: object) -> bool:
    """True when ``url`` is already an absolute http(s) URL that passes :func:`safe_http_url`."""
    return isinstance(url, str) and safe_http_url(url) is not None
