"""`retold extract --jsonl`: extract many pages in one process, one JSON line each.

Input lines are {"id", "url", "html"}; output lines are answered in input order
as {"id", "title", "text", "author", "date", "language", "excerpt_only"}. A bad
row is reported on `err` with its line number and still answered, so a caller
can zip input and output line by line.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from retold.ingest.extract import extract


def extract_jsonl(inp: TextIO, out: TextIO, err: TextIO) -> int:
    """Extract every row of `inp` into `out`; return the number of bad rows."""
    bad = 0
    for lineno, line in enumerate(inp, start=1):
        if not line.strip():
            continue
        row_id: Any = None
        try:
            row = json.loads(line)
        except ValueError as exc:
            bad += 1
            err.write(f"line {lineno}: not valid JSON ({exc.args[0] if exc.args else exc}).\n")
            _answer(out, None)
            continue
        if not isinstance(row, dict):
            bad += 1
            err.write(f"line {lineno}: expected a JSON object with id, url and html.\n")
            _answer(out, None)
            continue
        row_id = row.get("id")
        html = row.get("html")
        url = row.get("url")
        url = url if isinstance(url, str) else ""
        if not isinstance(html, str):
            bad += 1
            err.write(f'line {lineno}: missing "html" (a string) for id {row_id!r}.\n')
            _answer(out, row_id)
            continue
        try:
            result = extract(html, url)
        except Exception as exc:  # noqa: BLE001 - one hostile page must not stop the batch
            bad += 1
            reason = f"{type(exc).__name__}: {exc}"
            err.write(f"line {lineno}: extraction failed for id {row_id!r} ({reason}).\n")
            _answer(out, row_id)
            continue
        record = {
            "id": row_id,
            "title": result.title,
            "text": result.text,
            "author": result.author,
            "date": result.date.isoformat() if result.date else None,
            "language": result.language,
            "excerpt_only": result.excerpt_only,
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()
    return bad


def _answer(out: TextIO, row_id: Any) -> None:
    empty = {
        "id": row_id,
        "title": "",
        "text": "",
        "author": "",
        "date": None,
        "language": "",
        "excerpt_only": True,
    }
    out.write(json.dumps(empty, ensure_ascii=False) + "\n")
