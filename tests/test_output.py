"""The tsv writer: one line per row, cells escaped so that a line is always one record."""

from datetime import UTC, datetime, timedelta, timezone

from shopcare.cli.output import Column, View, _tsv_writer

JST = timezone(timedelta(hours=9))
VIEW = View("t", (Column("id", "ID"), Column("at", "At"), Column("text", "Text")))


def line(row: dict) -> str:
    return _tsv_writer(VIEW, JST)(row)


def test_plain_cells_and_times_in_the_shop_zone():
    assert line({"id": "r1", "at": "2026-11-23T23:00:00Z", "text": "返品"}) == (
        "r1\t2026-11-24T08:00:00+09:00\t返品\n"
    )
    moment = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)
    assert line({"id": 7, "at": moment, "text": None}) == "7\t2026-11-24T08:00:00+09:00\t\n"


def test_booleans_and_missing_keys():
    assert line({"id": True, "text": False}) == "true\t\tfalse\n"


def test_tabs_line_breaks_and_backslashes_are_escaped():
    assert line({"id": 1, "text": "a\tb"}) == "1\t\ta\\tb\n"
    assert line({"id": "x", "text": "一行目\n二行目\r"}) == "x\t\t一行目\\n二行目\\r\n"
    assert line({"id": "x", "text": "C:\\shop"}) == "x\t\tC:\\\\shop\n"
    assert line({"id": "a\tb", "text": "c"}).count("\t") == 2
