"""The rules the code keeps (../shared/ARCHITECTURE.md), read from the imports themselves:
no import circles, nothing imports another module's _private names, and the core (everything
outside cli/) imports neither typer nor rich. A rule broken here is broken for good, so it
fails the suite, not a review."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parent.parent / "src"
PACKAGE = SRC / "shopcare"


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def imports_of(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) for every import in a file, at any depth (imports inside functions
    count: they are circles and dependencies all the same)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    edges: dict[str, set[str]] = {}
    for name, path in mods.items():
        targets = set()
        for module, names in imports_of(path):
            if module in mods:
                targets.add(module)
            for imported in names:  # from shopcare.cli import views
                if f"{module}.{imported}" in mods:
                    targets.add(f"{module}.{imported}")
        edges[name] = targets - {name}
    return edges


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_circles():
    assert circles(graph()) == []


def test_the_circle_finder_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_nothing_imports_another_modules_private_names():
    mods = modules()
    found = []
    for name, path in mods.items():
        for module, names in imports_of(path):
            for imported in names:
                private = imported.startswith("_") and not imported.startswith("__")
                if private and module != name and module.startswith("shopcare"):
                    found.append(f"{name} imports {module}.{imported}")
    assert found == []


def test_the_core_imports_neither_typer_nor_rich():
    found = []
    for name, path in modules().items():
        if name.startswith("shopcare.cli"):
            continue
        for module, _ in imports_of(path):
            if module.split(".")[0] in ("typer", "rich", "click"):
                found.append(f"{name} imports {module}")
    assert found == []
