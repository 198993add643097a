"""Word-for-word checks, for scripts the checker's rules can't read."""

from __future__ import annotations

from retold.records import SentenceCheck, SourceDoc
from retold.text.scripts import script_name
from retold.text.sentences import match_key


def verbatim_checks(
    paragraphs: list[list[str]], docs: list[SourceDoc], script: str
) -> list[SentenceCheck]:
    """Each sentence is supported when it appears word for word in a source, else not.

    For scripts the checker's rules can't read: the extractive writer's copies pass, and
    anything reworded is marked rather than trusted.
    """
    sources = [(match_key(d.text), d.url) for d in docs]
    checks = []
    for index, sentences in enumerate(paragraphs):
        for sentence in sentences:
            key = match_key(sentence)
            url = next((u for text, u in sources if key and key in text), "")
            checks.append(
                SentenceCheck(
                    paragraph=index,
                    text=sentence,
                    verdict="supported" if url else "unsupported",
                    score=1.0 if url else 0.0,
                    reason=(
                        "Found word for word in the source."
                        if url
                        else f"Not found word for word in the source, and {script_name(script)} "
                        "text can only be checked word for word."
                    ),
                    evidence=sentence if url else "",
                    source_url=url,
                )
            )
    return checks
