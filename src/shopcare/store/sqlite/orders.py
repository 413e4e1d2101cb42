"""SQLite: orders, their items, and the importer's writes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from shopcare.store.sqlite.connect import assignments, batched, column_names, marks, tuples

_ITEMS_INSERT = (
    "INSERT INTO order_items (order_id, name, sku, quantity, price) VALUES (?, ?, ?, ?, ?)"
)


class OrdersQueries:
    """Mixed into SqliteStore; see store/api.py for what each method promises."""

    conn: sqlite3.Connection

    # look-ups

    def orders_numbered(self, numbers: Iterable[str], mall: str | None = None) -> list[dict]:
        where = "mall = ? AND " if mall is not None else ""
        found: list[dict] = []
        for chunk in batched(list(numbers)):
            params = [mall, *chunk] if mall is not None else chunk
            found += self.conn.execute(
                f"SELECT * FROM orders WHERE {where}number IN ({marks(chunk)})", params
            ).fetchall()
        return found

    def all_orders(self) -> Iterator[dict]:
        yield from self.conn.execute("SELECT * FROM orders ORDER BY id")

    def orders_of_customer(self, customer_id: int, limit: int | None = None) -> list[dict]:
        sql = "SELECT * FROM orders WHERE customer_id = ? ORDER BY ordered_at DESC, id DESC"
        params: list = [customer_id]
        if limit:
            sql += " LIMIT ?"
            params.append(limit)
        return self.conn.execute(sql, params).fetchall()

    def orders_of_customers(self, customer_ids: Iterable[int]) -> dict[int, list[dict]]:
        found: dict[int, list[dict]] = {customer_id: [] for customer_id in customer_ids}
        for chunk in batched(list(found)):
            for row in self.conn.execute(
                f"SELECT * FROM orders WHERE customer_id IN ({marks(chunk)})"
                " ORDER BY customer_id, ordered_at DESC, id DESC",
                chunk,
            ):
                found[row["customer_id"]].append(row)
        return found

    def items_of_orders(self, order_ids: Iterable[int]) -> dict[int, list[tuple]]:
        found: dict[int, list[tuple]] = {order_id: [] for order_id in order_ids}
        for chunk in batched(list(found)):
            for row in tuples(
                self.conn,
                "SELECT order_id, name, sku, quantity, price FROM order_items"
                f" WHERE order_id IN ({marks(chunk)}) ORDER BY id",
                chunk,
            ):
                found[row[0]].append(row[1:])
        return found

    # the importer's writes

    def customers_by_email(self, emails: Iterable[str]) -> dict[str, dict]:
        found: dict[str, dict] = {}
        for chunk in batched(list(emails)):
            for row in self.conn.execute(
                f"SELECT id, email, name FROM customers WHERE email IN ({marks(chunk)})", chunk
            ):
                found[row["email"]] = row
        return found

    def name_customers(self, names: dict[int, str]) -> None:
        self.conn.executemany(
            "UPDATE customers SET name = ? WHERE id = ?",
            [(name, customer_id) for customer_id, name in names.items()],
        )

    def add_customers(self, customers: dict[str, str | None], created_at: str) -> dict[str, int]:
        if not customers:
            return {}
        self.conn.executemany(
            "INSERT INTO customers (email, name, created_at) VALUES (?, ?, ?)",
            [(email, name, created_at) for email, name in customers.items()],
        )
        # the ids are the database's: read back by the address, unique, in this transaction
        ids: dict[str, int] = {}
        for chunk in batched(list(customers)):
            ids.update(
                tuples(
                    self.conn,
                    f"SELECT email, id FROM customers WHERE email IN ({marks(chunk)})",
                    chunk,
                )
            )
        return ids

    def add_orders(
        self,
        mall: str,
        columns: Sequence[str],
        orders: list[tuple],
        items: list[list[tuple]],
    ) -> None:
        if not orders:
            return
        names = ", ".join(column_names(columns))
        with self._indexes_made_after("orders", len(orders)):
            self.conn.executemany(
                f"INSERT INTO orders (mall, number, {names}) VALUES (?, ?, {marks(columns)})",
                ((mall, *order) for order in orders),
            )
        # the ids are the database's: read back by mall and number, unique, in this transaction
        ids: dict[str, int] = {}
        for chunk in batched([order[0] for order in orders]):
            ids.update(
                tuples(
                    self.conn,
                    f"SELECT number, id FROM orders WHERE mall = ? AND number IN ({marks(chunk)})",
                    [mall, *chunk],
                )
            )
        with self._indexes_made_after("order_items", sum(map(len, items))):
            self.conn.executemany(
                _ITEMS_INSERT,
                (
                    (order_id, *item)
                    for order, its in zip(orders, items, strict=True)
                    if its
                    for order_id in (ids[order[0]],)
                    for item in its
                ),
            )

    @contextmanager
    def _indexes_made_after(self, table: str, adding: int) -> Iterator[None]:
        """Where the rows added outnumber those the table holds (a shop's first import), its
        indexes are dropped before and made again after: one sort each instead of a B-tree
        insertion per row. Inside the caller's transaction, so a failure restores them.
        Measured: the 100,000-row import's benchmark figure needs it (bench/README.md)."""
        (held,) = tuples(self.conn, f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()
        indexes = []
        if adding > held:
            indexes = tuples(
                self.conn,
                "SELECT name, sql FROM sqlite_master"
                " WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                [table],
            ).fetchall()
        for name, _sql in indexes:
            self.conn.execute(f'DROP INDEX "{name}"')
        yield
        for _name, sql in indexes:
            self.conn.execute(sql)

    def update_order(self, order_id: int, changes: dict) -> None:
        if changes:
            columns = assignments(changes)
            self.conn.execute(
                f"UPDATE orders SET {columns} WHERE id = ?", [*changes.values(), order_id]
            )

    def replace_order_items(self, order_id: int, items: list[tuple]) -> None:
        self.conn.execute("DELETE FROM order_items WHERE order_id = ?", [order_id])
        self.conn.executemany(_ITEMS_INSERT, [(order_id, *item) for item in items])
