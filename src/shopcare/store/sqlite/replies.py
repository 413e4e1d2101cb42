"""SQLite: What a draft reads of cases, orders and events.

A batch of drafts asks for thousands of cases at once: each method takes them all and reads
them a few hundred at a time (one query per batch, not per case)."""

from __future__ import annotations

import sqlite3

from shopcare.store.sqlite.cases import CASE_COLUMNS, CLOCK_COLUMNS, case_select, with_data
from shopcare.store.sqlite.connect import batched, marks, tuples

# A case as a draft sees it: its own fields and its customer's name and e-mail, under the json
# interface's names; not the follow-up clocks' columns, which no mail prints.
_CASES = case_select(key for key in CASE_COLUMNS if key not in CLOCK_COLUMNS)
# An order's fields as a template names them, after the id its items are found by.
_ORDERS = (
    "SELECT id, number, mall, customer_name, customer_email, ordered_at, paid_at, shipped_at,"
    " delivered_at, total, currency, status, tracking_number, carrier, accepts_marketing,"
    " customer_id FROM orders"
)
_ITEMS = "SELECT order_id, name, sku, quantity, price FROM order_items"


class RepliesQueries:
    """Mixed into SqliteStore; see store/api.py for what each method promises."""

    conn: sqlite3.Connection

    def cases_for_drafts(self, case_ids: list[int]) -> list[dict]:
        found: list[dict] = []
        for chunk in batched(sorted(set(case_ids))):
            found += _filled(tuples(self.conn, _CASES + f" WHERE c.id IN ({marks(chunk)})", chunk))
        return found

    def events_for_drafts(self, case_ids: list[int], kinds: list[str]) -> list[dict]:
        found: list[dict] = []
        for chunk in batched(sorted(set(case_ids))):
            found += self.conn.execute(
                "SELECT case_id, kind, text, due_at, data FROM events"
                f" WHERE case_id IN ({marks(chunk)}) AND kind IN ({marks(kinds)})"
                " ORDER BY at, id",
                [*chunk, *kinds],
            )
        return with_data(found)

    def orders_for_drafts(self, numbers: list[str]) -> dict[str, list[dict]]:
        by_id: dict[int, dict] = {}
        for chunk in batched(sorted(set(numbers))):
            by_id |= self._draft_orders(f" WHERE number IN ({marks(chunk)})", chunk)
        found: dict[str, list[dict]] = {}
        for order in by_id.values():
            found.setdefault(order["number"], []).append(order)
        return found

    def order_for_draft(self, order_id: int) -> dict | None:
        return self._draft_orders(" WHERE id = ?", [order_id]).get(order_id)

    def _draft_orders(self, where: str, params: list) -> dict[int, dict]:
        """The orders found, by id: each the fields that hold a value, and its items (every
        field), in the export's order. Read as tuples: one dict is made per order and item."""
        orders = {}
        for order in _filled(tuples(self.conn, _ORDERS + where, params)):
            order["items"] = []
            orders[order.pop("id")] = order
        for chunk in batched(list(orders)):
            for order_id, name, sku, quantity, price in tuples(
                self.conn, _ITEMS + f" WHERE order_id IN ({marks(chunk)}) ORDER BY id", chunk
            ):
                orders[order_id]["items"].append(
                    {"name": name, "sku": sku, "quantity": quantity, "price": price}
                )
        return orders


def _filled(cursor: sqlite3.Cursor) -> list[dict]:
    """A query's rows, each a dict of the columns that hold a value (NULL: left out)."""
    names = [column[0] for column in cursor.description]
    return [
        {name: value for name, value in zip(names, values, strict=True) if value is not None}
        for values in cursor
    ]
