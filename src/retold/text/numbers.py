"""Number words: what "eighteen", "forty" and "million" are worth."""

from __future__ import annotations

UNITS_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
SMALL: dict[str, int] = {word: value for value, word in enumerate(UNITS_WORDS)}
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES: dict[str, int] = {
    "hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}  # fmt: skip


def count_word(n: int, zero: str = "no") -> str:
    """How a sentence says a small count: "no", "one" … "twelve", then digits (house style)."""
    if n == 0:
        return zero
    return UNITS_WORDS[n] if n <= 12 else str(n)
