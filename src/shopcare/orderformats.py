"""The malls' order exports, each defined once: how to recognise its header and read a row.

Columns are matched by header name, never by position (the malls add columns
over time). A reader gets one row as ``get(header) -> str`` and returns the
order number, the order-level fields it found, and the row's item (or None).
Facts about each file are in ../shared/ORDER_FORMATS.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

JST = timezone(timedelta(hours=9), "JST")
STORAGE = "%Y-%m-%dT%H:%M:%SZ"


class RowError(ValueError):
    """A row that cannot be read: the message says which column and why."""


Getter = Callable[[str], str]
Item = tuple[str, str | None, int, int | float | None]  # name, sku, quantity, unit price


@dataclass(frozen=True)
class OrderFormat:
    source: str  # what --source calls it
    mall: str  # the mall stored on the order
    title: str
    delimiter: str
    signature: tuple[str, ...]  # headers that must all be present
    number: str  # the order number's column
    read: Callable[[Getter], tuple[dict, Item | None]]


# --- values ---------------------------------------------------------------

_LOCAL = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_SHOPIFY_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})$")


def japan_time(text: str, column: str) -> str | None:
    """A Japan-time stamp without an offset (Rakuten, BASE, Yahoo), as stored UTC."""
    text = text.strip()
    if not text:
        return None
    match = _LOCAL.match(text)
    if not match:
        raise RowError(f"cannot read {column} {text!r} as a date")
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=JST)
    except ValueError:
        raise RowError(f"cannot read {column} {text!r} as a date") from None
    return moment.astimezone(UTC).strftime(STORAGE)


def offset_time(text: str, column: str, naive_zone=UTC) -> str | None:
    """A stamp with its own offset (Shopify's ``2021-05-13 11:01:13 +0200``, Amazon's ISO)."""
    text = text.strip()
    if not text:
        return None
    match = _SHOPIFY_TIME.match(text)
    if match:
        text = f"{match.group(1)}T{match.group(2)}{match.group(3)}:{match.group(4)}"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise RowError(f"cannot read {column} {text!r} as a date") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=naive_zone)
    return moment.astimezone(UTC).strftime(STORAGE)


def money(text: str, column: str) -> int | float | None:
    """An amount: ``3,980``, ``¥3,980``, ``3980.00``, ``12.50`` (whole amounts as int)."""
    text = text.strip().replace(",", "").replace("¥", "").replace("￥", "").replace("円", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise RowError(f"cannot read {column} {text!r} as an amount") from None
    return int(value) if value == value.to_integral_value() else float(value)


def quantity(text: str, column: str) -> int:
    text = text.strip()
    try:
        value = int(text)
    except ValueError:
        raise RowError(f"cannot read {column} {text!r} as a quantity") from None
    if value < 0:
        raise RowError(f"{column} is negative ({value})")
    return value


def joined(*parts: str) -> str | None:
    value = " ".join(p.strip() for p in parts if p and p.strip())
    return value or None


def text_or_none(text: str) -> str | None:
    text = text.strip()
    return text or None


def yes_no(text: str) -> bool | None:
    text = text.strip().lower()
    if text in ("yes", "true", "1"):
        return True
    if text in ("no", "false", "0"):
        return False
    return None


# --- the formats ------------------------------------------------------------


def _shopify(get: Getter) -> tuple[dict, Item | None]:
    financial, fulfillment = get("Financial Status").strip(), get("Fulfillment Status").strip()
    states = [state for state in (financial, fulfillment) if state]
    status = "cancelled" if get("Cancelled at").strip() else " / ".join(states) or None
    order = {
        "customer_email": text_or_none(get("Email")),
        "customer_name": text_or_none(get("Billing Name")) or text_or_none(get("Shipping Name")),
        "ordered_at": offset_time(get("Created at"), "Created at"),
        "paid_at": offset_time(get("Paid at"), "Paid at"),
        "shipped_at": offset_time(get("Fulfilled at"), "Fulfilled at"),
        "total": money(get("Total"), "Total"),
        "currency": text_or_none(get("Currency")),
        "status": status,
        "accepts_marketing": yes_no(get("Accepts Marketing")),
    }
    name = get("Lineitem name").strip()
    item = None
    if name:
        item = (
            name,
            text_or_none(get("Lineitem sku")),
            quantity(get("Lineitem quantity"), "Lineitem quantity"),
            money(get("Lineitem price"), "Lineitem price"),
        )
    return order, item


def _rakuten(get: Getter) -> tuple[dict, Item | None]:
    order = {
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
    name = get("商品名").strip()
    item = None
    if name:
        item = (
            joined(name, get("SKU情報")) or name,
            text_or_none(get("SKU管理番号"))
            or text_or_none(get("商品管理番号"))
            or text_or_none(get("商品番号")),
            quantity(get("個数"), "個数"),
            money(get("単価"), "単価"),
        )
    return order, item


def _amazon(get: Getter) -> tuple[dict, Item | None]:
    count = quantity(get("quantity-purchased"), "quantity-purchased")
    line_total = money(get("item-price"), "item-price")
    shipping = money(get("shipping-price"), "shipping-price")
    order = {
        "customer_email": text_or_none(get("buyer-email")),
        "customer_name": text_or_none(get("buyer-name")) or text_or_none(get("recipient-name")),
        "ordered_at": offset_time(get("purchase-date"), "purchase-date"),
        "paid_at": offset_time(get("payments-date"), "payments-date"),
        "currency": text_or_none(get("currency")),
        "status": text_or_none(get("order-status")),
        # item-price is the line's total for its quantity: the order's total is their sum
        "_add_total": (line_total or 0) + (shipping or 0),
    }
    unit = None
    if line_total is not None and count:
        unit = line_total / count
        unit = int(unit) if unit == int(unit) else round(unit, 2)
    item = (
        get("product-name").strip() or get("sku").strip(),
        text_or_none(get("sku")),
        count,
        unit,
    )
    return order, item if item[0] else None


_BASE_OPTION = re.compile(r"^商品オプション「")


def _base(get: Getter) -> tuple[dict, Item | None]:
    order = {
        "customer_email": text_or_none(get("メールアドレス(請求先)")),
        "customer_name": joined(get("氏(請求先)"), get("名(請求先)")),
        "ordered_at": japan_time(get("注文日時"), "注文日時"),
        "total": money(get("合計金額"), "合計金額"),
        "currency": "JPY",
        "status": text_or_none(get("発送状況")),
    }
    name = get("商品名").strip()
    item = None
    if name:
        variation = get("バリエーション").strip()
        label = name if _BASE_OPTION.match(name) or not variation else f"{name}({variation})"
        item = (
            label,
            text_or_none(get("種類コード"))
            or text_or_none(get("商品コード"))
            or text_or_none(get("商品ID")),
            quantity(get("数量"), "数量"),
            money(get("価格"), "価格"),
        )
    return order, item


def _yahoo(get: Getter) -> tuple[dict, Item | None]:
    """Yahoo! splits an order into an order file and an item file, joined on OrderId:
    each import fills in what its file holds."""
    order = {
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
    title = get("Title").strip()
    item = None
    if title:
        count_text = get("Quantity") or get("QuantityDetail")
        item = (
            title,
            joined(get("ItemId"), get("SubCode")),
            quantity(count_text, "Quantity"),
            money(get("UnitPrice"), "UnitPrice"),
        )
    return order, item


FORMATS: tuple[OrderFormat, ...] = (
    OrderFormat(
        "shopify",
        "shopify",
        "Shopify orders export",
        ",",
        ("Name", "Email", "Financial Status", "Lineitem name"),
        "Name",
        _shopify,
    ),
    OrderFormat(
        "rakuten",
        "rakuten",
        "Rakuten RMS order CSV",
        ",",
        ("注文番号", "注文日時", "注文者メールアドレス"),
        "注文番号",
        _rakuten,
    ),
    OrderFormat(
        "amazon",
        "amazon",
        "Amazon order report",
        "\t",
        ("order-id", "purchase-date", "product-name"),
        "order-id",
        _amazon,
    ),
    OrderFormat(
        "base",
        "base",
        "BASE order CSV",
        ",",
        ("注文ID", "注文日時", "メールアドレス(請求先)"),
        "注文ID",
        _base,
    ),
    OrderFormat(
        "yahoo",
        "yahoo",
        "Yahoo! Shopping order or item file",
        ",",
        ("OrderId",),
        "OrderId",
        _yahoo,
    ),
)
SOURCES = tuple(f.source for f in FORMATS)


def by_source(source: str) -> OrderFormat:
    for fmt in FORMATS:
        if fmt.source == source:
            return fmt
    raise KeyError(source)


def detect(header: list[str]) -> OrderFormat | None:
    present = set(header)
    for fmt in FORMATS:
        if all(name in present for name in fmt.signature):
            return fmt
    return None
