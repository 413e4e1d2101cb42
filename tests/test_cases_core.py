"""The case log's core, used without the CLI: a connection, a clock and an author."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from conftest import shop_store

from shopcare.domain import cases
from shopcare.domain.categories import Categories
from shopcare.errors import NotFound, ShopcareError

NOW = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)
CATS = Categories()


@pytest.fixture
def store(home):
    with shop_store(home) as store:
        yield store


def dump(store) -> str:
    """Every row of every shop table: to prove a refused change wrote nothing."""
    from shopcare.store.tables import TABLES

    return "\n".join(
        f"{table} {row}"
        for table in TABLES
        for row in store.table_rows(table, sorted(store.table_columns(table)))
    )


def actor(minutes: int = 0) -> cases.Actor:
    return cases.Actor("tester", NOW + timedelta(minutes=minutes))


def add(store, **fields) -> int:
    fields.setdefault("summary", "商品が届かない")
    return cases.add_case(store, actor(), cases.NewCase(**fields), CATS).id


def test_priority_follows_the_category_unless_given(store):
    high = add(store, category="delivery.late")
    normal = add(store, category="inquiry.product")
    damaged = add(store, category="quality.damaged")
    low = add(store, category="delivery.late", priority="low")
    got = {r["id"]: r["priority"] for r in cases.list_cases(store, cases.CaseFilter(), CATS)}
    assert got == {high: "high", normal: "normal", damaged: "high", low: "low"}


def test_new_case_starts_its_timeline_at_the_received_time(store):
    received = NOW - timedelta(hours=3)
    case_id = add(
        store, received_at=received, customer_email="Hanako@Example.jp", customer_name="山田 花子"
    )
    row = cases.get_case_row(store, case_id)
    assert row["status"] == "new"
    assert row["customer_email"] == "hanako@example.jp"
    assert row["customer_name"] == "山田 花子"
    events = cases.events_of(store, case_id)
    assert [(e["kind"], e["at"], e["author"]) for e in events] == [
        ("created", "2026-11-23T20:00:00Z", "tester")
    ]


def test_same_email_is_the_same_customer(store):
    first = add(store, customer_email="taro@example.jp", customer_name="田中 太郎")
    second = add(store, customer_email="TARO@example.jp")
    a, b = cases.get_case_row(store, first), cases.get_case_row(store, second)
    assert a["customer_id"] == b["customer_id"]
    assert b["customer_name"] == "田中 太郎"


@pytest.mark.parametrize("status", ["resolved", "waiting"])
def test_a_customer_message_reopens_resolved_and_waiting_cases(store, status):
    case_id = add(store)
    cases.set_status(store, actor(1), case_id, status)
    written = cases.add_message(store, actor(2), case_id, "まだ?")
    assert cases.get_case_row(store, case_id)["status"] == "open"
    assert written.notices
    kinds = [e["kind"] for e in cases.events_of(store, case_id)]
    assert kinds == ["created", "status", "message", "status"]


def test_a_message_reopens_a_closed_case_and_clears_closed_at(store):
    case_id = add(store)
    cases.close_case(store, actor(1), case_id, "誤出荷", "ダブルチェック")
    assert cases.get_case_row(store, case_id)["closed_at"] == "2026-11-23T23:01:00Z"
    cases.add_message(store, actor(2), case_id, "また届いていません")
    row = cases.get_case_row(store, case_id)
    assert row["status"] == "open" and row["closed_at"] is None
    assert row["cause"] == "誤出荷"


def test_a_message_on_a_new_case_keeps_it_new(store):
    case_id = add(store)
    cases.add_message(store, actor(1), case_id, "まだ?")
    assert cases.get_case_row(store, case_id)["status"] == "new"


def test_status_rules(store):
    case_id = add(store)
    cases.set_status(store, actor(), case_id, "open")
    with pytest.raises(ShopcareError, match="cannot go back to new"):
        cases.set_status(store, actor(), case_id, "new")
    with pytest.raises(ShopcareError, match="already open"):
        cases.set_status(store, actor(), case_id, "open")
    with pytest.raises(ShopcareError, match="cause and prevention"):
        cases.set_status(store, actor(), case_id, "closed")
    with pytest.raises(ShopcareError, match="unknown status"):
        cases.set_status(store, actor(), case_id, "done")


def test_card_numbers_are_masked_everywhere_before_storage(store):
    written = cases.add_case(
        store,
        actor(),
        cases.NewCase(
            summary="カード 4111 1111 1111 1111 の請求", request="4111111111111111 を止めて"
        ),
        CATS,
    )
    assert written.masked == ["summary", "request"]
    note = cases.add_note(store, actor(), written.id, "番号は4111-1111-1111-1111")
    assert note.masked == ["note"]
    dumped = dump(store)
    assert "4111 1111 1111 1111" not in dumped
    assert "4111111111111111" not in dumped
    assert "4111-1111-1111-1111" not in dumped
    assert "4111 11** **** 1111" in dumped


@pytest.mark.sqlite_only
def test_the_timeline_is_append_only(store):
    case_id = add(store)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), store.conn:
        store.conn.execute("UPDATE events SET text = 'changed' WHERE case_id = ?", [case_id])
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), store.conn:
        store.conn.execute("DELETE FROM events WHERE case_id = ?", [case_id])


def test_promise_must_be_in_the_future(store):
    case_id = add(store)
    with pytest.raises(ShopcareError, match="passed"):
        cases.add_promise(store, actor(), case_id, NOW - timedelta(hours=1), "連絡します")
    cases.add_promise(store, actor(), case_id, NOW + timedelta(days=2), "連絡します")
    promise = cases.events_of(store, case_id)[-1]
    assert promise["kind"] == "promise" and promise["due_at"] == "2026-11-25T23:00:00Z"


def test_edit_records_old_and_new_values(store):
    case_id = add(store, category="other")
    cases.edit_case(
        store, actor(), case_id, {"category": "delivery.damaged", "fault": "carrier"}, CATS
    )
    row = cases.get_case_row(store, case_id)
    assert (row["category"], row["fault"]) == ("delivery.damaged", "carrier")
    edits = [e["data"] for e in cases.events_of(store, case_id) if e["kind"] == "edited"]
    assert {"field": "category", "from": "other", "to": "delivery.damaged"} in edits
    with pytest.raises(ShopcareError, match="already has"):
        cases.edit_case(store, actor(), case_id, {"fault": "carrier"}, CATS)


def test_list_filters(store):
    a = add(store, category="delivery.late", mall="rakuten", order_number="R-1")
    b = add(store, category="delivery.wrong_item", mall="amazon", customer_email="b@example.jp")
    c = add(store, category="inquiry.product")
    cases.close_case(store, actor(), c)

    def ids(**kw):
        return [r["id"] for r in cases.list_cases(store, cases.CaseFilter(**kw), CATS)]

    assert ids() == [a, b]
    assert ids(status="all") == [a, b, c]
    assert ids(status="closed") == [c]
    assert ids(category="delivery") == [a, b]
    assert ids(category="delivery.*") == [a, b]
    assert ids(category="delivery.late") == [a]
    assert ids(mall="amazon") == [b]
    assert ids(order_number="R-1") == [a]
    assert ids(email="B@example.jp") == [b]
    with pytest.raises(ShopcareError, match="unknown category"):
        ids(category="deliver")


def test_unknown_case_is_not_found(store):
    with pytest.raises(NotFound):
        cases.add_note(store, actor(), 42, "メモ")


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"summary": "  "}, "summary is empty"),
        ({"category": "delivery"}, "unknown category"),
        ({"channel": "fax"}, "unknown channel"),
        ({"mall": "mercari"}, "unknown mall"),
        ({"fault": "god"}, "unknown fault"),
        ({"priority": "urgent"}, "unknown priority"),
        ({"customer_email": "not-an-address"}, "not an e-mail address"),
        ({"received_at": NOW + timedelta(days=1)}, "future"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_written(store, fields, message):
    before = dump(store)
    fields.setdefault("summary", "届かない")
    with pytest.raises(ShopcareError, match=message):
        cases.add_case(store, actor(), cases.NewCase(**fields), CATS)
    assert dump(store) == before


def test_has_japanese_agrees_with_the_character_class_it_replaces():
    """has_japanese compares code points instead of compiling a class of 27,000 ideographs;
    on any text it must answer as the class would."""
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from shopcare.domain.customers import has_japanese

    japanese = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")

    @settings(max_examples=500, deadline=None)
    @given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0xFFFF), max_size=8))
    def agree(text):
        assert has_japanese(text) == bool(japanese.search(text))

    agree()
    for edge in ("\u303f", "\u3040", "\u30ff", "\u3100", "\u33ff", "\u3400", "\u9fff", "\ua000"):
        assert has_japanese(edge) == bool(japanese.search(edge)), hex(ord(edge))
