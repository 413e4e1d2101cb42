"""The business calendar: durations, holidays, closures, and agreement with the Cabinet Office."""

from __future__ import annotations

import csv
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from shopcare.domain.calendar import ShopCalendar, read_holiday_file
from shopcare.domain.durations import parse_duration
from shopcare.settings.config import Config

DATA = Path(__file__).parent / "data"
TOKYO = Config().tz()
YEAR_END = (
    date(2026, 12, 29),
    date(2026, 12, 30),
    date(2026, 12, 31),
    date(2027, 1, 2),
    date(2027, 1, 3),
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TOKYO)


@pytest.fixture
def cal() -> ShopCalendar:
    return ShopCalendar(Config(closed=YEAR_END))


def test_one_business_day_from_friday_evening_skips_the_holiday_monday(cal):
    # Monday 2026-11-23 is 勤労感謝の日: due at closing time on Tuesday
    assert cal.due(at("2026-11-20T19:05"), parse_duration("1bd")) == at("2026-11-24T18:00")


def test_calendar_hours_count_weekends(cal):
    assert cal.due(at("2026-11-20T19:05"), parse_duration("24h")) == at("2026-11-21T19:05")


def test_business_hours_count_only_opening_hours(cal):
    assert cal.due(at("2026-11-19T15:00"), parse_duration("8bh")) == at("2026-11-20T15:00")
    assert cal.due(at("2026-11-20T19:05"), parse_duration("8bh")) == at("2026-11-24T18:00")
    assert cal.due(at("2026-11-24T08:00"), parse_duration("2bh")) == at("2026-11-24T12:00")
    assert cal.due(at("2026-11-24T17:30"), parse_duration("1bh")) == at("2026-11-25T10:30")


def test_year_end_closures_are_skipped(cal):
    assert cal.due(at("2026-12-28T17:00"), parse_duration("1bd")) == at("2027-01-04T18:00")
    assert cal.due(at("2026-12-28T17:00"), parse_duration("2bh")) == at("2027-01-04T11:00")
    assert cal.day(date(2026, 12, 30)).reason == "closed"
    assert cal.day(date(2027, 1, 1)).reason == "元日"


def test_calendar_days(cal):
    assert cal.due(at("2026-11-24T09:00"), parse_duration("14d")) == at("2026-12-08T09:00")


def test_days_and_reasons(cal):
    days = cal.days(date(2026, 11, 21), 4)
    assert [(d.day.isoformat(), d.business, d.reason) for d in days] == [
        ("2026-11-21", False, "weekend"),
        ("2026-11-22", False, "weekend"),
        ("2026-11-23", False, "勤労感謝の日"),
        ("2026-11-24", True, None),
    ]


def test_holidays_none_and_custom_weekdays():
    cal = ShopCalendar(Config(holidays="none", weekdays=("mon", "tue", "wed", "thu", "fri", "sat")))
    assert cal.day(date(2026, 11, 23)).business
    assert cal.day(date(2026, 11, 21)).business
    assert not cal.day(date(2026, 11, 22)).business


def test_a_calendar_with_no_business_day_is_an_error():
    cal = ShopCalendar(Config(weekdays=("sat",), closed=tuple()))
    cal.closed = frozenset(
        date(2026, 1, 1).fromordinal(n)
        for n in range(date(2026, 1, 1).toordinal(), date(2037, 1, 1).toordinal())
    )
    with pytest.raises(ValueError, match="no business day"):
        cal.next_business_day(date(2026, 1, 1))


def cabinet_office() -> dict[date, str]:
    with open(DATA / "syukujitsu.csv", encoding="cp932") as fh:
        rows = list(csv.reader(fh))[1:]
    found = {}
    for day, name in rows:
        y, m, d = (int(p) for p in day.split("/"))
        found[date(y, m, d)] = name
    return found


def test_the_calendar_agrees_with_the_cabinet_office_from_2000_to_its_last_date():
    official = cabinet_office()
    cal = ShopCalendar(Config())
    last = max(official)
    day = date(2000, 1, 1)
    while day <= last:
        name = cal.holiday_name(day)
        if day in official:
            assert name, f"{day} is {official[day]} but the calendar has no holiday"
            if not official[day].startswith(
                "休日"
            ):  # substitute and one-off days: the file says 休日
                assert name in official[day] or official[day] in name, (day, name, official[day])
        else:
            assert name is None, f"{day}: the calendar says {name}, the Cabinet Office nothing"
        day = date.fromordinal(day.toordinal() + 1)


def test_imported_holidays_rule_their_years():
    official = read_holiday_file((DATA / "syukujitsu.csv").read_bytes())
    assert official == cabinet_office()
    made_up = {date(2031, 1, 1): "元日", date(2031, 6, 15): "試験用の休日"}
    cal = ShopCalendar(Config(), made_up)
    assert cal.day(date(2031, 6, 15)).reason == "試験用の休日"
    assert cal.day(date(2031, 1, 13)).business  # 成人の日 2031 is not in the imported year's list
    assert cal.day(date(2026, 11, 23)).reason == "勤労感謝の日"  # other years: jpholiday


def test_add_business_days_closing_time_is_configurable():
    cal = ShopCalendar(Config(open=time(9, 0), close=time(17, 30)))
    assert cal.add_business_days(at("2026-11-24T09:00"), 1) == at("2026-11-25T17:30")


def hour_by_hour(cal: ShopCalendar, start: datetime, hours: int) -> datetime:
    """Business hours counted the slow, obvious way: minute by minute of opening time."""
    from datetime import timedelta

    moment = start.astimezone(cal.tz).replace(second=0, microsecond=0)
    if moment < start:
        moment += timedelta(minutes=1)
    left = hours * 60
    while True:
        open_now = cal.is_business_day(moment.date()) and cal.open <= moment.time() < cal.close
        if open_now:
            left -= 1
            if left == 0:
                return moment + timedelta(minutes=1)
        moment += timedelta(minutes=1)


@pytest.mark.parametrize("hours", [1, 3, 8, 9, 16, 24])
def test_business_hours_agree_with_counting_minute_by_minute(cal, hours):
    import random

    rng = random.Random(hours)
    for _ in range(25):
        start = (
            at("2026-12-20T00:00")
            + (at("2026-12-31T00:00") - at("2026-12-20T00:00")) * rng.random()
        )
        start = start.replace(second=0, microsecond=0)
        assert cal.add_business_hours(start, hours) == hour_by_hour(cal, start, hours), start
    for start in ("2026-12-28T10:00", "2026-12-28T18:00", "2026-12-25T17:59", "2026-12-26T03:00"):
        assert cal.add_business_hours(at(start), hours) == hour_by_hour(cal, at(start), hours)


# --- times a shop can keep ------------------------------------------------------------------


@pytest.mark.parametrize(
    "moment, expected, why",
    [
        ("2026-11-25T12:00", "2026-11-25T12:00", None),
        ("2026-11-25T10:00", "2026-11-25T10:00", None),  # opening time: kept
        ("2026-11-25T18:00", "2026-11-25T18:00", None),  # closing time: kept
        ("2026-11-25T09:59", "2026-11-25T18:00", "before"),
        ("2026-11-25T18:01", "2026-11-26T18:00", "after"),
        ("2026-11-27T23:30", "2026-11-30T18:00", "after"),  # Friday night: Monday
        ("2026-11-28T12:00", "2026-11-30T18:00", "weekend"),
        ("2026-11-23T18:00", "2026-11-24T18:00", "勤労感謝の日"),
        ("2027-01-01T18:00", "2027-01-04T18:00", "元日"),
        ("2026-12-29T18:00", "2027-01-04T18:00", "closed"),
    ],
)
def test_within_hours_moves_a_deadline_to_a_closing_time_the_shop_keeps(cal, moment, expected, why):
    assert cal.within_hours(at(moment)) == (at(expected), why)


@pytest.mark.parametrize(
    "moment, expected",
    [
        ("2026-11-25T12:00", "2026-11-25T12:00"),
        ("2026-11-25T10:00", "2026-11-25T10:00"),
        ("2026-11-25T08:00", "2026-11-25T10:00"),  # before opening: that day's opening
        ("2026-11-25T18:00", "2026-11-26T10:00"),  # at closing: the next opening
        ("2026-11-28T15:30", "2026-11-30T10:00"),  # a Saturday
        ("2026-11-23T15:30", "2026-11-24T10:00"),  # 勤労感謝の日
        ("2026-12-28T19:00", "2027-01-04T10:00"),  # the year-end closure and 元日
    ],
)
def test_working_time_is_the_next_opening_of_a_business_day(cal, moment, expected):
    assert cal.working_time(at(moment)) == at(expected)


@pytest.mark.parametrize(
    "moment, expected",
    [
        ("2026-11-25T12:00", "2026-11-25T12:00"),
        ("2026-11-25T20:00", "2026-11-25T18:00"),
        ("2026-11-25T08:00", "2026-11-24T18:00"),
        ("2026-11-24T08:00", "2026-11-20T18:00"),  # over the weekend and the holiday Monday
    ],
)
def test_worked_before_is_the_last_time_the_shop_was_open(cal, moment, expected):
    found = cal.worked_before(at(moment))
    assert found == at(expected)
    # every time before it moves, by working_time, to a time no later than moment
    for minutes in range(0, 4 * 24 * 60, 17):
        earlier = found - timedelta(minutes=minutes + 1)
        assert cal.working_time(earlier) <= at(moment)


def test_business_days_jump_by_weeks_and_agree_with_counting_day_by_day():
    """nth_business_day_after jumps whole weeks; counting one business day at a time must
    give the same day, over year ends, holidays, the shop's closed days and a six-day week."""
    import random

    from shopcare.domain.calendar import ShopCalendar
    from shopcare.settings.config import Config

    closed = (date(2026, 12, 29), date(2026, 12, 30), date(2027, 1, 2), date(2027, 8, 13))
    rng = random.Random(15)
    for weekdays in (
        ("mon", "tue", "wed", "thu", "fri"),
        ("mon", "tue", "wed", "thu", "fri", "sat"),
    ):
        calendar = ShopCalendar(Config(weekdays=weekdays, closed=closed))
        for _ in range(60):
            start = date(2026, 1, 1) + timedelta(days=rng.randrange(900))
            n = rng.randrange(0, 700)
            slow = start
            for _ in range(n):
                slow = calendar.next_business_day(slow)
            assert calendar.nth_business_day_after(start, n) == slow, (weekdays, start, n)


@pytest.mark.parametrize("path, says", [("/dev/zero", "not a regular file"), ("/", "a folder")])
def test_holiday_import_and_policy_check_refuse_what_is_no_file(cli, path, says):
    assert says in cli.fails("calendar", "import-holidays", path)
    result = cli("policy", "check", path, code=1)
    assert f"{path}: {says}" in result.stdout + result.stderr


def test_a_holiday_list_too_large_is_refused(cli, tmp_path):
    big = tmp_path / "syukujitsu.csv"
    big.write_bytes(b"x" * (5 * 1024 * 1024))
    assert "too large for a holiday list" in cli.fails("calendar", "import-holidays", str(big))


@pytest.mark.parametrize(
    "extra", [["--from", "2026-12-25"], ["--from", "soon"], ["--days", "3"], ["--json"]]
)
def test_business_today_takes_no_other_option(cli, extra):
    """--business-today answers for today only: a --from beside it (even one that is no date)
    was ignored, and the exit status answered for another day than the one asked about."""
    stderr = cli.fails("calendar", "--business-today", *extra)
    assert "--business-today answers for today only" in stderr


# --- OpenHours: the report's fast answers, held to the calendar's ---------------------------

_REFERENCE_CALENDARS = {
    "Tokyo, year-end closed": ShopCalendar(Config(closed=YEAR_END)),
    "New York (summer time), Saturdays open": ShopCalendar(
        Config(timezone="America/New_York", weekdays=("mon", "tue", "wed", "thu", "fri", "sat"))
    ),
}
_FIRST_DAY = date(2025, 12, 30)
_BASE = int(datetime(2026, 1, 1, tzinfo=TOKYO).timestamp())


def _business_seconds(calendar: ShopCalendar, start: datetime, end: datetime) -> int:
    """The slow way: the opening hours of each business day, clipped to [start, end]."""
    total = 0
    day = start.astimezone(calendar.tz).date() - timedelta(days=1)
    while day <= end.astimezone(calendar.tz).date() + timedelta(days=1):
        if calendar.is_business_day(day):
            low = max(start, calendar.opening_time(day))
            high = min(end, calendar.closing_time(day))
            total += max(0, int((high - low).total_seconds()))
        day += timedelta(days=1)
    return total


@pytest.mark.parametrize("name", sorted(_REFERENCE_CALENDARS))
def test_open_hours_give_the_calendars_due_times_and_business_hours(name):
    """Random starts over two years (a holiday Monday, the year end, summer time), every kind
    of clock, including clocks that run out exactly at closing time and clocks of zero."""
    from datetime import UTC

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from shopcare.domain.calendar import OpenHours
    from shopcare.domain.durations import Duration

    calendar = _REFERENCE_CALENDARS[name]
    hours = OpenHours(calendar, _FIRST_DAY)

    @settings(max_examples=400, deadline=None, derandomize=True, database=None)
    @given(
        start=st.one_of(
            st.integers(0, 730 * 86400),
            st.integers(0, 730).map(lambda d: d * 86400 + 9 * 3600),  # on the hour: edges
            st.integers(0, 730 * 48).map(lambda h: h * 1800),
        ),
        length=st.integers(0, 40 * 86400),
        count=st.integers(0, 50),
        unit=st.sampled_from(("bh", "bd", "h", "d")),
    )
    def check(start, length, count, unit):
        moment = _BASE + start
        at = datetime.fromtimestamp(moment, UTC)
        duration = Duration(count, unit)
        assert hours.due(moment, duration) == int(calendar.due(at, duration).timestamp())
        end = datetime.fromtimestamp(moment + length, UTC)
        assert hours.seconds_to(moment + length) - hours.seconds_to(moment) == (
            _business_seconds(calendar, at, end)
        )

    check()
