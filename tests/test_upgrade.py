"""Homes made by every released schema open with today's code: exactly today's schema, their
data kept, their deadlines right, and two processes opening one older home at once both
succeed. The fixture homes are made by tests/data/released/make.sh with the code of each
commit whose schema differed from the one before."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from test_db import SCHEMA_FILE, schema_of

from shopcare.store.sqlite.connect import open_db

RELEASED = Path(__file__).parent / "data" / "released"
FIXTURES = sorted(RELEASED.glob("*.db"))
WITH_ORDERS = {"5b81f5a", "4f282e6", "5a9b04e", "b40d8bb", "db0fdc1", "cc8aa14"}
THREE_DAYS = 3 * 24 * 3600


def test_every_released_schema_has_a_fixture():
    assert {path.stem for path in FIXTURES} == {"c650fc1", *WITH_ORDERS}


def _home_from(fixture: Path, home: Path) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(fixture, home / "shopcare.db")
    return home


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_a_released_home_upgrades_with_its_data_and_deadlines(fixture, home, cli, monkeypatch):
    _home_from(fixture, home)
    with open_db(home) as conn:
        assert schema_of(conn) == SCHEMA_FILE.read_text(encoding="utf-8")
        # the case that waited three days on the customer keeps those days paused
        paused = conn.execute("SELECT paused_seconds FROM cases WHERE id = 1").fetchone()
        assert paused["paused_seconds"] == THREE_DAYS
        orders = conn.execute("SELECT count(*) AS n FROM orders").fetchone()["n"]
    assert orders == (4 if fixture.stem in WITH_ORDERS else 0)
    cases = cli.json("case", "list", "--status", "all")
    assert [c["summary"] for c in cases] == ["届いた皿が割れていました", "ギフト包装はできますか"]
    shown = cli.json("case", "show", "2")
    assert [e["kind"] for e in shown["events"]] == ["created", "message", "promise"]
    # received Mon 11-16 09:30: five business days is Mon 11-23 (a holiday) -> Tue 11-24 18:00,
    # moved on by the three days it waited: Fri 11-27 18:00
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-30T09:00:00+09:00")
    items = {i["id"]: i for i in cli.json("followups", "--kind", "resolve")}
    assert items["s1"]["due_at"] == "2026-11-27T18:00:00+09:00"


def test_the_timeline_refuses_insert_or_replace(home):
    with open_db(home):
        pass
    conn = sqlite3.connect(home / "shopcare.db")
    conn.execute(
        "INSERT INTO customers (id, email, name, created_at) VALUES (1, 'a@example.jp', 'a', 'x')"
    )
    conn.execute(
        "INSERT INTO cases (id, received_at, channel, category, priority, status, summary, fault,"
        " created_at, updated_at) VALUES (1, 'x', 'email', 'other', 'normal', 'new', 's',"
        " 'unknown', 'x', 'x')"
    )
    conn.execute(
        "INSERT INTO events (id, case_id, at, kind, author, text) VALUES (1, 1, 'x', 'note', 'a', 'original')"
    )
    conn.commit()
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(
            "INSERT OR REPLACE INTO events (id, case_id, at, kind, author, text)"
            " VALUES (1, 1, 'x', 'note', 'a', 'forged')"
        )
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(
            "REPLACE INTO events (id, case_id, at, kind, author, text)"
            " VALUES (1, 1, 'x', 'note', 'a', 'forged')"
        )
    assert conn.execute("SELECT text FROM events WHERE id = 1").fetchone() == ("original",)
    conn.close()


@pytest.mark.parametrize("round_", range(3))
def test_processes_opening_an_older_home_at_once_all_succeed(home, round_):
    _home_from(RELEASED / "c650fc1.db", home)
    command = [sys.executable, "-m", "shopcare", "--home", str(home), "case", "list", "--json"]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    results = [run.communicate(timeout=60) + (run.returncode,) for run in runs]
    for _stdout, stderr, code in results:
        assert code == 0, stderr
        assert "Traceback" not in stderr
    with open_db(home) as conn:
        assert schema_of(conn) == SCHEMA_FILE.read_text(encoding="utf-8")
        names = [r["name"] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_the_report_times_of_a_released_home_are_filled_from_its_timeline(fixture, home):
    """m010: each case's first reply (a reply marked sent, or a reply owed marked done), first
    resolution (resolved or closed), the customer's reopenings and the last reopening are
    worked out from the timeline a released version wrote. The fixture's own cases were never
    answered nor resolved: the events a later week would have added are written first, as the
    released code wrote them."""
    _home_from(fixture, home)
    conn = sqlite3.connect(home / "shopcare.db")
    events = [
        # case 1: a reply marked done by phone, resolved, reopened by the customer, closed
        (1, "2026-11-19T03:00:00Z", "followup_done", None, '{"fid": "r1"}'),
        (1, "2026-11-19T04:00:00Z", "reply_sent", "件名", '{"template": "status_update"}'),
        (1, "2026-11-20T05:00:00Z", "status", None, '{"from": "open", "to": "resolved"}'),
        (1, "2026-11-21T01:00:00Z", "message", "まだ割れています", None),
        (1, "2026-11-21T01:00:00Z", "status", "the customer wrote again",
         '{"from": "resolved", "to": "open"}'),
        (1, "2026-11-22T01:00:00Z", "closed", "cause: 梱包", '{"from": "open"}'),
        # case 2: replied to twice, closed without being resolved first
        (2, "2026-11-19T02:30:00Z", "reply_sent", "件名", '{"template": "first_response"}'),
        (2, "2026-11-19T06:00:00Z", "reply_sent", "件名", '{"template": "status_update"}'),
        (2, "2026-11-23T00:00:00Z", "closed", None, '{"from": "open"}'),
    ]  # fmt: skip
    conn.executemany(
        "INSERT INTO events (case_id, at, kind, author, text, data)"
        " VALUES (?, ?, ?, 'fixture', ?, ?)",
        [(case, at, kind, text, data) for case, at, kind, text, data in events],
    )
    conn.commit()
    conn.close()
    with open_db(home) as conn:
        rows = conn.execute(
            "SELECT id, first_reply_at, first_resolved_at, customer_reopened, last_reopened_at"
            " FROM cases ORDER BY id"
        ).fetchall()
    assert [tuple(row.values()) for row in rows] == [
        (1, "2026-11-19T03:00:00Z", "2026-11-20T05:00:00Z", 1, "2026-11-21T01:00:00Z"),
        (2, "2026-11-19T02:30:00Z", "2026-11-23T00:00:00Z", 0, None),
    ]
