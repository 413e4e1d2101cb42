"""SQLite: mail taken in and sent, the files attached to it, and what threading reads."""

from __future__ import annotations

import sqlite3

from shopcare.store.sqlite.connect import assignments, column_names, marks, tuples

_MAIL_COLUMNS = (
    "id, message_id, direction, case_id, event_id, action, at, sender, subject, refs,"
    " undelivered_at"
)


class MailQueries:
    """Mixed into SqliteStore; see store/api.py for what each method promises."""

    conn: sqlite3.Connection

    def mail_by_message_id(self, message_id: str) -> dict | None:
        return self.conn.execute(
            f"SELECT {_MAIL_COLUMNS} FROM mail WHERE message_id = ?", [message_id]
        ).fetchone()

    def mail_of_event(self, event_id: int) -> dict | None:
        return self.conn.execute(
            f"SELECT {_MAIL_COLUMNS}, raw FROM mail WHERE event_id = ?", [event_id]
        ).fetchone()

    def add_mail(self, columns: dict) -> int:
        names = column_names(columns)
        cursor = self.conn.execute(
            f"INSERT INTO mail ({', '.join(names)}) VALUES ({marks(names)})",
            list(columns.values()),
        )
        return cursor.lastrowid

    def add_attachments(self, mail_id: int, files: list[tuple[str, str, int, str]]) -> None:
        self.conn.executemany(
            "INSERT INTO attachments (mail_id, name, content_type, size, sha256)"
            " VALUES (?, ?, ?, ?, ?)",
            [(mail_id, *file) for file in files],
        )

    def attachments_of_mail(self, mail_id: int) -> list[dict]:
        return self.conn.execute(
            "SELECT name, content_type, size, sha256 FROM attachments WHERE mail_id = ?"
            " ORDER BY id",
            [mail_id],
        ).fetchall()

    def mark_mail_undelivered(self, mail_id: int, at: str) -> None:
        self.conn.execute(
            "UPDATE mail SET undelivered_at = ? WHERE id = ? AND undelivered_at IS NULL",
            [at, mail_id],
        )

    def latest_mail_in(self, case_id: int) -> dict | None:
        return self.conn.execute(
            f"SELECT {_MAIL_COLUMNS} FROM mail WHERE case_id = ? AND direction = 'in'"
            " AND action = 'message' ORDER BY at DESC, id DESC LIMIT 1",
            [case_id],
        ).fetchone()

    def replies_sent_since(self, case_id: int, since: str) -> list[dict]:
        return self.conn.execute(
            "SELECT id, at, author, text FROM events WHERE case_id = ? AND kind = 'reply_sent'"
            " AND at >= ? ORDER BY at, id",
            [case_id, since],
        ).fetchall()

    def open_cases_of_customer(self, customer_id: int, statuses: list[str]) -> list[int]:
        return [
            row[0]
            for row in tuples(
                self.conn,
                f"SELECT id FROM cases WHERE customer_id = ? AND status IN ({marks(statuses)})"
                " ORDER BY received_at DESC, id DESC",
                [customer_id, *statuses],
            )
        ]

    def update_mail(self, mail_id: int, changes: dict) -> None:
        if changes:
            self.conn.execute(
                f"UPDATE mail SET {assignments(changes)} WHERE id = ?",
                [*changes.values(), mail_id],
            )

    def drop_mail(self, mail_id: int) -> None:
        self.conn.execute("DELETE FROM attachments WHERE mail_id = ?", [mail_id])
        self.conn.execute("DELETE FROM mail WHERE id = ?", [mail_id])

    def mail_sending(self, case_id: int, since: str) -> list[dict]:
        return self.conn.execute(
            f"SELECT {_MAIL_COLUMNS} FROM mail WHERE case_id = ? AND direction = 'out'"
            " AND action = 'sending' AND at >= ? ORDER BY at",
            [case_id, since],
        ).fetchall()
