"""BASE's order CSV (注文CSV): one row per item, options as extra rows whose 商品名 reads
商品オプション「...」, Japan time without an offset.
Facts about the file are in ../shared/ORDER_FORMATS.md.
"""

from __future__ import annotations

import re

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

_OPTION = re.compile(r"^商品オプション「")


def _order(get: Getter) -> dict:
    return {
        "customer_email": text_or_none(get("メールアドレス(請求先)")),
        "customer_name": joined(get("氏(請求先)"), get("名(請求先)")),
        "ordered_at": japan_time(get("注文日時"), "注文日時"),
        "total": money(get("合計金額"), "合計金額"),
        "currency": "JPY",
        "status": text_or_none(get("発送状況")),
    }


def _item(get: Getter) -> Item | None:
    name = get("商品名").strip()
    if not name:
        return None
    variation = get("バリエーション").strip()
    label = name if _OPTION.match(name) or not variation else f"{name}({variation})"
    sku = (
        text_or_none(get("種類コード"))
        or text_or_none(get("商品コード"))
        or text_or_none(get("商品ID"))
    )
    return (label, sku, quantity(get("数量"), "数量"), money(get("価格"), "価格"))


FORMAT = OrderFormat(
    source="base",
    mall="base",
    title="BASE order CSV",
    delimiter=",",
    signature=("注文ID", "注文日時", "メールアドレス(請求先)"),
    number="注文ID",
    columns=(
        "メールアドレス(請求先)",
        "氏(請求先)",
        "名(請求先)",
        "注文日時",
        "合計金額",
        "発送状況",
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
