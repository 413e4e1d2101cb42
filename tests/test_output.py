"""The tsv writer: one line per row, cells escaped so that a line is always one record."""

from datetime import UTC, datetime, timedelta, timezone

from shopcare.cli.output import Column, Format, View, print_rows

JST = timezone(timedelta(hours=9))
VIEW = View("t", (Column("id", "ID"), Column("at", "At"), Column("text", "Text")))


def tsv(rows: list[dict], capsys) -> list[str]:
    capsys.readouterr()
    assert print_rows(rows, VIEW, Format.tsv, JST) == len(rows)
    header, *lines = capsys.readouterr().out.split("\n")[:-1]
    assert header == "id\tat\ttext"
    return lines


def line(row: dict, capsys) -> str:
    (only,) = tsv([row], capsys)
    return only


def test_plain_cells_and_times_in_the_shop_zone(capsys):
    assert line({"id": "r1", "at": "2026-11-23T23:00:00Z", "text": "返品"}, capsys) == (
        "r1\t2026-11-24T08:00:00+09:00\t返品"
    )
    moment = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)
    assert line({"id": 7, "at": moment, "text": None}, capsys) == "7\t2026-11-24T08:00:00+09:00\t"


def test_booleans_and_missing_keys(capsys):
    assert line({"id": True, "text": False}, capsys) == "true\t\tfalse"


def test_tabs_line_breaks_and_backslashes_are_escaped(capsys):
    assert line({"id": 1, "text": "a\tb"}, capsys) == "1\t\ta\\tb"
    assert line({"id": "x", "text": "一行目\n二行目\r"}, capsys) == "x\t\t一行目\\n二行目\\r"
    assert line({"id": "x", "text": "C:\\shop"}, capsys) == "x\t\tC:\\\\shop"
    assert line({"id": "a\tb", "text": "c"}, capsys).count("\t") == 2


def test_a_long_list_escapes_only_the_cells_that_need_it(capsys):
    """Lines are written a chunk at a time, and escaping is looked for per chunk: a cell that
    needs it, anywhere in a long list, is escaped, and its neighbours are left as they were."""
    rows = [{"id": n, "at": None, "text": f"件名 {n}"} for n in range(1300)]
    rows[700]["text"] = "改行\nあり"
    rows[1299]["text"] = "タブ\tあり"
    rows[5]["id"] = "\\"
    lines = tsv(rows, capsys)
    assert len(lines) == 1300
    assert lines[700] == "700\t\t改行\\nあり"
    assert lines[1299] == "1299\t\tタブ\\tあり"
    assert lines[5] == "\\\\\t\t件名 5"
    assert lines[699] == "699\t\t件名 699" and lines[0] == "0\t\t件名 0"
    assert all(line.count("\t") == 2 for line in lines)
