"""Retold's static site builder: article pages, listings, feeds and sitemaps.

    from retold.publish import build_site, article_url
    report = build_site(site, pages, Path("site"))

See :mod:`retold.publish.urls` for the URL layout.
"""

from __future__ import annotations

from .builder import BuildReport, build_site
from .errors import PublishError
from .urls import article_url

__all__ = ["BuildReport", "PublishError", "article_url", "build_site"]
