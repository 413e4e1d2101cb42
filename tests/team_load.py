"""A team at work on one shop (TEAM.md; SAFETY.md, "Reliability, measured"): four operators
writing at once (each loops `case add`, `case message`, `case note`, `reply ... --mark-sent`
and `case take` on the case it added) and a cron reader looping `followups`, for a bounded
time, every command a real `shopcare` process. Shared by tests/test_team.py (PostgreSQL, 4 s),
tests/test_stress.py (the SQLite file, a few seconds) and bench/stress.py (the SQLite file,
60 s).

`operators_and_reader` runs the load and returns what every command did; `judge` counts what a
user would have seen go wrong: an error shown (any exit but 0, any `Error:` line), "database is
locked" (or busy) shown, a traceback, and lost writes: a command that exited 0 whose write is
not in the database afterwards.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable

OPERATORS = ("sato", "tanaka", "ito", "kato")

# who, what it ran (("case", "add", summary) or (group, command, its whole argument tuple)),
# and how it ended
Result = tuple[str, tuple, subprocess.CompletedProcess]


def run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "shopcare", *args], env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip


def operators_and_reader(
    base: dict, seconds: float, operators: tuple[str, ...] = OPERATORS
) -> list[Result]:
    """Each operator (SHOPCARE_USER) adds a case, then writes the customer's message, a note
    and a reply marked sent on it and takes it, over and over; the reader lists follow-ups;
    all until seconds have passed (a command under way then is finished)."""
    results: list[Result] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

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

    threads = [threading.Thread(target=operator, args=(name,)) for name in operators]
    threads.append(threading.Thread(target=reader))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


LOCKED = ("database is locked", "is busy", "database is busy")


def judge(
    results: list[Result],
    cases: Callable[[], list[dict]],
    show: Callable[[str], dict],
    existing: Iterable[int] = (),
) -> dict:
    """What went wrong, counted (every figure must be 0) and named: cases() lists every case
    (`case list --status all` as json), show(id) is `case show ID` as json; existing: the ids
    of the cases the shop held before the load."""
    errors = [
        (who, what, r.returncode, r.stderr.strip()[-300:])
        for who, what, r in results
        if r.returncode != 0 or "Error:" in r.stderr
    ]
    locked = [e for e in errors if any(word in e[3] for word in LOCKED)]
    tracebacks = sum("Traceback" in r.stderr + r.stdout for _, _, r in results)
    before = set(existing)
    by_summary = {c["summary"]: c for c in cases() if c["id"] not in before}
    lost: list[str] = []
    added = {}  # case id -> its operator, of every case add that exited 0
    for who, what, r in results:
        if what[:2] == ("case", "add") and r.returncode == 0:
            case = by_summary.get(what[2])
            if case is None or str(case["id"]) != r.stdout.strip():
                lost.append(f"{who}: case add {what[2]!r} printed {r.stdout.strip()}")
            else:
                added[str(case["id"])] = who
    # a case no case add that exited 0 made: a failed command that wrote
    unasked = sorted(set(map(str, (c["id"] for c in by_summary.values()))) - set(added))
    shown: dict[str, dict] = {}

    def case(case_id: str) -> dict:
        if case_id not in shown:
            shown[case_id] = show(case_id)
        return shown[case_id]

    for who, what, r in results:
        if r.returncode != 0 or what[:2] == ("case", "add") or who == "cron":
            continue
        args = what[2]
        if what[:2] in (("case", "message"), ("case", "note")):
            case_id, text = args[2], args[3]
            if text not in [e["text"] for e in case(case_id)["events"]]:
                lost.append(f"{who}: {' '.join(args)}")
        elif what[0] == "reply":
            case_id = args[1]
            if [e["kind"] for e in case(case_id)["events"]].count("reply_sent") != 1:
                lost.append(f"{who}: {' '.join(args)}")
        elif what[:2] == ("case", "take"):
            case_id = args[2]
            if case(case_id)["assignee"] != who:
                lost.append(f"{who}: {' '.join(args)}")
    commands: dict[str, int] = {}
    for _, what, _ in results:
        name = " ".join(what[:2]) if what[0] != "reply" else "reply --mark-sent"
        commands[name] = commands.get(name, 0) + 1
    return {
        "commands": len(results),
        "by_command": commands,
        "errors_shown": len(errors),
        "locked_shown": len(locked),
        "tracebacks": tracebacks,
        "lost_writes": len(lost),
        "cases_no_command_made": len(unasked),
        "examples": [repr(e) for e in errors[:5]] + lost[:5] + unasked[:5],
    }


def cli_reader(env: dict) -> tuple[Callable[[], list[dict]], Callable[[str], dict]]:
    """cases() and show(id) for judge, through shopcare's own commands (in this process, with
    env as their environment), whichever database env names."""
    from typer.testing import CliRunner

    from shopcare.cli import app

    runner = CliRunner()

    def read(*args: str):
        result = runner.invoke(app, [*args, "--format", "json"], env=env)
        assert result.exit_code == 0, (args, result.output)
        return json.loads(result.stdout)

    return (lambda: read("case", "list", "--status", "all")), (lambda i: read("case", "show", i))
