"""Print the shape of the code: import cycles, cross-package imports, lines per
package and the longest functions (the figures issue #14 reports before/after).

    python scripts/architecture.py [SRC_DIR]      # default: src/retold

Imports inside functions count too: a cycle hidden in a function is still a cycle.
"""

from __future__ import annotations

import ast
import sys
from collections import Counter, defaultdict
from pathlib import Path


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(tree: ast.AST, module: str, is_package: bool, known: set[str]) -> set[str]:
    """Every module this module imports (absolute names). `from pkg import mod` is an
    edge to pkg.mod, not to pkg's __init__, which Python has already begun importing."""
    found: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return found


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative enough for a code base of this size."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            result.append(component)

    sys.setrecursionlimit(10_000)
    for node in graph:
        if node not in index:
            visit(node)
    return result


def top_package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def main(argv: list[str]) -> int:
    root = Path(argv[0] if argv else "src/retold").resolve()
    files = sorted(p for p in root.rglob("*.py") if "migrations" not in p.parts)
    modules = {module_name(p, root): p for p in files}
    graph: dict[str, set[str]] = {}
    lines: Counter[str] = Counter()
    functions: list[tuple[int, str]] = []
    for name, path in modules.items():
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        lines[top_package(name)] += len(source.splitlines())
        targets = imports_of(tree, name, path.name == "__init__.py", set(modules))
        # Keep only edges to our own modules; a package import means its __init__.
        graph[name] = {t for t in targets if t in modules and t != name}
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                functions.append((length, f"{name}.{node.name}"))

    cycles = [sorted(c) for c in strongly_connected(graph) if len(c) > 1]
    cross: Counter[tuple[str, str]] = Counter()
    for src, targets in graph.items():
        for dst in targets:
            a, b = top_package(src), top_package(dst)
            if a != b:
                cross[(a, b)] += 1
    package_graph: dict[str, set[str]] = defaultdict(set)
    for a, b in cross:
        package_graph[a].add(b)
    package_cycles = [sorted(c) for c in strongly_connected(dict(package_graph)) if len(c) > 1]

    print(f"modules: {len(modules)}  lines: {sum(lines.values())}")
    print(f"module import cycles: {len(cycles)}")
    for cycle in cycles:
        print("  " + " <-> ".join(cycle))
    print(f"package import cycles: {len(package_cycles)}")
    for cycle in package_cycles:
        print("  " + " <-> ".join(cycle))
    print(f"cross-package imports: {sum(cross.values())} edges between {len(cross)} package pairs")
    for (a, b), n in sorted(cross.items()):
        print(f"  {a} -> {b}: {n}")
    print("lines per package:")
    for package, n in sorted(lines.items(), key=lambda kv: -kv[1]):
        print(f"  {package}: {n}")
    print("longest functions:")
    for length, name in sorted(functions, reverse=True)[:10]:
        print(f"  {length:4d}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
