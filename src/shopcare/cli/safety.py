"""shopcare backup, restore, purge: nothing lost, nothing kept too long (SAFETY.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from shopcare.cli.output import FormatOption, JsonOption, pick_format, print_rows, say


def backup(
    folder: Annotated[
        str | None,
        typer.Argument(
            metavar="[DIR]",
            help="Where the backups go (default: HOME/backups).",
            show_default=False,
        ),
    ] = None,
    keep: Annotated[
        int,
        typer.Option(
            "--keep",
            metavar="N",
            help="How many of the newest backups to keep.",
            min=1,
            max=100_000,
        ),
    ] = 14,
) -> None:
    """Write a consistent copy of the shop's database, even while others write to it.

    The copy is named by the clock (shopcare-YYYYMMDD-HHMMSS.db), only its owner can read it,
    and SQLite's integrity check passes on it before it is kept; then only the newest N backups
    shopcare made in DIR are kept. On PostgreSQL it says which pg_dump to run instead.
    Example: shopcare backup --keep 30
    """
    from shopcare.admin.backup import backup_folder, make_backup, refuse_on_postgres
    from shopcare.cli.session import session

    with session() as s:
        local = s.now.astimezone(s.tz)
        refuse_on_postgres(s.location, "backup", local)
        target = backup_folder(s.home, folder)
        made = make_backup(s.store.backup_into, target, local, keep)
    removed = f"; {len(made.removed)} older removed" if made.removed else ""
    say(f"backed up to {made.path} ({made.size:,} bytes, integrity ok){removed}")
    print(made.path)


def restore(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A backup made by shopcare backup.")],
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Restore even over a shop's database (it is kept aside first)."
        ),
    ] = False,
) -> None:
    """Put a backup back in the place of the shop's database.

    Refused if FILE is not a shopcare database, fails its integrity check or comes from a
    newer shopcare; one from an older shopcare is upgraded. The database it replaces is copied
    aside first (shopcare.db.before-restore-...), never deleted; one that holds cases is
    replaced only with --force. On PostgreSQL it says which pg_restore to run instead.
    Example: shopcare restore ~/shop/backups/shopcare-20261128-030000.db --force
    """
    from shopcare import clock
    from shopcare.admin.backup import refuse_on_postgres
    from shopcare.admin.backup import restore as put_back
    from shopcare.app import locate
    from shopcare.cli.session import home_path
    from shopcare.home import ensure_home

    home = ensure_home(home_path())
    config, location = locate(home)
    local = clock.now().astimezone(config.tz())
    refuse_on_postgres(location, "restore", local)
    done = put_back(file.expanduser(), location.path, local, force)
    upgraded = f", upgraded from {done.upgraded_from}" if done.upgraded_from else ""
    say(f"restored {file} ({done.cases:,} cases, schema {done.version}{upgraded})")
    if done.kept_aside:
        say(f"the database it replaced is kept as {done.kept_aside}")


def purge(
    before: Annotated[
        str,
        typer.Option(
            "--before",
            metavar="DATE",
            help="Erase the personal data of cases closed before this day (2024-04-01).",
            show_default=False,
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be erased; erase nothing.")
    ] = False,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Erase the personal data of cases closed before DATE, for real.

    Goes: the customer's name and e-mail (on the case's customer where no newer case or order
    needs them, on its orders), the timeline's texts (messages, notes, replies), the case's
    own texts, stored mail and attachments. Stays: what the report counts (dates, category,
    mall, status, remedies' kinds and amounts). The erased text is gone from the database
    file, not hidden; each case records the purge: what went, when, by whom.
    Example: shopcare purge --before 2024-04-01 --dry-run
    """
    from shopcare.admin.purge import plan
    from shopcare.admin.purge import purge as erase
    from shopcare.cli.session import session
    from shopcare.cli.views import PURGE_PLAN
    from shopcare.clock import DayTime
    from shopcare.errors import ShopcareError

    output = pick_format(fmt, as_json)
    with session(writes=not dry_run, make=False) as s:
        moment = s.when(before, DayTime.start())
        if moment > s.now:
            raise ShopcareError(
                f"--before {before} is later than now",
                "purge erases what is past: give a day up to today",
            )
        local = moment.astimezone(s.tz)
        day = (
            local.date().isoformat()
            if local.time() == local.time().min
            else (local.isoformat(timespec="minutes"))
        )
        if dry_run:
            found = plan(s.store, moment)
            print_rows(found.per_case(), PURGE_PLAN, output, s.tz)
            say(_summary("would erase", found, day))
            return
        found, settled = erase(s.store, s.actor, moment, day, s.home)
        erased = bool(found.cases or found.mail or found.customers or found.orders)
    say(_summary("erased", found, day))
    if erased and not settled:
        say(
            "note: another command kept the database busy, so the erased text may stay in the"
            " database's files until it is done: run the same purge again when nothing else runs"
        )


def _summary(verb: str, found, day: str) -> str:
    totals = found.totals()
    return (
        f"{verb} the personal data of {totals['cases']:,} cases closed before {day}:"
        f" {totals['texts']:,} texts, {totals['customers']:,} customers' names and addresses,"
        f" {totals['orders']:,} orders' names, {totals['mail']:,} stored mails,"
        f" {totals['attachment_files']:,} attachment files"
    )
