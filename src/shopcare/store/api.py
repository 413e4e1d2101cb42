"""What the rest of shopcare may ask of a database. Everything above the store speaks to this
interface and to plain values: dicts of a row's columns, ints and strings, datetimes as the
clock's storage strings. A second database (PostgreSQL, for teams) is a second class with
the same methods; nothing above it changes.

The promises every implementation keeps:
- ids come from the database (an INTEGER PRIMARY KEY, an identity column), never max(id)+1;
- money is integer yen; booleans are the integers 0 and 1;
- `write()` is one transaction that takes the write lock before its first read, so that the
  reads that lead to a write see what no other writer can change before it commits;
- rows come back as dicts keyed by column name (the json field names the README documents).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Protocol


class Store(Protocol):
    """One open database, for the length of one command."""

    def write(self) -> AbstractContextManager[None]:
        """One write transaction, with the reads that lead to it: committed at the end, rolled
        back on any error."""
        ...

    def close(self) -> None: ...

    def imported_holidays(self) -> list[tuple[str, str]]:
        """The holidays `calendar import` stored: (ISO date, name)."""
        ...

    # --- cases, events, customers (store/sqlite/cases.py) ---

    # --- orders and the importer (store/sqlite/orders.py) ---

    # --- follow-up marks, remedies, holidays (store/sqlite/followups.py) ---

    # --- what drafts read (store/sqlite/replies.py) ---


Rows = Iterator[dict]
