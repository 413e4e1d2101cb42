"""Shopify's orders export (Admin > Orders > Export): UTF-8 CSV, one row per line item,
the order's columns blank on its later rows; times with their own offset.
Facts about the file are in ../shared/ORDER_FORMATS.md.
"""

from __future__ import annotations

from shopcare.orders.cells import (
    Getter,
    Item,
    OrderFormat,
    money,
    offset_time,
    quantity,
    text_or_none,
    yes_no,
)


def _order(get: Getter) -> dict:
    financial, fulfillment = get("Financial Status").strip(), get("Fulfillment Status").strip()
    states = [state for state in (financial, fulfillment) if state]
    return {
        "customer_email": text_or_none(get("Email")),
        "customer_name": text_or_none(get("Billing Name")) or text_or_none(get("Shipping Name")),
        "ordered_at": offset_time(get("Created at"), "Created at"),
        "paid_at": offset_time(get("Paid at"), "Paid at"),
        "shipped_at": offset_time(get("Fulfilled at"), "Fulfilled at"),
        "total": money(get("Total"), "Total"),
        "currency": text_or_none(get("Currency")),
        "status": "cancelled" if get("Cancelled at").strip() else " / ".join(states) or None,
        "accepts_marketing": yes_no(get("Accepts Marketing")),
    }


def _item(get: Getter) -> Item | None:
    name = get("Lineitem name").strip()
    if not name:
        return None
    return (
        name,
        text_or_none(get("Lineitem sku")),
        quantity(get("Lineitem quantity"), "Lineitem quantity"),
        money(get("Lineitem price"), "Lineitem price"),
    )


FORMAT = OrderFormat(
    source="shopify",
    mall="shopify",
    title="Shopify orders export",
    delimiter=",",
    signature=("Name", "Email", "Financial Status", "Lineitem name"),
    number="Name",
    columns=(
        "Email",
        "Billing Name",
        "Shipping Name",
        "Created at",
        "Paid at",
        "Fulfilled at",
        "Total",
        "Currency",
        "Financial Status",
        "Fulfillment Status",
        "Cancelled at",
        "Accepts Marketing",
        "Lineitem name",
        "Lineitem sku",
        "Lineitem quantity",
        "Lineitem price",
    ),
    order=_order,
    item=_item,
)
