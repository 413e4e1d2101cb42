"""SQLite: Orders, their items, and the importer's writes."""

from __future__ import annotations

import sqlite3


class OrdersQueries:
    """Mixed into SqliteStore; see store/api.py for what each method promises."""

    conn: sqlite3.Connection
