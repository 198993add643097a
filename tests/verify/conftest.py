from __future__ import annotations

from pathlib import Path

import pytest

from retold.verify.checker import Checker

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "stories"


def story_body(path: Path) -> str:
    """The article text of a sample story (front matter dropped)."""
    text = path.read_text(encoding="utf-8")
    if text.startswith("---"):
        text = text.split("---", 2)[2]
    return text.strip()


@pytest.fixture(scope="session")
def checker() -> Checker:
    """One real checker (packaged MiniLM) shared by the whole folder."""
    return Checker()


@pytest.fixture(scope="session")
def stories() -> dict[str, str]:
    paths = sorted(SAMPLES.glob("**/*.md"))
    return {p.stem: story_body(p) for p in paths}
