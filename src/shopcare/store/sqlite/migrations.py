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


# --- m009: the full-text index ---------------------------------------------------------------
# search_terms is an inverted index: a row (term, entry) for each term of each text a search
# reads. entry names the case and the kind of text: (case id << 3) | kind (domain/search.py
# FIELDS: 0 summary, 1 request, 2 messages, 3 notes, 4 customer name, 5 e-mail, 6 order
# number, 7 the items of the orders it names), so that every row leads to its case with no
# look-up; a case's messages share one entry (the timeline only grows), as do its items. A
# term is a pair of neighbouring characters of the text's index form, a word's last character
# alone, or a run of four ASCII letters and digits (store/sqlite/search_index.py term_of).
#
# The triggers below are plain SQL and only write down what changed, in the same transaction:
# each text to enter (or, with remove, to take out: its old value) goes into search_queue, or
# a mark (an entry with no text) whose texts are read as they are when the queue is emptied: a
# new case's, and the items of the orders a case names (an import adds an order's items after
# the order; there is no trigger on adding an item, which cost an import 13% however little it
# did). shopcare splits the queued texts into terms (domain/search.py, in Python): a search
# reads the queue as it is, and a write of shopcare's empties it into the index once it holds
# QUEUE_LIMIT texts. No function of shopcare's is needed in the database: any client can
# write to it, and nothing is missed. (A plain table rather than FTS5: a virtual table is
# dumped, by Python's iterdump, as a write to sqlite_master, and FTS5 reads its own tables
# whole: tests/fuzzing.py and tests/test_query_plans.py hold both against any table.)


def _m009_enter(entry: str, text: str, rows: str = "", remove: bool = False) -> str:
    """The statement that queues text to be entered under entry (remove: its terms taken out),
    for each row of rows (FROM ... [WHERE ...]) that has a text."""
    kept = f"{text} <> ''"
    rows = f"{rows} AND {kept}" if " WHERE " in f" {rows}" else f"{rows} WHERE {kept}"
    return (
        f"INSERT INTO search_queue (entry, text, remove) SELECT {entry}, {text}, {int(remove)}"
        f" {rows.strip()}"
    )


def _m009_entry(case: str, kind: int | str) -> str:
    return f"(({case}) << 3) | {kind}"


def _m009_names(order: str, case: str = "c") -> str:
    """How a case names an order: by its number, in its mall unless the case gives none."""
    return (
        f"{case}.order_number = {order}.number"
        f" AND ({case}.mall IS NULL OR {case}.mall = {order}.mall)"
    )


_M009_OWN = {"summary": 0, "request": 1, "order_number": 6}  # a case's own texts, and kinds
_M009_EVENT_KIND = "CASE {e}.kind WHEN 'message' THEN 2 ELSE 3 END"


def _m009_customer(case: str, rows: str, remove: bool = False) -> list[str]:
    """A customer's (cu) name and address, for each row of rows, under the case expression."""
    return [
        _m009_enter(_m009_entry(case, 4), "cu.name", rows, remove),
        _m009_enter(_m009_entry(case, 5), "cu.email", rows, remove),
    ]


def _m009_again(cases: str, kinds: tuple[int, ...] = (7,)) -> str:
    """The marks that have these kinds of text of each case c of cases (FROM cases c ...)
    entered when the queue is emptied, as they are then (by default: the items of the orders
    the case names)."""
    kind = " UNION ALL ".join(f"SELECT {kind} AS kind" for kind in kinds)
    return (
        f"INSERT INTO search_queue (entry, text, remove) SELECT {_m009_entry('c.id', 'k.kind')},"
        f" '', 0 {cases.replace('FROM cases c', f'FROM cases c, ({kind}) k', 1)}"
    )


def _m009_trigger(name: str, when: str, statements: list[str]) -> str:
    body = "".join(f"\n    {statement};" for statement in statements)
    return f"CREATE TRIGGER {name} {when}\nBEGIN{body}\nEND"


def search_trigger_parts() -> list[tuple[str, str, list[str]]]:
    """The search index's triggers as (name, when, statements): SQLite's m009 makes them
    triggers in its own SQL; PostgreSQL's schema makes the same statements trigger functions."""
    naming = "FROM orders o JOIN cases c ON {names} WHERE o.id = {order}"
    of_old_item = naming.format(names=_m009_names("o"), order="OLD.order_id")
    of_new_item = naming.format(names=_m009_names("o"), order="NEW.order_id")
    return [
        (
            "search_cases_insert",
            "AFTER INSERT ON cases",
            # marks: a new case's texts are read when the queue is emptied (one short
            # statement here costs a mail taken in less than one for each text)
            [_m009_again("FROM cases c WHERE c.id = NEW.id", (0, 1, 4, 5, 6, 7))],
        ),
        *(
            (
                f"search_cases_{column}",
                f"AFTER UPDATE OF {column} ON cases WHEN OLD.{column} IS NOT NEW.{column}",
                [
                    _m009_enter(_m009_entry("OLD.id", kind), f"OLD.{column}", remove=True),
                    _m009_enter(_m009_entry("NEW.id", kind), f"NEW.{column}"),
                ],
            )
            for column, kind in _M009_OWN.items()
        ),
        # the orders a case names (by number and mall): the items of those it named leave it,
        # those it names now are entered
        (
            "search_cases_order",
            "AFTER UPDATE OF order_number, mall ON cases"
            " WHEN OLD.order_number IS NOT NEW.order_number OR OLD.mall IS NOT NEW.mall",
            [
                _m009_enter(
                    _m009_entry("OLD.id", 7),
                    "i.name",
                    "FROM orders o JOIN order_items i ON i.order_id = o.id"
                    f" WHERE {_m009_names('o', case='OLD')}",
                    remove=True,
                ),
                _m009_again("FROM cases c WHERE c.id = NEW.id"),
            ],
        ),
        (
            "search_cases_customer",
            "AFTER UPDATE OF customer_id ON cases WHEN OLD.customer_id IS NOT NEW.customer_id",
            [
                *_m009_customer(
                    "OLD.id", "FROM customers cu WHERE cu.id = OLD.customer_id", remove=True
                ),
                *_m009_customer("NEW.id", "FROM customers cu WHERE cu.id = NEW.customer_id"),
            ],
        ),
        *(
            (
                f"search_customers_{column}",
                f"AFTER UPDATE OF {column} ON customers WHEN OLD.{column} IS NOT NEW.{column}",
                [
                    _m009_enter(
                        _m009_entry("c.id", kind),
                        f"OLD.{column}",
                        "FROM cases c WHERE c.customer_id = OLD.id",
                        remove=True,
                    ),
                    _m009_enter(
                        _m009_entry("c.id", kind),
                        f"NEW.{column}",
                        "FROM cases c WHERE c.customer_id = NEW.id",
                    ),
                ],
            )
            for column, kind in (("name", 4), ("email", 5))
        ),
        # the customer's messages and the shop's notes (a status change is no text to find)
        (
            "search_events_insert",
            "AFTER INSERT ON events WHEN NEW.kind IN ('message', 'note')",
            [_m009_enter(_m009_entry("NEW.case_id", _M009_EVENT_KIND.format(e="NEW")), "NEW.text")],
        ),
        # an order imported (or changed: an import that changes its items changes it first)
        # after a case named it: its items are entered once they are there
        (
            "search_orders_insert",
            f"AFTER INSERT ON orders WHEN EXISTS (SELECT 1 FROM cases c WHERE {_m009_names('NEW')})",
            [_m009_again(f"FROM cases c WHERE {_m009_names('NEW')}")],
        ),
        (
            "search_orders_update",
            "AFTER UPDATE ON orders WHEN EXISTS (SELECT 1 FROM cases c"
            f" WHERE {_m009_names('OLD')} OR {_m009_names('NEW')})",
            [
                _m009_enter(
                    _m009_entry("c.id", 7),
                    "i.name",
                    f"FROM order_items i JOIN cases c ON {_m009_names('OLD')}"
                    " WHERE i.order_id = OLD.id",
                    remove=True,
                ),
                _m009_again(f"FROM cases c WHERE {_m009_names('OLD')} OR {_m009_names('NEW')}"),
            ],
        ),
        # an item gone or changed: its name leaves the cases that name its order, whose items
        # are entered again
        *(
            (
                f"search_items_{what}",
                f"AFTER {event} ON order_items WHEN EXISTS (SELECT 1 {of_old_item})",
                [
                    _m009_enter(_m009_entry("c.id", 7), "OLD.name", of_old_item, remove=True),
                    _m009_again(f"FROM cases c WHERE c.id IN (SELECT c.id {of_old_item})"),
                ],
            )
            for what, event in (("delete", "DELETE"), ("update", "UPDATE OF name, order_id"))
        ),
        (
            "search_items_moved",
            "AFTER UPDATE OF order_id ON order_items WHEN OLD.order_id IS NOT NEW.order_id"
            f" AND EXISTS (SELECT 1 {of_new_item})",
            [_m009_again(f"FROM cases c WHERE c.id IN (SELECT c.id {of_new_item})")],
        ),
    ]


def _m009_triggers() -> list[str]:
    return [_m009_trigger(*parts) for parts in search_trigger_parts()]


def m009_search(db: Database) -> None:
    """Full-text search over every case's summary and request, its customer's messages and the
    shop's notes, the customer's name and address, the order number and the order's items, in
    Japanese at any length: an index of each text's bigrams (two-character words such as 返品
    are found, which FTS5's trigram tokenizer cannot), kept current through triggers in plain
    SQL, and filled for the texts already stored (an older home is searched at once). The block
    comment above gives its shape."""
    from shopcare.store.sqlite.search_index import fill_index

    _run(
        db,
        [
            """CREATE TABLE search_terms (
                term INTEGER NOT NULL,
                entry INTEGER NOT NULL,
                PRIMARY KEY (term, entry)
            ) WITHOUT ROWID""",
            """CREATE TABLE search_queue (
                id INTEGER PRIMARY KEY,
                entry INTEGER NOT NULL,
                text TEXT NOT NULL,
                remove INTEGER NOT NULL DEFAULT 0
            )""",
            *_m009_triggers(),
        ],
    )
    fill_index(db.conn)


# The report's times, worked out from the timeline of a home made before m010 (bench/report.py
# fills a generated home with them too).
REPORT_TIMES_BACKFILL = [
    # the first reply: marked sent, or a reply owed marked done (answered by phone)
    """UPDATE cases SET first_reply_at = (SELECT min(e.at) FROM events e
        WHERE e.case_id = cases.id AND (e.kind = 'reply_sent' OR e.kind = 'followup_done'
            AND json_extract(e.data, '$.fid') = 'r' || cases.id))
    WHERE id IN (SELECT case_id FROM events WHERE kind IN ('reply_sent', 'followup_done'))""",
    # the first resolution: moved to resolved, or closed
    """UPDATE cases SET first_resolved_at = (SELECT min(e.at) FROM events e
        WHERE e.case_id = cases.id AND (e.kind = 'closed' OR e.kind = 'status'
            AND json_extract(e.data, '$.to') = 'resolved')),
        customer_reopened = (SELECT count(*) FROM events e
            WHERE e.case_id = cases.id AND e.kind = 'status'
            AND json_extract(e.data, '$.from') IN ('resolved', 'closed')
            AND e.text = 'the customer wrote again'),
        last_reopened_at = (SELECT max(e.at) FROM events e
            WHERE e.case_id = cases.id AND e.kind = 'status'
            AND json_extract(e.data, '$.from') IN ('resolved', 'closed')
            AND json_extract(e.data, '$.to') IN ('new', 'open', 'waiting'))
    WHERE id IN (SELECT case_id FROM events WHERE kind IN ('status', 'closed'))""",
]


def m010_report_times(db: Database) -> None:
    """The report's figures without replaying timelines: on each case, when the shop first
    replied (a reply marked sent, or a reply owed marked done), when it was first resolved
    (resolved or closed), how often the customer's message opened it again after that, and
    when it was last opened again by anyone; filled from the timeline for existing cases.
    Indexes for the report's periods: cases by those times, and the few kinds of event a
    report reads by date (remedies, customer messages, satisfaction checks sent)."""
    _run(
        db,
        [
            "ALTER TABLE cases ADD COLUMN first_reply_at TEXT",
            "ALTER TABLE cases ADD COLUMN first_resolved_at TEXT",
            "ALTER TABLE cases ADD COLUMN customer_reopened INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE cases ADD COLUMN last_reopened_at TEXT",
            *REPORT_TIMES_BACKFILL,
            # with received_at: a period's cases received before it are found in the index
            """CREATE INDEX cases_first_reply ON cases (first_reply_at, received_at)
                WHERE first_reply_at IS NOT NULL""",
            """CREATE INDEX cases_first_resolved ON cases (first_resolved_at, received_at)
                WHERE first_resolved_at IS NOT NULL""",
            """CREATE INDEX cases_reopened ON cases (last_reopened_at)
                WHERE last_reopened_at IS NOT NULL""",
            "CREATE INDEX events_remedy ON events (at) WHERE kind = 'remedy'",
            "CREATE INDEX events_message ON events (at) WHERE kind = 'message'",
            """CREATE INDEX events_satisfaction ON events (at) WHERE kind = 'reply_sent'
                AND json_extract(data, '$.template') = 'satisfaction_check'""",
        ],
    )


# The times on a case that place it in the report's days, and every column its figures read:
# a change to any of them drops the summaries of the days it was in and is in now.
REPORT_DAY_TIMES = ("received_at", "first_reply_at", "first_resolved_at")
REPORT_DAY_COLUMNS = (
    "id",
    *REPORT_DAY_TIMES,
    "mall",
    "priority",
    "category",
    "status",
    "paused_since",
    "paused_seconds",
    "customer_reopened",
)


def _report_day_drops(row: str) -> list[str]:
    # a local day is at most 27 hours long (Antarctica/Casey's longest; a day whose clocks go
    # back): its start is within 2 days before any moment in it, which keeps each DELETE to a
    # few rows of the key
    return [
        f"DELETE FROM report_days WHERE start > unixepoch({row}.{time}) - 172800"
        f" AND start <= unixepoch({row}.{time}) AND end > unixepoch({row}.{time});"
        for time in REPORT_DAY_TIMES
    ]


def m011_report_days(db: Database) -> None:
    """The report's figures summed up per day of the shop (reports/days.py): a year's report
    reads 365 rows, not 40,000 cases. The rows are the database's to keep right: a trigger drops
    a day's row whenever a case in it (by receipt, first reply or first resolution) is added,
    deleted or changed in a column its figures read, for the days it was in and the days it is
    in now; the next report works that day out again. report_days_key holds what the rows were
    worked out with (the SLA, the calendar, shopcare's version): any other key, and they are all
    worked out again."""
    columns = ", ".join(REPORT_DAY_COLUMNS)
    _run(
        db,
        [
            """CREATE TABLE report_days (
                start INTEGER PRIMARY KEY,
                end INTEGER NOT NULL,
                reply_seconds BLOB NOT NULL,
                reply_business BLOB NOT NULL,
                on_time INTEGER NOT NULL,
                resolve_seconds BLOB NOT NULL,
                resolve_business BLOB NOT NULL,
                resolved_cases BLOB NOT NULL,
                reopened INTEGER NOT NULL,
                received INTEGER NOT NULL,
                settled INTEGER NOT NULL,
                late INTEGER NOT NULL,
                known INTEGER NOT NULL,
                late_from BLOB NOT NULL,
                kinds TEXT NOT NULL,
                inquiries TEXT NOT NULL
            ) WITHOUT ROWID""",
            "CREATE TABLE report_days_key (key TEXT NOT NULL)",
            f"""CREATE TRIGGER report_days_case_added AFTER INSERT ON cases BEGIN
                {" ".join(_report_day_drops("NEW"))} END""",
            f"""CREATE TRIGGER report_days_case_changed AFTER UPDATE OF {columns} ON cases BEGIN
                {" ".join(_report_day_drops("OLD") + _report_day_drops("NEW"))} END""",
            f"""CREATE TRIGGER report_days_case_deleted AFTER DELETE ON cases BEGIN
                {" ".join(_report_day_drops("OLD"))} END""",
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
    ("m009_search", m009_search),
    ("m010_report_times", m010_report_times),
    ("m011_report_days", m011_report_days),
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
