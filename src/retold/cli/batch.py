"""Batch interfaces used for measurement: extract and check JSON lines, offline."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from retold.errors import RetoldError


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)
    app.command("check")(check)


def _open(path: Path):  # type: ignore[no-untyped-def]
    if str(path) == "-":
        return sys.stdin
    try:
        return path.open(encoding="utf-8")
    except OSError as err:
        raise RetoldError(f"Can't read {path}: {err.strerror}.") from None


def extract(
    jsonl: Path = typer.Option(..., "--jsonl", help='Lines of {"id", "url", "html"}; - for stdin.'),
) -> None:
    """Extract main text and metadata from HTML pages, one JSON line out per line in."""
    from retold.ingest.batch import extract_jsonl

    with _open(jsonl) as inp:
        extract_jsonl(inp, sys.stdout, sys.stderr)
    # Bad rows were answered and reported on stderr; the batch itself succeeded.
    raise typer.Exit(0)


def check(
    jsonl: Path = typer.Option(
        ..., "--jsonl", help='Lines of {"id", "source", "text"}; - for stdin.'
    ),
    judge: str = typer.Option(
        "none", "--judge", help="A second opinion: none, likelihood, nli or llm (slower)."
    ),
    judge_model: str = typer.Option(
        "",
        "--judge-model",
        help="The judge's model: a GGUF file (likelihood) or a directory (nli).",
    ),
    judge_weight: float = typer.Option(
        0.5, "--judge-weight", min=0.0, max=1.0, help="How much the judge's opinion counts."
    ),
) -> None:
    """Check sentences against a source text, one JSON line out per line in."""
    from retold.verify.batch import check_jsonl
    from retold.verify.judges import JudgeSettings, get_judge

    settings = JudgeSettings(nli_model_path=judge_model, likelihood_model_path=judge_model)
    chosen = get_judge(judge, settings)
    with _open(jsonl) as inp:
        check_jsonl(inp, sys.stdout, sys.stderr, judge=chosen, weight=judge_weight)
    # Bad rows were answered and reported on stderr; the batch itself succeeded.
    raise typer.Exit(0)
