"""Every page under the fetch limit is written within bounded memory, and published.

A 4.9 MB article page once made the extractive writer build a 50,000 × 50,000
similarity matrix: SIGSEGV at 4.27 GB, and the story stayed pending, so every later run
died the same way. The writer now considers the first units of each document only
(retold.write.extractive's caps), and the stages read at most MAX_SOURCE_CHARS of a
document, so a story's memory has a ceiling whatever the page weighs.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from retold.pipeline import run
from retold.samples_server import SampleServer
from retold.text.sentences import split_sentences
from tests.stages.conftest import newsroom
from tests.stages.pages import article_html, write_site

REPO = Path(__file__).resolve().parents[2]
PAGE_BYTES = 4_900_000  # just under the 5 MB fetch limit
MEMORY_BOUND_MB = 300


def huge_paragraphs(chars: int, seed: int = 13) -> list[str]:
    """Paragraphs of plain news sentences, ``chars`` long in all, with a vocabulary that
    keeps growing (made-up names), as a long real page's does."""
    rng = random.Random(seed)
    nouns = ["council", "bridge", "river", "harbour", "market", "school", "station", "ferry"]
    verbs = ["open", "close", "move", "change", "reopen", "expand"]
    paragraphs: list[str] = []
    total = 0
    n = 0
    while total < chars:
        sentences = []
        for _ in range(5):
            n += 1
            name = "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(4))
            sentences.append(
                f"The {rng.choice(nouns)} committee in {name.title()} said on day {n} that "
                f"{rng.randint(2, 900)} {rng.choice(nouns)}s would {rng.choice(verbs)} near "
                f"the {rng.choice(nouns)}."
            )
        paragraphs.append(" ".join(sentences))
        total += len(paragraphs[-1]) + 2
    return paragraphs


# Run in a fresh process so that its peak resident size measures this writer alone.
_MEASURE = """
import json, resource, sys
from retold.records import SourceDoc
from retold.write.backend import WriteBrief
from retold.write.extractive import write_extractive
from tests.security.test_bounded import huge_paragraphs

text = "\\n\\n".join(huge_paragraphs(int(sys.argv[1])))
docs = int(sys.argv[2])
sources = [
    SourceDoc(id=i, url=f"https://example.org/{i}", title="Harbour council report",
              text=text, site_name="Example")
    for i in range(docs)
]
small = SourceDoc(id=0, url="https://example.org/", title="Small", text=text[:5000])
write_extractive([small], WriteBrief())  # imports and caches warmed on a small page
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
draft = write_extractive(sources, WriteBrief())
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"text_chars": len(text), "delta_mb": (after - before) / 1024,
                  "paragraphs": draft.paragraphs, "headline": draft.headline}))
"""


def _measure(chars: int, docs: int) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(chars), str(docs)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]  # no SIGSEGV, no MemoryError
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_the_writer_is_bounded_by_its_caps_whatever_the_page_size() -> None:
    for docs in (1, 60):  # one 4.9 MB page; a story of sixty of them
        result = _measure(PAGE_BYTES, docs)
        assert result["text_chars"] >= PAGE_BYTES - 1000
        assert isinstance(result["delta_mb"], float) and result["delta_mb"] < MEMORY_BOUND_MB
        # And it is an ordinary article, copied from the page.
        paragraphs = result["paragraphs"]
        assert isinstance(paragraphs, list) and 3 <= len(paragraphs) <= 6
        head = "\n\n".join(huge_paragraphs(200_000))
        for sentence in (s for p in paragraphs for s in split_sentences(p)):
            assert sentence in head
        assert result["headline"] == "Harbour council report"


def test_a_page_just_under_the_fetch_limit_is_published(tmp_path: Path) -> None:
    site = tmp_path / "publisher"
    write_site(site)
    html = article_html("Harbour council publishes its long report", [], date="2025-05-05")
    filler = PAGE_BYTES - len(html.encode()) - 10_000
    html = article_html(
        "Harbour council publishes its long report", huge_paragraphs(filler), date="2025-05-05"
    )
    assert 4_800_000 < len(html.encode()) < 5_000_000
    (site / "site" / "huge.html").write_text(html, encoding="utf-8")
    server = SampleServer(site).start()
    try:
        room = newsroom(tmp_path / "news", server, "huge.html", "feed.xml")
        try:
            report = run(room)
        finally:
            room.close()
    finally:
        server.stop()
    assert report.status == "ok", report.problems
    index = (tmp_path / "news" / "site" / "index.html").read_text(encoding="utf-8")
    assert "Harbour council publishes its long report" in index
    assert "Council approves cycle lanes on Mill Road" in index  # the others too
