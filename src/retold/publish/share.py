"""Share-bar links: plain URLs to each network's share endpoint, no scripts from them."""

from __future__ import annotations

from dataclasses import dataclass

from retold.publish.urls import quote_all as _q


@dataclass(frozen=True)
class ShareLink:
    name: str  # visible name, also used in the accessible label
    icon: str  # a glyph shown before the name, hidden from screen readers
    href: str


def share_links(headline: str, url: str) -> tuple[ShareLink, ...]:
    """The four network links of the share bar, in order (Copy link is rendered separately)."""
    q_url = _q(url)
    return (
        ShareLink("X", "𝕏", f"https://twitter.com/intent/tweet?text={_q(headline)}&url={q_url}"),
        ShareLink("Facebook", "", f"https://www.facebook.com/sharer/sharer.php?u={q_url}"),
        ShareLink("WhatsApp", "", f"https://wa.me/?text={_q(headline + ' ' + url)}"),
        ShareLink("LinkedIn", "", f"https://www.linkedin.com/sharing/share-offsite/?url={q_url}"),
    )
