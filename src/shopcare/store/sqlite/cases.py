"""SQLite: Cases, their timeline (events) and customers."""

from __future__ import annotations

import sqlite3


class CasesQueries:
    """Mixed into SqliteStore; see store/api.py for what each method promises."""

    conn: sqlite3.Connection
