"""The malls' order exports, each defined once: how to recognise its header and read a row.

Columns are matched by header name, never by position (the malls add columns
over time). A format's two readers get one row as ``get(header) -> str`` (a
column the file lacks reads as ""): one returns the order-level fields, the
other the row's item (or None).
Facts about each file are in ../shared/ORDER_FORMATS.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from shopcare.clock import to_storage

JST = timezone(timedelta(hours=9), "JST")


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
    columns: tuple[str, ...]  # every column the readers look at (absent ones read as "")
    order: Callable[[Getter], dict]  # the order-level fields of a row
    item: Callable[[Getter], Item | None]  # the row's item, if it has one
    order_on_every_row: bool = False  # else the order's fields are read from its first row only


# --- values ---------------------------------------------------------------

_LOCAL = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def japan_time(text: str, column: str) -> str | None:
    """A Japan-time stamp without an offset (Rakuten, BASE, Yahoo), as stored UTC."""
    text = text.strip()
    if not text:
        return None
    if len(text) == 19 and text[4] == "-" and text[7] == "-":  # the usual 2026-11-20 10:15:30
        stored = _by_hour(text[:13], text[13:], "+09:00")
        if stored:
            return stored
    match = _LOCAL.match(text)
    if not match:
        raise RowError(f"cannot read {column} {text!r} as a date")
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=JST)
    except ValueError:
        raise RowError(f"cannot read {column} {text!r} as a date") from None
    return to_storage(moment)


def offset_time(text: str, column: str, naive_zone=UTC) -> str | None:
    """A stamp with its own offset (Shopify's ``2021-05-13 11:01:13 +0200``, Amazon's ISO)."""
    if len(text) == 25:  # Shopify's 2021-05-13 11:01:13 +0200, Amazon's 2026-11-20T10:15:30+00:00
        spaced = text[19] == " "
        stored = _by_hour(text[:13], text[13:19], text[20:] if spaced else text[19:])
        if stored:
            return stored
        if spaced:  # fromisoformat wants no space before the offset
            text = text[:19] + text[20:]
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        if not text.strip():
            return None
        raise RowError(f"cannot read {column} {text.strip()!r} as a date") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=naive_zone)
    return to_storage(moment)


# A whole-hour offset moves only the date and the hour, so an export's stamps are converted an
# hour at a time: "2021-05-13 11" at +0200 is "2021-05-13T09" in UTC, whatever the minutes.
_utc_hours: dict[str, str | None] = {}
_minutes_seconds: frozenset[str] = frozenset()


def _by_hour(date_hour: str, minute_second: str, offset: str) -> str | None:
    """Stored UTC text for date_hour ("YYYY-MM-DD HH") + minute_second (":MM:SS") at offset, or
    None where this shortcut does not apply (the caller then reads the stamp the slow way)."""
    global _minutes_seconds
    if not _minutes_seconds:
        _minutes_seconds = frozenset(f":{m:02}:{s:02}" for m in range(60) for s in range(60))
    if minute_second not in _minutes_seconds or offset[-2:] != "00":
        return None
    key = date_hour + offset
    hour = _utc_hours.get(key, "")
    if hour == "":
        try:
            moment = datetime.fromisoformat(date_hour + ":00:00" + offset)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None or moment.utcoffset().seconds % 3600:
            hour = None  # not a stamp this shortcut reads: left to the caller
        else:
            hour = to_storage(moment)[:13]
        _utc_hours[key] = hour
    return hour and hour + minute_second + "Z"


_AMOUNT = re.compile(r"^-?\d{1,15}(?:\.\d{1,6})?$")
MAX_QUANTITY = 1_000_000


def money(text: str, column: str) -> int | float | None:
    """An amount: ``3,980``, ``¥3,980``, ``3980.00``, ``12.50`` (whole amounts as int). Only
    plain decimals of at most 15 digits: NaN, Infinity, 1e400 or a 5,000-digit number is a
    row that cannot be read, never an amount."""
    if text.isascii() and text.isdigit() and len(text) <= 15:
        return int(text)
    text = text.strip().replace(",", "").replace("¥", "").replace("￥", "").replace("円", "")
    if not text:
        return None
    if not _AMOUNT.match(text):
        shown = text if len(text) <= 20 else text[:20] + "..."
        raise RowError(f"cannot read {column} {shown!r} as an amount")
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(value)


def quantity(text: str, column: str) -> int:
    text = text.strip()
    if not (text.isascii() and text.lstrip("-").isdigit() and len(text) <= 9):
        shown = text if len(text) <= 20 else text[:20] + "..."
        raise RowError(f"cannot read {column} {shown!r} as a quantity")
    value = int(text)
    if value < 0:
        raise RowError(f"{column} is negative ({value})")
    if value > MAX_QUANTITY:
        raise RowError(f"{column} {value:,} is beyond any order")
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


def _shopify_order(get: Getter) -> dict:
    financial, fulfillment = get("Financial Status").strip(), get("Fulfillment Status").strip()
    states = [state for state in (financial, fulfillment) if state]
    return {
        "customer_email": text_or_none(get("Email")),
        "customer_name": text_or_none(get("Billing Name")) or text_or_none(get("Shipping Name")),
        "ordered_at": offset_time(get("Created at"), "Created at"),
        "paid_at": offset_time(get("Paid at"), "Paid at"),
        "shipped_at": offset_time(get("Fulfilled at"), "Fulfilled at"),
        "total": money(get("Total"), "Total"),
        "currency": text_or_none(get("Currency")),
        "status": "cancelled" if get("Cancelled at").strip() else " / ".join(states) or None,
        "accepts_marketing": yes_no(get("Accepts Marketing")),
    }


def _shopify_item(get: Getter) -> Item | None:
    name = get("Lineitem name").strip()
    if not name:
        return None
    return (
        name,
        text_or_none(get("Lineitem sku")),
        quantity(get("Lineitem quantity"), "Lineitem quantity"),
        money(get("Lineitem price"), "Lineitem price"),
    )


def _rakuten_order(get: Getter) -> dict:
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


def _rakuten_item(get: Getter) -> Item | None:
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


def _amazon_order(get: Getter) -> dict:
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


def _amazon_item(get: Getter) -> Item | None:
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


_BASE_OPTION = re.compile(r"^商品オプション「")


def _base_order(get: Getter) -> dict:
    return {
        "customer_email": text_or_none(get("メールアドレス(請求先)")),
        "customer_name": joined(get("氏(請求先)"), get("名(請求先)")),
        "ordered_at": japan_time(get("注文日時"), "注文日時"),
        "total": money(get("合計金額"), "合計金額"),
        "currency": "JPY",
        "status": text_or_none(get("発送状況")),
    }


def _base_item(get: Getter) -> Item | None:
    name = get("商品名").strip()
    if not name:
        return None
    variation = get("バリエーション").strip()
    label = name if _BASE_OPTION.match(name) or not variation else f"{name}({variation})"
    sku = (
        text_or_none(get("種類コード"))
        or text_or_none(get("商品コード"))
        or text_or_none(get("商品ID"))
    )
    return (label, sku, quantity(get("数量"), "数量"), money(get("価格"), "価格"))


def _yahoo_order(get: Getter) -> dict:
    """Yahoo! splits an order into an order file and an item file, joined on OrderId:
    each import fills in what its file holds."""
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


def _yahoo_item(get: Getter) -> Item | None:
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


FORMATS: tuple[OrderFormat, ...] = (
    OrderFormat(
        source="shopify",
        mall="shopify",
        title="Shopify orders export",
        delimiter=",",
        signature=("Name", "Email", "Financial Status", "Lineitem name"),
        number="Name",
        columns=(
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
            "Lineitem name",
            "Lineitem sku",
            "Lineitem quantity",
            "Lineitem price",
        ),
        order=_shopify_order,
        item=_shopify_item,
    ),
    OrderFormat(
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
        order=_rakuten_order,
        item=_rakuten_item,
    ),
    OrderFormat(
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
        order=_amazon_order,
        item=_amazon_item,
        order_on_every_row=True,
    ),
    OrderFormat(
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
        order=_base_order,
        item=_base_item,
    ),
    OrderFormat(
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
        order=_yahoo_order,
        item=_yahoo_item,
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
