"""``retold check --jsonl IN``: check many (source, text) pairs, one JSON line each.

Input lines: {"id", "source", "text"}. Output, in input order:
{"id", "score", "supported", "sentences": [{"text", "score", "verdict", "reason", "evidence"}]}.
Lines are checked in chunks so the embedder sees large batches; each distinct source is
embedded once. An optional judge (``--judge``) gives each chunk's sentences a second
opinion in one call, combined exactly as in a newsroom run.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from retold.records import SentenceCheck
from retold.verify.checker import Checker, split_article
from retold.verify.judges import DEFAULT_WEIGHT, Judge, judge_checks

CHUNK = 128


class BadLine(ValueError):
    """An input line is not a JSON object with "source" and "text" strings."""


def _parse(line: str, number: int) -> dict[str, Any]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"Line {number} is not valid JSON ({exc.msg}).") from exc
    if (
        not isinstance(row, dict)
        or not isinstance(row.get("source"), str)
        or not isinstance(row.get("text"), str)
    ):
        raise BadLine(f'Line {number} needs string fields "source" and "text".')
    return row


def _result(row: dict[str, Any], checks: list[Any]) -> dict[str, Any]:
    sentences = [
        {
            "text": c.text,
            "score": c.score,
            "verdict": c.verdict,
            "reason": c.reason,
            "evidence": c.evidence,
        }
        for c in checks
    ]
    return {
        "id": row.get("id"),
        "score": min((c.score for c in checks), default=0.0),
        "supported": bool(checks) and all(c.verdict == "supported" for c in checks),
        "sentences": sentences,
    }


def _judged(
    judge: Judge | None, weight: float, articles: list[list[SentenceCheck]]
) -> list[list[SentenceCheck]]:
    """Every article's checks after one judge call over all of them (unchanged without one)."""
    if judge is None:
        return articles
    flat = judge_checks(judge, [c for checks in articles for c in checks], weight=weight)
    out, start = [], 0
    for checks in articles:
        out.append(flat[start : start + len(checks)])
        start += len(checks)
    return out


def check_jsonl(
    inp: TextIO,
    out: TextIO,
    err: TextIO,
    *,
    checker: Checker | None = None,
    judge: Judge | None = None,
    weight: float = DEFAULT_WEIGHT,
) -> int:
    """Returns the exit status: 0 when every line was checked, 1 if any line was bad
    (bad lines get an output line with an "error" and score 0, so ids stay aligned)."""
    checker = checker or Checker()
    status = 0
    pending: list[tuple[int, dict[str, Any] | None, str]] = []

    def flush() -> None:
        good = [(n, row) for n, row, _ in pending if row is not None]
        articles = [
            (
                split_article(row["text"]) or [[row["text"].strip()]]
                if row["text"].strip()
                else [],
                [(row["source"], "")],
            )
            for _, row in good
        ]
        checked = _judged(judge, weight, checker.check_many(articles)) if articles else []
        results = iter(checked)
        for _n, row, error in pending:
            if row is None:
                out.write(
                    json.dumps(
                        {
                            "id": None,
                            "score": 0.0,
                            "supported": False,
                            "sentences": [],
                            "error": error,
                        }
                    )
                    + "\n"
                )
            else:
                out.write(json.dumps(_result(row, next(results)), ensure_ascii=False) + "\n")
        out.flush()
        pending.clear()

    for number, line in enumerate(inp, 1):
        if not line.strip():
            continue
        try:
            pending.append((number, _parse(line, number), ""))
        except BadLine as exc:
            err.write(f"{exc}\n")
            status = 1
            pending.append((number, None, str(exc)))
        if len(pending) >= CHUNK:
            flush()
    flush()
    return status
