"""Site search with Pagefind: an index built with the site, from the articles' own text.

Each article is indexed from its own text, with the label and the standfirst as metadata
so results can show how far each article can be trusted, and topic, source and month as
filters. Pagefind runs as the binary the `pagefind` package bundles, on this machine; the
browser loads only files the site serves.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from retold.publish import dates, urls
from retold.publish.errors import PublishError
from retold.publish.markup import esc
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


def _record_html(r: SearchRecord, language: str) -> str:
    """A small page holding one article for the indexer: its text, metadata and filters."""
    hidden = [
        f'<span data-pagefind-meta="{name}">{esc(value)}</span>'
        for name, value in (
            ("standfirst", r.standfirst),
            ("label", r.label),
            ("date", r.date_human),
        )
    ]
    hidden += [f'<span data-pagefind-filter="topic">{esc(t)}</span>' for t in r.topics]
    hidden += [f'<span data-pagefind-filter="source">{esc(s)}</span>' for s in r.sources]
    hidden.append(f'<span data-pagefind-filter="month">{esc(r.month)}</span>')
    hidden.append(f'<span data-pagefind-sort="date">{esc(r.date_iso)}</span>')
    body = "".join(f"<p>{esc(line)}</p>" for line in r.content.splitlines()[1:])
    return (
        f'<!doctype html><html lang="{esc(language)}"><head><meta charset="utf-8">'
        f"<title>{esc(r.title)}</title></head><body><div hidden>{''.join(hidden)}</div>"
        f'<main data-pagefind-body><h1 data-pagefind-meta="title">{esc(r.title)}</h1>'
        f"{body}</main></body></html>"
    )


KEY_FILE = "retold-key.txt"  # beside each month's bundle: what it was built from


def month_key(r: SearchRecord) -> str:
    return r.date_iso[:7]  # "2026-11"


def build_index(
    records: Sequence[SearchRecord], language: str = "en", previous: Path | None = None
) -> tuple[dict[str, bytes], list[str]]:
    """The search bundles, one per month, by path in the site; and the months, newest first.

    A month whose records are unchanged since the previous build (``previous`` is that
    site's root) is taken from it as it was, so adding one article re-indexes one month,
    and the search page merges the months' bundles in the browser.
    """
    lang = language.split("-")[0] or "en"
    months: dict[str, list[SearchRecord]] = {}
    for r in records:
        months.setdefault(month_key(r), []).append(r)
    files: dict[str, bytes] = {}
    for month, recs in months.items():
        key = hashlib.blake2b(repr((lang, sorted(recs, key=repr))).encode(), digest_size=16)
        hexkey = key.hexdigest()
        base = f"{BUNDLE}{month}/"
        old = previous / base if previous is not None else None
        if old is not None and _key_of(old) == hexkey:
            bundle = {
                base + path.relative_to(old).as_posix(): path.read_bytes()
                for path in sorted(old.rglob("*"))
                if path.is_file()
            }
        else:
            bundle = {base + rel: data for rel, data in _index(recs, lang).items()}
            bundle[base + KEY_FILE] = hexkey.encode()
        files.update(bundle)
    return files, sorted(months, reverse=True)


def _key_of(bundle: Path) -> str:
    try:
        return (bundle / KEY_FILE).read_text().strip()
    except OSError:
        return ""


def _index(records: Sequence[SearchRecord], lang: str) -> dict[str, bytes]:
    """One bundle (relative paths) for these records, from Pagefind's CLI.

    Each article is written as a small page at its own URL for the indexer (Pagefind's
    Python service answers one request per 0.1 s: 10,000 records took 17 minutes).
    """
    with tempfile.TemporaryDirectory(prefix="retold-pagefind-") as tmp:
        pages, out = Path(tmp) / "site", Path(tmp) / "bundle"
        pages.mkdir()
        for r in records:
            target = pages / r.url.strip("/") / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_record_html(r, lang), encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "pagefind", "--site", str(pages), "--output-path", str(out),
             "--force-language", lang, "--silent"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise PublishError(f"Pagefind could not index the site: {done.stderr.strip()}")
        return {
            path.relative_to(out).as_posix(): path.read_bytes()
            for path in sorted(out.rglob("*"))
            if path.is_file()
        }
