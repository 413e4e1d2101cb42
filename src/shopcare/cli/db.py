"""shopcare db ...: which database the shop is in, and moving it to another (TEAM.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from shopcare.cli.output import FormatOption, JsonOption, pick_format, print_record, say
from shopcare.cli.root import subcommands
from shopcare.cli.session import session
from shopcare.cli.views import DB_INFO

app = subcommands("db", no_args_is_help=True)


@app.command("info")
def info(fmt: FormatOption = None, as_json: JsonOption = False) -> None:
    """Which database the shop is in, its schema version, and how many rows each table holds.

    Example: shopcare db info
    """
    output = pick_format(fmt, as_json)
    with session() as s:
        record = {
            "database": s.store.kind,
            "location": s.location.shown,
            "set_by": s.location.set_by,
            "schema": s.store.schema_version(),
        } | s.store.table_counts()
    print_record(record, DB_INFO, output, s.tz)


@app.command("copy")
def copy(
    to: Annotated[
        str,
        typer.Option(
            "--to",
            metavar="URL",
            help="postgresql://USER@HOST/DATABASE, or a SQLite file's path (or sqlite:///path).",
            show_default=False,
        ),
    ],
) -> None:
    """Copy the shop's whole database into another, empty one: SQLite to PostgreSQL or back.

    Every table is copied row for row, in one transaction; each table's count is checked
    against the source, and a target that already holds a shop is refused. The shop's own
    database is left as it is: point SHOPCARE_DATABASE (or [database] url) at the copy to use it.
    Example: shopcare db copy --to postgresql://shop@db.example.jp/shopcare
    """
    from shopcare.admin.copy import copy_shop
    from shopcare.clock import to_storage
    from shopcare.errors import ShopcareError
    from shopcare.store import open_store
    from shopcare.store.location import parse_location

    target = parse_location(to, "--to")
    made = None  # a SQLite file this copy makes: removed again if the copy fails
    with session() as s:
        if target.kind == "sqlite":
            if target.path.is_dir():
                raise ShopcareError(f"--to {target.path} is a folder", "give a file's path")
            own = s.location.path if s.location.kind == "sqlite" else None
            if own is not None and target.path.exists() and target.path.samefile(own):
                raise ShopcareError(
                    "--to names the shop's own database", "give a new file or another database"
                )
            if not target.path.parent.is_dir():
                raise ShopcareError(f"--to: the folder {target.path.parent} does not exist")
            made = None if target.path.exists() else target.path
        elif s.location.kind == "postgres" and target.url == s.location.url:
            raise ShopcareError("--to names the shop's own database", "give another database")
        try:
            with open_store(s.home, target, to_storage(s.now)) as other:
                counts = copy_shop(s.store, other, target.shown)
        except BaseException:
            if made is not None:
                for leftover in (made, *(made.with_name(made.name + x) for x in ("-wal", "-shm"))):
                    leftover.unlink(missing_ok=True)
            raise
    rows = sum(counts.values())
    say(
        f"copied {rows:,} rows to {target.shown}: "
        + ", ".join(f"{t} {n:,}" for t, n in counts.items())
    )
