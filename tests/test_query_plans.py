"""Every query a command runs uses an index: the statements are caught as the commands run
(sqlite3's trace hook, with the values filled in) and EXPLAIN QUERY PLAN is asked of each, on
the demo shop. So the test follows the code's own queries, including ones added later."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from shopcare.resources import resource_dir

# Tables that grow with the shop's history: never read whole by a command about part of them.
LARGE = {"cases", "events", "orders", "order_items", "customers"}
# Read whole on purpose: the schema, the migrations done, a year's holidays, the follow-up
# marks (counted, then read in one pass when there are fewer marks than items listed), and the
# one row saying what the report's day summaries were worked out with.
SMALL = {"sqlite_master", "_sqlite_migrations", "holidays", "followup_state", "report_days_key"}

COMMANDS = {
    # reading
    "followups": ["followups"],
    "followups --overdue": ["followups", "--overdue"],
    "followups a month ahead": ["followups", "--until", "+30d"],
    "followups of one kind": ["followups", "--kind", "promise"],
    "case list": ["case", "list"],
    "case list by category and mall": ["case", "list", "--category", "delivery", "--mall", "rakuten"],
    "case list by status": ["case", "list", "--status", "resolved"],
    "case list by e-mail": ["case", "list", "--email", "shota.yamamoto@example.com"],
    "case list by order": ["case", "list", "--order", "A7KQ2M9XP4"],
    "case show": ["case", "show", "1"],
    "customer show": ["customer", "show", "shota.yamamoto@example.com"],
    "orders show": ["orders", "show", "A7KQ2M9XP4"],
    "reply": ["reply", "1", "status_update"],
    "policy suggest": ["policy", "suggest", "4"],
    "report": ["report", "--format", "json"],
    "report by week, a year": ["report", "--from", "2025-11-25", "--by", "week", "--format", "json"],
    # writing
    "case add for a known customer and order": [
        "case", "add", "--summary", "まだですか", "--email", "shota.yamamoto@example.com",
        "--order", "A7KQ2M9XP4",
    ],
    "case message": ["case", "message", "1", "まだですか?"],
    "case status": ["case", "status", "2", "open"],
    "followups done": ["followups", "done", "r1"],
    "followups snooze": ["followups", "snooze", "s1", "--until", "+2bd"],
    "remedy": ["remedy", "4", "coupon", "--amount", "500", "--approved-by", "owner"],
}  # fmt: skip


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory) -> Path:
    from typer.testing import CliRunner

    from shopcare.cli import app

    home = tmp_path_factory.mktemp("plans") / "demo"
    env = {"SHOPCARE_NOW": "2026-11-24T08:00:00+09:00", "NO_COLOR": "1"}
    result = CliRunner().invoke(app, ["demo", "--keep", str(home)], env=env)
    assert result.exit_code == 0, result.output
    return home


def _statements(monkeypatch, cli, args: list[str], code: int = 0) -> list[str]:
    """The statements shopcare ran for one command, as SQLite ran them (values filled in)."""
    seen: list[str] = []
    connect = sqlite3.connect

    def traced(*a, **k):
        conn = connect(*a, **k)
        conn.set_trace_callback(seen.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", traced)
    cli(*args, code=code)
    monkeypatch.setattr(sqlite3, "connect", connect)
    return list(dict.fromkeys(seen))


def _plan(home: Path, statement: str) -> str:
    conn = sqlite3.connect(home / "shopcare.db")
    try:
        return " | ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + statement))
    finally:
        conn.close()


def _scans(home: Path, statements: list[str]) -> tuple[list[str], set[str]]:
    """Each query's plan, and the large tables (or their aliases) any of them reads whole."""
    plans, scanned = [], set()
    for statement in statements:
        if not re.match(r"\s*(SELECT|WITH|UPDATE|DELETE)\b", statement, re.IGNORECASE):
            continue
        plan = _plan(home, statement)
        plans.append(f"{statement}\n  -> {plan}")
        # (SCAN CONSTANT ROW: a SELECT of values alone, such as scalar subqueries)
        scanned |= set(re.findall(r"\bSCAN (?!CONSTANT ROW)(\w+)", plan)) - SMALL
    return plans, scanned


def _read_tables(plans: list[str]) -> set[str]:
    return {table for table in LARGE if any(re.search(rf"\b{table}\b", p) for p in plans)}


@pytest.fixture
def shop(demo_home, tmp_path, monkeypatch) -> Path:
    """A copy of the demo shop, used as this test's home."""
    home = tmp_path / "demo"
    shutil.copytree(demo_home, home)
    monkeypatch.setenv("SHOPCARE_HOME", str(home))
    return home


@pytest.mark.parametrize("name", COMMANDS)
def test_a_command_reads_no_large_table_whole(shop, cli, monkeypatch, name):
    plans, scanned = _scans(shop, _statements(monkeypatch, cli, COMMANDS[name]))
    assert _read_tables(plans), f"{name} ran no query on the shop's data"
    assert not scanned, f"{name} reads {scanned} whole:\n" + "\n".join(plans)


def test_listing_every_case_walks_them_in_received_order(shop, cli, monkeypatch):
    """The one command that reads a large table whole: it lists every case, oldest first, so
    reading them all in the order of the received_at index is the job itself."""
    args = ["case", "list", "--status", "all"]
    plans, scanned = _scans(shop, _statements(monkeypatch, cli, args))
    assert scanned == {"c"}  # the cases, as the query names them
    assert any("SCAN c USING INDEX cases_received" in p for p in plans), plans


def test_an_order_import_finds_existing_orders_by_index(shop, cli, monkeypatch):
    export = sorted((resource_dir("examples") / "orders").iterdir())[0]
    plans, scanned = _scans(shop, _statements(monkeypatch, cli, ["orders", "import", str(export)]))
    assert "orders" in _read_tables(plans)
    assert not scanned, "\n".join(plans)


def test_the_follow_up_list_reads_open_cases_by_status(shop, cli, monkeypatch):
    """The core of the daily list: open cases found by the status index, their promises by the
    promise index (not by reading every event of every open case), orders by date."""
    plans, _ = _scans(shop, _statements(monkeypatch, cli, ["followups"]))
    joined = "\n".join(plans)
    for index in ("cases_status", "events_promise", "orders_delivered", "orders_shipped"):
        assert index in joined, joined
