"""The shop's tables, as both databases hold them, in the order their references need: what
`db info` counts and `db copy` copies. The search index (search_terms, search_queue) is not
among them: it is made from these, and a copy into SQLite queues every text again."""

from __future__ import annotations

TABLES = (
    "customers",
    "orders",
    "order_items",
    "cases",
    "events",
    "followup_state",
    "holidays",
    "mail",
    "attachments",
)
# the tables whose rows a shop holds (the others follow from them)
SHOP_TABLES = ("customers", "orders", "cases", "events", "mail")
# each table's key, the order a copy reads it in
KEYS = {"followup_state": "fid", "holidays": "date"}


def key_of(table: str) -> str:
    return KEYS.get(table, "id")
