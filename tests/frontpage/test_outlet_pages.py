"""Each outlet's page says what was taken from it, article by article."""

from __future__ import annotations

from pathlib import Path

from retold.publish import build_site
from tests.publish.conftest import BRIDGE, BUDGET, FERRY, SITE
from tests.publish.htmlcheck import page, text_of


def test_an_outlet_page_counts_the_sentences_taken_from_it(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(SITE, [BRIDGE, FERRY, BUDGET], out)
    gazette = page(out, "sources/gazette-example")
    taken = [text_of(p) for p in gazette.xpath("//p[@class='taken']")]
    # BRIDGE: two matched sentences found in the Gazette; FERRY: one (its other was Port News')
    assert taken == ["2 sentences taken from this outlet.", "1 sentence taken from this outlet."]
    port = page(out, "sources/portnews-example")
    assert [text_of(p) for p in port.xpath("//p[@class='taken']")] == [
        "No sentence of it was matched to this outlet."
    ]
    assert not page(out, "topics/transport").xpath("//p[@class='taken']")  # outlet pages only
