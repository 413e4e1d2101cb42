"""reply --send against a real SMTP server started here (aiosmtpd): the reply leaves on the
customer's thread and is recorded only once the server took it; the customer's answer comes
back onto the same case; a second reply is refused; a bounce is marked on its case."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from datetime import datetime

import pytest
from conftest import dump, shop_store
from test_mail_in import JST, SHOP, message

pytest.importorskip("aiosmtpd")


class Inbox:
    """What the test server received: (envelope sender, recipients, parsed message)."""

    def __init__(self) -> None:
        self.got: list[tuple[str, list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.got.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"


@pytest.fixture
def server():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    with socket.socket() as probe:  # a free port on this machine
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def _config(home, port: int, **more) -> None:
    extra = "".join(f"{k} = {json.dumps(v)}\n" for k, v in more.items())
    with (home / "config.toml").open("a", encoding="utf-8") as out:
        out.write(f'\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n{extra}')


@pytest.fixture
def shop(cli, home, server):
    cli("init", "--name", "はなまる雑貨店", "--email", SHOP)
    _config(home, server[0])
    return server[1]


def _new_case(cli) -> int:
    return json.loads(cli("mail", "in", "--format", "json", input=message()).stdout)[0]["case_id"]


def test_a_reply_is_sent_on_the_thread_and_the_answer_comes_back_to_its_case(cli, shop, home):
    case_id = _new_case(cli)
    result = cli("reply", str(case_id), "first_response", "--send")
    assert "1 reply recorded as sent" in result.stderr
    (sender, recipients, sent) = shop.got[0]
    assert (sender, recipients) == (SHOP, ["hanako.yamada@example.jp"])
    assert sent["In-Reply-To"] == "<m1@mail.example.jp>"
    assert "<m1@mail.example.jp>" in sent["References"]
    assert sent["Subject"].startswith(f"[#{case_id}] ")
    assert sent["X-Shopcare-Loop"] == SHOP
    draft = cli.json("reply", str(case_id), "first_response")
    assert sent.get_content() == draft["body"]
    ours = sent["Message-ID"].strip("<>")
    assert ours.startswith(f"shopcare.{case_id}.")
    events = cli.json("case", "show", str(case_id))["events"]
    assert [e["kind"] for e in events].count("reply_sent") == 1
    # the customer answers from another address, with a subject of their own
    answer = message(
        "ご連絡ありがとうございます。待っています。",
        subject="お返事",
        sender="hanako@mobile.example",
        message_id="m2@mail.example.jp",
        headers={"In-Reply-To": f"<{ours}>", "References": f"<m1@mail.example.jp> <{ours}>"},
    )
    got = json.loads(cli("mail", "in", "--format", "json", input=answer).stdout)[0]
    assert (got["case_id"], got["reason"]) == (case_id, "reply to our mail")


def test_a_second_reply_after_the_customers_latest_message_is_refused_unless_again(
    cli, shop, home, monkeypatch
):
    case_id = _new_case(cli)
    cli("reply", str(case_id), "first_response", "--send")
    before = dump(home)
    error = cli.fails("reply", str(case_id), "status_update", "--send")
    assert "answered already after the customer's latest message: tester sent" in error
    assert "--again" in error
    assert dump(home) == before and len(shop.got) == 1
    cli("reply", str(case_id), "status_update", "--send", "--again")
    assert len(shop.got) == 2
    # once the customer writes again, a reply may go without --again
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T10:00:00+09:00")
    later = message(
        "まだですか。",
        subject=f"Re: [#{case_id}]",
        message_id="m3@x",
        date=datetime(2026, 11, 24, 9, 30, tzinfo=JST),
    )
    cli("mail", "in", input=later)
    cli("reply", str(case_id), "status_update", "--send")
    assert shop.got[-1][2]["In-Reply-To"] == "<m3@x>"


def test_the_eml_draft_carries_the_threading_headers(cli, shop, home):
    case_id = _new_case(cli)
    raw = cli("reply", str(case_id), "first_response", "--format", "eml").stdout
    draft = email.message_from_string(raw, policy=email.policy.default)
    assert draft["In-Reply-To"] == "<m1@mail.example.jp>"
    assert draft["Message-ID"].strip("<>").startswith(f"shopcare.{case_id}.")
    assert shop.got == []  # a draft is not sent


class _Dropper:
    """A server that says hello and drops the line when the message is given."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        reader = conn.makefile("rb")
        conn.sendall(b"220 test ESMTP\r\n")
        for line in reader:
            word = line.split()[0].upper() if line.split() else b""
            if word in (b"EHLO", b"HELO"):
                conn.sendall(b"250 test\r\n")
            elif word in (b"MAIL", b"RCPT"):
                conn.sendall(b"250 OK\r\n")
            elif word == b"DATA":
                conn.close()  # gone, mid-message
                return
        conn.close()


def test_a_server_that_drops_the_line_records_nothing(cli, home):
    cli("init", "--name", "はなまる雑貨店", "--email", SHOP)
    dropper = _Dropper()
    _config(home, dropper.port)
    case_id = _new_case(cli)
    before = dump(home)
    error = cli.fails("reply", str(case_id), "first_response", "--send")
    assert error.startswith("Error: the reply was not sent")
    assert dump(home) == before  # neither the reply nor the claim is left


def test_no_smtp_settings_is_one_clear_error_before_anything_is_written(cli, home):
    cli("init", "--name", "はなまる雑貨店", "--email", SHOP)
    case_id = _new_case(cli)
    before = dump(home)
    assert "no mail server is set" in cli.fails("reply", str(case_id), "apology", "--send")
    assert dump(home) == before


def test_send_refuses_many_cases_and_mark_sent_together(cli, shop):
    _new_case(cli)
    assert "one case" in cli.fails("reply", "-", "apology", "--send", input="1\n")
    assert "one case" in cli.fails("reply", "1", "apology", "--send", "--mark-sent")
    assert "--again goes with --send" in cli.fails("reply", "1", "apology", "--again")


def test_a_bounce_marks_the_reply_not_delivered_and_the_followups_say_so(cli, shop, home):
    case_id = _new_case(cli)
    cli("reply", str(case_id), "first_response", "--send")
    ours = shop.got[0][2]["Message-ID"]
    cli("case", "status", str(case_id), "resolved", "--note", "ご案内済み")
    bounce = _bounce(ours)
    got = json.loads(cli("mail", "in", "--format", "json", input=bounce).stdout)[0]
    assert (got["case_id"], got["action"]) == (case_id, "bounce noted")
    case = cli.json("case", "show", str(case_id))
    assert case["status"] == "open"
    assert any("not delivered" in (e["text"] or "") for e in case["events"])
    items = cli.json("followups", "--until", "+30d")
    mine = [i for i in items if i["case_id"] == case_id and i["kind"] == "reply"]
    assert mine and "bounced" in mine[0]["what"]
    # a reply sent again clears it
    cli("reply", str(case_id), "status_update", "--send", "--again")
    items = cli.json("followups", "--until", "+30d")
    assert not [i for i in items if i["case_id"] == case_id and "bounced" in i["what"]]


def _bounce(bounced_id: str) -> bytes:
    """A delivery status notification, as a Postfix MAILER-DAEMON writes one."""
    return (
        "From: MAILER-DAEMON@mx.example.jp (Mail Delivery System)\r\n"
        f"To: {SHOP}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Date: Tue, 24 Nov 2026 07:30:00 +0900\r\n"
        "Message-ID: <bounce1@mx.example.jp>\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n"
        "--B\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
        "Your message could not be delivered: the mailbox is full.\r\n"
        "--B\r\n"
        "Content-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.jp\r\n\r\n"
        "Final-Recipient: rfc822; hanako.yamada@example.jp\r\n"
        "Action: failed\r\nStatus: 5.2.2\r\n"
        "--B\r\n"
        "Content-Type: text/rfc822-headers\r\n\r\n"
        f"From: {SHOP}\r\nTo: hanako.yamada@example.jp\r\nMessage-ID: {bounced_id}\r\n"
        "Subject: =?utf-8?b?5ZWG5ZOB?=\r\n"
        "--B--\r\n"
    ).encode("ascii")


def test_a_malls_own_relay_sends_that_malls_cases(cli, home, server, tmp_path):
    """[smtp.mall.rakuten]: a Rakuten case's reply goes through the mall's relay, any other
    case's through [smtp]."""
    from aiosmtpd.controller import Controller

    cli("init", "--name", "はなまる雑貨店", "--email", SHOP)
    port, main_inbox = server
    relay_inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        relay_port = probe.getsockname()[1]
    relay = Controller(relay_inbox, hostname="127.0.0.1", port=relay_port)
    relay.start()
    try:
        _config(home, port)
        with (home / "config.toml").open("a", encoding="utf-8") as out:
            out.write(f"[smtp.mall.rakuten]\nport = {relay_port}\n")
        rakuten = json.loads(
            cli(
                "mail",
                "in",
                "--format",
                "json",
                input=message(sender="佐藤 美咲 <abc123@fw.rakuten.ne.jp>", message_id="r1@x"),
            ).stdout
        )[0]["case_id"]
        other = _new_case(cli)
        cli("reply", str(rakuten), "first_response", "--send")
        cli("reply", str(other), "first_response", "--send")
    finally:
        relay.stop()
    assert [got[1] for got in relay_inbox.got] == [["abc123@fw.rakuten.ne.jp"]]
    assert [got[1] for got in main_inbox.got] == [["hanako.yamada@example.jp"]]


def test_mail_check_talks_to_the_server_and_sends_nothing(cli, shop):
    out = cli("mail", "check").stdout
    assert "127.0.0.1" in out
    assert shop.got == []


def test_mail_check_without_smtp_is_one_error(cli, home):
    cli("init", "--name", "はなまる雑貨店", "--email", SHOP)
    assert "no mail server is set" in cli.fails("mail", "check")


class _Refuser(Inbox):
    async def handle_DATA(self, server, session, envelope):
        return "554 5.7.1 message refused"


def test_a_message_the_server_refuses_records_nothing(cli, home):
    from aiosmtpd.controller import Controller

    cli("init", "--name", "はなまる雑貨店", "--email", SHOP)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(_Refuser(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        _config(home, port)
        case_id = _new_case(cli)
        before = dump(home)
        error = cli.fails("reply", str(case_id), "first_response", "--send")
    finally:
        controller.stop()
    assert "not sent" in error and "refused" in error
    assert dump(home) == before


def _claim(home, case_id: int, at: str) -> None:
    """A reply being sent (step 1 of --send), as another terminal leaves it."""

    with shop_store(home) as store, store.write():
        store.add_mail(
            {
                "message_id": f"shopcare.{case_id}.0000000000000000.0000000000000000@x",
                "direction": "out",
                "case_id": case_id,
                "action": "sending",
                "at": at,
                "sender": SHOP,
                "subject": "s",
                "raw": b"",
            }
        )


def test_a_reply_being_sent_elsewhere_or_never_recorded_blocks_another(
    cli, shop, home, monkeypatch
):
    case_id = _new_case(cli)
    _claim(home, case_id, "2026-11-23T23:00:00Z")  # at the pinned clock, from another terminal
    assert "being sent right now" in cli.fails("reply", str(case_id), "first_response", "--send")
    assert shop.got == []
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T08:30:00+09:00")  # half an hour on
    error = cli.fails("reply", str(case_id), "first_response", "--send")
    assert "never recorded" in error and "--mark-sent" in error
    cli("reply", str(case_id), "first_response", "--send", "--again")
    assert len(shop.got) == 1


@pytest.mark.sqlite_only
def test_a_reply_sent_but_not_recorded_says_it_was_sent(cli, shop, home, monkeypatch):
    """The server took it, then the record failed (a locked database): the user is told the
    mail went out and how to record it, and --send refuses a second copy."""
    import sqlite3

    import shopcare.domain.followups as followups

    case_id = _new_case(cli)

    def locked(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(followups, "record_sent", locked)
    error = cli.fails("reply", str(case_id), "first_response", "--send")
    assert "the reply WAS sent" in error and "--mark-sent" in error
    assert len(shop.got) == 1
    monkeypatch.undo()
    monkeypatch.setenv("SHOPCARE_HOME", str(home))
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T08:00:00+09:00")
    monkeypatch.setenv("SHOPCARE_USER", "tester")
    assert "being sent right now" in cli.fails("reply", str(case_id), "first_response", "--send")
    assert len(shop.got) == 1
