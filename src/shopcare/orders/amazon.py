"""Amazon's Seller Central order report: tab-separated, times in GMT, item-price the line's
total for its quantity; promotions may split an order over rows, each with the order's columns.
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
)


def _order(
    item_price: str,
    shipping_price: str,
    email: str,
    buyer_name: str,
    recipient_name: str,
    purchased: str,
    paid: str,
    currency: str,
    status: str,
) -> dict:
    line_total = money(item_price, "item-price") or 0
    shipping = money(shipping_price, "shipping-price") or 0
    return {
        "customer_email": text_or_none(email),
        "customer_name": text_or_none(buyer_name) or text_or_none(recipient_name),
        "ordered_at": offset_time(purchased, "purchase-date"),
        "paid_at": offset_time(paid, "payments-date"),
        "currency": text_or_none(currency),
        "status": text_or_none(status),
        # item-price is the line's total for its quantity: the order's total is their sum
        "_add_total": line_total + shipping,
    }


def _item(product_name: str, sku: str, count: str, item_price: str) -> Item | None:
    name = product_name.strip() or sku.strip()
    if not name:
        return None
    count = quantity(count, "quantity-purchased")
    line_total = money(item_price, "item-price")
    unit = None
    if line_total is not None and count:
        unit = line_total / count
        unit = int(unit) if unit == int(unit) else round(unit, 2)
    return (name, text_or_none(sku), count, unit)


FORMAT = OrderFormat(
    source="amazon",
    mall="amazon",
    title="Amazon order report",
    delimiter="\t",
    signature=("order-id", "purchase-date", "product-name"),
    number="order-id",
    order_columns=(
        "item-price",
        "shipping-price",
        "buyer-email",
        "buyer-name",
        "recipient-name",
        "purchase-date",
        "payments-date",
        "currency",
        "order-status",
    ),
    item_columns=("product-name", "sku", "quantity-purchased", "item-price"),
    order=_order,
    item=_item,
    order_on_every_row=True,
)
