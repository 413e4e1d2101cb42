"""The one place the database is opened: created owner-only, migrated, WAL, busy timeout."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from shopcare.errors import ShopcareError
from shopcare.home import DB_NAME, ensure_home
from shopcare.patterns import LazyPattern
from shopcare.store.sqlite.migrations import MIGRATION_SET, MIGRATIONS, apply_migrations

BUSY_TIMEOUT_MS = 5000


_names: list = [None, ()]  # the last cursor description seen, and its column names


def _dict_row(cursor: sqlite3.Cursor, row: tuple) -> dict:
    """Rows as dicts. A query's rows share one description: its names are worked out once."""
    description = cursor.description
    if description is not _names[0]:
        _names[:] = [description, tuple(col[0] for col in description)]
    return dict(zip(_names[1], row, strict=True))


def tuples(conn: sqlite3.Connection, sql: str, params: list | tuple = ()) -> sqlite3.Cursor:
    """A query's rows as plain tuples, for the hot paths: no dict built per row."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, params)


_IDENTIFIER = LazyPattern(r"^[a-z][a-z0-9_]*$")


def column_names(columns: Iterable[str]) -> list[str]:
    """Column names that go into SQL text (an insert's or an update's list): the code's own
    names, never a user's; anything but a plain lower-case identifier is refused, so that no
    value can ever be spliced into a statement by mistake (SQLite refuses an unknown column)."""
    names = list(columns)
    wrong = [name for name in names if not _IDENTIFIER.match(name)]
    if wrong:
        raise ValueError(f"not a column name: {', '.join(map(repr, wrong))}")
    return names


def assignments(changes: Iterable[str]) -> str:
    """The SET list of an UPDATE of these columns."""
    return ", ".join(f"{name} = ?" for name in column_names(changes))


def marks(values: Iterable) -> str:
    """The placeholders of an IN (...) for these values."""
    return ", ".join("?" for _ in values)


def in_group(column: str, group: str) -> tuple[str, list[str]]:
    """WHERE text and values for a category group: the code itself and every code under it
    (group.*), LIKE's own characters in the group taken literally."""
    escaped = group.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"({column} = ? OR {column} LIKE ? ESCAPE '\\')", [group, escaped + ".%"]


BATCH = 500  # values in one IN (...): well under SQLite's limit on parameters


def batched(values: list, size: int = BATCH):
    """values in lists of at most size, for IN (...) queries."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write, with the reads that lead to it: BEGIN IMMEDIATE takes the write lock before
    the first read, so that two commands changing one case cannot both act on what they read
    before the other wrote. Committed at the end, rolled back on any error."""
    conn.execute("BEGIN IMMEDIATE")
    with committed(conn):
        yield conn


@contextmanager
def committed(conn: sqlite3.Connection) -> Iterator[None]:
    """The transaction begun on conn, committed at the end, rolled back on any error."""
    try:
        yield
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def writable(path: Path) -> bool:
    """Whether this process may write the database and its folder (its journal lives there)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating, 0600) and migrate the database at path."""
    if not path.exists():
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            pass
        except OSError as exc:
            raise ShopcareError(
                f"cannot create the database {path}: {exc.strerror}",
                "give a folder you can write with --home or SHOPCARE_HOME",
            ) from None
    read_only = not writable(path)
    try:
        if read_only:  # a backup, a read-only mount: it can still be read
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
            )
        else:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.row_factory = _dict_row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if read_only:
            conn.execute("PRAGMA query_only = ON")
        elif conn.execute("PRAGMA journal_mode").fetchone()["journal_mode"] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(
            "PRAGMA synchronous = NORMAL"
        )  # with WAL: a power cut may undo the last commit, never corrupt
        conn.execute("PRAGMA foreign_keys = ON")
        # what is deleted or replaced is overwritten with zeros, not left in free space: a
        # customer's old words must not outlive their rows (Debian builds SQLite so; not all do)
        conn.execute("PRAGMA secure_delete = ON")
        if _pending(conn):
            if read_only:
                raise ShopcareError(
                    f"the database {path} is read-only, and it was made by an older shopcare:"
                    " it must be upgraded before it can be read",
                    "run a command once with write access to it (as its owner), then read it",
                )
            _migrate(conn)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise ShopcareError(
                f"the database {path} is busy: another shopcare is writing to it",
                "try again in a moment",
            ) from None
        if "readonly" in str(exc) or "read-only" in str(exc):
            raise ShopcareError(
                f"the database {path} is read-only, and it needs an upgrade this command"
                " cannot write",
                "run the command once as the database's owner",
            ) from None
        raise ShopcareError(
            f"cannot open the database {path}: {exc}",
            "is this a shopcare home? check --home or SHOPCARE_HOME",
        ) from None
    except sqlite3.DatabaseError as exc:
        raise ShopcareError(
            f"cannot open the database {path}: {exc}",
            "is this a shopcare home? check --home or SHOPCARE_HOME",
        ) from None
    return conn


def _migrate(conn: sqlite3.Connection) -> None:
    """Apply the pending migrations under an exclusive lock, once: a second process opening
    the same older home at the same moment waits, then finds nothing left to do."""
    conn.execute("BEGIN EXCLUSIVE")
    try:
        if _pending(conn):
            apply_migrations(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise


def _pending(conn: sqlite3.Connection) -> bool:
    """True when a migration is missing; one indexed query, no sqlite-utils import."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()
    if not exists:
        return True
    applied = {
        row["name"]
        for row in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
        )
    }
    return any(name not in applied for name, _ in MIGRATIONS)


@contextmanager
def open_db(home: Path, path: Path | None = None) -> Iterator[sqlite3.Connection]:
    """The home's database (or the SQLite file at path), open for the length of one command."""
    ensure_home(home)
    conn = connect(path or home / DB_NAME)
    try:
        yield conn
    finally:
        conn.close()
