"""The records `case show`, `orders show` and `customer show` print as json, built in one place:
those commands and `export` share them, so that an export never names a field differently
from the --json a script already reads (README, JSON fields)."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

from shopcare.domain import cases
from shopcare.domain.orders import order_of_case, order_record, orders_of_customer

if TYPE_CHECKING:
    from shopcare.domain.categories import Categories
    from shopcare.store.api import Store

RECENT_ORDERS = 5  # the customer's orders a case shows


def with_item_names(order: dict) -> dict:
    """An order for a listing: its items' names in one column."""
    return order | {"item_names": "、".join(f"{i['name']}×{i['quantity']}" for i in order["items"])}


def case_show_record(
    store: Store, row: dict, categories: Categories, lang: str, tz: tzinfo
) -> dict:
    """A case (its row, as the store gives it) with its timeline, its order (where imported)
    and the customer's recent orders: what `case show --json` prints."""
    record = cases.case_record(row, categories, lang)
    events = cases.events_of(store, row["id"])
    for event in events:
        event["what"] = cases.describe_event(event, tz)
    record["events"] = events
    order = order_of_case(store, row)
    record["order"] = order_record(store, order) if order else None
    recent = (
        orders_of_customer(store, row["customer_id"], RECENT_ORDERS) if row["customer_id"] else []
    )
    record["recent_orders"] = [with_item_names(o) for o in recent]
    return record


def customer_show_record(store: Store, customer: dict, categories: Categories, lang: str) -> dict:
    """A customer (as the store gives one) with their orders and cases, newest first: what
    `customer show --json` prints."""
    record = dict(customer)
    record["orders"] = [with_item_names(o) for o in orders_of_customer(store, record["id"])]
    record["cases"] = [
        cases.case_record(row, categories, lang) for row in store.cases_of_customer(record["id"])
    ]
    return record
