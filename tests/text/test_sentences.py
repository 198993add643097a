"""Sentence splitting in scripts without spaces, and copies found in their source."""

from __future__ import annotations

from retold.text.sentences import ends_sentence, join_sentences, match_key, split_sentences


def test_japanese_sentences_end_at_full_stops_without_spaces() -> None:
    text = (
        "港町市は三日、新しい橋が開通したと発表した。橋の長さは約八百メートルだ。"
        "「本当に必要か？」と記者が質問した。知事は「必要です。準備は整っています。」と答えた。"
        "開通は来月だ！"
    )
    assert split_sentences(text) == [
        "港町市は三日、新しい橋が開通したと発表した。",
        "橋の長さは約八百メートルだ。",
        "「本当に必要か？」と記者が質問した。",  # a question quoted inside goes on
        "知事は「必要です。準備は整っています。」と答えた。",
        "開通は来月だ！",
    ]


def test_chinese_and_fullwidth_punctuation() -> None:
    text = "北京市政府宣布，新地铁线将于明年开通！市民反应如何？多数人表示欢迎。"
    assert split_sentences(text) == [
        "北京市政府宣布，新地铁线将于明年开通！",
        "市民反应如何？",
        "多数人表示欢迎。",
    ]


def test_joined_sentences_split_back_the_same() -> None:
    ja = ["橋が開通した。", "長さは八百メートルだ。", "市長は喜んだ。"]
    assert join_sentences(ja) == "橋が開通した。長さは八百メートルだ。市長は喜んだ。"
    assert split_sentences(join_sentences(ja)) == ja
    en = ["The bridge opened.", "It is long."]
    assert join_sentences(en) == "The bridge opened. It is long."


def test_thai_phrases_split_at_spaces_between_thai_letters() -> None:
    text = "ตลาดนัดกลางคืนเปิดให้บริการอีกครั้งเมื่อวันเสาร์ ร้านค้ากว่าสองร้อยร้านกลับมาขายอาหาร ราคาอาหาร 50 บาท"
    assert split_sentences(text) == [
        "ตลาดนัดกลางคืนเปิดให้บริการอีกครั้งเมื่อวันเสาร์",
        "ร้านค้ากว่าสองร้อยร้านกลับมาขายอาหาร",
        "ราคาอาหาร 50 บาท",  # a space beside a number is not a break
    ]


def test_caseless_scripts_split_at_full_stops() -> None:
    assert split_sentences("서울시는 새 조례를 발표했다. 조례는 내년 4월부터 시행된다.") == [
        "서울시는 새 조례를 발표했다.",
        "조례는 내년 4월부터 시행된다.",
    ]
    assert split_sentences("सरकार ने नई योजना शुरू की। यह अगले महीने लागू होगी।") == [
        "सरकार ने नई योजना शुरू की।",
        "यह अगले महीने लागू होगी।",
    ]


def test_english_rules_are_unchanged() -> None:
    text = "Dr. Smith met J. K. Rowling at 4.30 p.m. Then U.S. troops left. “Why?” she asked."
    assert split_sentences(text) == [
        "Dr. Smith met J. K. Rowling at 4.30 p.m.",
        "Then U.S. troops left.",
        "“Why?” she asked.",
    ]


def test_what_ends_a_sentence() -> None:
    assert ends_sentence("橋が開通した。") and ends_sentence("「必要です。」")
    assert ends_sentence("ร้านค้ากลับมาขายอาหาร")  # Thai needs no punctuation
    assert ends_sentence("It opened.") and not ends_sentence("Harbour Rovers 12 9 2 1 29")


def test_match_key_ignores_spacing_width_and_quote_style() -> None:
    assert match_key("“Ａ２ bridge” opened") == match_key('"A2 bridge"\nopened')
    assert match_key("橋が開通した。 長さは") in match_key("市は、橋が開通した。長さは八百メートル")
