"""The only place with SQL: what the rest may ask of a database (api.py), and its
implementations (sqlite/; postgres/ arrives with the team issue)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shopcare.store.api import Store


@contextmanager
def open_store(home: Path) -> Iterator[Store]:
    """The home's database, open for the length of one command."""
    from shopcare.store.sqlite import SqliteStore
    from shopcare.store.sqlite.connect import open_db

    with open_db(home) as conn:
        yield SqliteStore(conn)
