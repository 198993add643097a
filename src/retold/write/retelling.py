"""A model's article must retell its sources, not copy them: the writer's no-copy rule.

Quotes stay verbatim and attributed (the checker holds them to the letter); anything the
article says in its own voice may share phrases with a source but no run of ``COPY_LIMIT``
words or more. A draft that copies is sent back once with the passage named, like any
other invalid output, and falls back to the extractive writer (with the reason) if it
copies again.
"""

from __future__ import annotations

from collections.abc import Sequence

from retold.text.copying import COPY_LIMIT, longest_copied_run
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
