"""The case commands as a user runs them: exit codes, json fields, tsv in a pipe, errors."""

from __future__ import annotations

import shutil

import pytest
from conftest import dump

CASE_FIELDS = {
    "id",
    "received_at",
    "channel",
    "mall",
    "order_number",
    "customer_name",
    "customer_email",
    "category",
    "category_label",
    "priority",
    "status",
    "assignee",
    "summary",
    "request",
    "fault",
}


def add(cli, *args: str) -> int:
    result = cli("case", "add", "--summary", "注文した商品がまだ届きません", *args)
    return int(result.stdout.strip())


def test_add_prints_just_the_id_in_a_pipe(cli):
    result = cli("case", "add", "--summary", "届かない")
    assert result.stdout == "1\n"
    assert add(cli) == 2


def test_list_json_has_the_documented_fields(cli):
    add(
        cli,
        "--email",
        "hanako@example.jp",
        "--customer",
        "山田 花子",
        "--mall",
        "rakuten",
        "--category",
        "delivery.not_arrived",
        "--order",
        "381204-20261118-00000321",
        "--received-at",
        "2026-11-23T19:40",
    )
    rows = cli.json("case", "list")
    assert len(rows) == 1
    row = rows[0]
    assert set(row) >= CASE_FIELDS
    assert row["received_at"] == "2026-11-23T19:40:00+09:00"
    assert row["category_label"] == "商品の未着"
    assert row["priority"] == "high"
    assert row["customer_email"] == "hanako@example.jp"


def test_empty_list_is_valid_json_and_a_header_in_tsv(cli):
    assert cli.json("case", "list") == []
    assert cli("case", "list", "--json").stdout.strip() == "[]"
    tsv = cli("case", "list").stdout.splitlines()
    assert tsv == [
        "id\treceived_at\tstatus\tpriority\tcategory_label\tmall\torder_number\tcustomer_name\tassignee\tsummary"
    ]


def test_piped_output_is_tsv_with_iso_dates(cli):
    add(cli, "--received-at", "2026-11-24T07:10")
    lines = cli("case", "list").stdout.splitlines()
    header, row = lines[0].split("\t"), lines[1].split("\t")
    assert dict(zip(header, row, strict=True))["received_at"] == "2026-11-24T07:10:00+09:00"


def test_tsv_escapes_tabs_and_newlines(cli):
    cli("case", "add", "--summary", "-", input="一行目\n二行目\tタブ\n")
    row = cli("case", "list").stdout.splitlines()[1]
    assert row.endswith("一行目\\n二行目\\tタブ")


def test_table_format_renders(cli):
    add(cli, "--customer", "佐藤 美咲")
    out = cli("case", "list", "--format", "table").stdout
    assert "佐藤 美咲" in out and "Summary" in out


def test_show_has_events_with_time_kind_author_text(cli):
    case_id = add(cli)
    cli("case", "message", str(case_id), "まだ?")
    cli("case", "note", str(case_id), "ヤマト運輸に照会", "--kind", "contact")
    cli("case", "assign", str(case_id), "sato")
    cli("case", "promise", str(case_id), "--due", "2026-11-26", "配送状況をご連絡する")
    cli("case", "status", str(case_id), "waiting", "--note", "運送会社の回答待ち")
    shown = cli.json("case", "show", str(case_id))
    assert set(shown) >= CASE_FIELDS
    assert shown["assignee"] == "sato" and shown["status"] == "waiting"
    events = shown["events"]
    assert [e["kind"] for e in events] == [
        "created",
        "message",
        "note",
        "assignment",
        "promise",
        "status",
    ]
    assert all({"at", "kind", "author", "text"} <= set(e) for e in events)
    assert events[1] == events[1] | {  # the customer wrote it; the operator logged it
        "text": "まだ?",
        "author": "customer",
        "at": "2026-11-24T08:00:00+09:00",
        "data": {"logged_by": "tester"},
    }
    assert all(e["author"] == "tester" for e in events if e["kind"] != "message")
    assert events[4]["due_at"] == "2026-11-26T18:00:00+09:00"  # a bare date: closing time


def test_show_in_tsv_has_fields_then_the_timeline(cli):
    case_id = add(cli)
    out = cli("case", "show", str(case_id)).stdout
    fields, timeline, recent = out.split("\n\n")
    assert fields.splitlines()[0] == "field\tvalue"
    assert "status\tnew" in fields
    assert timeline.splitlines()[0] == "at\tkind\tauthor\twhat"
    assert recent.splitlines()[0].startswith("number\tmall")


def test_message_reopens_a_closed_case(cli):
    case_id = str(add(cli))
    cli("case", "close", case_id, "--cause", "誤配送", "--prevention", "出荷前の照合")
    assert cli.json("case", "list") == []
    result = cli("case", "message", case_id, "また違う商品が届きました")
    assert "open again" in result.stderr
    assert cli.json("case", "show", case_id)["status"] == "open"


def test_text_dash_reads_standard_input(cli):
    case_id = str(add(cli))
    cli("case", "message", case_id, "-", input="まだですか?\n")
    assert cli.json("case", "show", case_id)["events"][-1]["text"] == "まだですか?"


def test_card_number_is_masked_and_the_command_says_so(cli):
    result = cli("case", "add", "--summary", "カード4111111111111111で払った")
    assert "masked" in result.stderr
    assert cli.json("case", "show", "1")["summary"] == "カード411111******1111で払った"


def test_status_filter_and_category_group(cli):
    a = add(cli, "--category", "delivery.late")
    add(cli, "--category", "inquiry.product")
    assert [r["id"] for r in cli.json("case", "list", "--category", "delivery")] == [a]


def test_edit_changes_fields_on_the_timeline(cli):
    case_id = str(add(cli))
    cli("case", "edit", case_id, "--category", "delivery.damaged", "--fault", "carrier")
    shown = cli.json("case", "show", case_id)
    # a new category brings its priority (delivery trouble is high), on the timeline too
    assert (shown["category"], shown["fault"], shown["priority"]) == (
        "delivery.damaged",
        "carrier",
        "high",
    )
    edits = [e["data"]["field"] for e in shown["events"] if e["kind"] == "edited"]
    assert edits == ["category", "fault", "priority"]
    # unless a priority is given with it
    cli("case", "edit", case_id, "--category", "inquiry.product", "--priority", "low")
    assert cli.json("case", "show", case_id)["priority"] == "low"


def test_edit_fixes_what_add_set_about_the_customer_and_the_order(cli, tmp_path):
    from exports import SHOPIFY_2026, shopify_rows, write_export

    cli("orders", "import", str(write_export(tmp_path / "s.csv", SHOPIFY_2026, shopify_rows())))
    case_id = cli("case", "add", "--summary", "届かない").stdout.strip()
    # the order, typed without its #: re-linked, the mall and the customer filled from it
    cli("case", "edit", case_id, "--order", "1001")
    shown = cli.json("case", "show", case_id)
    assert (shown["order_number"], shown["mall"]) == ("#1001", "shopify")
    assert shown["customer_email"] == "hanako.yamada@example.jp"
    # the address and name the customer really has
    cli("case", "edit", case_id, "--email", "hanako.y@example.jp", "--customer", "山田 はなこ")
    shown = cli.json("case", "show", case_id)
    assert (shown["customer_email"], shown["customer_name"]) == (
        "hanako.y@example.jp",
        "山田 はなこ",
    )
    fields = [e["data"]["field"] for e in shown["events"] if e["kind"] == "edited"]
    assert fields[-2:] == ["customer_email", "customer_name"]
    assert "already has those values" in cli.fails(
        "case", "edit", case_id, "--email", "hanako.y@example.jp"
    )


@pytest.mark.parametrize(
    "args, message, hint",
    [
        (
            ["case", "add", "--summary", "x", "--category", "foo"],
            "unknown category 'foo'",
            "categories",
        ),
        (
            ["case", "add", "--summary", "x", "--category", "delivery.lat"],
            "unknown category",
            "delivery.late",
        ),
        (["case", "add", "--summary", "x", "--status", "new"], None, None),
        (
            ["case", "add", "--summary", "x", "--channel", "fax"],
            "unknown channel 'fax'",
            "email, mall, phone",
        ),
        (
            ["case", "add", "--summary", "x", "--mall", "mercari"],
            "unknown mall 'mercari'",
            "rakuten, amazon",
        ),
        (
            ["case", "add", "--summary", "x", "--fault", "god"],
            "unknown fault 'god'",
            "shop, carrier",
        ),
        (
            ["case", "add", "--summary", "x", "--priority", "urgent"],
            "unknown priority",
            "high, normal, low",
        ),
        (["case", "add", "--summary", "   "], "summary is empty", "standard input"),
        (
            ["case", "add", "--summary", "x", "--received-at", "2026-02-30"],
            "cannot read '2026-02-30'",
            "+3d",
        ),
        (["case", "add", "--summary", "x", "--received-at", "+1d"], "in the future", None),
        (["case", "add", "--summary", "x", "--email", "hanako"], "not an e-mail address", None),
        (["case", "show", "99"], "no case 99", "case list"),
        (["case", "message", "99", "まだ?"], "no case 99", None),
        (["case", "message", "1", " "], "message is empty", None),
        (
            ["case", "message", "1", "まだ?", "--at", "2026-11-01"],
            "before the case was received",
            None,
        ),
        (["case", "note", "1", "メモ", "--kind", "secret"], "unknown note kind", "fact, decision"),
        (["case", "status", "1", "done"], "unknown status 'done'", "waiting"),
        (["case", "status", "1", "new"], "cannot go back to new", "open, waiting"),
        (["case", "status", "1", "closed"], "cause and prevention", "case close 1"),
        (["case", "promise", "1", "連絡", "--due", "yesterday"], "already passed", None),
        (["case", "promise", "1", "連絡", "--due", "someday"], "cannot read 'someday'", None),
        (["case", "assign", "1", " "], "empty", None),
        (["case", "list", "--status", "pending"], "unknown status", "all"),
        (["case", "list", "--mall", "ebay"], "unknown mall", None),
        (["case", "list", "--category", "nope"], "unknown category", None),
        (["case", "edit", "1"], "nothing to change", "--category"),
        (["case", "edit", "1", "--category", "other"], "already has", None),
    ],
)
def test_bad_input_is_one_clear_line_and_writes_nothing(cli, home, args, message, hint):
    add(cli, "--received-at", "2026-11-20T10:00")
    before = dump(home)
    if message is None:  # a usage error: unknown option
        assert cli(*args, code=2).exit_code == 2
    else:
        stderr = cli.fails(*args)
        assert message in stderr.splitlines()[0]
        if hint:
            assert stderr.splitlines()[1].startswith("hint: ") and hint in stderr
    assert dump(home) == before


def test_closing_twice_is_an_error(cli):
    case_id = str(add(cli))
    cli("case", "close", case_id)
    assert "already closed" in cli.fails("case", "close", case_id)


def test_debug_shows_the_traceback(cli, monkeypatch):
    monkeypatch.setenv("SHOPCARE_DEBUG", "1")
    result = cli("case", "show", "5", code=1)
    assert result.exception is not None and "no case 5" in str(result.exception)


def test_home_that_cannot_be_written(cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    stderr = cli.fails("--home", str(blocker / "shop"), "case", "add", "--summary", "x")
    assert "cannot create the home" in stderr and "hint:" in stderr


@pytest.mark.sqlite_only
def test_a_reading_command_where_there_is_no_shop_says_so(cli, tmp_path):
    """A mistyped --home must not look like an empty shop; a writing command makes the shop and
    says where, once."""
    nowhere = tmp_path / "typo"
    for args in (("case", "list"), ("followups",), ("customer", "show", "a@example.jp")):
        stderr = cli.fails("--home", str(nowhere), *args)
        assert f"no shop at {nowhere}" in stderr and f"shopcare --home {nowhere} init" in stderr
    assert not nowhere.exists()
    hinted = stderr.split("shopcare ", 1)[1].split(" (")[0].split()  # the hint, as typed
    cli(*hinted)
    assert cli.json("--home", str(nowhere), "case", "list") == []
    shutil.rmtree(nowhere)
    first = cli("--home", str(nowhere), "case", "add", "--summary", "届かない")
    assert f"a new shop is made at {nowhere}" in first.stderr
    second = cli("--home", str(nowhere), "case", "add", "--summary", "まだ")
    assert "a new shop" not in second.stderr
    assert len(cli.json("--home", str(nowhere), "case", "list")) == 2


@pytest.mark.sqlite_only
def test_database_that_is_not_sqlite(cli, home):
    home.mkdir(parents=True, exist_ok=True)
    (home / "shopcare.db").write_text("this is not a database" * 100)
    assert "cannot open the database" in cli.fails("case", "list")


def test_a_reader_that_goes_away_is_no_error(home):
    """`shopcare categories | head -1`: the pipe closes early; no Error line, exit 0."""
    import os
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)  # every write now fails with EPIPE
    result = subprocess.run(
        [sys.executable, "-m", "shopcare", "categories", "--format", "tsv"],
        stdout=write_end,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, SHOPCARE_HOME=str(home)),
    )
    os.close(write_end)
    assert result.returncode == 0
    assert result.stderr == ""


# --- promises the shop can keep --------------------------------------------------------


@pytest.mark.parametrize(
    "now, due, expected, notice",
    [
        # +Nd counts days: the local date N days on, at closing time
        ("2026-11-24T23:30", "+1d", "2026-11-25T18:00", None),
        ("2026-11-24T08:00", "+2d", "2026-11-26T18:00", None),
        (
            "2026-11-27T23:30",
            "+1d",
            "2026-11-30T18:00",
            "2026-11-28 is a Saturday, a closed day: the promise is due 2026-11-30 18:00,"
            " the next business day's closing time",
        ),
        ("2026-11-24T08:00", "today", "2026-11-24T18:00", None),
        ("2026-11-24T08:00", "2026-11-25T12:00", "2026-11-25T12:00", None),
        ("2026-11-24T08:00", "2026-11-25T18:00", "2026-11-25T18:00", None),  # closing: kept
        ("2026-11-24T08:00", "+4h", "2026-11-24T12:00", None),
        ("2026-11-24T08:00", "+2bd", "2026-11-26T18:00", None),
        (
            "2026-11-24T08:00",
            "2027-01-01",
            "2027-01-04T18:00",
            "2027-01-01 is 元日, a closed day: the promise is due 2027-01-04 18:00,"
            " the next business day's closing time",
        ),
        (
            "2026-11-24T08:00",
            "2027-01-01T12:00",
            "2027-01-04T18:00",
            "2027-01-01 is 元日, a closed day: the promise is due 2027-01-04 18:00,"
            " the next business day's closing time",
        ),
        (
            "2026-11-20T12:00",
            "2026-11-23",
            "2026-11-24T18:00",
            "2026-11-23 is 勤労感謝の日, a closed day: the promise is due 2026-11-24 18:00,"
            " the next business day's closing time",
        ),
        (
            "2026-11-24T08:00",
            "2026-11-25T20:00",
            "2026-11-26T18:00",
            "2026-11-25 20:00 is after closing time (18:00): the promise is due"
            " 2026-11-26 18:00, the next business day's closing time",
        ),
        (
            "2026-11-24T08:00",
            "2026-11-27T22:00",
            "2026-11-30T18:00",
            "2026-11-27 22:00 is after closing time (18:00): the promise is due"
            " 2026-11-30 18:00, the next business day's closing time",
        ),
        (
            "2026-11-24T08:00",
            "2026-11-25T09:00",
            "2026-11-25T18:00",
            "2026-11-25 09:00 is before opening time (10:00): the promise is due"
            " 2026-11-25 18:00, that day's closing time",
        ),
    ],
)
def test_a_promise_is_due_within_opening_hours_on_a_business_day(
    cli, monkeypatch, now, due, expected, notice
):
    monkeypatch.setenv("SHOPCARE_NOW", now + ":00+09:00")
    case_id = str(add(cli, "--received-at", "2026-11-20T10:00"))
    result = cli("case", "promise", case_id, "--due", due, "配送状況をご連絡する")
    lines = result.stderr.splitlines()
    assert lines == ([notice] if notice else []) + [f"promise recorded on case {case_id}"]
    assert cli.json("case", "show", case_id)["events"][-1]["due_at"] == expected + ":00+09:00"


def test_a_promise_on_a_closed_day_of_the_shop_moves_past_the_closure(cli, home):
    cli("init", "--name", "はなまる雑貨店")
    config = (home / "config.toml").read_text(encoding="utf-8")
    closed = 'closed = ["2026-12-29", "2026-12-30", "2026-12-31", "2027-01-02", "2027-01-03"]'
    (home / "config.toml").write_text(config.replace("closed = []", closed), encoding="utf-8")
    case_id = str(add(cli))
    result = cli("case", "promise", case_id, "--due", "2026-12-30", "連絡")
    assert result.stderr.splitlines()[0] == (
        "2026-12-30 is one of the shop's closed days: the promise is due 2027-01-04 18:00,"
        " the next business day's closing time"
    )
    assert cli.json("case", "show", case_id)["events"][-1]["due_at"] == "2027-01-04T18:00:00+09:00"


@pytest.mark.parametrize(
    "now, due",
    [
        ("2026-11-24T19:00", "today"),  # closing time today has passed
        ("2026-11-24T08:00", "2026-11-23"),  # a holiday, and past: not moved to the future
        ("2026-11-24T08:00", "-1d"),
        ("2026-11-24T08:00", "now"),
    ],
)
def test_a_promise_typed_in_the_past_is_refused(cli, home, monkeypatch, now, due):
    monkeypatch.setenv("SHOPCARE_NOW", now + ":00+09:00")
    case_id = str(add(cli, "--received-at", "2026-11-20T10:00"))
    before = dump(home)
    assert "the promised time has already passed" in cli.fails(
        "case", "promise", case_id, "--due", due, "連絡"
    )
    assert dump(home) == before
