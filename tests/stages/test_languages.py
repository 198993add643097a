"""Pages without spaces between words go through the pipeline; unsupported ones are skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from retold.pipeline import run
from retold.samples_server import SampleServer
from retold.text.sentences import split_sentences
from tests.stages.conftest import Ran, Store, json_value, newsroom, rows
from tests.stages.pages import JA_SENTENCES, TH_PHRASES


def article_of(root: Path, url: str) -> tuple[str, str, list[str], str] | None:
    """(status, label, body sentences, slug) of the article written from ``url``."""
    found = rows(
        root,
        "SELECT a.status, v.label, v.paragraphs, a.slug FROM documents d "
        "JOIN articles a ON a.story_id = d.story_id "
        "JOIN article_versions v ON v.article_id = a.id AND v.version = a.current_version "
        "WHERE d.url = :url",
        url=url,
    )
    if not found:
        return None
    [(status, label, paragraphs, slug)] = found
    body = [s for p in json_value(paragraphs) for s in split_sentences(p)]
    return status, label, body, slug


def test_a_japanese_page_is_extracted_written_checked_and_published(ran: Ran) -> None:
    [(status, error)] = rows(
        ran.root, "SELECT status, error FROM documents WHERE url = :url", url=f"{ran.base}/ja.html"
    )
    assert (status, error) == ("ready", "")  # not "no extractable text"
    article = article_of(ran.root, f"{ran.base}/ja.html")
    assert article is not None
    state, label, body, slug = article
    assert state == "published"
    # Split at 。 into the source's own sentences, each matched word for word.
    assert len(body) >= 3 and set(body) <= set(JA_SENTENCES)
    assert label.startswith("I picked these sentences") and label.endswith(
        f"All {len(body)} match it."
    )
    assert slug.endswith("/ja")  # no Latin words in the headline: the source URL's
    page = (ran.root / "site" / slug / "index.html").read_text(encoding="utf-8")
    assert all(sentence in page for sentence in body)


def test_a_thai_page_is_split_into_its_phrases(ran: Ran) -> None:
    article = article_of(ran.root, f"{ran.base}/th.html")
    assert article is not None
    state, label, body, _ = article
    assert state == "published" and len(body) >= 3
    assert set(body) <= set(TH_PHRASES)
    assert "I imagined this" not in label


def test_a_model_writer_skips_what_the_checker_cannot_read(
    tmp_path: Path, publisher: SampleServer, monkeypatch: pytest.MonkeyPatch, store: Store
) -> None:
    # Nothing listens at this endpoint: had the writer been called, the run would say so.
    monkeypatch.setenv("RETOLD_WRITER_BACKEND", "openai")
    monkeypatch.setenv("RETOLD_WRITER_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("RETOLD_WRITER_MODEL", "any")
    monkeypatch.setenv("RETOLD_WRITER_API_KEY", "test")
    room = newsroom(tmp_path / "news", publisher, "th.html", "ja.html", store=store)
    try:
        report = run(room)
    finally:
        room.close()
    assert report.writer_unavailable == ""
    assert report.counts["stories_skipped_language"] == 2
    assert report.counts.get("stories_failed", 0) == 0 and report.status == "ok"
    notes = dict(rows(tmp_path / "news", "SELECT status, note FROM stories"))
    [(articles,)] = rows(tmp_path / "news", "SELECT count(*) FROM articles")
    assert list(notes) == ["skipped"] and articles == 0
    assert "checker can only check a retelling of Latin-script text" in notes["skipped"]
    assert any("Thai script" in p for p in report.problems)
    assert any("Chinese or Japanese script" in p for p in report.problems)
