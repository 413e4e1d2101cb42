"""SQLite files as wholes: a consistent copy of an open database (SQLite's online backup, which
copies one snapshot while other connections go on writing), a file's integrity and schema, and
a file made ready to take a database's place. What `backup` and `restore` ask of SQLite; the
naming, the keeping and the moving of files are admin/backup.py's."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from shopcare.store.sqlite.migrations import MIGRATION_SET, MIGRATIONS

MAGIC = b"SQLite format 3\x00"
KNOWN = [name for name, _ in MIGRATIONS]


def copy_database(source: sqlite3.Connection, target: Path) -> list[str]:
    """One snapshot of source written to target (an empty file, already made owner-only), as
    a database on its own (no log beside it), synced to disk; what its integrity check
    found ("ok" alone when it is sound)."""
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # every page in one step: one read transaction, one moment
        copy.execute("PRAGMA journal_mode = DELETE")
        problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
    finally:
        copy.close()
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return problems


@dataclass(frozen=True)
class FileFacts:
    """What a file offered to `restore` is."""

    integrity: list[str]  # ["ok"] when sound
    applied: list[str]  # shopcare's migrations applied to it, in order
    unknown: list[str]  # migrations this shopcare does not know: a newer shopcare made it
    cases: int

    @property
    def version(self) -> str:
        known = [name for name in KNOWN if name in self.applied]
        return known[-1] if known else ""


class NotADatabase(Exception):
    """The file is not a SQLite database, or not shopcare's; the message says which."""


def is_sqlite_file(path: Path) -> bool:
    """Whether the file begins as every SQLite database does (OSError if it cannot be read)."""
    with open(path, "rb") as raw:
        return raw.read(len(MAGIC)) == MAGIC


def count_cases(path: Path) -> int:
    """How many cases the shopcare database at path holds, read without changing it (no
    integrity check: a count must not read a large database whole); -1 where SQLite cannot
    read it as one."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    except sqlite3.DatabaseError:
        return -1
    finally:
        conn.close()


def inspect_file(path: Path) -> FileFacts:
    """A SQLite file read without changing it: its integrity and shopcare's schema in it."""
    if not is_sqlite_file(path):
        raise NotADatabase("not a SQLite database")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if "_sqlite_migrations" not in tables or "cases" not in tables:
            raise NotADatabase("a SQLite database, but not a shopcare one")
        applied = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY id",
                [MIGRATION_SET],
            )
        ]
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        (cases,) = conn.execute("SELECT count(*) FROM cases").fetchone()
    except sqlite3.DatabaseError as exc:
        raise NotADatabase(f"SQLite cannot read it: {exc}") from None
    finally:
        conn.close()
    return FileFacts(problems, applied, [n for n in applied if n not in KNOWN], cases)


def stage_file(source: Path, target: Path) -> None:
    """The database file at source, with the log beside it if there is one, copied byte for
    byte into target (an empty file, already made owner-only) and made a file on its own
    there (the log folded in): the source and its folder are only read, never written (SQLite
    would make a log and an index beside a database it opens)."""
    import shutil

    shutil.copyfile(source, target)
    log = source.with_name(source.name + "-wal")
    if log.is_file():
        copied = target.with_name(target.name + "-wal")
        os.close(os.open(copied, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        shutil.copyfile(log, copied)
    conn = sqlite3.connect(target, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.DatabaseError as exc:
        raise NotADatabase(f"SQLite cannot read it: {exc}") from None
    finally:
        conn.close()


def upgrade(path: Path) -> None:
    """A staged copy brought to this shopcare's schema (the migrations every database goes
    through when opened), then left as a file on its own again (no log beside it)."""
    from shopcare.store.sqlite.connect import connect

    connect(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()


def readable(path: Path) -> bool:
    """Whether the database at path opens and reads (and is in WAL mode after: the mode every
    shopcare database runs in, which lets a copy be read while a restore writes into it)."""
    try:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return True


def replace_contents(staged: Path, live: Path, timeout_s: float, keep_aside: Path) -> list[str]:
    """The live database's contents replaced by the staged file's in one transaction of the
    live database (SQLite's backup API writing into it), after a copy of what it held went to
    keep_aside (an empty file): the copy is made once the replacement holds the live
    database's write lock, so that no command commits between the two. Commands that have the
    live database open go on with the restored contents, none half-way. Its page size is the
    live one's first (a copy into a database in WAL mode cannot change it). What the copy
    aside's integrity check found; anything but ["ok"] and nothing was replaced."""
    target = sqlite3.connect(live, timeout=timeout_s, isolation_level=None)
    found: list[list[str]] = []

    def locked(status: int, remaining: int, total: int) -> None:
        if found:
            return
        if not remaining:  # done in one step: committed already (never, with shopcare's tables)
            found.append(["the restore was done before a copy aside could be made"])
            return
        reader = sqlite3.connect(live, timeout=timeout_s)  # reads the last commit (WAL)
        try:
            found.append(copy_database(reader, keep_aside))
        finally:
            reader.close()
        if found[0] != ["ok"]:
            raise _Abandoned

    try:
        (size,) = target.execute("PRAGMA page_size").fetchone()
        source = sqlite3.connect(staged, isolation_level=None)
        try:
            if source.execute("PRAGMA page_size").fetchone()[0] != size:
                source.execute(f"PRAGMA page_size = {int(size)}")
                source.execute("VACUUM")
            try:
                source.backup(target, pages=1, progress=locked)
            except _Abandoned:
                return found[0]
        finally:
            source.close()
    finally:
        target.close()
    return found[0] if found else ["the restore's copy aside was never made"]


class _Abandoned(Exception):
    """The copy aside failed its check: the replacement is rolled back."""
