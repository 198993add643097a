"""The model transport is the bottom layer that writers and judges share.

``retold.llm`` imports nothing of Retold's but ``retold.errors``, and the checker
never imports the writer: both depend on ``retold.llm`` instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "retold"


def _imports(package: Path) -> dict[str, set[str]]:
    """Every absolute ``retold.*`` module imported by each file under ``package``."""
    found: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
            elif isinstance(node, ast.ImportFrom) and node.level:
                names.add("." * node.level + (node.module or ""))
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[str(path.relative_to(SRC))] = {n for n in names if n.startswith(("retold", "."))}
    return found


def test_llm_depends_on_nothing_of_retold_but_errors() -> None:
    for path, names in _imports(SRC / "llm").items():
        outside = {n for n in names if not n.startswith("retold.llm") and n != "retold.errors"}
        assert not outside, f"{path} imports {sorted(outside)}"


def test_the_checker_does_not_import_the_writer() -> None:
    for path, names in _imports(SRC / "verify").items():
        writer = {n for n in names if n.startswith("retold.write") or n.lstrip(".") == "write"}
        writer |= {n for n in names if n.lstrip(".").startswith("write.")}
        assert not writer, f"{path} imports {sorted(writer)}"
