"""A team on one PostgreSQL shop (TEAM.md): four operators writing at once (cases, messages,
notes, replies marked sent) and a cron reader listing follow-ups, for a bounded time, each a
real `shopcare` process. Every write that exited 0 is in the database afterwards; no command
shows an error. (SQLite takes the same four writers in tests/test_races.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

SECONDS = 4.0  # bench/ runs the 60 s version


def run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "shopcare", *args], env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip


def test_four_operators_and_a_cron_reader_lose_nothing(cli, monkeypatch, pg_url):
    monkeypatch.setenv("SHOPCARE_DATABASE", pg_url)
    cli("init", "--name", "はなまる雑貨店", "--email", "support@hanamaru.example")
    base = dict(os.environ, SHOPCARE_DATABASE=pg_url)
    results: list[tuple[str, tuple, subprocess.CompletedProcess]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS

    def operator(name: str) -> None:
        env = base | {"SHOPCARE_USER": name}
        n = 0
        while time.monotonic() < deadline:
            n += 1
            added = run(env, "case", "add", "--summary", f"{name} の件 {n}",
                        "--email", f"{name}.{n}@example.jp")  # fmt: skip
            steps = [("case", "add", f"{name} の件 {n}", added)]
            if added.returncode == 0:
                case_id = added.stdout.strip()
                for args in (
                    ("case", "message", case_id, f"{name} へのお客様の声 {n}"),
                    ("case", "note", case_id, f"{name} のメモ {n}"),
                    ("reply", case_id, "first_response", "--mark-sent"),
                    ("case", "take", case_id),
                ):
                    steps.append((*args[:2], args, run(env, *args)))
            with lock:
                results.extend((name, step[:-1], step[-1]) for step in steps)

    def reader() -> None:
        env = base | {"SHOPCARE_USER": "cron"}
        while time.monotonic() < deadline:
            listed = run(env, "followups", "--format", "tsv")
            with lock:
                results.append(("cron", ("followups",), listed))

    threads = [
        threading.Thread(target=operator, args=(n,)) for n in ("sato", "tanaka", "ito", "kato")
    ]
    threads.append(threading.Thread(target=reader))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

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
