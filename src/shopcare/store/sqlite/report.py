"""SQLite: what `shopcare report` reads. Each query covers one period through an index (cases by
received, first reply and first resolution time; remedies, customer messages and satisfaction
checks by date), and times come back as Unix seconds: a year of a large shop is tens of
thousands of rows, and SQLite turns its text times into numbers far faster than Python."""

from __future__ import annotations

import sqlite3

from shopcare.store.sqlite.connect import tuples

# a case's figures, with its times as Unix seconds; waiting_since only for an unresolved case
# waiting now (its resolution clock stopped then)
_CASE = (
    "SELECT id, unixepoch(received_at), unixepoch(first_reply_at), unixepoch(first_resolved_at),"
    " mall, priority, category, CASE WHEN first_resolved_at IS NULL AND status = 'waiting'"
    " THEN unixepoch(paused_since) END, paused_seconds, customer_reopened FROM cases"
)


class ReportQueries:
    """Mixed into SqliteStore; see store/api.py for what each method promises."""

    conn: sqlite3.Connection

    def report_cases(self, start: str, end: str) -> list[tuple]:
        # received in the period (by its index, oldest first); then the few received before it
        # and replied to or resolved in it (the indexes of those times hold received_at too)
        received = tuples(
            self.conn,
            _CASE + " WHERE received_at >= ? AND received_at < ? ORDER BY received_at, id",
            [start, end],
        ).fetchall()
        earlier = tuples(
            self.conn,
            _CASE + " WHERE (first_reply_at >= ?1 AND first_reply_at < ?2"
            " OR first_resolved_at >= ?1 AND first_resolved_at < ?2) AND received_at < ?1",
            [start, end],
        ).fetchall()
        return received + earlier

    def report_open_before(self, moment: str) -> int:
        (received,) = tuples(
            self.conn, "SELECT count(*) FROM cases WHERE received_at < ?", [moment]
        ).fetchone()
        (resolved,) = tuples(
            self.conn, "SELECT count(*) FROM cases WHERE first_resolved_at < ?", [moment]
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
