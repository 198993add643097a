"""What makes a rewrite of one source sentence acceptable, and the headline, standfirst
and teaser the model writes for the result (the model itself: tests/write/test_llama.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from retold.records import SourceDoc
from retold.write import WriteBrief, WriterConfigError, WriterSettings, get_writer
from retold.write.prompting import load_prompt
from retold.write.sentencewise import (
    heads_problems,
    is_quotation,
    rewrite_problems,
    write_sentencewise,
)
from tests.write.fake_openai import retell

SOURCE = (
    "The council voted on Tuesday to close the Old Harbour Bridge for six weeks while "
    "engineers replace corroded hangers. “We would rather close it on our own timetable "
    "than in an emergency,” said Aurelia Voss, the city engineer."
)
FIRST, QUOTE = SOURCE.split(". ", 1)


def test_a_rewrite_in_other_words_is_fine() -> None:
    told = "Engineers will spend six weeks replacing corroded hangers after a council vote."
    assert rewrite_problems(told, FIRST, [SOURCE]) == []


def test_a_copy_is_sent_back_naming_the_copied_words() -> None:
    (problem,) = rewrite_problems(FIRST + ".", FIRST, [SOURCE])
    assert "copies" in problem and "the old harbour bridge for six weeks" in problem


def test_what_was_said_stays_word_for_word_in_quotes() -> None:
    kept = (
        "Aurelia Voss said: “We would rather close it on our own timetable than in an emergency.”"
    )
    assert rewrite_problems(kept, QUOTE, [SOURCE]) == []
    unquoted = "Ms Voss said the city would rather close it on its own timetable."
    assert "word for word" in rewrite_problems(unquoted, QUOTE, [SOURCE])[0]


def test_a_rewrite_that_echoes_the_instructions_is_refused() -> None:
    prompt = load_prompt("sentence")
    echo = "Your sentence did not meet the requirements: the council voted to shut the bridge."
    (problem,) = rewrite_problems(echo, FIRST, [SOURCE], (prompt.system, prompt.repair))
    assert "not these instructions" in problem


def test_a_title_or_a_word_or_two_in_quotes_may_be_reworded() -> None:
    source = "“The Tidewater Years” follows a fishing family over three generations."
    told = "The Tidewater Years tells of three generations of a family who fish."
    assert rewrite_problems(told, source, [source]) == []


def test_quotations_are_kept_as_said() -> None:
    assert is_quotation(QUOTE)
    assert is_quotation("“We tried everything before we closed it.")  # a quote runs on
    assert is_quotation("She is usually right,” he said.")
    assert not is_quotation(FIRST)
    assert not is_quotation("The mayor called the plan “a disgrace” at Tuesday's long meeting.")


def test_empty_or_rambling_rewrites_are_refused() -> None:
    assert rewrite_problems("  ", FIRST, [SOURCE]) == ["sentence: write the sentence"]
    rambling = "The bridge shuts. Engineers work. Drivers wait. Ferries run."
    assert rewrite_problems(rambling, FIRST, [SOURCE]) == [
        "sentence: write one sentence, not several"
    ]


ARTICLE = "The Old Harbour Bridge closes for six weeks while engineers replace hangers."


def test_heads_that_fit_pass() -> None:
    heads = {
        "headline": "Old Harbour Bridge closes for six weeks",
        "standfirst": "Engineers will replace corroded hangers on the old crossing.",
        "teaser": "An AI wonders how the harbour copes without its bridge.",
    }
    assert heads_problems(heads, ARTICLE) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"headline": "Will the bridge ever reopen?"}, "no question"),
        ({"headline": " ".join(["word"] * 13)}, "at most 12 words"),
        ({"standfirst": "It closes. It reopens in spring."}, "one sentence"),
        ({"teaser": "Bridge closes for six weeks."}, 'start it with "An AI"'),
        ({"teaser": "An AI wonders whether trams can beat the traffic."}, "what this story is"),
        ({"headline": ""}, "headline: write it"),
        # Nothing checks these lines sentence by sentence: a new name or number is refused.
        ({"headline": "Old Harbour Bridge in UK closes for six weeks"}, "headline: uk is not"),
        ({"standfirst": "Engineers will replace 40 corroded hangers."}, "standfirst: 40"),
    ],
)
def test_heads_that_do_not_fit_are_named(change: dict[str, str], problem: str) -> None:
    heads = {
        "headline": "Old Harbour Bridge closes for six weeks",
        "standfirst": "Engineers will replace corroded hangers on the old crossing.",
        "teaser": "An AI wonders how the harbour copes without its bridge.",
        **change,
    }
    assert any(problem in p for p in heads_problems(heads, ARTICLE))


def test_an_unknown_local_method_is_a_config_error() -> None:
    with pytest.raises(WriterConfigError, match="method 'poem'"):
        get_writer(WriterSettings(backend="local", options={"method": "poem"}))


def test_a_line_the_model_gets_right_is_kept_when_another_is_refused(bridge: SourceDoc) -> None:
    """A scripted model (a stand-in for the model, not for the code under test): every
    rewrite leaves out every tenth word, the headline invents a place twice, the standfirst
    runs to two sentences twice (so the plan's is retold on its own), the teaser is fine."""
    heads_asked = []

    async def ask(messages: list[dict[str, str]], schema: dict[str, Any]) -> dict[str, Any]:
        if "sentence" in schema["properties"]:
            return {"sentence": retell(messages[1]["content"])}
        heads_asked.append(messages)
        return {
            "headline": "Old Harbour Bridge in Scotland shuts for repairs",
            "standfirst": "The bridge shuts. Engineers fix it.",
            "teaser": "An AI wonders how the harbour copes without its bridge.",
        }

    draft = asyncio.run(write_sentencewise(ask, [bridge], WriteBrief()))
    assert len(heads_asked) == 2  # asked once more, naming what was wrong
    assert draft.teaser == "An AI wonders how the harbour copes without its bridge."
    assert "Scotland" not in draft.headline and draft.headline  # the plan's headline
    assert draft.standfirst and "Engineers fix it" not in draft.standfirst
    assert "The headline is the extractive writer's" in draft.note
    assert "headline: scotland is not in the sources" in draft.note


def test_a_teaser_cut_off_by_the_length_cap_is_refused_a_short_one_only_lacks_its_stop() -> None:
    heads = {
        "headline": "Old Harbour Bridge closes for six weeks",
        "standfirst": "Engineers will replace corroded hangers on the old crossing.",
        "teaser": "An AI wonders how the harbour copes without its bridge",
    }
    assert heads_problems(heads, ARTICLE) == []  # the writer adds the full stop
    cut = "An AI wonders how the harbour copes without its bridge while the engineers replace th"
    cut += "e hangers of the old"
    assert any("ends with a full stop" in p for p in heads_problems({**heads, "teaser": cut}))


def test_a_title_case_headline_is_not_read_as_a_row_of_names() -> None:
    heads = {
        "headline": "Old Harbour Bridge Closes For Six Weeks Of Careful Repairs",
        "standfirst": "Engineers will replace corroded hangers on the old crossing.",
        "teaser": "An AI wonders how the harbour copes without its bridge.",
    }
    assert heads_problems(heads, ARTICLE) == []  # "Careful" is a word, not a name
    acronym = {**heads, "headline": "Old Harbour Bridge In UK Closes For Six Weeks"}
    assert any("uk is not in the sources" in p for p in heads_problems(acronym, ARTICLE))
