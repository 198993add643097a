"""Site search with Pagefind: an index built with the site, from the articles' own text.

Each article is indexed from its own text, with the label and the standfirst as metadata
so results can show how far each article can be trusted, and topic, source and month as
filters. Pagefind runs as the binary the `pagefind` package bundles, on this machine; the
browser loads only files the site serves.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from retold.publish import dates, urls
from retold.publish.digest import of_values
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
    outlets = dict.fromkeys(s.site_name.strip() or urls.source_host(s.url) for s in page.sources)
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


MEMBERS = "retold-records.json"  # beside the main bundle: each record's URL and digest
MAIN, RECENT = "all/", "recent/"
# The recent bundle holds articles added since the main one was built; past this many
# (or this share of the site) the main bundle is built again with everything.
RECENT_MAX, RECENT_SHARE = 500, 0.05

FileSource = tuple[str, str, Callable[[], bytes]]  # (path in the site, reuse key, content)


def _digest(r: SearchRecord) -> str:
    # marshal of the fields, not repr: the same exactness at a fraction of the cost
    fields = (r.url, r.title, r.content, r.standfirst, r.label, r.date_iso, r.date_human,
              r.topics, r.sources, r.month)  # fmt: skip
    return of_values(fields).hex()


def build_index(
    records: Sequence[SearchRecord],
    language: str = "en",
    previous: Path | None = None,
    previous_files: Sequence[str] | None = None,
) -> tuple[list[FileSource], list[str]]:
    """The search bundles' files and the bundles (main first) the search page merges.

    Pagefind can't add to an index, so articles new since the main bundle was built go into
    a small recent bundle: adding one article re-indexes a few, not the whole site. The main
    bundle is rebuilt when an article in it changed or went, or the recent one grew past
    RECENT_MAX. ``previous`` is the live site's root, whose main bundle is reused unread
    (its files keep their reuse keys, so the writer links them from the last build).
    ``previous_files`` lists the live site's files (paths in the site) when the caller
    knows them, which spares walking the bundle's folders.
    """
    if not records:  # nothing published (yet, or any more): no bundle; the page says so
        return [], []
    lang = language.split("-")[0] or "en"
    digests = {r.url: _digest(r) for r in records}
    members = _members(previous / BUNDLE / MAIN) if previous is not None else None
    limit = max(RECENT_MAX, int(RECENT_SHARE * len(records)))
    recent = [r for r in records if members is not None and r.url not in members]
    stale = members is None or any(digests.get(u) != d for u, d in members.items())
    files: list[FileSource] = []
    if stale or len(recent) > limit:
        main, recent = list(records), []
        built = _index(main, lang)
        built[MEMBERS] = json.dumps({r.url: digests[r.url] for r in main}).encode()
        files += [(BUNDLE + MAIN + rel, "", _const(data)) for rel, data in built.items()]
    else:
        assert previous is not None
        old = previous / BUNDLE / MAIN
        key = (old / MEMBERS).read_bytes()
        reuse = hashlib.blake2b(key, digest_size=16).hexdigest()
        rels = sorted(rel for rel in previous_files or () if rel.startswith(BUNDLE + MAIN))
        if BUNDLE + MAIN + MEMBERS not in rels:  # no list of the files, or not this bundle's
            rels = [
                BUNDLE + MAIN + path.relative_to(old).as_posix()
                for path in sorted(old.rglob("*"))
                if path.is_file()
            ]
        for rel in rels:
            path = previous / rel
            files.append((rel, f"{reuse}:{rel}", path.read_bytes))
    bundles = [BUNDLE + MAIN]
    if recent:
        built = _index(recent, lang)
        files += [(BUNDLE + RECENT + rel, "", _const(data)) for rel, data in built.items()]
        bundles.append(BUNDLE + RECENT)
    return files, bundles


def _const(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def _members(bundle: Path) -> dict[str, str] | None:
    try:
        data = json.loads((bundle / MEMBERS).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


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
