"""The checker's source-index cache is bounded by bytes and never loses a result it built."""

from __future__ import annotations

from retold.verify.checker import default_checker
from retold.verify.index import IndexCache, index_bytes

DOCS = [
    (
        f"The {place} council voted on {n} March to rebuild the harbour wall. "
        f"Work will cost {n * 3} million crowns and take {n} months. "
        "Residents said the old wall had failed twice in storms last winter.",
        f"https://example.org/{place}",
    )
    for n, place in ((2, "Harrowmere"), (3, "Brackley"), (4, "Veldt"))
]


def test_the_cache_holds_at_most_its_budget_and_returns_every_index() -> None:
    encoder = default_checker().encoder
    one = index_bytes(IndexCache().get_many(DOCS[:1], encoder)[0])
    cache = IndexCache(max_bytes=one + one // 2)  # room for one index, not two
    found = cache.get_many(DOCS, encoder)
    assert [ix.url for ix in found] == [url for _, url in DOCS]  # all three, evicted or not
    assert cache._bytes <= cache.max_bytes and len(cache._items) == 1
    again = cache.get_many(DOCS[-1:], encoder)[0]
    assert again is found[-1]  # the newest stayed cached
    cache.clear()
    assert cache._bytes == 0 and not cache._items
