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


MIGRATIONS: list[tuple[str, Callable[[Database], None]]] = [
    ("m001_cases", m001_cases),
    ("m002_orders", m002_orders),
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
