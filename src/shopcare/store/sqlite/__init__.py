"""The SQLite store: one file per shop, WAL, a busy timeout; its queries, one module per area."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from shopcare.store.sqlite.admin import AdminQueries
from shopcare.store.sqlite.cases import CasesQueries
from shopcare.store.sqlite.connect import write_transaction
from shopcare.store.sqlite.followups import FollowupsQueries
from shopcare.store.sqlite.mail import MailQueries
from shopcare.store.sqlite.orders import OrdersQueries
from shopcare.store.sqlite.replies import RepliesQueries
from shopcare.store.sqlite.report import ReportQueries
from shopcare.store.sqlite.search import SearchQueries
from shopcare.store.sqlite.search_index import index_queued

# the queries written in the SQL both databases read: the PostgreSQL store runs them too
SHARED_QUERIES = (
    CasesQueries,
    OrdersQueries,
    FollowupsQueries,
    RepliesQueries,
    MailQueries,
    ReportQueries,
    SearchQueries,
)


class SqliteStore(*SHARED_QUERIES, AdminQueries):
    """The store over one SQLite connection (see store/api.py for what each method promises)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._writing = False

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

    def durable_commits(self) -> None:
        # WAL with synchronous NORMAL survives a crash of the program, not of the machine;
        # FULL syncs the log at each commit
        self.conn.execute("PRAGMA synchronous = FULL")

    def close(self) -> None:
        self.conn.close()
