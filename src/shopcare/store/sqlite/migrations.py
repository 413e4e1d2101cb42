"""Schema migrations, applied in order by sqlite-utils' Migrations.

Released migrations are never edited: a change to the schema is a new function
at the end of MIGRATIONS. The events table is append-only, enforced by triggers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

MIGRATION_SET = "shopcare"


def _run(db: Database, statements: list[str]) -> None:
    """Run statements one by one: executescript would commit the migration's transaction."""
    for statement in statements:
        db.execute(statement)


def m001_cases(db: Database) -> None:
    _run(
        db,
        [
            """CREATE TABLE customers (
                id INTEGER PRIMARY KEY,
                email TEXT,
                name TEXT,
                created_at TEXT NOT NULL
            )""",
            "CREATE UNIQUE INDEX customers_email ON customers (email) WHERE email IS NOT NULL",
            """CREATE TABLE cases (
                id INTEGER PRIMARY KEY,
                received_at TEXT NOT NULL,
                channel TEXT NOT NULL,
                mall TEXT,
                order_number TEXT,
                customer_id INTEGER REFERENCES customers (id),
                category TEXT NOT NULL,
                priority TEXT NOT NULL,
                status TEXT NOT NULL,
                assignee TEXT,
                summary TEXT NOT NULL,
                request TEXT,
                fault TEXT NOT NULL,
                cause TEXT,
                prevention TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                closed_at TEXT
            )""",
            "CREATE INDEX cases_status ON cases (status, received_at)",
            "CREATE INDEX cases_received ON cases (received_at)",
            "CREATE INDEX cases_order ON cases (order_number)",
            "CREATE INDEX cases_customer ON cases (customer_id)",
            "CREATE INDEX cases_category ON cases (category)",
            """CREATE TABLE events (
                id INTEGER PRIMARY KEY,
                case_id INTEGER NOT NULL REFERENCES cases (id),
                at TEXT NOT NULL,
                kind TEXT NOT NULL,
                author TEXT NOT NULL,
                text TEXT,
                note_kind TEXT,
                due_at TEXT,
                amount INTEGER,
                data TEXT
            )""",
            "CREATE INDEX events_case ON events (case_id, at)",
            """CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the case timeline is append-only'); END""",
            """CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the case timeline is append-only'); END""",
        ],
    )


def m002_orders(db: Database) -> None:
    _run(
        db,
        [
            """CREATE TABLE orders (
                id INTEGER PRIMARY KEY,
                mall TEXT NOT NULL,
                number TEXT NOT NULL,
                customer_id INTEGER REFERENCES customers (id),
                customer_name TEXT,
                customer_email TEXT,
                ordered_at TEXT,
                paid_at TEXT,
                shipped_at TEXT,
                delivered_at TEXT,
                total NUMERIC,
                currency TEXT,
                status TEXT,
                tracking_number TEXT,
                carrier TEXT,
                accepts_marketing INTEGER,
                imported_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            "CREATE UNIQUE INDEX orders_mall_number ON orders (mall, number)",
            "CREATE INDEX orders_number ON orders (number)",
            "CREATE INDEX orders_customer ON orders (customer_id, ordered_at)",
            """CREATE TABLE order_items (
                id INTEGER PRIMARY KEY,
                order_id INTEGER NOT NULL REFERENCES orders (id),
                name TEXT NOT NULL,
                sku TEXT,
                quantity INTEGER NOT NULL,
                price NUMERIC
            )""",
            "CREATE INDEX order_items_order ON order_items (order_id)",
        ],
    )


def m003_followups(db: Database) -> None:
    """The calendar's imported holidays, follow-up state, and the clock columns on cases that
    let the follow-up list be computed from indexes (backfilled from the timeline)."""
    _run(
        db,
        [
            "CREATE TABLE holidays (date TEXT PRIMARY KEY, name TEXT NOT NULL, imported_at TEXT NOT NULL)",
            """CREATE TABLE followup_state (
                fid TEXT PRIMARY KEY,
                case_id INTEGER REFERENCES cases (id),
                done_at TEXT,
                note TEXT,
                snoozed_until TEXT,
                snoozed_at TEXT,
                author TEXT NOT NULL
            )""",
            "CREATE INDEX followup_state_case ON followup_state (case_id)",
            "ALTER TABLE cases ADD COLUMN awaiting_reply_since TEXT",
            "ALTER TABLE cases ADD COLUMN last_customer_at TEXT",
            "ALTER TABLE cases ADD COLUMN paused_since TEXT",
            "ALTER TABLE cases ADD COLUMN paused_seconds INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE cases ADD COLUMN resolved_at TEXT",
            # the first customer message after the last reply (the case's own, or a later one)
            """UPDATE cases SET
                last_customer_at = (SELECT max(at) FROM events e
                    WHERE e.case_id = cases.id AND e.kind IN ('created', 'message')),
                awaiting_reply_since = (SELECT min(at) FROM events e
                    WHERE e.case_id = cases.id AND e.kind IN ('created', 'message')
                    AND e.at > coalesce((SELECT max(at) FROM events r
                        WHERE r.case_id = cases.id AND r.kind = 'reply_sent'), '')),
                resolved_at = CASE WHEN status = 'resolved' THEN (SELECT max(at) FROM events e
                    WHERE e.case_id = cases.id AND e.kind = 'status'
                    AND json_extract(e.data, '$.to') = 'resolved') END,
                paused_since = CASE WHEN status = 'waiting' THEN (SELECT max(at) FROM events e
                    WHERE e.case_id = cases.id AND e.kind = 'status'
                    AND json_extract(e.data, '$.to') = 'waiting') END""",
            """CREATE INDEX cases_awaiting_reply ON cases (awaiting_reply_since)
                WHERE awaiting_reply_since IS NOT NULL""",
            "CREATE INDEX cases_resolved ON cases (resolved_at) WHERE resolved_at IS NOT NULL",
            "CREATE INDEX orders_delivered ON orders (delivered_at) WHERE delivered_at IS NOT NULL",
            "CREATE INDEX orders_shipped ON orders (shipped_at) WHERE shipped_at IS NOT NULL",
        ],
    )


def m004_one_pass_over_open_cases(db: Database) -> None:
    """The follow-up list reads both clocks of the open cases in one pass over the status
    index: the index of cases awaiting a reply is read by nothing any more."""
    _run(db, ["DROP INDEX cases_awaiting_reply"])


def m005_promises_by_case(db: Database) -> None:
    """Promises are found from the open cases: an index of the promises alone, by case and due
    date, so that finding them does not read every other event of every open case."""
    _run(
        db,
        [
            "CREATE INDEX events_promise ON events (case_id, due_at) WHERE kind = 'promise'",
        ],
    )


def m006_one_schema_for_every_home(db: Database) -> None:
    """Every older home brought to exactly today's schema, and two holes closed.

    - Indexes that released versions of m002 and m003 made and later versions did not
      (orders_email, events_promise_due) are dropped: a home is the same whichever commit
      made it.
    - The timeline refuses INSERT OR REPLACE of an event that exists: a REPLACE deletes the
      old row without firing delete triggers (SQLite fires them only with recursive triggers
      on), so it is refused before it can.
    - paused_seconds, which m003 backfilled from the current wait alone, is worked out again
      from every wait on the timeline (each status change out of waiting ends the wait the
      last change into it began): a case that waited three days and was answered again had
      its resolution due three days early. The code keeps the same sum as it goes, so a
      home made after m003 gets the figures it has.
    """
    _run(
        db,
        [
            "DROP INDEX IF EXISTS orders_email",
            "DROP INDEX IF EXISTS events_promise_due",
            """CREATE TRIGGER events_append_only_replace BEFORE INSERT ON events
            WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM events WHERE id = NEW.id)
            BEGIN SELECT RAISE(ABORT, 'the case timeline is append-only'); END""",
            """UPDATE cases SET paused_seconds = coalesce((
                SELECT sum(CAST(round((julianday(e.at) - julianday((
                    SELECT w.at FROM events w
                    WHERE w.case_id = e.case_id AND w.kind = 'status' AND w.id < e.id
                    AND json_extract(w.data, '$.to') = 'waiting'
                    ORDER BY w.id DESC LIMIT 1))) * 86400) AS INTEGER))
                FROM events e
                WHERE e.case_id = cases.id AND e.kind = 'status'
                AND json_extract(e.data, '$.from') = 'waiting'), 0)
            WHERE id IN (SELECT case_id FROM events WHERE kind = 'status'
                AND json_extract(data, '$.from') = 'waiting')""",
        ],
    )


def m007_latest_message_and_language(db: Database) -> None:
    """The customer's latest words on the case itself, so that the follow-up list says what a
    reply owed answers without reading the timeline; and each customer's language, for the
    replies written to them."""
    _run(
        db,
        [
            "ALTER TABLE cases ADD COLUMN last_message TEXT",
            """UPDATE cases SET last_message = (SELECT e.text FROM events e
                WHERE e.case_id = cases.id AND e.kind = 'message'
                ORDER BY e.at DESC, e.id DESC LIMIT 1)
            WHERE id IN (SELECT case_id FROM events WHERE kind = 'message')""",
            "ALTER TABLE customers ADD COLUMN lang TEXT",
        ],
    )


def m008_mail(db: Database) -> None:
    """Mail in and out: every message taken or sent, kept whole (its text parts with card
    numbers masked) under its Message-ID, which is unique, so that a second delivery changes
    nothing; the files attached to it, by content hash (the bytes live in HOME/attachments);
    and, on the case, when a reply of ours bounced, until the next one is sent."""
    _run(
        db,
        [
            """CREATE TABLE mail (
                id INTEGER PRIMARY KEY,
                message_id TEXT NOT NULL UNIQUE,
                direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
                case_id INTEGER REFERENCES cases (id),
                event_id INTEGER REFERENCES events (id),
                action TEXT NOT NULL,
                at TEXT NOT NULL,
                sender TEXT,
                subject TEXT,
                refs TEXT,
                raw BLOB NOT NULL,
                undelivered_at TEXT
            )""",
            "CREATE INDEX mail_case ON mail (case_id, direction, at)",
            "CREATE INDEX mail_event ON mail (event_id)",
            """CREATE TABLE attachments (
                id INTEGER PRIMARY KEY,
                mail_id INTEGER NOT NULL REFERENCES mail (id),
                name TEXT NOT NULL,
                content_type TEXT NOT NULL,
                size INTEGER NOT NULL,
                sha256 TEXT NOT NULL
            )""",
            "CREATE INDEX attachments_mail ON attachments (mail_id)",
            "ALTER TABLE cases ADD COLUMN undelivered_at TEXT",
        ],
    )


MIGRATIONS: list[tuple[str, Callable[[Database], None]]] = [
    ("m001_cases", m001_cases),
    ("m002_orders", m002_orders),
    ("m003_followups", m003_followups),
    ("m004_one_pass_over_open_cases", m004_one_pass_over_open_cases),
    ("m005_promises_by_case", m005_promises_by_case),
    ("m006_one_schema_for_every_home", m006_one_schema_for_every_home),
    ("m007_latest_message_and_language", m007_latest_message_and_language),
    ("m008_mail", m008_mail),
]


def build_migrations():
    """The sqlite-utils Migrations object for MIGRATIONS."""
    from sqlite_utils import Migrations

    migrations = Migrations(MIGRATION_SET)
    for name, fn in MIGRATIONS:
        migrations(name=name)(fn)
    return migrations


def apply_migrations(conn: sqlite3.Connection, stop_before: str | None = None) -> None:
    from sqlite_utils import Database

    factory, conn.row_factory = conn.row_factory, None  # sqlite-utils reads rows as tuples
    try:
        db = Database(conn, execute_plugins=False)
        build_migrations().apply(db, stop_before=stop_before)
    finally:
        conn.row_factory = factory
