"""The command line's side of a session: where --home points, and text read from standard
input. What a command works on is built by shopcare.app."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from shopcare.app import Session, open_session
from shopcare.errors import ShopcareError, check_text
from shopcare.home import resolve_home

_home_option: str | None = None


def set_home_option(value: str | None) -> None:
    global _home_option
    if value is not None and not value.strip():
        raise ShopcareError("--home is empty", "give --home a folder, or leave it out")
    _home_option = value


def home_path() -> Path:
    from typer import get_app_dir

    return resolve_home(_home_option, get_app_dir("shopcare"))


@contextmanager
def session(writes: bool = False, make: bool = True) -> Iterator[Session]:
    """The session of the home --home (or SHOPCARE_HOME) names; see app.open_session."""
    with open_session(home_path(), writes, make) as opened:
        yield opened


def read_text(value: str | None) -> str | None:
    """A text argument, where - means: read it from standard input."""
    if value != "-":
        return value
    return stdin_text()


def stdin_text() -> str:
    """Standard input, whole, as text in its encoding; bytes that are not, an error (not a
    traceback, nor text SQLite cannot store)."""
    if sys.stdin is None:
        raise ShopcareError("- means standard input, but there is none")
    hint = "pipe text in the terminal's character encoding (the locale, or PYTHONIOENCODING)"
    try:
        text = sys.stdin.read()
    except UnicodeDecodeError as exc:
        raise ShopcareError(f"standard input is not {exc.encoding} text", hint) from None
    return check_text(text, "standard input", hint)  # undecodable bytes, under a C locale
