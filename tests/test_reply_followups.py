"""shopcare reply on a follow-up: an aftercare mail drafted for an order (which has no case),
and --mark-sent clearing the follow-up the mail answers."""

from __future__ import annotations

import json

import pytest
from conftest import dump
from exports import SHOPIFY_2026, shopify_rows, write_export


def ids(cli, *args: str) -> list[str]:
    return [item["id"] for item in cli.json("followups", *args)]


@pytest.fixture
def delivered(cli, tmp_path, monkeypatch) -> str:
    """#1001 shipped 2026-11-19, so due its arrival mail two days after the assumed delivery."""
    cli("init", "--name", "はなまる雑貨店", "--email", "support@hanamaru.example")
    cli("orders", "import", str(write_export(tmp_path / "s.csv", SHOPIFY_2026, shopify_rows())))
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T11:00:00+09:00")
    (fid,) = ids(cli, "--kind", "aftercare")
    return fid


def test_an_aftercare_item_is_drafted_for_its_order(cli, delivered):
    draft = json.loads(cli("reply", delivered, "followup_arrival", "--format", "json").stdout)
    assert draft["case_id"] is None
    assert draft["to"] == cli.json("orders", "show", "#1001")["customer_email"]
    assert "#1001" in draft["subject"]
    text = cli("reply", delivered, "followup_arrival").stdout
    customer = cli.json("orders", "show", "#1001")["customer_name"]
    assert f"{customer}様" in text


def test_mark_sent_on_an_aftercare_item_clears_it(cli, delivered, home):
    before = dump(home)
    cli("reply", delivered, "followup_arrival")  # a draft alone changes nothing
    assert dump(home) == before
    result = cli("reply", delivered, "followup_arrival", "--mark-sent")
    assert f"follow-up {delivered} done" in result.stderr
    assert delivered not in ids(cli)
    assert cli.json("case", "list", "--status", "all") == []  # no case was made for it


def test_a_case_template_is_refused_for_an_order_follow_up(cli, delivered, home):
    before = dump(home)
    stderr = cli.fails("reply", delivered, "apology")
    assert "written about a case" in stderr and delivered in stderr
    assert dump(home) == before


def test_a_satisfaction_check_sent_clears_the_check(cli, monkeypatch):
    cli("init", "--name", "はなまる雑貨店", "--email", "support@hanamaru.example")
    first = cli("case", "add", "--summary", "割れていた", "--email", "a@example.jp").stdout.strip()
    second = cli("case", "add", "--summary", "欠けていた", "--email", "b@example.jp").stdout.strip()
    cli("case", "status", first, "resolved")
    cli("case", "status", second, "resolved")
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-30T12:00:00+09:00")
    assert {f"c{first}", f"c{second}"} <= set(ids(cli, "--kind", "satisfaction"))
    # by the follow-up's id, and by the case's id with the satisfaction template
    cli("reply", f"c{first}", "satisfaction_check", "--mark-sent")
    cli("reply", second, "satisfaction_check", "--mark-sent")
    assert ids(cli, "--kind", "satisfaction") == []
    shown = cli.json("case", "show", first)
    kinds = [event["kind"] for event in shown["events"]]
    assert kinds[-2:] == ["reply_sent", "followup_done"]
    # another template sent to a resolved case leaves its check on the list
    third = cli(
        "case",
        "add",
        "--summary",
        "汚れ",
        "--email",
        "c@example.jp",
        "--category",
        "quality.damaged",
    ).stdout.strip()
    cli("case", "status", third, "resolved")
    monkeypatch.setenv("SHOPCARE_NOW", "2026-12-07T12:00:00+09:00")
    cli(
        "reply",
        third,
        "resolution",
        "--mark-sent",
        "--var",
        "action=汚れのない品をお送りしました。",
    )
    assert f"c{third}" in ids(cli, "--kind", "satisfaction")


def test_a_promised_update_sent_keeps_the_promise(cli, monkeypatch):
    cli("init", "--name", "はなまる雑貨店", "--email", "support@hanamaru.example")
    case_id = cli("case", "add", "--summary", "まだ?", "--email", "a@example.jp").stdout.strip()
    cli("case", "promise", case_id, "--due", "2026-11-25", "配送状況を連絡する")
    (promise,) = ids(cli, "--kind", "promise", "--until", "+3d")
    cli("reply", promise, "status_update", "--mark-sent")
    assert ids(cli, "--kind", "promise", "--until", "+3d") == []


@pytest.mark.parametrize(
    "fid, message",
    [
        ("a99.1", "no follow-up a99.1"),
        ("c99", "no follow-up c99"),
        ("x1", "'x1' is not a case id or a follow-up id"),
        ("a1", "'a1' is not a follow-up id"),
    ],
)
def test_follow_up_ids_that_name_nothing(cli, fid, message):
    assert message in cli.fails("reply", fid, "followup_arrival")


def test_follow_up_ids_in_a_batch(cli, delivered, tmp_path):
    case_id = cli("case", "add", "--summary", "質問", "--email", "q@example.jp").stdout.strip()
    out = tmp_path / "drafts"
    cli("reply", "-", "followup_feedback", "--out", str(out), input=f"{delivered}\n")
    cli("reply", "-", "first_response", "--out", str(out), input=f"r{case_id}\n{case_id}\n")
    assert sorted(p.name for p in out.iterdir()) == [f"{delivered}.txt", f"case-{case_id}.txt"]


@pytest.mark.parametrize("raw", ["9223372036854775808", "²", "１", "0"])
def test_ids_that_are_no_ids(cli, raw):
    assert "is not a case id or a follow-up id" in cli.fails("reply", raw, "apology")
    assert "neither an e-mail address nor a customer id" in cli.fails("customer", "show", raw)


def test_an_aftercare_step_must_be_owed_to_be_marked(cli, delivered, monkeypatch, home):
    monkeypatch.setenv("SHOPCARE_NOW", "2027-02-01T11:00:00+09:00")  # every window has passed
    before = dump(home)
    assert "not owed for this order now" in cli.fails("followups", "done", delivered)
    assert "not owed for this order now" in cli.fails(
        "reply", delivered, "followup_arrival", "--mark-sent"
    )
    assert dump(home) == before
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T11:00:00+09:00")
    cli("case", "add", "--summary", "割れていた", "--order", "#1001")  # the customer complains
    assert "not owed for this order now" in cli.fails("followups", "done", delivered)


def test_mark_sent_settles_a_follow_up_only_with_its_own_mail_and_only_once(cli, delivered, home):
    before = dump(home)
    stderr = cli.fails("reply", delivered, "followup_feedback", "--mark-sent")
    assert f"{delivered} asks for the followup_arrival mail" in stderr
    assert dump(home) == before
    cli("reply", delivered, "followup_arrival", "--mark-sent")
    assert "already done" in cli.fails("reply", delivered, "followup_arrival", "--mark-sent")
