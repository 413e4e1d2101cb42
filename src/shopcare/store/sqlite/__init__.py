"""The SQLite store: one file per shop, WAL, a busy timeout; its queries, one module per area."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from shopcare.store.sqlite.cases import CasesQueries
from shopcare.store.sqlite.connect import write_transaction
from shopcare.store.sqlite.followups import FollowupsQueries
from shopcare.store.sqlite.orders import OrdersQueries
from shopcare.store.sqlite.replies import RepliesQueries


class SqliteStore(CasesQueries, OrdersQueries, FollowupsQueries, RepliesQueries):
    """The store over one SQLite connection (see store/api.py for what each method promises)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    @contextmanager
    def write(self) -> Iterator[None]:
        with write_transaction(self.conn):
            yield

    def close(self) -> None:
        self.conn.close()
