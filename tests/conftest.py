"""Every test gets its own home, a pinned clock and author, and stable output."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopcare.cli import app

pytest_plugins = ["pg"]  # a real PostgreSQL server, for the team tests

NOW = "2026-11-24T08:00:00+09:00"


@pytest.fixture(scope="session")
def blank_shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database at today's schema, made once: each test's home starts as a copy of it."""
    from shopcare.store.sqlite.connect import open_db

    folder = tmp_path_factory.mktemp("blank-shop")
    with open_db(folder):
        pass
    return folder / "shopcare.db"


# SHOPCARE_TEST_DATABASE=postgresql runs the suite with every test's shop on the PostgreSQL
# test server (tests/pg.py) instead of a SQLite file; tests marked sqlite_only are skipped then
ON_POSTGRES = os.environ.get("SHOPCARE_TEST_DATABASE") == "postgresql"


def pytest_collection_modifyitems(config, items):
    if not ON_POSTGRES:
        return
    sqlite = pytest.mark.skip(reason="about the SQLite file itself (SHOPCARE_TEST_DATABASE)")
    sqlite_modules = ("test_query_plans", "test_upgrade")  # SQLite's plans, its released homes
    for item in items:
        pending = item.get_closest_marker("postgres_pending")
        if pending is not None:
            item.add_marker(pytest.mark.skip(reason=f"not on PostgreSQL yet: {pending.args[0]}"))
        elif "sqlite_only" in item.keywords or item.module.__name__ in sqlite_modules:
            item.add_marker(sqlite)


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blank_shop: Path, request) -> Path:
    """The test's shop, with its (blank) database: reading commands need a shop to read. A test
    of what happens where there is none uses another folder."""
    import shutil

    home = tmp_path / "shop"
    home.mkdir(mode=0o700)
    if ON_POSTGRES:
        server = request.getfixturevalue("pg_server")
        monkeypatch.setenv("SHOPCARE_DATABASE", server.new_database(server.shop_template()))
    else:
        shutil.copy(blank_shop, home / "shopcare.db")
        (home / "shopcare.db").chmod(0o600)
        monkeypatch.delenv("SHOPCARE_DATABASE", raising=False)
    monkeypatch.setenv("SHOPCARE_HOME", str(home))
    monkeypatch.setenv("SHOPCARE_NOW", NOW)
    monkeypatch.setenv("SHOPCARE_USER", "tester")
    monkeypatch.delenv("SHOPCARE_DEBUG", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    return home


class Cli:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, code: int | None = 0):
        result = self.runner.invoke(app, list(args), input=input)
        if code is not None:
            assert result.exit_code == code, (
                f"exit {result.exit_code}, wanted {code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
                + (f"\n{result.exception!r}" if result.exception else "")
            )
        return result

    def json(self, *args: str, input: str | None = None):
        return json.loads(self(*args, "--format", "json", input=input).stdout)

    def fails(self, *args: str, input: str | None = None) -> str:
        """Run a command that must fail as a user error: one Error line, exit 1, no traceback."""
        result = self(*args, input=input, code=1)
        assert result.stderr.startswith("Error: "), result.stderr
        assert "Traceback" not in result.stderr + result.stdout
        assert len([line for line in result.stderr.splitlines() if line.startswith("Error:")]) == 1
        return result.stderr


@pytest.fixture
def cli() -> Cli:
    return Cli()


def dump(home: Path) -> str:
    """The whole database as text: to prove a failed command wrote nothing (on PostgreSQL,
    every shop table's rows in order)."""
    if ON_POSTGRES:
        from shopcare.store.tables import TABLES, key_of

        return "\n".join(
            f"{table} {row}"
            for table in TABLES
            for row in shop_sql(home, f"SELECT * FROM {table} ORDER BY {key_of(table)}")
        )
    conn = sqlite3.connect(home / "shopcare.db")
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def shop_store(home: Path):
    """The test shop's store, opened on whichever database holds it (a context manager)."""
    from shopcare.home import CONFIG_NAME, DB_NAME
    from shopcare.settings.config import load_config
    from shopcare.store import open_store
    from shopcare.store.location import shop_location

    location = shop_location(home, load_config(home / CONFIG_NAME).database_url, DB_NAME)
    return open_store(home, location, "2026-11-23T23:00:00Z")


def shop_sql(home: Path, sql: str, params: list | tuple = ()) -> list[tuple]:
    """One statement on the test's shop, whichever database holds it (SQLite's ? placeholders),
    committed: for a test that sets up what no command can (an older home's data), or reads
    a column no command shows. Its rows, as tuples."""
    if ON_POSTGRES:
        import psycopg

        from shopcare.store.postgres.dialect import translate

        text, order = translate(sql)
        values = [params[i] for i in order] if order is not None else params
        with psycopg.connect(os.environ["SHOPCARE_DATABASE"], autocommit=True) as conn:
            cursor = conn.execute(text.removesuffix(" RETURNING id"), values)
            return cursor.fetchall() if cursor.description else []
    conn = sqlite3.connect(home / "shopcare.db")
    try:
        with conn:
            return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
