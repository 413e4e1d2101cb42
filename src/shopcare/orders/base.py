"""BASE's order CSV (注文CSV): one row per item, options as extra rows whose 商品名 reads
商品オプション「...」, Japan time without an offset.
Facts about the file are in ../shared/ORDER_FORMATS.md.
"""

from __future__ import annotations

import re

from shopcare.orders.cells import (
    Item,
    OrderFormat,
    japan_time,
    joined,
    money,
    quantity,
    text_or_none,
)

_OPTION = re.compile(r"^商品オプション「")


def _order(
    email: str, family_name: str, given_name: str, ordered: str, total: str, status: str
) -> dict:
    return {
        "customer_email": text_or_none(email),
        "customer_name": joined(family_name, given_name),
        "ordered_at": japan_time(ordered, "注文日時"),
        "total": money(total, "合計金額"),
        "currency": "JPY",
        "status": text_or_none(status),
    }


def _item(
    name: str,
    variation: str,
    variety_code: str,
    item_code: str,
    item_id: str,
    count: str,
    price: str,
) -> Item | None:
    name = name.strip()
    if not name:
        return None
    variation = variation.strip()
    label = name if _OPTION.match(name) or not variation else f"{name}({variation})"
    sku = text_or_none(variety_code) or text_or_none(item_code) or text_or_none(item_id)
    return (label, sku, quantity(count, "数量"), money(price, "価格"))


FORMAT = OrderFormat(
    source="base",
    mall="base",
    title="BASE order CSV",
    delimiter=",",
    signature=("注文ID", "注文日時", "メールアドレス(請求先)"),
    number="注文ID",
    order_columns=(
        "メールアドレス(請求先)",
        "氏(請求先)",
        "名(請求先)",
        "注文日時",
        "合計金額",
        "発送状況",
    ),
    item_columns=(
        "商品名",
        "バリエーション",
        "種類コード",
        "商品コード",
        "商品ID",
        "数量",
        "価格",
    ),
    order=_order,
    item=_item,
)
