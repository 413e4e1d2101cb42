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
