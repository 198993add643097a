"""A model's article must retell its sources, not copy them (and not add to them in the
lines the checker does not read).

Quotes stay verbatim and attributed (the checker holds them to the letter); anything the
article says in its own voice may share phrases with a source but no run of ``COPY_LIMIT``
words or more. Its headline and standfirst name no name or number the sources lack. A
draft that copies is sent back once with the passage named, like any other invalid output,
and falls back to the extractive writer (with the reason) if it copies again.
"""

from __future__ import annotations

from collections.abc import Sequence

from retold.text.copying import COPY_LIMIT, longest_copied_run
from retold.verify.particulars import absent_particulars
from retold.write.schema import ArticleOut


def copy_problems(article: ArticleOut, sources: Sequence[str]) -> list[str]:
    """One problem per part of ``article`` that copies a source outside quotes."""
    parts = [("standfirst", article.standfirst)]
    parts += [(f"body paragraph {n}", text) for n, text in enumerate(article.body, start=1)]
    problems = []
    for where, text in parts:
        run = longest_copied_run(text, sources)
        if len(run) >= COPY_LIMIT:
            start = " ".join(run[:8])
            problems.append(
                f"{where}: {len(run)} words copied from a source word for word "
                f'("{start} …"); retell it in your own words, or quote it exactly and say '
                "who said it"
            )
    return problems


def invented_particulars(parts: Sequence[tuple[str, str]], sources: Sequence[str]) -> list[str]:
    """One problem per (where, text) part naming a name or number no source has.

    The checker reads the body sentence by sentence; a headline or standfirst has no such
    check, so a name or number in it must come from the sources ("in UK" where no source
    says where is invented)."""
    reference = "\n\n".join(sources)
    problems = []
    for where, text in parts:
        absent = absent_particulars(text, reference)
        if absent:
            problems.append(f"{where}: {', '.join(absent)} is not in the sources; leave it out")
    return problems
