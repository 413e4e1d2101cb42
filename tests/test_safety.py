"""Nothing lost, nothing kept too long (SAFETY.md): backup, restore and purge.

backup and restore are about the SQLite file (on PostgreSQL they name pg_dump and pg_restore and
do nothing: tested on a real server); purge runs on both databases, and its erasing is checked
in the SQLite file's own bytes."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import test_db_copy
from conftest import dump, shop_sql
from test_db import SCHEMA_FILE, schema_of
from test_db_copy import outputs
from test_mail_in import message, took

full_shop = test_db_copy.full_shop  # a shop with something in every table (a fixture)
RELEASED = Path(__file__).parent / "data" / "released"
LATER = "2027-01-10T09:00:00+09:00"  # when the purges run: the cases closed in November
REPORT = ("report", "--from", "2026-11-01", "--until", "2026-11-30", "--format", "json")


def backups(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("shopcare-2*.db"))


def integrity(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


# --- backup ----------------------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_a_backup_is_named_by_the_clock_owner_only_sound_and_the_same_shop(
    cli, full_shop, home, monkeypatch
):
    before = outputs(cli)
    result = cli("backup")
    made = home / "backups" / "shopcare-20261124-080000.db"
    assert result.stdout.strip() == str(made)
    assert "integrity ok" in result.stderr
    assert made.stat().st_mode & 0o777 == 0o600
    assert (home / "backups").stat().st_mode & 0o777 == 0o700
    assert integrity(made) == ["ok"]
    assert not list((home / "backups").glob(".*"))  # nothing half-written left beside it
    # the copy is a database on its own (no log needed beside it), and the same shop
    assert not Path(f"{made}-wal").exists()
    monkeypatch.setenv("SHOPCARE_DATABASE", str(made))
    assert outputs(cli) == before


@pytest.mark.sqlite_only
def test_backup_keeps_the_newest_n_and_only_its_own_files(cli, home, tmp_path, monkeypatch):
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    (folder / "shopcare-old.db").write_text("not one of shopcare's names")
    for minute in range(5):
        monkeypatch.setenv("SHOPCARE_NOW", f"2026-11-24T08:0{minute}:00+09:00")
        cli("backup", str(folder), "--keep", "3")
    assert [p.name for p in backups(folder)] == [
        "shopcare-20261124-080200.db",
        "shopcare-20261124-080300.db",
        "shopcare-20261124-080400.db",
    ]
    assert (folder / "notes.txt").exists() and (folder / "shopcare-old.db").exists()
    # two within one second: the second gets its own name, and counts as the newer
    cli("backup", str(folder), "--keep", "2")
    assert [p.name for p in backups(folder)] == [
        "shopcare-20261124-080400-2.db",
        "shopcare-20261124-080400.db",
    ]


@pytest.mark.sqlite_only
def test_bad_backup_folders_and_keeps_are_one_line_and_write_nothing(cli, home, tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert "is not a folder" in cli.fails("backup", str(a_file))
    assert "does not exist" in cli.fails("backup", str(tmp_path / "no" / "such"))
    assert cli("backup", "--keep", "0", code=2).exit_code == 2
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.geteuid() != 0:  # root writes anywhere
        assert "cannot write" in cli.fails("backup", str(locked))
    assert not (home / "backups").exists()


def test_on_postgresql_backup_and_restore_say_what_to_run_and_do_nothing(cli, pg_url, monkeypatch):
    monkeypatch.setenv("SHOPCARE_DATABASE", pg_url)
    cli("init", "--name", "はなまる雑貨店", "--email", "support@hanamaru.example")
    said = cli.fails("backup")
    assert "PostgreSQL" in said and "pg_dump --format=custom" in said
    assert "shopcare-20261124-080000.dump" in said and pg_url in said
    said = cli.fails("restore", "some.dump")
    assert "pg_restore" in said and pg_url in said


def _writer(home: Path, stop: threading.Event, written: list[int]) -> None:
    """Cases added one after another by real processes until told to stop."""
    env = dict(os.environ, SHOPCARE_HOME=str(home))
    n = 0
    while not stop.is_set():
        n += 1
        done = subprocess.run(
            [sys.executable, "-m", "shopcare", "case", "add", "--summary", f"並行して書かれた件 {n}"],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        written.append(n)


@pytest.mark.sqlite_only
def test_a_backup_while_another_process_writes_is_sound_and_holds_what_was_committed(
    cli, home, tmp_path
):
    cli("init", "--name", "はなまる雑貨店", "--email", "support@hanamaru.example")
    stop, written = threading.Event(), []
    writer = threading.Thread(target=_writer, args=(home, stop, written))
    writer.start()
    try:
        deadline = time.monotonic() + 30
        while len(written) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        made = []
        for _ in range(3):
            (committed,) = shop_sql(home, "SELECT count(*) FROM cases")[0]
            result = cli("backup", str(tmp_path / "b"), "--keep", "5")
            made.append((Path(result.stdout.strip()), committed))
            time.sleep(0.2)
    finally:
        stop.set()
        writer.join()
    for path, committed in made:
        assert integrity(path) == ["ok"]
        conn = sqlite3.connect(path)
        (count,) = conn.execute("SELECT count(*) FROM cases").fetchone()
        (events,) = conn.execute(
            "SELECT count(*) FROM cases c WHERE NOT EXISTS"
            " (SELECT 1 FROM events e WHERE e.case_id = c.id AND e.kind = 'created')"
        ).fetchone()
        conn.close()
        assert count >= committed  # every case committed before it began
        assert events == 0  # and no case without its timeline: one moment of the shop


# --- restore ---------------------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_restore_gives_back_the_same_listings_and_keeps_the_replaced_database(
    cli, full_shop, home, monkeypatch
):
    before = outputs(cli)
    report = cli(*REPORT).stdout
    made = Path(cli("backup").stdout.strip())
    cli("case", "add", "--summary", "バックアップの後の件")
    after_backup = dump(home)
    assert "holds 3 cases" in cli.fails("restore", str(made))
    assert dump(home) == after_backup  # refused: nothing changed
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T09:30:00+09:00")
    result = cli("restore", str(made), "--force")
    assert "3 cases" not in result.stderr and "2 cases" in result.stderr
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T08:00:00+09:00")
    assert outputs(cli) == before and cli(*REPORT).stdout == report
    aside = home / "shopcare.db.before-restore-20261124-093000"
    assert aside.stat().st_mode & 0o777 == 0o600
    conn = sqlite3.connect(aside)
    assert conn.execute("SELECT summary FROM cases WHERE id = 3").fetchone() == (
        "バックアップの後の件",
    )
    conn.close()
    # the shop goes on from the restored database
    cli("case", "add", "--summary", "復元の後の件")
    assert cli.json("case", "show", "3")["summary"] == "復元の後の件"


@pytest.mark.sqlite_only
def test_restore_onto_a_home_without_a_database(cli, full_shop, home, tmp_path, monkeypatch):
    before = outputs(cli)
    made = Path(cli("backup", str(tmp_path / "b")).stdout.strip())
    new_home = tmp_path / "new-laptop"
    new_home.mkdir()
    shutil.copy(home / "config.toml", new_home / "config.toml")
    monkeypatch.setenv("SHOPCARE_HOME", str(new_home))
    result = cli("restore", str(made))
    assert "kept as" not in result.stderr
    assert (new_home / "shopcare.db").stat().st_mode & 0o777 == 0o600
    assert outputs(cli) == before


@pytest.mark.sqlite_only
def test_restore_refuses_what_is_not_a_sound_shopcare_database_and_changes_nothing(
    cli, full_shop, home, tmp_path
):
    made = Path(cli("backup", str(tmp_path / "b")).stdout.strip())
    untouched = dump(home)
    text = tmp_path / "notes.db"
    text.write_text("ただのメモ")
    assert "not a SQLite database" in cli.fails("restore", str(text), "--force")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert "not a shopcare one" in cli.fails("restore", str(other), "--force")
    assert "no file" in cli.fails("restore", str(tmp_path / "missing.db"), "--force")
    assert "is a folder" in cli.fails("restore", str(tmp_path), "--force")
    newer = tmp_path / "newer.db"
    shutil.copy(made, newer)
    conn = sqlite3.connect(newer)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " SELECT migration_set, 'm099_from_the_future', applied_at FROM _sqlite_migrations LIMIT 1"
    )
    conn.commit()
    conn.close()
    assert "newer shopcare" in cli.fails("restore", str(newer), "--force")
    broken = tmp_path / "broken.db"
    data = bytearray(made.read_bytes())
    for at in range(4096, len(data), 4096):  # every page but the first: no page type it knows
        data[at] = 0x55
    broken.write_bytes(bytes(data))
    said = cli.fails("restore", str(broken), "--force")
    assert "integrity" in said or "cannot read" in said
    assert dump(home) == untouched
    assert not list(home.glob("*before-restore*")) and not list(home.glob(".*restoring*"))


@pytest.mark.sqlite_only
@pytest.mark.parametrize("fixture", sorted(RELEASED.glob("*.db")), ids=lambda p: p.stem)
def test_restore_upgrades_a_backup_from_every_released_schema(cli, home, fixture, tmp_path):
    old = tmp_path / fixture.name
    shutil.copy(fixture, old)
    result = cli("restore", str(old), "--force")
    assert "upgraded from" in result.stderr
    info = cli.json("db", "info")
    assert info["schema"].startswith("m011") and info["cases"] > 0
    cli("case", "list", "--status", "all")


# --- purge -----------------------------------------------------------------------------------

SECRETS = (
    "届いたマグカップが割れていました",
    "写真で確認済み",
    "まだ届きません",
    "ichiro.sato@example.jp",
)


@pytest.fixture
def closed_shop(cli, full_shop, home):
    """full_shop's two cases closed (by the shop's clock, 2026-11-24), and a third case of the
    first customer's still open on another order: that customer is needed still."""
    cli("case", "close", "1", "--cause", "梱包材の不足", "--prevention", "緩衝材を二重にする")
    cli("case", "close", "2")


def file_bytes(home: Path) -> bytes:
    return b"".join(
        path.read_bytes()
        for path in (home / "shopcare.db", home / "shopcare.db-wal")
        if path.exists()
    )


def test_purge_erases_the_texts_keeps_the_numbers_and_records_itself(
    cli, closed_shop, home, monkeypatch
):
    report = json.loads(cli(*REPORT).stdout)
    monkeypatch.setenv("SHOPCARE_NOW", LATER)
    dry = cli("purge", "--before", "2027-01-01", "--dry-run", "--format", "json")
    assert [row["id"] for row in json.loads(dry.stdout)] == [1, 2]
    assert "would erase the personal data of 2 cases" in dry.stderr
    result = cli("purge", "--before", "2027-01-01")
    assert "erased the personal data of 2 cases" in result.stderr
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T08:00:00+09:00")
    # the report's numbers for the period are what they were (the phrases a FAQ finds come
    # from the customers' words, which are gone)
    after = json.loads(cli(*REPORT).stdout)
    for kept in (report, after):
        kept["faq"] = [row for row in kept["faq"] if row["kind"] != "phrase"]
        kept.pop("faq_messages")
    assert after == report
    case = cli.json("case", "show", "1")
    assert case["summary"] == "" and case["cause"] is None and case["prevention"] is None
    assert case["category"] == "quality.damaged" and case["status"] == "closed"
    kinds = [event["kind"] for event in case["events"]]
    assert kinds[-1] == "purged" and "remedy" in kinds
    assert all(not event["text"] for event in case["events"][:-1])
    purged = case["events"][-1]
    assert purged["author"] == "tester" and purged["data"]["before"] == "2027-01-01"
    remedy = next(event for event in case["events"] if event["kind"] == "remedy")
    assert remedy["data"]["kind"] == "refund" and remedy["data"]["amount"] == 2860
    assert "note" not in remedy["data"]
    # the customer of case 2 had nothing else: gone; the mail's bytes and attachment too
    second = cli.json("case", "show", "2")
    assert second["customer_name"] is None and second["customer_email"] is None
    # found no more by its words (the order's items are no one's words: they stay)
    for word in ("割れていました", "確認済み", "まだ届きません", "ichiro.sato@example.jp"):
        assert cli("search", word, "--format", "json").stdout.strip() in ("", "[]"), word
    # a second purge finds nothing left to erase
    monkeypatch.setenv("SHOPCARE_NOW", LATER)
    assert "of 0 cases" in cli("purge", "--before", "2027-01-01").stderr


@pytest.mark.sqlite_only
def test_purged_text_is_gone_from_the_database_file_and_attachments_from_the_disk(
    cli, closed_shop, home, monkeypatch
):
    (digest,) = shop_sql(home, "SELECT sha256 FROM attachments")[0]
    stored = home / "attachments" / digest[:2] / digest
    assert stored.exists()
    raw = file_bytes(home)
    for secret in SECRETS:
        assert secret.encode() in raw, secret  # there before: the check can fail
    monkeypatch.setenv("SHOPCARE_NOW", LATER)
    cli("purge", "--before", "2027-01-01")
    raw = file_bytes(home)
    for secret in (*SECRETS, "佐藤 一郎", "梱包材の不足"):
        assert secret.encode() not in raw, secret
    assert not stored.exists()
    assert not (home / "shopcare.db-wal").exists() or not (home / "shopcare.db-wal").stat().st_size
    # the timeline's guards are back, as they were written: nothing but purge changes it
    conn = sqlite3.connect(home / "shopcare.db")
    conn.row_factory = sqlite3.Row
    assert schema_of(conn) == SCHEMA_FILE.read_text(encoding="utf-8")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE events SET text = 'x' WHERE id = 1")
    conn.close()
    assert integrity(home / "shopcare.db") == ["ok"]


@pytest.mark.sqlite_only
def test_the_erasing_overwrites_where_sqlite_would_leave_deleted_bytes_and_empties_the_log(
    cli, closed_shop, home
):
    """SQLite leaves deleted content in the file unless secure_delete is on (Debian builds it
    on, others do not): the purge turns it on itself. And while another connection has the
    database open, closing the purge's connection does not checkpoint the log: the purge
    empties it itself, or the old pages stay in the file."""
    from datetime import datetime

    from shopcare.admin.purge import purge
    from shopcare.clock import Actor
    from shopcare.store.sqlite import SqliteStore
    from shopcare.store.sqlite.connect import open_db

    other = sqlite3.connect(home / "shopcare.db")  # open, idle: it holds no snapshot
    other.execute("SELECT count(*) FROM cases").fetchone()
    later = datetime.fromisoformat(LATER)
    with open_db(home) as conn:
        conn.execute("PRAGMA secure_delete = OFF")
        purge(SqliteStore(conn), Actor("tester", later), later, "2027-01-10", home)
    raw = (home / "shopcare.db").read_bytes()  # the file itself, the log left aside
    for secret in (*SECRETS, "佐藤 一郎", "梱包材の不足"):
        assert secret.encode() not in raw, secret
    other.close()


def test_purge_keeps_a_customer_that_a_newer_case_needs(cli, closed_shop, home, monkeypatch):
    taken = took(cli, message("もう一つ質問があります。", sender="佐藤 一郎 <ichiro.sato@example.jp>",
                              message_id="m2@mail.example.jp"))  # fmt: skip
    assert taken["case_id"] == 3
    monkeypatch.setenv("SHOPCARE_NOW", LATER)
    cli("purge", "--before", "2027-01-01")
    # the customer is kept, with the newer case alone: the purged one no longer names them
    customer = cli.json("customer", "show", "ichiro.sato@example.jp")
    assert customer["name"] == "佐藤 一郎" and [c["id"] for c in customer["cases"]] == [3]
    assert cli.json("case", "show", "2")["customer_email"] is None

    def messages(case_id: int) -> list:
        events = cli.json("case", "show", str(case_id))["events"]
        return [event["text"] for event in events if event["kind"] == "message"]

    assert messages(3) == ["もう一つ質問があります。"] and messages(2) == [None]


def test_purge_before_a_day_leaves_later_cases_alone(cli, closed_shop, home, monkeypatch):
    monkeypatch.setenv("SHOPCARE_NOW", LATER)
    untouched = dump(home)
    assert "of 0 cases" in cli("purge", "--before", "2026-11-24").stderr  # closed that day
    assert dump(home) == untouched
    cli("purge", "--before", "2026-11-25", "--dry-run")
    assert dump(home) == untouched  # a dry run writes nothing


def test_bad_purge_dates_are_one_line_and_write_nothing(cli, closed_shop, home):
    untouched = dump(home)
    assert "later than now" in cli.fails("purge", "--before", "2027-01-01")
    assert "cannot read" in cli.fails("purge", "--before", "昨日")
    assert "outside the years" in cli.fails("purge", "--before", "0001-01-01")
    assert cli("purge", code=2).exit_code == 2
    assert dump(home) == untouched


def test_purge_on_a_home_without_a_shop_makes_none(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("SHOPCARE_HOME", str(tmp_path / "nothing"))
    monkeypatch.delenv("SHOPCARE_DATABASE", raising=False)
    assert "no shop" in cli.fails("purge", "--before", "2026-01-01")
    assert not (tmp_path / "nothing" / "shopcare.db").exists()


@pytest.mark.sqlite_only
def test_every_file_shopcare_writes_in_the_home_is_owner_only(cli, full_shop, home, tmp_path):
    """The database (and its log), backups, stored mail, attachments, the folders they are in:
    no one but the owner reads a customer's words. (The export's files: tests/test_export.py.)"""
    took(cli, message("添付を送ります。", message_id="m9@mail.example.jp",
                      attachment=("注文書.pdf", "application/pdf", b"%PDF-1.4 ...")))  # fmt: skip
    cli("backup")
    cli("backup", str(tmp_path / "elsewhere"))
    checked = 0
    for root in (home, tmp_path / "elsewhere"):
        for path in [root, *root.rglob("*")]:
            mode = path.stat().st_mode & 0o777
            assert mode & 0o077 == 0, f"{path} is {oct(mode)}"
            checked += 1
    assert checked > 8 and list((home / "attachments").rglob("*"))


@pytest.mark.sqlite_only
def test_purging_the_demo_shop_leaves_its_report_as_it_was(cli, tmp_path, monkeypatch):
    shop = tmp_path / "demo"
    cli("demo", "--keep", str(shop))
    monkeypatch.setenv("SHOPCARE_HOME", str(shop))
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-26T18:00:00+09:00")
    for case in cli.json("case", "list", "--status", "all"):
        if case["status"] != "closed":
            cli("case", "close", str(case["id"]), "--cause", "在庫確認の漏れ")
    period = ("report", "--from", "2026-11-01", "--until", "2026-11-30", "--by", "week")
    before = json.loads(cli(*period, "--format", "json").stdout)
    assert before["cases_received"] >= 5 and before["resolution"]["count"] >= 5
    monkeypatch.setenv("SHOPCARE_NOW", LATER)
    cli("purge", "--before", "2026-12-01")
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-26T18:00:00+09:00")
    after = json.loads(cli(*period, "--format", "json").stdout)
    for report in (before, after):
        report["faq"] = [row for row in report["faq"] if row["kind"] != "phrase"]
        report.pop("faq_messages")
    assert after == before
    assert all(case["summary"] == "" for case in cli.json("case", "list", "--status", "all"))


# --- found by bench/stress.py's fuzz and kills ------------------------------------------------


@pytest.mark.sqlite_only
def test_restore_only_reads_the_backup_and_its_folder(cli, full_shop, home, tmp_path):
    folder = tmp_path / "b"
    made = Path(cli("backup", str(folder)).stdout.strip())
    live = sqlite3.connect(home / "shopcare.db")  # a live-style copy: WAL, with its log
    live.execute("PRAGMA wal_autocheckpoint = 0")
    live.execute(
        "INSERT INTO holidays (date, name, imported_at) VALUES ('2027-02-11', '建国記念の日', 'x')"
    )
    live.commit()
    shutil.copy(home / "shopcare.db", folder / "copy.db")
    shutil.copy(home / "shopcare.db-wal", folder / "copy.db-wal")
    live.close()
    before = sorted(p.name for p in folder.iterdir())
    cli("restore", str(made), "--force")
    cli("restore", str(folder / "copy.db"), "--force")
    assert sorted(p.name for p in folder.iterdir()) == before  # no log, no index left beside
    assert shop_sql(home, "SELECT name FROM holidays WHERE date = '2027-02-11'") == [
        ("建国記念の日",)
    ]  # what was in the copy's log came along


@pytest.mark.sqlite_only
def test_restore_of_a_pipe_or_device_is_refused_without_reading_it(cli, home, tmp_path):
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    assert "not a regular file" in cli.fails("restore", str(fifo), "--force")
    assert "not a regular file" in cli.fails("restore", "/dev/zero", "--force")
    assert "the shop's database itself" in cli.fails("restore", str(home / "shopcare.db"))


@pytest.mark.sqlite_only
def test_partial_files_of_killed_writers_are_swept(cli, full_shop, home, tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    (digest,) = shop_sql(home, "SELECT sha256 FROM attachments")[0]
    leftover = home / "attachments" / digest[:2] / f".{'0' * 64}.{dead}"
    leftover.write_bytes(b"half a photo")
    folder = tmp_path / "b"
    folder.mkdir()
    partial = folder / f".shopcare-20261123-030000.db.{dead}"
    partial.write_bytes(b"half a backup")
    mine = folder / f".shopcare-20261123-040000.db.{os.getpid()}"  # a writer still at work
    mine.write_bytes(b"being written")
    cli("backup", str(folder))
    assert not partial.exists() and mine.exists()
    cli("purge", "--before", "2026-11-01")
    assert not leftover.exists()
    exported = tmp_path / "x"
    exported.mkdir()
    half = exported / f".cases.jsonl.{dead}"
    half.write_text("{}")
    cli("export", "--out", str(exported))
    assert not half.exists() and (exported / "cases.jsonl").exists()


def test_a_report_never_overwrites_a_database(cli, home, tmp_path):
    other = tmp_path / "other-shop.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    untouched = other.read_bytes()
    assert "is a database" in cli.fails("report", "--format", "json", "--out", str(other))
    assert other.read_bytes() == untouched


def test_an_event_id_out_of_range_is_one_line(cli, home):
    assert "is not a timeline event id" in cli.fails("mail", "show", "9223372036854775808")


def test_init_with_an_unreadable_clock_writes_nothing(cli, home, monkeypatch):
    cli("init", "--name", "はなまる雑貨店", "--email", "support@hanamaru.example")
    config = (home / "config.toml").read_bytes()
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T08:00:00")
    assert "SHOPCARE_NOW" in cli.fails("init", "--name", "新しい店")
    assert (home / "config.toml").read_bytes() == config


@pytest.mark.sqlite_only
def test_a_log_left_without_its_database_is_moved_aside_not_read_into_the_restore(
    cli, full_shop, home, tmp_path
):
    before = outputs(cli)
    made = Path(cli("backup", str(tmp_path / "b")).stdout.strip())
    # a process that died with its commits still in the log; then the database file is lost
    code = (
        "import os, sqlite3\n"
        f"c = sqlite3.connect({str(home / 'shopcare.db')!r})\n"
        "c.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "for n in range(200):\n"
        "    c.execute(\"INSERT INTO holidays (date, name, imported_at) VALUES (?, 'x', 'x')\","
        " [f'2030-{n:04d}'])\n"
        "c.commit()\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    assert (home / "shopcare.db-wal").stat().st_size > 0
    (home / "shopcare.db").unlink()
    result = cli("restore", str(made))
    assert "kept as" in result.stderr
    assert integrity(home / "shopcare.db") == ["ok"]
    assert outputs(cli) == before
    assert list(home.glob("shopcare.db.before-restore-*-wal"))


@pytest.mark.sqlite_only
def test_a_write_during_a_restore_is_in_the_restored_shop_or_the_copy_aside(
    cli, full_shop, home, tmp_path, monkeypatch
):
    """The copy aside and the replacement are made under one hold of the write lock: a
    command that writes meanwhile waits, then writes into the restored shop."""
    from shopcare.store.sqlite import backup as files

    made = Path(cli("backup", str(tmp_path / "b")).stdout.strip())
    real_copy = files.copy_database
    writers: list[subprocess.Popen] = []

    def copy_while_someone_writes(conn, target):
        writers.append(subprocess.Popen(
            [sys.executable, "-m", "shopcare", "case", "add", "--summary", "復元中に書かれた件"],
            env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        ))  # fmt: skip
        time.sleep(1.5)  # it starts, and waits for the lock the restore holds
        return real_copy(conn, target)

    monkeypatch.setattr(files, "copy_database", copy_while_someone_writes)
    cli("restore", str(made), "--force")
    (writer,) = writers
    assert writer.wait(timeout=60) == 0, writer.stderr.read()
    summaries = [c["summary"] for c in cli.json("case", "list", "--status", "all")]
    assert "復元中に書かれた件" in summaries and len(summaries) == 3


@pytest.mark.sqlite_only
def test_a_backup_made_with_the_clock_set_back_is_kept(cli, home, tmp_path, monkeypatch):
    folder = tmp_path / "b"
    for day in ("24", "25", "20"):
        monkeypatch.setenv("SHOPCARE_NOW", f"2026-11-{day}T10:00:00+09:00")
        made = Path(cli("backup", str(folder), "--keep", "2").stdout.strip())
        assert made.exists()
    assert [p.name for p in backups(folder)] == [
        "shopcare-20261120-100000.db",
        "shopcare-20261125-100000.db",
    ]


def test_a_case_reopened_after_its_purge_is_purged_again_when_closed_again(
    cli, closed_shop, home, monkeypatch
):
    monkeypatch.setenv("SHOPCARE_NOW", LATER)
    cli("purge", "--before", "2027-01-01")
    monkeypatch.setenv("SHOPCARE_NOW", "2027-01-12T09:00:00+09:00")
    cli("case", "message", "1", "また割れていました。電話は090-1111-2222です。")
    cli("case", "close", "1")
    monkeypatch.setenv("SHOPCARE_NOW", "2027-03-10T09:00:00+09:00")
    assert "of 1 cases" in cli("purge", "--before", "2027-02-01").stderr
    texts = [e["text"] for e in cli.json("case", "show", "1")["events"] if e["kind"] != "purged"]
    assert not any(texts)
    assert [e["kind"] for e in cli.json("case", "show", "1")["events"]].count("purged") == 2


def test_an_order_a_newer_open_case_uses_keeps_its_name_and_address(
    cli, closed_shop, home, monkeypatch
):
    # the customer of case 1 writes again from another address about the same order
    cli("case", "add", "--summary", "同じ注文の件です", "--order", "#1001",
        "--email", "family@example.jp", "--customer", "山田 家族")  # fmt: skip
    order = cli.json("orders", "show", "#1001")
    monkeypatch.setenv("SHOPCARE_NOW", LATER)
    cli("purge", "--before", "2027-01-01")
    assert cli.json("orders", "show", "#1001")["customer_email"] == order["customer_email"]
    assert cli.json("case", "show", "3")["order"]["customer_name"] == order["customer_name"]


def test_a_customer_kept_for_a_newer_case_is_erased_once_that_is_old_too(
    cli, closed_shop, home, monkeypatch
):
    took(cli, message("もう一つ質問があります。", sender="佐藤 一郎 <ichiro.sato@example.jp>",
                      message_id="m2@mail.example.jp"))  # fmt: skip
    monkeypatch.setenv("SHOPCARE_NOW", LATER)
    cli("purge", "--before", "2027-01-01")  # case 2 purged; its customer kept for case 3
    assert cli.json("customer", "show", "ichiro.sato@example.jp")["name"] == "佐藤 一郎"
    monkeypatch.setenv("SHOPCARE_NOW", "2027-01-11T09:00:00+09:00")
    cli("case", "close", "3")
    monkeypatch.setenv("SHOPCARE_NOW", "2027-03-10T09:00:00+09:00")
    cli("purge", "--before", "2027-02-01")
    assert "ichiro.sato" not in dump(home) and "佐藤 一郎" not in dump(home)


@pytest.mark.sqlite_only
def test_a_file_shared_with_a_mail_purged_before_goes_with_the_last_one(
    cli, closed_shop, home, monkeypatch
):
    photo = ("写真.jpg", "image/jpeg", b"\xff\xd8jpeg")  # the same file as case 2's mail
    took(cli, message("別件です。", sender="鈴木 花 <hana.suzuki@example.jp>",
                      message_id="m3@mail.example.jp", attachment=photo))  # fmt: skip
    (digest,) = {row[0] for row in shop_sql(home, "SELECT sha256 FROM attachments")}
    stored = home / "attachments" / digest[:2] / digest
    monkeypatch.setenv("SHOPCARE_NOW", LATER)
    cli("purge", "--before", "2027-01-01")
    assert stored.exists()  # the new case's mail has it still
    monkeypatch.setenv("SHOPCARE_NOW", "2027-01-11T09:00:00+09:00")
    cli("case", "close", "3")
    monkeypatch.setenv("SHOPCARE_NOW", "2027-03-10T09:00:00+09:00")
    cli("purge", "--before", "2027-02-01")
    assert not stored.exists()


def test_the_purge_record_gives_the_moment_when_a_time_was_given(
    cli, closed_shop, home, monkeypatch
):
    monkeypatch.setenv("SHOPCARE_NOW", LATER)
    result = cli("purge", "--before", "2026-11-24T10:00")
    assert "closed before 2026-11-24T10:00+09:00" in result.stderr
    purged = cli.json("case", "show", "1")["events"][-1]
    assert purged["data"]["before"] == "2026-11-24T10:00+09:00"


def test_on_postgresql_a_purge_by_a_role_that_does_not_own_the_tables_is_one_line(
    cli, pg_url, closed_shop_on, monkeypatch
):
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute("CREATE ROLE operator2 LOGIN")
        admin.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO operator2")
        admin.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO operator2")
    other = pg_url.replace("postgresql://shopcare@", "postgresql://operator2@")
    monkeypatch.setenv("SHOPCARE_DATABASE", other)
    monkeypatch.setenv("SHOPCARE_NOW", LATER)
    before = cli.json("case", "show", "1")
    said = cli.fails("purge", "--before", "2027-01-01")
    assert "owner" in said
    assert cli.json("case", "show", "1") == before  # nothing erased
    monkeypatch.setenv("SHOPCARE_DATABASE", pg_url)
    assert "of 2 cases" in cli("purge", "--before", "2027-01-01").stderr


@pytest.fixture
def closed_shop_on(cli, pg_url, monkeypatch):
    """closed_shop's two closed cases, in a PostgreSQL database of the test server."""
    monkeypatch.setenv("SHOPCARE_DATABASE", pg_url)
    cli("init", "--name", "はなまる雑貨店", "--email", "support@hanamaru.example")
    cli("case", "add", "--summary", "届いたマグカップが割れていました")
    cli("case", "add", "--summary", "まだ届きません")
    cli("case", "close", "1")
    cli("case", "close", "2")
