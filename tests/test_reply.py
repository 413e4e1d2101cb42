"""shopcare reply and templates: every built-in template, the formats, overrides and failures."""

from __future__ import annotations

import email
import email.policy
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import dump, shop_sql
from exports import BASE, RAKUTEN, SHOPIFY_2026, rakuten_rows, shopify_rows, write_export

from shopcare.replies.check import english_left
from shopcare.replies.filters import en_date, jdate, jdatetime, make_estimate, yen
from shopcare.replies.templates import BUILT_IN


@pytest.fixture
def shop(cli):
    cli(
        "init",
        "--name",
        "はなまる雑貨店",
        "--email",
        "support@hanamaru.example",
        "--address",
        "〒150-0001 東京都渋谷区神宮前1-2-3",
    )


@pytest.fixture
def full_case(cli, shop, tmp_path) -> str:
    """A case on an imported order, with a named customer and a promise."""
    path = write_export(
        tmp_path / "rms.csv",
        RAKUTEN,
        rakuten_rows(status="発送済", tracking="492155382206"),
        encoding="cp932",
    )
    cli("orders", "import", str(path))
    case_id = cli(
        "case",
        "add",
        "--summary",
        "マグカップの取っ手が欠けていた",
        "--order",
        "123456-20261118-00000101",
        "--category",
        "quality.damaged",
        "--fault",
        "carrier",
        "--received-at",
        "2026-11-23T20:00",
    ).stdout.strip()
    cli("case", "promise", case_id, "--due", "2026-11-26", "交換品の発送日を連絡する")
    return case_id


@pytest.fixture
def bare_case(cli, shop) -> str:
    """No order, no customer name, nothing promised."""
    return cli(
        "case", "add", "--summary", "問い合わせ", "--email", "anon@example.jp"
    ).stdout.strip()


# what the built-ins may need from --var: an inquiry's answer, a refund's amount where none is
# recorded, what was done where no remedy is recorded (a resolution)
VARS = ["--var", "answer=はい、承っております。", "--var", "amount=3980",
        "--var", "action=ご注文の商品を本日お送りいたしました。"]  # fmt: skip


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("name", BUILT_IN)
def test_every_built_in_template_renders_for_full_and_bare_cases(
    cli, full_case, bare_case, name, lang
):
    if name == "apology_customer_fault":  # refused where the fault is recorded as the shop's
        cli("case", "edit", full_case, "--fault", "customer")
    for case_id in (full_case, bare_case):
        out = cli.json("reply", case_id, name, "--lang", lang, *VARS)
        assert out["subject"] and out["body"].strip()
        text = out["subject"] + out["body"]
        for leak in ("{{", "{%", "Undefined", "None", "undefined"):
            assert leak not in text, f"{leak} in {name} ({lang})"
        if lang == "ja":
            values = [
                "はなまる雑貨店",
                "support@hanamaru.example",
                "マグカップの取っ手が欠けていた",
                "問い合わせ",
            ]
            assert english_left(text, {"v": values}) == [], text
            if name not in ("review_reply_positive", "review_reply_negative"):
                assert "はなまる雑貨店" in out["body"]  # the signature


def test_japanese_reply_has_the_parts_of_a_good_reply(cli, full_case):
    out = cli.json("reply", full_case, "apology")
    assert out["subject"] == "【お詫び】ご注文（注文番号：123456-20261118-00000101）につきまして"
    body = out["body"]
    assert body.startswith("佐藤 美咲様\n")
    assert "お詫び申し上げます" in body  # acknowledge first
    # what happened, in the shop's words; the customer's own words are not pasted as the shop's
    assert "お届けした商品が破損していた件で、多大なるご迷惑" in body
    assert "マグカップの取っ手が欠けていた" not in body
    assert "■当店の対応" in body and "■今後のご案内" in body
    assert "2026年11月26日(木) 18:00までに" in body  # the open promise, by when
    assert body.count("でしょうか") == 1  # one confirming question
    assert out["to"] == "abc123@fw.rakuten.ne.jp"


def test_no_name_means_okyakusama(cli, bare_case):
    assert cli.json("reply", bare_case, "first_response")["body"].startswith("お客様\n")
    assert cli.json("reply", bare_case, "first_response", "--lang", "en")["body"].startswith(
        "Dear customer,"
    )


def test_estimate_moves_an_uncertain_date_by_the_margin(cli, full_case, home):
    text = cli(
        "reply", full_case, "status_update", "--var", "eta=2026-11-27", "--var", "status=x"
    ).stdout
    assert "2026年11月26日(木) 18:00までに" in text  # the promise wins over the estimate
    bare = cli("case", "add", "--summary", "遅れ").stdout.strip()
    text = cli("reply", bare, "apology", "--var", "eta=2026-11-27").stdout
    # Friday the 27th + the default margin of 2 business days; 目安 said once, as ごろ
    assert "お届けは2026年12月1日(火)ごろになる見込みです。" in text
    assert "目安" not in text
    assert "11月27日" not in text  # the maker's date is never stated as a promise


def test_filters():
    assert jdate(date(2026, 11, 24)) == "2026年11月24日(火)"
    assert jdate("2026-11-23") == "2026年11月23日(月)"
    assert jdatetime(datetime(2026, 11, 24, 15, 0)) == "2026年11月24日(火) 15:00"
    assert en_date("2026-11-24") == "Tuesday, 24 November 2026"
    assert yen(3980) == "3,980円" and yen("12800") == "12,800円"
    estimate_ja, estimate_en = make_estimate(3)
    assert estimate_ja("2026-12-29") == "2027年1月4日(月)ごろ"  # business days, past 元日
    assert estimate_en("2026-11-24") == "around Friday, 27 November 2026"


def test_eml_round_trips_through_the_email_parser(cli, full_case):
    raw = cli("reply", full_case, "apology", "--format", "eml").stdout
    text = cli.json("reply", full_case, "apology")
    message = email.message_from_string(raw, policy=email.policy.default)
    assert message["Subject"] == text["subject"]
    assert message.get_content() == text["body"]
    assert message["To"] == "abc123@fw.rakuten.ne.jp"
    assert message["From"].addresses[0].addr_spec == "support@hanamaru.example"
    assert message["From"].addresses[0].display_name == "はなまる雑貨店"
    assert message["Message-ID"] and message["Date"] and message["X-Unsent"] == "1"
    assert message.get_content_charset() == "utf-8"
    assert message["Date"].datetime.utcoffset().total_seconds() == 9 * 3600


def test_json_fields(cli, full_case):
    out = cli.json("reply", full_case, "resolution", "--var", "action=代金をご返金いたしました。")
    assert set(out) == {"to", "subject", "body", "case_id", "template", "lang"}
    assert (out["case_id"], out["template"], out["lang"]) == (int(full_case), "resolution", "ja")


@pytest.mark.parametrize(
    "text", ['引用符 " と \\ と\n改行\tタブ', "\x00\x1f\u2028", "plain", "😀 絵文字"]
)
@pytest.mark.parametrize("to", ["a@example.jp", None])
def test_a_json_draft_is_the_object_json_would_write(text, to):
    from shopcare.replies.output import as_json
    from shopcare.replies.templates import Rendered

    rendered = Rendered("apology", "ja", text, text + "\n", Path("ja/apology.txt"))
    line = as_json(rendered, to, 12)
    expected = {
        "to": to,
        "subject": text,
        "body": text + "\n",
        "case_id": 12,
        "template": "apology",
        "lang": "ja",
    }
    assert json.loads(line) == expected
    assert line == json.dumps(expected, ensure_ascii=False)
    assert "\n" not in line  # one draft, one line


def test_text_format(cli, full_case):
    out = cli("reply", full_case, "first_response").stdout
    assert out.startswith("Subject: 【はなまる雑貨店】お問い合わせを承りました")
    assert out.split("\n")[1] == ""


def test_customer_text_is_data(cli, shop, home):
    # the built-ins no longer paste the summary into a mail: a shop's own template that prints it
    (home / "templates" / "ja").mkdir(parents=True)
    (home / "templates" / "ja" / "echo.txt").write_text(
        "Subject: 控え\n\n{{ case.summary }}\n", encoding="utf-8"
    )
    case_id = cli(
        "case",
        "add",
        "--summary",
        "{{ 7*7 }} {% if true %}x{% endif %}",
        "--customer",
        "{{ shop.email }}",
    ).stdout.strip()
    out = cli.json("reply", case_id, "echo")
    assert out["body"] == "{{ 7*7 }} {% if true %}x{% endif %}\n"
    out = cli.json("reply", case_id, "first_response")
    assert out["body"].startswith("{{ shop.email }}様")


def test_an_order_number_with_a_line_break_is_refused(cli, shop):
    stderr = cli.fails("case", "add", "--summary", "x", "--order", "1\nBcc: evil@example.com")
    assert "the order number holds a line break" in stderr


def test_a_line_break_in_a_header_value_is_refused(cli, shop, home, bare_case):
    config = (home / "config.toml").read_text(encoding="utf-8")
    (home / "config.toml").write_text(
        config.replace('name = "はなまる雑貨店"', 'name = "はなまる\\nBcc: x@example.com"'),
        encoding="utf-8",
    )
    assert "line break" in cli.fails("reply", bare_case, "first_response", "--format", "eml")


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "/etc/passwd", "ja/apology", "apology.txt", "Apology", ""]
)
def test_template_names_are_names_not_paths(cli, bare_case, name):
    assert "is not a template name" in cli.fails("reply", bare_case, name)


def test_a_missing_variable_names_the_variable_and_the_template_and_prints_nothing(cli, bare_case):
    # an inquiry's resolution is its answer: nothing stands in for it
    result = cli("reply", bare_case, "resolution", code=1)
    assert result.stdout == ""
    assert result.stderr.startswith("Error: template resolution (ja) needs answer")
    assert "resolution.txt:" in result.stderr
    assert "--var answer=" in result.stderr


def test_shop_template_overrides_the_built_in(cli, home, bare_case):
    (home / "templates" / "ja").mkdir(parents=True)
    (home / "templates" / "ja" / "apology.txt").write_text(
        "Subject: 【お詫び】{{ shop.name }}より\n\n{{ customer | sama }}\n\n当店独自の文面です。\n",
        encoding="utf-8",
    )
    out = cli.json("reply", bare_case, "apology")
    assert out["body"] == "お客様\n\n当店独自の文面です。\n"
    assert cli.json("reply", bare_case, "apology", "--lang", "en")["subject"].startswith(
        "[はなまる雑貨店]"
    )
    listed = {t["name"]: t for t in cli.json("templates", "list")}
    assert (listed["apology"]["ja"], listed["apology"]["en"]) == ("shop", "built-in")


def test_missing_language_falls_back_with_a_warning(cli, home, bare_case):
    (home / "templates" / "en").mkdir(parents=True)
    (home / "templates" / "en" / "thanks.txt").write_text(
        "Subject: Thanks\n\nThank you.\n", encoding="utf-8"
    )
    result = cli("reply", bare_case, "thanks", "--lang", "ja")
    assert "warning: template thanks has no ja version: using en" in result.stderr
    assert result.stdout == "Subject: Thanks\n\nThank you.\n"


def test_a_broken_shop_template_is_reported_with_its_line(cli, home, bare_case):
    (home / "templates" / "ja").mkdir(parents=True)
    broken = home / "templates" / "ja" / "broken.txt"
    broken.write_text("Subject: x\n\n本文\n{% if %}\n", encoding="utf-8")
    result = cli("templates", "check", code=1)
    assert "FAIL ja/broken (shop)" in result.stdout
    assert f"{broken}:4" in result.stdout
    assert "ok   ja/apology (built-in)" in result.stdout
    assert f"{broken}:4" in cli.fails("reply", bare_case, "broken")
    broken.write_text("本文だけ\n", encoding="utf-8")
    assert "does not start with a 'Subject: ...' line" in cli.fails("reply", bare_case, "broken")


def test_templates_check_passes_for_the_built_ins(cli):
    result = cli("templates", "check")
    assert "all 30 templates render" in result.stderr
    assert "FAIL" not in result.stdout


def test_templates_show_prints_the_source(cli):
    result = cli("templates", "show", "apology", "--lang", "en")
    assert result.stdout.startswith("{# Apology")
    assert "templates/en/apology.txt" in result.stderr


def test_mark_sent_records_the_reply_and_opens_a_new_case(cli, full_case, home):
    result = cli("reply", full_case, "first_response", "--mark-sent")
    assert "now open" in result.stderr
    shown = cli.json("case", "show", full_case)
    assert shown["status"] == "open"
    sent = [e for e in shown["events"] if e["kind"] == "reply_sent"]
    assert sent[0]["data"] == {"template": "first_response", "lang": "ja"}
    assert sent[0]["text"].startswith("【はなまる雑貨店】お問い合わせを承りました")


def test_rendering_without_mark_sent_writes_nothing(cli, full_case, home):
    before = dump(home)
    cli("reply", full_case, "apology", "--format", "eml")
    assert dump(home) == before


@pytest.mark.parametrize(
    "args, message",
    [
        (["--var", "eta"], "is not KEY=VALUE"),
        (["--var", "case=1"], "would hide the case's own case"),
        (["--lang", "fr"], "unknown language 'fr'"),
        (["--format", "pdf"], None),
    ],
)
def test_bad_reply_options(cli, bare_case, args, message):
    if message is None:
        cli("reply", bare_case, "apology", *args, code=2)
    else:
        assert message in cli.fails("reply", bare_case, "apology", *args)


def test_eml_needs_addresses(cli, shop):
    case_id = cli(
        "case", "add", "--summary", "電話での問い合わせ", "--channel", "phone"
    ).stdout.strip()
    assert "no customer e-mail address" in cli.fails(
        "reply", case_id, "first_response", "--format", "eml"
    )


def test_unknown_template_and_case(cli, bare_case):
    assert "no template 'nonexistent'" in cli.fails("reply", bare_case, "nonexistent")
    assert "no case 99" in cli.fails("reply", "99", "apology")


def test_json_body_round_trips(cli, full_case):
    raw = cli("reply", full_case, "apology", "--format", "json").stdout
    assert json.loads(raw)["body"].endswith("\n")


def test_batch_from_stdin_as_json_lines(cli, full_case, bare_case):
    result = cli(
        "reply", "-", "first_response", "--format", "json", input=f"{full_case}\n{bare_case}\n"
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["case_id"] for d in lines] == [int(full_case), int(bare_case)]


def test_batch_eml_files_and_mark_sent(cli, full_case, bare_case, tmp_path):
    out = tmp_path / "drafts"
    result = cli(
        "reply",
        "-",
        "first_response",
        "--format",
        "eml",
        "--out",
        str(out),
        "--mark-sent",
        input=f"{full_case}\n{bare_case}\n",
    )
    assert "2 drafts written" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        f"case-{full_case}.eml",
        f"case-{bare_case}.eml",
    ]
    assert cli.json("case", "show", bare_case)["status"] == "open"


def test_batch_is_all_or_nothing(cli, full_case, bare_case, tmp_path, home):
    # the full case has a refund recorded; the bare case has none, and refund_notice needs one
    cli("remedy", full_case, "partial_refund", "--amount", "500")
    before = dump(home)
    out = tmp_path / "drafts"
    stderr = cli.fails(
        "reply",
        "-",
        "refund_notice",
        "--out",
        str(out),
        "--mark-sent",
        input=f"{full_case}\n{bare_case}\n",
    )
    assert f"needs the amount refunded: no refund is recorded on case {bare_case}" in stderr
    assert not out.exists()
    assert dump(home) == before


@pytest.mark.parametrize(
    "stdin, args, message",
    [
        ("1\nabc\n", ["--format", "json"], "stdin line 2: 'abc' is not a case id"),
        ("", ["--format", "json"], "no case ids on stdin"),
        ("1\n", [], "needs --out DIR"),
    ],
)
def test_batch_errors(cli, bare_case, stdin, args, message):
    assert message in cli.fails("reply", "-", "apology", *args, input=stdin)


def test_out_needs_batch(cli, bare_case, tmp_path):
    assert "--out goes with ID -" in cli.fails(
        "reply", bare_case, "apology", "--out", str(tmp_path)
    )


def test_a_shop_value_missing_from_config_is_named(cli):
    case_id = cli("case", "add", "--summary", "x").stdout.strip()  # no init: no shop name
    stderr = cli.fails("reply", case_id, "first_response")
    assert "needs shop.name, which config.toml does not set" in stderr
    assert "shopcare init --name VALUE" in stderr
    assert "FAIL" not in cli("templates", "check").stdout  # the check fills sample shop values in


def test_an_order_number_in_two_malls_stops_only_a_draft_that_uses_the_order(cli, shop, tmp_path):
    # the case names #1001 before any export is in, so it names no mall; then two malls bring one
    case_id = cli("case", "add", "--summary", "届かない", "--order", "#1001").stdout.strip()
    cli("orders", "import", str(write_export(tmp_path / "s.csv", SHOPIFY_2026, shopify_rows())))
    base = [{"注文ID": "#1001", "注文日時": "2026-11-19 19:02:11", "商品名": "x", "数量": "1"}]
    cli("orders", "import", str(write_export(tmp_path / "b.csv", BASE, base)))
    assert "#1001" in cli.json("reply", case_id, "apology")["subject"]  # names no order
    stderr = cli.fails("reply", case_id, "status_update")  # prints its tracking number
    assert "more than one mall" in stderr and "--mall" in stderr


def test_a_template_gets_every_field_it_reads_in_a_batch(cli, home, full_case):
    folder = home / "templates" / "ja"
    folder.mkdir(parents=True)
    (folder / "fields.txt").write_text(
        "Subject: 確認\n\n{{ case.request | default('-') }} {{ case.received_at | jdatetime }}"
        " {{ order.get('carrier') }} {{ order['items'][0].name }} {{ order.status }}\n",
        encoding="utf-8",
    )
    result = cli("reply", "-", "fields", "--format", "json", input=f"{full_case}\n")
    body = json.loads(result.stdout)["body"]
    one = cli.json("reply", full_case, "fields")["body"]
    assert body == one
    assert body.startswith("- 2026年11月23日(月) 20:00 ")
    assert "発送済" in body and "None" not in body


def test_an_included_template_gets_the_order_in_a_batch(cli, home, full_case):
    (home / "templates" / "ja").mkdir(parents=True)
    (home / "templates" / "ja" / "_parcel.txt").write_text(
        "{{ order.tracking_number }} {{ order.shipped_at | jdatetime }}\n", encoding="utf-8"
    )
    (home / "templates" / "ja" / "parcel.txt").write_text(
        'Subject: 伝票番号\n\n{% include "ja/_parcel.txt" %}\n', encoding="utf-8"
    )
    again = cli(
        "case", "add", "--summary", "同じ注文の別件", "--order", "123456-20261118-00000101"
    ).stdout.strip()
    result = cli("reply", "-", "parcel", "--format", "json", input=f"{full_case}\n{again}\n")
    bodies = [json.loads(line)["body"] for line in result.stdout.splitlines()]
    # two cases on one order: both see it, its times in the shop's zone
    assert bodies[0] == bodies[1]
    assert bodies[0].startswith("492155382206 2026年")


@pytest.mark.parametrize(
    "parcel, parts",
    [
        # the order is named only in a macro imported with the context
        (
            '{% import "ja/_parts.txt" as parts with context %}{{ parts.parcel() }}',
            "{% macro parcel() %}{{ order.tracking_number }}{% endmacro %}",
        ),
        # ... only in the template it extends
        ('{% extends "ja/_parts.txt" %}', "Subject: 伝票番号\n\n{{ order.tracking_number }}"),
        # ... only in a file named by a value: which one is known only when rendering
        ("{% include vars.part %}", "{{ order.tracking_number }}"),
    ],
)
def test_a_template_gets_the_order_it_names_only_in_another_file(
    cli, home, full_case, parcel, parts
):
    folder = home / "templates" / "ja"
    folder.mkdir(parents=True)
    (folder / "_parts.txt").write_text(parts + "\n", encoding="utf-8")
    if not parcel.startswith("{% extends"):
        parcel = "Subject: 伝票番号\n\n" + parcel
    (folder / "parcel.txt").write_text(parcel + "\n", encoding="utf-8")
    result = cli(
        "reply", "-", "parcel", "--format", "json", "--var", "part=ja/_parts.txt",
        input=f"{full_case}\n",
    )  # fmt: skip
    assert json.loads(result.stdout)["body"] == "492155382206\n"


@pytest.mark.sqlite_only
def test_a_draft_reads_the_orders_only_when_it_names_them(cli, full_case, monkeypatch):
    import re
    import sqlite3

    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args, **kwargs):
        conn = connect(*args, **kwargs)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", traced)

    def draft(template: str) -> tuple[str, list[str]]:
        statements.clear()
        body = cli.json("reply", full_case, template)["body"]
        return body, [s for s in statements if re.search(r"\b(orders|order_items)\b", s)]

    body, read = draft("apology")  # names neither the order nor its return terms
    assert read == [] and body
    body, read = draft("status_update")  # prints the tracking number
    assert read and "492155382206" in body
    # a refund: the apology reads the order now, to tell whether the refund is of everything paid
    cli("remedy", full_case, "refund", "--amount", "6820", "--approved-by", "owner")
    body, read = draft("apology")
    assert read and "ご注文代金の全額(6,820円)を返金いたします。" in body


def test_an_include_of_a_missing_file_is_named_and_checked(cli, home, bare_case):
    (home / "templates" / "ja").mkdir(parents=True)
    template = home / "templates" / "ja" / "parcel.txt"
    template.write_text('Subject: 伝票番号\n\n{% include "ja/_gone.txt" %}\n', encoding="utf-8")
    stderr = cli.fails("reply", bare_case, "parcel")
    assert (
        f"template parcel (ja) includes ja/_gone.txt, which does not exist ({template}:3)" in stderr
    )
    result = cli("templates", "check", code=1)  # one failure is reported, the rest still checked
    assert (
        "FAIL ja/parcel (shop)" in result.stdout and "ok   ja/apology (built-in)" in result.stdout
    )


@pytest.mark.parametrize("brk", ["\u2028", "\u0085", "\v", "\f", "\x1c", "\x1d", "\x1e", "\r\n"])
def test_every_kind_of_line_break_is_refused_on_the_way_in_and_never_crashes_a_draft(
    cli, shop, home, brk
):
    assert "holds a line break" in cli.fails(
        "case", "add", "--summary", "x", "--email", "a@example.jp", "--order", f"A{brk}B"
    )
    assert "line break" in cli.fails("init", "--name", f"はなまる{brk}雑貨店")
    # an order number stored before the check (an older home, an import): the draft says why
    case_id = cli("case", "add", "--summary", "x", "--email", "a@example.jp").stdout.strip()
    shop_sql(home, "UPDATE cases SET order_number = ? WHERE id = ?", [f"A{brk}B", case_id])
    stderr = cli.fails("reply", case_id, "first_response", "--format", "eml")
    assert "line break" in stderr
    stderr = cli.fails(
        "reply",
        "-",
        "first_response",
        "--format",
        "eml",
        "--out",
        str(home / "d"),
        input=f"{case_id}\n",
    )
    assert "line break" in stderr


def test_a_customer_is_written_to_in_their_language(cli, shop):
    """Remembered per customer: given with case add/edit --lang, or guessed from a message in
    English alone; reply uses it when --lang is not given, each case of a batch its own."""
    english = cli("case", "add", "--summary", "荷物が届かない", "--email", "sam@example.com")
    # the summary is the shop's words: a summary in English sets nothing
    shop_words = cli(
        "case", "add", "--summary", "Customer says the parcel never arrived", "--email", "t@e.jp"
    ).stdout.strip()
    assert (
        json.loads(cli("reply", shop_words, "first_response", "--format", "json").stdout)["lang"]
        == "ja"
    )
    # the customer's own message in English alone does
    said = cli(
        "case", "message", english.stdout.strip(), "My order has not arrived yet, could you check?"
    )
    assert "replies to them are in en" in said.stderr
    japanese = cli("case", "add", "--summary", "届きません", "--email", "hanako@example.jp")
    en_id, ja_id = english.stdout.strip(), japanese.stdout.strip()
    drafts = [
        json.loads(line)
        for line in cli(
            "reply", "-", "first_response", "--format", "json", input=f"{en_id}\n{ja_id}\n"
        ).stdout.splitlines()
    ]
    assert [(d["case_id"], d["lang"]) for d in drafts] == [(int(en_id), "en"), (int(ja_id), "ja")]
    assert (
        json.loads(
            cli("reply", en_id, "first_response", "--format", "json", "--lang", "ja").stdout
        )["lang"]
        == "ja"
    )
    # the same customer's next case is in English too; case edit --lang changes it
    again = cli(
        "case", "add", "--summary", "また届かない", "--email", "sam@example.com"
    ).stdout.strip()
    assert (
        json.loads(cli("reply", again, "first_response", "--format", "json").stdout)["lang"] == "en"
    )
    cli("case", "edit", again, "--lang", "ja")
    assert (
        json.loads(cli("reply", en_id, "first_response", "--format", "json").stdout)["lang"] == "ja"
    )
    # a message in English alone does not override a language the shop set
    cli("case", "message", en_id, "Any news about my order please?")
    assert (
        json.loads(cli("reply", en_id, "first_response", "--format", "json").stdout)["lang"] == "ja"
    )
    assert "unknown language 'fr'" in cli.fails("case", "add", "--summary", "x", "--lang", "fr")
    # a language needs a customer to belong to
    assert "names no customer" in cli.fails("case", "add", "--summary", "電話", "--lang", "en")


def test_templates_copy_starts_a_shop_template_and_never_overwrites_it(cli, home, bare_case):
    import stat as st

    result = cli("templates", "copy", "apology", "--lang", "ja")
    copied = home / "templates" / "ja" / "apology.txt"
    assert "copied the built-in apology (ja)" in result.stderr
    builtin = Path(__file__).parent.parent / "templates" / "ja" / "apology.txt"
    assert copied.read_text(encoding="utf-8") == builtin.read_text(encoding="utf-8")
    assert st.S_IMODE(copied.stat().st_mode) == 0o600
    copied.write_text("Subject: 店の版\n\n{{ shop.name }}より\n", encoding="utf-8")
    stderr = cli.fails("templates", "copy", "apology", "--lang", "ja")
    assert "exists" in stderr and "--force" in stderr
    assert cli("reply", bare_case, "apology").stdout.startswith("Subject: 店の版")
    cli("templates", "copy", "apology", "--lang", "ja", "--force")
    assert copied.read_text(encoding="utf-8") == builtin.read_text(encoding="utf-8")
    assert "no built-in template nosuch" in cli.fails("templates", "copy", "nosuch")
    assert "not a template name" in cli.fails("templates", "copy", "../ja/apology")


def test_an_empty_or_broken_shop_template_says_how_to_get_the_built_in_back(cli, home, bare_case):
    folder = home / "templates" / "ja"
    folder.mkdir(parents=True)
    # the README's old way: the shell empties the file before shopcare reads it
    (folder / "apology.txt").write_text("", encoding="utf-8")
    stderr = cli.fails("reply", bare_case, "apology")
    assert "apology.txt is empty" in stderr
    assert "shopcare templates copy apology --lang ja --force" in stderr
    (folder / "apology.txt").write_text("Subject: x\n\n{% if %}\n", encoding="utf-8")
    assert "templates copy apology --lang ja --force" in cli.fails("reply", bare_case, "apology")
    result = cli("templates", "check", code=1)
    assert "FAIL ja/apology (shop)" in result.stdout and "apology.txt:3" in result.stdout


def test_english_in_a_japanese_template_is_named_by_file_line_and_whole_word(cli, home):
    folder = home / "templates" / "ja"
    folder.mkdir(parents=True)
    (folder / "apology.txt").write_text(
        "Subject: お詫び\n\n{{ shop.name }}でございます。\nSKU MUG-AI、#1042\nThanks for shopping.\n",
        encoding="utf-8",
    )
    out = cli("templates", "check", code=1).stdout
    assert (
        f"{folder / 'apology.txt'}:5: English left in a Japanese mail: 'Thanks', 'for', 'shopping'"
        in out
    )
    assert "'hanks'" not in out and "MUG" not in out


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_resolution_with_nothing_recorded_says_nothing_done_it_was_not_told(cli, shop, lang):
    """With no remedy recorded, a resolution cannot know what was done: it asks for it,
    rather than telling the customer that what they asked was done."""
    case_id = cli("case", "add", "--summary", "届かない", "--email", "anon@example.jp",
                  "--category", "delivery.not_arrived").stdout.strip()  # fmt: skip
    said = cli.fails("reply", case_id, "resolution", "--lang", lang)
    assert "needs action" in said and "--var action=" in said
    out = cli.json("reply", case_id, "resolution", "--lang", lang,
                   "--var", "action=代金を全額ご返金いたしました。")  # fmt: skip
    assert "代金を全額ご返金いたしました。" in out["body"]


def test_a_draft_the_record_contradicts_is_refused(cli, shop, full_case):
    question = cli("case", "add", "--summary", "ギフト包装はできますか", "--email", "q@example.jp",
                   "--category", "inquiry.product").stdout.strip()  # fmt: skip
    said = cli.fails("reply", question, "apology")
    assert "is a question" in said and "resolution --var answer=" in said
    for fault in ("maker", "shop", "carrier"):
        if cli.json("case", "show", full_case)["fault"] != fault:
            cli("case", "edit", full_case, "--fault", fault)
        said = cli.fails("reply", full_case, "apology_customer_fault")
        assert f"the {fault}'s" in said and "--fault customer" in said
    cli("case", "edit", full_case, "--fault", "customer")
    assert cli.json("reply", full_case, "apology_customer_fault")["body"]
    other = cli("case", "add", "--summary", "なんとなく不満です", "--email", "o@example.jp",
                "--category", "other").stdout.strip()  # fmt: skip
    assert cli.json("reply", other, "apology")["body"]  # other may be a complaint


def test_a_marketing_mail_is_never_drafted_for_a_customer_who_declined_it(cli, shop, tmp_path):
    from exports import SHOPIFY_2026, shopify_rows, write_export

    cli("orders", "import", str(write_export(tmp_path / "o.csv", SHOPIFY_2026, shopify_rows())))
    declined = next(r["Name"] for r in shopify_rows() if r.get("Accepts Marketing") == "no")
    accepted = next(r["Name"] for r in shopify_rows() if r.get("Accepts Marketing") == "yes")
    for number, allowed in ((declined, False), (accepted, True)):
        case_id = cli("case", "add", "--summary", "届きました", "--order", number,
                      "--category", "other").stdout.strip()  # fmt: skip
        for template in ("review_request", "followup_related"):
            if allowed:
                assert cli.json("reply", case_id, template)["body"]
            else:
                said = cli.fails("reply", case_id, template)
                assert "declined marketing mail" in said and "特定電子メール法" in said
        assert cli.json("reply", case_id, "status_update")["body"]  # not marketing: fine
