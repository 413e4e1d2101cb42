"""The root command: global options, the one place errors become `Error: ...`, and registration."""

from __future__ import annotations

import os
import sqlite3
import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

from shopcare import __version__
from shopcare.errors import ShopcareError


def report(message: str, hint: str | None = None) -> None:
    sys.stderr.write(f"Error: {message}\n")
    if hint:
        sys.stderr.write(f"hint: {hint}\n")


def reader_gone() -> None:
    """The reader of stdout went away (`shopcare followups | head`): stop quietly, and keep
    Python from complaining when it flushes stdout on the way out."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


class ShopcareGroup(TyperGroup):
    """Turns shopcare's errors into one line on stderr and exit 1 (SHOPCARE_DEBUG=1 re-raises)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            reader_gone()
            raise typer.Exit(0) from None
        except (ShopcareError, sqlite3.OperationalError, OSError) as exc:
            if os.environ.get("SHOPCARE_DEBUG") == "1":
                raise
            if isinstance(exc, ShopcareError):
                report(exc.message, exc.hint)
            elif isinstance(exc, sqlite3.OperationalError):
                report(f"database: {exc}", "another shopcare may be writing; try again")
            else:
                report(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=ShopcareGroup,
    help="shopcare: the helpdesk of a small online shop, in the terminal.\n\n"
    "Cases, orders, replies, remedies and follow-ups in one SQLite file. "
    "Start with: shopcare demo",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"shopcare {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    home: Annotated[
        str | None,
        typer.Option(
            "--home",
            help="The shop's folder (default: $SHOPCARE_HOME, else the platform's app directory).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    from shopcare.cli.session import set_home_option

    set_home_option(home)


def register() -> typer.Typer:
    from shopcare.cli import calendar, case, demo, followups, orders, policy, reply, setup

    app.add_typer(case.app, name="case")
    app.add_typer(orders.app, name="orders")
    app.add_typer(orders.customer_app, name="customer")
    app.add_typer(followups.app, name="followups")
    app.add_typer(calendar.app, name="calendar")
    reply.register(app)
    policy.register(app)
    setup.register(app)
    demo.register(app)
    return app
