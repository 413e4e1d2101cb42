"""Rakuten RMS's order CSV (受注データダウンロード): usually CP932, one row per item, Japan
time without an offset.
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
    family_name: str,
    given_name: str,
    ordered: str,
    shipped: str,
    total: str,
    status: str,
    tracking: str,
    carrier: str,
) -> dict:
    return {
        "customer_email": text_or_none(email),
        "customer_name": joined(family_name, given_name),
        "ordered_at": japan_time(ordered, "注文日時"),
        "shipped_at": japan_time(shipped, "発送完了報告日時"),
        "total": money(total, "合計金額"),
        "currency": "JPY",
        "status": text_or_none(status),
        "tracking_number": text_or_none(tracking),
        "carrier": text_or_none(carrier),
    }


def _item(
    name: str,
    sku_info: str,
    sku_code: str,
    item_code: str,
    item_number: str,
    count: str,
    price: str,
) -> Item | None:
    name = name.strip()
    if not name:
        return None
    sku = text_or_none(sku_code) or text_or_none(item_code) or text_or_none(item_number)
    return (
        joined(name, sku_info) or name,
        sku,
        quantity(count, "個数"),
        money(price, "単価"),
    )


FORMAT = OrderFormat(
    source="rakuten",
    mall="rakuten",
    title="Rakuten RMS order CSV",
    delimiter=",",
    signature=("注文番号", "注文日時", "注文者メールアドレス"),
    number="注文番号",
    order_columns=(
        "注文者メールアドレス",
        "注文者姓",
        "注文者名",
        "注文日時",
        "発送完了報告日時",
        "合計金額",
        "ステータス",
        "お荷物伝票番号",
        "配送会社",
    ),
    item_columns=(
        "商品名",
        "SKU情報",
        "SKU管理番号",
        "商品管理番号",
        "商品番号",
        "個数",
        "単価",
    ),
    order=_order,
    item=_item,
)
