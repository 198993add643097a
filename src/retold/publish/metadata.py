"""Machine-readable labelling of an article: schema.org JSON-LD, Open Graph and X cards."""

from __future__ import annotations

import json
from typing import Any, Protocol

from retold.publish import dates, urls
from retold.records import ArticlePage, SiteInfo

# IPTC digital source type for content made by a generative model.
TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


class _Summarised(Protocol):
    @property
    def standfirst(self) -> str: ...
    @property
    def label(self) -> str: ...


def description(page: _Summarised) -> str:
    """The summary shown by search engines and link previews: standfirst plus the AI label."""
    standfirst = page.standfirst.strip()
    label = page.label.strip()
    return f"{standfirst} — {label}" if standfirst else label


def json_ld(site: SiteInfo, page: ArticlePage) -> dict[str, Any]:
    url = urls.article_url(site, page.slug)
    organisation = {"@type": "Organization", "name": site.title, "url": urls.absolute(site, "")}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.headline,
        "description": description(page),
        "url": url,
        "mainEntityOfPage": url,
        "dateModified": dates.iso(page.updated),
        "inLanguage": site.language,
        "author": organisation,
        "publisher": organisation,
        # Only linkable sources: a refused URL is left out, never printed for a crawler to follow.
        "isBasedOn": [href for s in page.sources if (href := urls.source_href(s.url))],
        "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA,
    }
    if not page.first_seen:  # only a date the sources gave is a publication date
        data["datePublished"] = dates.iso(page.published)
    if page.reviewed_on is not None:
        # A person reviewed it (EU AI Act art. 50: human review and editorial responsibility):
        # schema.org says so on the page the article is the main entity of.
        data["mainEntityOfPage"] = {
            "@type": "WebPage",
            "@id": url,
            "lastReviewed": dates.iso(page.reviewed_on),
            "reviewedBy": organisation,
        }
    if page.corrections:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": c.note, "datePublished": dates.iso(c.when)}
            for c in page.corrections
        ]
    if image := urls.source_href(page.image):  # images come from the source, like links
        data["image"] = [image]
    if page.topics:
        data["keywords"] = list(page.topics)
        data["articleSection"] = page.topics[0]
    return data


def json_ld_script(site: SiteInfo, page: ArticlePage) -> str:
    """JSON safe to place inside <script>: no '<', '>' or '&' can close the element."""
    text = json.dumps(json_ld(site, page), ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def social_tags(site: SiteInfo, page: ArticlePage) -> list[tuple[str, str, str]]:
    """(attribute, name, content) triples for <meta> tags: Open Graph uses property=, X name=."""
    summary = description(page)
    image = urls.source_href(page.image)  # a source's image URL is checked like its links
    tags = [
        ("property", "og:type", "article"),
        ("property", "og:site_name", site.title),
        ("property", "og:title", page.headline),
        ("property", "og:description", summary),
        ("property", "og:url", urls.article_url(site, page.slug)),
        ("property", "og:locale", site.language.replace("-", "_")),
        ("property", "article:modified_time", dates.iso(page.updated)),
    ]
    if not page.first_seen:
        tags.insert(-1, ("property", "article:published_time", dates.iso(page.published)))
    tags += [("property", "article:tag", topic) for topic in page.topics]
    if image:
        tags.append(("property", "og:image", image))
    tags += [
        ("name", "twitter:card", "summary_large_image" if image else "summary"),
        ("name", "twitter:title", page.headline),
        ("name", "twitter:description", summary),
    ]
    if image:
        tags.append(("name", "twitter:image", image))
    return tags
