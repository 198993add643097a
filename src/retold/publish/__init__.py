"""Retold's static site builder: article pages, listings, feeds and sitemaps.

    from retold.publish import build_site, article_url
    report = build_site(site, pages, Path("site"))

    # more articles than fit in memory: pages() is called twice and may stream from a cursor
    report = build_site_from(site, pages, Path("site"))

See :mod:`retold.publish.urls` for the URL layout.
"""

from __future__ import annotations

from retold.publish.builder import BuildReport, PageSource, build_site, build_site_from
from retold.publish.errors import PublishError
from retold.publish.urls import article_url

__all__ = [
    "BuildReport",
    "PageSource",
    "PublishError",
    "article_url",
    "build_site",
    "build_site_from",
]
