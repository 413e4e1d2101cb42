"""PostgreSQL: the store's queries are written once, in the SQL both databases read (store/
sqlite/*.py); this module is what lets PostgreSQL run them as they are.

- Placeholders: `?` (and SQLite's numbered `?1`, `?2`) become psycopg's `%s`, with the
  numbered ones' values repeated in order; a `%` of the SQL text is doubled for psycopg.
  `?` is never inside a quoted literal of ours, and a literal is skipped all the same.
- `cursor.lastrowid`: an INSERT into a table with an id gets `RETURNING id`.
- SQLite's `CROSS JOIN ... ON` (its way to fix the join order) is PostgreSQL's `JOIN ... ON`.
- A database error is one line for the user (a ShopcareError), the server's own kept as its
  cause (SHOPCARE_DEBUG=1 shows it).
- Rows: dicts, or tuples where the caller asks for them (connect.tuples sets a cursor's
  row_factory to None, as sqlite3 takes it).
- SQLite's functions the queries use, unixepoch(text) and json_extract(text, '$.key'), are
  defined in the database by the schema (schema.py) with SQLite's meaning.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from shopcare.errors import ShopcareError

_TOKEN = re.compile(r"'(?:[^']|'')*'|\?(\d*)|%")
_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+([a-z_]+)\b", re.IGNORECASE)
_WITH_ID = frozenset(
    ("cases", "customers", "events", "orders", "order_items", "mail", "attachments")
)


@lru_cache(maxsize=512)
def translate(sql: str) -> tuple[str, tuple[int, ...] | None]:
    """The statement with psycopg's placeholders, and for numbered ones the index of the value
    each takes (None: the values in the order given)."""
    order: list[int] = []
    numbered = False

    def swap(match: re.Match) -> str:
        nonlocal numbered
        token = match.group(0)
        if token.startswith("'"):
            return token
        if token == "%":
            return "%%"
        if match.group(1):
            numbered = True
            order.append(int(match.group(1)) - 1)
        else:
            order.append(len(order))
        return "%s"

    text = _TOKEN.sub(swap, sql).replace(" CROSS JOIN ", " JOIN ")  # SQLite's order hint
    inserted = _INSERT.match(sql)
    if inserted and inserted.group(1).lower() in _WITH_ID and "RETURNING" not in sql.upper():
        text += " RETURNING id"
    return text, tuple(order) if numbered else None


def _values(params: Sequence | None, order: tuple[int, ...] | None) -> Sequence:
    if params is None:
        return ()
    if order is None:
        return params
    return [params[i] for i in order]


@contextmanager
def explained() -> Iterator[None]:
    import psycopg

    try:
        yield
    except psycopg.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        hint = None
        if isinstance(exc, psycopg.OperationalError):
            hint = "the server may have gone away: try again in a moment"
        raise ShopcareError(f"database: {first}", hint) from exc


class Cursor:
    """What the queries use of a sqlite3 cursor, over a psycopg one."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._cursor = conn.raw.cursor()
        self.row_factory: Any = "dict"  # None: tuples, as a sqlite3 cursor with no factory
        self.lastrowid: int | None = None

    def execute(self, sql: str, params: Sequence | None = None) -> Cursor:
        import psycopg
        from psycopg.rows import dict_row, tuple_row

        text, order = translate(sql)
        values = _values(params, order)
        self._cursor.row_factory = tuple_row if self.row_factory is None else dict_row
        reading = self._conn.raw.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        with explained():
            try:
                self._cursor.execute(text, values)
            except psycopg.OperationalError:
                # a read outside any write whose connection dropped (a server restarted, a
                # network blip): once more on a new connection, unseen by the user. Inside a
                # write the whole write fails instead, in one line, and nothing is written.
                if not (reading and self._conn.raw.broken and self._conn.reconnect()):
                    raise
                self._cursor = self._conn.raw.cursor()
                self._cursor.row_factory = tuple_row if self.row_factory is None else dict_row
                self._cursor.execute(text, values)
        self.lastrowid = None
        if text.endswith(" RETURNING id"):
            row = self._cursor.fetchone()
            self.lastrowid = row[0] if self.row_factory is None else row["id"]
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence]) -> Cursor:
        text, order = translate(sql)
        if text.endswith(" RETURNING id"):
            text = text.removesuffix(" RETURNING id")
        with explained():
            self._cursor.executemany(text, [_values(row, order) for row in rows])
        return self

    def fetchone(self) -> Any:
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list:
        return self._cursor.fetchall() if self._cursor.description else []

    def fetchmany(self, size: int) -> list:
        return self._cursor.fetchmany(size) if self._cursor.description else []

    def __iter__(self) -> Iterator:
        return iter(self._cursor) if self._cursor.description else iter(())

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount


class Connection:
    """What the queries use of a sqlite3 connection, over a psycopg one (autocommit; the store's
    write() is the transaction). connect, if given, makes a new psycopg connection: a read
    whose connection dropped is tried once more on it."""

    def __init__(self, conn: Any, connect: Callable[[], Any] | None = None) -> None:
        self.raw = conn
        self._connect = connect

    def reconnect(self) -> bool:
        if self._connect is None:
            return False
        try:
            self.raw.close()
            self.raw = self._connect()
        except Exception:  # noqa: BLE001 - the server is still away: the read's own error shows
            return False
        return True

    def cursor(self) -> Cursor:
        return Cursor(self)

    def execute(self, sql: str, params: Sequence | None = None) -> Cursor:
        return Cursor(self).execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence]) -> Cursor:
        return Cursor(self).executemany(sql, rows)

    def close(self) -> None:
        self.raw.close()
