"""shopcare orders ... and shopcare customer ...: from an e-mail address or an order number to the order."""

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from shopcare.cli.output import (
    FormatOption,
    JsonOption,
    pick_format,
    print_record,
    say,
)
from shopcare.cli.root import subcommands
from shopcare.cli.session import session
from shopcare.cli.views import CUSTOMER_FIELDS, ITEMS, ORDER_FIELDS, ORDER_LIST

app = subcommands("orders", no_args_is_help=True)
customer_app = subcommands("customer", no_args_is_help=True)


@contextmanager
def _progress_bar(path: Path):
    """A progress bar on a terminal; nothing in a pipe or cron."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    with Progress(TextColumn(path.name), BarColumn(), DownloadColumn(), transient=True) as bar:
        task = bar.add_task("import", total=path.stat().st_size)
        yield lambda done, total: bar.update(task, completed=done)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="The export downloaded from the mall.")],
    source: Annotated[
        str, typer.Option("--source", help="auto, shopify, rakuten, amazon, base or yahoo.")
    ] = "auto",
    encoding: Annotated[str, typer.Option("--encoding", help="auto, utf-8 or cp932.")] = "auto",
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail the whole import on any row that cannot be read.")
    ] = False,
) -> None:
    """Import a mall's order export (Shopify, Rakuten RMS, Amazon, BASE, Yahoo!).

    The format and encoding are detected from the header and the bytes. Importing
    the same file again changes nothing; a newer export updates the orders.
    Example: shopcare orders import ~/Downloads/orders_export.csv
    """
    from shopcare.orders.importer import import_orders

    with session(writes=True) as s, _progress_bar(file) as progress:
        result = import_orders(
            s.store,
            file,
            now=s.now,
            source=source,
            encoding=encoding,
            strict=strict,
            progress=progress,
        )
    for line, message in result.problems:
        say(f"{file.name} line {line}: {message}")
    say(result.summary())


@app.command("show")
def show(
    number: Annotated[str, typer.Argument(help="The mall's order number, as the mall writes it.")],
    mall: Annotated[
        str | None, typer.Option("--mall", help="The mall, where two malls share a number.")
    ] = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show an order: the customer, dates, tracking number and items.

    Example: shopcare orders show 503-2841937-5520416
    """
    output = pick_format(fmt, as_json)
    with session() as s:
        from shopcare.domain.orders import get_order

        record = get_order(s.store, number, mall)
        print_record(record, ORDER_FIELDS, output, s.tz, sections=(("items", ITEMS),))


@customer_app.command("show")
def customer_show(
    key: Annotated[
        str, typer.Argument(metavar="EMAIL|ID", help="The customer's e-mail address or id.")
    ],
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a customer with their orders and cases, newest first.

    Example: shopcare customer show misaki.sato@example.jp
    """
    from shopcare.cli.views import CASE_LIST
    from shopcare.domain.customers import get_customer
    from shopcare.domain.records import customer_show_record

    output = pick_format(fmt, as_json)
    with session() as s:
        customer = get_customer(s.store, key)
        record = customer_show_record(s.store, customer, s.categories, s.lang)
        print_record(
            record,
            CUSTOMER_FIELDS,
            output,
            s.tz,
            sections=(("orders", ORDER_LIST), ("cases", CASE_LIST)),
        )
