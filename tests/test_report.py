"""shopcare report: the shop's numbers, held to values worked out by hand.

The shop (the default calendar: 10:00 to 18:00, Monday to Friday, Japanese holidays) logs seven
cases around Monday 2026-11-23, 勤労感謝の日, and the report covers 2026-11-16 to 2026-11-27 as
of Saturday 2026-11-28 09:00. Every time below is the shop's (JST).

case 1  received 11-10 10:00, resolved 11-12 12:00; the customer writes 11-17 11:00: open again
case 2  received 11-12 10:00 (other), never answered: open throughout
case 3  inquiry.product, amazon (reply within 24h): received Mon 11-16 09:00, replied Tue 11-17
        12:00 (27 h; business: Mon 8 + Tue 2 = 10 h; due Tue 09:00: late), resolved Wed 11-18
        10:00 (49 h; 16 bh), reopened by the customer Thu 11-19 10:00, resolved 11-19 16:00
case 4  quality.damaged (high: 8bh, stricter than rakuten's default 1bd): received Wed 11-18
        14:00, replied Thu 11-19 15:00 (25 h; 4 + 5 = 9 bh; due Thu 14:00: late); never
        resolved (due 5bd: Thu 11-26 18:00: late); a refund of 3,000 yen
case 5  delivery.not_arrived (high: 8bh): received Fri 11-20 17:00, replied Tue 11-24 11:00
        (90 h; Fri 1 + the weekend and the holiday 0 + Tue 1 = 2 bh; due Tue 17:00: on time),
        resolved Wed 11-25 15:00 (118 h; 1 + 8 + 5 = 14 bh; due Mon 11-30 18:00); a coupon of
        6,000 yen approved by the owner; a satisfaction check sent 11-27 11:00
case 6  other (1bd): received Sat 11-21 10:00, replied on the holiday 11-23 12:00 (50 h; 0 bh;
        due Tue 11-24 18:00), closed Tue 11-24 12:00 (74 h; 2 bh)
case 7  inquiry.return, yahoo (12h): received Tue 11-24 09:00, never answered (due 21:00: late)

Customers' messages: 「まだ届きません」 in cases 3, 4 and 7, each closing with
よろしくお願いいたします (a closing, not a question); "my order has not arrived" in cases 1, 2
and 6 (with a greeting and "Thank you" around some).
"""

from __future__ import annotations

import json
import os
import stat
from html.parser import HTMLParser

import pytest

REPORT_NOW = "2026-11-28T09:00:00+09:00"
PERIOD = ("--from", "2026-11-16", "--until", "2026-11-27")


def _at(monkeypatch, when: str) -> None:
    monkeypatch.setenv("SHOPCARE_NOW", f"{when}:00+09:00")


def _add(cli, monkeypatch, received: str, category: str, mall: str | None, email: str) -> None:
    _at(monkeypatch, received)
    extra = ["--mall", mall] if mall else []
    cli(
        "case", "add", "--summary", f"{category} の件", "--category", category,
        "--received-at", received, "--email", email, "--customer", "見本 太郎", *extra,
    )  # fmt: skip


@pytest.fixture
def shop(cli, monkeypatch, home):
    """The seven cases, their replies, resolutions, remedies and messages, in the order of time."""
    steps = [
        ("2026-11-10T10:00", "add", ("2026-11-10T10:00", "delivery.late", None, "a1@example.jp")),
        ("2026-11-12T10:00", "add", ("2026-11-12T10:00", "other", None, "a2@example.jp")),
        ("2026-11-12T12:00", "cli", ("case", "status", "1", "resolved")),
        ("2026-11-16T09:00", "add", ("2026-11-16T09:00", "inquiry.product", "amazon", "a3@example.jp")),
        ("2026-11-17T11:00", "cli", ("case", "message", "1", "Hello, my order has not arrived yet.")),
        ("2026-11-17T12:00", "cli", ("reply", "3", "first_response", "--mark-sent")),
        ("2026-11-18T10:00", "cli", ("case", "status", "3", "resolved")),
        ("2026-11-18T14:00", "add", ("2026-11-18T14:00", "quality.damaged", "rakuten", "a4@example.jp")),
        ("2026-11-19T09:00", "cli", ("case", "message", "4", "お世話になっております。商品がまだ届きません。よろしくお願いいたします")),
        ("2026-11-19T10:00", "cli", ("case", "message", "3", "まだ届きません。いつ届きますか？よろしくお願いいたします")),
        ("2026-11-19T11:00", "cli", ("remedy", "4", "refund", "--amount", "3000")),
        ("2026-11-19T15:00", "cli", ("reply", "4", "first_response", "--mark-sent")),
        ("2026-11-19T16:00", "cli", ("case", "status", "3", "resolved")),
        ("2026-11-20T09:30", "cli", ("case", "message", "2", "My order has not arrived. Thank you")),
        ("2026-11-20T17:00", "add", ("2026-11-20T17:00", "delivery.not_arrived", None, "a5@example.jp")),
        ("2026-11-21T10:00", "add", ("2026-11-21T10:00", "other", None, "a6@example.jp")),
        ("2026-11-21T10:30", "cli", ("case", "message", "6", "my order has not arrived")),
        ("2026-11-23T12:00", "cli", ("reply", "6", "first_response", "--mark-sent")),
        ("2026-11-24T09:00", "add", ("2026-11-24T09:00", "inquiry.return", "yahoo", "a7@example.jp")),
        ("2026-11-24T11:00", "cli", ("reply", "5", "first_response", "--mark-sent")),
        ("2026-11-24T12:00", "cli", ("remedy", "5", "coupon", "--amount", "6000", "--approved-by", "owner")),
        ("2026-11-24T12:00", "cli", ("case", "close", "6", "--cause", "住所の誤り")),
        ("2026-11-25T10:00", "cli", ("case", "message", "7", "注文した商品がまだ届きません。よろしくお願いいたします")),
        ("2026-11-25T15:00", "cli", ("case", "status", "5", "resolved")),
        ("2026-11-27T11:00", "cli", ("reply", "5", "satisfaction_check", "--mark-sent")),
    ]  # fmt: skip
    _at(monkeypatch, "2026-11-10T09:00")
    cli("init", "--name", "見本雑貨店", "--email", "support@mihon.example")
    for when, what, args in steps:
        _at(monkeypatch, when)
        if what == "add":
            _add(cli, monkeypatch, *args)
        else:
            cli(*args)
    monkeypatch.setenv("SHOPCARE_NOW", REPORT_NOW)
    return home


def _pick(entry: dict, *keys: str) -> list:
    return [entry[key] for key in keys]


def _report(cli, *extra: str) -> dict:
    return cli.json("report", *PERIOD, *extra)


def test_first_reply_times_in_business_and_calendar_hours(cli, shop):
    """Replies of cases 4, 3, 6 and 5: 25, 27, 50, 90 hours; 9, 10, 0, 2 business hours (the
    weekend and the holiday count nothing)."""
    report = _report(cli)
    assert report["first_reply"] == {
        "count": 4,
        "median_business_hours": 5.5,  # (2 + 9) / 2
        "p90_business_hours": 10.0,  # nearest rank: ceil(0.9 x 4) = the 4th of 0, 2, 9, 10
        "median_hours": 38.5,  # (27 + 50) / 2
        "p90_hours": 90.0,
        "mean_hours": 48.0,  # 192 / 4
        "mean_business_hours": 5.25,  # 21 / 4
    }


def test_resolution_times(cli, shop):
    """Cases 3, 6 and 5 were first resolved in the period: 49, 74, 118 hours; 16, 2, 14 bh."""
    report = _report(cli)
    assert report["resolution"] == {
        "count": 3,
        "median_business_hours": 14.0,
        "p90_business_hours": 16.0,  # ceil(0.9 x 3) = the 3rd
        "median_hours": 74.0,
        "p90_hours": 118.0,
        "mean_hours": 80.33,  # 241 / 3
        "mean_business_hours": 10.67,  # 32 / 3
    }


def test_rates_backlog_remedies_and_checks(cli, shop):
    report = _report(cli)
    assert report["from"] == "2026-11-16" and report["until"] == "2026-11-27"
    assert report["cases_received"] == 5
    # cases 5 and 6 replied within their SLA; 3 (amazon's 24 hours) and 4 (8bh) late
    assert (report["within_sla_share"], report["within_sla"]) == (0.5, 2)
    # of 3, 5 and 6 first resolved in the period, the customer reopened 3
    assert (report["reopen_rate"], report["reopened"]) == (0.3333, 1)
    # of the five received, 3 (reply), 4 (resolution) and 7 (reply) went overdue
    assert (report["escalation_rate"], report["escalated"], report["with_target"]) == (0.6, 3, 5)
    # open at the end: 1 (reopened before the period), 2, 4 and 7
    assert report["backlog"] == 4
    assert report["remedies"] == [
        {
            "kind": "coupon",
            "category": "delivery.not_arrived",
            "category_label": "商品の未着",
            "count": 1,
            "yen": 6000,
            "unpriced": 0,
            "approved": 1,
        },
        {
            "kind": "refund",
            "category": "quality.damaged",
            "category_label": "商品の破損",
            "count": 1,
            "yen": 3000,
            "unpriced": 0,
            "approved": 0,
        },
    ]
    assert (report["remedies_count"], report["remedies_yen"], report["approvals"]) == (2, 9000, 1)
    assert (report["satisfaction_checks"], report["satisfaction_share"]) == (1, 0.3333)
    assert report["by_category"] == [
        {"category": "inquiry", "label": "お問い合わせ", "count": 2},
        {"category": "delivery", "label": "配送", "count": 1},
        {"category": "other", "label": "その他", "count": 1},
        {"category": "quality", "label": "品質", "count": 1},
    ]
    assert report["by_mall"] == [
        {"mall": None, "count": 2},
        {"mall": "amazon", "count": 1},
        {"mall": "rakuten", "count": 1},
        {"mall": "yahoo", "count": 1},
    ]


def test_faq_candidates(cli, shop):
    """The inquiry categories, then the phrases in three cases' messages each, greetings and
    closings left out; newest case first."""
    report = _report(cli)
    assert report["faq_messages"] == 6  # the customers' messages written in the period
    assert report["faq"] == [
        {
            "kind": "category",
            "phrase": "商品についてのお問い合わせ",
            "category": "inquiry.product",
            "count": 1,
            "case_ids": [3],
        },
        {
            "kind": "category",
            "phrase": "返品・返金",
            "category": "inquiry.return",
            "count": 1,
            "case_ids": [7],
        },
        {"kind": "phrase", "phrase": "order has not arrived", "count": 3, "case_ids": [6, 2, 1]},
        {"kind": "phrase", "phrase": "まだ届きません", "count": 3, "case_ids": [7, 3, 4]},
    ]


def test_weekly_series(cli, shop):
    report = _report(cli, "--by", "week")
    first, second = report["series"]
    assert _pick(first, "period", "from", "until") == ["2026-W47", "2026-11-16", "2026-11-22"]
    assert _pick(second, "period", "from", "until") == ["2026-W48", "2026-11-23", "2026-11-27"]
    # W47: received 3, 4, 5, 6; replies of 3 and 4 (both late); 3 resolved (and reopened)
    assert first["cases_received"] == 4
    assert first["first_reply"]["median_hours"] == 26.0
    assert first["first_reply"]["median_business_hours"] == 9.5
    assert _pick(first, "within_sla_share", "reopen_rate", "escalation_rate") == [0.0, 1.0, 0.5]
    # open on Monday 11-23 00:00: 1, 2, 4, 5 and 6 (3 was resolved again on the 19th)
    assert first["backlog"] == 5
    assert _pick(first, "remedies_yen", "approvals", "satisfaction_checks") == [3000, 0, 0]
    # W48: received 7; replies of 6 and 5 (on time); 6 and 5 resolved; 5 checked
    assert second["cases_received"] == 1
    assert second["first_reply"]["p90_business_hours"] == 2.0
    assert second["resolution"]["median_hours"] == 96.0  # (74 + 118) / 2
    assert _pick(second, "within_sla_share", "escalation_rate", "backlog") == [1.0, 1.0, 4]
    assert _pick(second, "remedies_yen", "approvals", "satisfaction_share") == [6000, 1, 0.5]
    # the whole period's figures are the same as without --by
    whole = {k: v for k, v in report.items() if k not in ("series", "by")}
    assert whole == {k: v for k, v in _report(cli).items() if k not in ("series", "by")}


def test_the_default_period_is_the_last_four_weeks(cli, shop):
    report = cli.json("report")
    assert (report["from"], report["until"]) == ("2026-11-01", "2026-11-28")
    assert report["series"] == [] and report["by"] is None


def test_monthly_series_cut_to_the_period(cli, shop):
    report = cli.json("report", "--from", "2026-10-20", "--until", "2026-11-27", "--by", "month")
    assert [(p["period"], p["from"], p["until"]) for p in report["series"]] == [
        ("2026-10", "2026-10-20", "2026-10-31"),
        ("2026-11", "2026-11-01", "2026-11-27"),
    ]
    assert [p["cases_received"] for p in report["series"]] == [0, 7]


@pytest.mark.parametrize(
    "args, says",
    [
        (("--from", "2026-11-30", "--until", "2026-11-24"), "--from 2026-11-30 is after --until"),
        (("--by", "day"), "unknown --by 'day'"),
        (("--from", "someday"), "cannot read 'someday'"),
        (("--format", "table", "--out", "report.txt"), "a table is drawn for a terminal"),
    ],
)
def test_errors_are_one_line(cli, args, says):
    assert says in cli.fails("report", *args)


@pytest.mark.sqlite_only
def test_out_refuses_the_shops_own_files_and_folders(cli, home, tmp_path):
    stderr = cli.fails("report", "--out", str(home / "shopcare.db"))
    assert "is the shop's own shopcare.db" in stderr
    assert "not a regular file" in cli.fails("report", "--out", str(tmp_path))


def test_tsv_has_one_row_a_figure(cli, shop):
    out = cli("report", *PERIOD, "--by", "week", "--format", "tsv").stdout.splitlines()
    assert out[0] == "period\tfigure\tkey\tvalue\tcase_ids"
    assert "\tbacklog\t\t4\t" in out
    assert "2026-W47\tbacklog\t\t5\t" in out
    assert "\tfaq_phrase\tまだ届きません\t3\t7,3,4" in out


def test_a_table_with_trends(cli, shop):
    out = cli("report", *PERIOD, "--by", "week", "--format", "table").stdout
    assert "First reply" in out and "2026-W47" in out and "まだ届きません" in out
    assert any(ch in out for ch in "▁▂▃▄▅▆▇█")


def _phrases(*texts_of_cases: str) -> list[tuple[str, int]]:
    from shopcare.reports import faq

    messages = [(case_id, text) for case_id, text in enumerate(texts_of_cases, start=1)]
    return [(p["phrase"], p["count"]) for p in faq.phrases(faq.read_messages(messages))]


def test_a_phrase_stands_for_a_shorter_one_in_nearly_all_its_cases():
    """「交換をお願いできますか」 in 9 of the 10 cases that ask 「お願いできますか」: the longer says
    what they ask; in 5 of 10, both are listed apart (neither inside a listed one? no: the
    shorter is listed, and the longer, being around it, is left out)."""
    nine = ["交換をお願いできますか。"] * 9 + ["返品をお願いできますか。"]
    assert _phrases(*nine) == [("交換をお願いできますか", 9)]
    five = ["交換をお願いできますか。"] * 5 + ["返品をお願いできますか。"] * 5
    assert _phrases(*five) == [("お願いできますか", 10)]


def test_a_phrase_does_not_begin_with_a_particle_nor_say_nothing():
    texts = ["箱が割れていました。", "皿が割れていました。", "カップが割れていました。"]
    assert _phrases(*texts) == [("割れていました", 3)]
    assert _phrases("しています。", "しています。", "しています。") == []


def test_greetings_and_closings_are_no_phrase():
    texts = ["お世話になっております。よろしくお願いいたします"] * 3
    texts += ["Thank you. Best regards"] * 3
    assert _phrases(*texts) == []


# --- the HTML page ------------------------------------------------------------------------


class _Page(HTMLParser):
    """The tags, attributes and text of a page, as the standard library reads it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.title = ""
        self.head_titles = 0  # (an SVG shape's <title> is its tooltip)
        self._in: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "title" and self._in[-1:] == ["head"]:
            self.head_titles += 1
        self.tags.append(tag)
        self.attributes += attrs
        if tag not in ("meta", "link", "br", "hr", "img", "input", "col", "wbr"):  # no end tag
            self._in.append(tag)

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        self.text.append(data)
        if self._in[-2:] == ["head", "title"]:
            self.title += data


def _shown_numbers(report: dict) -> list[str]:
    """Every figure of the json, as the page writes it: counts and yen with thousands commas,
    hours as json writes them, shares as percentages."""
    hours = lambda v: str(v)  # noqa: E731
    count = lambda v: f"{v:,}"  # noqa: E731
    share = lambda v: f"{v * 100:.1f}%"  # noqa: E731
    shown = []
    for entry in [report, *report["series"]]:
        for name in ("first_reply", "resolution"):
            for key, value in entry[name].items():
                if value is not None:
                    shown.append(count(value) if key == "count" else hours(value))
        for key in ("within_sla_share", "reopen_rate", "escalation_rate", "satisfaction_share"):
            if entry[key] is not None:
                shown.append(share(entry[key]))
        counted = ("cases_received", "backlog", "remedies_yen", "approvals", "satisfaction_checks")
        shown += [count(entry[key]) for key in counted]
    for key in ("within_sla", "reopened", "escalated", "with_target", "remedies_count"):
        shown.append(count(report[key]))
    shown += [count(c["count"]) for c in report["by_category"] + report["by_mall"]]
    shown += [count(r["yen"]) for r in report["remedies"]]
    shown += [count(f["count"]) for f in report["faq"]]
    return shown


def test_the_html_page_is_whole_and_self_contained(cli, shop, tmp_path, monkeypatch):
    _at(monkeypatch, "2026-11-27T12:00")
    cli("init", "--name", "<script>alert('見本')</script>雑貨店")
    monkeypatch.setenv("SHOPCARE_NOW", REPORT_NOW)
    out = tmp_path / "report.html"
    result = cli("report", *PERIOD, "--by", "week", "--out", str(out))
    assert "report written to" in result.stderr and result.stdout == ""
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    page_text = out.read_text(encoding="utf-8")
    page = _Page()
    page.feed(page_text)
    page.close()
    assert page.tags.count("html") == 1 and page.tags.count("head") == 1
    assert page.tags.count("body") == 1 and page.head_titles == 1
    assert page.tags.index("head") < page.tags.index("title") < page.tags.index("body")
    assert "report 2026-11-16 – 2026-11-27" in page.title
    # two bar charts (by category group, by mall), and one a trend: cases received, the two
    # median business hours, within SLA, escalation, reopen rate, backlog, remedies' yen
    assert page.tags.count("svg") == 10
    assert page.tags.count("rect") >= 8
    # nothing to fetch, nothing to run
    lowered = page_text.lower()
    assert "http://" not in lowered and "https://" not in lowered and "src=" not in lowered
    assert "script" not in page.tags and "link" not in page.tags and "url(" not in lowered
    assert all(not name.startswith("on") for name, _ in page.attributes)
    # the shop's name is text, not markup
    assert "<script>" not in page_text and "&lt;script&gt;alert(" in page_text
    # every figure of the json is on the page
    report = _report(cli, "--by", "week")
    text = " ".join(page.text)
    missing = [number for number in _shown_numbers(report) if number not in text]
    assert missing == []
    for words in ("まだ届きません", "order has not arrived", "商品の未着", "2026-W47", "2026-W48"):
        assert words in text


def test_html_to_stdout(cli, shop):
    out = cli("report", *PERIOD, "--format", "html").stdout
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")


def test_a_report_of_an_empty_shop(cli):
    report = cli.json("report")
    assert report["cases_received"] == 0 and report["first_reply"]["median_hours"] is None
    assert report["within_sla_share"] is None and report["faq"] == []
    assert json.loads(json.dumps(report)) == report
    assert "<svg" in cli("report", "--by", "week", "--format", "html").stdout


def test_a_reply_owed_marked_done_is_the_first_reply(cli, monkeypatch):
    """Answered by phone: followups done r1 stops the reply clock, and is the first reply."""
    _at(monkeypatch, "2026-11-24T10:00")
    cli("case", "add", "--summary", "電話で問い合わせ", "--received-at", "2026-11-24T10:00")
    _at(monkeypatch, "2026-11-24T13:30")
    cli("followups", "done", "r1", "--note", "電話で回答済み")
    _at(monkeypatch, "2026-11-24T16:00")
    first = cli.json("report")["first_reply"]
    assert (first["count"], first["median_hours"], first["median_business_hours"]) == (1, 3.5, 3.5)
