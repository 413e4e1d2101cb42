"""SQLite: Follow-up marks (done, snoozed), remedies, imported holidays."""

from __future__ import annotations

import sqlite3


class FollowupsQueries:
    """Mixed into SqliteStore; see store/api.py for what each method promises."""

    conn: sqlite3.Connection
