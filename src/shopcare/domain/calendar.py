"""The shop's business calendar: opening hours, working weekdays, Japanese public holidays,
the shop's own closed days; and the four kinds of duration counted on it.

- Nh: calendar hours; Nd: calendar days.
- Nbh: business hours: only the opening hours of business days count.
- Nbd: due at closing time of the Nth business day after the day it started.

Holidays come from jpholiday, except for years the shop has imported the Cabinet
Office's syukujitsu.csv for: for those years the imported list is the truth.
Japan keeps no daylight saving time, but the arithmetic is done on local dates and
times of the shop's zone all the same.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, NamedTuple

from shopcare.domain.durations import Duration
from shopcare.settings.config import WEEKDAYS, Config

if TYPE_CHECKING:
    from shopcare.store.api import Store

_MAX_SCAN_DAYS = 3660  # a calendar with no business day in ten years is a broken calendar


class Day(NamedTuple):
    day: date
    business: bool
    reason: str | None  # None, a holiday's name, "weekend" or "closed"


class Hours(NamedTuple):
    """A day's opening hours as UTC, and the next business day with its opening time."""

    business: bool
    opening: datetime
    closing: datetime
    following: date
    following_opening: datetime


class ShopCalendar:
    def __init__(
        self,
        config: Config,
        imported: dict[date, str] | None = None,
        known: dict[int, dict[date, str]] | None = None,
    ) -> None:
        self.tz: tzinfo = config.tz()
        self.open: time = config.open
        self.close: time = config.close
        self.workdays = frozenset(WEEKDAYS.index(d) for d in config.weekdays)
        self.use_holidays = config.holidays == "jp"
        self.closed = frozenset(config.closed)
        self.imported = imported or {}
        self.imported_years = frozenset(d.year for d in self.imported)
        self.known = known or {}  # jpholiday's answers for some years, worked out beforehand
        # the days off of a year, sorted, for counting business days a week at a time
        self._off_by_year: dict[int, list[date]] = {}
        self._hours_of: dict[date, Hours] = {}  # see _hours
        self._per_day = datetime.combine(date.min, self.close) - datetime.combine(
            date.min, self.open
        )

    @classmethod
    def load(
        cls,
        store: Store,
        config: Config,
        known: dict[int, dict[date, str]] | None = None,
    ) -> ShopCalendar:
        imported = {date.fromisoformat(day): name for day, name in store.imported_holidays()}
        return cls(config, imported, known)

    def holiday_name(self, day: date) -> str | None:
        if not self.use_holidays:
            return None
        if day.year in self.imported_years:
            return self.imported.get(day)
        if day.year in self.known:
            return self.known[day.year].get(day)
        import jpholiday

        return jpholiday.is_holiday_name(day)

    def day(self, day: date) -> Day:
        name = self.holiday_name(day)
        if name:
            return Day(day, False, name)
        if day in self.closed:
            return Day(day, False, "closed")
        if day.weekday() not in self.workdays:
            return Day(day, False, "weekend")
        return Day(day, True, None)

    def is_business_day(self, day: date) -> bool:
        """day(day).business, without making the Day: the cheap tests first."""
        return (
            day.weekday() in self.workdays and day not in self.closed and not self.holiday_name(day)
        )

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after day."""
        return self._hours(day).following

    def nth_business_day_after(self, day: date, n: int) -> date:
        found, remaining = self._whole_weeks(day, n)
        for _ in range(remaining):
            found = self.next_business_day(found)
        return found

    def _whole_weeks(self, day: date, n: int) -> tuple[date, int]:
        """Jump a week at a time while more than two weeks of business days are left: a week
        holds its working weekdays less the holidays and closed days among them (counted from
        a sorted list per year), so +2600bd costs a few hundred steps, not ten years of days."""
        per_week = len(self.workdays)
        weeks = 0
        while n > 2 * per_week:
            end = day + _WEEK
            n -= per_week - self._off_workdays(day, end)
            day = end
            weeks += 1
            if weeks * 7 > _MAX_SCAN_DAYS * 10:
                raise ValueError(
                    "the calendar has too few business days: check weekdays and closed days"
                )
        return day, n

    def _off_workdays(self, after: date, until: date) -> int:
        """How many working weekdays in (after, until] are holidays or closed days."""
        count = 0
        for year in range(after.year, until.year + 1):
            off = self._off_by_year.get(year)
            if off is None:
                off = self._off_by_year[year] = self._off_days_of(year)
            count += bisect_right(off, until) - bisect_right(off, after)
        return count

    def _off_days_of(self, year: int) -> list[date]:
        """The working weekdays of a year on which the shop is closed, sorted."""
        days = {d for d in self.closed if d.year == year}
        if self.use_holidays:
            if year in self.imported_years:
                days |= {d for d in self.imported if d.year == year}
            elif year in self.known:
                days |= set(self.known[year])
            else:
                import jpholiday

                days |= {d for d, _ in jpholiday.year_holidays(year)}
        return sorted(d for d in days if d.weekday() in self.workdays)

    def _at(self, day: date, clock: time) -> datetime:
        """That time of day in the shop's zone, as UTC: due times then share one zone with the
        times read from the database, and compare and sort without a zone conversion."""
        return datetime.combine(day, clock, tzinfo=self.tz).astimezone(UTC)

    def add_business_days(self, start: datetime, days: int) -> datetime:
        day = start.astimezone(self.tz).date()
        return self._at(self.nth_business_day_after(day, days), self.close)

    def _hours(self, day: date) -> Hours:
        """A day's hours, worked out once per day. A long follow-up list asks for the same few
        days tens of thousands of times: every satisfaction check and aftercare mail is moved
        onto a working hour, and every business-hour clock counts from one (the overdue list of
        100,000 items took 40 ms longer, about 5%, working them out each time)."""
        found = self._hours_of.get(day)
        if found is None:
            following = day
            for _ in range(_MAX_SCAN_DAYS):
                following += timedelta(days=1)
                if self.is_business_day(following):
                    break
            else:
                raise ValueError(
                    "the calendar has no business day in ten years: check weekdays and closed days"
                )
            found = self._hours_of[day] = Hours(
                self.is_business_day(day),
                self._at(day, self.open),
                self._at(day, self.close),
                following,
                self._at(following, self.open),
            )
        return found

    def add_business_hours(self, start: datetime, hours: int) -> datetime:
        """Counts only opening hours of business days. A clock that runs out exactly at closing
        time is due then, not at the next opening."""
        day = start.astimezone(self.tz).date()
        business, opening, closing, following, following_opening = self._hours(day)
        if business and start < closing:
            used = start - opening if start > opening else timedelta(0)  # spent of today's hours
        else:
            day, opening, used = following, following_opening, timedelta(0)
        total = used + timedelta(hours=hours)
        if total <= self._per_day:
            return opening + total
        days, rest = divmod(total, self._per_day)
        if not rest:  # runs out at a closing time
            days, rest = days - 1, self._per_day
        return self._hours(self.nth_business_day_after(day, days)).opening + rest

    def closed_within_hour(self, start: datetime) -> bool:
        """True when the shop is closed for the whole hour from start, an hour that lies
        within one local day (an hour starting on a whole hour, in a zone a whole number
        of hours off UTC)."""
        business, opening, closing, _, _ = self._hours(start.astimezone(self.tz).date())
        return not business or start + _HOUR <= opening or start >= closing

    def due(self, start: datetime, duration: Duration) -> datetime:
        if duration.unit == "h":
            return start + timedelta(hours=duration.count)
        if duration.unit == "d":
            return start + timedelta(days=duration.count)
        if duration.unit == "bd":
            return self.add_business_days(start, duration.count)
        return self.add_business_hours(start, duration.count)

    def days(self, start: date, count: int) -> list[Day]:
        return [self.day(start + timedelta(days=i)) for i in range(count)]

    # --- times a shop can keep ---------------------------------------------------------

    def closing_time(self, day: date) -> datetime:
        """The shop's closing time on day, as UTC."""
        return self._at(day, self.close)

    def opening_time(self, day: date) -> datetime:
        """The shop's opening time on day, as UTC."""
        return self._at(day, self.open)

    def within_hours(self, moment: datetime) -> tuple[datetime, str | None]:
        """A deadline the shop can keep (a promise): moment itself where it falls within the
        opening hours of a business day, opening and closing time included; else the closing
        time of the first business day that closes after it. With why it moved: None, "before"
        (before opening time on a business day: that day's closing time), "after" (after
        closing time: the next business day's), or the day's reason ("weekend", "closed", a
        holiday's name)."""
        day = moment.astimezone(self.tz).date()
        business, opening, closing, following, _ = self._hours(day)
        if business:
            if opening <= moment <= closing:
                return moment, None
            if moment < opening:
                return closing, "before"
            return self.closing_time(following), "after"
        return self.closing_time(following), self.day(day).reason

    def working_time(self, moment: datetime) -> datetime:
        """When a mail due at moment can be sent (aftercare, a satisfaction check): moment where
        it falls within the opening hours of a business day (from opening time, before closing
        time), else the next opening time of a business day. UTC, as the calendar's times are."""
        business, opening, closing, _, following_opening = self._hours(
            moment.astimezone(self.tz).date()
        )
        if business and moment < closing:
            return opening if moment < opening else moment
        return following_opening

    def worked_before(self, moment: datetime) -> datetime:
        """The latest time at or before moment when the shop was open: every due time before it
        moves, by working_time, to a time at or before moment (a bound for queries)."""
        day = moment.astimezone(self.tz).date()
        business, opening, closing, _, _ = self._hours(day)
        if business and moment >= opening:
            return min(moment, closing)
        for _ in range(_MAX_SCAN_DAYS):
            day -= timedelta(days=1)
            if self.is_business_day(day):
                return self.closing_time(day)
        raise ValueError(
            "the calendar has no business day in ten years: check weekdays and closed days"
        )


_HOUR = timedelta(hours=1)
_WEEK = timedelta(days=7)


class OpenHours:
    """The shop's opening hours over a run of days, in Unix seconds: the business time between
    two moments, and when a clock started at a moment runs out, in a few list look-ups each.

    A year's report asks both of every case (tens of thousands of times), where ShopCalendar,
    which works on datetimes a day at a time, would take most of the command's time. The days
    are laid out once: for each local day its midnight, opening time, the seconds it is open
    (none on a closed day) and the business seconds of the days before it. The business time
    up to a moment is then that sum plus what of its own day had passed. ShopCalendar is the
    reference: tests/test_calendar.py holds the two to the same answers. Days are added as a
    moment past the last one is asked about."""

    def __init__(self, calendar: ShopCalendar, first: date) -> None:
        self.calendar = calendar
        self.first = first
        self.midnights: list[int] = []
        self.opens: list[int] = []
        self.spans: list[int] = []  # seconds open; 0 on a closed day
        self.before: list[int] = []  # business seconds in the days before this one
        self.ends: list[int] = []  # business seconds up to this day's closing time
        self.closes: list[int] = []
        self.business: list[int] = []  # the indexes of the business days
        offset = calendar.tz.utcoffset(None)  # a fixed zone: a local day by arithmetic
        self._offset = int(offset.total_seconds()) if offset is not None else None
        first_midnight = int(datetime.combine(first, time(0), tzinfo=calendar.tz).timestamp())
        self._first_day = (
            (first_midnight + self._offset) // 86400 if self._offset is not None else 0
        )
        self._add_days(60)
        self._index_of = self._fast_day()
        # the business seconds from the first day's midnight to a moment (a closure: see above)
        self.seconds_to = self._fast_seconds()

    def _add_days(self, count: int) -> None:
        calendar = self.calendar
        day = self.first + timedelta(days=len(self.midnights))
        for _ in range(count):
            index = len(self.midnights)
            midnight = int(datetime.combine(day, time(0), tzinfo=calendar.tz).timestamp())
            before = self.ends[-1] if self.ends else 0
            if calendar.is_business_day(day):
                opening = int(calendar.opening_time(day).timestamp())
                span = int(calendar.closing_time(day).timestamp()) - opening
                self.business.append(index)
            else:
                opening, span = midnight, 0
            self.midnights.append(midnight)
            self.opens.append(opening)
            self.spans.append(span)
            self.closes.append(opening + span)
            self.before.append(before)
            self.ends.append(before + span)
            day += timedelta(days=1)

    def _day(self, moment: int) -> int:
        """The index of moment's local day, the days laid out far enough to hold it."""
        if self._offset is not None:
            index = (moment + self._offset) // 86400 - self._first_day
        else:
            while moment >= self.midnights[-1]:  # a midnight after it tells where its day ends
                self._add_days(60)
            index = bisect_right(self.midnights, moment) - 1
        if index < 0:
            raise ValueError(f"{moment} is before the first day laid out ({self.first})")
        while index >= len(self.midnights):
            self._add_days(max(60, index - len(self.midnights) + 60))
        return index

    def _fast_day(self) -> Callable[[int], int]:
        """_day as a closure over the lists, by arithmetic where the zone's offset is fixed: a
        report calls it for every time of every case."""
        offset, first, midnights, day = self._offset, self._first_day, self.midnights, self._day
        if offset is None:
            return day

        def index_of(moment: int) -> int:
            index = (moment + offset) // 86400 - first
            return index if 0 <= index < len(midnights) else day(moment)

        return index_of

    def _fast_seconds(self) -> Callable[[int], int]:
        opens, spans, before, index_of = self.opens, self.spans, self.before, self._index_of

        def seconds_to(moment: int) -> int:
            """The business seconds from the first day's midnight to moment."""
            index = index_of(moment)
            into = moment - opens[index]
            if into <= 0:
                return before[index]
            span = spans[index]
            return before[index] + (into if into < span else span)

        return seconds_to

    def due(self, start: int, duration: Duration) -> int:
        """When a clock of duration started at start runs out: ShopCalendar.due, in seconds."""
        return self.runs_out(duration)(start, self.seconds_to(start))

    def runs_out(self, duration: Duration) -> Callable[[int, int], int]:
        """due() for one duration, as a function of the start and the business seconds to it
        (which the caller has often worked out already); a business-day clock is worked out
        once per day it starts on."""
        count, unit = duration
        if unit in ("h", "d"):
            length = count * (3600 if unit == "h" else 86400)
            return lambda start, _seconds: start + length
        if count <= 0:  # runs out at once: the calendar's own rules for where "at once" falls
            return lambda start, _seconds: int(
                self.calendar.due(datetime.fromtimestamp(start, UTC), duration).timestamp()
            )
        day = self._index_of
        if unit == "bd":
            by_day: dict[int, int] = {}

            def business_days(start: int, _seconds: int) -> int:
                index = day(start)
                found = by_day.get(index)
                if found is None:  # closing time of the count-th business day after it
                    after = bisect_right(self.business, index) + count - 1
                    while after >= len(self.business):
                        self._add_days(count * 2 + 60)
                    found = by_day[index] = self.closes[self.business[after]]
                return found

            return business_days
        length = count * 3600
        ends, opens, before = self.ends, self.opens, self.before

        def business_hours(start: int, seconds: int) -> int:
            # the first moment the business seconds since start reach the count
            target = seconds + length
            index = bisect_left(ends, target, day(start))
            while index == len(ends):
                self._add_days(count // 4 + 60)
                index = bisect_left(ends, target, index)
            return opens[index] + target - before[index]

        return business_hours

    def clock(self, durations: tuple[Duration, ...]) -> Callable[[int, int], int]:
        """runs_out() of the first of several durations to run out (an SLA's mall and priority
        clocks: the stricter applies)."""
        each = [self.runs_out(duration) for duration in durations]
        if len(each) == 1:
            return each[0]
        if len(each) == 2:
            first, second = each

            def either(start: int, seconds: int) -> int:
                one, other = first(start, seconds), second(start, seconds)
                return one if one < other else other

            return either
        return lambda start, seconds: min(runs(start, seconds) for runs in each)


def read_holiday_file(raw: bytes) -> dict[date, str]:
    """The Cabinet Office's syukujitsu.csv (CP932, or UTF-8): date -> holiday name."""
    import csv
    import io

    from shopcare.errors import ShopcareError

    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ShopcareError("the holiday file is neither UTF-8 nor CP932 text")
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:  # a cell over the csv module's 128 KiB, a NUL: not a holiday list
        raise ShopcareError(f"the holiday file cannot be read as csv: {exc}") from None
    if not rows or len(rows[0]) < 2 or "月日" not in rows[0][0]:
        raise ShopcareError(
            "this is not the Cabinet Office's holiday list: its header should read 国民の祝日・休日月日,国民の祝日・休日名称",
            "download syukujitsu.csv from the Cabinet Office's page on national holidays",
        )
    holidays: dict[date, str] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not row or not row[0].strip():
            continue
        try:
            year, month, day = (int(part) for part in row[0].strip().split("/"))
            holidays[date(year, month, day)] = row[1].strip() if len(row) > 1 else ""
        except ValueError:
            raise ShopcareError(
                f"holiday file line {number}: cannot read {row[0]!r} as a date like 2026/11/23"
            ) from None
    if not holidays:
        raise ShopcareError("the holiday file lists no holidays")
    return holidays
