"""Time: the clock ($SHOPCARE_NOW), storage in UTC, and the dates users type.

Times are stored as UTC text of one fixed shape (``2026-11-24T06:00:00Z``), so
that they sort and compare as strings in SQL and in indexes.
"""

import os
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import NamedTuple, Protocol

from shopcare.errors import ShopcareError
from shopcare.patterns import LazyPattern

STORAGE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
WHEN_HINT = "use an ISO date or time (2026-11-24, 2026-11-24T15:00, 2026-11-24T15:00+09:00) or +3d, +2bd, +4h, today, tomorrow"


class BusinessCalendar(Protocol):
    """What parse_when needs from the shop's calendar to count business days."""

    def add_business_days(self, start: datetime, days: int) -> datetime: ...

    def add_business_hours(self, start: datetime, hours: int) -> datetime: ...


# Japan has kept UTC+9, with no daylight saving, since 1951: a fixed offset is exact for it and
# spares loading the zone database on every command. Other zones come from zoneinfo.
JST = timezone(timedelta(hours=9), "JST")
_FIXED_ZONES = {"Asia/Tokyo": JST}


def zone(name: str) -> tzinfo:
    """The time zone called name, or an error that says how to get zone data."""
    fixed = _FIXED_ZONES.get(name)
    if fixed is not None:
        return fixed
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ShopcareError(
            f"unknown time zone {name!r}",
            "use an IANA name such as Asia/Tokyo (on a system without zone data: pip install tzdata)",
        ) from exc


def now() -> datetime:
    """The current time, aware, in UTC; $SHOPCARE_NOW replaces the clock."""
    pinned = os.environ.get("SHOPCARE_NOW")
    if not pinned:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        value = datetime.fromisoformat(pinned.strip())
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise ShopcareError(
            f"SHOPCARE_NOW={pinned!r} is not an ISO-8601 time with an offset",
            "for example SHOPCARE_NOW=2026-11-24T08:00:00+09:00",
        )
    if not FIRST_YEAR <= value.year <= LAST_YEAR:  # 9999-12-31T23:00-05:00 overflows in UTC
        raise ShopcareError(
            f"SHOPCARE_NOW={pinned!r} is outside the years shopcare works with"
            f" ({FIRST_YEAR} to {LAST_YEAR})",
            "for example SHOPCARE_NOW=2026-11-24T08:00:00+09:00",
        )
    return value.astimezone(UTC)


def to_storage(moment: datetime) -> str:
    """UTC text for the database."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime cannot be stored")
    return (
        moment.astimezone(UTC).isoformat()[:19] + "Z"
    )  # STORAGE_FORMAT's shape, without strftime's cost


def from_storage(text: str) -> datetime:
    """Stored UTC text as an aware datetime (fromisoformat reads the Z, and is far faster than strptime)."""
    return datetime.fromisoformat(text)


def to_local_iso(text: str | None, tz: tzinfo) -> str | None:
    """Stored UTC text as ISO-8601 with the shop's offset, for json and tsv."""
    if text is None:
        return None
    return from_storage(text).astimezone(tz).isoformat()


def is_time_key(key: str) -> bool:
    """Stored UTC times live in fields called at or ending in _at."""
    return key == "at" or key.endswith("_at")


_LOCAL_TIMES: dict = {}  # stored time and zone -> local ISO text, for long json outputs


def _json_value(key: str, value, tz: tzinfo):
    kind = type(value)  # the common kinds first: an export converts millions of values
    if kind is str:
        if key == "at" or key.endswith("_at"):
            return _LOCAL_TIMES.get((value, tz)) or remember(
                _LOCAL_TIMES, (value, tz), to_local_iso(value, tz)
            )
        return value
    if value is None or kind is int or kind is bool:
        return value
    if kind is dict:
        return {k: _json_value(k, v, tz) for k, v in value.items()}
    if kind is list:
        return [_json_value("", v, tz) for v in value]
    if isinstance(value, datetime):
        return value.astimezone(tz).isoformat()
    if is_time_key(key) and isinstance(value, str):
        return to_local_iso(value, tz)
    if isinstance(value, dict):
        return {k: _json_value(k, v, tz) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value("", v, tz) for v in value]
    return value


def json_record(record: dict, tz: tzinfo) -> dict:
    """A record as json shows it: every stored time (a field called at or ending in _at, nested
    ones too) as ISO-8601 with the shop's offset. The CLI's --json and `export` both use it."""
    return {key: _json_value(key, value, tz) for key, value in record.items()}


MEMO_LIMIT = 4096  # times remembered while printing a list: a sorted list repeats them side by side


def remember(memo: dict, key, value):
    """Keep value under key in a memo of printed times, and give it back. A full memo is emptied
    first, so that a long list of distinct times keeps memory flat."""
    if len(memo) >= MEMO_LIMIT:
        memo.clear()
    memo[key] = value
    return value


def to_local_short(text: str | None, tz: tzinfo) -> str:
    """Stored UTC text as a short local time for tables: 2026-11-24 15:00."""
    if text is None:
        return ""
    return from_storage(text).astimezone(tz).strftime("%Y-%m-%d %H:%M")


class Actor(NamedTuple):
    """Who makes a change, and when: every write is stamped with both."""

    author: str
    now: datetime


class DayTime(NamedTuple):
    """Which clock time a bare date stands for: the start of the day, closing time, or its end."""

    at: time

    @staticmethod
    def start() -> "DayTime":
        return DayTime(time(0, 0))

    @staticmethod
    def end() -> "DayTime":
        return DayTime(time(23, 59, 59))


_DATE = LazyPattern(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Dates a shop's work can be about: the edges of Python's range (year 1, year 9999) would
# overflow as soon as a time zone or a duration is applied.
FIRST_YEAR, LAST_YEAR = 1900, 2999
# Relative times reach ten years at most: +99999bd would walk the calendar for decades.
RELATIVE_LIMITS = {"d": 3660, "h": 3660 * 24, "bd": 2610, "bh": 2610 * 24}
_RELATIVE = LazyPattern(r"^([+-])([0-9]{1,7})(d|h|bd|bh)$")


def parse_when(
    text: str,
    *,
    tz: tzinfo,
    current: datetime,
    bare_date: DayTime,
    calendar: BusinessCalendar | None = None,
) -> datetime:
    """A time typed on the command line, as an aware UTC datetime.

    A bare date (``2026-11-24``, ``today``, ``tomorrow``) takes the time of day
    that bare_date gives: a promise "by the 26th" means by closing time, an
    ``--until`` means the end of the day.
    """
    raw = text.strip()
    word = raw.lower()
    if not raw:
        raise ShopcareError("an empty date or time", WHEN_HINT)
    local_now = current.astimezone(tz)
    if word in ("now",):
        return current
    if word in ("today", "tomorrow", "yesterday"):
        shift = {"today": 0, "tomorrow": 1, "yesterday": -1}[word]
        return _at(local_now.date() + timedelta(days=shift), bare_date, tz)
    match = _RELATIVE.match(word)
    if match:
        sign = 1 if match.group(1) == "+" else -1
        count = int(match.group(2)) * sign
        unit = match.group(3)
        if abs(count) > RELATIVE_LIMITS[unit]:
            raise ShopcareError(
                f"{raw!r} is too far away: relative times reach at most ten years"
                f" ({RELATIVE_LIMITS[unit]:,}{unit})",
                "give a date instead, such as 2027-03-31",
            )
        if unit == "d":
            return current + timedelta(days=count)
        if unit == "h":
            return current + timedelta(hours=count)
        if calendar is None:
            raise ShopcareError(f"{raw!r} counts business time, which needs the shop's calendar")
        if sign < 0:
            raise ShopcareError(f"{raw!r}: business time counts forward only", WHEN_HINT)
        if unit == "bd":
            return calendar.add_business_days(current, count)
        return calendar.add_business_hours(current, count)
    shown = raw if len(raw) <= 40 else raw[:40] + "..."
    try:
        if _DATE.match(raw):
            value = datetime.combine(date.fromisoformat(raw), bare_date.at)
        else:
            value = datetime.fromisoformat(raw)
    except ValueError:
        raise ShopcareError(f"cannot read {shown!r} as a date or time", WHEN_HINT) from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ShopcareError(
            f"{shown!r} is outside the years shopcare works with ({FIRST_YEAR} to {LAST_YEAR})",
            WHEN_HINT,
        )
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def _at(day: date, bare_date: DayTime, tz: tzinfo) -> datetime:
    return datetime.combine(day, bare_date.at, tzinfo=tz).astimezone(UTC)
