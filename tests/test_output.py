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


def test_cells_a_spreadsheet_would_run_are_made_inert(capsys):
    for text in ('=HYPERLINK("http://x.example")', "+81-90", "-2+3", "@SUM(A1)"):
        assert line({"id": 1, "text": text}, capsys) == f"1\t\t'{text}"
    # in a long list too, where the chunk is written without looking at each cell
    rows = [{"id": n, "at": None, "text": f"件名 {n}"} for n in range(600)]
    rows[300]["text"] = "=cmd|' /C calc'!A0"
    rows[599]["id"] = "@x"
    lines = tsv(rows, capsys)
    assert lines[300] == "300\t\t'=cmd|' /C calc'!A0"
    assert lines[599].startswith("'@x\t")
    assert lines[299] == "299\t\t件名 299"
    # a formula sign inside a cell is just text
    assert line({"id": 1, "text": "1+1=2"}, capsys) == "1\t\t1+1=2"


def test_tsv_cells_from_outside_through_the_cli(cli):
    cli("case", "add", "--summary", "=1+1", "--email", "a@example.jp", "--customer", "@寺田")
    out = cli("case", "list", "--format", "tsv").stdout
    assert "\t'=1+1" in out and "\t'@寺田" in out
    (case,) = cli.json("case", "list")
    assert case["summary"] == "=1+1"  # json is data, as written


def test_terminal_escapes_never_reach_a_table_raw(cli):
    cli("case", "add", "--summary", "赤字\x1b[31mです\x1b]0;title\x07", "--email", "a@example.jp")
    for args in (("case", "list"), ("case", "show", "1")):
        out = cli(*args, "--format", "table").stdout
        assert "\x1b" not in out and "\x07" not in out
        assert "\\x1b[31m" in out


def test_a_huge_cell_is_cut_short_in_a_table(cli):
    cli("case", "add", "--summary", "長" * 300_000, "--email", "a@example.jp")
    out = cli("case", "list", "--format", "table").stdout
    assert "…" in out  # one line, cut to the terminal's width
    assert out.count("長") < 200
    (case,) = cli.json("case", "list")
    assert len(case["summary"]) == 300_000


def test_a_draft_on_a_terminal_shows_escapes_instead_of_obeying_them(cli, home):
    """Through a real pseudo-terminal: the draft's text holds the customer's words."""
    import os
    import pty
    import subprocess
    import sys

    cli("init", "--name", "見本店", "--email", "support@mihon.example")
    cli("case", "add", "--summary", "届かない\x1b]0;pwned\x07です", "--email", "a@example.jp")
    (home / "templates" / "ja").mkdir(parents=True)
    (home / "templates" / "ja" / "echo.txt").write_text(
        "Subject: 件名\n\n{{ case.summary }}\n", encoding="utf-8"
    )
    leader, follower = pty.openpty()
    run = subprocess.run(
        [sys.executable, "-m", "shopcare", "reply", "1", "echo"],
        stdout=follower,
        stderr=subprocess.PIPE,
        env=os.environ | {"SHOPCARE_HOME": str(home)},
        timeout=60,
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert run.returncode == 0, run.stderr
    text = shown.decode("utf-8")
    assert "\x1b" not in text and "\\x1b]0;pwned\\x07" in text
    piped = cli("reply", "1", "echo").stdout  # in a pipe the draft is as written
    assert "\x1b]0;pwned\x07" in piped


def test_case_list_on_an_80_column_terminal_is_readable(cli, monkeypatch):
    from rich.cells import cell_len

    for summary, order in (
        (
            "11月18日に注文したマグカップがまだ届きません。いつ届くのか教えてください",
            "381204-20261118-00000321",
        ),
        ("Lサイズが届いた", "A7KQ2M9XP4"),
    ):
        cli(
            "case",
            "add",
            "--summary",
            summary,
            "--order",
            order,
            "--customer",
            "佐藤 美咲",
            "--category",
            "delivery.wrong_item",
            "--received-at",
            "2026-11-20T19:40",
        )
    monkeypatch.setenv("COLUMNS", "80")
    table = cli("case", "list", "--format", "table").stdout
    lines = table.splitlines()
    assert all(cell_len(line) <= 80 for line in lines), table
    assert any("11/20 19:40" in line and "…" in line for line in lines), table  # short date, cut
    assert len([line for line in lines if "佐藤 美咲" in line]) == 2  # one line a case
    # the full values stay in tsv and json
    tsv = cli("case", "list", "--format", "tsv").stdout
    assert "いつ届くのか教えてください" in tsv and "2026-11-20T19:40:00+09:00" in tsv
