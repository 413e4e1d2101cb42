"""The root command: global options, the one place errors become `Error: ...`, and registration."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable, MutableMapping
from functools import partial
from typing import TYPE_CHECKING, Annotated, NamedTuple

import typer
from typer.core import TyperCommand, TyperGroup

from shopcare import __version__
from shopcare.cli.params import CheckedCommand, CheckedGroup
from shopcare.errors import ShopcareError

if TYPE_CHECKING:
    from typer.core import _click

    Command = _click.Command


def report(message: str, hint: str | None = None) -> None:
    sys.stderr.write(f"Error: {message}\n")
    if hint:
        sys.stderr.write(f"hint: {hint}\n")


def is_utf8(stream) -> bool:
    """Whether stream writes UTF-8, which holds every character shopcare prints."""
    import codecs

    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name == "utf-8"
    except LookupError:
        return False


def forgiving_output() -> None:
    """What the output's encoding cannot hold (Japanese under PYTHONIOENCODING=ascii, an emoji in
    a cp932 pipe, a file name that is not UTF-8) is written as a backslash escape (\\u3042,
    \\udcff), never a traceback. The encoding asked for is kept: a cp932 reader still gets its
    Japanese as cp932. (Python's stderr does this already.)"""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def reader_gone() -> None:
    """The reader of stdout went away (`shopcare followups | head`): stop quietly, and keep
    Python from complaining when it flushes stdout on the way out."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


class Lazy(NamedTuple):
    """A top-level command, built only when it is run or its help is asked for."""

    module: str  # under shopcare.cli
    attr: str  # a Typer (a group of subcommands) or a function (one command)
    summary: str  # the first line of its help, for `shopcare --help`


# `shopcare --help` lists these from their summaries without importing a module; tests/test_help.py
# holds each summary to its command's own help.
COMMANDS: dict[str, Lazy] = {
    "init": Lazy(
        "setup", "init", "Set up the shop's home: config.toml and the database. Safe to run twice."
    ),
    "case": Lazy(
        "case", "app", "Log every complaint and inquiry as a case, with its whole history."
    ),
    "orders": Lazy("orders", "app", "Import the malls' order exports and look orders up."),
    "customer": Lazy("orders", "customer_app", "The customer behind the cases and orders."),
    "reply": Lazy(
        "reply",
        "reply",
        "Draft a reply to a case from a template, with the case's real facts filled in.",
    ),
    "templates": Lazy(
        "reply", "templates_app", "The reply templates: built-in and the shop's own."
    ),
    "policy": Lazy(
        "policy", "app", "The shop's remedy and SLA policy, layered over the built-in one."
    ),
    "remedy": Lazy(
        "policy",
        "remedy",
        "Record the remedy offered; above the approval line it needs --approved-by, or nothing "
        "is recorded.",
    ),
    "followups": Lazy(
        "followups",
        "app",
        "Everything the shop owes: replies, promises, resolutions, aftercare, satisfaction checks.",
    ),
    "calendar": Lazy("calendar", "app", "The shop's business calendar."),
    "categories": Lazy(
        "setup",
        "categories",
        "List the case categories in force, with labels and the priority each implies.",
    ),
    "demo": Lazy(
        "demo",
        "demo",
        "Show what shopcare does, on a throwaway home: a morning's cases, the open list, a timeline.",
    ),
}


def subcommands(name: str, **settings) -> typer.Typer:
    """The group of subcommands under top-level command `name`, with shopcare's settings."""
    return typer.Typer(
        cls=CheckedGroup,
        help=COMMANDS[name].summary,
        rich_markup_mode=None,
        add_completion=False,
        **settings,
    )


def build(name: str) -> Command:
    """The click command for one top-level command, made from its module."""
    import importlib

    from typer.models import CommandInfo

    lazy = COMMANDS[name]
    target = getattr(importlib.import_module(f"shopcare.cli.{lazy.module}"), lazy.attr)
    if isinstance(target, typer.Typer):
        command = _lazy_group(target)
    else:
        command = _command(CommandInfo(name=name, callback=target))
    command.name = name
    return command


def _command(info) -> Command:
    """One command from its function, as typer makes it, with shopcare's plain help and its typed
    values checked (cli/params.py)."""
    from typer.main import get_command_from_info

    if info.cls in (None, TyperCommand):  # typer's default: the decorator fills it in
        info.cls = CheckedCommand
    return get_command_from_info(info, pretty_exceptions_short=True, rich_markup_mode=None)


def _lazy_group(target: typer.Typer) -> TyperGroup:
    """A group whose subcommands are built when used: `case list` does not pay for `case add`."""
    from typer.main import get_group

    infos = target.registered_commands
    target.registered_commands = []
    try:
        group = get_group(target)
    finally:
        target.registered_commands = infos
    group.commands = LazyCommands({info.name: partial(_command, info) for info in infos})
    return group


class LazyCommands(MutableMapping):
    """Commands by name, each built the first time it is looked up."""

    def __init__(self, makers: dict[str, Callable[[], Command]]) -> None:
        self.makers = makers
        self.built: dict[str, Command] = {}

    def __getitem__(self, name: str) -> Command:
        if name not in self.built:
            if name not in self.makers:
                raise KeyError(name)
            self.built[name] = self.makers[name]()
        return self.built[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self.built[name] = command

    def __delitem__(self, name: str) -> None:
        del self.built[name]

    def __iter__(self):
        return iter(self.makers)

    def __len__(self) -> int:
        return len(self.makers)


class ShopcareGroup(TyperGroup):
    """The root command. Builds a top-level command only when it is used, and turns shopcare's
    errors into one line on stderr and exit 1 (SHOPCARE_DEBUG=1 re-raises)."""

    def __init__(self, **attrs) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands({name: partial(build, name) for name in COMMANDS})

    def list_commands(self, ctx) -> list[str]:
        return list(COMMANDS)

    def format_commands(self, ctx, formatter) -> None:
        limit = formatter.width - 6 - max(map(len, COMMANDS))
        rows = [
            (name, TyperCommand(name=name, help=lazy.summary).get_short_help_str(limit))
            for name, lazy in COMMANDS.items()
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def main(self, *args, **kwargs):
        forgiving_output()
        return super().main(*args, **kwargs)

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
            elif isinstance(exc, sqlite3.OperationalError) and "readonly" in str(exc):
                report(
                    "the database is read-only: this command writes to it",
                    "reading commands work on it; to write, check its permissions or run as"
                    " its owner",
                )
            elif isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                report(f"database: {exc}", "another shopcare is writing; try again in a moment")
            elif isinstance(exc, sqlite3.OperationalError):
                report(f"database: {exc}")
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
