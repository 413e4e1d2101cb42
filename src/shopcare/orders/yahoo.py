"""Yahoo! Shopping's order and item files, joined on OrderId: each import fills in what its
file holds of the same orders.
Facts about the file are in ../shared/ORDER_FORMATS.md.
"""

from __future__ import annotations

from shopcare.orders.cells import (
    Getter,
    Item,
    OrderFormat,
    japan_time,
    joined,
    money,
    quantity,
    text_or_none,
)


def _order(get: Getter) -> dict:
    """The order file's half of an order: an item file has none of these columns, so they read
    as blank and fill in nothing."""
    return {
        "customer_email": text_or_none(get("BillMailAddress")),
        "customer_name": joined(get("BillLastName"), get("BillFirstName"))
        or text_or_none(get("ShipName")),
        "ordered_at": japan_time(get("OrderTime"), "OrderTime"),
        "paid_at": japan_time(get("PayDate"), "PayDate"),
        "shipped_at": japan_time(get("ShipDate"), "ShipDate"),
        "total": money(get("TotalPrice"), "TotalPrice"),
        "currency": "JPY",
        "status": text_or_none(get("OrderStatus")),
        "tracking_number": text_or_none(get("ShipInvoiceNumber1")),
        "carrier": text_or_none(get("ShipCompanyCode")),
    }


def _item(get: Getter) -> Item | None:
    title = get("Title").strip()
    if not title:
        return None
    count = get("Quantity") or get("QuantityDetail")
    return (
        title,
        joined(get("ItemId"), get("SubCode")),
        quantity(count, "Quantity"),
        money(get("UnitPrice"), "UnitPrice"),
    )


FORMAT = OrderFormat(
    source="yahoo",
    mall="yahoo",
    title="Yahoo! Shopping order or item file",
    delimiter=",",
    signature=("OrderId",),
    number="OrderId",
    columns=(
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
