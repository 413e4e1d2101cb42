"""The listings' queries use indexes: EXPLAIN QUERY PLAN shows no full scan of a large table."""

from __future__ import annotations

import pytest

from shopcare.db import open_db
from shopcare.followups import CASE_CLOCKS

PLANS = {
    "replies owed and resolutions due": (
        CASE_CLOCKS.format(statuses="'new', 'open', 'waiting'"),
        [],
        "cases_status",
    ),
    "promises due": (
        "SELECT e.id FROM cases c JOIN events e ON e.case_id = c.id AND e.kind = 'promise'"
        " WHERE c.status IN ('new', 'open', 'waiting', 'resolved') AND e.due_at <= ?",
        ["2026-11-24T00:00:00Z"],
        ("cases_status", "events_case"),
    ),
    "satisfaction checks": (
        "SELECT c.id FROM cases c WHERE c.resolved_at IS NOT NULL AND c.resolved_at <= ? AND c.status = 'resolved'",
        ["2026-11-24T00:00:00Z"],
        "cases_",
    ),
    "aftercare by delivery": (
        "SELECT o.id FROM orders o WHERE o.delivered_at IS NOT NULL AND o.delivered_at BETWEEN ? AND ?",
        ["2026-11-01T00:00:00Z", "2026-11-24T00:00:00Z"],
        "orders_delivered",
    ),
    "aftercare by shipping": (
        "SELECT o.id FROM orders o WHERE o.delivered_at IS NULL AND o.shipped_at BETWEEN ? AND ?",
        ["2026-11-01T00:00:00Z", "2026-11-24T00:00:00Z"],
        "orders_shipped",
    ),
    "case list (oldest first)": (
        "SELECT c.id FROM cases c WHERE c.status IN ('new', 'open', 'waiting', 'resolved')"
        " ORDER BY c.received_at, c.id",
        [],
        "cases_status",
    ),
    "case timeline": (
        "SELECT id FROM events WHERE case_id = ? ORDER BY at, id",
        [1],
        "events_case",
    ),
    "order by number": ("SELECT id FROM orders WHERE number = ?", ["#1001"], "orders_number"),
    "customer's orders": (
        "SELECT id FROM orders WHERE customer_id = ? ORDER BY ordered_at DESC, id DESC",
        [1],
        "orders_customer",
    ),
    "customer by e-mail": (
        "SELECT id FROM customers WHERE email = ?",
        ["a@example.jp"],
        "customers_email",
    ),
}


@pytest.mark.parametrize("name", PLANS)
def test_listing_queries_use_an_index(home, name):
    sql, params, index = PLANS[name]
    with open_db(home) as conn:
        plan = " | ".join(
            row["detail"] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)
        )
    wanted = index if isinstance(index, tuple) else (index,)
    assert any(i in plan for i in wanted), f"{name}: {plan}"
    for table in ("c", "o", "e", "cases", "orders", "events"):
        assert f"SCAN {table} " not in plan + " ", f"{name}: {plan}"
