"""The report's period, and its weeks or months for a series. Days are the shop's local days;
a period runs from the first day's midnight to the midnight after its last day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import NamedTuple

from shopcare.errors import ShopcareError, check_choice

DEFAULT_DAYS = 28  # the last 4 weeks, today included
BY = ("week", "month")
MAX_PERIODS = 400  # a series longer than this is no trend one can read


class Period(NamedTuple):
    label: str  # 2026-W47, 2026-11, or the dates for a whole report
    first: date
    last: date  # included


def report_period(start: date | None, until: date | None, today: date) -> Period:
    """The period asked for: --from and --until (both days included); without them the last
    4 weeks ending today (a --from alone runs to today, an --until alone is its last 4 weeks)."""
    last = until or today
    first = start or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise ShopcareError(
            f"--from {first.isoformat()} is after --until {last.isoformat()}",
            "give --from a date on or before --until",
        )
    return Period(f"{first.isoformat()}..{last.isoformat()}", first, last)


def split(period: Period, by: str) -> list[Period]:
    """The weeks (ISO, Monday to Sunday: 2026-W47) or calendar months (2026-11) that the period
    touches, the first and last cut to the period."""
    check_choice("--by", by, BY)
    found: list[Period] = []
    day = period.first
    while day <= period.last:
        if by == "week":
            end = day + timedelta(days=6 - day.weekday())
            year, week, _ = day.isocalendar()
            label = f"{year}-W{week:02d}"
        else:
            following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
            end = following - timedelta(days=1)
            label = f"{day.year}-{day.month:02d}"
        found.append(Period(label, day, min(end, period.last)))
        day = min(end, period.last) + timedelta(days=1)
        if len(found) > MAX_PERIODS:
            raise ShopcareError(
                f"the period holds more than {MAX_PERIODS} {by}s: too long a series to read",
                "give a shorter period (--from, --until)"
                + (", or --by month" if by == "week" else ""),
            )
    return found


def midnight(day: date, tz: tzinfo) -> datetime:
    """The start of a local day, as UTC."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
