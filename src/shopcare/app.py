"""One place that builds what a command needs: the home, its config, the clock, the store,
the calendar, the categories in force and who is writing. The command line asks for it; so
can a mail system's hook or a test, without typer."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from shopcare import clock
from shopcare.errors import ShopcareError, check_text
from shopcare.home import CONFIG_NAME, DB_NAME, ensure_home

if TYPE_CHECKING:
    from shopcare.domain.calendar import ShopCalendar
    from shopcare.domain.categories import Categories
    from shopcare.settings.config import Config
    from shopcare.store.api import Store
    from shopcare.store.location import Location

_BUSINESS = re.compile(r"^[+-]\d+b[dh]$")


def author(operator: str | None = None) -> str:
    """Who is writing: SHOPCARE_USER, else [operator] name in config.toml, else the login name."""
    name = os.environ.get("SHOPCARE_USER")
    if name:
        return check_text(name, "SHOPCARE_USER")
    if operator:
        return operator
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid{os.getuid()}"


class Session:
    """One command's home, config, store, zone, author and clock."""

    def __init__(
        self,
        home: Path,
        store: Store,
        config: Config,
        tz: tzinfo,
        now: datetime,
        location: Location | None = None,
    ) -> None:
        self.home = home
        self.location = location
        self.store = store
        self.config = config
        self.tz = tz
        self.now = now
        self._actor: clock.Actor | None = None
        self._categories: Categories | None = None
        self._calendar: ShopCalendar | None = None

    @property
    def actor(self) -> clock.Actor:
        """Who is writing, and when: the author is looked up only by commands that write."""
        if self._actor is None:
            self._actor = clock.Actor(author(self.config.operator), self.now)
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
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    @property
    def calendar(self) -> ShopCalendar:
        """The shop's business calendar (config.toml plus imported holidays), built on first use."""
        if self._calendar is None:
            from shopcare.domain.calendar import ShopCalendar
            from shopcare.settings.derived import holidays_known

            known = holidays_known(self.home, self.today) if self.config.holidays == "jp" else None
            self._calendar = ShopCalendar.load(self.store, self.config, known)
        return self._calendar

    def closing_time(self) -> clock.DayTime:
        """A promise 'by the 26th' is due at the shop's closing time that day."""
        return clock.DayTime(self.config.close)


class NoShop(ShopcareError):
    """There is no shop at the home, and the command may not make one."""


def locate(path: Path) -> tuple[Config, Location]:
    """The home's config.toml (the defaults where there is none yet) and where its database
    is, without opening it: for `restore`, which must work where the database is missing or
    damaged."""
    from shopcare.settings.config import load_config
    from shopcare.store.location import shop_location

    config = load_config(path / CONFIG_NAME)
    return config, shop_location(path, config.database_url, DB_NAME)


@contextmanager
def open_session(path: Path, writes: bool = False, make: bool = True) -> Iterator[Session]:
    """What a command works on. A reading command on a home with no shop in it says so (a
    mistyped --home must not look like an empty shop); a writing command makes the shop, and
    says where, once. The shop's database is the home's SQLite file unless SHOPCARE_DATABASE
    or [database] url names another (TEAM.md). make=False: a writing command that finds no
    shop makes none either (NoShop), as `mail in` must not."""
    from shopcare.store import open_store

    config, location = locate(path)
    new = location.kind == "sqlite" and not location.path.exists()
    if new and not (writes and make):
        raise NoShop(
            f"no shop at {path}",
            f"make one with shopcare --home {path} init (or check --home and SHOPCARE_HOME)",
        )
    home = ensure_home(path)
    tz = config.tz()
    now = clock.now()
    with open_store(home, location, clock.to_storage(now)) as store:
        if new:
            sys.stderr.write(f"a new shop is made at {home}\n")
        yield Session(home, store, config, tz, now, location)
