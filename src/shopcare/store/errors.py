"""What a database can raise that a user must see as one line: the errors, and their words."""

from __future__ import annotations

import sqlite3

DATABASE_ERRORS: tuple[type[BaseException], ...] = (sqlite3.OperationalError,)


def explain_database_error(exc: BaseException) -> tuple[str, str | None]:
    """The message and hint for a database error raised while a command ran."""
    text = str(exc)
    if "readonly" in text:
        return (
            "the database is read-only: this command writes to it",
            "reading commands work on it; to write, check its permissions or run as its owner",
        )
    if "locked" in text:
        return f"database: {exc}", "another shopcare is writing; try again in a moment"
    return f"database: {exc}", None
