"""The only place with SQL: what the rest may ask of a database (api.py), and its
implementations (sqlite/, and postgres/ for a team's shared shop)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shopcare.store.api import Store
    from shopcare.store.location import Location


@contextmanager
def open_store(home: Path, location: Location | None = None, now: str = "") -> Iterator[Store]:
    """The shop's database, open for the length of one command: the SQLite file in the home
    unless location names another file or a PostgreSQL server (store/location.py)."""
    if location is not None and location.kind == "postgres":
        from shopcare.store.postgres import PostgresStore
        from shopcare.store.postgres.connect import connect

        store = PostgresStore(connect(location, now), lambda: connect(location, now, migrate=False))
        try:
            yield store
        finally:
            store.close()
        return
    from shopcare.store.sqlite import SqliteStore
    from shopcare.store.sqlite.connect import open_db

    with open_db(home, location.path if location else None) as conn:
        yield SqliteStore(conn)
