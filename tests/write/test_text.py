"""Sentence splitting, headline cleaning, topics and teasers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retold.write.headlines import clean_headline
from retold.write.sentences import sentence_spans, split_sentences
from retold.write.teasers import make_teaser
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


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("Old Harbour Bridge to close | The Harbour Gazette", "", "Old Harbour Bridge to close"),
        ("Gazette: Council approves budget", "The Harbour Gazette", "Council approves budget"),
        ("Storm warning issued for valley - Metro Wire", "", "Storm warning issued for valley"),
        ("BREAKING: Bridge closes for repairs!!!", "", "Bridge closes for repairs"),
        ("Bridge shuts for six weeks. Here's why", "", "Bridge shuts for six weeks"),
        ("Old Harbour Bridge closure: what we know so far", "", "Old Harbour Bridge closure"),
        (
            "Mayor SLAMS council over HUGE budget gap!",
            "",
            "Mayor slams council over huge budget gap",
        ),
        ("COUNCIL APPROVES NHS FUNDING BOOST", "", "Council approves NHS funding boost"),
        ("Is the bridge safe?!", "", "Is the bridge safe?"),
        ("You won't believe what the council did", "", ""),
    ],
)
def test_clean_headline(title: str, site: str, expected: str) -> None:
    assert clean_headline(title, site) == expected


def test_long_headline_is_cut_at_a_word_boundary() -> None:
    title = (
        "Northfield commuters face six weeks without the Old Harbour Bridge while engineers "
        "replace the corroded hangers"
    )
    out = clean_headline(title)
    assert len(out) <= 80 and title.startswith(out)
    assert out == "Northfield commuters face six weeks without the Old Harbour Bridge"


def test_topics_from_words_and_category() -> None:
    text = "The council voted on the budget. The mayor said the tax rise was needed."
    assert pick_topics("Council sets budget", text)[0] == "politics"
    assert pick_topics("Council sets budget", text, category="Sport")[0] == "sport"


def test_teaser_is_first_person_short_and_stable() -> None:
    text = "The Old Harbour Bridge will close. The Old Harbour Bridge is old."
    a = make_teaser("Old Harbour Bridge closure begins", text, ["The Harbour Gazette"])
    assert a == make_teaser("Old Harbour Bridge closure begins", text, ["The Harbour Gazette"])
    assert a.startswith(("I ", "Here is my")) and len(a) <= 110
    assert "The Harbour Gazette's" in a and "Old Harbour Bridge" in a


def test_tidy_body_drops_repeats_and_trims_to_the_word_limit() -> None:
    from retold.write.backend import WriteBrief
    from retold.write.schema import tidy_body

    brief = WriteBrief(max_words=12, min_paragraphs=2)
    body = ["The bridge closes on Monday. The bridge closes on Monday.",
            "Repairs cost 4.2 million crowns. They take six weeks.",
            "The mayor spoke. The ferry runs."]
    assert tidy_body(body, brief) == [
        "The bridge closes on Monday.", "Repairs cost 4.2 million crowns."]
