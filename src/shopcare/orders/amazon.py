"""Amazon's Seller Central order report: tab-separated, times in GMT, item-price the line's
total for its quantity; promotions may split an order over rows, each with the order's columns.
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
)


def _order(get: Getter) -> dict:
    line_total = money(get("item-price"), "item-price") or 0
    shipping = money(get("shipping-price"), "shipping-price") or 0
    return {
        "customer_email": text_or_none(get("buyer-email")),
        "customer_name": text_or_none(get("buyer-name")) or text_or_none(get("recipient-name")),
        "ordered_at": offset_time(get("purchase-date"), "purchase-date"),
        "paid_at": offset_time(get("payments-date"), "payments-date"),
        "currency": text_or_none(get("currency")),
        "status": text_or_none(get("order-status")),
        # item-price is the line's total for its quantity: the order's total is their sum
        "_add_total": line_total + shipping,
    }


def _item(get: Getter) -> Item | None:
    name = get("product-name").strip() or get("sku").strip()
    if not name:
        return None
    count = quantity(get("quantity-purchased"), "quantity-purchased")
    line_total = money(get("item-price"), "item-price")
    unit = None
    if line_total is not None and count:
        unit = line_total / count
        unit = int(unit) if unit == int(unit) else round(unit, 2)
    return (name, text_or_none(get("sku")), count, unit)


FORMAT = OrderFormat(
    source="amazon",
    mall="amazon",
    title="Amazon order report",
    delimiter="\t",
    signature=("order-id", "purchase-date", "product-name"),
    number="order-id",
    columns=(
        "item-price",
        "shipping-price",
        "buyer-email",
        "buyer-name",
        "recipient-name",
        "purchase-date",
        "payments-date",
        "currency",
        "order-status",
        "product-name",
        "sku",
        "quantity-purchased",
    ),
    order=_order,
    item=_item,
    order_on_every_row=True,
)
