"""What every command opens: the home, its config, the database, the clock and the author."""

from __future__ import annotations

import getpass
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
    from shopcare.categories import Categories
    from shopcare.config import Config

_home_option: str | None = None
_BUSINESS = re.compile(r"^[+-]\d+b[dh]$")


def set_home_option(value: str | None) -> None:
    global _home_option
    _home_option = value


def home_path() -> Path:
    from typer import get_app_dir

    return resolve_home(_home_option, get_app_dir("shopcare"))


def author() -> str:
    name = os.environ.get("SHOPCARE_USER")
    if name:
        return name
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
        actor: clock.Actor,
        categories: Categories,
    ) -> None:
        self.home = home
        self.conn = conn
        self.config = config
        self.tz = tz
        self.actor = actor
        self.categories = categories
        self._calendar = None

    @property
    def lang(self) -> str:
        return self.config.language

    def when(self, text: str, bare_date: clock.DayTime) -> datetime:
        business = bool(_BUSINESS.match(text.strip().lower()))  # +2bd, +4bh need the calendar
        return clock.parse_when(
            text,
            tz=self.tz,
            current=self.actor.now,
            bare_date=bare_date,
            calendar=self.calendar if business else None,
        )

    @property
    def today(self):
        return self.actor.now.astimezone(self.tz).date()

    @property
    def calendar(self):
        """The shop's business calendar (config.toml plus imported holidays), built on first use."""
        if self._calendar is None:
            from shopcare.policycache import holidays_known
            from shopcare.shopcalendar import ShopCalendar

            known = holidays_known(self.home, self.today) if self.config.holidays == "jp" else None
            self._calendar = ShopCalendar.load(self.conn, self.config, known)
        return self._calendar

    def closing_time(self) -> clock.DayTime:
        """A promise 'by the 26th' is due at the shop's closing time that day."""
        return clock.DayTime(self.config.close)


@contextmanager
def session() -> Iterator[Session]:
    from shopcare.categories import categories_for
    from shopcare.config import load_config
    from shopcare.db import open_db

    home = ensure_home(home_path())
    config = load_config(home / CONFIG_NAME)
    tz = config.tz()
    actor = clock.Actor(author=author(), now=clock.now())
    categories = categories_for(home)
    with open_db(home) as conn:
        yield Session(home, conn, config, tz, actor, categories)


def read_text(value: str | None) -> str | None:
    """A text argument, where - means: read it from standard input."""
    if value != "-":
        return value
    if sys.stdin is None:
        raise ShopcareError("- means standard input, but there is none")
    return sys.stdin.read()
