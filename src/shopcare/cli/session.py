"""What every command opens: the home, its config, the database, the clock and the author."""

from __future__ import annotations

import os
import re
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from shopcare import clock
from shopcare.errors import ShopcareError
from shopcare.home import CONFIG_NAME, ensure_home, resolve_home

if TYPE_CHECKING:
    from shopcare.domain.categories import Categories
    from shopcare.settings.config import Config

_home_option: str | None = None
_BUSINESS = re.compile(r"^[+-]\d+b[dh]$")


def set_home_option(value: str | None) -> None:
    global _home_option
    if value is not None and not value.strip():
        raise ShopcareError("--home is empty", "give --home a folder, or leave it out")
    _home_option = value


def home_path() -> Path:
    from typer import get_app_dir

    return resolve_home(_home_option, get_app_dir("shopcare"))


def author() -> str:
    name = os.environ.get("SHOPCARE_USER")
    if name:
        from shopcare.cli.params import check_text

        return check_text(name, "SHOPCARE_USER")
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid{os.getuid()}"


class Session:
    """One command's home, config, database, zone, author and clock."""

    def __init__(
        self,
        home: Path,
        conn: sqlite3.Connection,
        config: Config,
        tz: tzinfo,
        now: datetime,
    ) -> None:
        self.home = home
        self.conn = conn
        self.config = config
        self.tz = tz
        self.now = now
        self._actor: clock.Actor | None = None
        self._categories: Categories | None = None
        self._calendar = None

    @property
    def actor(self) -> clock.Actor:
        """Who is writing, and when: the author is looked up only by commands that write."""
        if self._actor is None:
            self._actor = clock.Actor(author(), self.now)
        return self._actor

    @property
    def categories(self) -> Categories:
        """The categories in force: the built-in ones and any the shop's policy adds."""
        if self._categories is None:
            from shopcare.settings.derived import categories_for

            self._categories = categories_for(self.home, self.today)
        return self._categories

    @property
    def lang(self) -> str:
        return self.config.language

    def when(self, text: str, bare_date: clock.DayTime) -> datetime:
        business = bool(_BUSINESS.match(text.strip().lower()))  # +2bd, +4bh need the calendar
        return clock.parse_when(
            text,
            tz=self.tz,
            current=self.now,
            bare_date=bare_date,
            calendar=self.calendar if business else None,
        )

    @property
    def today(self):
        return self.now.astimezone(self.tz).date()

    @property
    def calendar(self):
        """The shop's business calendar (config.toml plus imported holidays), built on first use."""
        if self._calendar is None:
            from shopcare.domain.calendar import ShopCalendar
            from shopcare.settings.derived import holidays_known

            known = holidays_known(self.home, self.today) if self.config.holidays == "jp" else None
            self._calendar = ShopCalendar.load(self.conn, self.config, known)
        return self._calendar

    def closing_time(self) -> clock.DayTime:
        """A promise 'by the 26th' is due at the shop's closing time that day."""
        return clock.DayTime(self.config.close)


@contextmanager
def session(writes: bool = False) -> Iterator[Session]:
    """What a command works on. A reading command on a home with no shop in it says so (a
    mistyped --home must not look like an empty shop); a writing command makes the shop, and
    says where, once."""
    from shopcare.home import DB_NAME
    from shopcare.settings.config import load_config
    from shopcare.store.sqlite.connect import open_db

    path = home_path()
    new = not (path / DB_NAME).exists()
    if new and not writes:
        raise ShopcareError(
            f"no shop at {path}",
            f"make one with shopcare --home {path} init (or check --home and SHOPCARE_HOME)",
        )
    home = ensure_home(path)
    config = load_config(home / CONFIG_NAME)
    tz = config.tz()
    now = clock.now()
    with open_db(home) as conn:
        if new:
            sys.stderr.write(f"a new shop is made at {home}\n")
        yield Session(home, conn, config, tz, now)


def read_text(value: str | None) -> str | None:
    """A text argument, where - means: read it from standard input."""
    if value != "-":
        return value
    return stdin_text()


def stdin_text() -> str:
    """Standard input, whole, as text in its encoding; bytes that are not, an error (not a
    traceback, nor text SQLite cannot store)."""
    from shopcare.cli.params import check_text

    if sys.stdin is None:
        raise ShopcareError("- means standard input, but there is none")
    hint = "pipe text in the terminal's character encoding (the locale, or PYTHONIOENCODING)"
    try:
        text = sys.stdin.read()
    except UnicodeDecodeError as exc:
        raise ShopcareError(f"standard input is not {exc.encoding} text", hint) from None
    return check_text(text, "standard input", hint)  # undecodable bytes, under a C locale
