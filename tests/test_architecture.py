"""The rules the code keeps (../shared/ARCHITECTURE.md), read from the imports themselves:
no import circles, nothing imports another module's _private names, and the core (everything
outside cli/) imports neither typer nor rich. A rule broken here is broken for good, so it
fails the suite, not a review."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

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


# A statement: its first keyword and more (a lone "replace", errors="replace", is a word, not
# SQL), a common table expression (WITH name AS (, not "With --send: ..."), or the shapes of
# a query anywhere in a string.
SQL = re.compile(
    r"^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|PRAGMA|BEGIN|COMMIT|ROLLBACK"
    r"|VACUUM|ANALYZE|ATTACH)\b\s*(\S|$(?<!\w))"
    r"|^\s*(BEGIN|COMMIT|ROLLBACK|VACUUM|ANALYZE)\s*;?\s*$"
    r"|^\s*WITH\s+(RECURSIVE\s+)?\w+(\s*\([^)]*\))?\s+AS\s*\("
    r"|\bSELECT\b.+\bFROM\b|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b",
    re.IGNORECASE | re.DOTALL,
)
SQL_CALLS = ("execute", "executemany", "executescript", "cursor", "commit", "rollback")


def sql_found(path: Path) -> list[str]:
    """Every string that reads as SQL, and every call of a DB-API method, in a file."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _docstrings(tree)  # ids of this tree's nodes, alive while it is walked
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if SQL.search(node.value) and id(node) not in docstrings:
                found.append(f"line {node.lineno}: {node.value.strip()[:60]!r}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SQL_CALLS
        ):
            found.append(f"line {node.lineno}: .{node.func.attr}(...)")
    return found


def _docstrings(tree: ast.AST) -> set[int]:
    """The docstrings of a module, its classes and functions: prose, which may say SELECT."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def test_no_sql_outside_the_store():
    found = []
    for name, path in modules().items():
        if name.startswith("shopcare.store"):
            continue
        found += [f"{name} {where}" for where in sql_found(path)]
    assert found == []


def test_the_sql_finder_finds_sql(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""Rows SELECTed FROM the store (a docstring: not SQL)."""\n'
        'rows = conn.execute("select id from cases where id = ?", [1])\n'
        "text = 'UPDATE cases SET status = 1'\n"
        "prose = 'the update of a case'\n"
    )
    assert sorted(where.split(":")[0] for where in sql_found(sample)) == [
        "line 2",
        "line 2",
        "line 3",
    ]


def test_the_domain_imports_no_store_no_cli_no_sqlite():
    """domain/ is the rules over plain values: it may name the store's interface in a type
    annotation (store/api.py, the seam), never an implementation, the CLI or a database."""
    found = []
    for name, path in modules().items():
        if not name.startswith("shopcare.domain"):
            continue
        for module, _ in imports_of(path):
            top = module.split(".")[0]
            if (
                top in ("typer", "rich", "click", "sqlite3", "sqlite_utils", "psycopg")
                or module.startswith(("shopcare.cli", "shopcare.app"))
                or module.startswith("shopcare.store")
                and module != "shopcare.store.api"
            ):
                found.append(f"{name} imports {module}")
    assert found == []


def test_the_sqlite_store_implements_exactly_the_interface():
    """store/api.py is what the rest may ask: every method of it exists in the SQLite store, and
    the store offers nothing the interface does not declare (a second database implements the
    same list, and nothing above the store reaches past it)."""
    from shopcare.store.api import Store
    from shopcare.store.sqlite import SqliteStore

    def public(cls) -> set[str]:
        return {
            name
            for klass in cls.__mro__
            if klass.__module__.startswith("shopcare.store")
            for name, value in vars(klass).items()
            if not name.startswith("_") and callable(value)
        }

    assert public(SqliteStore) == public(Store)


@pytest.mark.sqlite_only
def test_psycopg_is_imported_only_by_the_postgresql_store():
    """TEAM.md: the driver is imported only when a URL asks for PostgreSQL, so the SQLite path
    keeps its start-up time; read from the imports, and from a command run in a process."""
    import subprocess
    import sys

    found = [
        f"{name} imports {module}"
        for name, path in modules().items()
        if not name.startswith("shopcare.store.postgres")
        for module, _ in imports_of(path)
        if module.split(".")[0] == "psycopg"
    ]
    assert found == []
    probe = (
        "import sys\nfrom shopcare.cli import main\nsys.argv = ['shopcare', 'db', 'info']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert not [m for m in sys.modules if m.startswith('psycopg')], 'psycopg loaded'\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_postgresql_store_offers_only_what_the_interface_declares():
    """It is not whole yet (issue 21 goes on): what it has is the interface's, nothing else."""
    from shopcare.store.api import Store
    from shopcare.store.postgres import PostgresStore

    def public(cls) -> set[str]:
        return {
            name
            for name, value in vars(cls).items()
            if not name.startswith("_") and callable(value)
        }

    assert public(PostgresStore) <= {
        name for name, value in vars(Store).items() if not name.startswith("_") and callable(value)
    }
