"""What `shopcare purge` reads and erases (SAFETY.md), in the SQL both databases read: the cases
closed before a date, what of theirs holds personal data, and the erasing itself. The one path
past the append-only timeline: its writes run inside the store's `erasing()`, which lifts the
timeline's guard for that one transaction (store/sqlite/__init__.py, store/postgres/)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from shopcare.store.sqlite.connect import batched, marks, tuples
from shopcare.store.sqlite.search_index import index_queued

# a case that no longer needs its customer's data: closed before the date
_SETTLED = "c.status = 'closed' AND c.closed_at < ?"
# the cases of an order, as the rest of shopcare links them
_ORDER_CASES = "c.order_number = o.number AND (c.mall IS NULL OR o.mall = c.mall)"


class PurgeQueries:
    """Mixed into both stores; see store/api.py for what each method promises."""

    conn: sqlite3.Connection

    def _unguard_timeline(self) -> None: ...  # each store's own (see erasing())

    def purge_cases(self, before: str) -> list[dict]:
        return [
            dict(zip(("id", "closed_at", "category", "customer_id", "customer_name"), row, strict=True))
            for row in tuples(
                self.conn,
                "SELECT c.id, c.closed_at, c.category, c.customer_id, cu.name FROM cases c"
                " LEFT JOIN customers cu ON cu.id = c.customer_id"
                f" WHERE {_SETTLED} AND NOT EXISTS (SELECT 1 FROM events e"
                " WHERE e.case_id = c.id AND e.kind = 'purged' AND e.at >= c.closed_at)"
                " ORDER BY c.id",
                [before],
            )
        ]  # fmt: skip

    def purge_events(self, case_ids: Sequence[int]) -> list[tuple]:
        found: list[tuple] = []
        for chunk in batched(list(case_ids)):
            found += tuples(
                self.conn,
                "SELECT id, case_id, kind, text, data FROM events"
                f" WHERE case_id IN ({marks(chunk)}) ORDER BY id",
                chunk,
            ).fetchall()
        return found

    def purge_customers(self, customer_ids: Sequence[int], before: str) -> list[int]:
        found: list[int] = []
        for chunk in batched(sorted(set(customer_ids))):
            found += [
                row[0]
                for row in tuples(
                    self.conn,
                    f"SELECT cu.id FROM customers cu WHERE cu.id IN ({marks(chunk)})"
                    " AND (cu.name IS NOT NULL OR cu.email IS NOT NULL)"
                    " AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.customer_id = cu.id"
                    f" AND NOT ({_SETTLED})) AND NOT EXISTS (SELECT 1 FROM orders o"
                    " WHERE o.customer_id = cu.id AND coalesce(o.ordered_at, o.imported_at) >= ?)"
                    " ORDER BY cu.id",
                    [*chunk, before, before],
                )
            ]
        return found

    def purge_orders(
        self, case_ids: Sequence[int], customer_ids: Sequence[int], before: str
    ) -> list[int]:
        found: set[int] = set()
        for chunk in batched(list(case_ids)):
            found.update(
                row[0]
                for row in tuples(
                    self.conn,
                    f"SELECT o.id FROM orders o JOIN cases c ON {_ORDER_CASES}"
                    f" WHERE c.id IN ({marks(chunk)})"
                    " AND (o.customer_name IS NOT NULL OR o.customer_email IS NOT NULL"
                    " OR o.tracking_number IS NOT NULL)"
                    f" AND NOT EXISTS (SELECT 1 FROM cases c WHERE {_ORDER_CASES}"
                    f" AND NOT ({_SETTLED}))",
                    [*chunk, before],
                )
            )
        for chunk in batched(list(customer_ids)):
            found.update(
                row[0]
                for row in tuples(
                    self.conn,
                    f"SELECT o.id FROM orders o WHERE o.customer_id IN ({marks(chunk)})"
                    " AND (o.customer_name IS NOT NULL OR o.customer_email IS NOT NULL"
                    " OR o.tracking_number IS NOT NULL)"
                    f" AND NOT EXISTS (SELECT 1 FROM cases c WHERE {_ORDER_CASES}"
                    f" AND NOT ({_SETTLED}))",
                    [*chunk, before],
                )
            )
        return sorted(found)

    def purge_mail(self, case_ids: Sequence[int], before: str) -> list[tuple[int, int | None]]:
        found = tuples(
            self.conn,
            "SELECT id, case_id FROM mail WHERE case_id IS NULL AND at < ? AND length(raw) > 0",
            [before],
        ).fetchall()
        for chunk in batched(list(case_ids)):
            found += tuples(
                self.conn,
                f"SELECT id, case_id FROM mail WHERE case_id IN ({marks(chunk)})"
                " AND (length(raw) > 0 OR sender IS NOT NULL OR subject IS NOT NULL)",
                chunk,
            ).fetchall()
        return sorted(found)

    def purge_attachments(self, mail_ids: Sequence[int]) -> list[tuple[int, str, bool]]:
        found: list[tuple[int, str, bool]] = []
        for chunk in batched(list(mail_ids)):
            found += [
                (attachment_id, digest, bool(shared))
                for attachment_id, digest, shared in tuples(
                    self.conn,
                    "SELECT a.id, a.sha256, EXISTS (SELECT 1 FROM attachments b"
                    " JOIN mail m ON m.id = b.mail_id AND length(m.raw) > 0"
                    f" WHERE b.sha256 = a.sha256 AND b.mail_id NOT IN ({marks(chunk)}))"
                    f" FROM attachments a WHERE a.mail_id IN ({marks(chunk)}) ORDER BY a.id",
                    [*chunk, *chunk],
                )
            ]
        return found

    def attachments_kept(self, digests: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for chunk in batched(list(digests)):
            found.update(
                row[0]
                for row in tuples(
                    self.conn,
                    "SELECT DISTINCT a.sha256 FROM attachments a JOIN mail m ON m.id = a.mail_id"
                    f" WHERE a.sha256 IN ({marks(chunk)}) AND length(m.raw) > 0",
                    chunk,
                )
            )
        return found

    def customers_kept(self) -> list[int]:
        return [
            int(row[0])
            for row in tuples(
                self.conn,
                "SELECT DISTINCT json_extract(data, '$.customer_kept') FROM events"
                " WHERE kind = 'purged' AND json_extract(data, '$.customer_kept') IS NOT NULL",
            )
        ]

    def erase_cases(self, case_ids: Sequence[int]) -> None:
        for chunk in batched(list(case_ids)):
            # the index first takes out the timeline's texts (no trigger follows an update of
            # the timeline, which is otherwise never updated); the case's own texts and its
            # customer's follow through their triggers
            self.conn.execute(
                "INSERT INTO search_queue (entry, text, remove)"
                " SELECT (case_id << 3) | CASE kind WHEN 'message' THEN 2 ELSE 3 END, text, 1"
                f" FROM events WHERE case_id IN ({marks(chunk)})"
                " AND kind IN ('message', 'note') AND text <> '' ORDER BY id",
                chunk,
            )
            self.conn.execute(
                "UPDATE cases SET summary = '', request = NULL, cause = NULL, prevention = NULL,"
                f" last_message = NULL, customer_id = NULL WHERE id IN ({marks(chunk)})",
                chunk,
            )
            self.conn.execute(
                f"UPDATE followup_state SET note = NULL WHERE case_id IN ({marks(chunk)})", chunk
            )

    def erase_events(self, kept: Sequence[tuple[int, str | None]]) -> None:
        """kept: (event id, the data left, as json text, or None)."""
        if not kept:
            return
        self._unguard_timeline()  # the store's own: erasing() puts the guard back
        self.conn.executemany(
            "UPDATE events SET text = NULL, data = ? WHERE id = ?",
            [(data, event_id) for event_id, data in kept],
        )

    def erase_customers(self, customer_ids: Sequence[int]) -> None:
        for chunk in batched(list(customer_ids)):
            self.conn.execute(
                f"UPDATE customers SET name = NULL, email = NULL WHERE id IN ({marks(chunk)})",
                chunk,
            )

    def erase_orders(self, order_ids: Sequence[int]) -> None:
        for chunk in batched(list(order_ids)):
            self.conn.execute(
                "UPDATE orders SET customer_name = NULL, customer_email = NULL,"
                " tracking_number = NULL"
                f" WHERE id IN ({marks(chunk)})",
                chunk,
            )

    def erase_mail(self, mail_ids: Sequence[int]) -> None:
        for chunk in batched(list(mail_ids)):
            self.conn.execute(
                "UPDATE mail SET raw = ?, sender = NULL, subject = NULL, refs = NULL"
                f" WHERE id IN ({marks(chunk)})",
                [b"", *chunk],
            )
            self.conn.execute(
                f"UPDATE attachments SET name = '' WHERE mail_id IN ({marks(chunk)})", chunk
            )

    def index_erased(self) -> None:
        index_queued(self.conn, when_full=False)
