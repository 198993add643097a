"""Word counts and scripts for every writing system, with or without spaces."""

from __future__ import annotations

from retold.text.scripts import checker_supports, dominant_script, script_name, word_count


def test_spaced_text_counts_as_split_does() -> None:
    text = "The bridge — closed since 2019 — reopens on Monday, the council's engineer said."
    assert word_count(text) == len(text.split()) == 14
    korean = "서울시는 1일 새 조례를 발표했다."
    assert word_count(korean) == 5  # Korean puts spaces between words
    assert word_count("Café au lait, s'il vous plaît.") == 6


def test_each_cjk_character_is_a_word_and_punctuation_is_not() -> None:
    assert word_count("新しい橋が開通した。") == 9
    assert word_count("「本当に？」") == 3
    assert word_count("港町市は2025年に") == 7  # 港 町 市 は, "2025", 年, に
    assert word_count("東京 Tokyo 2025") == 4
    assert word_count("北京市政府宣布，新地铁线将于明年开通。") == 17


def test_thai_counts_four_letters_a_word_without_its_marks() -> None:
    # 16 letters and 4 combining marks: four words, whatever the marks
    phrase = "ตลาดนัดกลางคืนริมแม่น้ำ"
    letters = sum(1 for c in phrase if c not in "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39"
                  "\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c")  # fmt: skip
    assert word_count(phrase) == -(-letters // 4)
    assert word_count(f"{phrase} {phrase}") == 2 * word_count(phrase)


def test_a_japanese_page_has_enough_words_to_be_extracted() -> None:
    # The ingest stage counts with this one: a Japanese page is not "no extractable text".
    page = "港町市は三日、新しい橋が開通したと発表した。橋の長さは約八百メートルだ。"
    assert word_count(page) > 15
    assert len(page.split()) == 1


def test_dominant_script_and_what_the_checker_reads() -> None:
    assert dominant_script("The council met on Monday.") == "latin"
    assert dominant_script("港町市は三日、新しい橋が開通したと発表した。") == "cjk"
    assert dominant_script("ตลาดนัดกลางคืนเปิดอีกครั้ง (Night market)") == "thai"
    assert dominant_script("Москва, 3 ноября") == "cyrillic"
    assert dominant_script("2025 — 12:30") == ""
    assert checker_supports("latin") and checker_supports("")
    assert not checker_supports("cjk") and not checker_supports("thai")
    assert script_name("cjk") == "Chinese or Japanese"
