"""The longest run a text copies from its sources, outside quotation marks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from retold.text.copying import COPY_LIMIT, longest_copied_run
from retold.text.quotes import unquoted_parts
from retold.text.words import words

SOURCE = (
    "The council voted on Tuesday to close the Old Harbour Bridge for six weeks while "
    "engineers replace corroded hangers. “We would rather close it on our own timetable "
    "than in an emergency,” said Aurelia Voss, the city engineer."
)


def test_a_retelling_shares_phrases_but_no_long_run() -> None:
    told = "Engineers will spend six weeks replacing corroded hangers after a council vote."
    assert len(longest_copied_run(told, [SOURCE])) < COPY_LIMIT


def test_a_copied_sentence_is_found_whatever_its_case_and_punctuation() -> None:
    copied = "the Council voted, on Tuesday, to close the old Harbour Bridge for six weeks!"
    run = longest_copied_run(copied, [SOURCE])
    assert " ".join(run) == (
        "the council voted on tuesday to close the old harbour bridge for six weeks"
    )
    assert len(run) >= COPY_LIMIT


def test_quoted_words_are_the_speaker_s_and_do_not_count() -> None:
    quoting = "Ms Voss said: “We would rather close it on our own timetable than in an emergency.”"
    assert len(longest_copied_run(quoting, [SOURCE])) < COPY_LIMIT
    # A run may not bridge a quotation either: its two sides are separate stretches.
    assert unquoted_parts("a b “c d” e f") == ["a b ", " e f"]


def test_the_longest_run_over_several_sources() -> None:
    other = "Drivers face a detour of 25 to 40 minutes at peak times, the council said."
    text = "Drivers face a detour of 25 to 40 minutes at peak times on weekdays."
    assert longest_copied_run(text, [SOURCE, other])[:3] == ["drivers", "face", "a"]
    assert longest_copied_run(text, []) == []


def _holds(sequence: list[str], run: list[str]) -> bool:
    n = len(run)
    return any(sequence[i : i + n] == run for i in range(len(sequence) - n + 1))


@given(st.text(alphabet="ab .“”", max_size=120), st.text(alphabet="ab .", max_size=120))
def test_the_run_is_in_the_text_and_in_the_source(text: str, source: str) -> None:
    run = longest_copied_run(text, [source])
    assert _holds(words(source), run)
    assert any(_holds(words(part), run) for part in unquoted_parts(text)) or not run
    # and nothing longer is shared: every longer run of the text is missing from the source
    for part in unquoted_parts(text):
        mine = words(part)
        n = len(run) + 1
        assert not any(_holds(words(source), mine[i : i + n]) for i in range(len(mine) - n + 1))
