from retold.text.quotes import quoted_spans
from retold.verify import names
from retold.verify.quotes import canonical_source, quote_found

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


def test_tokenised_contractions_are_not_quote_marks() -> None:
    # datasets write "we 're", "club 's" and `` ` ... ' `` quotes
    assert quoted_spans("the club 's ' biggest game ' for years .") == ["biggest game"]
    spans = quoted_spans("an officer said : ` we 're no heroes , just tourists '")
    assert spans == ["we 're no heroes , just tourists"]
    src = [canonical_source("'We're no heroes, just tourists,' he said. 'I don't know.'")]
    assert quote_found(spans[0], src)
    assert quote_found("i do n't know", src)
    assert not quote_found("i do know", src)


def test_unknown_word_tokens_are_wildcards_not_names() -> None:
    src = [canonical_source("They enjoy 'ostentatious spending, exhibitionism and narcissism'.")]
    assert quote_found("ostentatious spending , UNK and narcissism", src)
    found = names.extract("UNK UNK was expelled from the Dubai Open.", set())
    assert [n.tokens for n in found] == [("dubai", "open")]


def test_dotted_acronyms_match_undotted() -> None:
    (found,) = names.extract("On Friday, U.K. activists marched.", set())
    assert names.check(found, names.all_words("UK activists marched"), set()) is None


def test_a_name_where_the_evidence_has_another() -> None:
    from retold.text.words import words

    source = "Harrowmere Athletic sacked their manager Dario Mendel on Friday night."
    caps = names.capitalised_words("Then " + source)
    index = [names.neighbours([words(source)], caps)]
    swapped = words("Dario Mendel sacked their manager Harrowmere Athletic on Friday night.")
    named = {"dario", "mendel", "harrowmere", "athletic"}
    found = names.misplaced(swapped, [words(source)], index, caps, named)
    assert found is not None and found == ("Dario Mendel", "sacked", "Harrowmere Athletic")
    faithful = words("Their manager Dario Mendel was sacked by Harrowmere Athletic.")
    assert names.misplaced(faithful, [words(source)], index, caps, named) is None


def test_a_name_standing_in_another_names_place() -> None:
    source = (
        "The National Bank held its main rate at 3.25%, Governor Leopold Haar told Metro Wire. "
        "Banks, Nordmark Bank and Harrowmere Savings Bank said "
        "payments failed. A great-grandson of Anders Fjeld, Mikael Fjeld, 58, spoke."
    )
    caps = names.capitalised_words(source)
    sentences = source.split(". ")
    evidence = [slot for s in sentences for slot in names.slots(s, caps)]
    known = [set(evidence)]

    def check(sentence: str) -> tuple[str, str] | None:
        return names.substituted(names.slots(sentence, caps), evidence, known)

    assert ("^", ("national", "bank"), "held") in evidence
    swapped = "Metro Wire held its main rate at 3.25%, Governor Leopold Haar told the National Bank"
    assert check(swapped) == ("Metro Wire", "National Bank")
    assert check("A great-grandson of Mikael Fjeld, Anders Fjeld, 58, spoke") == (
        "Mikael Fjeld",
        "Anders Fjeld",
    )
    # the same words as the source, a paraphrase, a shorter form, a reordered list: all fine
    assert (
        check("The National Bank held its main rate at 3.25%, Leopold Haar told Metro Wire") is None
    )
    assert check("The central bank held its rate, Governor Leopold Haar said") is None
    assert check("The rate was held, Haar said") is None
    assert check("Banks, Harrowmere Savings Bank and Nordmark Bank said payments failed") is None
