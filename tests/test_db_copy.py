"""shopcare db info and db copy (TEAM.md): which database a shop is in, and the whole shop
copied into an empty database and back, SQLite to PostgreSQL (a real server: tests/pg.py) and
back, with nothing lost or changed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import shop_store
from exports import SHOPIFY_2026, shopify_rows, write_export
from test_mail_in import SHOP, message, took

from shopcare.store.tables import TABLES

LISTINGS = [
    ("case", "list", "--status", "all"),
    ("case", "show", "1"),
    ("case", "show", "2"),
    ("followups",),
    ("orders", "show", "#1001"),
    ("customer", "show", "hanako.yamada@example.jp"),
    ("search", "マグカップ"),
]


@pytest.fixture
def full_shop(cli, tmp_path) -> None:
    """A shop with something in every table: orders and items (a price with cents among them),
    cases with messages, notes and remedies, a follow-up done, a holiday, mail with an
    attachment."""
    cli("init", "--name", "はなまる雑貨店", "--email", SHOP)
    rows = shopify_rows()
    rows[0]["Lineitem price"] = "12.50"  # a shop abroad has cents
    cli("orders", "import", str(write_export(tmp_path / "o.csv", SHOPIFY_2026, rows)))
    cli("case", "add", "--summary", "届いたマグカップが割れていました", "--order", "#1001",
        "--category", "quality.damaged")  # fmt: skip
    cli("case", "note", "1", "写真で確認済み", "--kind", "fact")
    cli("remedy", "1", "refund", "--amount", "2860")
    taken = took(cli, message("まだ届きません。", sender="佐藤 一郎 <ichiro.sato@example.jp>",
                              attachment=("写真.jpg", "image/jpeg", b"\xff\xd8jpeg")))  # fmt: skip
    assert taken["case_id"] == 2
    cli("followups", "done", "r1")
    (tmp_path / "h.csv").write_bytes(
        "国民の祝日・休日月日,国民の祝日・休日名称\n2027/1/1,元日\n".encode("cp932")
    )
    cli("calendar", "import-holidays", str(tmp_path / "h.csv"))


def rows_of(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        found = {}
        for table in TABLES:
            columns = sorted(row[1] for row in conn.execute(f"PRAGMA table_info({table})"))
            found[table] = conn.execute(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1, 2"
            ).fetchall()
        return found
    finally:
        conn.close()


def outputs(cli) -> list[str]:
    return [cli(*args, "--format", "json").stdout for args in LISTINGS]


@pytest.mark.sqlite_only
def test_db_info_names_the_database_its_version_and_counts(cli, full_shop, home):
    info = cli.json("db", "info")
    assert info["database"] == "sqlite" and info["location"] == str(home / "shopcare.db")
    assert info["set_by"] == "the home" and info["schema"].startswith("m011")
    assert info["cases"] == 2 and info["events"] > 4 and info["mail"] == 1
    assert info["attachments"] == 1 and info["holidays"] == 1 and info["order_items"] == 4


@pytest.mark.sqlite_only
def test_a_copy_to_a_new_sqlite_file_is_the_same_shop(cli, full_shop, home, tmp_path, monkeypatch):
    target = tmp_path / "copy.db"
    before = outputs(cli)
    result = cli("db", "copy", "--to", str(target))
    assert "copied" in result.stderr and "cases 2" in result.stderr
    assert rows_of(target) == rows_of(home / "shopcare.db")
    assert target.stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("SHOPCARE_DATABASE", f"sqlite://{target}")
    assert cli.json("db", "info")["set_by"] == "SHOPCARE_DATABASE"
    assert outputs(cli) == before


@pytest.mark.sqlite_only
def test_a_copy_refuses_a_shop_itself_and_leaves_nothing_when_it_fails(
    cli, full_shop, home, tmp_path
):
    assert "own database" in cli.fails("db", "copy", "--to", str(home / "shopcare.db"))
    other = tmp_path / "other"
    cli("--home", str(other), "case", "add", "--summary", "別の店")
    assert "already holds a shop" in cli.fails("db", "copy", "--to", str(other / "shopcare.db"))
    assert "folder" in cli.fails("db", "copy", "--to", str(tmp_path))
    assert "does not exist" in cli.fails("db", "copy", "--to", str(tmp_path / "no" / "x.db"))
    assert "mysql://" in cli.fails("db", "copy", "--to", "mysql://shop@db/x")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    cli.fails("db", "copy", "--to", str(junk))
    assert junk.read_bytes() == b"not a database at all" * 100


@pytest.mark.sqlite_only
def test_a_failed_copy_removes_the_file_it_made(cli, full_shop, tmp_path, monkeypatch):
    from shopcare.store.sqlite.admin import AdminQueries

    real = AdminQueries.insert_rows

    def breaks_at_events(self, table, columns, rows):
        if table == "events":
            raise sqlite3.OperationalError("disk I/O error")
        real(self, table, columns, rows)

    monkeypatch.setattr(AdminQueries, "insert_rows", breaks_at_events)
    target = tmp_path / "copy.db"
    assert "disk I/O error" in cli.fails("db", "copy", "--to", str(target))
    assert not target.exists() and not Path(f"{target}-wal").exists()


def test_a_password_in_config_is_refused_and_urls_are_checked(cli, home):
    (home / "config.toml").write_text(
        '[database]\nurl = "postgresql://shop:secret@db.example.jp/shopcare"\n', encoding="utf-8"
    )
    error = cli.fails("db", "info")
    assert "password" in error and "PGPASSWORD" in error and "secret" not in error
    (home / "config.toml").write_text('[database]\nurl = "postgresql://"\n', encoding="utf-8")
    assert "names no server" in cli.fails("db", "info")


# --- PostgreSQL: a real server ------------------------------------------------------------


@pytest.mark.sqlite_only
def test_the_shop_goes_to_postgresql_and_comes_back_whole(cli, full_shop, home, tmp_path,
                                                            monkeypatch, pg_url):  # fmt: skip
    before = outputs(cli)
    original = rows_of(home / "shopcare.db")
    cli("db", "copy", "--to", pg_url)
    monkeypatch.setenv("SHOPCARE_DATABASE", pg_url)
    info = cli.json("db", "info")
    assert info["database"] == "postgres" and info["set_by"] == "SHOPCARE_DATABASE"
    assert info["schema"] == cli_schema(home)
    assert {t: info[t] for t in TABLES} == {t: len(rows) for t, rows in original.items()}
    back = tmp_path / "back.db"
    cli("db", "copy", "--to", str(back))
    assert rows_of(back) == original  # ids, texts, raw mail bytes, 12.5 and 2860 as they were
    monkeypatch.setenv("SHOPCARE_DATABASE", str(back))
    assert outputs(cli) == before


def cli_schema(home: Path) -> str:
    conn = sqlite3.connect(home / "shopcare.db")
    try:
        return conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id DESC").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.sqlite_only
def test_on_postgresql_the_timeline_is_append_only(cli, full_shop, monkeypatch, pg_url):
    import psycopg

    cli("db", "copy", "--to", pg_url)
    with psycopg.connect(pg_url) as conn:
        for statement in (
            "UPDATE events SET text = 'changed'",
            "DELETE FROM events",
            "TRUNCATE events CASCADE",
        ):
            with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="append-only"):
                conn.execute(statement)
            conn.rollback()


@pytest.mark.sqlite_only
def test_a_copy_into_postgresql_refuses_a_shop_and_new_ids_follow_the_copied(
    cli, full_shop, monkeypatch, pg_url
):
    import psycopg

    cli("db", "copy", "--to", pg_url)
    assert "already holds a shop" in cli.fails("db", "copy", "--to", pg_url)
    with psycopg.connect(pg_url) as conn:  # the server numbers the next case after the copied
        conn.execute(
            "INSERT INTO cases (received_at, channel, category, priority, status, summary, fault,"
            " created_at, updated_at) VALUES ('x', 'email', 'other', 'normal', 'new', 's', 'none',"
            " 'x', 'x')"
        )
        assert conn.execute("SELECT max(id) FROM cases").fetchone()[0] == 3
        conn.rollback()
    monkeypatch.setenv("SHOPCARE_DATABASE", pg_url)
    assert "own database" in cli.fails("db", "copy", "--to", pg_url)


def test_search_on_postgresql_finds_japanese_of_any_length(cli, monkeypatch, pg_url):
    monkeypatch.setenv("SHOPCARE_DATABASE", pg_url)
    case_id = int(cli("case", "add", "--summary", "マグカップが割れていた").stdout)
    cli("case", "message", str(case_id), "返品したいです")
    for word in ("マグカップ", "割れ", "返品"):
        assert [row["case_id"] for row in cli.json("search", word)] == [case_id], word
    assert cli.json("search", "破損") == []


def test_an_unreachable_server_is_one_line(cli, monkeypatch, tmp_path, pg_server):
    monkeypatch.setenv("SHOPCARE_DATABASE", f"postgresql://shopcare@/shop?host={tmp_path}")
    error = cli.fails("db", "info")
    assert "cannot reach the database" in error and "is the server running" in error
    monkeypatch.setenv("SHOPCARE_DATABASE", pg_server.url("no_such_database"))
    assert "does not exist" in cli.fails("db", "info")


@pytest.mark.sqlite_only
def test_postgresql_has_every_table_and_column_sqlite_has(home, pg_url):
    """The two schemas are written apart (SQLite's released migrations, PostgreSQL's own): a
    column added to one and not the other fails here."""
    from shopcare.store import open_store
    from shopcare.store.location import parse_location

    with shop_store(home) as sqlite, open_store(home, parse_location(pg_url, "test")) as pg:
        assert sqlite.schema_version() == pg.schema_version()
        for table in TABLES:
            assert sorted(pg.table_columns(table)) == sorted(sqlite.table_columns(table)), table


def test_a_writer_waits_for_another_then_says_busy_and_writes_nothing(cli, monkeypatch, pg_url):
    """On PostgreSQL a write takes the shop's write lock, as SQLite's BEGIN IMMEDIATE does: one
    held by another operator for longer than the wait is one line, and nothing is written."""
    import psycopg

    import shopcare.store.postgres as pg

    monkeypatch.setenv("SHOPCARE_DATABASE", pg_url)
    monkeypatch.setattr(pg, "LOCK_WAIT_S", 1)
    cli("case", "add", "--summary", "先に書かれた件")
    with psycopg.connect(pg_url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [pg.WRITE_LOCK])
        error = cli.fails("case", "add", "--summary", "待たされた件")
        assert "busy" in error and "try again" in error
    assert [case["summary"] for case in cli.json("case", "list")] == ["先に書かれた件"]
    cli("case", "add", "--summary", "待たされた件")  # the lock let go: it goes through


@pytest.mark.sqlite_only
def test_the_demo_shop_on_postgresql_lists_everything_as_on_sqlite(cli, tmp_path, monkeypatch,
                                                                    pg_url):  # fmt: skip
    """TEAM.md's check: `db copy` of the demo shop to PostgreSQL and back gives identical
    --json output for every listing."""
    demo = tmp_path / "demo"
    cli("demo", "--keep", str(demo))
    monkeypatch.setenv("SHOPCARE_HOME", str(demo))
    cases = [str(c["id"]) for c in cli.json("case", "list", "--status", "all")]
    orders = {c["order_number"] for c in cli.json("case", "list", "--status", "all")} - {None}
    emails = {c["customer_email"] for c in cli.json("case", "list", "--status", "all")} - {None}
    listings = [
        ("case", "list", "--status", "all"),
        ("followups", "--until", "+30d"),
        ("report", "--from", "2026-11-01", "--until", "2026-11-24"),
        ("report", "--from", "2026-11-01", "--until", "2026-11-24", "--by", "week"),
        ("categories",),
        ("calendar",),
        ("db", "info"),
        *(("case", "show", case) for case in cases),
        *(("orders", "show", number) for number in sorted(orders)),
        *(("customer", "show", email) for email in sorted(emails)),
    ]

    def everything() -> list[str]:
        found = [cli(*args, "--format", "json").stdout for args in listings]
        return [text.replace(pg_url, "DATABASE").replace(str(back), "DATABASE") for text in found]

    back = tmp_path / "back.db"
    sqlite_side = everything()
    cli("db", "copy", "--to", pg_url)
    monkeypatch.setenv("SHOPCARE_DATABASE", pg_url)
    on_postgres = everything()
    cli("db", "copy", "--to", str(back))
    monkeypatch.setenv("SHOPCARE_DATABASE", str(back))
    came_back = everything()
    assert len(cases) >= 5 and len(listings) > 15
    for args, one, other, third in zip(listings, sqlite_side, on_postgres, came_back, strict=True):
        if args[:2] == ("db", "info"):  # names the database itself
            continue
        assert one == other == third, args


def test_a_read_whose_connection_dropped_is_tried_again_unseen(cli, home, monkeypatch, pg_url):
    """TEAM.md: a dropped connection on a read is retried where PostgreSQL asks for it, so that
    no user sees it; inside a write the write fails whole, in one line."""
    import psycopg

    from shopcare.errors import ShopcareError

    monkeypatch.setenv("SHOPCARE_DATABASE", pg_url)
    case_id = int(cli("case", "add", "--summary", "割れていた").stdout)

    def drop(store) -> None:
        with psycopg.connect(pg_url, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [store.raw.info.backend_pid])

    with shop_store(home) as store:
        assert store.case_row(case_id)["summary"] == "割れていた"
        drop(store)
        assert store.case_row(case_id)["summary"] == "割れていた"  # on a new connection
        drop(store)
        with pytest.raises(ShopcareError, match="database"), store.write():
            store.update_case_columns(case_id, {"summary": "書き換え"})
    assert cli.json("case", "show", str(case_id))["summary"] == "割れていた"


def test_db_info_never_shows_a_password_however_the_url_spells_it(cli, home, monkeypatch):
    from shopcare.store.location import parse_location

    for url, secret in (
        ("postgresql://shop:s%40cret@db.example.jp/shopcare", "s%40cret"),
        ("postgresql://shop:plain@db.example.jp/shopcare?sslmode=require", "plain"),
        ("postgresql://shop@db.example.jp/shopcare?password=hunter2", "hunter2"),
    ):
        shown = parse_location(url, "test").shown
        assert secret not in shown and "***" in shown, shown
    (home / "config.toml").write_text(
        '[database]\nurl = "postgresql://shop@db.example.jp/shopcare?password=hunter2"\n',
        encoding="utf-8",
    )
    error = cli.fails("db", "info")
    assert "holds a password" in error and "hunter2" not in error
