"""Yahoo! Shopping's order and item files, joined on OrderId: each import fills in what its
file holds of the same orders.
Facts about the file are in ../shared/ORDER_FORMATS.md.
"""

from __future__ import annotations

from shopcare.orders.cells import (
    Item,
    OrderFormat,
    japan_time,
    joined,
    money,
    quantity,
    text_or_none,
)


def _order(
    email: str,
    last_name: str,
    first_name: str,
    ship_name: str,
    ordered: str,
    paid: str,
    shipped: str,
    total: str,
    status: str,
    tracking: str,
    carrier: str,
) -> dict:
    """The order file's half of an order: an item file has none of these columns, so they read
    as blank and fill in nothing."""
    return {
        "customer_email": text_or_none(email),
        "customer_name": joined(last_name, first_name) or text_or_none(ship_name),
        "ordered_at": japan_time(ordered, "OrderTime"),
        "paid_at": japan_time(paid, "PayDate"),
        "shipped_at": japan_time(shipped, "ShipDate"),
        "total": money(total, "TotalPrice"),
        "currency": "JPY",
        "status": text_or_none(status),
        "tracking_number": text_or_none(tracking),
        "carrier": text_or_none(carrier),
    }


def _item(
    title: str, count: str, count_detail: str, item_id: str, sub_code: str, price: str
) -> Item | None:
    title = title.strip()
    if not title:
        return None
    return (
        title,
        joined(item_id, sub_code),
        quantity(count or count_detail, "Quantity"),
        money(price, "UnitPrice"),
    )


FORMAT = OrderFormat(
    source="yahoo",
    mall="yahoo",
    title="Yahoo! Shopping order or item file",
    delimiter=",",
    signature=("OrderId",),
    number="OrderId",
    order_columns=(
        "BillMailAddress",
        "BillLastName",
        "BillFirstName",
        "ShipName",
        "OrderTime",
        "PayDate",
        "ShipDate",
        "TotalPrice",
        "OrderStatus",
        "ShipInvoiceNumber1",
        "ShipCompanyCode",
    ),
    item_columns=(
        "Title",
        "Quantity",
        "QuantityDetail",
        "ItemId",
        "SubCode",
        "UnitPrice",
    ),
    order=_order,
    item=_item,
)
