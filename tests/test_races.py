"""Reads that lead to a write happen in the write's transaction: commands racing on one case
each act on what the others wrote, never on what they read before it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import shop_sql


def _together(home, *args: str, count: int = 4) -> list[tuple[int, str]]:
    env = os.environ | {"SHOPCARE_HOME": str(home)}
    command = [sys.executable, "-m", "shopcare", *args]
    runs = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(count)
    ]
    return [(run.wait(timeout=60), run.communicate()[1]) for run in runs]


@pytest.mark.parametrize("round_", range(3))
def test_four_status_changes_at_once_make_one_transition(cli, home, round_):
    case_id = cli(
        "case", "add", "--summary", "割れていた", "--email", "a@example.jp"
    ).stdout.strip()
    results = _together(home, "case", "status", case_id, "waiting")
    assert sorted(code for code, _ in results) == [0, 1, 1, 1], results
    for code, stderr in results:
        assert "Traceback" not in stderr
        if code:
            assert "is already waiting" in stderr
    events = cli.json("case", "show", case_id)["events"]
    assert [e["kind"] for e in events].count("status") == 1


def test_four_reopenings_at_once_count_the_wait_once(cli, home, monkeypatch):
    case_id = cli(
        "case", "add", "--summary", "割れていた", "--email", "a@example.jp"
    ).stdout.strip()
    cli("case", "status", case_id, "waiting")
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-25T08:00:00+09:00")  # a day later
    results = _together(home, "case", "status", case_id, "open")
    assert sorted(code for code, _ in results) == [0, 1, 1, 1], results
    [(paused,)] = shop_sql(home, "SELECT paused_seconds FROM cases WHERE id = ?", [case_id])
    assert paused == 24 * 3600


@pytest.mark.parametrize("args", [("case", "close", "{id}"), ("case", "assign", "{id}", "sato")])
def test_other_writes_at_once_happen_once(cli, home, args):
    case_id = cli(
        "case", "add", "--summary", "割れていた", "--email", "a@example.jp"
    ).stdout.strip()
    results = _together(home, *(arg.format(id=case_id) for arg in args))
    assert sorted(code for code, _ in results) == [0, 1, 1, 1], results
    kinds = [e["kind"] for e in cli.json("case", "show", case_id)["events"]]
    assert kinds.count("closed") + kinds.count("assignment") == 1


def paused_race(monkeypatch, home, owner, read_name: str, write) -> dict[str, str]:
    """Two connections write at once; the first pauses right after owner.read_name (its read
    of what the write depends on). What each got: "done", or the message it was refused with.
    With the read inside the write's transaction, the second waits, then sees the first's."""
    import threading

    from shopcare.errors import ShopcareError
    from shopcare.store import open_store

    read = getattr(owner, read_name)
    first_has_read = threading.Event()

    def slow_read(*args):
        found = read(*args)
        if threading.current_thread().name == "first":
            first_has_read.set()
            threading.Event().wait(0.5)  # the other writer gets every chance to read now
        return found

    monkeypatch.setattr(owner, read_name, slow_read)
    outcomes: dict[str, str] = {}

    def run(name: str) -> None:
        if name == "second":
            first_has_read.wait(5)
        with open_store(home) as store:
            try:
                write(store)
                outcomes[name] = "done"
            except ShopcareError as exc:
                outcomes[name] = exc.message

    threads = [threading.Thread(target=run, args=(n,), name=n) for n in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return outcomes


def test_a_status_change_reads_the_case_under_the_write_lock(home, monkeypatch):
    """Two connections change one case at once: the second must see the first's change, not
    act on the same stale row."""
    from datetime import UTC, datetime

    from shopcare.domain import cases
    from shopcare.domain.categories import Categories
    from shopcare.store import open_store

    actor = cases.Actor("tester", datetime(2026, 11, 23, 23, 0, tzinfo=UTC))
    with open_store(home) as store:
        case_id = cases.add_case(store, actor, cases.NewCase(summary="割れていた"), Categories()).id
    outcomes = paused_race(
        monkeypatch,
        home,
        cases,
        "get_case_row",
        lambda store: cases.set_status(store, actor, case_id, "waiting"),
    )
    assert outcomes == {"first": "done", "second": f"case {case_id} is already waiting"}
    with open_store(home) as store:
        statuses = store.conn.execute(
            "SELECT count(*) AS n FROM events WHERE case_id = ? AND kind = 'status'", [case_id]
        ).fetchone()["n"]
    assert statuses == 1


def test_two_refunds_at_once_cannot_add_up_past_what_was_paid(home, monkeypatch, tmp_path):
    """Two operators record a 5,000 yen refund on a 9,460 yen order at the same moment: the
    second must see the first's refund and be refused, not add its own on top of a total read
    before the first wrote."""
    from datetime import UTC, datetime

    from exports import SHOPIFY_2026, shopify_rows, write_export

    from shopcare.domain import cases, remedies
    from shopcare.domain.categories import Categories
    from shopcare.orders.importer import import_orders
    from shopcare.settings.derived import policy_view
    from shopcare.store import open_store

    actor = cases.Actor("tester", datetime(2026, 11, 23, 23, 0, tzinfo=UTC))
    export = write_export(tmp_path / "s.csv", SHOPIFY_2026, shopify_rows())
    with open_store(home) as store:
        import_orders(store, export, now=actor.now)
        case_id = cases.add_case(
            store, actor, cases.NewCase(summary="割れていた", order_number="#1001"), Categories()
        ).id
    policy = policy_view(home, actor.now.date())
    outcomes = paused_race(
        monkeypatch,
        home,
        remedies,
        "_earlier_remedies",
        lambda store: remedies.record_remedy(
            store, actor, case_id, "partial_refund", policy, "5000", approved_by="owner"
        ),
    )
    assert outcomes["first"] == "done"
    assert "with the 5,000 yen already recorded on this case" in outcomes["second"]
