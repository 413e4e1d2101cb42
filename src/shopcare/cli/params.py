"""What is typed on the command line, checked in one place before any command runs.

- A case id goes through ids.parse_id (typer's int would take ², ١ and full-width digits, and
  hand 2^63 to SQLite, which overflows).
- An option given an empty value is an error: `--fault ''` is not `--fault` left out. A command
  whose option clears a field when empty says so with `@empty_clears("request")`. (A required
  option is left to its command, which says what it needs: `--summary ''` is an empty summary.)
- Text that is not text is an error: bytes on the command line that are not UTF-8 reach Python as
  lone surrogates, which SQLite cannot store and no terminal can show. Paths are exempt: a file's
  name may be any bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from shopcare.domain.ids import parse_id
from shopcare.errors import ShopcareError, check_text

F = TypeVar("F", bound=Callable[..., Any])


def _case_id(text: str) -> int:
    return parse_id(text, "case")


CaseIdArgument = Annotated[int, typer.Argument(help="The case's id.", parser=_case_id)]


def empty_clears(*names: str) -> Callable[[F], F]:
    """Mark a command's options that clear a field when given an empty value (`--request ''`)."""

    def mark(func: F) -> F:
        func.empty_clears = frozenset(names)  # type: ignore[attr-defined]
        return func

    return mark


def _check_typed(command, opts: dict[str, Any]) -> None:
    clears = getattr(command.callback, "empty_clears", frozenset())
    for param in command.params:
        raw = opts.get(param.name)
        if raw is None:
            continue
        is_option = param.param_type_name == "option"
        name = param.opts[0] if is_option else (param.metavar or param.name.upper())
        for value in raw if isinstance(raw, (list, tuple)) else (raw,):
            if not isinstance(value, str):
                continue  # a flag
            # (a required option is never taken as left out: the command says what it needs)
            if is_option and not param.required and not value.strip() and param.name not in clears:
                raise ShopcareError(f"{name} is empty", f"give {name} a value, or leave it out")
            if getattr(param.type, "name", None) != "path":
                check_text(value, name)


class _CheckedParams:
    """Checks the values as typed, before typer converts them (an empty path becomes '.')."""

    def make_parser(self, ctx):
        parser = super().make_parser(ctx)  # type: ignore[misc]
        parse = parser.parse_args

        def parse_checked(args):
            opts, rest, order = parse(args)
            if not ctx.resilient_parsing and not opts.get("help"):
                _check_typed(self, opts)
            return opts, rest, order

        parser.parse_args = parse_checked
        return parser


class CheckedCommand(_CheckedParams, TyperCommand):
    """A command whose typed values are checked (see the module's docstring)."""


class CheckedGroup(_CheckedParams, TyperGroup):
    """A group of subcommands whose own options are checked too (followups --until, ...)."""
