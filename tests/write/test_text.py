"""Sentence splitting, topics and body tidying (headlines and teasers: test_headlines.py,
test_teasers.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retold.text.sentences import sentence_spans, split_sentences
from retold.write.topics import pick_topics


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dr. Helena Marsh spoke. She left.", ["Dr. Helena Marsh spoke.", "She left."]),
        (
            "It cost 4.2 million crowns. Work starts soon.",
            ["It cost 4.2 million crowns.", "Work starts soon."],
        ),
        ("J. K. Rowling wrote it. Fans agreed.", ["J. K. Rowling wrote it.", "Fans agreed."]),
        ("“Why?” she asked. Nobody knew.", ["“Why?” she asked.", "Nobody knew."]),
        ("“We are done.” Then he left.", ["“We are done.”", "Then he left."]),
        ("See No. 5 on Jan. 12 today. Good.", ["See No. 5 on Jan. 12 today.", "Good."]),
        (
            "The U.S. Army said no. It was 9 a.m. The end.",
            ["The U.S. Army said no.", "It was 9 a.m.", "The end."],
        ),
        (
            "Brask & Sons Ltd. said yes. Acme Ltd. The firm.",
            ["Brask & Sons Ltd. said yes.", "Acme Ltd.", "The firm."],
        ),
        ("Wait... What happened?! Nothing.", ["Wait...", "What happened?!", "Nothing."]),
        ("One paragraph\n\nAnother one.", ["One paragraph", "Another one."]),
        ("A line that wraps\nonto the next. Done.", ["A line that wraps onto the next.", "Done."]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@given(st.text(alphabet=st.sampled_from(list("ab .?!\n“”\"'Dr0123ABC")), max_size=200))
def test_spans_point_into_the_text(text: str) -> None:
    last = 0
    for span in sentence_spans(text):
        assert span.start >= last and span.end <= len(text)
        assert " ".join(text[span.start : span.end].split()) == span.text
        last = span.end


def test_topics_from_words_and_category() -> None:
    text = "The council voted on the budget. The mayor said the tax rise was needed."
    assert pick_topics("Council sets budget", text)[0] == "politics"
    assert pick_topics("Council sets budget", text, category="Sport")[0] == "sport"


def test_tidy_body_drops_repeats_and_trims_to_the_word_limit() -> None:
    from retold.write.backend import WriteBrief
    from retold.write.schema import tidy_body

    brief = WriteBrief(max_words=12, min_paragraphs=2)
    body = ["The bridge closes on Monday. The bridge closes on Monday.",
            "Repairs cost 4.2 million crowns. They take six weeks.",
            "The mayor spoke. The ferry runs."]
    assert tidy_body(body, brief) == [
        "The bridge closes on Monday.", "Repairs cost 4.2 million crowns."]
