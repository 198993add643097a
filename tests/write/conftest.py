"""Shared fixtures for the writer tests: real sample stories from samples/stories."""

from __future__ import annotations

from pathlib import Path

import pytest

from retold.records import SourceDoc

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "stories"
SITES = {
    "northfield-courier": "Northfield Courier",
    "valley-ledger": "Valley Ledger",
    "harbour-gazette": "The Harbour Gazette",
    "metro-wire": "Metro Wire",
}


def load_sample(rel: str, doc_id: int = 1) -> SourceDoc:
    """A SourceDoc from a sample Markdown file with a front-matter header."""
    path = SAMPLES / rel
    _, header, body = path.read_text(encoding="utf-8").split("---", 2)
    meta = {}
    for line in header.strip().splitlines():
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip()
    site = SITES.get(path.parent.name, path.parent.name)
    return SourceDoc(
        id=doc_id,
        url=f"https://{path.parent.name}.example/{path.stem}",
        title=meta.get("title", ""),
        text=body.strip(),
        site_name=site,
        author=meta.get("author", ""),
        excerpt_only=meta.get("kind", "full") != "full",
    )


def all_samples() -> list[str]:
    return sorted(str(p.relative_to(SAMPLES)) for p in SAMPLES.glob("*/*.md"))


@pytest.fixture
def bridge() -> SourceDoc:
    return load_sample("northfield-courier/old-harbour-bridge-shuts.md")
