from retold.verify import names
from retold.verify.quotes import canonical_source, quote_found, quoted_spans

SOURCE = (
    "“None of those hangers has failed, and the bridge is not about to fall down,” Ms Voss "
    "told the Courier. Researchers at Shanghai Jiao Tong University agreed with "
    "Mayor Tobias Brandt."
)


def test_quote_spans_straight_curly_single() -> None:
    text = "He said “it is fine” and 'we will see' but didn't mind the workers' union."
    assert quoted_spans(text) == ["it is fine", "we will see"]
    assert quoted_spans('She said "yes, really".') == ["yes, really"]


def test_quote_matching_ignores_case_punctuation_and_ellipses() -> None:
    src = [canonical_source(SOURCE)]
    assert quote_found("none of those hangers has failed and the bridge…", src)
    assert quote_found("None of those hangers ... fall down", src)
    assert not quote_found("None of these hangers has failed", src)
    assert not quote_found("fall down ... None of those", src)  # parts out of order


def test_names_found_missing_misspelled() -> None:
    caps, all_words = names.capitalised_words(SOURCE), names.all_words(SOURCE)
    found = names.extract("Scientists at Shanghai Jia Tong University spoke.", caps)
    problem = names.check(found[0], all_words, caps)
    assert problem is not None and problem.kind == "misspelled"
    assert problem.source_form == "Shanghai Jiao Tong University"
    (karl,) = names.extract("It was Karl Lund.", caps)
    assert names.check(karl, all_words, caps).kind == "missing"  # type: ignore[union-attr]
    (brandt,) = names.extract("Mayor Tobias Brandt agreed.", caps)
    assert names.check(brandt, all_words, caps) is None


def test_sentence_start_words_are_not_names_unless_known() -> None:
    assert names.extract("Thousands of people cross it.", set()) == []
    assert [n.text for n in names.extract("Voss said so.", {"voss"})] == ["Voss"]
    assert names.extract("all lower case text about bob", set()) == []
