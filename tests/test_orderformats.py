"""The value readers of the order formats, against the slow, obvious way of reading each value."""

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from shopcare.domain.orders import ORDER_FIELDS
from shopcare.orders.cells import RowError, japan_time, money, offset_time
from shopcare.orders.formats import FORMATS


def _slow(text: str) -> str:
    moment = datetime.fromisoformat(text.replace(" +", "+").replace(" -", "-"))
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_stamps_read_an_hour_at_a_time_match_reading_each_stamp():
    chance = random.Random(7)
    offsets = [timezone(timedelta(minutes=m)) for m in (0, 60, 120, 540, 330, -300, -210, 345, -60)]
    start = datetime(2019, 12, 30, 0, 0)
    for _ in range(3000):
        local = start + timedelta(seconds=chance.randrange(3 * 366 * 86400))
        zone = chance.choice(offsets)
        stamp = local.replace(tzinfo=zone)
        shopify = stamp.strftime("%Y-%m-%d %H:%M:%S %z")
        amazon = stamp.isoformat()
        assert offset_time(shopify, "Created at") == _slow(shopify)
        assert offset_time(amazon, "purchase-date") == _slow(amazon)
        if zone.utcoffset(None) == timedelta(hours=9):
            assert japan_time(local.strftime("%Y-%m-%d %H:%M:%S"), "注文日時") == _slow(amazon)


@pytest.mark.parametrize(
    "text",
    [
        "2021-02-29 11:01:13 +0200",  # no such day
        "2021-05-13 24:01:13 +0200",
        "2021-05-13 11:60:13 +0200",
        "2021-05-13 11:01:61 +0200",
        "2021-05-13 11:01:13 +2500",
        "2021-05-13 11:01:1x +0200",
        "2021-05-13T11:01:13+09:0x",
    ],
)
def test_impossible_stamps_are_refused_however_they_are_read(text):
    with pytest.raises(RowError, match="as a date"):
        offset_time(text, "Created at")
    with pytest.raises(RowError, match="as a date"):
        offset_time(text, "Created at")  # the second time, from what the first one left behind


def test_japan_time_refuses_impossible_dates():
    for text in ("2026-02-30 10:00:00", "2026-11-20 25:00:00", "2026-11-20 10:15:30x"):
        with pytest.raises(RowError, match="注文日時"):
            japan_time(text, "注文日時")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3980", 3980),
        ("3,980", 3980),
        ("¥3,980", 3980),
        ("3980円", 3980),
        ("３９８０", 3980),
        ("3980.00", 3980),
        ("12.50", 12.5),
        (" 12 ", 12),
        ("", None),
    ],
)
def test_money(text, value):
    assert money(text, "Total") == value
    assert type(money(text, "Total")) is type(value)


def test_money_refuses_what_is_not_an_amount():
    for text in ("12a", "²", "1.2.3"):
        with pytest.raises(RowError, match="as an amount"):
            money(text, "Total")


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.source)
def test_order_readers_name_only_stored_fields(fmt):
    fields = fmt.order(*[""] * len(fmt.order_columns))
    assert set(fields) <= {*ORDER_FIELDS, "_add_total"}


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.source)
def test_each_reader_takes_one_cell_per_column_it_names(fmt):
    """A reader's parameters are its columns' cells, in order: a column added to the list
    without a parameter (or the other way round) is caught here, not on a shop's file."""
    import inspect

    for reader, columns in ((fmt.order, fmt.order_columns), (fmt.item, fmt.item_columns)):
        assert len(inspect.signature(reader).parameters) == len(columns), reader.__name__
        assert len(set(columns)) == len(columns)
