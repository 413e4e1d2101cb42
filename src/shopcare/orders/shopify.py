"""Shopify's orders export (Admin > Orders > Export): UTF-8 CSV, one row per line item,
the order's columns blank on its later rows; times with their own offset.
Facts about the file are in ../shared/ORDER_FORMATS.md.
"""

from __future__ import annotations

from shopcare.orders.cells import (
    Item,
    OrderFormat,
    money,
    offset_time,
    quantity,
    text_or_none,
    yes_no,
)


def _order(
    email: str,
    billing_name: str,
    shipping_name: str,
    created: str,
    paid: str,
    fulfilled: str,
    total: str,
    currency: str,
    financial: str,
    fulfillment: str,
    cancelled: str,
    marketing: str,
) -> dict:
    states = [state for state in (financial.strip(), fulfillment.strip()) if state]
    return {
        "customer_email": text_or_none(email),
        "customer_name": text_or_none(billing_name) or text_or_none(shipping_name),
        "ordered_at": offset_time(created, "Created at"),
        "paid_at": offset_time(paid, "Paid at"),
        "shipped_at": offset_time(fulfilled, "Fulfilled at"),
        "total": money(total, "Total"),
        "currency": text_or_none(currency),
        "status": "cancelled" if cancelled.strip() else " / ".join(states) or None,
        "accepts_marketing": yes_no(marketing),
    }


def _item(name: str, sku: str, count: str, price: str) -> Item | None:
    name = name.strip()
    if not name:
        return None
    return (
        name,
        text_or_none(sku),
        quantity(count, "Lineitem quantity"),
        money(price, "Lineitem price"),
    )


FORMAT = OrderFormat(
    source="shopify",
    mall="shopify",
    title="Shopify orders export",
    delimiter=",",
    signature=("Name", "Email", "Financial Status", "Lineitem name"),
    number="Name",
    order_columns=(
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
    ),
    item_columns=("Lineitem name", "Lineitem sku", "Lineitem quantity", "Lineitem price"),
    order=_order,
    item=_item,
)
