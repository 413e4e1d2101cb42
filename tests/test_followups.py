"""shopcare followups and shopcare calendar: reply clocks per mall, promises, resolutions,
aftercare, satisfaction checks, done, snooze, --check; worked examples on real dates."""

from __future__ import annotations

import pytest
from conftest import dump, shop_store
from exports import SHOPIFY_2026, shopify_rows, write_export

FRIDAY_EVENING = "2026-11-20T19:05"


def add(cli, *args: str) -> str:
    return cli("case", "add", "--summary", "届かない", *args).stdout.strip()


def items(cli, *args: str) -> list[dict]:
    return cli.json("followups", *args)


def by_id(cli, *args: str) -> dict[str, dict]:
    return {item["id"]: item for item in items(cli, *args)}


@pytest.fixture
def tuesday(monkeypatch):
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T08:00:00+09:00")


def test_rakuten_friday_evening_is_due_tuesday_and_amazon_saturday(cli, tuesday):
    rakuten = add(
        cli, "--mall", "rakuten", "--category", "inquiry.product", "--received-at", FRIDAY_EVENING
    )
    amazon = add(
        cli, "--mall", "amazon", "--category", "inquiry.product", "--received-at", FRIDAY_EVENING
    )
    found = by_id(cli, "--until", "2026-11-30")
    assert found[f"r{rakuten}"]["due_at"] == "2026-11-24T18:00:00+09:00"
    assert found[f"r{rakuten}"]["overdue"] is False
    assert (
        found[f"r{amazon}"]["due_at"] == "2026-11-21T19:05:00+09:00"
    )  # 24 calendar hours: Saturday
    assert found[f"r{amazon}"]["overdue"] is True
    assert found[f"r{amazon}"]["left"] == "2d 12h late"
    assert found[f"r{amazon}"]["template"] == "first_response"
    assert set(found[f"r{rakuten}"]) >= {
        "id",
        "kind",
        "due_at",
        "overdue",
        "case_id",
        "order_number",
        "what",
        "template",
    }


def test_high_priority_counts_business_hours(cli, monkeypatch):
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-19T15:00:00+09:00")
    case_id = add(cli, "--mall", "own", "--category", "delivery.late")  # high: 8 business hours
    normal = add(cli, "--mall", "own", "--category", "inquiry.product")  # 1 business day
    found = by_id(cli, "--until", "2026-11-30")
    assert found[f"r{case_id}"]["due_at"] == "2026-11-20T15:00:00+09:00"
    assert found[f"r{normal}"]["due_at"] == "2026-11-20T18:00:00+09:00"


def test_year_end_closures_are_skipped(cli, home, monkeypatch):
    cli("init", "--name", "はなまる雑貨店")
    config = (home / "config.toml").read_text(encoding="utf-8")
    closed = 'closed = ["2026-12-29", "2026-12-30", "2026-12-31", "2027-01-02", "2027-01-03"]'
    (home / "config.toml").write_text(config.replace("closed = []", closed), encoding="utf-8")
    monkeypatch.setenv("SHOPCARE_NOW", "2026-12-28T17:00:00+09:00")
    case_id = add(cli, "--category", "inquiry.product")
    assert (
        by_id(cli, "--until", "2027-01-10")[f"r{case_id}"]["due_at"] == "2027-01-04T18:00:00+09:00"
    )
    days = cli.json("calendar", "--from", "2026-12-29", "--days", "7")
    assert [(d["date"], d["business"], d["reason"]) for d in days] == [
        ("2026-12-29", False, "closed"),
        ("2026-12-30", False, "closed"),
        ("2026-12-31", False, "closed"),
        ("2027-01-01", False, "元日"),
        ("2027-01-02", False, "closed"),
        ("2027-01-03", False, "closed"),
        ("2027-01-04", True, None),
    ]


def test_a_sent_reply_stops_the_clock_and_a_new_message_starts_one(cli, tuesday):
    cli("init", "--name", "はなまる雑貨店")
    case_id = add(cli, "--received-at", FRIDAY_EVENING)
    cli("reply", case_id, "first_response", "--mark-sent")
    assert f"r{case_id}" not in by_id(cli, "--until", "2026-11-30")
    cli("case", "message", case_id, "まだ?", "--at", "2026-11-24T07:30")
    item = by_id(cli, "--until", "2026-11-30")[f"r{case_id}"]
    assert item["due_at"] == "2026-11-25T18:00:00+09:00"  # one business day after Tuesday
    assert item["template"] == "status_update"


def test_waiting_pauses_the_reply_and_resolve_clocks(cli, tuesday):
    case_id = add(cli, "--received-at", "2026-11-10T10:00")
    assert {f"r{case_id}", f"s{case_id}"} <= set(by_id(cli))
    cli("case", "status", case_id, "waiting")
    assert by_id(cli) == {}


def test_resolve_target_moves_on_by_the_time_spent_waiting(cli, monkeypatch):
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-16T10:00:00+09:00")
    case_id = add(
        cli, "--category", "inquiry.product"
    )  # resolve within 5bd: Monday 11-23 is a holiday
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-16T11:00:00+09:00")
    cli("case", "status", case_id, "waiting")
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-18T11:00:00+09:00")
    cli("case", "status", case_id, "open")
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T08:00:00+09:00")
    due = by_id(cli, "--until", "2026-12-31")[f"s{case_id}"]["due_at"]
    assert due == "2026-11-26T18:00:00+09:00"  # 11-24 18:00 (5 business days) + 2 days waited


def test_promises_are_deadlines(cli, tuesday):
    case_id = add(cli)
    cli("case", "promise", case_id, "--due", "+2bd", "配送状況を連絡する")
    promise = [i for i in items(cli, "--until", "2026-11-30", "--kind", "promise")]
    assert len(promise) == 1
    assert (
        promise[0]["due_at"] == "2026-11-26T18:00:00+09:00"
    )  # +2bd: closing time of the 2nd business day
    assert promise[0]["what"] == "promised: 配送状況を連絡する"
    assert items(cli, "--kind", "promise") == []  # not due today


def test_satisfaction_check_after_resolving(cli, tuesday, monkeypatch):
    case_id = add(cli)
    cli("case", "status", case_id, "resolved")
    assert f"c{case_id}" not in by_id(cli)
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-27T09:00:00+09:00")
    item = by_id(cli)[f"c{case_id}"]
    # 3 days after Tuesday 08:00 is Friday 08:00, before opening: due when the shop opens
    assert (item["due_at"], item["template"]) == ("2026-11-27T10:00:00+09:00", "satisfaction_check")
    assert item["overdue"] is False
    cli("case", "close", case_id)
    assert f"c{case_id}" not in by_id(cli)


def test_aftercare_from_imported_orders(cli, tmp_path, monkeypatch):
    rows = shopify_rows()  # #1001 fulfilled 2026-11-19 15:30, accepts marketing; #1002 unfulfilled
    cli("orders", "import", str(write_export(tmp_path / "s.csv", SHOPIFY_2026, rows)))
    order_id = cli.json("orders", "show", "#1001")
    # shipped + 2 transit days = Saturday 11-21; + 2 days = Monday 11-23, 勤労感謝の日: the
    # "did it arrive?" mail falls due when the shop opens on Tuesday
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-23T16:00:00+09:00")
    assert items(cli, "--kind", "aftercare") == []
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T11:00:00+09:00")
    arrival = items(cli, "--kind", "aftercare")
    assert [(i["order_number"], i["template"], i["due_at"]) for i in arrival] == [
        ("#1001", "followup_arrival", "2026-11-24T10:00:00+09:00")
    ]
    # day 14 (Saturday 12-05, 15:30), only for marketing consent: due Monday at opening time;
    # day 7's mail (Saturday 11-28, so Monday 11-30) stays listed until then
    monkeypatch.setenv("SHOPCARE_NOW", "2026-12-05T16:00:00+09:00")
    assert [i["template"] for i in items(cli, "--kind", "aftercare")] == ["followup_feedback"]
    monkeypatch.setenv("SHOPCARE_NOW", "2026-12-07T16:00:00+09:00")
    related = items(cli, "--kind", "aftercare")
    assert [(i["template"], i["due_at"]) for i in related] == [
        ("followup_related", "2026-12-07T10:00:00+09:00")
    ]
    assert order_id["accepts_marketing"] is True


def test_each_aftercare_step_lists_every_order_due_for_it(cli, tmp_path, monkeypatch):
    """Two orders at two steps at once: the step that comes later in the policy is looked for
    among all the orders, not only among the ones an earlier step found."""
    rows = shopify_rows()
    rows[3] |= {"Fulfillment Status": "fulfilled", "Fulfilled at": "2026-11-14 12:00:00 +0900"}
    cli("orders", "import", str(write_export(tmp_path / "s.csv", SHOPIFY_2026, rows)))
    # #1001: delivered Saturday 11-21, its "did it arrive?" mail due Tuesday at opening time;
    # #1002: delivered Monday 11-16, its day-7 mail (Monday 11-23, a holiday) due then too
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T11:00:00+09:00")
    listed = items(cli, "--kind", "aftercare")
    assert sorted((i["order_number"], i["template"]) for i in listed) == [
        ("#1001", "followup_arrival"),
        ("#1002", "followup_feedback"),
    ]


def test_no_marketing_aftercare_without_consent_and_none_for_open_cases(cli, tmp_path, monkeypatch):
    rows = shopify_rows()
    rows[0]["Accepts Marketing"] = "no"
    cli("orders", "import", str(write_export(tmp_path / "s.csv", SHOPIFY_2026, rows)))
    monkeypatch.setenv("SHOPCARE_NOW", "2026-12-07T16:00:00+09:00")
    assert (
        items(cli, "--kind", "aftercare") == []
    )  # day 14's mail is marketing: none without consent
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T11:00:00+09:00")
    assert len(items(cli, "--kind", "aftercare")) == 1
    add(cli, "--order", "#1001")
    assert items(cli, "--kind", "aftercare") == []  # no "did it arrive?" mail during a complaint


def test_no_aftercare_to_a_customer_with_an_open_case_on_another_order(cli, tmp_path, monkeypatch):
    """The customer is the e-mail address: a complaint about anything (here with no order
    number at all) stops every aftercare mail to them, a shop's own review request included,
    until the case is closed."""
    cli("orders", "import", str(write_export(tmp_path / "s.csv", SHOPIFY_2026, shopify_rows())))
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T11:00:00+09:00")
    assert [i["order_number"] for i in items(cli, "--kind", "aftercare")] == ["#1001"]
    case_id = add(cli, "--email", "hanako.yamada@EXAMPLE.jp")  # the same address, other case
    assert items(cli, "--kind", "aftercare") == []
    cli("case", "status", case_id, "resolved")  # resolved is not closed: still none
    assert items(cli, "--kind", "aftercare") == []
    cli("case", "close", case_id)
    assert [i["order_number"] for i in items(cli, "--kind", "aftercare")] == ["#1001"]


def test_a_shops_review_request_is_held_back_during_an_open_case(cli, home, tmp_path, monkeypatch):
    cli("orders", "import", str(write_export(tmp_path / "s.csv", SHOPIFY_2026, shopify_rows())))
    (home / "policies").mkdir()
    (home / "policies" / "shop.toml").write_text(
        '[[aftercare]]\nafter = "3d"\ntemplate = "review_request"\nmarketing = true\n',
        encoding="utf-8",
    )
    # delivered Saturday 11-21 (shipped + 2 days); + 3 days = Tuesday 11-24 15:30
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T16:00:00+09:00")
    assert [i["template"] for i in items(cli, "--kind", "aftercare")] == ["review_request"]
    add(cli, "--email", "hanako.yamada@example.jp")
    assert items(cli, "--kind", "aftercare") == []


def test_monday_mornings_check_does_not_ring_for_weekend_mails(cli, tmp_path, monkeypatch):
    """Soft follow-ups due over the weekend could not have been sent: on Monday at 08:00, before
    opening, they are due at 10:00, not late; replies keep their own clocks."""
    rows = shopify_rows()
    rows[0]["Fulfilled at"] = "2026-11-24 12:00:00 +0900"  # delivered Thursday 11-26
    cli("orders", "import", str(write_export(tmp_path / "s.csv", SHOPIFY_2026, rows)))
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-26T12:00:00+09:00")
    resolved = add(cli)
    cli("case", "status", resolved, "resolved")  # the check: 3 days on, Sunday 11-29 12:00
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-30T08:00:00+09:00")
    result = cli("followups", "--overdue", "--check", "--format", "tsv")
    assert result.stdout.splitlines()[1:] == [], result.stdout
    listed = by_id(cli)
    assert listed[f"c{resolved}"]["due_at"] == "2026-11-30T10:00:00+09:00"
    arrival = [i for i in listed.values() if i["kind"] == "aftercare"]
    assert [(i["template"], i["due_at"]) for i in arrival] == [
        ("followup_arrival", "2026-11-30T10:00:00+09:00")  # Saturday 11-28 12:00, moved
    ]
    assert not any(i["overdue"] for i in listed.values())
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-30T10:30:00+09:00")
    assert cli("followups", "--overdue", "--check", code=3).exit_code == 3


def test_soft_items_after_closing_wait_for_the_next_opening(cli, monkeypatch):
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T19:00:00+09:00")
    case_id = add(cli, "--received-at", "2026-11-24T18:30")
    cli("case", "status", case_id, "resolved")  # + 3 days: Friday 11-27 19:00, after closing
    found = by_id(cli, "--until", "2026-12-31", "--kind", "satisfaction")
    assert found[f"c{case_id}"]["due_at"] == "2026-11-30T10:00:00+09:00"


@pytest.mark.parametrize(
    "channel, category, template",
    [
        ("review", "quality.damaged", "review_reply_negative"),
        ("review", "support.slow", "review_reply_negative"),
        ("review", "inquiry.product", None),  # the owner chooses: never praise by default
        ("review", "other", None),
        ("email", "quality.damaged", "first_response"),
    ],
)
def test_a_review_gets_a_review_reply(cli, tuesday, channel, category, template):
    case_id = add(
        cli, "--channel", channel, "--category", category, "--received-at", "2026-11-24T07:00"
    )
    assert by_id(cli, "--until", "+30d")[f"r{case_id}"]["template"] == template
    cli("case", "status", case_id, "open")
    cli("case", "message", case_id, "追記します", "--at", "2026-11-24T07:30")
    later = by_id(cli, "--until", "+30d")[f"r{case_id}"]["template"]
    assert later == (template if channel == "review" else "status_update")


def test_done_and_snooze(cli, tuesday, home):
    case_id = add(cli, "--received-at", FRIDAY_EVENING, "--mall", "amazon")
    cli("case", "promise", case_id, "--due", "2026-11-24T12:00", "連絡する")
    promise_id = next(i["id"] for i in items(cli) if i["kind"] == "promise")
    cli("followups", "done", promise_id, "--note", "電話で連絡済み")
    assert promise_id not in by_id(cli)
    events = cli.json("case", "show", case_id)["events"]
    assert events[-1]["kind"] == "followup_done" and "電話で連絡済み" in events[-1]["text"]
    cli("followups", "snooze", f"r{case_id}", "--until", "2026-11-25T10:00")
    assert f"r{case_id}" not in by_id(cli)
    assert (
        by_id(cli, "--until", "2026-11-26")[f"r{case_id}"]["due_at"] == "2026-11-25T10:00:00+09:00"
    )
    cli("case", "message", case_id, "まだですか?")  # the customer wrote: the snooze ends
    assert f"r{case_id}" in by_id(cli)
    cli("followups", "done", f"r{case_id}", "--note", "電話で回答")
    assert f"r{case_id}" not in by_id(cli, "--until", "2026-12-31")


@pytest.mark.parametrize(
    "args, message",
    [
        (["done", "x1"], "is not a follow-up id"),
        (["done", "r999"], "no follow-up r999"),
        (["done", "p1"], "no follow-up p1"),
        (["done", "a1.9"], "no follow-up a1.9"),
        (["snooze", "r1", "--until", "yesterday"], "must end in the future"),
        (["snooze", "r1", "--until", "someday"], "cannot read 'someday'"),
        (["--kind", "everything"], "unknown kind 'everything'"),
        (["--until", "2026-13-01"], "cannot read"),
    ],
)
def test_followup_errors(cli, tuesday, home, args, message):
    add(cli)
    before = dump(home)
    assert message in cli.fails("followups", *args)
    assert dump(home) == before


def test_check_exits_3_when_anything_is_overdue(cli, tuesday):
    assert cli("followups", "--check").exit_code == 0
    add(cli, "--mall", "amazon", "--received-at", FRIDAY_EVENING)
    result = cli("followups", "--check", code=3)
    assert "1 overdue" in result.stderr
    assert result.stdout.splitlines()[0].startswith("due_at\tleft\tkind\tid")
    assert len(items(cli, "--overdue")) == 1


def test_the_real_command_keeps_its_writes_and_exit_code(home, tuesday):
    """The installed entry point (`python -m shopcare`) sets its objects aside at exit instead
    of letting Python collect them: the case it wrote is there for the next process, and
    cron still gets exit 3 and the line on stderr."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, SHOPCARE_HOME=str(home))

    def shopcare(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "shopcare", *args], capture_output=True, text=True, env=env
        )

    added = shopcare(
        "case", "add", "--summary", "届かない", "--mall", "amazon", "--received-at", FRIDAY_EVENING
    )
    assert (added.returncode, added.stderr) == (0, "")
    checked = shopcare("followups", "--check", "--format", "tsv")
    assert checked.returncode == 3
    assert checked.stderr == "1 overdue\n"
    assert f"\tr{added.stdout.strip()}\t" in checked.stdout


def test_overdue_and_until(cli, tuesday):
    add(cli, "--mall", "amazon", "--received-at", FRIDAY_EVENING)
    add(
        cli, "--mall", "rakuten", "--received-at", "2026-11-24T07:00", "--category", "delivery.late"
    )
    assert [i["overdue"] for i in items(cli)] == [True, False]
    assert len(items(cli, "--overdue")) == 1
    assert len(items(cli, "--until", "2026-11-24T12:00")) == 1


def test_empty_list_is_valid_json(cli, tuesday):
    assert cli("followups", "--json").stdout.strip() == "[]"


def test_import_holidays_keeps_them_in_the_database(cli, tmp_path):
    made_up = tmp_path / "syukujitsu.csv"
    made_up.write_bytes(
        "国民の祝日・休日月日,国民の祝日・休日名称\r\n2031/1/1,元日\r\n2031/6/16,試験用の休日\r\n".encode(
            "cp932"
        )
    )
    assert (
        "2 holidays imported for 2031-2031"
        in cli("calendar", "import-holidays", str(made_up)).stderr
    )
    day = cli.json("calendar", "--from", "2031-06-16", "--days", "1")[0]
    assert (day["business"], day["reason"]) == (False, "試験用の休日")
    bad = tmp_path / "bad.csv"
    bad.write_text("date,name\n2031-01-01,x\n", encoding="utf-8")
    assert "not the Cabinet Office's holiday list" in cli.fails(
        "calendar", "import-holidays", str(bad)
    )
    assert "none.csv: no such file" in cli.fails(
        "calendar", "import-holidays", str(tmp_path / "none.csv")
    )


def test_relative_business_days_on_the_command_line(cli, tuesday):
    case_id = add(cli)
    cli("case", "promise", case_id, "--due", "+1bd", "連絡")
    shown = cli.json("case", "show", case_id)
    assert shown["events"][-1]["due_at"] == "2026-11-25T18:00:00+09:00"


def test_tsv_rows_match_the_json_items(cli, tmp_path, monkeypatch):
    """The tsv path writes cells straight from the items; it must say what json says."""
    cli("orders", "import", str(write_export(tmp_path / "s.csv", SHOPIFY_2026, shopify_rows())))
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-23T09:00:00+09:00")
    case_id = add(cli, "--received-at", "2026-11-20T19:05", "--mall", "rakuten")
    cli("case", "promise", case_id, "--due", "2026-11-23T12:00", "連絡する\tタブ入り")
    listed = items(cli, "--until", "2026-12-31")
    assert {i["kind"] for i in listed} >= {"reply", "promise", "resolve", "aftercare"}
    lines = cli("followups", "--until", "2026-12-31", "--format", "tsv").stdout.splitlines()
    header = lines[0].split("\t")
    assert len(lines) == len(listed) + 1
    for line, item in zip(lines[1:], listed, strict=True):
        cells = dict(zip(header, line.split("\t"), strict=True))
        expected = {k: "" if item[k] is None else str(item[k]).replace("\t", "\\t") for k in header}
        assert cells == expected


def test_done_and_snoozed_items_when_the_state_outnumbers_the_list(cli, tuesday):
    """Many handled follow-ups and a short list: the state is looked up item by item."""
    ids = [add(cli, "--received-at", FRIDAY_EVENING) for _ in range(4)]
    for case_id in ids[:3]:
        cli("followups", "done", f"s{case_id}")
    cli("followups", "snooze", f"r{ids[0]}", "--until", "2026-11-25T11:00")
    replies = by_id(cli, "--kind", "reply")
    assert set(replies) == {f"r{i}" for i in ids[1:]}
    later = by_id(cli, "--kind", "reply", "--until", "2026-11-26")
    assert later[f"r{ids[0]}"]["due_at"] == "2026-11-25T11:00:00+09:00"
    cli("followups", "done", f"r{ids[3]}")  # five handled, and four resolve items listed
    assert set(by_id(cli, "--kind", "resolve", "--until", "2026-12-31")) == {f"s{ids[3]}"}


def _reference_due(calendar, which: str, moment, mall: str, priority: str):
    """The default policy's clocks worked out the slow, plain way, independently of the calendar's
    arithmetic (only its list of business days is used): reply within 1bd, 24h on Amazon, 8bh
    for high priority (the earlier wins); resolve within 5bd; opening hours 10:00-18:00."""
    from datetime import datetime, time, timedelta

    tz = calendar.tz

    def business_days(count: int):
        day = moment.astimezone(tz).date()
        while count:
            day += timedelta(days=1)
            count -= calendar.is_business_day(day)
        return datetime.combine(day, time(18, 0), tzinfo=tz)

    def business_hours(count: int):
        left = timedelta(hours=count)
        cursor = moment.astimezone(tz)
        while True:
            day = cursor.date()
            opening = datetime.combine(day, time(10, 0), tzinfo=tz)
            closing = datetime.combine(day, time(18, 0), tzinfo=tz)
            if calendar.is_business_day(day) and cursor < closing:
                cursor = max(cursor, opening)
                if cursor + left <= closing:
                    return cursor + left
                left -= closing - cursor
            cursor = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=tz)

    if which == "resolve":
        return business_days(5)
    found = moment + timedelta(hours=24) if mall == "amazon" else business_days(1)
    return min(found, business_hours(8)) if priority == "high" else found


@pytest.mark.parametrize("hours", [9, 0, -5, 5.5])
def test_business_day_clocks_from_stored_text_agree_with_the_calendar(home, hours):
    """Clocks.due_stored works Nbd clocks out once per local day from the stored text, and Nbh
    clocks once per UTC hour where the hour is outside opening hours (in a zone a whole number
    of hours off UTC; at 5.5 hours every clock is worked out from its own time): a start every
    ten minutes of a week, either side of midnight, opening and closing, must give the answer
    worked out independently, and what due() gives."""
    from datetime import UTC, date, datetime, timedelta, timezone

    from shopcare.clock import to_storage
    from shopcare.domain.calendar import ShopCalendar
    from shopcare.domain.followups import Clocks
    from shopcare.settings.config import Config
    from shopcare.settings.derived import policy_view

    home.mkdir(exist_ok=True)
    calendar = ShopCalendar(Config())
    calendar.tz = timezone(timedelta(hours=hours))
    clocks = Clocks(policy_view(home, date(2026, 11, 24)), calendar)
    assert clocks._by_day_ok is (hours != 5.5)
    start = datetime(2026, 11, 18, 0, 0, tzinfo=UTC)
    for step in range(7 * 24 * 6):
        moment = start + timedelta(minutes=10 * step, seconds=step % 60)
        for mall, priority in (
            ("rakuten", "normal"),
            ("rakuten", "high"),
            ("amazon", "normal"),
            ("amazon", "high"),
        ):
            for which in ("reply", "resolve"):
                stored = clocks.due_stored(which, to_storage(moment), mall, priority)
                expected = _reference_due(calendar, which, moment, mall, priority)
                assert stored == expected, (moment, which, mall, priority)
                assert clocks.due(which, moment, mall, priority) == expected


def test_every_due_time_is_utc(cli, home, tuesday):
    """Due times from the calendar and from the database share one zone, so that a long list
    sorts without converting zones; the shop's zone is applied only when they are printed."""
    from datetime import UTC, date, datetime, timedelta

    from shopcare.domain.calendar import ShopCalendar
    from shopcare.domain.followups import collect
    from shopcare.settings.config import load_config
    from shopcare.settings.derived import policy_view

    add(cli, "--mall", "rakuten", "--received-at", FRIDAY_EVENING)  # business days
    add(cli, "--mall", "amazon", "--received-at", FRIDAY_EVENING)  # calendar hours
    add(cli, "--category", "delivery.late", "--received-at", FRIDAY_EVENING)  # business hours
    promised = add(cli, "--received-at", FRIDAY_EVENING)
    cli("case", "promise", promised, "--due", "2026-11-25", "再送のご連絡")
    now = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    with shop_store(home) as store:
        calendar = ShopCalendar.load(store, load_config(home / "config.toml"))
        found = collect(
            store, policy_view(home, date(2026, 11, 24)), calendar, now, now + timedelta(days=30)
        )
    assert {item.kind for item in found} >= {"reply", "resolve", "promise"}
    assert {item.due.tzinfo for item in found} == {UTC}
    assert [item.due for item in found] == sorted(item.due for item in found)


def test_how_late_is_remembered_within_a_bound():
    """A long list of distinct due times keeps the memo of 'how late' small, and right."""
    from datetime import UTC, datetime, timedelta

    from shopcare.clock import MEMO_LIMIT
    from shopcare.domain.followups import left_of, left_text

    now = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    lefts: dict = {}
    for minutes in range(MEMO_LIMIT + 500):
        due = now - timedelta(minutes=minutes)
        assert left_of(due, now, lefts) == left_text(due, now)
        assert len(lefts) <= MEMO_LIMIT


def test_done_and_snooze_name_a_follow_up_owed_now(cli, tuesday, home):
    """c1 on a new case, r on a closed one, s on a waiting one: nothing is owed, so nothing is
    marked (a mark would hide a real follow-up later)."""
    from conftest import dump

    new = add(cli)
    closed = add(cli)
    cli("case", "close", closed)
    waiting = add(cli)
    cli("case", "status", waiting, "waiting")
    before = dump(home)
    for fid, says in (
        (f"c{new}", f"case {new} is new, and owes no satisfaction now"),
        (f"r{closed}", f"case {closed} is closed, and owes no reply now"),
        (f"s{waiting}", f"case {waiting} is waiting, and owes no resolve now"),
        ("r9223372036854775808", "is not a follow-up id"),
        ("r²", "is not a follow-up id"),
        ("a1.²", "is not a follow-up id"),
    ):
        assert says in cli.fails("followups", "done", fid)
        assert says in cli.fails("followups", "snooze", fid, "--until", "tomorrow")
    assert dump(home) == before
    # what is owed can be marked: the reply and the resolution of the new case
    cli("followups", "done", f"r{new}")
    cli("followups", "snooze", f"s{new}", "--until", "+2bd")
    # and once resolved, its satisfaction check later: no mark made earlier hides it
    cli("case", "status", new, "resolved")
    cli("followups", "done", f"c{new}")


def test_a_reply_owed_shows_the_customers_latest_words(cli, tuesday):
    case_id = add(cli, "--received-at", "2026-11-20T10:00")
    assert by_id(cli)[f"r{case_id}"]["what"] == "reply: 届かない"
    cli("case", "message", case_id, "まだですか?", "--at", "2026-11-23T09:00")
    cli("case", "message", case_id, "前の連絡", "--at", "2026-11-21T09:00")  # logged late
    assert by_id(cli)[f"r{case_id}"]["what"] == "reply: まだですか?"


def test_waiting_with_a_message_unanswered_says_the_reply_is_kept(cli, tuesday):
    case_id = add(cli, "--received-at", "2026-11-19T10:00")
    stderr = cli("case", "status", case_id, "waiting").stderr
    assert f"case {case_id} has a customer message still unanswered" in stderr
    assert f"r{case_id}" not in by_id(cli)  # paused while it waits
    cli("case", "status", case_id, "open")
    assert by_id(cli)[f"r{case_id}"]["overdue"] is True  # owed again, and late
    cli("followups", "done", f"r{case_id}")
    assert "unanswered" not in cli("case", "status", case_id, "waiting").stderr


def test_snooze_for_business_hours_makes_the_item_due_then(cli, monkeypatch):
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T11:00:00+09:00")
    case_id = add(cli, "--received-at", "2026-11-19T10:00")
    cli("followups", "snooze", f"r{case_id}", "--until", "+1bh")
    assert by_id(cli)[f"r{case_id}"]["due_at"] == "2026-11-24T12:00:00+09:00"
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T17:30:00+09:00")
    cli("followups", "snooze", f"r{case_id}", "--until", "+1bh")  # over the night
    assert f"r{case_id}" not in by_id(cli)  # hidden until then
    due = by_id(cli, "--until", "+2d")[f"r{case_id}"]["due_at"]
    assert due == "2026-11-25T10:30:00+09:00"


def test_a_reply_owed_on_a_waiting_case_can_be_settled_as_the_notice_says(cli, tuesday):
    case_id = add(cli, "--received-at", "2026-11-19T10:00")
    assert f"followups done r{case_id}" in cli("case", "status", case_id, "waiting").stderr
    cli("followups", "done", f"r{case_id}", "--note", "電話で回答済み")
    cli("case", "status", case_id, "open")
    assert f"r{case_id}" not in by_id(cli)
