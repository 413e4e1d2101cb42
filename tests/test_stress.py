"""SAFETY.md's reliability figures, short (bench/stress.py measures them at full size; the fuzz's
short version is tests/test_fuzz.py): kill -9 inside the write transaction of an `orders
import`, of a `mail in` of a large message delivered again afterwards, and inside a shell loop
of `case add`; four writers and a cron reader on one SQLite home. Every command a real
`shopcare` process; every figure 0. The harness is tests/killing.py and tests/team_load.py."""

from __future__ import annotations

import random

import pytest
from killing import INSIDE, ImportKills, LoopKills, MailKills, env_for, new_shop, query
from team_load import cli_reader, judge, operators_and_reader

# about the SQLite file: its integrity after a kill, its locks (tests/test_team.py puts the
# four writers on PostgreSQL)
pytestmark = pytest.mark.sqlite_only

KILLS = 3  # inside a write transaction, where one can be aimed at (four times as many tried)


def test_an_import_killed_inside_its_transaction_is_there_whole_or_not_at_all(tmp_path):
    kills = ImportKills(tmp_path, rows=2_000, references=2)
    tally = kills.run(KILLS, random.Random(1), while_writing=True)
    assert not +tally.counts, tally.record()  # every figure 0
    assert set(tally.counts) >= {"half-written orders", "imports neither whole nor absent"}
    assert tally.landed[INSIDE] >= 1, tally.record()  # it was killed mid-write


def test_a_large_mail_killed_mid_write_is_taken_whole_when_delivered_again(tmp_path):
    kills = MailKills(tmp_path, size=1_000_000, variants=2, references=2)
    tally = kills.run(KILLS, random.Random(2), while_writing=True)
    tally.counts.pop("temporary files left in attachments/")  # a leftover, not a lost mail
    assert not +tally.counts, tally.record()
    assert "messages not taken whole on redelivery" in tally.counts
    assert tally.landed[INSIDE] >= 1, tally.record()


def test_a_killed_loop_of_case_adds_leaves_whole_cases_and_every_printed_id(tmp_path):
    kills = LoopKills(tmp_path, adds=4)
    tally = kills.run(KILLS, random.Random(3), while_writing=True)
    written = tally.counts.pop("cases written")
    assert tally.landed["after the end"] < KILLS and 0 < written < KILLS * 4, tally.record()
    assert (
        "half-written cases" in tally.counts and "printed ids not in the database" in tally.counts
    )
    assert not +tally.counts, tally.record()


def test_four_writers_and_a_cron_reader_on_one_sqlite_home_see_no_lock_and_lose_nothing(tmp_path):
    home = new_shop(tmp_path / "shop")
    env = env_for(home)
    existing = [row[0] for row in query(home, "SELECT id FROM cases")]
    results = operators_and_reader(env, seconds=2.5)
    found = judge(results, *cli_reader(env), existing=existing)
    assert found["by_command"].get("case add", 0) >= 4, found  # each writer wrote
    assert found["by_command"].get("followups", 0) >= 1, found
    figures = ["errors_shown", "locked_shown", "tracebacks", "lost_writes", "cases_no_command_made"]
    assert {k: found[k] for k in figures} == dict.fromkeys(figures, 0), found["examples"]
