"""An order as the rest of shopcare sees it: found by its number however a customer typed it,
picked in its mall, and its record as the json interface names it, with its items."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shopcare.errors import NotFound, ShopcareError

if TYPE_CHECKING:
    from shopcare.store.api import Store

# an order's own fields, as an export gives them and the json interface names them
ORDER_FIELDS = (
    "customer_name",
    "customer_email",
    "ordered_at",
    "paid_at",
    "shipped_at",
    "delivered_at",
    "total",
    "currency",
    "status",
    "tracking_number",
    "carrier",
    "accepts_marketing",
)


RECORD_FIELDS = ("number", "mall", *ORDER_FIELDS, "customer_id")


def _item(name: str, sku: str | None, quantity: int, price) -> dict:
    return {"name": name, "sku": sku, "quantity": quantity, "price": price}


def _marketing_as_bool(record: dict) -> dict:
    if record.get("accepts_marketing") is not None:
        record["accepts_marketing"] = bool(record["accepts_marketing"])
    return record


def items_of_order(store: Store, order_id: int) -> list[dict]:
    """An order's item lines (name, sku, quantity, unit price), in the export's order."""
    return [_item(*item) for item in store.items_of_orders([order_id])[order_id]]


def order_record(store: Store, row: dict) -> dict:
    """An order as the json interface names it, with its items."""
    # the customer's row id is the database's, not the interface's: the e-mail names them
    record = _marketing_as_bool({key: row[key] for key in RECORD_FIELDS if key != "customer_id"})
    record["items"] = items_of_order(store, row["id"])
    return record


def pick_order(candidates: list[dict], number: str, mall: str | None) -> dict | None:
    """The order a case means: that number in its mall, or the only order with that number."""
    if mall:
        return next((row for row in candidates if row["mall"] == mall), None)
    if len(candidates) > 1:
        malls = ", ".join(r["mall"] for r in candidates)
        raise ShopcareError(
            f"order {number} exists in more than one mall ({malls})", "name the mall with --mall"
        )
    return candidates[0] if candidates else None


def number_spellings(typed: str) -> list[str]:
    """The ways a typed order number may be stored, the likeliest first: as typed; with
    full-width letters, digits and ＃ made plain (＃１０５０); in upper or lower case (BASE's
    A7KQ2M9XP4 typed a7kq2m9xp4); with or without Shopify's leading # (1050, #1050)."""
    import unicodedata

    plain = unicodedata.normalize("NFKC", typed).strip()
    found: list[str] = []
    for base in (typed.strip(), plain):
        for cased in (base, base.upper(), base.lower()):
            bare = cased.lstrip("#")
            for spelling in (cased, bare, f"#{bare}"):
                if spelling and spelling not in found:
                    found.append(spelling)
    return found


def find_order(store: Store, number: str, mall: str | None = None) -> dict | None:
    """The order with this number (in this mall), however it was typed (see number_spellings):
    the first spelling that names an order wins; None if it was never imported."""
    for spelling in number_spellings(number):
        rows = store.orders_numbered([spelling])
        if rows:
            found = pick_order(rows, spelling, mall)
            if found is not None:
                return found
    return None


def order_of_case(store: Store, case: dict) -> dict | None:
    """The imported order a case names (its number, in its mall), or None."""
    return find_order(store, case["order_number"], case["mall"]) if case["order_number"] else None


def get_order(store: Store, number: str, mall: str | None = None) -> dict:
    row = find_order(store, number, mall)
    if row is None:
        raise NotFound(
            f"no order {number.strip()}" + (f" in {mall}" if mall else ""),
            "import the mall's order export first: shopcare orders import FILE",
        )
    return order_record(store, row)


def orders_of_customer(store: Store, customer_id: int, limit: int | None = None) -> list[dict]:
    """A customer's orders, newest first."""
    return [order_record(store, row) for row in store.orders_of_customer(customer_id, limit)]
