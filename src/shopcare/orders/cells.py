"""What every mall's export format is made of: the shape of a format, and the readers of its
cells (times, amounts, quantities, names), each failing with a RowError that names the column.

A format names the columns each of its two readers takes, and the reader gets their cells as
text, in that order (a column the file lacks reads as ""): one returns the order-level fields,
the other the row's item (or None).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from shopcare.clock import JST, to_storage


class RowError(ValueError):
    """A row that cannot be read: the message says which column and why."""


Item = tuple[str, str | None, int, int | float | None]  # name, sku, quantity, unit price


@dataclass(frozen=True)
class OrderFormat:
    source: str  # what --source calls it
    mall: str  # the mall stored on the order
    title: str
    delimiter: str
    signature: tuple[str, ...]  # headers that must all be present
    number: str  # the order number's column
    order_columns: tuple[str, ...]  # the cells order() takes, in its parameters' order
    item_columns: tuple[str, ...]  # the cells item() takes
    order: Callable[..., dict]  # the order-level fields of a row
    item: Callable[..., Item | None]  # the row's item, if it has one
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
