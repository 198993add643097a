import pytest

from retold.ingest.clean import is_boilerplate_line, is_offer_button
from retold.ingest.walls import PAYWALL_TEXT
from retold.text.caseless import caseless


def test_a_caseless_pattern_matches_any_casing_of_folded_text() -> None:
    pattern = caseless(r"sign up (?:for|to) our newsletter\b|code [a-z]*\d\w*")
    assert pattern.search("SIGN UP FOR OUR NEWSLETTER today".casefold())
    assert pattern.search("Use code SAVE20 at checkout".casefold())
    assert not pattern.search("Signed up for nothing".casefold())


def test_a_capital_in_a_caseless_pattern_is_refused_at_import() -> None:
    with pytest.raises(ValueError, match="lower case"):
        caseless(r"Subscribe now")
    caseless(r"\S+\W\d\B")  # escapes with capital letters are fine


def test_the_phrase_lists_still_match_whatever_the_case() -> None:
    assert is_boilerplate_line("SHARE THIS ARTICLE WITH A FRIEND")
    assert is_boilerplate_line("Use Promo Code SPRING25 For 20% Off")
    assert is_offer_button("BOOK A DEMO")
    assert PAYWALL_TEXT.search("Subscribe Now To Continue Reading".casefold())
