"""Every error a user can meet is a RetoldError: one sentence and a documented exit code.

The test reads `src/retold` (every `class X(...)` that is an exception and every
`raise X(...)`) rather than trusting a list, so a new exception type has to either derive
from RetoldError or be added below with the reason it never reaches the shell.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import retold
from retold.errors import RetoldError
from retold.newsroom import Newsroom

SRC = Path(retold.__file__).resolve().parent

# Exceptions that never reach the shell, and where they stop. An entry covers its
# subclasses too, since the place that catches a class catches its subclasses.
INTERNAL = {
    # ingest: a source or a page that fails is recorded on it (`retold sources`, the run's
    # problems) by stages/ingest.py; the run goes on.
    "FetchError": "caught per source and per page in stages/ingest.py",
    "FeedError": "caught per source in stages/ingest.py",
    "OpmlError": "caught per source in stages/ingest.py; `retold add` words it as RetoldError",
    "BlockedAddressError": "the network guard's refusal, turned into fetch.BlockedAddress",
    "UnsafeLink": "a feed item's link that is skipped, in ingest/feeds.py",
    "_Retry": "a retry signal inside ingest/fetch.py",
    # models: retries and the circuit breaker, inside llm/ and the writer and judges; what is
    # left becomes WriterUnavailable (exit 3), WriterFailed (one story fails) or a JudgeError.
    "Transient": "retried inside llm/",
    "ServerDown": "the circuit breaker's signal inside llm/ and the writer",
    "StoryError": "one story's answer; the writer turns it into WriterFailed",
    "NotJSON": "retried, then StoryError, inside llm/ and the writer",
    "WriterError": "stages/write.py: WriterUnavailable is exit 3, WriterFailed fails one "
    "story, the rest are worded as RetoldError by open_writer",
    # batch commands: a bad line is answered on stderr and the batch goes on
    "BadLine": "caught per line in verify/batch.py",
    # relate: the HNSW index is a library API that no command uses yet
    "VectorIndexError": "raised by relate.index.VectorIndex only",
    # signals: SIGTERM and SIGHUP are Ctrl-C to every layer (exit 130)
    "Stopped": "a KeyboardInterrupt, exit 130",
    # builtins raised on purpose
    "ValueError": "pydantic validators (worded as ConfigError by config.py) and guards "
    "against programming errors",
    "TypeError": "a guard against programming errors",
    "NotImplementedError": "an abstract method",
    "FileNotFoundError": "an OSError: a missing local source is recorded on the source",
    "FileExistsError": "caught inside publish/output.py",
    "KeyboardInterrupt": "Ctrl-C, exit 130",
}
# The exit codes the README documents for errors (0, 3 and 130 are not errors' codes).
DOCUMENTED = {1, 2, 4}


def _modules() -> dict[str, ast.Module]:
    return {
        ".".join(p.relative_to(SRC.parent).with_suffix("").parts): ast.parse(
            p.read_text(encoding="utf-8")
        )
        for p in sorted(SRC.rglob("*.py"))
    }


def _name(node: ast.expr) -> str:
    """The last part of a (dotted) name, call or not: `errors.Foo(...)` -> `Foo`."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _builtin_exception(name: str) -> bool:
    value = getattr(builtins, name, None)
    return isinstance(value, type) and issubclass(value, BaseException)


def exception_classes() -> dict[str, type[BaseException]]:
    """Every exception class defined in src/retold, by name, imported for real."""
    modules = _modules()
    defined = {
        (module, node.name): [_name(b) for b in node.bases]
        for module, tree in modules.items()
        for node in tree.body
        if isinstance(node, ast.ClassDef)
    }
    names: set[str] = set()
    while True:  # a class is an exception if a base is one: follow the chains
        found = {
            name
            for (_, name), bases in defined.items()
            if any(b in names or _builtin_exception(b) for b in bases)
        }
        if found <= names:
            break
        names |= found
    classes: dict[str, type[BaseException]] = {}
    for module, name in defined:
        if name in names:
            cls = getattr(importlib.import_module(module), name)
            assert issubclass(cls, BaseException), f"{module}.{name}"
            classes[name] = cls
    return classes


def raised_builtins() -> set[str]:
    return {
        _name(node.exc)
        for tree in _modules().values()
        for node in ast.walk(tree)
        if isinstance(node, ast.Raise) and node.exc is not None
        if _builtin_exception(_name(node.exc))
    }


def internal(cls: type[BaseException]) -> bool:
    """Listed in INTERNAL itself or through a base of Retold's own (a builtin base such as
    ValueError is listed for `raise ValueError` only, and covers none of its subclasses)."""
    ours = [c for c in cls.__mro__ if c.__module__.startswith("retold.")]
    return any(c.__name__ in INTERNAL for c in ours)


def test_the_scan_finds_the_errors_it_should() -> None:
    classes = exception_classes()
    # A scan that found nothing would pass everything: pin a few of each kind.
    assert {"RetoldError", "ConfigError", "NewsroomLocked", "PublishError"} <= set(classes)
    assert {"FetchError", "WriterUnavailable", "Stopped"} <= set(classes)
    assert "ValueError" in raised_builtins()


def test_every_user_facing_error_is_a_retold_error() -> None:
    escaping = sorted(
        f"{cls.__module__}.{name}"
        for name, cls in exception_classes().items()
        if not issubclass(cls, RetoldError) and not internal(cls)
    )
    assert not escaping, (
        "These can reach the shell as a traceback: derive them from RetoldError, or add "
        f"them to INTERNAL with where they are caught: {escaping}"
    )


def test_builtin_errors_raised_on_purpose_are_accounted_for() -> None:
    assert raised_builtins() <= set(INTERNAL)


def test_the_allowlist_names_only_real_internal_errors() -> None:
    classes = exception_classes()
    known = set(classes) | raised_builtins() | {"KeyboardInterrupt"}
    assert set(INTERNAL) <= known, "stale INTERNAL entries"
    assert not [n for n in INTERNAL if n in classes and issubclass(classes[n], RetoldError)]


def test_every_retold_error_exits_with_a_documented_code() -> None:
    codes = {
        name: cls.exit_code
        for name, cls in exception_classes().items()
        if issubclass(cls, RetoldError)
    }
    assert set(codes.values()) <= DOCUMENTED, codes


def retold_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "retold", *args], capture_output=True, text=True, timeout=120
    )


def one_sentence(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    assert lines[0].startswith("Error: ") and lines[0].endswith("."), lines[0]
    return lines[0]


def test_build_into_a_file_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    root = tmp_path / "news"
    Newsroom.init(root).close()
    (root / "site").write_text("not a folder", encoding="utf-8")  # site.output_dir = "site"
    done = retold_cli("-d", str(root), "build")
    assert done.returncode == 2, done.stderr
    assert "not a directory" in one_sentence(done.stderr)
    assert (root / "site").read_text(encoding="utf-8") == "not a folder"  # left alone


@pytest.mark.parametrize("command", ["status", "stats", "sources", "approve"])
def test_a_command_outside_a_newsroom_is_one_sentence_and_exit_2(
    tmp_path: Path, command: str
) -> None:
    args = [command, "some-slug"] if command == "approve" else [command]
    done = retold_cli("-d", str(tmp_path / "nowhere"), *args)
    assert done.returncode == 2, done.stderr
    one_sentence(done.stderr)
