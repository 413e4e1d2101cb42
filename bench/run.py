"""shopcare's benchmarks: every figure as whole processes, side by side with its floor or rival,
several runs each; prints medians, ratios and targets, and writes bench/results.json.

    python bench/run.py [--runs 5] [--quick]

--quick uses smaller homes (for trying the runner out; the figures to report come from a full run).
Generated data is kept in bench/.work/ and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import generated_home, run_once, side_by_side, work_dir  # noqa: E402

JST = timezone(timedelta(hours=9))
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=JST)
PY = sys.executable
SHOPCARE = [PY, "-m", "shopcare"]
TYPER_FLOOR = [PY, "-c", "import typer"]
# the same floor without Python's collection at exit, which shopcare skips (cli.main freezes
# what is alive): reported beside the floor, so that the ratio shows what that trick buys
LEAN_FLOOR = [PY, "-c", "import gc, typer; gc.freeze()"]


def _env(shop: Path, now: datetime = NOW) -> dict:
    return dict(os.environ, SHOPCARE_HOME=str(shop), SHOPCARE_NOW=now.isoformat(), NO_COLOR="1")


def _ratio(a: float, b: float) -> float:
    return round(a / b, 2)


def figure_startup(runs: int, cases: int) -> list[dict]:
    shop = generated_home(f"home_{cases}", cases, NOW)
    env = _env(shop)
    subprocess_warm = [*SHOPCARE, "followups", "--format", "tsv"]
    run_once(subprocess_warm, env)  # first run builds the policy cache, as any first run would
    results = side_by_side(
        [
            ("import typer", TYPER_FLOOR, None),
            ("lean floor", LEAN_FLOOR, None),
            ("followups", [*SHOPCARE, "followups", "--format", "tsv"], None),
            ("case list", [*SHOPCARE, "case", "list", "--format", "tsv"], None),
            ("--help", [*SHOPCARE, "--help"], None),
        ],
        runs,
        env,
    )
    floor = results["import typer"].median
    lean = results["lean floor"].median
    out = []
    for label, target, number in (("followups", 1.5, 1), ("case list", 1.5, 1), ("--help", 1.3, 2)):
        out.append(
            {
                "figure": number,
                "name": f"shopcare {label} ({cases:,}-case home) vs python -c 'import typer'",
                "floor_s": round(floor, 3),
                "shopcare_s": round(results[label].median, 3),
                "ratio": _ratio(results[label].median, floor),
                "lean_floor_s": round(lean, 3),
                "ratio_to_lean_floor": _ratio(results[label].median, lean),
                "target": f"<= {target}x",
                "met": results[label].median / floor <= target,
            }
        )
    return out


def figure_taskwarrior(runs: int, open_cases: int) -> dict:
    task = shutil.which("task")
    name = "shopcare followups --overdue vs taskwarrior's task overdue, {items} open items"
    if task is None:
        return {
            "figure": 3,
            "name": name.format(items="about 100,000"),
            "skipped": "taskwarrior is not installed (apt-get install taskwarrior)",
        }
    # the real clock: taskwarrior has no way to pin it, so both use it
    real_now = datetime.now(JST).replace(microsecond=0)
    shop = generated_home(
        f"overdue_{open_cases}",
        open_cases,
        now=real_now - timedelta(days=3),
        open_cases=open_cases,
        overdue_only=True,
    )
    env = _env(shop, real_now)
    import subprocess

    # the list goes through a file and a child process, never through this (small) runner
    listing = work_dir() / "overdue.tsv"
    with listing.open("w", encoding="utf-8") as out:
        subprocess.run(
            [*SHOPCARE, "followups", "--overdue", "--format", "tsv"],
            env=env,
            stdout=out,
            check=True,
        )
    made = subprocess.run(
        [
            PY,
            str(Path(__file__).parent / "taskwarrior_data.py"),
            str(listing),
            str(work_dir() / "taskwarrior"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    rc, count = made[0], int(made[1])
    results = side_by_side(
        [
            ("shopcare", [*SHOPCARE, "followups", "--overdue", "--format", "tsv"], None),
            ("taskwarrior", [task, f"rc:{rc}", "overdue"], None),
        ],
        runs,
        env,
    )
    ours, theirs = results["shopcare"], results["taskwarrior"]
    return {
        "figure": 3,
        "name": name.format(items=f"{count:,}"),
        "items": count,
        "taskwarrior_s": round(theirs.median, 3),
        "shopcare_s": round(ours.median, 3),
        "ratio": _ratio(ours.median, theirs.median),
        "taskwarrior_peak_mb": round(theirs.peak_kb / 1024, 1),
        "shopcare_peak_mb": round(ours.peak_kb / 1024, 1),
        "memory_ratio": _ratio(ours.peak_kb, theirs.peak_kb),
        "target": "<= 0.2x time, <= 0.25x peak memory",
        "met": ours.median / theirs.median <= 0.2 and ours.peak_kb / theirs.peak_kb <= 0.25,
    }


def figure_scale(runs: int, small: int, large: int, open_cases: int) -> dict:
    small_home = generated_home(f"scale_{small}", small, NOW, open_cases=open_cases)
    large_home = generated_home(f"scale_{large}", large, NOW, open_cases=open_cases)
    command = [*SHOPCARE, "followups", "--format", "tsv"]
    for shop in (small_home, large_home):
        run_once(command, _env(shop))
    results = {}
    for _ in range(runs):
        for label, shop in (("small", small_home), ("large", large_home)):
            seconds, peak = run_once(command, _env(shop))
            results.setdefault(label, []).append((seconds, peak))
    med = {k: sorted(s for s, _ in v)[len(v) // 2] for k, v in results.items()}
    peak = {k: max(p for _, p in v) for k, v in results.items()}
    return {
        "figure": 4,
        "name": f"shopcare followups at {large:,} cases vs {small:,} cases (the same {open_cases:,} open cases)",
        "small_s": round(med["small"], 3),
        "large_s": round(med["large"], 3),
        "ratio": _ratio(med["large"], med["small"]),
        "large_peak_mb": round(peak["large"] / 1024, 1),
        "target": "<= 2x, peak memory < 100 MB",
        "met": med["large"] / med["small"] <= 2 and peak["large"] / 1024 < 100,
    }


def figure_import(runs: int, rows: int) -> dict:
    from import_orders import figures

    result = figures(rows, runs)
    return {
        "figure": 5,
        "name": f"orders import of a {rows:,}-row Shopify export vs csv + sqlite3 executemany (and sqlite-utils insert --csv)",
        "floor_s": result["floor_s"],
        "sqlite_utils_s": result["sqlite_utils_s"],
        "shopcare_s": result["shopcare_s"],
        "ratio": result["ratio_to_floor"],
        "ratio_to_sqlite_utils": result["ratio_to_sqlite_utils"],
        "target": "<= 2x the floor",
        "met": result["ratio_to_floor"] <= 2,
    }


def figure_render(runs: int, cases: int) -> list[dict]:
    from render_batch import TEMPLATES, figures

    found = []
    for template in TEMPLATES:
        result = figures(cases, runs, template)
        found.append(
            {
                "figure": 5,
                "name": f"{template} drafts for {cases:,} cases in one process vs a bare Jinja loop",
                "floor_s": result["floor_s"],
                "shopcare_s": result["shopcare_s"],
                "ratio": result["ratio_to_floor"],
                "target": "<= 2x",
                "met": result["ratio_to_floor"] <= 2,
            }
        )
    return found


def figure_mail(runs: int, messages: int) -> list[dict]:
    """MAIL.md's two figures: one message from a mail system, and a whole mbox."""
    from mail_in import figures

    result = figures(messages, runs)
    return [
        {
            "figure": "mail 1",
            "name": "one message piped to `shopcare mail in` (10,000-case home) vs python -c"
            " 'import typer'",
            "floor_s": result["one_floor_s"],
            "shopcare_s": result["one_shopcare_s"],
            "ratio": result["one_ratio"],
            "target": "<= 1.5x",
            "met": result["one_ratio"] <= 1.5,
        },
        {
            "figure": "mail 2",
            "name": f"`shopcare mail in` of a {messages:,}-message mbox vs parsing it with mailbox"
            " and email",
            "floor_s": result["mbox_floor_s"],
            "shopcare_s": result["mbox_shopcare_s"],
            "ratio": result["mbox_ratio"],
            "target": "<= 2x",
            "met": result["mbox_ratio"] <= 2,
        },
    ]


def figure_search(runs: int, cases: int) -> list[dict]:
    """INSIGHT.md: a search on a home of a million cases, a word of three or more characters
    within 1.5x of import typer, a two-character word within 2x."""
    from search import figures

    result = figures(cases, runs)
    return [
        {
            "figure": "search",
            "name": f"shopcare search {found['word']!r} ({found['kind']}, {cases:,}-case home)"
            " vs python -c 'import typer'",
            "floor_s": result["floor_s"],
            **{k: v for k, v in found.items() if k not in ("word", "kind")},
        }
        for found in result["searches"]
    ]


def figure_postgres(runs: int, cases: int) -> list[dict]:
    """TEAM.md: followups and case list on a local PostgreSQL within 2x of the SQLite file
    (skipped, saying why, where no server can be started)."""
    from postgres import figures

    return [{"figure": "team"} | found for found in figures(cases, runs)]


def figure_report(runs: int, cases: int) -> list[dict]:
    """INSIGHT.md: a report over a year of a 100,000-case home within 3x of import typer."""
    from report import figures

    result = figures(cases, runs)
    return [
        {
            "figure": "report",
            "name": result["name"],
            "floor_s": result["floor_s"],
            "shopcare_s": result["report_s"],
            "ratio": result["report_ratio"],
            "by_week_ratio": result["weekly_ratio"],
            "after_changes_ratio": result["after_changes_ratio"],
            "first_report_s": result["first_report_s"],
            "target": result["target"],
            "met": result["report_met"] and result["weekly_met"],
        }
    ]


def figure_stress(quick: bool) -> list[dict]:
    """SAFETY.md's reliability figures (bench/stress.py, with its own counts; --quick for its
    quick ones): each a count that must be 0."""
    from stress import figures, parse, print_table

    report = figures(parse(["--quick"] if quick else []))
    print_table(report)
    return [
        {
            "figure": "stress",
            "name": f"{line['group']}: {line['figure']}",
            "value": line["value"],
            "target": line["target"],
            "met": line["met"],
        }
        for line in report["figures"]
    ]


def _compile_shopcare() -> None:
    """Byte-compile shopcare's modules, as `pip install` does, so that an editable install or
    a PYTHONDONTWRITEBYTECODE environment does not time the compiler on every run."""
    import compileall

    import shopcare

    compileall.compile_dir(Path(shopcare.__file__).parent, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--only",
        nargs="*",
        help="some of: start-up taskwarrior scale import render mail search report postgres stress",
    )
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent / "results.json"
    )
    args = parser.parse_args()
    quick = args.quick
    started = time.perf_counter()
    _compile_shopcare()
    figures = []
    steps = [
        ("start-up", lambda: figure_startup(args.runs, 10_000)),
        (
            "taskwarrior",
            lambda: [figure_taskwarrior(max(3, args.runs // 2), 6_900 if quick else 69_000)],
        ),
        (
            "scale",
            lambda: [figure_scale(args.runs, 10_000, 100_000 if quick else 1_000_000, 1_000)],
        ),
        ("import", lambda: [figure_import(3, 10_000 if quick else 100_000)]),
        ("render", lambda: figure_render(args.runs, 1_000 if quick else 10_000)),
        ("mail", lambda: figure_mail(3, 1_000 if quick else 10_000)),
        ("search", lambda: figure_search(args.runs, 100_000 if quick else 1_000_000)),
        ("report", lambda: figure_report(args.runs, 10_000 if quick else 100_000)),
        ("postgres", lambda: figure_postgres(args.runs, 1_000 if quick else 10_000)),
        ("stress", lambda: figure_stress(quick)),
    ]
    for label, step in steps:
        if args.only and label not in args.only:
            continue
        print(f"{label} ...", flush=True)
        for result in step():
            figures.append(result)
            _print(result)
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "runs": args.runs,
        "quick": quick,
        "seconds": round(time.perf_counter() - started, 1),
        "figures": figures,
    }
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.out} in {report['seconds']} s")


def _print(result: dict) -> None:
    print(f"\n[{result['figure']}] {result['name']}")
    for key, value in result.items():
        if key not in ("figure", "name"):
            print(f"    {key}: {value}")


if __name__ == "__main__":
    main()
