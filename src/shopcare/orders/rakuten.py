"""Rakuten RMS's order CSV (受注データダウンロード): usually CP932, one row per item, Japan
time without an offset.
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
    return {
        "customer_email": text_or_none(get("注文者メールアドレス")),
        "customer_name": joined(get("注文者姓"), get("注文者名")),
        "ordered_at": japan_time(get("注文日時"), "注文日時"),
        "shipped_at": japan_time(get("発送完了報告日時"), "発送完了報告日時"),
        "total": money(get("合計金額"), "合計金額"),
        "currency": "JPY",
        "status": text_or_none(get("ステータス")),
        "tracking_number": text_or_none(get("お荷物伝票番号")),
        "carrier": text_or_none(get("配送会社")),
    }


def _item(get: Getter) -> Item | None:
    name = get("商品名").strip()
    if not name:
        return None
    sku = (
        text_or_none(get("SKU管理番号"))
        or text_or_none(get("商品管理番号"))
        or text_or_none(get("商品番号"))
    )
    return (
        joined(name, get("SKU情報")) or name,
        sku,
        quantity(get("個数"), "個数"),
        money(get("単価"), "単価"),
    )


FORMAT = OrderFormat(
    source="rakuten",
    mall="rakuten",
    title="Rakuten RMS order CSV",
    delimiter=",",
    signature=("注文番号", "注文日時", "注文者メールアドレス"),
    number="注文番号",
    columns=(
        "注文者メールアドレス",
        "注文者姓",
        "注文者名",
        "注文日時",
        "発送完了報告日時",
        "合計金額",
        "ステータス",
        "お荷物伝票番号",
        "配送会社",
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
