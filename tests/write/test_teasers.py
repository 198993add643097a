"""Teasers: first person, correct English for any headline, outlets named right."""

from __future__ import annotations

import pytest

from retold.write.teasers import (
    make_teaser,
    outlet_name,
    outlet_possessive,
    quote_headline,
    subjects,
    teaser_problems,
)

BRIDGE_TEXT = "The Old Harbour Bridge will close. The Old Harbour Bridge is old."


def test_teaser_is_first_person_short_and_stable() -> None:
    a = make_teaser("Old Harbour Bridge closure begins", BRIDGE_TEXT, ["The Harbour Gazette"])
    assert a == make_teaser(
        "Old Harbour Bridge closure begins", BRIDGE_TEXT, ["The Harbour Gazette"]
    )
    assert a.startswith(("I ", "Here is my")) and len(a) <= 110
    assert "The Harbour Gazette's" in a and "Old Harbour Bridge closure" in a
    assert teaser_problems(a) == []


def test_a_name_with_its_event_is_the_subject() -> None:
    assert subjects("Old Harbour Bridge closure begins", BRIDGE_TEXT)[0] == (
        "the Old Harbour Bridge closure"
    )
    # "fire" here is a verb: no "UK Tories fire" noun phrase, the headline is quoted.
    assert subjects("UK Tories fire party chair over donations row", "") == ["UK Tories"]
    teaser = make_teaser("UK Tories fire party chair over donations row", "", ["The Guardian"])
    assert "“UK Tories fire party chair over donations row”" in teaser
    assert teaser_problems(teaser) == []


@pytest.mark.parametrize(
    "headline",
    [
        "Classificação NASCAR: Larson lidera após vitória em Bristol",
        "삼성전자, 3분기 영업이익 10조 돌파",
        "How Machine Learning Is Shaping eCommerce",
        "Best Live TV Streaming Services 2026: YouTube TV, Sling, Hulu, and More",
        "What Meditation Can Do for You (and How To Get Started)",
        "Do I Need Travel Insurance?",
    ],
)
def test_headlines_without_a_safe_noun_phrase_are_quoted(headline: str) -> None:
    teaser = make_teaser(headline, "", ["Example News"], url="https://example.com/a")
    assert not subjects(headline, "")
    assert "“" in teaser and " how " not in teaser.split("“")[0].lower()
    assert teaser_problems(teaser) == [], teaser


def test_quoting_keeps_one_closing_mark() -> None:
    assert quote_headline("Is the bridge safe?") == "“Is the bridge safe?”"
    assert (
        quote_headline("Top appliance makers in the U.S.") == "“Top appliance makers in the U.S.”"
    )
    assert (
        quote_headline('Nurses call pay offer "an insult"')
        == "“Nurses call pay offer ‘an insult’”."
    )


def test_outlet_comes_from_a_real_site_name_or_the_host() -> None:
    assert outlet_name("Hosted", "https://news.example.co.uk/a") == "news.example.co.uk"
    assert outlet_name("Housecall Pro - The #1 all-in-one solution", "") == "Housecall Pro"
    assert outlet_name("Reuters", "https://www.reuters.com/x") == "Reuters"
    assert outlet_name("", "https://www.theverge.com/x") == "theverge.com"
    teaser = make_teaser(
        "UK Tories fire party chair", "", ["Hosted"], url="https://news.example.co.uk/a"
    )
    assert "Hosted" not in teaser and "news.example.co.uk's" in teaser


def test_possessives_are_consistent() -> None:
    assert outlet_possessive("The Harbour Gazette") == "The Harbour Gazette's"
    assert outlet_possessive("Harbour Gazette") == "the Harbour Gazette's"
    assert outlet_possessive("Reuters") == "Reuters'"
    assert outlet_possessive("The Times") == "The Times'"
    assert outlet_possessive("") == "the original"


def test_several_outlets_and_imagined_stories() -> None:
    multi = make_teaser(
        "Council approves harbour budget", "", ["Northfield Courier", "Valley Ledger"]
    )
    assert "Courier" in multi and "Ledger" in multi and teaser_problems(multi) == []
    imagined = make_teaser("Granary Theatre reopens", "", ["Northfield Courier"], imagined=True)
    assert "imagined" in imagined and teaser_problems(imagined) == []


def test_a_very_long_headline_still_gives_a_sentence() -> None:
    headline = (
        "Regional water board approves a record drought budget for the coming decade of dry "
        "summers, warning that household bills will rise"
    )
    teaser = make_teaser(headline, "", ["Metro Wire"])
    assert len(teaser) <= 110 and teaser_problems(teaser) == [], teaser


@pytest.mark.parametrize(
    ("teaser", "problem"),
    [
        ("I condensed Hosted's account of UK Tories fire", "no final period"),
        ("I retold X's report on how classificação nascar.", "how/why without a clause"),
        ("I summed up X's reporting on What Meditation Can Do.", "dangling function word"),
        ("i retold the the story.", "lowercase start"),
        ("I retold the the story.", "doubled word"),
        ("I retold X's report: “Bridge shuts.", "unbalanced quotes"),
    ],
)
def test_teaser_checks_catch_bad_english(teaser: str, problem: str) -> None:
    assert problem in teaser_problems(teaser)
