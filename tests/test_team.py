"""A team on one PostgreSQL shop (TEAM.md): four operators writing at once (cases, messages,
notes, replies marked sent) and a cron reader listing follow-ups, for a bounded time, each a
real `shopcare` process (the load is tests/team_load.py's). Every write that exited 0 is in the
database afterwards; no command shows an error. (SQLite takes the same load in
tests/test_stress.py, and for 60 s in bench/stress.py.)"""

from __future__ import annotations

import os

from team_load import operators_and_reader

SECONDS = 4.0  # bench/stress.py runs the 60 s version, on the SQLite file


def test_four_operators_and_a_cron_reader_lose_nothing(cli, monkeypatch, pg_url):
    monkeypatch.setenv("SHOPCARE_DATABASE", pg_url)
    cli("init", "--name", "はなまる雑貨店", "--email", "support@hanamaru.example")
    base = dict(os.environ, SHOPCARE_DATABASE=pg_url)
    results = operators_and_reader(base, SECONDS)

    failed = [(who, what, r.stderr) for who, what, r in results if r.returncode != 0]
    assert failed == []  # no error shown, no write refused
    assert not [r for _, _, r in results if "Traceback" in r.stderr + r.stdout]
    cases = {c["summary"]: c for c in cli.json("case", "list", "--status", "all")}
    added = [what for _, what, _ in results if what[:2] == ("case", "add")]
    assert len(added) >= 8 and len(cases) == len(added)  # every case that exited 0, no other
    for who, what, _ in results:
        if what[:2] in (("case", "message"), ("case", "note")):
            case_id, text = what[2][2], what[2][3]
            events = cli.json("case", "show", case_id)["events"]
            assert text in [e["text"] for e in events], (who, what)
    for summary, case in cases.items():
        owner = summary.split(" ")[0]
        shown = cli.json("case", "show", str(case["id"]))
        assert shown["assignee"] == owner
        kinds = [e["kind"] for e in shown["events"]]
        assert kinds.count("reply_sent") == 1 and kinds.count("note") == 1, summary
