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
    if ON_POSTGRES:
        skip = pytest.mark.skip(reason="reads the SQLite file itself (SHOPCARE_TEST_DATABASE)")
        for item in items:
            if "sqlite_only" in item.keywords:
                item.add_marker(skip)


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
    """The whole database as SQL text: to prove a failed command wrote nothing."""
    conn = sqlite3.connect(home / "shopcare.db")
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()
