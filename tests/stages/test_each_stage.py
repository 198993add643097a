"""Each stage on its own, against a real newsroom (SQLite, then PostgreSQL): what it reads,
what it commits.

One newsroom is taken through ingest, cluster, write, verify, relate and publish by calling
the stage functions in order (as the pipeline does); after each, the store is read back
with plain SQL, so each test below sees exactly what its stage left behind.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from retold.ingest.fetch import Fetcher
from retold.newsroom import Newsroom
from retold.pipeline import fetch_policy
from retold.samples_server import SampleServer
from retold.stages.cluster import cluster_documents
from retold.stages.ingest import collect, fetch_documents
from retold.stages.publish import publish
from retold.stages.relate import relate_articles
from retold.stages.report import RunReport
from retold.stages.verify import verify_articles
from retold.stages.write import write_stories
from tests.stages.conftest import Store, json_value, newsroom, rows
from tests.stages.pages import ENGLISH

HEADLINES = [ENGLISH[name][0] for name in ("garden", "lanes", "ferry")]


@dataclass
class Staged:
    root: Path
    after: dict[str, dict[str, Any]]  # stage -> what the store held after it
    report: RunReport


def snapshot(room: Newsroom) -> dict[str, Any]:
    def one(sql: str) -> Any:
        return rows(room, sql)[0][0]

    def column(sql: str) -> list[Any]:
        return [row[0] for row in rows(room, sql)]

    return {
        "documents": one("SELECT count(*) FROM documents"),
        "documents_ready": one("SELECT count(*) FROM documents WHERE status = 'ready'"),
        "documents_unclustered": one(
            "SELECT count(*) FROM documents WHERE status = 'ready' AND story_id IS NULL"
        ),
        "stories": one("SELECT count(*) FROM stories"),
        "stories_to_write": one("SELECT count(*) FROM stories WHERE needs_write"),
        "articles": one("SELECT count(*) FROM articles"),
        "published": one("SELECT count(*) FROM articles WHERE status = 'published'"),
        "versions_unchecked": one("SELECT count(*) FROM article_versions WHERE NOT checked"),
        "sentence_checks": one("SELECT count(*) FROM sentence_checks"),
        "embedded": one("SELECT count(*) FROM articles WHERE embedding IS NOT NULL"),
        "labels": column("SELECT label FROM article_versions"),
        "headlines": column("SELECT headline FROM article_versions"),
        "related": [json_value(r) for r in column("SELECT related FROM articles")],
    }


async def ingest(room: Newsroom, report: RunReport) -> None:
    async with Fetcher(fetch_policy(room)) as fetcher:
        await collect(room, fetcher, report)
        await fetch_documents(room, fetcher, report)


@pytest.fixture(scope="module")
def staged(
    tmp_path_factory: pytest.TempPathFactory, publisher: SampleServer, store: Store
) -> Staged:
    root = tmp_path_factory.mktemp("staged") / "news"
    report = RunReport()
    after: dict[str, dict[str, Any]] = {}
    with newsroom(root, publisher, "english.xml", store=store) as room:
        after["start"] = snapshot(room)
        asyncio.run(ingest(room, report))
        after["ingest"] = snapshot(room)
        cluster_documents(room, report)
        after["cluster"] = snapshot(room)
        asyncio.run(write_stories(room, report))
        after["write"] = snapshot(room)
        verify_articles(room, report)
        after["verify"] = snapshot(room)
        relate_articles(room, report)
        after["relate"] = snapshot(room)
        publish(room, report)
        after["publish"] = snapshot(room)
    return Staged(root, after, report)


def test_ingest_stores_each_page_of_the_feed(staged: Staged) -> None:
    assert staged.after["start"]["documents"] == 0
    now = staged.after["ingest"]
    assert now["documents_ready"] == 3
    assert now["documents_unclustered"] == 3  # clustering is the next stage's work
    assert now["stories"] == 0


def test_cluster_gives_every_document_a_story(staged: Staged) -> None:
    now = staged.after["cluster"]
    assert now["documents_unclustered"] == 0
    assert now["stories"] == now["stories_to_write"] == 3  # three unrelated events
    assert now["articles"] == 0


def test_write_drafts_one_unchecked_article_per_story(staged: Staged) -> None:
    now = staged.after["write"]
    assert now["articles"] == 3 and now["stories_to_write"] == 0
    assert now["versions_unchecked"] == 3
    assert now["published"] == 0 and now["sentence_checks"] == 0  # checking comes next
    assert sorted(now["headlines"]) == sorted(HEADLINES)


def test_verify_checks_every_sentence_labels_and_publishes(staged: Staged) -> None:
    now = staged.after["verify"]
    assert now["versions_unchecked"] == 0
    assert now["published"] == 3
    assert now["sentence_checks"] >= 3 * 3  # every article has at least three sentences
    # The extractive writer copies sentences; the checker finds each one in the source.
    assert all(label.startswith("I picked these sentences") for label in now["labels"])
    assert all(label.endswith("match it.") for label in now["labels"])
    assert staged.report.counts["sentences_checked"] == now["sentence_checks"]
    assert now["embedded"] == 0


def test_relate_embeds_and_links_the_published_articles(staged: Staged) -> None:
    now = staged.after["relate"]
    assert now["embedded"] == 3
    assert all(isinstance(related, list) and related for related in now["related"])


def test_publish_writes_the_site_from_the_store(staged: Staged) -> None:
    assert staged.after["publish"] == staged.after["relate"]  # it only reads the store
    index = (staged.root / "site" / "index.html").read_text(encoding="utf-8")
    assert all(headline in index for headline in HEADLINES)
    assert staged.report.counts["site_articles"] == 3
    assert staged.report.counts["pages_written"] > 3
