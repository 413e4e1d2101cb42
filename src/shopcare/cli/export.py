"""shopcare export: the shop's cases, orders and customers as files, for a spreadsheet, a script
or an outside helper (SAFETY.md)."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from shopcare.cli.output import say
from shopcare.cli.session import session


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


def export(
    redact: Annotated[
        bool,
        typer.Option(
            "--redact",
            help="Names, e-mail addresses, phone numbers, postal addresses and tracking numbers"
            " become tokens ([name-3], [email-3]): the same person, the same token.",
        ),
    ] = False,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="jsonl (one object a line, the fields of --json) or csv (one file per kind,"
            " UTF-8 with BOM for Excel).",
            case_sensitive=False,
        ),
    ] = ExportFormat.jsonl,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="DIR",
            help="The folder to write into; made if missing (default: HOME/exports/"
            "export-YYYYMMDD-HHMMSS).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write every case with its timeline, every order and every customer into files.

    jsonl: cases.jsonl, orders.jsonl, customers.jsonl, one object a line with the
    fields `case show`, `orders show` and `customer show` give with --json. csv:
    cases.csv, events.csv, orders.csv, order_items.csv, customers.csv. Files are the
    owner's alone; an export is written whole or not at all, and never over another.
    Example: shopcare export --redact --format csv --out ~/to-helper
    """
    from shopcare.admin.export import default_folder, export_shop

    with session() as s:
        folder = out if out is not None else default_folder(s.home, s.now, s.tz)
        done = export_shop(
            s.store,
            folder,
            fmt.value,
            s.categories,
            s.lang,
            s.tz,
            redact=redact,
            make_parent=out is None,
        )
    say(done.summary())
