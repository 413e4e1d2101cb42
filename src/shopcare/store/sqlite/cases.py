"""SQLite: Cases, their timeline (events) and customers."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from shopcare.domain.casefields import CLOCK_KEYS
from shopcare.store.sqlite.connect import (
    assignments,
    batched,
    column_names,
    in_group,
    marks,
    tuples,
)

# A case's fields as the json interface names them, and the column each comes from: the case's
# own, and its customer's name and e-mail address.
CASE_COLUMNS = {
    "id": "c.id",
    "received_at": "c.received_at",
    "channel": "c.channel",
    "mall": "c.mall",
    "order_number": "c.order_number",
    "customer_name": "cu.name",
    "customer_email": "cu.email",
    "customer_id": "c.customer_id",
    "category": "c.category",
    "priority": "c.priority",
    "status": "c.status",
    "assignee": "c.assignee",
    "summary": "c.summary",
    "request": "c.request",
    "fault": "c.fault",
    "cause": "c.cause",
    "prevention": "c.prevention",
    "created_at": "c.created_at",
    "updated_at": "c.updated_at",
    "closed_at": "c.closed_at",
    "awaiting_reply_since": "c.awaiting_reply_since",
    "last_customer_at": "c.last_customer_at",
    "paused_since": "c.paused_since",
    "paused_seconds": "c.paused_seconds",
    "resolved_at": "c.resolved_at",
    "undelivered_at": "c.undelivered_at",
    "first_reply_at": "c.first_reply_at",
    "first_resolved_at": "c.first_resolved_at",
    "customer_reopened": "c.customer_reopened",
    "last_reopened_at": "c.last_reopened_at",
}


# the follow-up clocks' and the report's own columns, which drafts do not read
CLOCK_COLUMNS = CLOCK_KEYS


def with_data(events: list[dict]) -> list[dict]:
    """Events with their data column read back from json into the dict it was (or None)."""
    import json  # here, not at the top: listing cases needs no json

    for event in events:
        event["data"] = json.loads(event["data"]) if event["data"] else None
    return events


def case_select(keys: Iterable[str] = CASE_COLUMNS) -> str:
    """SELECT of these case fields (by default all), FROM a case and its customer."""
    columns = ", ".join(
        expr if expr[2:] == key else f"{expr} AS {key}"
        for key, expr in CASE_COLUMNS.items()
        if key in keys
    )
    return f"SELECT {columns} FROM cases c LEFT JOIN customers cu ON cu.id = c.customer_id"


CASE_SELECT = case_select()
CUSTOMER_SELECT = "SELECT id, email, name, lang, created_at FROM customers"


class CasesQueries:
    """Mixed into SqliteStore; see store/api.py for what each method promises."""

    conn: sqlite3.Connection

    # cases

    def case_row(self, case_id: int) -> dict | None:
        return self.conn.execute(CASE_SELECT + " WHERE c.id = ?", [case_id]).fetchone()

    def case_rows(
        self,
        *,
        statuses: Sequence[str] | None = None,
        category: str | None = None,
        category_group: str | None = None,
        mall: str | None = None,
        order_numbers: Sequence[str] | None = None,
        customer_email: str | None = None,
        assignee: str | None = None,
    ) -> Iterator[dict]:
        where: list[str] = []
        params: list = []
        if statuses is not None:  # by the status index, not a scan of the whole history
            where.append(f"c.status IN ({marks(statuses)})")
            params += statuses
        if category is not None:
            where.append("c.category = ?")
            params.append(category)
        if category_group is not None:
            clause, values = in_group("c.category", category_group)
            where.append(clause)
            params += values
        if mall is not None:
            where.append("c.mall = ?")
            params.append(mall)
        if order_numbers is not None:
            where.append(f"c.order_number IN ({marks(order_numbers)})")
            params += order_numbers
        if customer_email is not None:
            where.append("cu.email = ?")
            params.append(customer_email)
        if assignee is not None:
            where.append("c.assignee = ?")
            params.append(assignee)
        sql = (
            CASE_SELECT
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY c.received_at, c.id"
        )
        yield from self.conn.execute(sql, params)

    def cases_of_customer(self, customer_id: int) -> list[dict]:
        return self.conn.execute(
            CASE_SELECT + " WHERE c.customer_id = ? ORDER BY c.received_at DESC, c.id DESC",
            [customer_id],
        ).fetchall()

    def add_case(self, columns: dict) -> int:
        cursor = self.conn.execute(
            f"INSERT INTO cases ({', '.join(column_names(columns))}) VALUES ({marks(columns)})",
            list(columns.values()),
        )
        return cursor.lastrowid

    def update_case_columns(self, case_id: int, changes: dict) -> None:
        if changes:
            self.conn.execute(
                f"UPDATE cases SET {assignments(changes)} WHERE id = ?",
                [*changes.values(), case_id],
            )

    # the timeline

    def add_event(
        self,
        case_id: int,
        at: str,
        kind: str,
        author: str,
        text: str | None = None,
        note_kind: str | None = None,
        due_at: str | None = None,
        amount: int | None = None,
        data: dict | None = None,
    ) -> int:
        import json  # here, not at the top: listing cases needs no json

        cursor = self.conn.execute(
            "INSERT INTO events (case_id, at, kind, author, text, note_kind, due_at, amount, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                case_id,
                at,
                kind,
                author,
                text,
                note_kind,
                due_at,
                amount,
                json.dumps(data, ensure_ascii=False) if data else None,
            ],
        )
        return cursor.lastrowid

    def events_of_cases(self, case_ids: Sequence[int]) -> dict[int, list[dict]]:
        found: dict[int, list[dict]] = {case_id: [] for case_id in case_ids}
        for chunk in batched(list(found)):
            for event in with_data(
                self.conn.execute(
                    "SELECT case_id, id, at, kind, author, text, note_kind, due_at, amount, data"
                    f" FROM events WHERE case_id IN ({marks(chunk)}) ORDER BY case_id, at, id",
                    chunk,
                ).fetchall()
            ):
                found[event.pop("case_id")].append(event)
        return found

    def cases_of_customers(self, customer_ids: Sequence[int]) -> dict[int, list[dict]]:
        found: dict[int, list[dict]] = {customer_id: [] for customer_id in customer_ids}
        for chunk in batched(list(found)):
            for row in self.conn.execute(
                CASE_SELECT + f" WHERE c.customer_id IN ({marks(chunk)})"
                " ORDER BY c.customer_id, c.received_at DESC, c.id DESC",
                chunk,
            ):
                found[row["customer_id"]].append(row)
        return found

    def events_of_case(self, case_id: int) -> list[dict]:
        return with_data(
            self.conn.execute(
                "SELECT id, at, kind, author, text, note_kind, due_at, amount, data FROM events"
                " WHERE case_id = ? ORDER BY at, id",
                [case_id],
            ).fetchall()
        )

    # the follow-up marks a change to a case settles

    def drop_followup_marks(self, fids: Sequence[str]) -> None:
        if fids:
            self.conn.execute(f"DELETE FROM followup_state WHERE fid IN ({marks(fids)})", fids)

    def end_snoozes_of_case(self, case_id: int) -> None:
        self.conn.execute(
            "DELETE FROM followup_state WHERE case_id = ? AND done_at IS NULL", [case_id]
        )

    # customers

    def customer_row(self, customer_id: int) -> dict | None:
        return self.conn.execute(CUSTOMER_SELECT + " WHERE id = ?", [customer_id]).fetchone()

    def customer_edits(self) -> Iterator[tuple]:
        yield from tuples(
            self.conn,
            "SELECT c.customer_id, e.data FROM events e JOIN cases c ON c.id = e.case_id"
            " WHERE e.kind = 'edited' ORDER BY e.id",
        )

    def all_customers(self) -> Iterator[dict]:
        yield from self.conn.execute(CUSTOMER_SELECT + " ORDER BY id")

    def find_customer_by_email(self, email: str) -> dict | None:
        return self.conn.execute(CUSTOMER_SELECT + " WHERE email = ?", [email]).fetchone()

    def add_customer(self, email: str | None, name: str | None, created_at: str) -> int:
        cursor = self.conn.execute(
            "INSERT INTO customers (email, name, created_at) VALUES (?, ?, ?)",
            [email, name, created_at],
        )
        return cursor.lastrowid

    def update_customer_columns(self, customer_id: int, changes: dict) -> None:
        if changes:
            self.conn.execute(
                f"UPDATE customers SET {assignments(changes)} WHERE id = ?",
                [*changes.values(), customer_id],
            )

    def case_customer_languages(self, case_ids: Iterable[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        for chunk in batched(sorted(set(case_ids))):
            for row in self.conn.execute(
                "SELECT c.id, cu.lang FROM cases c JOIN customers cu ON cu.id = c.customer_id"
                f" WHERE c.id IN ({marks(chunk)}) AND cu.lang IS NOT NULL",
                chunk,
            ):
                found[row["id"]] = row["lang"]
        return found

    def order_customer_languages(self, order_ids: Iterable[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        for chunk in batched(sorted(set(order_ids))):
            for row in self.conn.execute(
                "SELECT o.id, cu.lang FROM orders o JOIN customers cu ON cu.id = o.customer_id"
                f" WHERE o.id IN ({marks(chunk)}) AND cu.lang IS NOT NULL",
                chunk,
            ):
                found[row["id"]] = row["lang"]
        return found
