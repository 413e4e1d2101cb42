"""The SQLite store: one file per shop, WAL, a busy timeout; its queries, one module per area."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

from shopcare.store.sqlite.admin import AdminQueries
from shopcare.store.sqlite.cases import CasesQueries
from shopcare.store.sqlite.connect import BUSY_TIMEOUT_MS, tuples, write_transaction
from shopcare.store.sqlite.followups import FollowupsQueries
from shopcare.store.sqlite.mail import MailQueries
from shopcare.store.sqlite.orders import OrdersQueries
from shopcare.store.sqlite.purge import PurgeQueries
from shopcare.store.sqlite.replies import RepliesQueries
from shopcare.store.sqlite.report import ReportDaysQueries, ReportQueries
from shopcare.store.sqlite.search import SearchQueries
from shopcare.store.sqlite.search_index import index_queued

_CHECKPOINT_TRIES = 50  # a reader holding an old snapshot: wait for it, up to 5 s
_CHECKPOINT_PAUSE_S = 0.1

# the queries written in the SQL both databases read: the PostgreSQL store runs them too
SHARED_QUERIES = (
    CasesQueries,
    OrdersQueries,
    FollowupsQueries,
    RepliesQueries,
    MailQueries,
    ReportQueries,
    SearchQueries,
    PurgeQueries,
)


class SqliteStore(*SHARED_QUERIES, AdminQueries, ReportDaysQueries):
    """The store over one SQLite connection (see store/api.py for what each method promises)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._writing = False
        self._guards: list[str] = []  # the timeline's guards an erasing write lifted

    @contextmanager
    def write(self) -> Iterator[None]:
        if self._writing:  # a write inside a write is part of it: one transaction, one commit
            yield
            return
        self._writing = True
        try:
            with write_transaction(self.conn):
                yield
                index_queued(self.conn)  # the texts its triggers queued, once there are many
        finally:
            self._writing = False

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        # one read transaction: in WAL its first read fixes the moment every later read sees,
        # and writers go on meanwhile (a read-only database reads the same way)
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            self.conn.rollback()

    @contextmanager
    def erasing(self) -> Iterator[None]:
        # deleted content overwritten with zeros, not only unlinked from the tree
        self.conn.execute("PRAGMA secure_delete = ON")
        self._guards = []
        try:
            with self.write():
                yield
                for sql in self._guards:  # back, as they were written, before it commits
                    self.conn.execute(sql)
        finally:
            self._guards = []

    def _unguard_timeline(self) -> None:
        """The timeline's guards lifted for the erasing write (SQLite's schema changes are
        part of the transaction: on any error the guards were never gone)."""
        if self._guards:
            return
        guards = tuples(
            self.conn,
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'"
            " AND name LIKE 'events_append_only%' ORDER BY name",
        ).fetchall()
        for name, _ in guards:
            self.conn.execute(f'DROP TRIGGER "{name}"')
        self._guards = [sql for _, sql in guards]

    def settle_erasure(self, full: bool = True) -> bool:
        # the write-ahead log's pages copied into the file and the log emptied: the old pages,
        # with the erased text, are overwritten in the file and gone from the log
        # (each try waits on a busy reader or writer a tenth of a second, not the busy timeout)
        self.conn.execute(f"PRAGMA busy_timeout = {int(_CHECKPOINT_PAUSE_S * 1000)}")
        try:
            for _ in range(_CHECKPOINT_TRIES):
                busy, _, _ = tuples(self.conn, "PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                if not busy:
                    return True
                time.sleep(_CHECKPOINT_PAUSE_S)
            return False
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def durable_commits(self) -> None:
        # WAL with synchronous NORMAL survives a crash of the program, not of the machine;
        # FULL syncs the log at each commit
        self.conn.execute("PRAGMA synchronous = FULL")

    def close(self) -> None:
        self.conn.close()
