"""What the desk adds to the published site: corrections, the review in JSON-LD, reports."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from retold.publish import build_site
from retold.records import CorrectionNote
from tests.browser.newsroom import PAGES, SITE

WHEN = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


def _json_ld(html: str) -> dict[str, object]:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found is not None
    data: dict[str, object] = json.loads(found.group(1))
    return data


def test_corrections_review_and_report_reach_the_page_feed_and_corrections_page(
    tmp_path: Path,
) -> None:
    hostile = 'The vote was 7-2, not 9-0. <script>alert("x")</script>'
    page = replace(
        PAGES[0],
        corrections=[CorrectionNote(WHEN, hostile)],
        reviewed_on=datetime(2026, 11, 25, tzinfo=UTC),
    )
    site = replace(SITE, report_email="fix@example.org", report_url="/desk")
    out = tmp_path / "site"
    build_site(site, [page, *PAGES[1:]], out)
    html = (out / page.slug / "index.html").read_text()
    assert "Correction, <time" in html and "&lt;script&gt;alert" in html
    assert "<script>alert" not in html
    assert 'href="mailto:fix@example.org?subject=Error%20in%3A%20' in html
    assert 'action="/desk/report"' in html and "form-action 'self'" in html
    data = _json_ld(html)
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": hostile,
            "datePublished": "2026-11-26T09:30:00+00:00",
        }
    ]
    main = data["mainEntityOfPage"]
    assert isinstance(main, dict) and main["lastReviewed"].startswith("2026-11-25")
    listing = (out / "corrections" / "index.html").read_text()
    assert page.headline.split()[0] in listing and "&lt;script&gt;" in listing
    assert "Correction, 26 Nov 2026:" in (out / "feed.xml").read_text()
    # Another article has no corrections and, with no report settings, no report section.
    plain = tmp_path / "plain"
    build_site(SITE, PAGES, plain)
    other = (plain / PAGES[0].slug / "index.html").read_text()
    assert "Report an error" not in other and "form-action 'none'" in other
    assert "No corrections so far." in (plain / "corrections" / "index.html").read_text()
