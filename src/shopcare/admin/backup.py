"""`shopcare backup` and `shopcare restore` (SAFETY.md): a consistent, checked, owner-only copy
of the shop's SQLite database, the newest N kept; and a copy put back, the database it replaces
kept aside first. On PostgreSQL both say which command of the server's own does it, and do
nothing (pg_dump and pg_restore know the server; a copy made here would only pretend)."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from shopcare.errors import ShopcareError
from shopcare.home import private_file, remove_leftovers, sync_folder
from shopcare.store.location import Location

DEFAULT_KEEP = 14
BACKUP_NAME = re.compile(r"^shopcare-[0-9]{8}-[0-9]{6}(?:-[0-9]+)?\.db$")
LOCK_WAIT_S = 30  # as long as a restore waits for a command writing to the live database


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%d-%H%M%S")


def refuse_on_postgres(location: Location, command: str, moment: datetime) -> None:
    """On PostgreSQL: one line saying what to run instead, and nothing done."""
    if location.kind != "postgres":
        return
    import shlex

    url = shlex.quote(location.for_command)
    if command == "backup":
        raise ShopcareError(
            "the shop's database is on PostgreSQL: back it up with the server's pg_dump,"
            " which shopcare does not stand in for",
            f"pg_dump --format=custom --file=shopcare-{stamp(moment)}.dump {url}"
            " (the password as libpq finds it: PGPASSWORD or ~/.pgpass)",
        )
    raise ShopcareError(
        "the shop's database is on PostgreSQL: restore a pg_dump file with the server's"
        " pg_restore, which shopcare does not stand in for",
        f"pg_restore --clean --if-exists --no-owner --dbname={url} FILE.dump"
        " (into the shop's database; run shopcare db info afterwards to check it)",
    )


def backup_folder(home: Path, folder: str | None) -> Path:
    """The folder backups go to (made owner-only if missing): DIR, else HOME/backups."""
    if folder is not None and not folder.strip():
        raise ShopcareError(
            "the folder is empty", "give a folder, or leave it out for HOME/backups"
        )
    target = Path(folder).expanduser() if folder is not None else home / "backups"
    if target.exists() and not target.is_dir():
        raise ShopcareError(f"{target} is not a folder", "give a folder for the backups")
    if not target.exists():
        if not target.parent.is_dir():
            raise ShopcareError(
                f"the folder {target.parent} does not exist", "give a folder that exists"
            )
        try:
            target.mkdir(mode=0o700)
        except OSError as exc:
            raise ShopcareError(f"cannot make the folder {target}: {exc.strerror}") from None
    if not os.access(target, os.W_OK | os.X_OK):
        raise ShopcareError(f"cannot write in {target}", "give a folder you can write")
    return target


class Made(NamedTuple):
    path: Path
    size: int
    removed: list[Path]


def make_backup(copy_into, folder: Path, moment: datetime, keep: int) -> Made:
    """A backup named by the moment in folder: written beside its name, checked with SQLite's
    integrity check, then renamed into place; then only the newest keep backups are kept.
    copy_into(path) writes the database into an empty file and returns the integrity check's
    findings."""
    if keep < 1:
        raise ShopcareError("--keep must be 1 or more", "the backup just made is one of them")
    name = f"shopcare-{stamp(moment)}"
    final = folder / f"{name}.db"
    n = 1
    while final.exists():  # two backups within one second (or one pinned clock)
        n += 1
        final = folder / f"{name}-{n}.db"
    remove_leftovers(folder, "shopcare-*")  # a backup killed half-way left its partial file
    partial = folder / f".{final.name}.{os.getpid()}"
    try:
        private_file(partial)
        problems = copy_into(partial)
        if problems != ["ok"]:
            raise ShopcareError(
                "the backup failed its integrity check: " + "; ".join(problems[:3]),
                "the shop's database itself may be damaged: run shopcare db info, and keep the"
                " backups you have",
            )
        os.replace(partial, final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    sync_folder(folder)
    return Made(final, final.stat().st_size, prune(folder, keep, final))


def prune(folder: Path, keep: int, made: Path) -> list[Path]:
    """Remove all but the newest keep backups shopcare named in folder, the one just made
    always among those kept (a clock set back names it older than the rest); those removed."""
    ours = sorted(
        (
            p
            for p in folder.iterdir()
            if BACKUP_NAME.match(p.name) and p.is_file() and p.name != made.name
        ),
        key=lambda p: _order(p.name),
        reverse=True,
    )
    removed = ours[keep - 1 :]
    for old in removed:
        old.unlink()
    return removed


def _order(name: str) -> tuple[str, int]:
    """shopcare-20261128-093000-2.db: the moment, then the second backup of that second."""
    parts = name.removesuffix(".db").removeprefix("shopcare-").split("-")
    return (parts[0] + parts[1], int(parts[2]) if len(parts) > 2 else 1)


class Restored(NamedTuple):
    cases: int
    version: str
    upgraded_from: str | None
    kept_aside: Path | None


def restore(file: Path, live: Path, moment: datetime, force: bool) -> Restored:
    """Put the backup at file in the place of the live database (SAFETY.md): refused if it is
    not a shopcare database, fails its integrity check or comes from a newer shopcare; an
    older one is upgraded. Staged beside the live database first (copied, checked, upgraded),
    so that nothing is changed until it is ready; the live database, if any, is copied aside
    (shopcare.db.before-restore-...) before its contents are replaced in one transaction."""
    from shopcare.store.sqlite import backup as files

    _check_offered(file, live)
    remove_leftovers(live.parent, f"{live.name}.restoring")  # a restore killed half-way
    staged = live.with_name(f".{live.name}.restoring.{os.getpid()}")
    aside = None
    try:
        private_file(staged)
        try:
            files.stage_file(file, staged)
            facts = files.inspect_file(staged)
        except files.NotADatabase as exc:
            what = (
                f"{file} is {exc}" if str(exc).startswith(("not", "a SQLite")) else f"{file}: {exc}"
            )
            raise ShopcareError(what, "give a backup made by shopcare backup") from None
        except OSError as exc:
            raise ShopcareError(f"cannot read {file}: {exc.strerror}") from None
        if facts.unknown:
            raise ShopcareError(
                f"{file} comes from a newer shopcare (its schema has {facts.unknown[-1]}, which"
                " this one does not know)",
                "restore it with that version of shopcare, or a newer one",
            )
        if facts.integrity != ["ok"]:
            raise ShopcareError(
                f"{file} fails its integrity check: " + "; ".join(facts.integrity[:3]),
                "restore an older backup",
            )
        live_cases = _live_cases(live) if live.exists() else None
        if live_cases and not force:
            held = f"holds {live_cases:,} cases" if live_cases > 0 else "cannot be read (damaged?)"
            raise ShopcareError(
                f"the shop's database {live} {held}: restore replaces it",
                "add --force to restore anyway (the database replaced is kept aside, not deleted)",
            )
        upgraded = facts.version != files.KNOWN[-1]
        if upgraded:
            files.upgrade(staged)
        aside = _aside_name(live, moment)
        if live.exists() and files.readable(live):
            # the live database's write lock taken, the copy aside made under it, then its
            # contents replaced, in one transaction: a command that wrote before is in the
            # copy aside, one that writes after writes into the restored shop
            private_file(aside)
            problems = files.replace_contents(staged, live, LOCK_WAIT_S, keep_aside=aside)
            if problems != ["ok"]:  # nothing was replaced: the copy aside is not sound
                aside.unlink(missing_ok=True)
                raise ShopcareError(
                    "the copy of the shop's database could not be checked: "
                    + "; ".join(problems[:3]),
                    "nothing was restored; run shopcare db info, and try again",
                )
        else:
            # none there, or one SQLite can no longer read: what is there (a damaged file, a
            # log or index left without its database) goes aside whole, never deleted, and
            # the restored file takes its place
            moved = _move_aside(live, aside)
            os.replace(staged, live)
            aside = aside if moved else None
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            staged.with_name(staged.name + suffix).unlink(missing_ok=True)
    return Restored(facts.cases, files.KNOWN[-1], facts.version if upgraded else None, aside)


def _check_offered(file: Path, live: Path) -> None:
    """FILE is a regular file this process can read, not the live database, and begins as a
    SQLite database does: read before anything is copied (a pipe or a device is never
    opened)."""
    from shopcare.store.sqlite.backup import is_sqlite_file

    if not file.exists():
        raise ShopcareError(f"no file {file}")
    if file.is_dir():
        raise ShopcareError(f"{file} is a folder", "give a backup file (shopcare-....db)")
    if not file.is_file():
        raise ShopcareError(f"{file} is not a regular file", "give a backup file (shopcare-....db)")
    if live.exists() and file.samefile(live):
        raise ShopcareError(f"{file} is the shop's database itself", "give a backup file")
    try:
        sqlite = is_sqlite_file(file)
    except OSError as exc:
        raise ShopcareError(f"cannot read {file}: {exc.strerror}") from None
    if not sqlite:
        raise ShopcareError(
            f"{file} is not a SQLite database", "give a backup made by shopcare backup"
        )


def _live_cases(live: Path) -> int:
    """How many cases the live database holds (-1: it cannot be read)."""
    from shopcare.store.sqlite.backup import count_cases

    try:
        return count_cases(live)
    except OSError:
        return -1


def _aside_name(live: Path, moment: datetime) -> Path:
    """shopcare.db.before-restore-YYYYMMDD-HHMMSS (then -2, -3): not there yet."""
    aside = live.with_name(f"{live.name}.before-restore-{stamp(moment)}")
    n = 1
    while any(aside.with_name(aside.name + x).exists() for x in ("", "-wal", "-shm")):
        n += 1
        aside = live.with_name(f"{live.name}.before-restore-{stamp(moment)}-{n}")
    return aside


def _move_aside(live: Path, aside: Path) -> bool:
    """The database file and its log and index, whichever are there, renamed to aside (a log
    first: a log left beside a new database would be read into it). Whether any was."""
    moved = False
    for suffix in ("-wal", "-shm", "-journal", ""):
        source = live.with_name(live.name + suffix)
        if source.exists():
            os.replace(source, aside.with_name(aside.name + suffix))
            moved = True
    return moved
