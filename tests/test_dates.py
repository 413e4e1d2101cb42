"""Dates in drafts: the estimate (目安) counts business days and lands on a day the shop works;
a --var date takes the command line's words, on the shop's calendar and the pinned clock.

The templates here are the test's own (HOME/templates), so that the filters are tested apart
from the wording of the built-in mails."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shopcare.domain.calendar import ShopCalendar
from shopcare.errors import ShopcareError
from shopcare.replies.filters import date_reader, make_estimate
from shopcare.settings.config import Config

TUESDAY = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)  # 2026-11-24 08:00 in Tokyo
YEAR_END = ("2026-12-29", "2026-12-30", "2026-12-31", "2027-01-02", "2027-01-03")


@pytest.fixture
def shop(cli, home):
    cli("init", "--name", "はなまる雑貨店", "--email", "support@hanamaru.example")
    return cli("case", "add", "--summary", "遅れ", "--email", "a@example.jp").stdout.strip()


def template(home, body: str, lang: str = "ja", name: str = "t") -> str:
    folder = home / "templates" / lang
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(f"Subject: 件名\n\n{body}\n", encoding="utf-8")
    return name


def body(cli, case_id: str, name: str, *variables: str, lang: str = "ja") -> str:
    args = [arg for pair in variables for arg in ("--var", pair)]
    return cli.json("reply", case_id, name, "--lang", lang, *args)["body"].strip()


def set_config(home, old: str, new: str) -> None:
    path = home / "config.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- the estimate ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "margin, eta, expected",
    [
        (2, "2026-11-26", date(2026, 11, 30)),  # Thursday + Friday, Monday
        (2, "2026-11-27", date(2026, 12, 1)),  # Friday: Monday, Tuesday (not Sunday the 29th)
        (2, "2026-11-20", date(2026, 11, 25)),  # over the weekend and 勤労感謝の日 (if not past)
        (0, "2026-11-27", date(2026, 11, 27)),  # a business day, no margin: itself
        (0, "2026-11-28", date(2026, 11, 30)),  # a Saturday: the next business day
        (0, "2026-11-23", date(2026, 11, 24)),  # a holiday
        (1, "2026-12-28", date(2027, 1, 4)),  # the shop's year-end closure and 元日
        (3, "2026-12-25", date(2027, 1, 5)),  # Monday 28th, Monday 4th, Tuesday 5th
    ],
)
def test_the_estimate_counts_business_days_and_lands_on_a_working_day(margin, eta, expected):
    calendar = ShopCalendar(Config(closed=tuple(date.fromisoformat(d) for d in YEAR_END)))
    now = datetime(2026, 11, 19, 0, 0, tzinfo=UTC)
    estimate_ja, estimate_en = make_estimate(margin, calendar, now)
    weekday = "月火水木金土日"[expected.weekday()]
    assert estimate_ja(eta) == f"{expected.year}年{expected.month}月{expected.day}日({weekday})ごろ"
    assert estimate_en(eta) == f"around {expected:%A}, {expected.day} {expected:%B %Y}"
    assert calendar.is_business_day(expected)


def test_the_estimate_says_meyasu_once(cli, home, shop):
    name = template(home, "お届けは{{ eta | estimate }}を予定しております。")
    text = body(cli, shop, name, "eta=2026-11-26")
    assert text == "お届けは2026年11月30日(月)ごろを予定しております。"
    assert "目安" not in text
    template(home, "We expect it {{ eta | en_estimate }}.", lang="en")
    assert body(cli, shop, name, "eta=2026-11-26", lang="en") == (
        "We expect it around Monday, 30 November 2026."
    )


def test_the_margin_comes_from_the_config_in_business_days(cli, home, shop):
    name = template(home, "{{ eta | estimate }}")
    set_config(home, "estimate_margin_days = 2", "estimate_margin_days = 5")
    # Friday 11-27, + 5 business days: 11-30, 12-01, 12-02, 12-03, 12-04
    assert body(cli, shop, name, "eta=2026-11-27") == "2026年12月4日(金)ごろ"


def test_the_estimate_skips_the_shops_own_closed_days(cli, home, shop, monkeypatch):
    name = template(home, "{{ eta | estimate }}")
    closed = "closed = [" + ", ".join(f'"{d}"' for d in YEAR_END) + "]"
    set_config(home, "closed = []", closed)
    set_config(home, "estimate_margin_days = 2", "estimate_margin_days = 0")
    assert body(cli, shop, name, "eta=2026-12-30") == "2027年1月4日(月)ごろ"


def test_the_estimate_uses_the_holidays_the_shop_imported(cli, home, shop, tmp_path):
    """reply gives the templates the shop's own calendar, with the holidays in its database."""
    name = template(home, "{{ eta | estimate }}")
    set_config(home, "estimate_margin_days = 2", "estimate_margin_days = 0")
    made_up = tmp_path / "syukujitsu.csv"
    made_up.write_bytes(
        "国民の祝日・休日月日,国民の祝日・休日名称\r\n2026/11/30,試験用の休日\r\n".encode("cp932")
    )
    cli("calendar", "import-holidays", str(made_up))
    assert body(cli, shop, name, "eta=2026-11-28") == "2026年12月1日(火)ごろ"


@pytest.mark.parametrize(
    "eta, day",
    [("2026-11-20", "2026-11-20"), ("yesterday", "2026-11-23"), ("2026-11-23T12:00", "2026-11-23")],
)
def test_an_eta_already_past_is_an_error_that_names_it(cli, home, shop, eta, day):
    name = template(home, "{{ eta | estimate }}")
    result = cli("reply", shop, name, "--var", f"eta={eta}", code=1)
    first, hint = result.stderr.splitlines()[:2]
    assert first == f"Error: eta {day} is already past: today is 2026-11-24"
    assert hint.startswith("hint: ") and "--var eta=" in hint
    assert result.stdout == ""


def test_an_eta_of_today_is_not_past(cli, home, shop):
    name = template(home, "{{ eta | estimate }}")
    assert body(cli, shop, name, "eta=today") == "2026年11月26日(木)ごろ"


def test_the_estimate_is_past_by_the_shops_date_not_utc():
    """08:00 in Tokyo on the 24th is still the 23rd in UTC: the 23rd is past all the same."""
    estimate_ja, _ = make_estimate(0, ShopCalendar(Config()), TUESDAY)
    with pytest.raises(ShopcareError, match="2026-11-23 is already past"):
        estimate_ja("2026-11-23")


# --- --var dates as the command line reads them -------------------------------------------


@pytest.mark.parametrize(
    "text, filter_, expected",
    [
        ("+2bd", "jdatetime", "2026年11月26日(木) 18:00"),  # closing time, 2nd business day
        ("+2bd", "jdate", "2026年11月26日(木)"),
        ("tomorrow", "jdate", "2026年11月25日(水)"),
        ("tomorrow", "jdatetime", "2026年11月25日(水)"),  # a day: no time of day
        ("today", "en_date", "Tuesday, 24 November 2026"),
        ("+3d", "en_date", "Friday, 27 November 2026"),
        ("+4h", "jdatetime", "2026年11月24日(火) 12:00"),
        ("+4h", "en_datetime", "Tuesday, 24 November 2026, 12:00"),
        ("+1bh", "jdatetime", "2026年11月24日(火) 11:00"),  # an hour after opening
        ("2026-11-28", "jdate", "2026年11月28日(土)"),
        ("2026-11-28T15:00", "jdatetime", "2026年11月28日(土) 15:00"),
        ("2026-11-28T06:30+00:00", "jdatetime", "2026年11月28日(土) 15:30"),  # the shop's zone
        ("+2bd", "estimate", "2026年11月30日(月)ごろ"),  # 11-26, then 2 business days on
        ("+2bd", "en_estimate", "around Monday, 30 November 2026"),
    ],
)
def test_var_dates_take_the_command_lines_words(cli, home, shop, text, filter_, expected):
    name = template(home, f"{{{{ when | {filter_} }}}}")
    assert body(cli, shop, name, f"when={text}") == expected


def test_var_dates_follow_the_pinned_clock(cli, home, shop, monkeypatch):
    name = template(home, "{{ when | jdate }}")
    monkeypatch.setenv("SHOPCARE_NOW", "2026-12-31T09:00:00+09:00")
    assert body(cli, shop, name, "when=+1bd") == "2027年1月4日(月)"  # over 元日 and a weekend


@pytest.mark.parametrize("filter_", ["jdate", "jdatetime", "en_date", "en_datetime", "estimate"])
def test_a_var_date_that_cannot_be_read_is_one_clear_error(cli, home, shop, filter_):
    name = template(home, f"{{{{ when | {filter_} }}}}")
    stderr = cli.fails("reply", shop, name, "--var", "when=来週くらい")
    assert stderr.splitlines()[0] == "Error: cannot read --var when='来週くらい' as a date or time"
    assert "+2bd" in stderr.splitlines()[1]


def test_the_reader_alone():
    read = date_reader(ShopCalendar(Config()), TUESDAY)
    assert read("tomorrow") == date(2026, 11, 25)
    assert read("+1bd").isoformat() == "2026-11-25T18:00:00+09:00"
    with pytest.raises(ShopcareError, match="cannot read 'soon' as a date or time"):
        read("soon")


def test_dates_from_the_case_are_not_reread(cli, home, shop):
    """Dates the case gives (a promise's due time) are dates already: shown as they are."""
    cli("case", "promise", shop, "--due", "2026-11-26T15:00", "連絡")
    name = template(home, "{{ promise.due_at | jdatetime }} / {{ today | jdate }}")
    assert body(cli, shop, name) == "2026年11月26日(木) 15:00 / 2026年11月24日(火)"
