"""The database: created owner-only, migrated to the exact schema, WAL, upgraded in place."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from shopcare.store.sqlite.connect import open_db
from shopcare.store.sqlite.migrations import MIGRATIONS, apply_migrations

SCHEMA_FILE = Path(__file__).parent / "data" / "schema.sql"


def schema_of(conn: sqlite3.Connection) -> str:
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
    ).fetchall()
    return "\n".join(f"-- {r['type']} {r['name']}\n{r['sql']};" for r in rows) + "\n"


def test_blank_database_migrates_to_the_exact_schema(home):
    with open_db(home) as conn:
        got = schema_of(conn)
    if os.environ.get("SHOPCARE_WRITE_SCHEMA") == "1":  # after adding a migration, on purpose
        SCHEMA_FILE.write_text(got, encoding="utf-8")
    assert got == SCHEMA_FILE.read_text(encoding="utf-8")


def test_every_migration_is_recorded_once(home):
    with open_db(home):
        pass
    with open_db(home) as conn:
        names = [r["name"] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert names == [name for name, _ in MIGRATIONS]


def test_database_is_owner_only_and_in_wal_mode(home):
    with open_db(home) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()["journal_mode"] == "wal"
        assert conn.execute("PRAGMA busy_timeout").fetchone()["timeout"] == 5000
    mode = stat.S_IMODE(os.stat(home / "shopcare.db").st_mode)
    assert mode == 0o600


@pytest.mark.sqlite_only
def test_an_older_database_is_upgraded_in_place_keeping_its_data(home):
    """A database stopped before the newest migration, with data in it, opens at the current schema."""
    home.mkdir(parents=True, exist_ok=True)
    path = home / "shopcare.db"
    path.unlink()  # the test's blank shop: this one is made by the older migrations alone
    conn = sqlite3.connect(path)
    conn.row_factory = lambda c, r: {d[0]: v for d, v in zip(c.description, r, strict=True)}
    apply_migrations(conn, stop_before=MIGRATIONS[-1][0])
    conn.execute(
        "INSERT INTO customers (email, name, created_at) VALUES ('a@example.jp', '青木', '2026-01-01T00:00:00Z')"
    )
    conn.commit()
    conn.close()
    with open_db(home) as conn:
        assert schema_of(conn) == SCHEMA_FILE.read_text(encoding="utf-8")
        assert conn.execute("SELECT name FROM customers").fetchone()["name"] == "青木"


@pytest.mark.sqlite_only
def test_a_read_only_database_can_be_read_and_says_it_is_read_only(cli, home, monkeypatch):
    """As a backup copy or a read-only mount: permissions are faked, because tests may run as
    root, whom no file mode stops; SQLite's read-only mode does stop it."""
    import shopcare.store.sqlite.connect

    case_id = cli("case", "add", "--summary", "割れていた").stdout.strip()
    monkeypatch.setattr(shopcare.store.sqlite.connect, "writable", lambda path: False)
    before = (home / "shopcare.db").read_bytes()
    assert [c["id"] for c in cli.json("case", "list")] == [int(case_id)]
    assert cli.json("case", "show", case_id)["summary"] == "割れていた"
    cli("followups", "--format", "tsv")
    for args in (("case", "note", case_id, "x"), ("case", "add", "--summary", "y")):
        stderr = cli.fails(*args)
        assert "read-only" in stderr and "another shopcare" not in stderr
    assert (home / "shopcare.db").read_bytes() == before


@pytest.mark.sqlite_only
def test_a_read_only_database_of_an_older_schema_says_it_needs_an_upgrade(home, monkeypatch, cli):
    import shutil

    import shopcare.store.sqlite.connect

    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(__file__).parent / "data" / "released" / "c650fc1.db", home / "shopcare.db")
    monkeypatch.setattr(shopcare.store.sqlite.connect, "writable", lambda path: False)
    assert "must be upgraded before it can be read" in cli.fails("case", "list")
