"""SQLite: what `db info` and `db copy` ask of a database: its version, its tables' counts and
rows, and rows written as they are (ids and all)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from shopcare.store.sqlite.connect import column_names, tuples
from shopcare.store.sqlite.migrations import MIGRATION_SET, MIGRATIONS
from shopcare.store.sqlite.search_index import index_queued
from shopcare.store.tables import TABLES, key_of


class AdminQueries:
    """Mixed into SqliteStore; see store/api.py for what each method promises."""

    conn: sqlite3.Connection
    kind = "sqlite"

    def schema_version(self) -> str:
        applied = {
            name
            for (name,) in tuples(
                self.conn,
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
                [MIGRATION_SET],
            )
        }
        done = [name for name, _ in MIGRATIONS if name in applied]
        return done[-1] if done else ""

    def table_counts(self) -> dict[str, int]:
        return {
            table: tuples(self.conn, f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in TABLES
        }

    def table_columns(self, table: str) -> list[str]:
        return [row[1] for row in tuples(self.conn, f"PRAGMA table_info({_known(table)})")]

    def table_rows(self, table: str, columns: list[str]) -> Iterator[tuple]:
        names = ", ".join(column_names(columns))
        yield from tuples(
            self.conn, f"SELECT {names} FROM {_known(table)} ORDER BY {key_of(table)}"
        )

    def insert_rows(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        names = ", ".join(column_names(columns))
        marks = ", ".join("?" for _ in columns)
        self.conn.executemany(f"INSERT INTO {_known(table)} ({names}) VALUES ({marks})", rows)

    def backup_into(self, target: Path) -> list[str]:
        from shopcare.store.sqlite.backup import copy_database

        return copy_database(self.conn, target)

    def finish_copy(self) -> None:
        index_queued(self.conn, when_full=False)  # the copied texts, into the search index


def _known(table: str) -> str:
    if table not in TABLES:
        raise ValueError(f"not a shop table: {table!r}")
    return table
