"""One English stop-word list, and the named extensions ranking and clustering add."""

from __future__ import annotations

from retold.text.stopwords import (
    CLUSTER_STOPWORDS,
    NEWS_FILLER,
    NOT_TOPICAL,
    STOPWORDS,
    TOPIC_STOPWORDS,
)


def test_the_english_list_keeps_what_a_fact_check_needs() -> None:
    assert {"the", "of", "said", "according", "it's", "via"} <= STOPWORDS
    # Negations, directions and counts change a claim: the checker reads them.
    assert not {"not", "no", "never", "above", "below", "one", "two"} & STOPWORDS
    assert all(w == w.lower() and " " not in w for w in STOPWORDS)


def test_topic_comparisons_drop_more_on_top_of_the_english_list() -> None:
    assert TOPIC_STOPWORDS == STOPWORDS | NOT_TOPICAL
    assert CLUSTER_STOPWORDS == TOPIC_STOPWORDS | NEWS_FILLER
    assert {"not", "herself", "mr"} <= TOPIC_STOPWORDS
    assert {"year", "week", "new", "first", "three"} <= CLUSTER_STOPWORDS - TOPIC_STOPWORDS


def test_extensions_only_add_words() -> None:
    # Each extension is worth naming only if it adds something.
    assert NOT_TOPICAL and not NOT_TOPICAL & STOPWORDS
    assert NEWS_FILLER and not NEWS_FILLER & TOPIC_STOPWORDS
