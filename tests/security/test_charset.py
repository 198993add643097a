"""Issue 13 item 6: a page that lies about its charset is still read right, or flagged.

Real encoded bytes (cp1252, latin-1, cp1251, Shift_JIS, GB2312) sent with a wrong or
missing declaration; the result must be the original text, and the mojibake detector
(reusable over published sentences) must flag every wrong reading and pass real text.
"""

from __future__ import annotations

import logging

import pytest

from retold.ingest.charset import decode
from retold.ingest.mojibake import find_mojibake, implausibility, looks_like_mojibake

PAGES = {
    "cp1252": (
        "<html><head><title>Café reopens</title></head><body><p>José Núñez said the café on "
        "Rue de l’Église reopens on Monday after “months” of work – a relief. A crème brûlée "
        "costs 5 €.</p></body></html>",
        "cp1252",
    ),
    "latin-1": (
        "<html><body><p>Zürich: Müller, Jürgen and Françoise met at the Hôtel for a déjà vu "
        "moment. Ça va très bien, señor.</p></body></html>",
        "latin-1",
    ),
    "cp1251": (
        '<html lang="ru"><body><p>Правительство объявило о новых мерах поддержки экономики. '
        "Министр финансов заявил, что бюджет будет сбалансирован в следующем году.</p>"
        "</body></html>",
        "cp1251",
    ),
    "shift_jis": (
        "<html><body><p>東京都は新しい交通計画を発表しました。市民の皆さんは来年から新しい"
        "バス路線を利用できるようになります。知事は記者会見で詳細を説明しました。</p></body></html>",
        "shift_jis",
    ),
    "gb2312": (
        "<html><body><p>政府宣布了新的经济支持措施。财政部长表示，明年的预算将保持平衡。"
        "专家认为这些措施将促进经济增长。</p></body></html>",
        "gb2312",
    ),
}
LIES = ["text/html; charset=utf-8", "text/html", "text/html; charset=iso-8859-1"]


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("content_type", LIES)
def test_a_page_with_a_wrong_or_missing_charset_is_read_right(name: str, content_type: str) -> None:
    text, codec = PAGES[name]
    decoded = decode(text.encode(codec), content_type)
    assert decoded.text == text, (decoded.encoding, decoded.text[:80])
    assert not find_mojibake(decoded.text)


def test_the_issue_example_is_not_cp775() -> None:
    body = "<title>Café reopens</title><p>José Núñez was there.</p>".encode("cp1252")
    decoded = decode(body, "text/html; charset=utf-8")
    assert "Café reopens" in decoded.text and "José Núñez" in decoded.text
    assert decoded.encoding == "cp1252"


def test_a_mixed_page_keeps_its_utf8_and_its_stray_cp1252() -> None:
    body = "<p>Crème brûlée — “good”</p>".encode() + " and it’s cheap".encode("cp1252")
    decoded = decode(body, "text/html; charset=utf-8")
    assert decoded.text == "<p>Crème brûlée — “good”</p> and it’s cheap"


def test_unreadable_bytes_are_never_mojibake_in_silence(caplog: pytest.LogCaptureFixture) -> None:
    # Random high bytes: no charset makes sense of them; the choice must be flagged.
    body = b"<p>" + bytes(range(0x80, 0x100)) * 4 + b"</p>"
    with caplog.at_level(logging.WARNING, logger="retold"):
        decoded = decode(body, "text/html; charset=utf-8", url="http://127.0.0.1/x")
    assert decoded.warning and "http://127.0.0.1/x" in decoded.warning
    assert decoded.warning in caplog.text


MOJIBAKE = [
    "Josķ N·±ez",  # cp1252 read as cp775 (the issue's example)
    "CafÃ© reopens",  # UTF-8 read as cp1252
    "Itâ€™s over",
    "Ïðèâåò ìèð, ãîñïîäà",  # cp1251 read as cp1252
    "Cafй reopens",  # cp1252 read as cp1251
    "we\x92re here",  # cp1252 read as latin-1
    "Caf┼s and bars",  # a DOS code page
    "broken \ufffd text",
]
CLEAN = [
    "Café reopens on Monday, said José Núñez.",
    "Dvořák played in Łódź and Zürich.",
    "Þórður Guðmundsson wrote the þýðing.",
    "Nguyễn Văn được bầu lại.",
    "İstanbul’s Größe, Ångström and São Paulo.",
    "The col·legi opens — “finally” — at 9…",
    "Zoë’s naïve résumé: été, élève, âgé.",
    "Правительство объявило о новых мерах.",
    "東京都は新しい交通計画を発表しました。",
    "政府宣布了新的经济支持措施。",
    "Δx rose by 3×4 units; the score was π-adjusted.",
    "A ½ price sale, 20 °C, and “quotes”—with dashes.",
]


@pytest.mark.parametrize("text", MOJIBAKE)
def test_the_detector_flags_mojibake(text: str) -> None:
    assert looks_like_mojibake(text), text


@pytest.mark.parametrize("text", CLEAN)
def test_the_detector_passes_real_text(text: str) -> None:
    assert find_mojibake(text) == [], text


def test_plausibility_prefers_the_right_reading() -> None:
    assert implausibility("Café reopens") < implausibility("Cafķ reopens")
    assert implausibility("Привет мир") < implausibility("Ïðèâåò ìèð")
