"""shopcare mail in / show / failed: which case each message lands on, what is not a customer
message, nothing taken twice, nothing lost (MAIL.md)."""

from __future__ import annotations

import json
import mailbox
import os
import stat
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest
from conftest import dump, shop_sql
from exports import RAKUTEN, SHOPIFY_2026, rakuten_rows, shopify_rows, write_export

JST = timezone(timedelta(hours=9))
SHOP = "support@hanamaru.example"


@pytest.fixture
def shop(cli):
    cli("init", "--name", "はなまる雑貨店", "--email", SHOP)


def message(
    body: str = "注文した商品がまだ届きません。",
    *,
    subject: str = "商品が届きません",
    sender: str = "山田 花子 <hanako.yamada@example.jp>",
    message_id: str | None = "m1@mail.example.jp",
    date: datetime | None = datetime(2026, 11, 23, 21, 5, tzinfo=JST),
    headers: dict | None = None,
    attachment: tuple[str, str, bytes] | None = None,
) -> bytes:
    """A plain UTF-8 message, as a modern client sends it (the other encodings are in
    tests/data/mail and tests/test_mail_parse.py)."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = SHOP
    mail["Subject"] = subject
    if date:
        mail["Date"] = format_datetime(date)
    if message_id:
        mail["Message-ID"] = f"<{message_id}>"
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(body, charset="utf-8")
    if attachment:
        name, kind, data = attachment
        maintype, subtype = kind.split("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return mail.as_bytes()


def take(cli, raw: bytes, *args: str, code: int = 0):
    return cli("mail", "in", *args, input=raw, code=code)


def took(cli, raw: bytes) -> dict:
    result = take(cli, raw, "--format", "json")
    return json.loads(result.stdout)[0]


def test_a_new_mail_opens_a_case_with_its_category_guessed_and_the_message_kept(cli, shop, home):
    raw = message()
    got = took(cli, raw)
    assert got["action"] == "new case" and got["message_id"] == "m1@mail.example.jp"
    case = cli.json("case", "show", str(got["case_id"]))
    assert case["category"] == "delivery.not_arrived"
    assert case["channel"] == "email"
    assert case["customer_email"] == "hanako.yamada@example.jp"
    assert case["customer_name"] == "山田 花子"
    assert case["summary"] == "商品が届きません"
    assert case["received_at"] == "2026-11-24T08:00:00+09:00"  # delivered now; Date is the sender's
    events = case["events"]
    said = [e for e in events if e["kind"] == "message"]
    assert said[0]["text"] == "注文した商品がまだ届きません。"
    guessed = [e for e in events if e["kind"] == "note" and "guessed" in e["text"]]
    assert guessed and "まだ" in guessed[0]["text"]
    raw_kept = cli("mail", "show", str(said[0]["id"]), "--raw").stdout_bytes
    assert raw_kept == raw
    assert "注文した商品がまだ届きません。" in cli("mail", "show", str(said[0]["id"])).stdout


def test_the_same_message_twice_changes_nothing(cli, shop, home):
    took(cli, message())
    before = dump(home)
    result = take(cli, message())
    assert result.stdout == "skipped: already taken <m1@mail.example.jp>\n"
    assert dump(home) == before


def test_a_mail_without_a_message_id_is_known_the_second_time_by_its_bytes(cli, shop, home):
    raw = message(message_id=None)
    first = took(cli, raw)
    before = dump(home)
    assert "already taken" in take(cli, raw).stdout
    assert dump(home) == before
    assert first["message_id"].startswith("sha256.")


def test_a_reply_to_our_mail_threads_by_in_reply_to(cli, shop, home):
    from shopcare.intake.msgid import make_message_id, secret

    case_id = took(cli, message())["case_id"]
    ours = make_message_id(case_id, secret(home), "hanamaru.example")
    # from another address and with another subject: the Message-ID alone decides
    reply = message(
        "ありがとうございます。",
        subject="Re: ご連絡",
        sender="hanako@other.example",
        message_id="m2@mail.example.jp",
        headers={"In-Reply-To": f"<{ours}>", "References": f"<m1@mail.example.jp> <{ours}>"},
    )
    got = took(cli, reply)
    assert (got["case_id"], got["action"], got["reason"]) == (
        case_id,
        "message added",
        "reply to our mail",
    )


def test_a_forged_message_id_threads_nowhere(cli, shop, home):
    from shopcare.intake.msgid import make_message_id

    case_id = took(cli, message())["case_id"]
    forged = make_message_id(case_id, b"another shop's key, 32 bytes....", "hanamaru.example")
    reply = message(
        "別件です。",
        subject="別件",
        sender="stranger@example.net",
        message_id="m9@x",
        headers={"In-Reply-To": f"<{forged}>"},
    )
    assert took(cli, reply)["action"] == "new case"


def test_the_case_tag_threads_only_from_that_case_customer(cli, shop):
    case_id = took(cli, message())["case_id"]
    same = message("追伸です。", subject=f"Re: [#{case_id}] 商品が届きません", message_id="m2@x")
    assert took(cli, same)["case_id"] == case_id
    other = message(
        "わたしも同じです。",
        subject=f"[#{case_id}] 商品が届きません",
        sender="other@example.net",
        message_id="m3@x",
    )
    got = took(cli, other)
    assert got["action"] == "new case" and got["case_id"] != case_id


def test_an_order_number_finds_the_order_and_its_open_case(cli, shop, tmp_path):
    cli("orders", "import", str(write_export(tmp_path / "s.csv", SHOPIFY_2026, shopify_rows())))
    first = took(
        cli,
        message(
            "注文番号 #1001 のマグカップが割れていました。",
            subject="商品について",
            sender="someone@example.net",
        ),
    )
    assert first["action"] == "new case" and "order #1001" in first["reason"]
    case = cli.json("case", "show", str(first["case_id"]))
    assert case["order_number"] == "#1001" and case["category"] == "quality.damaged"
    again = took(
        cli,
        message(
            "#1001 の件、写真を送ります。",
            subject="写真",
            sender="x@example.net",
            message_id="m2@x",
        ),
    )
    assert (again["case_id"], again["action"]) == (first["case_id"], "message added")


def test_a_relay_address_is_a_mall_case_and_finds_the_imported_customer(cli, shop, tmp_path):
    rms = write_export(tmp_path / "rms.csv", RAKUTEN, rakuten_rows(), encoding="cp932")
    cli("orders", "import", str(rms))
    got = took(
        cli,
        message(
            "手ぬぐいの色を変更できますか。",
            subject="注文内容の変更",
            sender="佐藤 美咲 <abc123@fw.rakuten.ne.jp>",
        ),
    )
    case = cli.json("case", "show", str(got["case_id"]))
    assert (case["channel"], case["mall"]) == ("mall", "rakuten")
    assert case["customer_email"] == "abc123@fw.rakuten.ne.jp"
    assert case["category"] == "inquiry.order_change"


def test_the_sender_with_one_open_case_gets_it_and_with_two_a_new_one(cli, shop):
    first = took(cli, message())["case_id"]
    got = took(cli, message("それと、箱も潰れていました。", subject="追加", message_id="m2@x"))
    assert (got["case_id"], got["reason"]) == (first, "the sender's open case")
    cli("case", "add", "--summary", "電話で別件", "--email", "hanako.yamada@example.jp")
    third = took(cli, message("三つ目の連絡です。", subject="別件", message_id="m3@x"))
    assert third["action"] == "new case"


def test_a_message_on_a_resolved_case_reopens_it(cli, shop):
    case_id = took(cli, message())["case_id"]
    cli("case", "status", str(case_id), "resolved", "--note", "再送済み")
    got = took(cli, message("まだ届いていません。", subject=f"Re: [#{case_id}]", message_id="m2@x"))
    assert got["case_id"] == case_id
    assert cli.json("case", "show", str(case_id))["status"] == "open"


def test_an_auto_reply_is_a_note_that_neither_opens_a_case_nor_restarts_the_clock(cli, shop, home):
    auto = {"Auto-Submitted": "auto-replied", "X-Autoreply": "yes"}
    alone = message(
        "不在にしております。", subject="不在のお知らせ", headers=auto, message_id="a1@x"
    )
    assert take(cli, alone).stdout == "skipped: auto-reply <a1@x>\n"
    assert cli.json("case", "list") == []
    case_id = took(cli, message())["case_id"]
    clocks = _clocks(home, case_id)
    got = took(
        cli, message("不在にしております。", subject="不在", headers=auto, message_id="a2@x")
    )
    assert (got["case_id"], got["action"]) == (case_id, "auto-reply noted")
    assert _clocks(home, case_id) == clocks
    notes = [e for e in cli.json("case", "show", str(case_id))["events"] if e["kind"] == "note"]
    assert any("auto-reply" in e["text"] for e in notes)


def _clocks(home: Path, case_id: int) -> tuple:
    [row] = shop_sql(
        home,
        "SELECT status, awaiting_reply_since, last_customer_at, last_message FROM cases"
        " WHERE id = ?",
        [case_id],
    )
    return row


def test_mail_from_the_shop_itself_or_with_our_loop_header_is_ignored(cli, shop, home):
    before = dump(home)
    own = message(sender=f"はなまる雑貨店 <{SHOP}>", message_id="o1@x")
    assert take(cli, own).stdout == "skipped: sent by the shop itself <o1@x>\n"
    looped = message(headers={"X-Shopcare-Loop": SHOP}, message_id="o2@x")
    assert "sent by the shop itself" in take(cli, looped).stdout
    assert dump(home) == before


def test_dry_run_says_what_would_happen_and_writes_nothing(cli, shop, home):
    before = dump(home)
    got = json.loads(take(cli, message(), "--dry-run", "--format", "json").stdout)[0]
    assert got["action"] == "new case"
    assert dump(home) == before
    assert not (home / "attachments").exists()


def test_card_numbers_are_masked_in_the_timeline_and_the_kept_message(cli, shop):
    raw = message("カード番号 4111 1111 1111 1111 で払いました。届きません。")
    case_id = took(cli, raw)["case_id"]
    said = [e for e in cli.json("case", "show", str(case_id))["events"] if e["kind"] == "message"]
    assert "4111 1111 1111 1111" not in said[0]["text"]
    kept = cli("mail", "show", str(said[0]["id"]), "--raw").stdout_bytes
    assert b"4111 1111 1111 1111" not in kept
    assert "1111" in cli("mail", "show", str(said[0]["id"])).stdout  # the last four stay


def test_an_attachment_is_stored_once_by_its_hash_owner_only(cli, shop, home):
    import hashlib

    photo = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4
    raw = message(
        "写真を添付します。割れていました。", attachment=("破損写真.jpg", "image/jpeg", photo)
    )
    case_id = took(cli, raw)["case_id"]
    digest = hashlib.sha256(photo).hexdigest()
    stored = home / "attachments" / digest[:2] / digest
    assert stored.read_bytes() == photo
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE((home / "attachments").stat().st_mode) == 0o700
    said = [e for e in cli.json("case", "show", str(case_id))["events"] if e["kind"] == "message"]
    shown = cli("mail", "show", str(said[0]["id"])).stdout
    assert "破損写真.jpg" in shown and "image/jpeg" in shown


def test_an_mbox_and_a_maildir_are_taken_message_by_message(cli, shop, tmp_path):
    box = mailbox.mbox(tmp_path / "support.mbox")
    for number in range(3):
        box.add(
            message(
                f"{number}件目: 届きません。",
                sender=f"c{number}@example.jp",
                message_id=f"b{number}@x",
            )
        )
    box.close()
    lines = cli("mail", "in", str(tmp_path / "support.mbox")).stdout.splitlines()
    assert [line.split(": ", 1)[1].split(" (")[0] for line in lines] == ["new case"] * 3
    folder = mailbox.Maildir(tmp_path / "Maildir", create=True)
    folder.add(message("返品したいです。", sender="d@example.jp", message_id="d1@x"))
    folder.add(message(message_id="b0@x", sender="c0@example.jp"))  # taken already, from the mbox
    folder.close()
    out = cli("mail", "in", str(tmp_path / "Maildir")).stdout
    assert "new case" in out and "skipped: already taken <b0@x>" in out
    assert len(cli.json("case", "list")) == 4


@pytest.mark.parametrize(
    "args, wanted",
    [
        (("/nonexistent/box",), "no file or folder"),
        (("{tmp}",), "not a Maildir"),
    ],
)
def test_a_path_that_holds_no_mail_is_an_error(cli, shop, tmp_path, args, wanted):
    args = tuple(a.format(tmp=tmp_path) for a in args)
    assert wanted in cli.fails("mail", "in", *args)


def test_empty_stdin_is_an_error_and_nothing_is_kept(cli, shop, home):
    assert "empty" in cli.fails("mail", "in", input=b"")
    assert not (home / "mail" / "failed").exists()


def test_a_message_that_cannot_be_read_is_kept_and_not_delivered_again(cli, shop, home):
    """Kept in mail/failed, and exit 0: delivered again it would fail again, and a mail system
    retrying it for days would return it to the customer in the end."""
    result = take(cli, b"\x00\x01 not a mail at all \xff", code=0)
    assert "kept" in result.stderr
    kept = list((home / "mail" / "failed").glob("*.eml"))
    assert len(kept) == 1 and kept[0].read_bytes() == b"\x00\x01 not a mail at all \xff"
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    listed = cli.json("mail", "failed")
    assert listed[0]["file"] == str(kept[0]) and listed[0]["reason"]


def test_mail_show_of_an_event_without_mail_is_an_error(cli, shop):
    cli("case", "add", "--summary", "電話")
    assert "holds no mail" in cli.fails("mail", "show", "1")


def test_policy_check_validates_intake_words(cli, shop, home):
    (home / "policies").mkdir()
    (home / "policies" / "shop.toml").write_text(
        '[[intake]]\ncategory = "delivery.nowhere"\nwords = ["どこ"]\n', encoding="utf-8"
    )
    result = cli("policy", "check", code=1)
    assert "shop.toml:2: intake: unknown category 'delivery.nowhere'" in result.stdout
    (home / "policies" / "shop.toml").write_text(
        '[[intake]]\ncategory = "inquiry.product"\nwords = ["割れ"]\n', encoding="utf-8"
    )
    result = cli("policy", "check")
    assert (
        "'割れ' is listed for inquiry.product and quality.damaged" in result.stdout + result.stderr
    )
    (home / "policies" / "shop.toml").write_text(
        '[[intake]]\ncategory = "inquiry.product"\nwords = [" "]\n', encoding="utf-8"
    )
    assert "a word is empty" in cli("policy", "check", code=1).stdout


def test_a_shops_intake_words_replace_that_categorys_and_win_a_tie(cli, shop, home):
    (home / "policies").mkdir()
    (home / "policies" / "shop.toml").write_text(
        '[[intake]]\ncategory = "inquiry.product"\nwords = ["マグカップ"]\n', encoding="utf-8"
    )
    got = took(cli, message("マグカップについて教えてください。", subject="質問"))
    assert cli.json("case", "show", str(got["case_id"]))["category"] == "inquiry.product"


def test_mail_failed_with_nothing_kept_says_so(cli, shop):
    assert cli.json("mail", "failed") == []


def _installed() -> list[str]:
    """The installed `shopcare` command, as a mail system runs it."""
    import shutil
    import sys

    beside = Path(sys.executable).parent / "shopcare"
    found = str(beside) if beside.exists() else shutil.which("shopcare")
    if found is None:
        pytest.fail("the shopcare command is not installed: pip install -e .")
    return [found]


def _deliver(home: Path, raw: bytes, *args: str):
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["SHOPCARE_HOME"] = str(home)
    return subprocess.run(
        [*_installed(), "mail", "in", *args], input=raw, capture_output=True, env=env, timeout=60
    )


def test_an_mda_delivers_through_the_installed_command(cli, shop, home):
    done = _deliver(home, message())
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().startswith("case 1: new case")
    assert (
        _deliver(home, message()).stdout.decode() == "skipped: already taken <m1@mail.example.jp>\n"
    )


@pytest.mark.sqlite_only
def test_a_locked_database_keeps_the_message_exit_75_and_retry_takes_it(cli, shop, home):
    import subprocess
    import sys

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "conn.execute('BEGIN EXCLUSIVE')\n"
            "print('locked', flush=True)\n"
            "time.sleep(60)\n",
            str(home / "shopcare.db"),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout.readline() == b"locked\n"
        done = _deliver(home, message())
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 75, done.stderr
    assert b"kept" in done.stderr and b"Traceback" not in done.stderr
    kept = list((home / "mail" / "failed").glob("*.eml"))
    assert [path.read_bytes() for path in kept] == [message()]
    assert cli.json("case", "list") == []
    retried = cli("mail", "failed", "--retry")
    assert retried.stdout.startswith("case 1: new case")
    assert list((home / "mail" / "failed").iterdir()) == []
    assert cli.json("case", "show", "1")["summary"] == "商品が届きません"


def test_the_follow_up_list_shows_a_mails_words_on_one_line(cli, shop):
    took(cli, message("一行目です。\n\n二行目です。\r\n三行目。"))
    items = cli.json("followups", "--until", "+30d")
    assert items[0]["what"] == "reply: 一行目です。 二行目です。 三行目。"


def test_mail_in_json_prints_the_documented_fields(cli, shop):
    from test_json_fields import documented

    fields = documented()
    assert list(took(cli, message())) == fields["mail taken"]
    take(cli, b"\x00 not mail", code=0)
    assert list(cli.json("mail", "failed")[0]) == fields["mail failed"]


def test_the_case_tag_is_not_read_as_a_shopify_order_number(cli, shop, tmp_path):
    """[#1001] names case 1001, not Shopify's order #1001: a stranger answering with the tag
    of a case that is not theirs does not land on the order's case."""
    cli("orders", "import", str(write_export(tmp_path / "s.csv", SHOPIFY_2026, shopify_rows())))
    first = took(cli, message("#1001 のマグカップが割れていました。", subject="割れ"))
    stranger = message(
        "割れていました。",
        subject="Re: [#1001] 割れていました",
        sender="x@example.net",
        message_id="t2@x",
    )
    got = took(cli, stranger)
    assert got["action"] == "new case" and got["case_id"] != first["case_id"]


def test_a_new_subject_from_a_customer_with_a_resolved_and_an_open_case_goes_to_the_open_one(
    cli, shop
):
    resolved = took(cli, message())["case_id"]
    cli("case", "status", str(resolved), "resolved", "--note", "解決")
    cli("case", "add", "--summary", "電話で別件", "--email", "hanako.yamada@example.jp")
    open_id = resolved + 1
    got = took(cli, message("その後いかがでしょうか。", subject="別件の続き", message_id="m7@x"))
    assert (got["case_id"], got["reason"]) == (open_id, "the sender's open case")
    assert cli.json("case", "show", str(resolved))["status"] == "resolved"


def test_a_file_of_mail_is_received_when_its_date_says(cli, shop, tmp_path):
    path = tmp_path / "old.eml"
    path.write_bytes(message())
    case_id = int(cli("mail", "in", str(path)).stdout.split()[1].rstrip(":"))
    assert cli.json("case", "show", str(case_id))["received_at"] == "2026-11-23T21:05:00+09:00"


def test_a_card_number_is_masked_wherever_a_person_wrote_it(cli, shop, home):
    """In the HTML beside a clean plain part, in a text attachment and its file, in a file
    name; two headers of one name stay two."""
    import email.policy as policy
    from email.message import EmailMessage

    mail = EmailMessage()
    mail["From"] = "hanako.yamada@example.jp"
    mail["To"] = SHOP
    mail["Subject"] = "支払いについて"
    mail["Message-ID"] = "<c1@x>"
    mail["Comments"] = "first"
    mail["Comments"] = "card 4111 1111 1111 1111"
    mail.set_content("カード番号はHTMLのほうに書きました。")
    mail.add_alternative("<p>カード 4111 1111 1111 1111 です</p>", subtype="html")
    mail.add_attachment(
        b"card 4111111111111111 exp 12/28\n",
        maintype="text",
        subtype="plain",
        filename="4111111111111111.txt",
    )
    raw = mail.as_bytes(policy=policy.SMTP)
    case_id = took(cli, raw)["case_id"]
    said = next(
        e for e in cli.json("case", "show", str(case_id))["events"] if e["kind"] == "message"
    )
    kept = cli("mail", "show", str(said["id"]), "--raw").stdout_bytes
    for card in (b"4111 1111 1111 1111", b"4111111111111111"):
        assert card not in kept
    assert kept.count(b"Comments:") == 2 and b"Comments: first" in kept
    stored = [p.read_bytes() for p in (home / "attachments").rglob("*") if p.is_file()]
    assert stored and all(b"4111111111111111" not in data for data in stored)
    shown = cli("mail", "show", str(said["id"])).stdout
    assert "4111111111111111.txt" not in shown


def test_a_utf7_subject_that_decodes_to_a_lone_surrogate_is_taken(cli, shop, home):
    raw = message(subject="x").replace(b"Subject: x", b"Subject: =?utf-7?Q?+2AA-?=")
    got = took(cli, raw)
    assert got["action"] == "new case"
    assert not (home / "mail" / "failed").exists()


def test_stdin_over_the_size_of_any_mail_is_refused_in_one_line(cli, shop, monkeypatch):
    import shopcare.intake.sources as sources

    monkeypatch.setattr(sources, "MAX_MESSAGE", 1000)
    assert "over" in cli.fails("mail", "in", input=message("あ" * 2000))


def test_an_unreadable_maildir_file_is_left_and_the_others_taken(cli, shop, tmp_path):
    folder = mailbox.Maildir(tmp_path / "Maildir", create=True)
    folder.add(message(message_id="ok@x"))
    folder.close()
    (tmp_path / "Maildir" / "new" / "0000.broken").symlink_to("/proc/self/mem")
    result = cli("mail", "in", str(tmp_path / "Maildir"), code=75)
    assert "cannot read" in result.stderr and "left where it is" in result.stderr
    assert "new case" in result.stdout


@pytest.mark.sqlite_only
def test_mail_for_a_home_with_no_shop_makes_none_and_waits(cli, tmp_path, monkeypatch):
    missing = tmp_path / "typo"
    monkeypatch.setenv("SHOPCARE_HOME", str(missing))
    result = cli("mail", "in", input=message(), code=75)
    assert result.stderr.startswith("Error: no shop at")
    assert not missing.exists()


def test_dry_run_writes_no_attachment(cli, shop, home):
    raw = message(attachment=("写真.jpg", "image/jpeg", b"\xff\xd8\xff\xe0 photo"))
    before = dump(home)
    take(cli, raw, "--dry-run")
    assert dump(home) == before and not (home / "attachments").exists()


def test_a_delay_notice_is_not_a_bounce(cli, shop):
    delayed = (
        b"From: MAILER-DAEMON@mx.example.jp\r\nTo: support@hanamaru.example\r\n"
        b"Subject: Delayed Mail (still being retried)\r\nMessage-ID: <d1@mx>\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nStill trying.\r\n"
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
        b"Final-Recipient: rfc822; a@example.jp\r\nAction: delayed\r\nStatus: 4.4.1\r\n--B--\r\n"
    )
    from shopcare.intake.parse import parse

    assert not parse(delayed).bounce
