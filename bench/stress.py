"""SAFETY.md's reliability figures ("Reliability, measured"), each a count that must be 0:

1. fuzzed command lines: bench/fuzz.py run as it is (tests/fuzzing.py's generator, seeded),
   its results read back: tracebacks, exits outside 0/1/2/3, databases changed by a failing
   command, hangs;
2. kill -9 at random moments (tests/killing.py): order imports of a sizeable Shopify export,
   `mail in` of large messages, shell loops of `case add`, each killed at a seeded moment
   between its start and the time an unkilled run takes: failed integrity checks, half-written
   orders or cases, databases left between two states, messages not taken whole when delivered
   again;
3. four writers and a cron reader on one SQLite home (tests/team_load.py, the load
   tests/test_team.py puts on PostgreSQL): "database is locked" or any error shown, lost writes.

    python bench/stress.py [--quick] [--seed 0] [--jobs 2] [--fuzz 10000] [--imports 100]
        [--import-rows 20000] [--mails 100] [--mail-mb 4] [--loops 100] [--loop-adds 10]
        [--writers-seconds 60] [--only fuzz imports mails loops writers]

Every command runs as a real `python -m shopcare` process (the fuzz: in-process through typer's
CliRunner, and --fuzz-processes of them as real processes too; see bench/fuzz.py), with
SHOPCARE_HOME on a throwaway home and SHOPCARE_NOW pinned. Prints a table, writes json (--out),
and exits 1 if a figure that must be 0 is not.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
import killing  # noqa: E402
import team_load  # noqa: E402
from common import generated_home, work_dir  # noqa: E402

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=timezone(timedelta(hours=9)))
PARTS = ("fuzz", "imports", "mails", "loops", "writers")


def row(group: str, label: str, value, target: str = "0", met: bool | None = None) -> dict:
    """One line of the table; a figure with target 0 is met when its value is 0."""
    if met is None and target == "0":
        met = value == 0
    return {"group": group, "figure": label, "value": value, "target": target, "met": met}


# ---------------------------------------------------------------------------------------------
# 1. the fuzz: bench/fuzz.py itself, its results read back


DAMAGED = "the fuzz's shared home found changed after it"


def _fixture_state(home: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file()}


def _guarded(make_fixture, run):
    """fuzzing's make_fixture and run, guarding the shared home every invocation is run on a
    copy of. Its files are also handed to commands by their own paths (say `report --out
    HOME/shopcare.db`, which writes there as told): an invocation that changed them is counted
    under DAMAGED and the home put back, so that later invocations (and bench/fuzz.py's own
    checks) see the home they were generated for. Invocations run under a shared lock, the home
    is put back under an exclusive one; one that failed while the home was damaged (by the
    other worker) is run again. The other worker's invocation may still have copied the home
    in the moment it was damaged: rare, and any problem it then shows is printed with it."""
    import fcntl

    pristine: dict[str, bytes] = {}

    def made(root: Path):
        fx = make_fixture(root)
        pristine.update(_fixture_state(fx.home))
        return fx

    def mend(fx) -> bool:
        with (fx.root / ".guard").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if _fixture_state(fx.home) == pristine:
                return False
            shutil.rmtree(fx.home, ignore_errors=True)
            for name, data in pristine.items():
                Path(name).parent.mkdir(parents=True, exist_ok=True)
                Path(name).write_bytes(data)
            return True

    def shared(inv, fx, *args, **kwargs):
        with (fx.root / ".guard").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_SH)
            return run(inv, fx, *args, **kwargs)

    def guarded(inv, fx, *args, **kwargs):
        try:
            outcome = shared(inv, fx, *args, **kwargs)
        except Exception:  # noqa: BLE001 - run on a damaged home: once more, as it was
            mend(fx)
            outcome = shared(inv, fx, *args, **kwargs)
        if _fixture_state(fx.home) != pristine and mend(fx):
            outcome.problems.append(f"{DAMAGED}: {' '.join(inv.args)[:200]}")
        return outcome

    return made, guarded


def fuzz_figures(n: int, seed: int, jobs: int, processes: int) -> tuple[list[dict], dict]:
    """Run bench/fuzz.py's main as its command line would (it prints its own table and the
    examples of each problem), keeping the results it reports."""
    import fuzz
    import fuzzing

    kept: dict = {}
    report = fuzz._report

    def keep(results: list[dict], options, elapsed: float) -> None:
        kept.update(results=results, elapsed=elapsed)
        report(results, options, elapsed)

    argv = ["fuzz.py", "-n", str(n), "--seed", str(seed), "--jobs", str(jobs)]
    argv += ["--processes", str(processes)]
    saved = sys.argv, fuzz._report, fuzzing.make_fixture, fuzzing.run
    sys.argv, fuzz._report = argv, keep
    fuzzing.make_fixture, fuzzing.run = _guarded(fuzzing.make_fixture, fuzzing.run)
    try:
        fuzz.main()
    finally:
        sys.argv, fuzz._report, fuzzing.make_fixture, fuzzing.run = saved
    results = kept["results"]

    def count(prefix: str) -> int:
        return sum(any(p.startswith(prefix) for p in r["problems"]) for r in results)

    real = sum(r["process"] for r in results)
    failed = sum(r["exit"] not in (0, 3, None) for r in results)
    group = (
        f"fuzzed command lines: {len(results) - real:,} in-process + {real:,} real processes"
        f" (bench/fuzz.py, seed {seed}, {kept['elapsed']:.0f} s)"
    )
    rows = [
        row(group, "tracebacks", count("traceback")),
        row(
            group,
            "exits outside 0/1/2/3 (or 1 without an Error: line)",
            sum(fuzz._odd_exit(r) for r in results),
        ),
        row(group, f"databases changed by a failing command (of {failed:,})", count("a failed")),
        row(group, f"hangs (over {fuzz.LIMIT:.0f} s)", count("hang")),
        row(
            group,
            f"exit 0 on input known to be bad (of {sum(r['bad'] for r in results):,};"
            " bench/fuzz.py's own check)",
            count("exit 0 on bad"),
            "-",
        ),
        row(
            group,
            "invocations after which the fuzz's shared home was found changed (a command given"
            " a path into it wrote there, as told; put back)",
            count(DAMAGED),
            "-",
        ),
    ]
    problems = [
        {"problems": r["problems"], "shown": r["shown"][:500]} for r in results if r["problems"]
    ]
    detail = {
        "invocations": len(results),
        "real_processes": real,
        "seconds": round(kept["elapsed"], 1),
        "problems": problems[:50],
    }
    return rows, detail


# ---------------------------------------------------------------------------------------------
# 2. kill -9


def _landed(tally: killing.Tally) -> str:
    return ", ".join(f"{n} {where}" for where, n in tally.landed.most_common())


def kill_rows(group: str, tally: killing.Tally, info: tuple[str, ...] = ()) -> list[dict]:
    """The tally's counts as rows: those named in info are shown, not judged."""
    return [
        row(group, name, value, "-" if name in info else "0")
        for name, value in tally.counts.items()
    ]


def import_figures(work: Path, kills: int, rows: int, seed: int) -> tuple[list[dict], dict]:
    kind = killing.ImportKills(work / "imports", rows)
    tally = kind.run(kills, random.Random(f"{seed}-imports"))
    first = kind.window["first import"][2]
    group = (
        f"kill -9 of `orders import` ({kills} kills of a {rows:,}-row Shopify export,"
        f" {len(kind.items):,} orders, {kind.export.stat().st_size / 2**20:.1f} MB; an unkilled"
        f" run {first:.2f} s; landed: {_landed(tally)})"
    )
    return kill_rows(group, tally), tally.record()


def mail_figures(work: Path, kills: int, size: int, seed: int) -> tuple[list[dict], dict]:
    kind = killing.MailKills(work / "mails", size, seed)
    tally = kind.run(kills, random.Random(f"{seed}-mails"))
    megabytes = max(len(m.raw) for m in kind.messages) / 2**20
    longest = max(w[2] for w in kind.window.values())
    group = (
        f"kill -9 of `mail in` ({kills} kills of {len(kind.messages)} messages of up to"
        f" {megabytes:.1f} MB, each delivered again; an unkilled run up to {longest:.2f} s;"
        f" landed: {_landed(tally)})"
    )
    info = ("temporary files left in attachments/",)
    return kill_rows(group, tally, info), tally.record()


def loop_figures(work: Path, kills: int, adds: int, seed: int) -> tuple[list[dict], dict]:
    kind = killing.LoopKills(work / "loops", adds)
    tally = kind.run(kills, random.Random(f"{seed}-loops"))
    group = (
        f"kill -9 of a shell loop of {adds} `case add` ({kills} kills; an unkilled loop"
        f" {kind.seconds:.2f} s; landed: {_landed(tally)})"
    )
    return kill_rows(group, tally, ("cases written",)), tally.record()


# ---------------------------------------------------------------------------------------------
# 3. four writers and a cron reader


def writer_figures(work: Path, seconds: float, cases: int) -> tuple[list[dict], dict]:
    home = work / "writers"
    if home.exists():
        shutil.rmtree(home)
    if cases:
        shutil.copytree(generated_home(f"home_{cases}", cases, NOW), home)
    else:
        killing.new_shop(home)
    env = killing.env_for(home)
    existing = [int(r[0]) for r in killing.query(home, "SELECT id FROM cases")]
    started = time.perf_counter()
    results = team_load.operators_and_reader(env, seconds)
    took = time.perf_counter() - started
    found = team_load.judge(results, *team_load.cli_reader(env), existing=existing)
    ok, broken = killing.integrity(home)
    by = ", ".join(f"{n} {name}" for name, n in found["by_command"].items())
    group = (
        f"four writers and a cron reader on one SQLite home ({took:.0f} s,"
        f" {'a new shop' if not cases else f'{cases:,} cases before'}; {by})"
    )
    rows = [
        row(group, "errors shown (an Error: line or an exit but 0)", found["errors_shown"]),
        row(group, '"database is locked" (or busy) shown', found["locked_shown"]),
        row(group, "tracebacks", found["tracebacks"]),
        row(
            group, "lost writes (a command exited 0, its write is not there)", found["lost_writes"]
        ),
        row(group, "cases that no command exiting 0 added", found["cases_no_command_made"]),
        row(group, "failed integrity check afterwards", 0 if ok else 1),
        row(group, "rows breaking a foreign key afterwards", broken),
    ]
    return rows, found | {"seconds": round(took, 1)}


# ---------------------------------------------------------------------------------------------


def figures(options: argparse.Namespace) -> dict:
    """Every part asked for (options.only), with its rows and details."""
    work = Path(tempfile.mkdtemp(prefix="stress-", dir=work_dir()))  # this run's own
    parts = {
        "fuzz": lambda: fuzz_figures(
            options.fuzz, options.seed, options.jobs, options.fuzz_processes
        ),
        "imports": lambda: import_figures(work, options.imports, options.import_rows, options.seed),
        "mails": lambda: mail_figures(
            work, options.mails, int(options.mail_mb * 2**20), options.seed
        ),
        "loops": lambda: loop_figures(work, options.loops, options.loop_adds, options.seed),
        "writers": lambda: writer_figures(work, options.writers_seconds, options.writers_cases),
    }
    rows, details = [], {}
    started = time.perf_counter()
    for name in PARTS:
        if options.only and name not in options.only:
            continue
        print(f"{name} ...", flush=True)
        begun = time.perf_counter()
        try:
            found, detail = parts[name]()
        except Exception as exc:  # noqa: BLE001 - a part that could not measure is a failure
            import traceback

            traceback.print_exc()
            error = f"{type(exc).__name__}: {exc}"
            found = [row(name, "the part could not be measured", error, "0", False)]
            detail = {"error": error, "examples": [traceback.format_exc()[-2000:]]}
        rows += found
        details[name] = detail
        print(f"{name}: {time.perf_counter() - begun:.0f} s", flush=True)
    shutil.rmtree(work, ignore_errors=True)
    return {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "command": " ".join(["python", "bench/stress.py", *sys.argv[1:]]),
        "seed": options.seed,
        "seconds": round(time.perf_counter() - started, 1),
        "figures": rows,
        "details": details,
    }


def print_table(report: dict) -> None:
    group = None
    print(f"\nshopcare stress: {report['command']}  ({report['seconds']:.0f} s)")
    for line in report["figures"]:
        if line["group"] != group:
            group = line["group"]
            print(f"\n{group}\n\n| figure | measured | target |\n|---|---|---|")
        mark = "" if line["met"] in (True, None) else "  <-- not met"
        value = f"{line['value']:,}" if isinstance(line["value"], int) else line["value"]
        print(f"| {line['figure']} | {value} | {line['target']} |{mark}")
    examples = [
        (name, e) for name, d in report["details"].items() for e in d.get("examples", [])[:5]
    ]
    if examples:
        print("\nexamples:")
        for name, example in examples:
            print(f"  {name}: {example[:400]}")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small counts, to try it out")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="for the fuzz")
    parser.add_argument("--fuzz", type=int, help="fuzzed invocations (10,000; quick 500)")
    parser.add_argument(
        "--fuzz-processes", type=int, help="of them also run as real processes (300; quick 20)"
    )
    parser.add_argument("--imports", type=int, help="imports killed (100; quick 10)")
    parser.add_argument("--import-rows", type=int, help="rows of the export (20,000; quick 5,000)")
    parser.add_argument("--mails", type=int, help="`mail in` killed (100; quick 10)")
    parser.add_argument("--mail-mb", type=float, help="MB attached to each message (4; quick 2)")
    parser.add_argument("--loops", type=int, help="`case add` loops killed (100; quick 10)")
    parser.add_argument("--loop-adds", type=int, help="`case add` in each loop (10; quick 5)")
    parser.add_argument("--writers-seconds", type=float, help="of the four writers (60; quick 8)")
    parser.add_argument(
        "--writers-cases",
        type=int,
        help="cases in the writers' home before they start (bench/generate.py's 10,000; quick 0,"
        " a new shop)",
    )
    parser.add_argument("--only", nargs="*", choices=PARTS, help="some of the parts")
    parser.add_argument("--out", type=Path, default=HERE / "results-stress.json")
    options = parser.parse_args(argv)
    defaults = {  # full, quick
        "fuzz": (10_000, 500),
        "fuzz_processes": (300, 20),
        "imports": (100, 10),
        "import_rows": (20_000, 5_000),
        "mails": (100, 10),
        "mail_mb": (4.0, 2.0),
        "loops": (100, 10),
        "loop_adds": (10, 5),
        "writers_seconds": (60.0, 8.0),
        "writers_cases": (10_000, 0),
    }
    for name, (full, quick) in defaults.items():
        if getattr(options, name) is None:
            setattr(options, name, quick if options.quick else full)
    return options


def main() -> None:
    options = parse()
    report = figures(options)
    print_table(report)
    options.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"\nwritten to {options.out}")
    if any(line["met"] is False for line in report["figures"]):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
