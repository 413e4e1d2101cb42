"""The root command: global options, the one place errors become `Error: ...`, and registration."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated, NamedTuple

import typer
from typer.core import TyperCommand, TyperGroup

from shopcare import __version__
from shopcare.cli.params import CheckedCommand, CheckedGroup
from shopcare.errors import ShopcareError
from shopcare.store.errors import DATABASE_ERRORS, explain_database_error

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
    """A top-level command, imported only when it is run or its help is asked for."""

    import_path: str  # "module:attribute": a Typer (a group) or a function (one command)
    summary: str  # the first line of its help, for `shopcare --help`


# `shopcare --help` lists these from their summaries without importing a module; tests/test_help.py
# holds each summary to its command's own help.
COMMANDS: dict[str, Lazy] = {
    "init": Lazy(
        "shopcare.cli.setup:init",
        "Set up the shop's home: config.toml and the database. Safe to run twice.",
    ),
    "case": Lazy(
        "shopcare.cli.case:app",
        "Log every complaint and inquiry as a case, with its whole history.",
    ),
    "orders": Lazy(
        "shopcare.cli.orders:app", "Import the malls' order exports and look orders up."
    ),
    "customer": Lazy(
        "shopcare.cli.orders:customer_app", "The customer behind the cases and orders."
    ),
    "search": Lazy(
        "shopcare.cli.search:search",
        "Find cases by their words: summaries, requests, messages, notes, customers, orders,"
        " items.",
    ),
    "reply": Lazy(
        "shopcare.cli.reply:reply",
        "Draft a reply to a case from a template, with the case's real facts filled in.",
    ),
    "mail": Lazy(
        "shopcare.cli.mail:app",
        "Take the customers' mail onto cases; check the mail settings.",
    ),
    "templates": Lazy(
        "shopcare.cli.reply:templates_app", "The reply templates: built-in and the shop's own."
    ),
    "policy": Lazy(
        "shopcare.cli.policy:app",
        "The shop's remedy and SLA policy, layered over the built-in one.",
    ),
    "remedy": Lazy(
        "shopcare.cli.policy:remedy",
        "Record the remedy offered; above the approval line it needs --approved-by, or nothing "
        "is recorded.",
    ),
    "followups": Lazy(
        "shopcare.cli.followups:app",
        "Everything the shop owes: replies, promises, resolutions, aftercare, satisfaction checks.",
    ),
    "report": Lazy(
        "shopcare.cli.report:report",
        "The shop's numbers for a period: reply and resolution times, SLA, reopens, escalations,"
        " remedies, FAQ.",
    ),
    "calendar": Lazy("shopcare.cli.calendar:app", "The shop's business calendar."),
    "db": Lazy(
        "shopcare.cli.db:app",
        "Which database the shop is in, and moving it to another (SQLite, PostgreSQL).",
    ),
    "backup": Lazy(
        "shopcare.cli.safety:backup",
        "Write a consistent copy of the shop's database, even while others write to it.",
    ),
    "restore": Lazy(
        "shopcare.cli.safety:restore",
        "Put a backup back in the place of the shop's database.",
    ),
    "export": Lazy(
        "shopcare.cli.export:export",
        "Write every case with its timeline, every order and every customer into files.",
    ),
    "purge": Lazy(
        "shopcare.cli.safety:purge",
        "Erase the personal data of cases closed before DATE, for real.",
    ),
    "categories": Lazy(
        "shopcare.cli.setup:categories",
        "List the case categories in force, with labels and the priority each implies.",
    ),
    "demo": Lazy(
        "shopcare.cli.demo:demo",
        "Show what shopcare does, on a throwaway home: a morning's cases and mail, the open list, a"
        " timeline.",
    ),
}


class ShopcareTyper(typer.Typer):
    """A Typer whose commands check their typed values (cli/params.py) unless they say otherwise."""

    def command(self, name: str | None = None, *, cls=None, **settings):
        return super().command(name, cls=cls or CheckedCommand, **settings)


def subcommands(name: str, **settings) -> typer.Typer:
    """The group of subcommands under top-level command `name`, with shopcare's settings."""
    return ShopcareTyper(
        cls=CheckedGroup,
        help=COMMANDS[name].summary,
        rich_markup_mode=None,
        add_completion=False,
        **settings,
    )


def build(name: str) -> Command:
    """The command `name`, imported from its module: a Typer becomes its group, a function its
    one command (typer.main's get_group and get_command, typer's public way to hand click one;
    a group of one subcommand stays a group)."""
    import importlib

    from typer.main import get_command, get_group

    module, attribute = COMMANDS[name].import_path.split(":")
    target = getattr(importlib.import_module(module), attribute)
    if isinstance(target, typer.Typer):
        command = get_group(target)
    else:
        single = ShopcareTyper(rich_markup_mode=None, add_completion=False)
        single.command(name)(target)
        command = get_command(single)
    command.name = name
    return command


class ShopcareGroup(TyperGroup):
    """The root command: click's lazy group (each top-level command is imported when it is run,
    from the import path in COMMANDS), and the one place shopcare's errors become one line on
    stderr and exit 1 (SHOPCARE_DEBUG=1 re-raises)."""

    def __init__(self, **attrs) -> None:
        super().__init__(**attrs)
        self.loaded: dict[str, Command] = {}

    def list_commands(self, ctx) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx, cmd_name: str) -> Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        if cmd_name not in self.loaded:
            self.loaded[cmd_name] = build(cmd_name)
        return self.loaded[cmd_name]

    def resolve_command(self, ctx, args: list[str]):
        """A mistyped command gets the nearest names (typer suggests only from commands already
        built, and these are built when used)."""
        from difflib import get_close_matches

        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS and not ctx.resilient_parsing:
            matches = get_close_matches(name, list(COMMANDS))
            suggestion = f" Did you mean {', '.join(map(repr, matches))}?" if matches else ""
            ctx.fail(f"No such command {name!r}.{suggestion}")
        return super().resolve_command(ctx, args)

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
        except (ShopcareError, OSError, *DATABASE_ERRORS) as exc:
            if os.environ.get("SHOPCARE_DEBUG") == "1":
                raise
            if isinstance(exc, ShopcareError):
                report(exc.message, exc.hint)
            elif isinstance(exc, DATABASE_ERRORS):
                report(*explain_database_error(exc))
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
