"""The PostgreSQL store (TEAM.md): a shop shared by a team, on a server. It runs the same
queries as the SQLite store (store/sqlite/*.py, in the SQL both read) through the dialect's
connection (dialect.py); what is SQLite's alone (the import's index rebuild) is left out, and
the search index's triggers are PostgreSQL's own (schema.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from shopcare.errors import ShopcareError
from shopcare.store.postgres.dialect import Connection, explained
from shopcare.store.postgres.schema import MIGRATION_TABLE, MIGRATIONS
from shopcare.store.sqlite import SHARED_QUERIES
from shopcare.store.sqlite.search_index import index_queued
from shopcare.store.tables import TABLES, key_of

_READ_CHUNK = 2000
# what a purge changes, vacuumed after it; each waits this long for a session holding it
_ERASED_TABLES = ("events", "cases", "customers", "orders", "mail", "attachments",
                  "followup_state", "search_queue", "search_terms")  # fmt: skip
_VACUUM_LOCK_WAIT_S = 5
WRITE_LOCK = 0x73686F70  # the shop's one write lock (pg_advisory_xact_lock's key: "shop")
LOCK_WAIT_S = 30  # as long as a writer waits for another, as SQLite's busy timeout


class PostgresStore(*SHARED_QUERIES):
    """The store over one psycopg connection."""

    kind = "postgres"
    keeps_report_days = False  # a report sums its cases up each time (schema.py, m011)

    def report_days(self, key: str, low: int, high: int) -> list[tuple]:
        return []

    def report_days_write(self) -> Any:
        raise NotImplementedError("PostgreSQL keeps no report summaries")

    def save_report_days(self, key: str, rows: list[tuple]) -> None:
        raise NotImplementedError("PostgreSQL keeps no report summaries")

    def __init__(self, raw: Any, connect: Callable[[], Any] | None = None) -> None:
        self.conn = Connection(raw, connect)  # the queries' (dialect.py)
        self._writing = False
        self._unguarded = False  # the timeline's guard lifted by an erasing write

    @property
    def raw(self) -> Any:
        """psycopg's own connection (a new one after a read found the old one dropped)."""
        return self.conn.raw

    @contextmanager
    def write(self) -> Iterator[None]:
        if self._writing:  # a write inside a write is part of it: one transaction
            yield
            return
        self._writing = True
        try:
            with explained(), self.raw.transaction():
                # the shop's write lock, as SQLite's BEGIN IMMEDIATE takes it: one writer at a
                # time, and what this write reads no other writer changes before it commits
                # (READ COMMITTED reads what the writers before it committed). No transaction
                # can then fail to serialize; a writer held longer than LOCK_WAIT is refused
                # in one line, and nothing is written.
                self.raw.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT_S}s'")
                try:
                    self.raw.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
                except Exception as exc:
                    _busy(exc)
                yield
                index_queued(self.conn)  # the texts its triggers queued, once there are many
        finally:
            self._writing = False

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        with explained(), self.raw.transaction():
            # every read in it sees the moment of its first, and takes no lock a writer waits on
            self.raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield

    @contextmanager
    def erasing(self) -> Iterator[None]:
        self._unguarded = False
        try:
            with self.write():
                yield
                if self._unguarded:  # back before it commits
                    with explained():
                        self.raw.execute("ALTER TABLE events ENABLE TRIGGER events_append_only")
        finally:
            self._unguarded = False

    def _unguard_timeline(self) -> None:
        """The timeline's guard lifted for the erasing write (a table's triggers are its
        owner's to switch, and the switch is part of the transaction: on any error the guard
        never went)."""
        if not self._unguarded:
            with explained():  # a role that does not own the table: one line, nothing changed
                self.raw.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
            self._unguarded = True

    def settle_erasure(self, full: bool = True) -> bool:
        """The erased rows' old versions are dead tuples until a vacuum: VACUUM FULL writes
        each table anew, without them (the server's own WAL and base backups are the
        server's matter). Only after a purge that erased something; a table another session
        holds for longer than LOCK_WAIT_S is left for the next purge (False)."""
        if not full:
            return True
        import psycopg

        try:
            with explained():
                self.raw.execute(f"SET lock_timeout = '{_VACUUM_LOCK_WAIT_S}s'")
                for table in _ERASED_TABLES:
                    self.raw.execute(f"VACUUM FULL {table}")
        except ShopcareError as exc:
            if isinstance(exc.__cause__, psycopg.errors.LockNotAvailable):
                return False
            raise
        finally:
            self.raw.execute("RESET lock_timeout")
        return True

    @contextmanager
    def _indexes_made_after(self, table: str, adding: int) -> Iterator[None]:
        yield  # SQLite's first-import index rebuild; PostgreSQL's inserts need none

    def durable_commits(self) -> None:
        """Every commit on the server is durable already (synchronous_commit, fsync)."""

    def close(self) -> None:
        self.conn.close()

    def schema_version(self) -> str:
        applied = {row["name"] for row in self.conn.execute(f"SELECT name FROM {MIGRATION_TABLE}")}
        done = [name for name, _ in MIGRATIONS if name in applied]
        return done[-1] if done else ""

    def table_counts(self) -> dict[str, int]:
        return {
            table: self.raw.execute(f"SELECT count(*) AS n FROM {_known(table)}").fetchone()["n"]
            for table in TABLES
        }

    def table_columns(self, table: str) -> list[str]:
        rows = self.raw.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
            [_known(table)],
        )
        return [row["column_name"] for row in rows]

    def table_rows(self, table: str, columns: list[str]) -> Iterator[tuple]:
        from psycopg import sql

        query = sql.SQL("SELECT {} FROM {} ORDER BY {}").format(
            sql.SQL(", ").join(map(sql.Identifier, columns)),
            sql.Identifier(_known(table)),
            sql.Identifier(key_of(table)),
        )
        from psycopg.rows import tuple_row

        with self.raw.cursor(row_factory=tuple_row) as cursor:
            cursor.execute(query)
            while rows := cursor.fetchmany(_READ_CHUNK):
                yield from rows

    def insert_rows(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        from psycopg import sql

        statement = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            sql.Identifier(_known(table)),
            sql.SQL(", ").join(map(sql.Identifier, columns)),
            sql.SQL(", ").join(sql.Placeholder() * len(columns)),
        )
        with self.raw.cursor() as cursor:
            cursor.executemany(statement, rows)

    def finish_copy(self) -> None:
        """The identity sequences moved past the ids a copy gave, so that the next row the
        server numbers does not collide with one copied; the copied texts into the index; the
        planner's statistics gathered, so that the first commands after a copy do not plan for
        empty tables (autovacuum would only catch up later)."""
        index_queued(self.conn, when_full=False)
        for table in TABLES:
            if key_of(table) != "id":
                continue
            self.raw.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
            )
        self.raw.execute("ANALYZE")


def _busy(exc: Exception) -> None:
    import psycopg

    if isinstance(exc, psycopg.errors.LockNotAvailable):
        raise ShopcareError(
            "the shop's database is busy: another operator's command has been writing for"
            f" over {LOCK_WAIT_S} s",
            "try again in a moment",
        ) from exc
    raise exc


def _known(table: str) -> str:
    if table not in TABLES:
        raise ValueError(f"not a shop table: {table!r}")
    return table
