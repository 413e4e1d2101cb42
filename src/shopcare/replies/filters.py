"""The filters a template uses: dates and times in Japanese and English words, yen, the
greeting's name, order tags and item lists, and the 目安 wording of an estimated date.

A date filter takes a date, a datetime or text: a --var value is read as the command line
reads a date (date_reader), on the shop's calendar and the pinned clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from shopcare.errors import ShopcareError
from shopcare.settings.config import Config

if TYPE_CHECKING:
    from shopcare.domain.calendar import ShopCalendar

WEEKDAYS_JA = "月火水木金土日"


def _as_date(value: Any, read: DateReader | None = None) -> date | datetime:
    """A date or a time as the filters take it: a date or datetime as it is; text (a --var) as
    read reads it (the command line's words: +2bd, tomorrow, ISO), or else as ISO text."""
    if isinstance(value, (date, datetime)):
        return value
    if isinstance(value, str):
        if read is not None:
            return read(value)
        try:
            return (
                datetime.fromisoformat(value)
                if "T" in value or " " in value
                else date.fromisoformat(value)
            )
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a date")


def jdate(value: Any) -> str:
    """2026年11月24日(火)"""
    day = _as_date(value)
    return f"{day.year}年{day.month}月{day.day}日({WEEKDAYS_JA[day.weekday()]})"


def _with_time(value: Any, day_text, separator: str) -> str:
    """A date in words, then the time of day, left out where it is midnight or a bare date."""
    moment = _as_date(value)
    if isinstance(moment, datetime) and (moment.hour, moment.minute) != (0, 0):
        return f"{day_text(moment)}{separator}{moment:%H:%M}"
    return day_text(moment)


def jdatetime(value: Any) -> str:
    """2026年11月24日(火) 15:00"""
    return _with_time(value, jdate, " ")


def en_date(value: Any) -> str:
    """Tuesday, 24 November 2026"""
    day = _as_date(value)
    return f"{day:%A}, {day.day} {day:%B %Y}"


def en_datetime(value: Any) -> str:
    """Tuesday, 24 November 2026, 15:00"""
    return _with_time(value, en_date, ", ")


def yen(value: Any) -> str:
    """3,980円"""
    return f"{_number(value):,}円"


def en_yen(value: Any) -> str:
    """¥3,980"""
    return f"¥{_number(value):,}"


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an amount")
    if isinstance(value, (int, float)):
        return value
    text = str(value).replace(",", "").replace("円", "").replace("¥", "").strip()
    try:
        return int(text)
    except ValueError:
        return float(text)


# A date filter's reader of text: the text, and a function that names the --var it came from
# (called only to word an error).
DateReader = Callable[..., "date | datetime"]
_BARE_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2}|today|tomorrow|yesterday)$", re.IGNORECASE)


def calendar_getter(calendar: Any, config: Config | None = None) -> Callable[[], ShopCalendar]:
    """calendar as a function that gives it: a ShopCalendar, a function that gives one (built on
    first use), or None: a calendar of config.toml alone, built on first use."""
    if calendar is not None and not callable(calendar):
        return lambda: calendar
    found: list = []

    def get() -> ShopCalendar:
        if not found:
            if calendar is not None:
                found.append(calendar())
            else:
                from shopcare.domain.calendar import ShopCalendar

                found.append(ShopCalendar(config or Config()))
        return found[0]

    return get


def _now_of(now: datetime | None) -> datetime:
    if now is not None:
        return now
    from shopcare.clock import now as clock_now

    return clock_now()


def date_reader(calendar: Any = None, now: datetime | None = None) -> DateReader:
    """Text given to a date filter (a --var value) read as the command line reads a date, on the
    shop's calendar and the pinned clock: 2026-11-28, 2026-11-28T15:00, today, tomorrow, +3d,
    +4h, +2bd (closing time of the 2nd business day), +8bh. A date or a day's word gives a date;
    anything else a time in the shop's zone. Text that cannot be read is an error that names it,
    and the --var it came from where that is known."""
    calendar_of = calendar_getter(calendar)

    def read(text: str, name_of: Callable[[], str | None] | None = None) -> date | datetime:
        from shopcare.clock import WHEN_HINT, DayTime, parse_when

        shop = calendar_of()
        try:
            moment = parse_when(
                text, tz=shop.tz, current=_now_of(now), bare_date=DayTime.start(), calendar=shop
            )
        except ShopcareError:
            name = name_of() if name_of else None
            what = f"--var {name}={text!r}" if name else repr(text)
            raise ShopcareError(f"cannot read {what} as a date or time", WHEN_HINT) from None
        local = moment.astimezone(shop.tz)
        return local.date() if _BARE_DATE.match(text.strip()) else local

    return read


def make_estimate(
    margin_days: int,
    calendar: Any = None,
    now: datetime | None = None,
    read: DateReader | None = None,
):
    """An uncertain date (a maker's, a carrier's) as 目安 wording: moved later by the shop's margin
    in business days, onto a day the shop works, so that a surprise, if any, is a good one.
    目安 is said once: 2026年11月30日(月)ごろ, around Monday, 30 November 2026. A date before today
    is an error that names it. calendar: the shop's ShopCalendar, a function that gives it, or
    None (config.toml's defaults); now: the pinned clock (None: read it when needed)."""
    calendar_of = calendar_getter(calendar)

    def landing(value: Any, name_of: Callable[[], str | None] | None = None) -> date:
        shop = calendar_of()
        if read is not None and isinstance(value, str):
            moment = read(value, name_of)
        else:
            moment = _as_date(value)
        if isinstance(moment, datetime):
            moment = moment.astimezone(shop.tz) if moment.tzinfo else moment
            day = moment.date()
        else:
            day = moment
        today = _now_of(now).astimezone(shop.tz).date()
        if day < today:
            name = name_of() if name_of else None
            raise ShopcareError(
                f"{name or 'the estimated date'} {day.isoformat()} is already past:"
                f" today is {today.isoformat()}",
                f"give the date now expected, e.g. --var {name or 'eta'}=+3bd"
                f" or --var {name or 'eta'}={(today + timedelta(days=3)).isoformat()}",
            )
        if margin_days:
            return shop.nth_business_day_after(day, margin_days)
        return day if shop.is_business_day(day) else shop.next_business_day(day)

    def estimate_ja(value: Any, name_of: Callable[[], str | None] | None = None) -> str:
        return f"{jdate(landing(value, name_of))}ごろ"

    def estimate_en(value: Any, name_of: Callable[[], str | None] | None = None) -> str:
        return f"around {en_date(landing(value, name_of))}"

    return estimate_ja, estimate_en


def sama(customer: dict | None) -> str:
    """The greeting's name: 山田 花子様, or お客様 where the name is not known."""
    name = (customer or {}).get("name")
    return f"{name}様" if name else "お客様"


def dear(customer: dict | None) -> str:
    name = (customer or {}).get("name")
    return f"Dear {name}," if name else "Dear customer,"


def order_tag(number: str | None) -> str:
    """（注文番号：1234）for a subject, or nothing where there is no order."""
    return f"（注文番号：{number}）" if number else ""


def en_order_tag(number: str | None) -> str:
    return f" (order {number})" if number else ""


def items_ja(items: list[dict] | None) -> str:
    return "、".join(f"{i['name']} ×{i['quantity']}" for i in items or [])


def items_en(items: list[dict] | None) -> str:
    return ", ".join(f"{i['quantity']} × {i['name']}" for i in items or [])


FILTERS = {
    "jdate": jdate,
    "jdatetime": jdatetime,
    "en_date": en_date,
    "en_datetime": en_datetime,
    "yen": yen,
    "en_yen": en_yen,
    "sama": sama,
    "dear": dear,
    "order_tag": order_tag,
    "en_order_tag": en_order_tag,
    "items_ja": items_ja,
    "items_en": items_en,
}
