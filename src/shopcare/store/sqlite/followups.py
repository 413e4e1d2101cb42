"""SQLite: Follow-up marks (done, snoozed), remedies, imported holidays.

The candidate queries of the follow-up list hand over plain tuples, streamed from the cursor:
the overdue list of a large shop reads tens of thousands of rows, and a dict per row would cost
more than the query."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from shopcare.store.sqlite.connect import batched, marks, tuples

# What a case's follow-up clocks are worked out from; see open_case_clocks in store/api.py.
_CASE_CLOCKS = (
    "SELECT c.id, c.status, c.awaiting_reply_since, c.received_at, c.paused_seconds, c.mall,"
    " c.priority, c.summary, cu.name, c.channel, c.category, c.last_message,"
    " c.undelivered_at FROM cases c"
    " LEFT JOIN customers cu ON cu.id = c.customer_id"
    " WHERE c.status IN ({statuses})"
    # the status index's own order (no sort on SQLite), so that both databases list the items
    # falling due at one moment alike
    " ORDER BY c.status, c.received_at, c.id"
)

# Orders whose aftercare may be due: none to a customer with an open case, on this order or on
# any (the customer is the e-mail address); each is one look-up in an index of cases.
# (the open statuses named, not "!= 'closed'": PostgreSQL then reads the few open cases by the
# status index, where it scanned every case twice for each step, 3 ms a query)
_AFTERCARE = (
    "SELECT o.id, o.number, o.delivered_at, o.shipped_at, o.customer_name, o.status"
    " FROM orders o WHERE {range}{more} AND NOT EXISTS (SELECT 1 FROM cases c"
    " WHERE c.order_number = o.number AND c.status IN ('new', 'open', 'waiting', 'resolved'))"
    " AND NOT EXISTS (SELECT 1 FROM cases c"
    " WHERE c.customer_id = o.customer_id AND c.status IN ('new', 'open', 'waiting', 'resolved'))"
)
_DELIVERED = "o.delivered_at IS NOT NULL AND o.delivered_at BETWEEN ? AND ?"
_SHIPPED = "o.delivered_at IS NULL AND o.shipped_at BETWEEN ? AND ?"

_MARKS = "SELECT fid, done_at, snoozed_until FROM followup_state"


class FollowupsQueries:
    """Mixed into SqliteStore; see store/api.py for what each method promises."""

    conn: sqlite3.Connection

    # what the follow-up list is worked out from

    def open_case_clocks(self, statuses: Sequence[str]) -> Iterator[tuple]:
        statuses = list(statuses)
        return tuples(self.conn, _CASE_CLOCKS.format(statuses=marks(statuses)), statuses)

    def promises_on_open_cases(self, due_by: str) -> Iterator[tuple]:
        # found from the open cases (the status index): the years of promises on closed cases
        # are never read
        return tuples(
            self.conn,
            "SELECT e.id, e.case_id, e.due_at, e.text, cu.name FROM cases c"
            " JOIN events e ON e.case_id = c.id AND e.kind = 'promise'"
            " LEFT JOIN customers cu ON cu.id = c.customer_id"
            " WHERE c.status IN ('new', 'open', 'waiting', 'resolved') AND e.due_at <= ?",
            [due_by],
        )

    def resolved_cases(self, resolved_by: str) -> Iterator[tuple]:
        return tuples(
            self.conn,
            "SELECT c.id, c.resolved_at, c.summary, cu.name FROM cases c"
            " LEFT JOIN customers cu ON cu.id = c.customer_id"
            " WHERE c.resolved_at IS NOT NULL AND c.resolved_at <= ? AND c.status = 'resolved'",
            [resolved_by],
        )

    def aftercare_orders(
        self,
        delivered: tuple[str, str],
        shipped: tuple[str, str],
        *,
        marketing_only: bool = False,
        order_id: int | None = None,
    ) -> Iterator[tuple]:
        more = " AND o.accepts_marketing = 1" if marketing_only else ""
        params: list = []
        if order_id is not None:
            more += " AND o.id = ?"
        # one statement, each range on its own index (an OR would not use both)
        sql = " UNION ALL ".join(
            _AFTERCARE.format(range=where, more=more) for where in (_DELIVERED, _SHIPPED)
        )
        for low, high in (delivered, shipped):
            params += [low, high] if order_id is None else [low, high, order_id]
        return tuples(self.conn, sql, params)

    def promise_case(self, event_id: int) -> tuple[int, str] | None:
        row = tuples(
            self.conn,
            "SELECT e.case_id, c.status FROM events e JOIN cases c ON c.id = e.case_id"
            " WHERE e.id = ? AND e.kind = 'promise'",
            [event_id],
        ).fetchone()
        return (row[0], row[1]) if row else None

    def order_exists(self, order_id: int) -> bool:
        return (
            tuples(self.conn, "SELECT 1 FROM orders WHERE id = ?", [order_id]).fetchone()
            is not None
        )

    # follow-up marks: done, snoozed

    def count_followup_marks(self) -> int:
        return tuples(self.conn, "SELECT count(*) FROM followup_state").fetchone()[0]

    def followup_marks(self, fids: Iterable[str] | None = None) -> Iterator[tuple]:
        if fids is None:
            yield from tuples(self.conn, _MARKS)
            return
        for chunk in batched(list(fids)):
            yield from tuples(self.conn, _MARKS + f" WHERE fid IN ({marks(chunk)})", chunk)

    def followup_done_at(self, fid: str) -> str | None:
        row = tuples(
            self.conn, "SELECT done_at FROM followup_state WHERE fid = ?", [fid]
        ).fetchone()
        return row[0] if row else None

    def mark_followup_done(
        self, fid: str, case_id: int | None, at: str, note: str | None, author: str
    ) -> None:
        self.conn.execute(
            "INSERT INTO followup_state (fid, case_id, done_at, note, author)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (fid) DO UPDATE SET case_id = excluded.case_id,"
            " done_at = excluded.done_at, note = excluded.note, author = excluded.author,"
            " snoozed_until = NULL, snoozed_at = NULL",
            [fid, case_id, at, note, author],
        )

    def snooze_followup(
        self, fid: str, case_id: int | None, until: str, at: str, author: str
    ) -> None:
        self.conn.execute(
            "INSERT INTO followup_state (fid, case_id, snoozed_until, snoozed_at, author)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (fid) DO UPDATE SET case_id = excluded.case_id,"
            " snoozed_until = excluded.snoozed_until, snoozed_at = excluded.snoozed_at,"
            " author = excluded.author, done_at = NULL, note = NULL",
            [fid, case_id, until, at, author],
        )

    # remedies

    def count_orders_of_customer(self, customer_id: int) -> int:
        return tuples(
            self.conn, "SELECT count(*) FROM orders WHERE customer_id = ?", [customer_id]
        ).fetchone()[0]

    def remedy_totals(self, case_id: int) -> tuple[int, int]:
        refunded, worth = tuples(
            self.conn,
            "SELECT coalesce(sum(CASE WHEN json_extract(data, '$.kind')"
            " IN ('refund', 'partial_refund') THEN amount END), 0),"
            " coalesce(sum(CAST(json_extract(data, '$.worth') AS NUMERIC)), 0)"
            " FROM events WHERE case_id = ? AND kind = 'remedy'",
            [case_id],
        ).fetchone()
        return int(refunded), int(worth)

    def remedy_precedents(
        self, category: str, fault: str, case_id: int, received_by: str, limit: int
    ) -> list[dict]:
        return self.conn.execute(
            "SELECT c.id AS case_id, c.received_at, json_extract(e.data, '$.kind') AS kind,"
            " e.amount FROM cases c"
            " JOIN events e ON e.case_id = c.id AND e.kind = 'remedy'"
            " WHERE c.category = ? AND c.fault = ? AND c.id != ? AND c.received_at <= ?"
            " ORDER BY c.received_at DESC, e.id DESC LIMIT ?",
            [category, fault, case_id, received_by, limit],
        ).fetchall()

    # the shop's calendar

    def imported_holidays(self) -> list[tuple[str, str]]:
        return [(day, name) for day, name in tuples(self.conn, "SELECT date, name FROM holidays")]

    def replace_holidays(
        self, years: Iterable[int], holidays: Iterable[tuple[str, str]], imported_at: str
    ) -> None:
        for year in years:
            self.conn.execute("DELETE FROM holidays WHERE date LIKE ?", [f"{year}-%"])
        self.conn.executemany(
            "INSERT INTO holidays (date, name, imported_at) VALUES (?, ?, ?)",
            [(day, name, imported_at) for day, name in holidays],
        )
