from datetime import UTC, datetime

import pytest

from shopcare.clock import DayTime, from_storage, now, parse_when, to_storage, zone
from shopcare.errors import ShopcareError

TOKYO = zone("Asia/Tokyo")
CURRENT = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)  # 2026-11-24 08:00 in Tokyo


def when(text, bare=DayTime.start()):
    return parse_when(text, tz=TOKYO, current=CURRENT, bare_date=bare)


def test_now_follows_shopcare_now():
    assert now() == datetime(2026, 11, 23, 23, 0, tzinfo=UTC)


def test_now_needs_an_offset(monkeypatch):
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T08:00")
    with pytest.raises(ShopcareError, match="offset"):
        now()


@pytest.mark.parametrize(
    "pinned",
    ["9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59+00:00"],
)
def test_now_at_the_edge_of_pythons_range_is_refused(monkeypatch, pinned):
    """SHOPCARE_NOW=9999-12-31T23:00-05:00 overflowed in UTC: every command showed a traceback."""
    monkeypatch.setenv("SHOPCARE_NOW", pinned)
    with pytest.raises(ShopcareError, match="outside the years shopcare works with"):
        now()


def test_storage_round_trip_is_utc_text():
    moment = datetime(2026, 11, 24, 9, 30, tzinfo=TOKYO)
    assert to_storage(moment) == "2026-11-24T00:30:00Z"
    assert from_storage("2026-11-24T00:30:00Z") == moment


def test_no_offset_means_the_shop_time_zone():
    assert to_storage(when("2026-11-24T15:00")) == "2026-11-24T06:00:00Z"
    assert to_storage(when("2026-11-24T15:00+00:00")) == "2026-11-24T15:00:00Z"


def test_bare_dates_take_the_time_of_day_asked_for():
    assert to_storage(when("2026-11-26")) == "2026-11-25T15:00:00Z"
    closing = DayTime(datetime(2000, 1, 1, 18).time())
    assert to_storage(when("2026-11-26", closing)) == "2026-11-26T09:00:00Z"
    assert to_storage(when("today", DayTime.end())) == "2026-11-24T14:59:59Z"
    assert to_storage(when("tomorrow")) == "2026-11-24T15:00:00Z"


def test_relative_forms():
    assert to_storage(when("+3d")) == "2026-11-26T23:00:00Z"
    assert to_storage(when("+4h")) == "2026-11-24T03:00:00Z"
    assert to_storage(when("-2h")) == "2026-11-23T21:00:00Z"


@pytest.mark.parametrize("text", ["2026-13-01", "next week", "+3w", "", "2026/11/24"])
def test_unreadable_dates_are_errors_with_a_hint(text):
    with pytest.raises(ShopcareError) as err:
        when(text)
    assert err.value.hint


def test_unknown_time_zone():
    with pytest.raises(ShopcareError, match="time zone"):
        zone("Mars/Olympus")


@pytest.mark.parametrize(
    "text, says",
    [
        ("", "an empty date or time"),
        ("   ", "an empty date or time"),
        ("0001-01-01", "outside the years shopcare works with"),
        ("9999-12-31T23:00-05:00", "outside the years shopcare works with"),
        ("1899-12-31", "outside the years shopcare works with"),
        ("+99999bd", "too far away"),
        ("+3661d", "too far away"),
        ("-87841h", "too far away"),
        ("+9999999bh", "too far away"),
        ("２０２６-11-30", "cannot read"),
    ],
)
def test_dates_beyond_a_shops_work_are_refused(text, says):
    from datetime import UTC, datetime

    from shopcare.clock import DayTime, parse_when
    from shopcare.domain.calendar import ShopCalendar
    from shopcare.errors import ShopcareError
    from shopcare.settings.config import Config

    calendar = ShopCalendar(Config())
    now = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    with pytest.raises(ShopcareError, match=says):
        parse_when(text, tz=calendar.tz, current=now, bare_date=DayTime.start(), calendar=calendar)


def test_the_furthest_relative_times_are_quick_and_exact():
    from datetime import UTC, datetime

    from shopcare.clock import DayTime, parse_when
    from shopcare.domain.calendar import ShopCalendar
    from shopcare.settings.config import Config

    calendar = ShopCalendar(Config())
    now = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    far = parse_when(
        "+2610bd", tz=calendar.tz, current=now, bare_date=DayTime.start(), calendar=calendar
    )
    assert 2036 <= far.year <= 2037
    assert calendar.is_business_day(far.astimezone(calendar.tz).date())
