"""Impossible and missing dates fall back to the feed's, then to when Retold first saw a page."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import lxml.html

from retold.store.db import Database, alembic_config, make_engine
from tests.stages.conftest import Ran, rows


def day(value: datetime | str | None) -> str:
    """The date of a stored time, "" for none: a datetime on PostgreSQL, text on SQLite."""
    return str(value)[:10] if value is not None else ""


def article(ran: Ran, page: str) -> tuple[str, Any, str]:
    """(slug, published_at, date_kind) of the article from ``page``."""
    (row,) = rows(
        ran.root,
        "SELECT a.slug, a.published_at, a.date_kind FROM documents d JOIN articles a "
        "ON a.story_id = d.story_id WHERE d.url = :url",
        url=f"{ran.base}/{page}",
    )
    return row


def json_ld(ran: Ran, slug: str) -> dict:
    page = lxml.html.parse(str(ran.root / "site" / slug / "index.html")).getroot()
    return json.loads(page.xpath("//script[@type='application/ld+json']")[0].text)


def test_each_document_keeps_only_a_plausible_date(ran: Ran) -> None:
    dates = dict(rows(ran.root, "SELECT url, published FROM documents"))
    strip = {url.rsplit("/", 1)[1]: day(d) for url, d in dates.items()}
    assert strip["library.html"] == ""  # 0001-01-01 on the page, nothing in the feed
    assert strip["ferry.html"] == "2025-03-04"  # 2099 on the page: the feed's date
    assert strip["garden.html"] == "2025-02-01"  # undated page: the feed's date
    assert strip["lanes.html"] == "2025-05-05"  # the page's own date


def test_no_url_carries_an_impossible_date(ran: Ran) -> None:
    slugs = [s for (s,) in rows(ran.root, "SELECT slug FROM articles")]
    assert slugs
    year = datetime.now(UTC).year
    for slug in slugs:
        m = re.fullmatch(r"(\d{4})/(\d{2})/[a-z0-9-]+", slug)
        assert m and 1990 <= int(m[1]) <= year + 1 and 1 <= int(m[2]) <= 12, slug
    built = [p.relative_to(ran.root / "site").as_posix() for p in (ran.root / "site").rglob("*")]
    assert not any(re.search(r"(^|/)(1|0001|2099)/", p) for p in built)


def test_an_undated_page_says_first_seen_and_claims_no_publication_date(ran: Ran) -> None:
    slug, published_at, kind = article(ran, "library.html")
    assert kind == "first_seen"
    [(first_seen,)] = rows(
        ran.root,
        "SELECT first_seen FROM documents WHERE url = :url",
        url=f"{ran.base}/library.html",
    )
    assert published_at == first_seen  # when Retold first saw it: not a made-up date
    data = json_ld(ran, slug)
    assert "datePublished" not in data and "dateModified" in data
    html = (ran.root / "site" / slug / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<p class="meta">First seen <time datetime="[^"]+">', html)
    assert "article:published_time" not in html


def test_a_future_page_date_gives_way_to_the_feed_date(ran: Ran) -> None:
    slug, published_at, kind = article(ran, "ferry.html")
    assert kind == "published" and slug.startswith("2025/03/")
    assert json_ld(ran, slug)["datePublished"] == "2025-03-04T10:00:00+00:00"
    html = (ran.root / "site" / slug / "index.html").read_text(encoding="utf-8")
    assert '<p class="meta">Published <time datetime="2025-03-04T10:00:00+00:00">4 Mar 2025' in (
        html
    )


def test_old_and_undated_pages_never_lead_the_front_page(ran: Ran) -> None:
    front = lxml.html.parse(str(ran.root / "site" / "index.html")).getroot()
    items = front.xpath("//main//li[h2]")
    order = [li.xpath("string(h2/a/@href)").strip("/") for li in items]
    metas = [li.xpath("string(.//p[@class='meta'])") for li in items]
    assert order[0] == article(ran, "lanes.html")[0]  # the newest dated article leads
    assert order[-1] == article(ran, "library.html")[0]  # seen today, but of unknown age
    assert metas[0].startswith("Published 5 May 2025")
    assert metas[-1].startswith("First seen ")
    assert all(m.startswith("Published ") for m in metas[:-1])
    feed = json.loads((ran.root / "site" / "feed.json").read_text(encoding="utf-8"))
    undated = [i for i in feed["items"] if i["url"].endswith(order[-1] + "/")]
    assert undated and "date_published" not in undated[0]


# SQLite only: it writes an old SQLite file as an earlier Retold left it, then migrates it.
def test_the_migration_forgets_impossible_dates_already_stored(tmp_path: Path) -> None:
    from alembic import command

    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    cfg = alembic_config(str(engine.url))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()
    with sqlite3.connect(path) as db:  # what an earlier Retold stored for a 0001-01-01 page
        db.execute(
            "INSERT INTO stories (id, created_at, updated_at, status, needs_write, note, "
            "signature) VALUES (1, '2026-11-02 08:00:00', '2026-11-02 08:00:00', 'written', 0, "
            "'', '{}')"
        )
        db.execute(
            "INSERT INTO documents (id, url, fetch_url, status, feed_title, feed_summary, "
            "feed_content, title, author, published, language, site_name, image, excerpt_only, "
            "excerpt_reason, text, content_hash, version, etag, last_modified, first_seen, "
            "refetch, error, story_id) VALUES (1, 'u', 'u', 'ready', '', '', '', '', '', "
            "'0001-01-01 00:00:00.000000', '', '', '', 0, '', '', '', 1, '', '', "
            "'2026-11-02 08:00:00', 0, '', 1)"
        )
        db.execute(
            "INSERT INTO articles (id, story_id, slug, status, current_version, published_at, "
            "updated_at, related) VALUES (1, 1, '1/01/x', 'published', 1, "
            "'0001-01-01 00:00:00.000000', '2026-11-02 08:00:00', '[]')"
        )
        db.execute(
            "INSERT INTO article_versions (id, article_id, version, created_at, headline, "
            "standfirst, paragraphs, teaser, topics, sources, backend, model, prompt_version, "
            "tokens_in, tokens_out, latency_ms, imagined, note, checked, repair_rounds, label) "
            "VALUES (1, 1, 1, '2026-11-03 09:00:00.000000', 'x', '', '[]', '', '[]', '[]', "
            "'extractive', '', '', 0, 0, 0, 0, '', 1, 0, '')"
        )
    Database.open(path).close()  # migrates to the newest schema
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT published FROM documents").fetchone() == (None,)
        assert db.execute("SELECT published_at, date_kind FROM articles").fetchone() == (
            "2026-11-03 09:00:00.000000",
            "first_seen",
        )
