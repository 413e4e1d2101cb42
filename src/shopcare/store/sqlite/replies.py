"""SQLite: What a draft reads of cases, orders and events."""

from __future__ import annotations

import sqlite3


class RepliesQueries:
    """Mixed into SqliteStore; see store/api.py for what each method promises."""

    conn: sqlite3.Connection
