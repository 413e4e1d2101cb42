"""SQLite: what `shopcare report` reads. Each query covers one period through an index (cases by
received, first reply and first resolution time; remedies, customer messages and satisfaction
checks by date), and times come back as Unix seconds: a year of a large shop is tens of
thousands of rows, and SQLite turns its text times into numbers far faster than Python."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from shopcare.store.sqlite.connect import BUSY_TIMEOUT_MS, committed, tuples

_REPORT_WAIT_MS = 1000  # for the write lock, to store the days a report worked out

# a case's figures, with its times as Unix seconds; waiting_since only for an unresolved case
# waiting now (its resolution clock stopped then)
_CASE = (
    "SELECT id, unixepoch(received_at), unixepoch(first_reply_at), unixepoch(first_resolved_at),"
    " mall, priority, category, CASE WHEN first_resolved_at IS NULL AND status = 'waiting'"
    " THEN unixepoch(paused_since) END, paused_seconds, customer_reopened FROM cases"
)


def _seconds(stored: str) -> int:
    return int(datetime.fromisoformat(stored).timestamp())


class ReportQueries:
    """Mixed into SqliteStore; see store/api.py for what each method promises."""

    conn: sqlite3.Connection

    def report_cases_in(self, start: str, end: str) -> list[tuple]:
        # by the three indexes of the times (each holds received_at too)
        return tuples(
            self.conn,
            _CASE
            + " WHERE id IN (SELECT id FROM cases WHERE received_at >= ?1 AND received_at < ?2"
            " UNION SELECT id FROM cases WHERE first_reply_at >= ?1 AND first_reply_at < ?2"
            " UNION SELECT id FROM cases WHERE first_resolved_at >= ?1 AND first_resolved_at < ?2)",
            [start, end],
        ).fetchall()

    def report_span(self) -> tuple[int, int] | None:
        # each end of each of the three indexes of the times, one look-up each (a min and a
        # max in one SELECT would read an index whole)
        ends = [
            f"(SELECT {end}({column}) FROM cases WHERE {column} IS NOT NULL)"
            for column in ("received_at", "first_reply_at", "first_resolved_at")
            for end in ("min", "max")
        ]
        found = [
            moment
            for moment in tuples(self.conn, "SELECT " + ", ".join(ends)).fetchone()
            if moment is not None
        ]  # stored times of one shape: as text, they sort as the moments do
        if not found:
            return None
        return _seconds(min(found)), _seconds(max(found))

    def report_open_before(self, moment: str) -> int:
        (received,) = tuples(
            self.conn, "SELECT count(*) FROM cases WHERE received_at < ?", [moment]
        ).fetchone()
        # (a resolution the timeline has before the receipt counts from the receipt on)
        (resolved,) = tuples(
            self.conn,
            "SELECT count(*) FROM cases WHERE first_resolved_at < ?1 AND received_at < ?1",
            [moment],
        ).fetchone()
        return received - resolved

    def report_reopened_history(self, start: str, end: str) -> list[tuple]:
        # from the few cases opened again (their partial index; || '' keeps SQLite from reading
        # the many first resolved before the end instead)
        return tuples(
            self.conn,
            "SELECT e.case_id, unixepoch(e.at),"
            " CASE WHEN e.kind = 'closed' THEN 'closed' ELSE json_extract(e.data, '$.to') END"
            " FROM cases c CROSS JOIN events e ON e.case_id = c.id AND e.kind IN ('status', 'closed')"
            " WHERE c.last_reopened_at IS NOT NULL AND c.first_resolved_at || '' < ?2"
            " AND (c.status NOT IN ('resolved', 'closed')"
            " OR CASE c.status WHEN 'resolved' THEN c.resolved_at ELSE c.closed_at END >= ?1)"
            " ORDER BY e.case_id, e.at, e.id",
            [start, end],
        ).fetchall()

    def report_remedies(self, start: str, end: str) -> list[tuple]:
        return tuples(
            self.conn,
            "SELECT unixepoch(e.at), e.case_id, c.category, json_extract(e.data, '$.kind'),"
            " CAST(json_extract(e.data, '$.worth') AS NUMERIC),"
            " CASE WHEN json_extract(e.data, '$.approved_by') IS NOT NULL THEN 1 ELSE 0 END"
            " FROM events e JOIN cases c ON c.id = e.case_id"
            " WHERE e.kind = 'remedy' AND e.at >= ? AND e.at < ? ORDER BY e.at, e.id",
            [start, end],
        ).fetchall()

    def report_satisfaction_checks(self, start: str) -> list[tuple]:
        return tuples(
            self.conn,
            "SELECT unixepoch(at), case_id FROM events WHERE kind = 'reply_sent'"
            " AND json_extract(data, '$.template') = 'satisfaction_check' AND at >= ?",
            [start],
        ).fetchall()

    def report_messages(self, start: str, end: str, limit: int) -> list[tuple]:
        return tuples(
            self.conn,
            "SELECT case_id, text FROM events WHERE kind = 'message' AND at >= ? AND at < ?"
            " ORDER BY at DESC, id DESC LIMIT ?",
            [start, end, limit],
        ).fetchall()


class ReportDaysQueries:
    """SQLite's alone (m011): the report's per-day summaries, which the database's triggers
    drop when a case in them changes."""

    conn: sqlite3.Connection

    @property
    def keeps_report_days(self) -> bool:
        # a read-only database (a backup, a read-only mount) is summed up each time
        return not tuples(self.conn, "PRAGMA query_only").fetchone()[0]

    def report_days(self, key: str, low: int, high: int) -> list[tuple]:
        stored = tuples(self.conn, "SELECT key FROM report_days_key").fetchone()
        if stored is None or stored[0] != key:
            return []
        return tuples(
            self.conn, "SELECT * FROM report_days WHERE start >= ? AND start < ?", [low, high]
        ).fetchall()

    @contextmanager
    def report_days_write(self) -> Iterator[bool]:
        # a report reads: it never fails, nor waits long, because another command writes
        self.conn.execute(f"PRAGMA busy_timeout = {_REPORT_WAIT_MS}")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            taken = True
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            taken = False
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not taken:  # no transaction: the report works the days out in its read
            yield False
            return
        with committed(self.conn):
            yield True

    def save_report_days(self, key: str, rows: list[tuple]) -> None:
        stored = tuples(self.conn, "SELECT key FROM report_days_key").fetchone()
        if stored is None or stored[0] != key:  # worked out another way: none of them holds
            self.conn.execute("DELETE FROM report_days")
            self.conn.execute("DELETE FROM report_days_key")
            self.conn.execute("INSERT INTO report_days_key (key) VALUES (?)", [key])
        self.conn.executemany(
            "INSERT OR REPLACE INTO report_days VALUES (" + ", ".join("?" * 16) + ")",
            rows,
        )
