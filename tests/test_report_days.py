"""The report's per-day summaries (reports/days.py, m011): a report that reads them equals one
that sums every case up afresh, after any change any writer makes, and they are worked out
again when the SLA or the calendar changes. The shop is test_report.py's seven cases."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
import test_report
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_report import PERIOD, REPORT_NOW, _at

from shopcare.store.sqlite import SqliteStore
from shopcare.store.sqlite.migrations import REPORT_DAY_COLUMNS

pytestmark = pytest.mark.sqlite_only  # PostgreSQL keeps no summaries: every report is fresh

shop = test_report.shop  # the fixture: the seven cases
SERIES = (("--by", "week"), ("--by", "month"), ())


def _fresh(cli, monkeypatch, *extra: str) -> dict:
    """The report with every case summed up now, none of the stored days read."""
    with monkeypatch.context() as patched:
        patched.setattr(SqliteStore, "keeps_report_days", False)
        return cli.json("report", *PERIOD, *extra)


def _fresh_of(cli, monkeypatch, *args: str) -> dict:
    with monkeypatch.context() as patched:
        patched.setattr(SqliteStore, "keeps_report_days", False)
        return cli.json("report", *args)


def _same(cli, monkeypatch) -> None:
    for extra in SERIES:
        assert cli.json("report", *PERIOD, *extra) == _fresh(cli, monkeypatch, *extra), extra


def _stored_days(home) -> int:
    conn = sqlite3.connect(home / "shopcare.db")
    try:
        return conn.execute("SELECT count(*) FROM report_days").fetchone()[0]
    finally:
        conn.close()


def test_a_report_stores_its_days_and_the_next_reads_them_alone(cli, shop, monkeypatch):
    first = cli.json("report", *PERIOD, "--by", "week")
    # 11-16 to 11-25, the empty days too; after 11-25 15:00 no case has a time
    assert _stored_days(shop) == 10
    # no case is read again
    with monkeypatch.context() as patched:

        def refused(*args):
            raise AssertionError("the cases were read again")

        patched.setattr(SqliteStore, "report_cases_in", refused)
        assert cli.json("report", *PERIOD, "--by", "week") == first
        assert cli.json("report", "--from", "2026-11-18", "--until", "2026-11-20")["from"]
    assert first == _fresh(cli, monkeypatch, "--by", "week")


def test_a_longer_period_sums_up_only_the_days_it_lacks(cli, shop, monkeypatch):
    cli.json("report", "--from", "2026-11-18", "--until", "2026-11-20")
    assert _stored_days(shop) == 3
    _same(cli, monkeypatch)
    assert _stored_days(shop) == 10
    # all of the shop's days, whatever the period: from the first case's 11-10 to 11-25
    assert (
        cli.json("report", "--from", "1900-01-01", "--until", "2999-12-31")["cases_received"] == 7
    )
    assert _stored_days(shop) == 16


@pytest.mark.parametrize(
    "change",
    [
        ("case", "edit", "3", "--category", "inquiry.return"),
        ("case", "edit", "6", "--priority", "high"),
        ("case", "edit", "5", "--mall", "amazon"),
        ("case", "message", "5", "まだ返事をいただけていません"),  # the customer opens it again
        ("case", "status", "1", "resolved"),  # resolved again: its first resolution stays
        ("case", "status", "3", "open"),
        ("case", "close", "3"),
        ("case", "status", "4", "resolved"),  # an unsettled case settles
        ("case", "status", "6", "waiting"),
        ("reply", "4", "status_update", "--mark-sent"),
        ("remedy", "6", "refund", "--amount", "500"),
    ],
    ids=lambda change: " ".join(change[:3]),
)
def test_every_writer_leaves_the_stored_days_right(cli, shop, monkeypatch, change):
    _same(cli, monkeypatch)
    _at(monkeypatch, "2026-11-26T10:00")  # in the period: days already summed up change
    cli(*change)
    monkeypatch.setenv("SHOPCARE_NOW", REPORT_NOW)
    _same(cli, monkeypatch)


def test_a_purge_leaves_the_stored_days_right(cli, shop, monkeypatch):
    _same(cli, monkeypatch)
    monkeypatch.setenv("SHOPCARE_NOW", "2027-01-10T09:00:00+09:00")
    cli("purge", "--before", "2027-01-01")
    monkeypatch.setenv("SHOPCARE_NOW", REPORT_NOW)
    _same(cli, monkeypatch)


def test_a_changed_calendar_or_sla_works_every_day_out_again(cli, shop, monkeypatch):
    before = cli.json("report", *PERIOD)
    config = shop / "config.toml"
    text = config.read_text(encoding="utf-8")
    assert 'open = "10:00"' in text
    config.write_text(text.replace('open = "10:00"', 'open = "09:00"'), encoding="utf-8")
    after = cli.json("report", *PERIOD)
    assert after != before  # an hour more each business day
    assert after == _fresh(cli, monkeypatch)
    policies = shop / "policies"
    policies.mkdir(exist_ok=True)
    (policies / "sla.toml").write_text('[sla]\nreply_within = "1bh"\n', encoding="utf-8")
    assert cli.json("report", *PERIOD)["within_sla"] != after["within_sla"]
    _same(cli, monkeypatch)


def test_a_holiday_imported_later_works_the_days_out_again(cli, shop, monkeypatch, tmp_path):
    before = cli.json("report", *PERIOD)
    # the Cabinet Office's list for 2026 becomes the truth for that year: 11-17 a holiday
    made_up = tmp_path / "syukujitsu.csv"
    made_up.write_bytes(
        "国民の祝日・休日月日,国民の祝日・休日名称\r\n2026/11/17,試験用の休日\r\n".encode("cp932")
    )
    cli("calendar", "import-holidays", str(made_up))
    after = cli.json("report", *PERIOD)
    assert after["first_reply"] != before["first_reply"]
    assert after == _fresh(cli, monkeypatch)


def test_a_read_only_database_sums_up_and_writes_nothing(cli, shop, monkeypatch):
    import shopcare.store.sqlite.connect

    expected = _fresh(cli, monkeypatch)
    database = (shop / "shopcare.db").read_bytes()
    monkeypatch.setattr(shopcare.store.sqlite.connect, "writable", lambda path: False)
    assert cli.json("report", *PERIOD) == expected
    assert (shop / "shopcare.db").read_bytes() == database
    assert _stored_days(shop) == 0


def test_a_report_while_another_command_writes_works_the_days_out_and_stores_none(
    cli, shop, monkeypatch
):
    expected = _fresh(cli, monkeypatch)
    writer = sqlite3.connect(shop / "shopcare.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another command's write, held throughout
    try:
        assert cli.json("report", *PERIOD) == expected
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert _stored_days(shop) == 0
    assert cli.json("report", *PERIOD) == expected  # the lock free again: stored
    assert _stored_days(shop) == 10


def test_working_the_days_out_lets_other_writers_in_between_weeks(cli, shop, monkeypatch):
    """A report stores the days it works out a week at a time, each week in a write of its
    own: another command's write waits for one week's cases at most, and gets in between."""
    from contextlib import contextmanager

    from shopcare.reports.figures import STORE_DAYS

    writes: list[int] = []
    write, save = SqliteStore.report_days_write, SqliteStore.save_report_days

    @contextmanager
    def watched(self):
        with write(self) as saving:
            yield saving
        other = sqlite3.connect(shop / "shopcare.db", timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # another command's write, between two weeks
            other.execute("ROLLBACK")
        finally:
            other.close()

    def counted(self, key, rows):
        writes.append(len(rows))
        save(self, key, rows)

    monkeypatch.setattr(SqliteStore, "report_days_write", watched)
    monkeypatch.setattr(SqliteStore, "save_report_days", counted)
    cli.json("report", *PERIOD)
    assert writes == [STORE_DAYS, 10 - STORE_DAYS]


def test_a_resolution_before_its_receipt_leaves_the_backlog_from_the_receipt(
    cli, home, monkeypatch
):
    """A case received (11-30) after the period but resolved within it (11-25) by a clock set
    back is not in the period's backlog, nor taken from it."""
    _at(monkeypatch, "2026-11-10T09:00")
    cli("init", "--name", "見本雑貨店", "--email", "support@mihon.example")
    _at(monkeypatch, "2026-11-30T10:00")
    cli("case", "add", "--summary", "s", "--category", "other", "--email", "a@example.jp",
        "--customer", "見本 太郎")  # fmt: skip
    _at(monkeypatch, "2026-11-25T10:00")  # the clock set back
    cli("case", "status", "1", "resolved")
    _at(monkeypatch, "2026-12-05T10:00")
    report = cli.json("report", *PERIOD, "--by", "week")
    assert report["cases_received"] == 0
    assert report["backlog"] == 0 and [week["backlog"] for week in report["series"]] == [0, 0]
    assert report == _fresh(cli, monkeypatch, "--by", "week")
    later = cli.json("report", "--from", "2026-11-16", "--until", "2026-12-04")
    assert later["backlog"] == 0  # received and resolved by then
    # a period that begins after the resolution and before the receipt: nothing open before it
    assert cli.json("report", "--from", "2026-11-26", "--until", "2026-11-29")["backlog"] == 0


def test_a_change_late_in_a_26_hour_day_drops_that_days_summary(cli, home, monkeypatch):
    """Antarctica/Troll goes from +02 to +00 on 2026-10-25: that local day is 26 hours long; a
    case received in its last hour changes, and the day is worked out again."""
    monkeypatch.setenv("SHOPCARE_NOW", "2026-10-20T09:00:00+00:00")
    cli("init", "--name", "見本雑貨店", "--email", "support@mihon.example")
    config = home / "config.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("Asia/Tokyo", "Antarctica/Troll"), encoding="utf-8")
    monkeypatch.setenv("SHOPCARE_NOW", "2026-10-25T23:30:00+00:00")  # 25.5 h into the day
    cli("case", "add", "--summary", "s", "--category", "other", "--email", "a@example.jp",
        "--customer", "見本 太郎")  # fmt: skip
    monkeypatch.setenv("SHOPCARE_NOW", "2026-10-28T09:00:00+00:00")
    period = ("--from", "2026-10-20", "--until", "2026-10-27")
    cli.json("report", *period)  # the day's summary stored
    cli("case", "edit", "1", "--category", "inquiry.product")
    assert cli.json("report", *period) == _fresh_of(cli, monkeypatch, *period)


def _zone_files(tmp_path, **zones: str):
    """A folder of zone files where each zone named has another's rules (a tzdata update)."""
    import zoneinfo
    from pathlib import Path

    folder = tmp_path / "zoneinfo"
    for name, rules_of in zones.items():
        source = next(
            (
                Path(root) / rules_of
                for root in zoneinfo.TZPATH
                if (Path(root) / rules_of).is_file()
            ),
            None,
        )
        if source is None:
            pytest.skip("no zone files on this system")
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, folder / name)
    return folder


def test_updated_zone_rules_work_the_days_out_again(cli, shop, monkeypatch, tmp_path):
    """The key holds the zone file's digest: after a tzdata update that moves Europe/Berlin's
    offset, every day is worked out again (and no old day is read beside the new ones)."""
    import zoneinfo

    config = shop / "config.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("Asia/Tokyo", "Europe/Berlin"), encoding="utf-8")
    from shopcare.reports.days import _zone_rules

    assert cli.json("report", *PERIOD)["cases_received"] == 5  # stored under Berlin's rules
    rules = _zone_rules(zoneinfo.ZoneInfo("Europe/Berlin"))
    folder = _zone_files(tmp_path, **{"Europe/Berlin": "Asia/Shanghai"})
    zoneinfo.reset_tzpath([str(folder)])
    zoneinfo.ZoneInfo.clear_cache()
    try:
        assert _zone_rules(zoneinfo.ZoneInfo("Europe/Berlin")) != rules
        assert cli.json("report", *PERIOD) == _fresh(cli, monkeypatch)
    finally:
        zoneinfo.reset_tzpath()
        zoneinfo.ZoneInfo.clear_cache()


def test_rows_of_other_days_are_never_read(cli, shop, monkeypatch):
    """Rows whose day begins or ends elsewhere (a zone's rules changed under a key that did
    not) are not read as the period's days."""
    import zoneinfo

    import shopcare.clock

    config = shop / "config.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("Asia/Tokyo", "Europe/Berlin"), encoding="utf-8")
    monkeypatch.setattr("shopcare.reports.days._zone_rules", lambda tz: "Europe/Berlin")
    before = cli.json("report", *PERIOD)
    assert before["cases_received"] == 5
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    monkeypatch.setitem(shopcare.clock._FIXED_ZONES, "Europe/Berlin", shanghai)
    assert cli.json("report", *PERIOD) == _fresh(cli, monkeypatch)


# any change to any column the figures read, on any case, settled or not: the stored days
# then give what a fresh sum gives
_TIMES = [f"2026-11-{day:02d}T{hour:02d}:00:00Z" for day in range(9, 29) for hour in (0, 3, 9, 15)]
_VALUES = {
    "received_at": st.sampled_from(_TIMES),
    "first_reply_at": st.none() | st.sampled_from(_TIMES),
    "first_resolved_at": st.none() | st.sampled_from(_TIMES),
    "mall": st.none() | st.sampled_from(["rakuten", "amazon", "yahoo"]),
    "priority": st.sampled_from(["high", "normal", "low"]),
    "category": st.sampled_from(["inquiry.product", "inquiry.return", "other", "quality.damaged"]),
    "status": st.sampled_from(["new", "open", "waiting", "resolved", "closed"]),
    "paused_since": st.none() | st.sampled_from(_TIMES),
    "paused_seconds": st.integers(0, 4 * 86400),
    "customer_reopened": st.integers(0, 2),
}
_CHANGE = st.tuples(st.integers(1, 7), st.sampled_from(sorted(_VALUES))).flatmap(
    lambda pick: st.tuples(st.just(pick[0]), st.just(pick[1]), _VALUES[pick[1]])
)


def test_the_figures_read_exactly_the_columns_the_triggers_watch():
    from shopcare.store.sqlite.report import _CASE

    assert set(REPORT_DAY_COLUMNS) == {"id", *_VALUES}
    for column in REPORT_DAY_COLUMNS:
        assert column in _CASE


@pytest.fixture
def summed_shop(cli, shop, monkeypatch, tmp_path):
    cli.json("report", *PERIOD)
    saved = tmp_path / "saved.db"
    shutil.copy(shop / "shopcare.db", saved)
    return shop, saved


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(changes=st.lists(_CHANGE, min_size=1, max_size=4))
def test_any_change_to_the_cases_leaves_the_stored_days_right(
    cli, summed_shop, monkeypatch, changes
):
    shop, saved = summed_shop
    shutil.copy(saved, shop / "shopcare.db")
    conn = sqlite3.connect(shop / "shopcare.db")
    with conn:
        for case_id, column, value in changes:
            conn.execute(f"UPDATE cases SET {column} = ? WHERE id = ?", [value, case_id])
    conn.close()
    _same(cli, monkeypatch)
