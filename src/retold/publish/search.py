"""Site search with Pagefind: an index built with the site, from the articles' own text.

Records are added straight from each article (no HTML parsing), with the label and the
standfirst as metadata so results can show how far each article can be trusted, and
topic, source and month as filters. Pagefind runs as its bundled binary on this machine;
the browser loads only files the site serves.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from retold.publish import dates, urls
from retold.records import ArticlePage, SiteInfo

BUNDLE = "pagefind/"  # where the index lives in the site


@dataclass(frozen=True, slots=True)
class SearchRecord:
    url: str
    title: str
    content: str
    standfirst: str
    label: str
    date_iso: str
    date_human: str
    topics: tuple[str, ...]
    sources: tuple[str, ...]
    month: str  # "November 2026": the date filter


def record(site: SiteInfo, page: ArticlePage) -> SearchRecord:
    body = " ".join(text for para in page.paragraphs for text, _ in para)
    published = dates.as_utc(page.published)
    outlets = dict.fromkeys(
        s.site_name.strip() or urls.host_of(urls.source_href(s.url)) for s in page.sources
    )
    return SearchRecord(
        url=urls.href(site, urls.article_rel(page.slug)),
        title=page.headline,
        content=f"{page.headline}\n{page.standfirst}\n{body}",
        standfirst=page.standfirst,
        label=page.label,
        date_iso=dates.iso(published),
        date_human=dates.human(published),
        topics=tuple(dict.fromkeys(t.strip() for t in page.topics if t.strip())),
        sources=tuple(o for o in outlets if o),
        month=f"{dates.month_name(published.month)} {published.year}",
    )


async def _index(records: Sequence[SearchRecord], language: str, out: Path) -> None:
    from pagefind.index import IndexConfig, PagefindIndex

    # The output path is in the config: leaving the context writes the bundle there (and
    # only there; without it, a stray pagefind/ appeared in the working directory).
    config = IndexConfig(force_language=language.split("-")[0] or "en", output_path=str(out))
    async with PagefindIndex(config=config) as index:
        for r in records:
            filters = {"topic": list(r.topics), "source": list(r.sources), "month": [r.month]}
            await index.add_custom_record(
                url=r.url,
                content=r.content,
                language=language.split("-")[0] or "en",
                meta={
                    "title": r.title,
                    "standfirst": r.standfirst,
                    "label": r.label,
                    "date": r.date_human,
                },
                filters={k: v for k, v in filters.items() if v},
                sort={"date": r.date_iso},
            )


def build_index(records: Sequence[SearchRecord], language: str = "en") -> dict[str, bytes]:
    """Every file of the search bundle, by its path in the site (under ``pagefind/``)."""
    with tempfile.TemporaryDirectory(prefix="retold-pagefind-") as tmp:
        out = Path(tmp) / "bundle"
        # Its own thread and event loop: the build may run inside the pipeline's loop.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(asyncio.run, _index(records, language, out)).result()
        return {
            BUNDLE + path.relative_to(out).as_posix(): path.read_bytes()
            for path in sorted(out.rglob("*"))
            if path.is_file()
        }
