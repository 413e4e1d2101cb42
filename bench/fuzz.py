"""The command-line fuzz at scale: N invocations (default 10,000) from the generator that
tests/test_fuzz.py uses (tests/fuzzing.py), seeded, with a table of what went wrong.

    python bench/fuzz.py [-n 10000] [--seed 0] [--jobs 2] [--processes 300] [--show 3]

Each invocation runs in-process through typer's CliRunner (the way the test runs them), on a fresh
copy of the fuzz home (`shopcare demo` plus hostile cases and orders), under a 10 s deadline.
In-process because ten thousand real processes would take most of an hour on two cores, each
paying Python's and typer's start; the CliRunner runs the same code from the same entry
(the root command's main), with PYTHONIOENCODING played by its charset and argv bytes that are
not UTF-8 by the lone surrogates Python would decode them to. --processes K also runs K of the
invocations (spread over the N) as real `python -m shopcare` processes, with PYTHONIOENCODING set:
what only a real process shows (its own stdin and stdout encodings) is counted in a second column.

Exit 0 on bad input counts invocations whose input the generator knows to be bad (an id that is
no id, a choice that is none, an empty option value, a date out of reach, ...); other input may
be bad too, and is not counted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import fuzzing  # noqa: E402

LIMIT = 10.0  # seconds: an invocation still running then is a hang

_fixture: fuzzing.Fixture | None = None


def _judge(job: tuple[int, fuzzing.Invocation, bool]) -> dict:
    number, inv, process = job
    os.environ.pop("SHOPCARE_HOME", None)
    outcome = fuzzing.run(inv, _fixture, limit=LIMIT, process=process)
    return {
        "number": number,
        "process": process,
        "exit": outcome.exit_code,
        "seconds": outcome.seconds,
        "bad": bool(inv.bad),
        "problems": outcome.problems,
        "shown": fuzzing.describe(outcome) if outcome.problems else inv.shown(),
    }


def _start(fx: fuzzing.Fixture) -> None:
    global _fixture
    _fixture = fx


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=10_000, help="invocations (default 10,000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--processes", type=int, default=0, help="also run this many as real processes"
    )
    parser.add_argument("--show", type=int, default=3, help="examples shown of each problem")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="shopcare-fuzz-") as tmp:
        fx = fuzzing.make_fixture(Path(tmp))
        table = fuzzing.command_table()
        generate = fuzzing.seeded(options.seed)
        invocations = [generate(fx, table) for _ in range(options.n)]
        jobs = [(i, inv, False) for i, inv in enumerate(invocations)]
        if options.processes:
            step = max(1, options.n // options.processes)
            jobs += [(i, invocations[i], True) for i in range(0, options.n, step)][
                : options.processes
            ]
        start = time.perf_counter()
        with get_context("fork").Pool(options.jobs, initializer=_start, initargs=(fx,)) as pool:
            results = pool.map(_judge, jobs, chunksize=20)
        elapsed = time.perf_counter() - start
    _report(results, options, elapsed)


def _odd_exit(result: dict) -> bool:
    return any(
        p.startswith("exit ") and not p.startswith("exit 0 on bad") for p in result["problems"]
    )


def _report(results: list[dict], options, elapsed: float) -> None:
    columns = [("in-process (CliRunner)", [r for r in results if not r["process"]])]
    if options.processes:
        columns.append(("real processes", [r for r in results if r["process"]]))

    def count(rows: list[dict], prefix: str) -> int:
        return sum(any(p.startswith(prefix) for p in r["problems"]) for r in rows)

    lines = [
        (
            "invocations",
            lambda rows: (
                f"{len(rows):,}"
                + (
                    f" ({sum(r['exit'] is None and not r['problems'] for r in rows):,} not runnable:"
                    " an argument over 128 KiB)"
                    if any(r["exit"] is None and not r["problems"] for r in rows)
                    else ""
                )
            ),
        ),
        (
            "tracebacks",
            lambda rows: f"{count(rows, 'traceback'):,}",
        ),
        (f"hangs over {LIMIT:.0f} s", lambda rows: f"{count(rows, 'hang'):,}"),
        (
            "exit 0 on bad input",
            lambda rows: (
                f"{count(rows, 'exit 0 on bad'):,} of {sum(r['bad'] for r in rows):,} known bad"
            ),
        ),
        (
            "databases changed by a failed command",
            lambda rows: (
                f"{count(rows, 'a failed command changed'):,} of"
                f" {sum(r['exit'] not in (0, 3, None) for r in rows):,} failed"
            ),
        ),
        (
            "exit outside 0/1/2/3, or 1 without an Error: line",
            lambda rows: f"{sum(_odd_exit(r) for r in rows):,}",
        ),
        (
            "exit codes",
            lambda rows: ", ".join(
                f"{code}: {n:,}"
                for code, n in sorted(Counter(r["exit"] for r in rows).items(), key=str)
            ),
        ),
        (
            "slowest invocation",
            lambda rows: f"{max(r['seconds'] for r in rows):.2f} s" if rows else "-",
        ),
    ]
    header = "| | " + " | ".join(name for name, _ in columns) + " |"
    print(f"shopcare fuzz: seed {options.seed}, {elapsed:.0f} s on {options.jobs} jobs\n")
    print(header)
    print("|" + "---|" * (len(columns) + 1))
    for label, value in lines:
        print(f"| {label} | " + " | ".join(value(rows) for _, rows in columns) + " |")
    problems: dict[str, list[dict]] = {}
    for r in results:
        for p in r["problems"]:
            problems.setdefault(p.split(" (")[0][:70], []).append(r)
    for kind, rows in sorted(problems.items(), key=lambda kv: -len(kv[1])):
        print(f"\n## {len(rows)} x {kind}")
        for r in rows[: options.show]:
            print(r["shown"][:2000] + "\n")
    slow = sorted(results, key=lambda r: -r["seconds"])[:3]
    print("\nslowest:")
    for r in slow:
        print(f"  {r['seconds']:.2f} s  {r['shown'][:160]}")


if __name__ == "__main__":
    main()
