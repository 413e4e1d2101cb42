"""The mail parser: the test messages in tests/data/mail (built by make.py beside them, byte for
byte as each client sends them) read into what a shop owner must see, and any bytes at all read
into a Mail or a MailError, never a traceback."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopcare.intake.parse import (
    Attachment,
    Mail,
    MailError,
    decode_header_value,
    decode_text,
    parse,
)

MAIL = Path(__file__).parent / "data" / "mail"
JST = timezone(timedelta(hours=9))
WAVE = "\uff5e"  # ～ FULLWIDTH TILDE, what Windows means by JIS 0x2141 (not 〜 U+301C)


def _load_make():
    spec = importlib.util.spec_from_file_location("mail_make", MAIL / "make.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make = _load_make()


def raw_of(name: str) -> bytes:
    return (MAIL / name).read_bytes()


def read(name: str) -> Mail:
    return parse(raw_of(name))


def mail_of(body: str, headers: str = "", content_type: str = "text/plain; charset=utf-8") -> Mail:
    """A small UTF-8 message around body, with extra header lines in front."""
    raw = (
        f"{headers}From: Customer <c@example.jp>\nTo: support@hanamaru.example\n"
        f"Subject: test\nMessage-ID: <t@example.jp>\nContent-Type: {content_type}\n\n{body}"
    )
    return parse(raw.encode("utf-8"))


def assert_storable(mail: Mail) -> None:
    """Every text of the Mail can be written as UTF-8 (no surrogate escapes left in it)."""
    texts = [value for value in mail._asdict().values() if isinstance(value, str)]
    texts += [*mail.in_reply_to, *mail.references, *mail.to, *mail.bounced_ids]
    texts += [text for pair in mail.headers for text in pair]
    texts += [text for a in mail.attachments for text in (a.name, a.content_type)]
    for text in texts:
        text.encode("utf-8")


def header_section(raw: bytes) -> bytes:
    return re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]


# ---------------------------------------------------------------------------------------------
# The test messages


def test_the_files_are_what_make_py_writes():
    assert sorted(p.name for p in MAIL.glob("*.eml")) == sorted(make.MESSAGES)
    for name, build in make.MESSAGES.items():
        assert raw_of(name) == build(), f"{name} differs: run python tests/data/mail/make.py"


def test_iso2022jp_from_outlook_keeps_the_windows_characters():
    mail = read("01-outlook-iso2022jp.eml")
    assert mail.subject == "マグカップ①が割れていました（㈱髙田陶房 Ⅱ型～）"
    for char in ("①", "㈱", "Ⅱ", "髙", WAVE):
        assert char in mail.subject
        assert char in mail.text
    assert "\u301c" not in mail.text + mail.subject
    assert "\ufffd" not in mail.text + mail.subject
    assert "㈱髙田設計の山田です" in mail.text
    assert "①の取っ手が割れていました" in mail.text
    assert "Ⅱ型（ﾌﾞﾙｰ）" in mail.text  # half-width katakana through ESC ( I
    assert "11月25日～27日" in mail.text
    assert "123456-20261120-0000001234" in mail.text
    assert mail.from_name == "山田 花子"
    assert mail.from_addr == "hanako.yamada@example.jp"
    assert mail.to == ["support@hanamaru.example"]
    assert mail.message_id == "000001db3a5b$1c2d3e40$54576ac0$@example.jp"
    assert mail.date == datetime(2026, 11, 23, 19, 40, 12, tzinfo=JST)
    assert (mail.auto_reply, mail.bounce, mail.loop) == (False, False, False)


def test_the_iso2022jp_test_message_is_one_pythons_codec_cannot_read():
    """The file really holds the CP50220 codes: Python's own codec refuses its body."""
    body = re.split(rb"\r\n\r\n", raw_of("01-outlook-iso2022jp.eml"), maxsplit=1)[1]
    with pytest.raises(UnicodeDecodeError):
        body.decode("iso2022_jp")


def test_a_subject_split_inside_a_character_is_joined_before_decoding():
    head = header_section(raw_of("01-outlook-iso2022jp.eml")).decode("ascii")
    words = re.findall(r"=\?iso-2022-jp\?B\?[^?]*\?=", head.split("Subject:")[1])
    assert len(words) == 2
    whole = "マグカップ①が割れていました（㈱髙田陶房 Ⅱ型～）"
    assert decode_header_value(words[0]) + decode_header_value(words[1]) != whole
    assert decode_header_value(f"{words[0]}\r\n {words[1]}") == whole


def test_shift_jis_label_is_read_as_cp932():
    mail = read("02-shift-jis-cp932.eml")
    assert mail.subject == "【お問い合わせ】違う商品が届きました"
    assert mail.from_name == "鈴木 一郎"
    assert "注文したのは①番のトートバッグ" in mail.text
    assert f"11/25{WAVE}11/28" in mail.text
    assert "ご注文番号: #1050" in mail.text
    assert "\ufffd" not in mail.text


def test_windows_31j_with_a_q_encoded_subject():
    mail = read("03-windows-31j.eml")
    assert mail.subject == "返品したい（注文番号 123456-20261119-0000000987）"
    assert mail.from_name == "髙橋 誠"
    assert mail.from_addr == "makoto.takahashi@example.com"
    assert "髙橋と申します。" in mail.text
    assert "返品したいと考えております" in mail.new_text


def test_euc_jp_from_a_windows_browser_keeps_circled_digits_and_ibm_kanji():
    raw = raw_of("04-euc-jp.eml")
    with pytest.raises(UnicodeDecodeError):
        raw.split(b"\n\n", 1)[1].decode("euc_jp")
    mail = parse(raw)
    assert mail.subject == "注文のキャンセルについて"
    assert mail.from_name == "髙木 恵"
    assert "お名前：髙木 恵" in mail.text
    assert "湯呑み①と急須のセット" in mail.text
    assert "郄" not in mail.text  # what euc_jis_2004 makes of the IBM row code of 髙
    assert "\ufffd" not in mail.text


def test_utf8_base64_from_iphone():
    mail = read("05-utf8-base64.eml")
    assert mail.subject == "注文した商品がまだ届きません"
    assert mail.from_name == "伊藤 美咲"
    assert "アロマキャンドル（注文番号 #1052）がまだ届きません。" in mail.text
    assert mail.message_id == "5F0B2E1A-3C4D-4E5F-8A9B-0C1D2E3F4A5B@example.jp"


def test_utf8_quoted_printable_format_flowed_lines_are_joined():
    mail = read("06-utf8-quoted-printable.eml")
    assert mail.subject == "サイズ交換のお願い"
    assert mail.from_name == "中村 翔"
    assert "小さかったので Lサイズへの交換をお願いできますでしょうか。\n" in mail.text
    assert "タグは付けたままです。" in mail.new_text


def test_html_only_mail_becomes_readable_text():
    mail = read("07-html-only.eml")
    assert mail.subject == "花瓶が割れていました"
    assert mail.text == (
        "はなまる雑貨店 様\n"
        "\n"
        "本日届いたガラスの花瓶（注文番号 #1054）が割れていました。\n"
        "箱の角がつぶれていたので、配送中の事故だと思います。\n"
        "\n"
        "返金か交換をお願いします。<急ぎではありません> & 写真は後ほど送ります。\n"
        "\n"
        "小林 あゆみ\n"
        "090-0000-1234"
    )
    assert mail.new_text == mail.text


def test_attachments_with_japanese_names():
    mail = read("08-attachments.eml")
    assert mail.attachments == [
        Attachment("破損写真①.jpg", "image/jpeg", make.JPEG),
        Attachment("納品書.pdf", "application/pdf", make.PDF),
        Attachment("", "image/png", make.PNG),  # an inline image, no name
    ]
    assert mail.subject == "破損した商品の写真を送ります"
    assert "注文番号 123456-20261121-0000002468 の花瓶が割れて届きました。" in mail.text
    assert "base64" not in mail.text and "JFIF" not in mail.text


def test_a_text_file_sent_as_an_attachment_is_an_attachment_not_text():
    boundary = "b1"
    raw = (
        f"From: c@example.jp\nSubject: csv\nContent-Type: multipart/mixed; boundary={boundary}\n\n"
        f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n\n本文です\n"
        f"--{boundary}\nContent-Type: text/csv; charset=utf-8\n"
        "Content-Disposition: attachment; filename*=UTF-8''%E6%B3%A8%E6%96%87.csv\n\n"
        f"a,b\n--{boundary}--\n"
    ).encode()
    mail = parse(raw)
    assert mail.text.strip() == "本文です"
    assert mail.attachments == [Attachment("注文.csv", "text/csv", b"a,b")]


def test_amazon_relay_keeps_the_buyer_and_the_order_number():
    mail = read("09-amazon-relay.eml")
    assert mail.from_name == "山田 花子 - Amazon Marketplace"
    assert mail.from_addr == "abc123xyz@marketplace.amazon.co.jp"
    assert mail.subject == "購入者からのメッセージ: 返品について (注文 250-1234567-1234567)"
    assert "注文番号: 250-1234567-1234567" in mail.text
    assert "思っていた色と違ったので返品したいです。" in mail.new_text
    assert (mail.auto_reply, mail.bounce) == (False, False)


def test_amazon_notification_is_an_auto_reply():
    mail = parse(b"X-AMAZON-MAIL-RELAY-TYPE: NOTIFICATION\n" + raw_of("09-amazon-relay.eml"))
    assert mail.auto_reply


def test_gmail_reply_leaves_out_the_quoted_history():
    mail = read("10-gmail-reply.eml")
    assert mail.subject == "Re: [#3] マグカップ破損の件"
    assert mail.in_reply_to == ["shopcare.3.abc@hanamaru.example"]
    assert mail.references == ["shopcare.3.abc@hanamaru.example"]
    assert mail.from_name == "山田花子"
    assert mail.to == ["support@hanamaru.example"]
    assert mail.new_text == (
        "はなまる雑貨店 様\n\nご連絡ありがとうございます。\n"
        "交換品の発送でお願いします。届け先は前回と同じで大丈夫です。\n\n山田花子"
    )
    assert "> 交換品の発送と返金のどちらがよろしいでしょうか。" in mail.text
    assert "2026年11月20日(金) 19:40 はなまる雑貨店" in mail.text


def test_gmail_html_quote_is_left_out_too():
    """The same reply without its text part: the blockquote becomes quoted history."""
    raw = raw_of("10-gmail-reply.eml")
    html = raw.split(b'Content-Type: text/html; charset="UTF-8"\r\n')[1]
    html_part = base64.b64decode(html.split(b"\r\n\r\n", 1)[1].split(b"--", 1)[0])
    mail = mail_of(html_part.decode(), content_type="text/html; charset=utf-8")
    assert "> このたびはご迷惑をおかけし、申し訳ございません。" in mail.text
    assert mail.new_text.endswith("届け先は前回と同じで大丈夫です。\n\n山田花子")


def test_outlook_reply_leaves_out_the_header_block_and_what_follows():
    mail = read("11-outlook-reply.eml")
    assert mail.subject == "RE: [#31] ご注文の商品について"
    assert mail.message_id == (
        "TYCPR01MB1234567ABCDEF0123456789ABCDEFA@TYCPR01MB1234.jpnprd01.prod.outlook.com"
    )
    assert mail.in_reply_to == ["shopcare.31.k3j@hanamaru.example"]
    assert mail.date == datetime(2026, 11, 22, 8, 12, 3, tzinfo=UTC)
    assert mail.new_text == (
        "はなまる雑貨店\nご担当者様\n\nお返事ありがとうございます。\n"
        "届いたのはグレーでしたので、注文どおりネイビーへの交換をお願いします。\n"
        "間違って届いた商品は着払いで返送すればよろしいでしょうか。\n\n佐藤 健"
    )
    assert "差出人: はなまる雑貨店 <support@hanamaru.example>" in mail.text
    assert "ご注文番号 #1051 の件で" in mail.text


def test_auto_reply_is_recognised():
    mail = read("12-auto-reply.eml")
    assert mail.subject == "不在のお知らせ: [#12] 発送のご連絡"
    assert (mail.auto_reply, mail.bounce) == (True, False)
    assert mail.in_reply_to == ["shopcare.12.x9q@hanamaru.example"]
    # plain JIS X 0208 takes Python's codec, and its wave dash still comes out as Windows's
    assert f"11月23日{WAVE}11月29日" in mail.text


@pytest.mark.parametrize(
    ("header", "auto"),
    [
        ("Auto-Submitted: auto-generated\n", True),
        ("Auto-Submitted: auto-replied (vacation)\n", True),
        ("Auto-Submitted: no\n", False),
        ("Precedence: bulk\n", True),
        ("Precedence: junk\n", True),
        ("Precedence: list\n", True),
        ("Precedence: auto_reply\n", True),
        ("Precedence: first-class\n", False),
        ("X-Autoreply: yes\n", True),
        ("X-Autorespond: 1\n", True),
        ("X-Auto-Response-Suppress: All\n", True),
        ("X-AMAZON-MAIL-RELAY-TYPE: notification\n", True),
        ("", False),
    ],
)
def test_auto_reply_headers(header: str, auto: bool):
    assert mail_of("本文", headers=header).auto_reply is auto


def test_bounce_names_the_reply_that_came_back():
    mail = read("13-bounce.eml")
    assert mail.bounce
    assert not mail.auto_reply  # it carries Auto-Submitted, yet it is a bounce
    assert mail.bounced_ids == ["shopcare.3.def@hanamaru.example"]
    assert not mail.loop  # the loop header is in the returned headers, not on the bounce
    assert mail.from_addr == "MAILER-DAEMON@mail.hanamaru.example"
    assert "Recipient address rejected" in mail.text


def test_bounce_with_the_whole_returned_message():
    raw = (
        "From: Mail Delivery Subsystem <mailer-daemon@mx.example.net>\n"
        "Subject: Delivery Status Notification (Failure)\n"
        'Content-Type: multipart/report; report-type="delivery-status"; boundary=xx\n\n'
        "--xx\nContent-Type: text/plain\n\nNot delivered.\n"
        "--xx\nContent-Type: message/delivery-status\n\nAction: failed\n\n"
        "--xx\nContent-Type: message/rfc822\n\n"
        "Message-ID: <shopcare.9.zzz@hanamaru.example>\nSubject: hi\n\nthe reply\n--xx--\n"
    )
    mail = parse(raw.encode())
    assert mail.bounce and mail.bounced_ids == ["shopcare.9.zzz@hanamaru.example"]
    assert mail.attachments == []


@pytest.mark.parametrize(
    ("headers", "body", "ids"),
    [
        (  # an MTA that returns the message inline, no MIME
            "From: MAILER-DAEMON@mx.example.net\nSubject: failure notice\n",
            "Sorry.\n\n--- Below this line is a copy of the message.\n\n"
            "Message-ID: <shopcare.4.aaa@hanamaru.example>\nSubject: x\n",
            ["shopcare.4.aaa@hanamaru.example"],
        ),
        (  # a DSN that names the reply only by In-Reply-To
            "Return-Path: <>\nFrom: postmaster@example.jp\nSubject: 配信不能のお知らせ\n"
            "In-Reply-To: <shopcare.5.bbb@hanamaru.example>\n",
            "宛先が見つかりません。\n",
            ["shopcare.5.bbb@hanamaru.example"],
        ),
        (  # the null sender with a failure subject, from no daemon
            "Return-Path: <>\nFrom: mail@example.jp\nSubject: Undeliverable: [#5] ご注文\n",
            "Delivery has failed.\n",
            [],
        ),
    ],
)
def test_other_bounce_shapes(headers: str, body: str, ids: list[str]):
    mail = parse((headers + "\n" + body).encode())
    assert mail.bounce and not mail.auto_reply
    assert mail.bounced_ids == ids


@pytest.mark.parametrize(
    "headers",
    [
        "From: postmaster@example.jp\nSubject: メンテナンスのお知らせ\n",
        "Return-Path: <>\nFrom: c@example.jp\nSubject: 不在のお知らせ\nAuto-Submitted: auto-replied\n",
    ],
)
def test_not_a_bounce(headers: str):
    mail = parse((headers + "\nbody\n").encode())
    assert not mail.bounce and mail.bounced_ids == []


def test_english_reply_with_a_wrapped_on_wrote_line():
    mail = read("14-english.eml")
    assert mail.subject == "Re: [#7] Your order #1049"
    assert mail.from_addr == "Jane.Doe@mail.example.com"  # the domain lower-cased, not the name
    assert mail.from_name == "Jane Doe"
    assert mail.references == ["shopcare.6.zz1@hanamaru.example", "shopcare.7.mn4@hanamaru.example"]
    assert mail.date == datetime(2026, 11, 23, 10, 14, 55, tzinfo=UTC)
    assert mail.new_text == (
        'Hi,\n\nThanks for getting back to me. The tracking page still says "in transit"\n'
        "and it has been ten days now. Could you check with the carrier, or send a\n"
        "replacement? I need it before Dec 5.\n\nThanks,\nJane"
    )
    assert "> Thank you for your order #1049." in mail.text


def test_no_message_id_gets_one_from_its_bytes():
    raw = raw_of("15-no-message-id.eml")
    mail = parse(raw)
    assert mail.message_id == f"sha256.{hashlib.sha256(raw).hexdigest()}@shopcare.invalid"
    assert parse(raw).message_id == mail.message_id  # a second delivery is recognised
    assert parse(raw + b"\n").message_id != mail.message_id
    assert mail.subject == "返品について"  # sent as raw 8-bit UTF-8
    assert mail.from_name == "加藤 由美"
    assert "返品したい" in mail.new_text


def test_the_loop_header():
    assert mail_of("x", headers="X-Shopcare-Loop: 1\n").loop
    assert not mail_of("x").loop


def test_headers_are_listed_in_order_and_decoded():
    mail = read("10-gmail-reply.eml")
    names = [name for name, _ in mail.headers]
    assert names[:4] == ["MIME-Version", "References", "In-Reply-To", "From"]
    assert ("From", "山田花子 <hanako.yamada@example.jp>") in mail.headers
    assert ("To", "はなまる雑貨店 <support@hanamaru.example>") in mail.headers


# ---------------------------------------------------------------------------------------------
# Quoted history


@pytest.mark.parametrize(
    "history",
    [
        "-----Original Message-----\nFrom: shop\nSent: today\n\n> old",
        "----- Original Message -----\nold text",
        "-------- ORIGINAL MESSAGE --------\nold text",
        "----- 元のメッセージ -----\n差出人: shop\n\n古い本文",
        "From: Shop <support@hanamaru.example>\nSent: Saturday, November 21, 2026 10:02 AM\n"
        "To: c@example.jp\nSubject: [#3] order\n\nold text",
        "________________________________\n差出人: はなまる雑貨店 <support@hanamaru.example>\n"
        "送信日時: 2026年11月21日 10:02\n宛先: c@example.jp\nCC: x@example.jp\n件名: [#3] 件\n\n古い本文",
        "2026年11月20日(金) 19:40 山田花子 <hanako.yamada@example.jp>:\n\n> 古い本文",
        "2026年11月20日(金) 19:40 はなまる雑貨店 <\nsupport@hanamaru.example>:\n\n> 古い本文",
        "On Fri, Nov 20, 2026 at 7:40 PM Jane <jane@example.com> wrote:\n> old",
        "2026/11/20 20:05、はなまる雑貨店 wrote:\n> 古い本文",  # Thunderbird, Japanese
        "2026/11/20 20:05 はなまる雑貨店:\n> 古い本文",  # no address: the quote after it says so
        "> 古い本文\n> 二行目\n>\n> 三行目",
    ],
)
def test_quoted_history_is_cut(history: str):
    mail = mail_of(f"新しい本文です。\nよろしくお願いします。\n\n{history}\n")
    assert mail.new_text == "新しい本文です。\nよろしくお願いします。"
    assert history.splitlines()[-1] in mail.text


@pytest.mark.parametrize(
    "forwarded",
    [
        "---------- Forwarded message ---------\nFrom: 山田 <h@example.jp>\n"
        "Date: 2026年11月20日(金) 19:40\nSubject: 注文\nTo: <x@example.jp>\n\n転送した本文",
        "-------- 転送メッセージ --------\n件名: 注文\n日付: 2026/11/20 19:40\n送信者: h@example.jp\n\n"
        "転送した本文",
    ],
)
def test_a_forwarded_message_is_kept(forwarded: str):
    mail = mail_of(f"下のメールを転送します。\n\n{forwarded}\n")
    assert mail.new_text.endswith("転送した本文")


def test_a_date_and_a_colon_in_the_customers_words_are_not_history():
    text = "到着予定を教えてください。\n2026/11/28 10:00:\n再配達を希望します。\n"
    assert mail_of(text).new_text == text.strip()


def test_inline_answers_keep_the_answers_without_the_quotes():
    text = "Hi,\n\n> Which colour?\nNavy, please.\n\n> Which size?\nL.\n"
    assert mail_of(text).new_text == "Hi,\n\nNavy, please.\n\nL."


def test_a_bottom_posted_reply_keeps_the_words_below_the_quote():
    text = "On Sat, Nov 21, 2026 at 10:02 AM Shop <s@example.jp> wrote:\n> Which colour?\n\nNavy.\n"
    assert mail_of(text).new_text == "Navy."


def test_a_message_of_quotes_only_is_not_emptied():
    assert mail_of("> まだ届いていません\n> 確認してください\n").new_text == (
        "まだ届いていません\n確認してください"
    )


def test_a_date_line_of_the_customers_own_is_not_an_attribution():
    text = "2026年11月20日 19:40に配達予定とありましたが:\nまだ届きません。\n"
    assert mail_of(text).new_text == text.strip()


# ---------------------------------------------------------------------------------------------
# Charsets and headers

WINDOWS_CHARS = "①㈱Ⅱ髙～ あいう ｶﾀｶﾅ ABC"


@pytest.mark.parametrize(
    "label",
    [
        "ISO-2022-JP",
        "iso-2022-jp-ms",
        "csISO2022JP",
        "iso-2022-jp-1",
        "iso-2022-jp-2",
        "iso-2022-jp-3",
        '"iso-2022-jp"',
        "CP50220",
    ],
)
def test_iso2022jp_labels(label: str):
    assert decode_text(make.jis(WINDOWS_CHARS), label) == WINDOWS_CHARS


@pytest.mark.parametrize(
    "label", ["shift_jis", "Shift-JIS", "sjis", "x-sjis", "ms_kanji", "windows-31j", "CP932"]
)
def test_shift_jis_labels(label: str):
    text = "①㈱Ⅱ髙～ ｶﾀｶﾅ"
    assert decode_text(text.encode("cp932"), label) == text


def test_half_width_katakana_by_shift_out_and_shift_in():
    assert decode_text(b"abc\x0e6@6E\x0fdef", "iso-2022-jp") == "abcｶﾀｶﾅdef"


def test_every_cp932_character_iso2022jp_can_carry_comes_back():
    """Each two-byte CP932 character with a JIS code (leads 0x81-0x9F, 0xE0-0xEF: the NEC and
    NEC-selected IBM rows included), written as Windows writes ISO-2022-JP, decodes to itself."""
    chars = []
    for lead in [*range(0x81, 0xA0), *range(0xE0, 0xF0)]:
        for trail in [*range(0x40, 0x7F), *range(0x80, 0xFD)]:
            try:
                chars.append(bytes((lead, trail)).decode("cp932"))
            except UnicodeDecodeError:
                continue
    text = "".join(chars)
    assert len(text) > 7000
    assert decode_text(make.jis(text), "iso-2022-jp") == text


def test_the_fast_path_and_the_escape_walker_agree():
    """Plain JIS X 0208 takes Python's codec (mapped to Windows's readings), anything else the
    walker: both must read every code the same."""
    for j1 in range(0x21, 0x7F):
        for j2 in range(0x21, 0x7F):
            code = b"\x1b$B" + bytes((j1, j2)) + b"\x1b(B"
            try:
                code.decode("iso2022_jp")
            except UnicodeDecodeError:
                continue
            walked = decode_text(code + b"\x1b(I1\x1b(B", "iso-2022-jp")  # ESC ( I: the walker
            assert walked == decode_text(code, "iso-2022-jp") + "ｱ", (hex(j1), hex(j2))


@pytest.mark.parametrize(
    ("data", "label", "text"),
    [
        ("返品".encode(), "x-unknown", "返品"),
        ("返品".encode("cp932"), "x-unknown", "返品"),
        ("返品".encode("cp932"), None, "返品"),
        ("café".encode("latin-1"), None, "café"),
        ("返品".encode("cp932"), "utf-8", "返品"),  # mislabelled
        (b"\\u3042", "unicode_escape", "\\u3042"),  # no mail charset: not interpreted
        (b"YQ==", "base64", "YQ=="),
        ("返品".encode("euc_jp"), "EUC-JP", "返品"),
        ("返品".encode(), "us-ascii", "返品"),
    ],
)
def test_charset_fallbacks(data: bytes, label: str | None, text: str):
    assert decode_text(data, label) == text


@given(
    st.binary(max_size=64),
    st.sampled_from(["iso-2022-jp", "euc-jp", "shift_jis", "utf-8", "x", "base64", ""]),
)
@settings(max_examples=300, derandomize=True, database=None)
def test_decode_text_never_raises(data: bytes, label: str):
    assert isinstance(decode_text(data, label), str)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (
            "=?UTF-8?Q?=E8=BF=94=E5=93=81_=E3=81=AB?= =?UTF-8?Q?=E3=81=A4=E3=81=84=E3=81=A6?=",
            "返品 について",
        ),
        ("Re: =?UTF-8?B?5rOo5paH?= [#3]", "Re: 注文 [#3]"),
        ("=?utf-8*ja?B?5rOo5paH?=", "注文"),
        ("=?UTF-8?B?5rOo?=\r\n =?Shift_JIS?B?lbY=?=", "注文"),
        ("\x1b$B%F%9%H\x1b(B", "テスト"),
        ("=?x-bogus?B?5rOo5paH?=", "注文"),
        ("=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC", "=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC"),
        ("=?UTF-8?B?5rOo5paH?=", "注文"),
        ("=?UTF-8?B?5rOo5paH=?=", "注文"),  # bad padding
    ],
)
def test_decode_header_value(value: str, text: str):
    assert decode_header_value(value) == text


def test_raw_shift_jis_in_a_subject():
    raw = b"From: c@example.jp\nSubject: " + "返品について".encode("cp932") + b"\n\nbody"
    assert parse(raw).subject == "返品について"


def test_a_folded_subject_is_one_line():
    raw = b"From: c@example.jp\nSubject: first\n\tsecond\n  third\n\nbody"
    assert parse(raw).subject == "first second third"


# ---------------------------------------------------------------------------------------------
# Hostile and broken input


@pytest.mark.parametrize("raw", [b"", b"   \r\n\r\n", b"\n\nno headers at all", b"just words"])
def test_what_is_no_message_at_all(raw: bytes):
    with pytest.raises(MailError):
        parse(raw)


@pytest.mark.parametrize(
    "header",
    [
        b"Subject: =?ISO-2022-JP?B?GyRCJF4",  # an encoded-word cut short
        b"Subject: =?x-no-such-charset?B?44GC?=",
        b"Subject: a\x00b =?utf-8?B?AA==?=",
        b"From: =?utf-8?B?\xff\xfe?= <\x00@\x00>",
        b"Content-Type: text/plain; charset=\x00bogus\xff",
        b"Content-Type: text/plain; charset*=''",
        b"Content-Type: multipart/mixed",  # no boundary
        b"Content-Type: image/jp\xffeg; name=\xff.jpg",
        b"Content-Transfer-Encoding: base64",
        b"Date: 99 Foo 99999 99:99:99 +9999",
        b"Message-ID: <>",
        b"References: <<<>>> <a@b",
    ],
)
def test_a_broken_header_still_parses(header: bytes):
    raw = header + b"\n" + raw_of("05-utf8-base64.eml")
    mail = parse(raw)
    assert_storable(mail)
    assert mail.from_addr  # the first From wins, broken or not; the message is still read
    assert isinstance(mail.text, str)


def test_a_missing_or_unreadable_date_is_none():
    assert mail_of("x").date is None
    assert mail_of("x", headers="Date: yesterday\n").date is None
    assert mail_of("x", headers="Date: Fri, 20 Nov 2026 19:40:00 -0000\n").date.tzinfo is not None


@given(st.binary(max_size=2000))
@settings(
    max_examples=500,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_any_bytes_give_a_mail_or_a_mail_error(raw: bytes):
    try:
        mail = parse(raw)
    except MailError as error:
        assert error.__cause__ is None, f"an unexpected {error.__cause__!r}"  # no bug hidden
        return
    assert_storable(mail)


@given(st.binary(max_size=2000))
@settings(
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_anything_after_a_header_line_gives_a_mail(rest: bytes):
    assert_storable(parse(b"X-Test: 1\n" + rest))


HOSTILE_PIECES = st.sampled_from(
    [
        b"=?",
        b"?=",
        b"?B?",
        b"?Q?",
        b"=?ISO-2022-JP?B?GyRC",
        b"=?utf-8?Q?=E3=81",
        b"=?x-bogus?B?44GC?=",
        b"=?unicode_escape?Q?\\u3042?=",
        b"\x00",
        b"\x1b$B",
        b"\x1b(I",
        b"\x0e",
        b"\xff\xfe",
        b"<",
        b">",
        b"<>",
        b"@",
        b",",
        b'"',
        b"\\",
        b"(",
        b")",
        b";",
        b"*0*=",
        b"''",
        b"%1B",
        b"\r\n ",
        b"\n\t",
        b"\n",
        b"boundary=",
        b"charset=",
        b"multipart/mixed",
        b"multipart/report; report-type=delivery-status",
        b"base64",
        b"quoted-printable",
        b"image/",
        b"text/html",
    ]
)
HOSTILE_VALUE = st.lists(st.one_of(HOSTILE_PIECES, st.binary(max_size=6)), max_size=12).map(
    b"".join
)
HEADER_NAMES = [
    "Subject",
    "From",
    "To",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Content-Disposition",
    "Return-Path",
    "Auto-Submitted",
    "Precedence",
]


def with_header(raw: bytes, name: str, value: bytes) -> bytes:
    """raw with every `name:` header (and its folded lines) replaced by one with value."""
    head, sep, body = re.split(rb"(\r?\n\r?\n)", raw, maxsplit=1)
    lines = re.split(rb"\r?\n(?![ \t])", head)
    kept = [line for line in lines if not line.lower().startswith(name.lower().encode() + b":")]
    return b"\n".join([name.encode() + b": " + value, *kept]) + sep + body


@given(
    st.sampled_from(sorted(make.MESSAGES)),
    st.lists(st.tuples(st.sampled_from(HEADER_NAMES), HOSTILE_VALUE), min_size=1, max_size=4),
)
@settings(
    max_examples=400,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_mutated_headers_still_give_a_mail(name: str, mutations: list[tuple[str, bytes]]):
    raw = raw_of(name)
    for header, value in mutations:
        raw = with_header(raw, header, value)
    mail = parse(raw)
    assert_storable(mail)
    assert mail.message_id
